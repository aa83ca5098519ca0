"""Sessions: who is signed in. A session is made only by a successful login and ends at logout
or automatic log-off; services refuse a session that has ended."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from medlink.errors import PermissionDenied

ROLES = ("patient", "doctor", "admin")


@dataclass(frozen=True)
class Session:
    role: str
    user_id: int
    name: str
    session_id: str = field(default_factory=lambda: secrets.token_urlsafe(16), repr=False, compare=False)

    @property
    def actor(self) -> tuple[str, int]:
        return self.role, self.user_id


class SessionRegistry:
    """The sessions of this process that are still live."""

    def __init__(self) -> None:
        self._live: set[str] = set()
        self._lock = threading.Lock()

    def start(self, role: str, user_id: int, name: str) -> Session:
        session = Session(role=role, user_id=user_id, name=name)
        with self._lock:
            self._live.add(session.session_id)
        return session

    def end(self, session: Session) -> bool:
        """End a session; returns False if it had already ended."""
        with self._lock:
            if session.session_id in self._live:
                self._live.remove(session.session_id)
                return True
            return False

    def is_live(self, session: object) -> bool:
        return isinstance(session, Session) and session.session_id in self._live

    def check(self, session: object, roles: tuple[str, ...]) -> Session:
        """The session if it is live and has one of ``roles``; else ``PermissionDenied``."""
        if not self.is_live(session):
            raise PermissionDenied("Your session has ended. Please log in again.")
        assert isinstance(session, Session)
        if roles and session.role not in roles:
            raise PermissionDenied("You do not have permission to do that.")
        return session
