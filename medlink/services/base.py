"""What every service shares: the database, the clock, the audit trail and the session check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from medlink.config import Settings
from medlink.db import Database
from medlink.errors import PermissionDenied
from medlink.services.audit import AuditService, Ref
from medlink.services.clock import Clock
from medlink.services.session import Session, SessionRegistry

T = TypeVar("T")


class Refusal(PermissionDenied):
    """A refusal found inside a unit of work. ``Service.run`` audits it after the unit has rolled
    back (the audit row must not vanish with the refused unit)."""

    def __init__(self, session: Session, action: str, subject: Ref, obj: Ref, message: str) -> None:
        super().__init__(message)
        self.session, self.action, self.subject, self.obj = session, action, subject, obj


class Service:
    def __init__(self, db: Database, settings: Settings, clock: Clock, audit: AuditService,
                 sessions: SessionRegistry, notifier: Any = None) -> None:
        self.notifier = notifier  # medlink.services.notifier.Notifier: mail written with the change
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
               message: str = "You do not have permission to do that.") -> Refusal:
        """The error to raise, inside a unit, when the session may not touch this person's data."""
        return Refusal(session, action, subject, obj, message)

    def run(self, unit: Callable[..., T]) -> T:
        """``db.run(unit)``, and a ``Refusal`` raised inside is audited once the unit rolled back."""
        try:
            return self.db.run(unit)
        except Refusal as refusal:
            self.deny(refusal.session, refusal.action, refusal.subject, refusal.obj, refusal.message)
            raise
