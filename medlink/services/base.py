"""What every service shares: the database, the clock, the audit trail and the session check."""

from __future__ import annotations

from medlink.config import Settings
from medlink.db import Database
from medlink.errors import PermissionDenied
from medlink.services.audit import AuditService, Ref
from medlink.services.clock import Clock
from medlink.services.session import Session, SessionRegistry


class Service:
    def __init__(self, db: Database, settings: Settings, clock: Clock, audit: AuditService,
                 sessions: SessionRegistry) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.audit = audit
        self.sessions = sessions

    def authorize(self, session: object, roles: tuple[str, ...], action: str, subject: Ref = None,
                  obj: Ref = None) -> Session:
        """The live session if its role is one of ``roles``; otherwise the refusal is audited and
        ``PermissionDenied`` raised."""
        try:
            return self.sessions.check(session, roles)
        except PermissionDenied as exc:
            self.deny(session, action, subject, obj, str(exc))
            raise

    def deny(self, session: object, action: str, subject: Ref = None, obj: Ref = None, detail: str = "") -> None:
        """Write the audit row of a refused call (in its own transaction)."""
        actor = session if isinstance(session, Session) else None
        self.audit.record_now(actor=actor, action=action, subject=subject, obj=obj, outcome="denied",
                              detail=detail)

    def refuse(self, session: Session, action: str, subject: Ref = None, obj: Ref = None,
               message: str = "You do not have permission to do that.") -> PermissionDenied:
        """Audit an ownership refusal and return the error to raise."""
        self.deny(session, action, subject, obj, message)
        return PermissionDenied(message)
