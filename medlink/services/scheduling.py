"""Pure scheduling rules: the slot grid of a working day, strict HH:MM times, day names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from medlink.errors import ValidationError

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")  # ASCII digits only
SEARCH_DAYS = 14  # how far ahead "next open slot" looks


def parse_time(value: Any, field: str = "time", label: str = "Time") -> dt.time:
    """A ``datetime.time`` on a whole minute, or a strict "HH:MM" string (24-hour, two digits each)."""
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            raise ValidationError(f"{label}: use whole minutes (HH:MM).", field)
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        raise ValidationError(f"{label}: use the 24-hour form HH:MM, e.g. 09:30.", field)
    match = _HHMM.match(value.strip())
    if not match:
        raise ValidationError(f"{label}: use the 24-hour form HH:MM, e.g. 09:30.", field)
    return dt.time(int(match.group(1)), int(match.group(2)))


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def slot_grid(ranges: Iterable[tuple[dt.time, dt.time]], slot_minutes: int) -> list[dt.time]:
    """Start times of every slot that fits whole inside the working ranges, in order."""
    starts: set[dt.time] = set()
    for start, end in ranges:
        at = minutes(start)
        while at + slot_minutes <= minutes(end):
            starts.add(dt.time(at // 60, at % 60))
            at += slot_minutes
    return sorted(starts)


def open_times(grid: list[dt.time], taken: set[dt.time], day: dt.date, now: dt.datetime,
               on_leave: bool) -> list[dt.time]:
    """The grid less taken slots, less slots not after ``now``; nothing on a day off."""
    if on_leave or day < now.date():
        return []
    return [t for t in grid if t not in taken and dt.datetime.combine(day, t) > now]


def day_name(day: dt.date) -> str:
    return DAY_NAMES[day.weekday()]


def hhmm(t: dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"
