"""bills and their receipt numbering (receipt_counters: one locked row per financial year)."""

from __future__ import annotations

from typing import Any

from medlink.db import Tx

COLUMNS = ("bill_id", "receipt_number", "financial_year", "receipt_sequence", "appointment_id", "patient_id",
           "doctor_id", "consultation_fee", "lab_test_fee", "medication_fee", "other_fees", "extra_charges",
           "subtotal", "gst_rate", "gst_amount", "total_amount", "additional_details", "created_at")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM bills"


def next_receipt_sequence(tx: Tx, financial_year: str) -> int:
    """Take the next number of ``financial_year`` under the counter row's lock: gap-free as long as
    the bill is inserted in the same transaction."""
    row = tx.query_one("SELECT last_sequence FROM receipt_counters WHERE financial_year = ? FOR UPDATE",
                       (financial_year,))
    if row is None:
        raise LookupError(f"no receipt counter for {financial_year}: call ensure_counter first")
    tx.execute("UPDATE receipt_counters SET last_sequence = last_sequence + 1 WHERE financial_year = ?",
               (financial_year,))
    return int(row["last_sequence"]) + 1


def insert(tx: Tx, bill: dict[str, Any]) -> int:
    """Insert a bill; ``bill`` holds every column but ``bill_id``."""
    columns = COLUMNS[1:]
    missing = set(columns) - set(bill)
    if missing:
        raise ValueError(f"bill lacks {sorted(missing)}")
    return tx.insert(f"INSERT INTO bills ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                     tuple(bill[c] for c in columns))


def get(tx: Tx, bill_id: int) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE bill_id = ?", (bill_id,))


def get_with_patient(tx: Tx, bill_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A bill and what its receipt prints of the patient (``patient_id``, ``name``, ``phone``,
    ``email``), in one read."""
    row = tx.query_one(
        f"SELECT {', '.join('b.' + c for c in COLUMNS)}, p.name AS patient_name, p.phone AS patient_phone, "
        "p.email AS patient_email FROM bills b JOIN patient_info p ON p.patient_id = b.patient_id "
        "WHERE b.bill_id = ?", (bill_id,))
    if row is None:
        return None
    patient = {"patient_id": row["patient_id"], "name": row.pop("patient_name"), "phone": row.pop("patient_phone"),
               "email": row.pop("patient_email")}
    return row, patient


def by_appointment(tx: Tx, appointment_id: int) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE appointment_id = ?", (appointment_id,))


def for_patient(tx: Tx, patient_id: int, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    return tx.query(f"{_SELECT} WHERE patient_id = ? ORDER BY created_at DESC, bill_id DESC LIMIT ? OFFSET ?",
                    (patient_id, limit, offset))


def for_doctor(tx: Tx, doctor_id: int, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    return tx.query(f"{_SELECT} WHERE doctor_id = ? ORDER BY created_at DESC, bill_id DESC LIMIT ? OFFSET ?",
                    (doctor_id, limit, offset))


def ensure_counter(tx: Tx, financial_year: str) -> None:
    """Make the counter row of ``financial_year`` exist (at 0), so numbering locks a real row."""
    if tx.query_one("SELECT 1 AS x FROM receipt_counters WHERE financial_year = ?", (financial_year,)) is None:
        tx.execute("INSERT INTO receipt_counters (financial_year, last_sequence) VALUES (?, 0)", (financial_year,))


def with_names(tx: Tx, where: str, params: tuple, limit: int, offset: int) -> list[dict[str, Any]]:
    """Bills with the patient's and doctor's names; ``where`` is one of this module's own filters."""
    if where not in _NAMED_FILTERS:
        raise ValueError("unknown filter")
    return tx.query(
        f"SELECT {', '.join('b.' + c for c in COLUMNS)}, p.name AS patient_name, d.name AS doctor_name "
        "FROM bills b JOIN patient_info p ON p.patient_id = b.patient_id "
        f"JOIN doctor_info d ON d.doctor_id = b.doctor_id WHERE {_NAMED_FILTERS[where]} "
        "ORDER BY b.created_at DESC, b.bill_id DESC LIMIT ? OFFSET ?", (*params, limit, offset))


_NAMED_FILTERS = {"patient": "b.patient_id = ?", "doctor": "b.doctor_id = ?", "bill": "b.bill_id = ?"}
