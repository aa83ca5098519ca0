"""video_calls: the meeting link of an online appointment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

COLUMNS = ("call_id", "appointment_id", "patient_id", "doctor_id", "provider", "meeting_link", "meeting_code",
           "call_date", "created_at", "updated_at")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM video_calls"


def insert(tx: Tx, *, appointment_id: int, patient_id: int, doctor_id: int, provider: str, meeting_link: str,
           meeting_code: str, call_date: dt.date, created_at: dt.datetime) -> int:
    return tx.insert(
        "INSERT INTO video_calls (appointment_id, patient_id, doctor_id, provider, meeting_link, meeting_code, "
        "call_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (appointment_id, patient_id, doctor_id, provider, meeting_link, meeting_code, call_date, created_at,
         created_at))


def by_appointment(tx: Tx, appointment_id: int) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE appointment_id = ?", (appointment_id,))


def update_link(tx: Tx, appointment_id: int, provider: str, meeting_link: str, meeting_code: str,
                call_date: dt.date, at: dt.datetime) -> int:
    return tx.execute(
        "UPDATE video_calls SET provider = ?, meeting_link = ?, meeting_code = ?, call_date = ?, updated_at = ? "
        "WHERE appointment_id = ?", (provider, meeting_link, meeting_code, call_date, at, appointment_id))
