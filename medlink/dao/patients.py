"""patient_info: patients and their own profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

PROFILE_COLUMNS = ("patient_id", "email", "name", "phone", "date_of_birth", "gender", "address",
                   "medical_history", "created_at", "is_active")
EDITABLE = frozenset({"name", "phone", "date_of_birth", "gender", "address", "medical_history", "email"})
_SELECT = f"SELECT {', '.join(PROFILE_COLUMNS)} FROM patient_info"


def insert(tx: Tx, *, email: str, name: str, phone: str, password_hash: str, date_of_birth: dt.date,
           gender: str, address: str, medical_history: str, created_at: dt.datetime) -> int:
    return tx.insert(
        "INSERT INTO patient_info (email, name, phone, password_hash, date_of_birth, gender, address, "
        "medical_history, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (email, name, phone, password_hash, date_of_birth, gender, address, medical_history, created_at))


def get(tx: Tx, patient_id: int) -> dict[str, Any] | None:
    """The profile without the password hash or login counters."""
    return tx.query_one(f"{_SELECT} WHERE patient_id = ?", (patient_id,))


def by_email(tx: Tx, email: str) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE email = ?", (email,))


def update(tx: Tx, patient_id: int, fields: dict[str, Any]) -> int:
    """Change profile fields named in ``EDITABLE``; returns rows changed."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not fields:
        return 0
    columns = sorted(fields)
    assignments = ", ".join(f"{c} = ?" for c in columns)
    return tx.execute(f"UPDATE patient_info SET {assignments} WHERE patient_id = ?",
                      (*[fields[c] for c in columns], patient_id))


def count(tx: Tx) -> int:
    return int(tx.scalar("SELECT COUNT(*) AS n FROM patient_info"))
