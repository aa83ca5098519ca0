"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from medlink.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128


@dataclass(frozen=True)
class PasswordParams:
    """argon2id cost parameters. The defaults follow argon2-cffi's RFC 9106 low-memory profile."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("medlink.data").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_policy(password: object, field: str = "password") -> str:
    """The password as typed, if it meets the policy; else ``ValidationError`` naming ``field``.
    Nothing is trimmed or changed: the password is checked exactly as typed."""
    if not isinstance(password, str) or not password:
        raise ValidationError("Enter a password.", field)
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"Use at least {MIN_LENGTH} characters.", field)
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"Use at most {MAX_LENGTH} characters.", field)
    if not encodable(password):  # a lone surrogate: no keyboard types one, and argon2 cannot hash it
        raise ValidationError("Remove the invisible or control characters.", field)
    if password.lower() in common_passwords():
        raise ValidationError("This password is too common. Choose one that is harder to guess.", field)
    return password


def encodable(text: str) -> bool:
    """True if ``text`` can be written as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Passwords:
    """Hash and verify with argon2id; says when a stored hash should be redone with current params."""

    def __init__(self, params: PasswordParams | None = None) -> None:
        self.params = params or PasswordParams()
        self._argon2: Any = None  # argon2's PasswordHasher, made (and argon2 imported) on first use
        self._dummy: str | None = None

    @property
    def _hasher(self) -> Any:
        if self._argon2 is None:
            from argon2 import PasswordHasher, Type

            self._argon2 = PasswordHasher(time_cost=self.params.time_cost, memory_cost=self.params.memory_cost,
                                          parallelism=self.params.parallelism, type=Type.ID)
        return self._argon2

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        if not isinstance(password, str) or not encodable(password):
            return False  # never a password that check_policy let through
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """True if the stored hash is weaker than the current parameters (never a downgrade: a
        desktop configured with cheaper costs leaves stronger hashes alone)."""
        from argon2 import Type, extract_parameters
        from argon2.exceptions import InvalidHashError

        try:
            old = extract_parameters(stored_hash)
        except (InvalidHashError, ValueError):
            return True
        new = self.params
        return (old.type is not Type.ID or old.time_cost < new.time_cost or old.memory_cost < new.memory_cost
                or old.parallelism < new.parallelism)

    def burn_time(self, password: str) -> None:
        """Verify against a throw-away hash, so an unknown account takes as long as a known one."""
        if self._dummy is None:
            self._dummy = self.hash(secrets.token_urlsafe(24))
        self.verify(self._dummy, password)
