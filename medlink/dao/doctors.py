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


# Money parameters are cast so that both sides compare (and sort) as numbers: SQLite binds a Decimal
# as text, and an expression such as COALESCE has no column affinity to turn it back into a number.
_MONEY = "CAST(? AS DECIMAL(10,2))"
FEE_IN_FORCE = f"COALESCE(d.consultation_fee, {_MONEY})"
SEARCH_COLUMNS = ("d.doctor_id", "d.name", "d.specialty", "d.hospital", "d.city", "d.experience_years",
                  "d.qualifications", "d.slot_minutes", "d.verification_status", "d.consultation_fee")
_FEE_POSITION = len(SEARCH_COLUMNS) + 1  # fee_in_force follows SEARCH_COLUMNS; its alias carries a type hint
SEARCH_ORDERS = {
    "name": "d.name, d.doctor_id",
    "fee": f"{_FEE_POSITION}, d.name, d.doctor_id",
    "experience": "d.experience_years DESC, d.name, d.doctor_id",
}


def _like(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere, with the pattern characters escaped (escape '!')."""
    return "%" + term.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _search_where(terms: list[str], specialty: str | None, city: str | None, max_fee: Any,
                  default_fee: Any) -> tuple[str, list[Any]]:
    where = ["d.verification_status = 'verified'", "d.is_active = 1"]
    params: list[Any] = []
    for term in terms:
        where.append("(d.name LIKE ? ESCAPE '!' OR d.specialty LIKE ? ESCAPE '!' OR d.hospital LIKE ? ESCAPE '!' "
                     "OR d.qualifications LIKE ? ESCAPE '!')")
        params.extend([_like(term)] * 4)
    if specialty:
        where.append("d.specialty = ?")
        params.append(specialty)
    if city:
        where.append("d.city = ?")
        params.append(city)
    if max_fee is not None:
        where.append(f"{FEE_IN_FORCE} <= {_MONEY}")
        params.extend([default_fee, max_fee])
    return " AND ".join(where), params


def search(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any, default_fee: Any,
           order: str = "name", limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Verified, active doctors matching every term (in name, specialty, hospital or
    qualifications) and the filters; ``order`` is a key of ``SEARCH_ORDERS``. Each row has
    ``fee_in_force``: the consultation fee, or ``default_fee`` for a doctor who set none."""
    where, params = _search_where(terms, specialty, city, max_fee, default_fee)
    return tx.query(
        f"SELECT {', '.join(SEARCH_COLUMNS)}, {FEE_IN_FORCE} AS 'fee_in_force [DECIMAL]' "
        f"FROM doctor_info d WHERE {where} ORDER BY {SEARCH_ORDERS[order]} LIMIT ? OFFSET ?",
        (default_fee, *params, limit, offset))


def search_count(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any,
                 default_fee: Any) -> int:
    where, params = _search_where(terms, specialty, city, max_fee, default_fee)
    return int(tx.scalar(f"SELECT COUNT(*) AS n FROM doctor_info d WHERE {where}", params))


def search_ids(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any,
               default_fee: Any, cap: int) -> list[int]:
    """Ids of every match (at most ``cap``), for orders computed outside SQL."""
    where, params = _search_where(terms, specialty, city, max_fee, default_fee)
    rows = tx.query(f"SELECT d.doctor_id FROM doctor_info d WHERE {where} ORDER BY d.doctor_id LIMIT ?",
                    (*params, cap))
    return [int(r["doctor_id"]) for r in rows]


def summaries(tx: Tx, doctor_ids: list[int], default_fee: Any) -> list[dict[str, Any]]:
    """Search-result rows for these doctors (any order)."""
    if not doctor_ids:
        return []
    marks = ", ".join("?" for _ in doctor_ids)
    return tx.query(f"SELECT {', '.join(SEARCH_COLUMNS)}, {FEE_IN_FORCE} AS 'fee_in_force [DECIMAL]' "
                    f"FROM doctor_info d WHERE d.doctor_id IN ({marks})", (default_fee, *doctor_ids))


FACET_COLUMNS = {"specialty": "specialty", "city": "city"}


def facet_values(tx: Tx, column: str) -> list[str]:
    """The distinct specialties or cities of verified doctors, sorted: for the search filters."""
    name = FACET_COLUMNS[column]
    rows = tx.query(f"SELECT DISTINCT {name} AS value FROM doctor_info "
                    f"WHERE verification_status = 'verified' AND is_active = 1 ORDER BY {name}")
    return [str(r["value"]) for r in rows]
