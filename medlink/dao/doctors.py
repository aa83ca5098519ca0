"""doctor_info: doctors, their public profile, fees and verification state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

PROFILE_COLUMNS = (
    "doctor_id", "email", "name", "phone", "qualifications", "specialty", "hospital", "hospital_address",
    "city", "experience_years", "registration_number", "bio", "contact_public", "consultation_fee",
    "lab_test_fee", "medication_fee", "other_fees", "slot_minutes", "verification_status", "verified_by",
    "verified_at", "rejection_reason", "created_at", "is_active",
)
EDITABLE = frozenset({
    "name", "phone", "email", "qualifications", "specialty", "hospital", "hospital_address", "city",
    "experience_years", "bio", "contact_public", "slot_minutes",
})
FEE_COLUMNS = ("consultation_fee", "lab_test_fee", "medication_fee", "other_fees")
_SELECT = f"SELECT {', '.join(PROFILE_COLUMNS)} FROM doctor_info"


def insert(tx: Tx, *, email: str, name: str, phone: str, password_hash: str, qualifications: str,
           specialty: str, hospital: str, city: str, experience_years: int, registration_number: str,
           bio: str, created_at: dt.datetime, hospital_address: str = "",
           verification_status: str = "pending") -> int:
    return tx.insert(
        "INSERT INTO doctor_info (email, name, phone, password_hash, qualifications, specialty, hospital, "
        "hospital_address, city, experience_years, registration_number, bio, verification_status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (email, name, phone, password_hash, qualifications, specialty, hospital, hospital_address, city,
         experience_years, registration_number, bio, verification_status, created_at))


def get(tx: Tx, doctor_id: int) -> dict[str, Any] | None:
    """The full profile (private fields included) without the password hash or login counters."""
    return tx.query_one(f"{_SELECT} WHERE doctor_id = ?", (doctor_id,))


def by_email(tx: Tx, email: str) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE email = ?", (email,))


def by_status(tx: Tx, status: str, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Doctors in one verification state, oldest sign-up first."""
    return tx.query(f"{_SELECT} WHERE verification_status = ? ORDER BY created_at, doctor_id LIMIT ? OFFSET ?",
                    (status, limit, offset))


def update(tx: Tx, doctor_id: int, fields: dict[str, Any]) -> int:
    """Change profile fields named in ``EDITABLE``; returns rows changed."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not fields:
        return 0
    columns = sorted(fields)
    assignments = ", ".join(f"{c} = ?" for c in columns)
    return tx.execute(f"UPDATE doctor_info SET {assignments} WHERE doctor_id = ?",
                      (*[fields[c] for c in columns], doctor_id))


def set_fees(tx: Tx, doctor_id: int, consultation: Any, lab_test: Any, medication: Any, other: Any) -> int:
    return tx.execute(
        "UPDATE doctor_info SET consultation_fee = ?, lab_test_fee = ?, medication_fee = ?, other_fees = ? "
        "WHERE doctor_id = ?", (consultation, lab_test, medication, other, doctor_id))


def set_verification(tx: Tx, doctor_id: int, status: str, admin_id: int | None, at: dt.datetime | None,
                     reason: str | None) -> int:
    return tx.execute(
        "UPDATE doctor_info SET verification_status = ?, verified_by = ?, verified_at = ?, "
        "rejection_reason = ? WHERE doctor_id = ?", (status, admin_id, at, reason, doctor_id))


def count(tx: Tx, status: str | None = None) -> int:
    if status is None:
        return int(tx.scalar("SELECT COUNT(*) AS n FROM doctor_info"))
    return int(tx.scalar("SELECT COUNT(*) AS n FROM doctor_info WHERE verification_status = ?", (status,)))
