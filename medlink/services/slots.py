"""Open slots from the timetable, leave and live bookings: for one day or for many doctors at once."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from medlink.dao import appointments, availability
from medlink.db import Tx
from medlink.services.scheduling import SEARCH_DAYS, open_times, slot_grid


def open_slots_on(tx: Tx, doctor: dict, day: dt.date, now: dt.datetime) -> list[dt.time]:
    """The free slots of one doctor on one day."""
    ranges = [(r["start_time"], r["end_time"]) for r in availability.hours(tx, doctor["doctor_id"], day.weekday())]
    grid = slot_grid(ranges, int(doctor["slot_minutes"]))
    if not grid:
        return []
    return open_times(grid, appointments.booked_times(tx, doctor["doctor_id"], day), day, now,
                      availability.is_on_leave(tx, doctor["doctor_id"], day))


def next_open_slots(tx: Tx, doctors: list[dict], now: dt.datetime,
                    days: int = SEARCH_DAYS) -> dict[int, dt.datetime | None]:
    """For each doctor (rows with ``doctor_id`` and ``slot_minutes``), the first free slot in the
    coming ``days`` days, or None. Three queries in all, whatever the number of doctors (two when none
    of them has hours)."""
    ids = [int(d["doctor_id"]) for d in doctors]
    first, last = now.date(), now.date() + dt.timedelta(days=days - 1)
    weeks = availability.weeks_for_doctors(tx, ids)
    working = set(weeks)  # no hours, no slots: days off and bookings do not matter
    leave = {(int(r["doctor_id"]), r["leave_date"])
             for r in availability.leave_for_doctors(tx, sorted(working), first, last)}
    taken: dict[tuple[int, dt.date], set[dt.time]] = defaultdict(set)
    for r in appointments.booked_for_doctors(tx, sorted(working), first, last):
        taken[(int(r["doctor_id"]), r["appointment_date"])].add(r["appointment_time"])
    calendar = [(day, day.weekday(), now.time() if offset == 0 else None)  # today: only slots after now
                for offset in range(days) for day in (first + dt.timedelta(days=offset),)]
    result: dict[int, dt.datetime | None] = {}
    for doctor in doctors:
        doctor_id = int(doctor["doctor_id"])
        result[doctor_id] = None
        if doctor_id not in working:
            continue
        slot = int(doctor["slot_minutes"])
        week = weeks[doctor_id]
        for day, weekday, after in calendar:
            ranges = week.get(weekday)
            if not ranges or (doctor_id, day) in leave:
                continue
            free = _first_free(_grid(ranges, slot), taken.get((doctor_id, day), _NONE), after)
            if free is not None:
                result[doctor_id] = dt.datetime.combine(day, free)
                break
    return result


_NONE: set[dt.time] = set()


@functools.lru_cache(maxsize=4096)
def _grid(ranges: tuple[tuple[dt.time, dt.time], ...], slot_minutes: int) -> list[dt.time]:
    """``slot_grid``, remembered: a few timetables recur across thousands of doctors (do not change the list)."""
    return slot_grid(ranges, slot_minutes)


def _first_free(grid: list[dt.time], taken: set[dt.time], after: dt.time | None) -> dt.time | None:
    """The first slot of ``grid`` not taken and later than ``after`` (``open_times``' first, without the list)."""
    for t in grid:
        if t not in taken and (after is None or t > after):
            return t
    return None
