"""Database errors that services may catch. Both are ``ServiceUnavailable`` so that, if nothing
handles them, the user still reads a message that says what to do."""

from __future__ import annotations

from medlink.errors import ServiceUnavailable


class ConnectionLost(ServiceUnavailable):
    """The connection to the database server broke during a unit of work."""

    def __init__(self, during_commit: bool = False) -> None:
        if during_commit:
            message = ("The connection to the database was lost while saving. The change may or may not "
                       "have been saved: check before trying again.")
        else:
            message = "The connection to the database was lost. Nothing was saved; please try again."
        super().__init__(message)
        self.during_commit = during_commit


class DatabaseBusy(ServiceUnavailable):
    """A deadlock or a lock that could not be had in time; the unit may be retried."""

    def __init__(self) -> None:
        super().__init__("The database is busy right now. Nothing was saved; please try again.")


class IntegrityViolation(Exception):
    """A constraint refused a write. Services turn the ones they expect into ``ConflictError``;
    any other reaching the UI is a bug.

    ``constraint`` is the index or constraint name (the same on both backends: the schema names
    every unique index), ``kind`` one of ``unique``, ``foreign_key``, ``check``, ``not_null``.
    """

    def __init__(self, kind: str, constraint: str | None, detail: str = "") -> None:
        super().__init__(f"{kind} constraint {constraint or '?'} refused the write")
        self.kind = kind
        self.constraint = constraint
        self.detail = detail
