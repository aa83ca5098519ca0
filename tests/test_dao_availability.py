"""dao.availability: weekly hours (replace_hours, hours) and days off (leave)."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.dao import availability
from medlink.db import Database, IntegrityViolation
from tests.factories import DAY, make_doctor

T = dt.time


def test_replace_hours_then_hours_in_weekday_and_time_order(db: Database) -> None:
    doctor_id = make_doctor(db)
    with db.transaction() as tx:
        availability.replace_hours(tx, doctor_id, [(2, T(14), T(17)), (0, T(14), T(18)), (0, T(9), T(12, 30))])
    with db.transaction() as tx:
        rows = availability.hours(tx, doctor_id)
        monday = availability.hours(tx, doctor_id, weekday=0)
        sunday = availability.hours(tx, doctor_id, weekday=6)
    assert rows == [
        {"weekday": 0, "start_time": T(9), "end_time": T(12, 30)},
        {"weekday": 0, "start_time": T(14), "end_time": T(18)},
        {"weekday": 2, "start_time": T(14), "end_time": T(17)},
    ]
    assert monday == rows[:2]
    assert sunday == []


def test_replace_hours_replaces_the_whole_timetable_of_that_doctor_only(db: Database) -> None:
    doctor_id = make_doctor(db)
    other_id = make_doctor(db)
    with db.transaction() as tx:
        availability.replace_hours(tx, doctor_id, [(0, T(9), T(12)), (1, T(9), T(12))])
        availability.replace_hours(tx, other_id, [(4, T(10), T(11))])
    with db.transaction() as tx:
        availability.replace_hours(tx, doctor_id, [(5, T(8), T(9))])
    with db.transaction() as tx:
        assert availability.hours(tx, doctor_id) == [{"weekday": 5, "start_time": T(8), "end_time": T(9)}]
        assert availability.hours(tx, other_id) == [{"weekday": 4, "start_time": T(10), "end_time": T(11)}]
        availability.replace_hours(tx, doctor_id, [])
    with db.transaction() as tx:
        assert availability.hours(tx, doctor_id) == []


def test_replace_hours_with_a_bad_range_keeps_the_old_timetable(db: Database) -> None:
    doctor_id = make_doctor(db)
    with db.transaction() as tx:
        availability.replace_hours(tx, doctor_id, [(0, T(9), T(12))])
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        availability.replace_hours(tx, doctor_id, [(1, T(9), T(12)), (2, T(12), T(9))])
    assert info.value.kind == "check"
    with db.transaction() as tx:
        assert availability.hours(tx, doctor_id) == [{"weekday": 0, "start_time": T(9), "end_time": T(12)}]


def test_leave_add_is_idempotent_and_remove_reports_rows(db: Database) -> None:
    doctor_id = make_doctor(db)
    other_id = make_doctor(db)
    with db.transaction() as tx:
        availability.add_leave(tx, doctor_id, DAY)
        availability.add_leave(tx, doctor_id, DAY)  # a second time is a no-op, not an error
        assert availability.is_on_leave(tx, doctor_id, DAY)
        assert not availability.is_on_leave(tx, doctor_id, DAY + dt.timedelta(days=1))
        assert not availability.is_on_leave(tx, other_id, DAY)
    with db.transaction() as tx:
        assert availability.remove_leave(tx, doctor_id, DAY) == 1
        assert availability.remove_leave(tx, doctor_id, DAY) == 0
        assert not availability.is_on_leave(tx, doctor_id, DAY)


def test_leave_days_between_both_ends_included(db: Database) -> None:
    doctor_id = make_doctor(db)
    other_id = make_doctor(db)
    days = [DAY + dt.timedelta(days=n) for n in (0, 3, 7, 10)]
    with db.transaction() as tx:
        for day in reversed(days):
            availability.add_leave(tx, doctor_id, day)
        availability.add_leave(tx, other_id, DAY + dt.timedelta(days=5))
    with db.transaction() as tx:
        assert availability.leave_days(tx, doctor_id, DAY, DAY + dt.timedelta(days=7)) == days[:3]
        assert availability.leave_days(tx, doctor_id, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=9)) == [
            days[1], days[2]]
        assert availability.leave_days(tx, doctor_id, DAY + dt.timedelta(days=11), DAY + dt.timedelta(days=30)) == []
    assert all(type(d) is dt.date for d in days)


def test_hours_for_doctors_of_several_at_once(db: Database) -> None:
    with db.transaction() as tx:
        d1, d2, d3 = make_doctor(tx), make_doctor(tx), make_doctor(tx)
        availability.replace_hours(tx, d1, [(3, T(14), T(16)), (1, T(9), T(11))])
        availability.replace_hours(tx, d2, [(0, T(10), T(12))])
        availability.replace_hours(tx, d3, [(0, T(8), T(9))])
    with db.transaction() as tx:
        rows = availability.hours_for_doctors(tx, [d2, d1])
        assert availability.hours_for_doctors(tx, []) == []
        assert availability.hours_for_doctors(tx, [987654]) == []
    first, second = sorted((d1, d2))
    by_doctor = {first: [], second: []}
    for r in rows:
        by_doctor[r["doctor_id"]].append((r["weekday"], r["start_time"], r["end_time"]))
    assert [r["doctor_id"] for r in rows] == sorted(r["doctor_id"] for r in rows)
    assert by_doctor[d1] == [(1, T(9), T(11)), (3, T(14), T(16))]
    assert by_doctor[d2] == [(0, T(10), T(12))]


def test_leave_for_doctors_between_both_ends_included(db: Database) -> None:
    with db.transaction() as tx:
        d1, d2, d3 = make_doctor(tx), make_doctor(tx), make_doctor(tx)
        for doctor_id, offset in [(d1, 0), (d1, 5), (d1, 9), (d2, 2), (d3, 2)]:
            availability.add_leave(tx, doctor_id, DAY + dt.timedelta(days=offset))
    with db.transaction() as tx:
        rows = availability.leave_for_doctors(tx, [d1, d2], DAY, DAY + dt.timedelta(days=5))
        assert availability.leave_for_doctors(tx, [], DAY, DAY + dt.timedelta(days=5)) == []
    assert sorted((r["doctor_id"], r["leave_date"]) for r in rows) == sorted([
        (d1, DAY), (d1, DAY + dt.timedelta(days=5)), (d2, DAY + dt.timedelta(days=2))])
    assert all(type(r["leave_date"]) is dt.date for r in rows)
