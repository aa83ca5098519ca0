"""appointments: bookings of a doctor's slot by a patient, and their state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

LIVE = "booked"
STATUSES = ("booked", "completed", "cancelled_by_patient", "cancelled_by_doctor", "no_show")
COLUMNS = ("appointment_id", "patient_id", "doctor_id", "appointment_date", "appointment_day",
           "appointment_time", "mode", "status", "reason", "idempotency_key", "created_at", "updated_at")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM appointments"
# Whether the booking confirmation went out: the newest confirmation message's outbox status.
_CONFIRMATION = ("(SELECT o.status FROM email_outbox o WHERE o.appointment_id = a.appointment_id "
                 "AND o.kind = 'booking_confirmation' ORDER BY o.message_id DESC LIMIT 1) AS confirmation")


def insert(tx: Tx, *, patient_id: int, doctor_id: int, appointment_date: dt.date, appointment_day: str,
           appointment_time: dt.time, mode: str, reason: str, created_at: dt.datetime,
           idempotency_key: str | None = None) -> int:
    """Insert a booked appointment. The live-slot unique index refuses a taken slot."""
    return tx.insert(
        "INSERT INTO appointments (patient_id, doctor_id, appointment_date, appointment_day, appointment_time, "
        "mode, status, reason, idempotency_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (patient_id, doctor_id, appointment_date, appointment_day, appointment_time, mode, LIVE, reason,
         idempotency_key, created_at, created_at))


def slot_rules(tx: Tx, doctor_id: int, day: dt.date) -> list[dict[str, Any]]:
    """What deciding a booking with the doctor on ``day`` needs, in one round trip: one row per
    working range of that weekday (``start_time``, ``end_time``; both None when there is none), each
    with the doctor's ``doctor_id``, ``is_active``, ``verification_status`` and ``slot_minutes`` and
    ``on_leave`` (1 if ``day`` is a day off, else 0). No rows for an unknown doctor."""
    return tx.query(
        "SELECT d.doctor_id, d.is_active, d.verification_status, d.slot_minutes, h.start_time, h.end_time, "
        "CASE WHEN EXISTS (SELECT 1 FROM doctor_leave l WHERE l.doctor_id = d.doctor_id AND l.leave_date = ?) "
        "THEN 1 ELSE 0 END AS on_leave "
        "FROM doctor_info d LEFT JOIN doctor_availability h ON h.doctor_id = d.doctor_id AND h.weekday = ? "
        "WHERE d.doctor_id = ? ORDER BY h.start_time", (day, day.weekday(), doctor_id))


def get(tx: Tx, appointment_id: int, for_update: bool = False) -> dict[str, Any] | None:
    suffix = " FOR UPDATE" if for_update else ""
    return tx.query_one(f"{_SELECT} WHERE appointment_id = ?{suffix}", (appointment_id,))


def by_idempotency_key(tx: Tx, key: str) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE idempotency_key = ?", (key,))


def set_status(tx: Tx, appointment_id: int, status: str, at: dt.datetime) -> int:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    return tx.execute("UPDATE appointments SET status = ?, updated_at = ? WHERE appointment_id = ?",
                      (status, at, appointment_id))


def move(tx: Tx, appointment_id: int, appointment_date: dt.date, appointment_day: str,
         appointment_time: dt.time, at: dt.datetime) -> int:
    """Move a booking to another slot; the unique index refuses a taken one."""
    return tx.execute(
        "UPDATE appointments SET appointment_date = ?, appointment_day = ?, appointment_time = ?, updated_at = ? "
        "WHERE appointment_id = ?", (appointment_date, appointment_day, appointment_time, at, appointment_id))


def booked_times(tx: Tx, doctor_id: int, day: dt.date) -> set[dt.time]:
    """Times of the doctor's live appointments on ``day``."""
    rows = tx.query("SELECT appointment_time FROM appointments WHERE doctor_id = ? AND appointment_date = ? "
                    "AND status = ?", (doctor_id, day, LIVE))
    return {r["appointment_time"] for r in rows}


def for_patient(tx: Tx, patient_id: int, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """The patient's appointments with the doctor's name and hospital, newest first."""
    return tx.query(
        "SELECT a.appointment_id, a.patient_id, a.doctor_id, a.appointment_date, a.appointment_day, "
        "a.appointment_time, a.mode, a.status, a.reason, a.created_at, a.updated_at, "
        f"{_CONFIRMATION}, "
        "d.name AS doctor_name, d.hospital, d.specialty "
        "FROM appointments a JOIN doctor_info d ON d.doctor_id = a.doctor_id "
        "WHERE a.patient_id = ? ORDER BY a.appointment_date DESC, a.appointment_time DESC, a.appointment_id DESC "
        "LIMIT ? OFFSET ?", (patient_id, limit, offset))


def for_doctor(tx: Tx, doctor_id: int, start: dt.date | None = None, end: dt.date | None = None,
               status: str | None = None, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """The doctor's appointments between ``start`` and ``end`` (both included, either open) with the
    patient's name, in date and time order."""
    where, params = ["doctor_id = ?"], [doctor_id]
    if start is not None:
        where.append("appointment_date >= ?")
        params.append(start)
    if end is not None:
        where.append("appointment_date <= ?")
        params.append(end)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    # The page's ids first, from the (doctor_id, appointment_date, appointment_time) index, then only their
    # rows: a page deep in a long history skips index entries, not whole rows with their joins.
    return tx.query(
        "SELECT a.appointment_id, a.patient_id, a.doctor_id, a.appointment_date, a.appointment_day, "
        "a.appointment_time, a.mode, a.status, a.reason, a.created_at, a.updated_at, p.name AS patient_name, "
        f"{_CONFIRMATION} "
        f"FROM (SELECT appointment_id FROM appointments WHERE {' AND '.join(where)} "
        "ORDER BY appointment_date, appointment_time, appointment_id LIMIT ? OFFSET ?) page "
        "JOIN appointments a ON a.appointment_id = page.appointment_id "
        "JOIN patient_info p ON p.patient_id = a.patient_id "
        "ORDER BY a.appointment_date, a.appointment_time, a.appointment_id", (*params, limit, offset))


def has_relationship(tx: Tx, doctor_id: int, patient_id: int) -> bool:
    """Whether the patient has ever had an appointment with the doctor."""
    return tx.query_one("SELECT 1 AS x FROM appointments WHERE doctor_id = ? AND patient_id = ? LIMIT 1",
                        (doctor_id, patient_id)) is not None


def count_live(tx: Tx, doctor_id: int, day: dt.date, at: dt.time) -> int:
    return int(tx.scalar("SELECT COUNT(*) AS n FROM appointments WHERE doctor_id = ? AND appointment_date = ? "
                         "AND appointment_time = ? AND status = ?", (doctor_id, day, at, LIVE)))


def booked_for_doctors(tx: Tx, doctor_ids: list[int], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Live bookings (``doctor_id``, ``appointment_date``, ``appointment_time``) of several doctors
    between two days, both included."""
    if not doctor_ids:
        return []
    marks = ", ".join("?" for _ in doctor_ids)
    return tx.query(f"SELECT doctor_id, appointment_date, appointment_time FROM appointments "
                    f"WHERE doctor_id IN ({marks}) AND appointment_date BETWEEN ? AND ? AND status = ?",
                    (*doctor_ids, start, end, LIVE))


def for_patient_window(tx: Tx, patient_id: int, now_date: dt.date, now_time: dt.time, upcoming: bool,
                       limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """The patient's upcoming appointments (from now on, soonest first) or past ones (newest first)."""
    if upcoming:
        cond = "(a.appointment_date > ? OR (a.appointment_date = ? AND a.appointment_time >= ?))"
        order = "a.appointment_date, a.appointment_time, a.appointment_id"
    else:
        cond = "(a.appointment_date < ? OR (a.appointment_date = ? AND a.appointment_time < ?))"
        order = "a.appointment_date DESC, a.appointment_time DESC, a.appointment_id DESC"
    return tx.query(
        "SELECT a.appointment_id, a.patient_id, a.doctor_id, a.appointment_date, a.appointment_day, "
        "a.appointment_time, a.mode, a.status, a.reason, a.created_at, a.updated_at, "
        f"{_CONFIRMATION}, "
        "d.name AS doctor_name, d.hospital, d.specialty "
        "FROM appointments a JOIN doctor_info d ON d.doctor_id = a.doctor_id "
        f"WHERE a.patient_id = ? AND {cond} ORDER BY {order} LIMIT ? OFFSET ?",
        (patient_id, now_date, now_date, now_time, limit, offset))


def get_detail(tx: Tx, appointment_id: int) -> dict[str, Any] | None:
    """One appointment with the doctor's and the patient's names, hospital and specialty."""
    return tx.query_one(
        "SELECT a.appointment_id, a.patient_id, a.doctor_id, a.appointment_date, a.appointment_day, "
        "a.appointment_time, a.mode, a.status, a.reason, a.created_at, a.updated_at, "
        f"{_CONFIRMATION}, "
        "d.name AS doctor_name, d.hospital, d.specialty, p.name AS patient_name "
        "FROM appointments a JOIN doctor_info d ON d.doctor_id = a.doctor_id "
        "JOIN patient_info p ON p.patient_id = a.patient_id WHERE a.appointment_id = ?", (appointment_id,))


def with_parties(tx: Tx, appointment_id: int) -> dict[str, Any] | None:
    """One appointment with everything its messages and its detail need, in one round trip: the
    columns of ``get_detail`` (``doctor_name``, ``hospital``, ``specialty``, ``patient_name``,
    ``confirmation``), plus ``patient_email``, ``doctor_email``, ``doctor_qualifications``,
    ``hospital_address``, ``doctor_slot_minutes``, the video call's ``meeting_link`` (None without a
    call) and ``confirmations``, how many booking confirmations it has had."""
    return tx.query_one(
        f"SELECT {', '.join('a.' + c for c in COLUMNS)}, {_CONFIRMATION}, "
        "(SELECT COUNT(*) FROM email_outbox o WHERE o.appointment_id = a.appointment_id "
        "AND o.kind = 'booking_confirmation') AS confirmations, "
        "d.name AS doctor_name, d.hospital, d.specialty, d.email AS doctor_email, "
        "d.qualifications AS doctor_qualifications, d.hospital_address, d.slot_minutes AS doctor_slot_minutes, "
        "p.name AS patient_name, p.email AS patient_email, v.meeting_link "
        "FROM appointments a JOIN doctor_info d ON d.doctor_id = a.doctor_id "
        "JOIN patient_info p ON p.patient_id = a.patient_id "
        "LEFT JOIN video_calls v ON v.appointment_id = a.appointment_id WHERE a.appointment_id = ?",
        (appointment_id,))


def doctors_of_patient(tx: Tx, patient_id: int) -> list[dict[str, Any]]:
    """The doctors the patient has had any appointment with (``doctor_id``, ``name``, ``specialty``)."""
    return tx.query("SELECT DISTINCT d.doctor_id, d.name, d.specialty FROM appointments a "
                    "JOIN doctor_info d ON d.doctor_id = a.doctor_id WHERE a.patient_id = ? ORDER BY d.name",
                    (patient_id,))


# From this many appointments on, a doctor's patient list walks the patients in name order and looks
# each one up, instead of gathering the doctor's whole history (sql/*/003_search_at_scale.sql).
LARGE_PRACTICE = 2000


def patients_of_doctor(tx: Tx, doctor_id: int, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """The patients who have had appointments with the doctor, with their latest appointment date."""
    large = tx.query_one("SELECT 1 AS x FROM appointments WHERE doctor_id = ? ORDER BY doctor_id LIMIT 1 OFFSET ?",
                         (doctor_id, LARGE_PRACTICE)) is not None
    if large:  # a page of patients in name order, each looked up in (doctor_id, patient_id, appointment_date)
        return tx.query(
            "SELECT p.patient_id, p.name, (SELECT MAX(a.appointment_date) FROM appointments a WHERE a.doctor_id = ? "
            "AND a.patient_id = p.patient_id) AS 'last_visit [DATE]' FROM patient_info p "
            "WHERE (SELECT 1 FROM appointments a WHERE a.doctor_id = ? AND a.patient_id = p.patient_id LIMIT 1) = 1 "
            "ORDER BY p.name, p.patient_id LIMIT ? OFFSET ?", (doctor_id, doctor_id, limit, offset))
    return tx.query("SELECT p.patient_id, p.name, MAX(a.appointment_date) AS 'last_visit [DATE]' FROM appointments a "
                    "JOIN patient_info p ON p.patient_id = a.patient_id WHERE a.doctor_id = ? "
                    "GROUP BY p.patient_id, p.name ORDER BY p.name, p.patient_id LIMIT ? OFFSET ?",
                    (doctor_id, limit, offset))


def starting_between(tx: Tx, start: dt.datetime, end: dt.datetime, limit: int = 500) -> list[dict[str, Any]]:
    """Live appointments starting from ``start`` up to ``end`` (local time), soonest first."""
    return tx.query(
        f"{_SELECT} WHERE status = ? AND appointment_date BETWEEN ? AND ? ORDER BY appointment_date, "
        "appointment_time LIMIT ?", (LIVE, start.date(), end.date(), limit))
