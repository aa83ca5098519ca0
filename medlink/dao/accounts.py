"""The login columns shared by admins, patient_info and doctor_info: password hash, failed-login
count and lock. The role picks the table from an allow-list; nothing the caller types is SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

# role -> (table, id column, login column, display-name column)
TABLES: dict[str, tuple[str, str, str, str]] = {
    "patient": ("patient_info", "patient_id", "email", "name"),
    "doctor": ("doctor_info", "doctor_id", "email", "name"),
    "admin": ("admins", "admin_id", "username", "username"),
}


def _table(role: str) -> tuple[str, str, str]:
    try:
        return TABLES[role][:3]
    except KeyError:
        raise ValueError(f"unknown role {role!r}") from None


def for_login(tx: Tx, role: str, login: str) -> dict[str, Any] | None:
    """The account row with ``id`` (its key), ``name``, ``password_hash``, ``failed_logins``,
    ``locked_until`` and ``is_active``, locked for the rest of the transaction."""
    table, key, column = _table(role)
    name = TABLES[role][3]
    return tx.query_one(
        f"SELECT {key} AS id, {name} AS name, password_hash, failed_logins, locked_until, is_active "
        f"FROM {table} WHERE {column} = ? FOR UPDATE", (login,))


def for_id(tx: Tx, role: str, account_id: int) -> dict[str, Any] | None:
    """Like ``for_login``, by the account's id."""
    table, key, _ = _table(role)
    name = TABLES[role][3]
    return tx.query_one(
        f"SELECT {key} AS id, {name} AS name, password_hash, failed_logins, locked_until, is_active "
        f"FROM {table} WHERE {key} = ? FOR UPDATE", (account_id,))


def record_failure(tx: Tx, role: str, account_id: int, locked_until: dt.datetime | None) -> None:
    """Count one failed login; ``locked_until`` set locks the account until then."""
    table, key, _ = _table(role)
    tx.execute(f"UPDATE {table} SET failed_logins = failed_logins + 1, locked_until = ? WHERE {key} = ?",
               (locked_until, account_id))


def clear_failures(tx: Tx, role: str, account_id: int) -> None:
    table, key, _ = _table(role)
    tx.execute(f"UPDATE {table} SET failed_logins = 0, locked_until = NULL WHERE {key} = ?", (account_id,))


def set_password_hash(tx: Tx, role: str, account_id: int, password_hash: str) -> None:
    table, key, _ = _table(role)
    tx.execute(f"UPDATE {table} SET password_hash = ? WHERE {key} = ?", (password_hash, account_id))
