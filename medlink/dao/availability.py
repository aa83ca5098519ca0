"""doctor_availability and doctor_leave: weekly working hours and days off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from medlink.db import Tx


def replace_hours(tx: Tx, doctor_id: int, ranges: list[tuple[int, dt.time, dt.time]]) -> None:
    """Make ``ranges`` (weekday 0 = Monday, start, end) the doctor's whole weekly timetable."""
    tx.execute("DELETE FROM doctor_availability WHERE doctor_id = ?", (doctor_id,))
    if ranges:
        tx.executemany("INSERT INTO doctor_availability (doctor_id, weekday, start_time, end_time) "
                       "VALUES (?, ?, ?, ?)", [(doctor_id, w, s, e) for w, s, e in ranges])


def hours(tx: Tx, doctor_id: int, weekday: int | None = None) -> list[dict[str, Any]]:
    """Working ranges (``weekday``, ``start_time``, ``end_time``), in weekday and time order."""
    if weekday is None:
        return tx.query("SELECT weekday, start_time, end_time FROM doctor_availability WHERE doctor_id = ? "
                        "ORDER BY weekday, start_time", (doctor_id,))
    return tx.query("SELECT weekday, start_time, end_time FROM doctor_availability "
                    "WHERE doctor_id = ? AND weekday = ? ORDER BY start_time", (doctor_id, weekday))


def add_leave(tx: Tx, doctor_id: int, day: dt.date) -> None:
    if not is_on_leave(tx, doctor_id, day):
        tx.execute("INSERT INTO doctor_leave (doctor_id, leave_date) VALUES (?, ?)", (doctor_id, day))


def remove_leave(tx: Tx, doctor_id: int, day: dt.date) -> int:
    return tx.execute("DELETE FROM doctor_leave WHERE doctor_id = ? AND leave_date = ?", (doctor_id, day))


def is_on_leave(tx: Tx, doctor_id: int, day: dt.date) -> bool:
    return tx.query_one("SELECT 1 AS x FROM doctor_leave WHERE doctor_id = ? AND leave_date = ?",
                        (doctor_id, day)) is not None


def leave_days(tx: Tx, doctor_id: int, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days off from ``start`` to ``end``, both included."""
    rows = tx.query("SELECT leave_date FROM doctor_leave WHERE doctor_id = ? AND leave_date BETWEEN ? AND ? "
                    "ORDER BY leave_date", (doctor_id, start, end))
    return [r["leave_date"] for r in rows]


def hours_for_doctors(tx: Tx, doctor_ids: list[int]) -> list[dict[str, Any]]:
    """Working ranges of several doctors at once (``doctor_id``, ``weekday``, ``start_time``, ``end_time``)."""
    if not doctor_ids:
        return []
    marks = ", ".join("?" for _ in doctor_ids)
    return tx.query(f"SELECT doctor_id, weekday, start_time, end_time FROM doctor_availability "
                    f"WHERE doctor_id IN ({marks}) ORDER BY doctor_id, weekday, start_time", tuple(doctor_ids))


Week = Mapping[int, tuple[tuple[dt.time, dt.time], ...]]  # weekday (0 = Monday) -> (start, end) ranges


def weeks_for_doctors(tx: Tx, doctor_ids: list[int]) -> dict[int, Week]:
    """The weekly hours of several doctors (those with any), from one row per doctor: a page of search
    results asks for 20 doctors' ~140 ranges, and rows cost more than their text. The weeks are
    shared between doctors with the same timetable (most follow a few): do not change them."""
    if not doctor_ids:
        return {}
    marks = ", ".join("?" for _ in doctor_ids)
    ranges = tx.per_dialect(sqlite="group_concat(weekday || ' ' || start_time || ' ' || end_time, ',')",
                            mysql="GROUP_CONCAT(weekday, ' ', start_time, ' ', end_time SEPARATOR ',')")
    return {int(r["doctor_id"]): _week(str(r["ranges"])) for r in tx.query(
        f"SELECT doctor_id, {ranges} AS ranges FROM doctor_availability WHERE doctor_id IN ({marks}) "
        "GROUP BY doctor_id", tuple(doctor_ids))}


@lru_cache(maxsize=4096)
def _week(text: str) -> Week:
    """"0 09:00:00 13:00:00,0 16:00:00 19:00:00,..." as a week, remembered: timetables recur."""
    week: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for item in text.split(","):
        weekday, start, end = item.split(" ")
        week.setdefault(int(weekday), []).append((_time(start), _time(end)))
    return MappingProxyType({day: tuple(sorted(ranges)) for day, ranges in week.items()})


@lru_cache(maxsize=2048)
def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def leave_for_doctors(tx: Tx, doctor_ids: list[int], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Days off (``doctor_id``, ``leave_date``) of several doctors between two days, both included."""
    if not doctor_ids:
        return []
    marks = ", ".join("?" for _ in doctor_ids)
    return tx.query(f"SELECT doctor_id, leave_date FROM doctor_leave WHERE doctor_id IN ({marks}) "
                    "AND leave_date BETWEEN ? AND ?", (*doctor_ids, start, end))
