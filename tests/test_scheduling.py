"""The pure scheduling rules (issue 4): strict HH:MM times, the slot grid, open times, day names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medlink.errors import ValidationError
from medlink.services.scheduling import DAY_NAMES, day_name, hhmm, minutes, open_times, parse_time, slot_grid


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def times(*texts: str) -> list[dt.time]:
    return [t(x) for x in texts]


# -- parse_time ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("00:00", dt.time(0, 0)),
    ("09:30", dt.time(9, 30)),
    ("  12:05 ", dt.time(12, 5)),
    ("19:59", dt.time(19, 59)),
    ("23:59", dt.time(23, 59)),
])
def test_parse_time_accepts_strict_24_hour_text(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("value", [
    "9:7", "9:07", "09:7", "9:30", "24:00", "25:00", "12:60", "0930", "09.30", "09:30:00", "09:30am", "9:30 PM",
    "", "  ", "ab:cd", "-1:00", "٠٩:٣٠", "09:30\n10:00", None, 930, 9.5, ["09:30"], dt.datetime(2026, 1, 1, 9, 30),
])
def test_parse_time_refuses_anything_else(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_time(value)
    assert caught.value.field == "time"
    assert "HH:MM" in str(caught.value)


def test_parse_time_takes_whole_minute_time_objects() -> None:
    assert parse_time(dt.time(9, 45)) == dt.time(9, 45)
    assert parse_time(dt.time(9, 45, tzinfo=dt.UTC)) == dt.time(9, 45)
    assert parse_time(dt.time(9, 45, tzinfo=dt.UTC)).tzinfo is None
    for odd in (dt.time(9, 45, 1), dt.time(9, 45, 0, 1)):
        with pytest.raises(ValidationError):
            parse_time(odd)


def test_parse_time_names_the_field_and_label() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_time("7pm", "start", "Start")
    assert caught.value.field == "start"
    assert str(caught.value).startswith("Start:")


def test_hhmm_and_minutes() -> None:
    assert hhmm(dt.time(7, 5)) == "07:05"
    assert hhmm(parse_time("23:59")) == "23:59"
    assert minutes(dt.time(0, 0)) == 0
    assert minutes(dt.time(13, 45)) == 13 * 60 + 45


# -- slot_grid -------------------------------------------------------------------------------------------
def test_slot_grid_of_one_range() -> None:
    assert slot_grid([(t("09:00"), t("10:00"))], 15) == times("09:00", "09:15", "09:30", "09:45")
    assert slot_grid([(t("09:00"), t("10:00"))], 60) == times("09:00")


def test_slot_grid_drops_leftover_minutes() -> None:
    assert slot_grid([(t("09:00"), t("10:10"))], 20) == times("09:00", "09:20", "09:40")
    assert slot_grid([(t("09:00"), t("10:00"))], 25) == times("09:00", "09:25")
    assert slot_grid([(t("09:00"), t("09:14"))], 15) == []


def test_slot_grid_of_several_ranges_in_time_order() -> None:
    ranges = [(t("16:00"), t("17:00")), (t("09:00"), t("10:00")), (t("12:10"), t("12:50"))]
    assert slot_grid(ranges, 20) == times("09:00", "09:20", "09:40", "12:10", "12:30", "16:00", "16:20", "16:40")


def test_slot_grid_each_range_starts_its_own_grid() -> None:
    # the second range does not continue the first range's rhythm
    assert slot_grid([(t("09:00"), t("09:30")), (t("09:35"), t("10:05"))], 15) == \
        times("09:00", "09:15", "09:35", "09:50")


def test_slot_grid_touching_and_overlapping_ranges_give_each_start_once() -> None:
    assert slot_grid([(t("09:00"), t("09:30")), (t("09:30"), t("10:00"))], 15) == \
        times("09:00", "09:15", "09:30", "09:45")
    assert slot_grid([(t("09:00"), t("10:00")), (t("09:00"), t("09:30"))], 15) == \
        times("09:00", "09:15", "09:30", "09:45")


def test_slot_grid_edges() -> None:
    assert slot_grid([], 15) == []
    assert slot_grid([(t("10:00"), t("09:00"))], 15) == []
    assert slot_grid([(t("23:00"), t("23:59"))], 30) == times("23:00")
    assert slot_grid([(t("00:00"), t("00:10"))], 5) == times("00:00", "00:05")
    assert len(slot_grid([(t("00:00"), t("23:59"))], 5)) == 287


# -- open_times ------------------------------------------------------------------------------------------
GRID = times("09:00", "09:15", "09:30", "09:45")
DAY = dt.date(2026, 11, 30)


def test_open_times_on_a_future_day_less_taken_slots() -> None:
    now = dt.datetime(2026, 11, 29, 23, 59)
    assert open_times(GRID, set(), DAY, now, False) == GRID
    assert open_times(GRID, {t("09:15"), t("10:00")}, DAY, now, False) == times("09:00", "09:30", "09:45")
    assert open_times(GRID, set(GRID), DAY, now, False) == []


def test_open_times_today_only_after_now() -> None:
    assert open_times(GRID, set(), DAY, dt.datetime(2026, 11, 30, 9, 14), False) == times("09:15", "09:30", "09:45")
    assert open_times(GRID, set(), DAY, dt.datetime(2026, 11, 30, 9, 15), False) == times("09:30", "09:45")
    assert open_times(GRID, set(), DAY, dt.datetime(2026, 11, 30, 9, 15, 0, 1), False) == times("09:30", "09:45")
    assert open_times(GRID, {t("09:30")}, DAY, dt.datetime(2026, 11, 30, 9, 0), False) == times("09:15", "09:45")
    assert open_times(GRID, set(), DAY, dt.datetime(2026, 11, 30, 9, 45), False) == []


def test_open_times_none_in_the_past_or_on_leave() -> None:
    assert open_times(GRID, set(), DAY, dt.datetime(2026, 12, 1, 0, 0), False) == []
    assert open_times(GRID, set(), DAY, dt.datetime(2026, 11, 1, 8, 0), True) == []
    assert open_times([], set(), DAY, dt.datetime(2026, 11, 1, 8, 0), False) == []


# -- day names -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("day", "name"), [
    (dt.date(2026, 11, 30), "Monday"),
    (dt.date(2026, 12, 1), "Tuesday"),
    (dt.date(2026, 12, 5), "Saturday"),
    (dt.date(2026, 12, 6), "Sunday"),
    (dt.date(2028, 2, 29), "Tuesday"),
    (dt.date(2000, 1, 1), "Saturday"),
])
def test_day_name(day: dt.date, name: str) -> None:
    assert day_name(day) == name


def test_day_names_fit_the_column() -> None:
    assert DAY_NAMES[0] == "Monday" and DAY_NAMES[6] == "Sunday"
    assert max(len(n) for n in DAY_NAMES) <= 9  # appointment_day is VARCHAR(9)
