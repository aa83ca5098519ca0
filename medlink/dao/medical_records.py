"""medical_records (encrypted documents and receipts) and record_shares (which doctors may read one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

META = ("record_id", "patient_id", "uploaded_by", "uploader_role", "kind", "bill_id", "original_filename",
        "content_type", "size_bytes", "sha256", "upload_date")
_SELECT_META = f"SELECT {', '.join('r.' + c for c in META)} FROM medical_records r"


def insert(tx: Tx, *, patient_id: int, uploaded_by: int, uploader_role: str, original_filename: str,
           content_type: str, size_bytes: int, sha256: str, content: bytes, upload_date: dt.datetime,
           kind: str = "document", bill_id: int | None = None) -> int:
    return tx.insert(
        "INSERT INTO medical_records (patient_id, uploaded_by, uploader_role, kind, bill_id, original_filename, "
        "content_type, size_bytes, sha256, content, upload_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (patient_id, uploaded_by, uploader_role, kind, bill_id, original_filename, content_type, size_bytes,
         sha256, content, upload_date))


def get_meta(tx: Tx, record_id: int) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT_META} WHERE r.record_id = ?", (record_id,))


def get_content(tx: Tx, record_id: int) -> bytes | None:
    row = tx.query_one("SELECT content FROM medical_records WHERE record_id = ?", (record_id,))
    return None if row is None else bytes(row["content"])


def for_patient(tx: Tx, patient_id: int) -> list[dict[str, Any]]:
    """A patient's records (no content), newest first."""
    return tx.query(f"{_SELECT_META} WHERE r.patient_id = ? ORDER BY r.upload_date DESC, r.record_id DESC",
                    (patient_id,))


def shared_with_doctor(tx: Tx, doctor_id: int, patient_id: int | None = None) -> list[dict[str, Any]]:
    """Records (no content) shared with the doctor, optionally of one patient only."""
    sql = f"{_SELECT_META} JOIN record_shares s ON s.record_id = r.record_id WHERE s.doctor_id = ?"
    params: list[Any] = [doctor_id]
    if patient_id is not None:
        sql += " AND r.patient_id = ?"
        params.append(patient_id)
    return tx.query(sql + " ORDER BY r.upload_date DESC, r.record_id DESC", params)


def delete(tx: Tx, record_id: int) -> int:
    tx.execute("DELETE FROM record_shares WHERE record_id = ?", (record_id,))
    return tx.execute("DELETE FROM medical_records WHERE record_id = ?", (record_id,))


def shared_doctor_ids(tx: Tx, record_id: int) -> set[int]:
    return {int(r["doctor_id"]) for r in tx.query("SELECT doctor_id FROM record_shares WHERE record_id = ?",
                                                  (record_id,))}


def set_shares(tx: Tx, record_id: int, doctor_ids: set[int], at: dt.datetime) -> None:
    """Make ``doctor_ids`` exactly the doctors the record is shared with."""
    current = shared_doctor_ids(tx, record_id)
    for doctor_id in current - doctor_ids:
        tx.execute("DELETE FROM record_shares WHERE record_id = ? AND doctor_id = ?", (record_id, doctor_id))
    add_shares(tx, record_id, doctor_ids - current, at)


def add_shares(tx: Tx, record_id: int, doctor_ids: set[int], at: dt.datetime) -> None:
    """Share the record with ``doctor_ids`` too (none of whom it is shared with yet: a new record's)."""
    for doctor_id in sorted(doctor_ids):
        tx.execute("INSERT INTO record_shares (record_id, doctor_id, shared_at) VALUES (?, ?, ?)",
                   (record_id, doctor_id, at))


def receipt_for_bill(tx: Tx, bill_id: int) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT_META} WHERE r.kind = 'receipt' AND r.bill_id = ?", (bill_id,))


def shares_for_records(tx: Tx, record_ids: list[int]) -> list[dict[str, Any]]:
    """(``record_id``, ``doctor_id``, ``name``) of every share of these records."""
    if not record_ids:
        return []
    marks = ", ".join("?" for _ in record_ids)
    return tx.query(f"SELECT s.record_id, s.doctor_id, d.name FROM record_shares s "
                    f"JOIN doctor_info d ON d.doctor_id = s.doctor_id WHERE s.record_id IN ({marks}) "
                    "ORDER BY d.name", tuple(record_ids))
