"""Time, in one replaceable place: UTC for records of when things happened, local clinic time for
appointments. Tests move a ``FixedClock`` instead of sleeping."""

from __future__ import annotations

import datetime as dt


class Clock:
    """The real clock."""

    def utc_now(self) -> dt.datetime:
        """Now in UTC, naive (stored in DATETIME columns)."""
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def local_now(self) -> dt.datetime:
        """Now in the clinic's local time, naive (compared with DATE and TIME columns)."""
        return dt.datetime.now()

    def today(self) -> dt.date:
        return self.local_now().date()


class FixedClock(Clock):
    """A clock that stands still until moved; local time equals UTC plus ``local_offset``."""

    def __init__(self, utc: dt.datetime, local_offset: dt.timedelta = dt.timedelta(hours=5, minutes=30)) -> None:
        self.utc = utc
        self.local_offset = local_offset

    def utc_now(self) -> dt.datetime:
        return self.utc

    def local_now(self) -> dt.datetime:
        return self.utc + self.local_offset

    def advance(self, **delta: float) -> None:
        self.utc += dt.timedelta(**delta)
