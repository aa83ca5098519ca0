"""Errors a person can read.

Every ``MedLinkError`` carries a message written for the user; the UI shows it as it is. Anything
else that escapes a service is a bug: it is logged with its trace and shown as an internal error.
"""

from __future__ import annotations


class MedLinkError(Exception):
    """Base of every error meant to be shown to the user without a stack trace."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(MedLinkError):
    """Bad input. ``field`` names the form field the message belongs next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AuthError(MedLinkError):
    """Login failed. Same text for an unknown account and a wrong password."""


class AccountLocked(MedLinkError):
    """Too many failed logins; the account is locked until ``until`` (UTC, naive)."""

    def __init__(self, message: str, until: object | None = None) -> None:
        super().__init__(message)
        self.until = until


class PermissionDenied(MedLinkError):
    """The session's role or ownership does not allow this call."""


class NotFound(MedLinkError):
    """The thing asked for does not exist (or the caller may not know that it does)."""


class ConflictError(MedLinkError):
    """The change collides with existing data: a slot taken, an e-mail already registered.
    ``field`` names the form field it belongs next to, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ServiceUnavailable(MedLinkError):
    """The database or the mail server cannot be reached; the message says what to do."""
