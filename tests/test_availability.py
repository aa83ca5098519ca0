"""Weekly hours, days off and open slots (issue 4), on SQLite and MariaDB.

The clock stands at Monday 30 November 2026, 08:30 local unless a test moves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from medlink.config import Settings
from medlink.errors import NotFound, PermissionDenied, ValidationError
from medlink.models import WeeklyHours
from tests.services_fixtures import audit_rows, query
from tests.test_appointments import (
    MONDAY,
    NEXT_MONDAY,
    SATURDAY,
    SUNDAY,
    TUESDAY,
    WEDNESDAY,
    Clinic,
    open_clinic,
)


@pytest.fixture
def clinic(settings: Settings) -> Iterator[Clinic]:
    yield from open_clinic(settings)


MORNING = [f"{h:02d}:{m:02d}" for h in range(9, 13) for m in (0, 15, 30, 45)]  # 09:00 ... 12:45


def stored_hours(clinic: Clinic, doctor_id: int) -> list[tuple[int, dt.time, dt.time]]:
    rows = query(clinic.ml, "SELECT weekday, start_time, end_time FROM doctor_availability WHERE doctor_id = ? "
                            "ORDER BY weekday, start_time", (doctor_id,))
    return [(int(r["weekday"]), r["start_time"], r["end_time"]) for r in rows]


def slot_minutes(clinic: Clinic, doctor_id: int) -> int:
    rows = query(clinic.ml, "SELECT slot_minutes FROM doctor_info WHERE doctor_id = ?", (doctor_id,))
    return int(rows[0]["slot_minutes"])


# -- set_availability ------------------------------------------------------------------------------------
def test_set_availability_replaces_the_whole_timetable(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor(hours=None)
    first = clinic.ml.doctors.set_availability(doctor, [(0, "09:00", "13:00"), (2, "10:00", "12:00")],
                                               slot_minutes=15)
    assert first == WeeklyHours([(0, "09:00", "13:00"), (2, "10:00", "12:00")], 15)
    assert clinic.slots(doctor_id, WEDNESDAY)[:2] == ["10:00", "10:15"]
    second = clinic.ml.doctors.set_availability(doctor, [(4, "14:00", "16:00"), (1, "08:00", "09:00")],
                                                slot_minutes=30)
    assert second == WeeklyHours([(1, "08:00", "09:00"), (4, "14:00", "16:00")], 30)
    assert stored_hours(clinic, doctor_id) == [(1, dt.time(8), dt.time(9)), (4, dt.time(14), dt.time(16))]
    assert slot_minutes(clinic, doctor_id) == 30
    assert clinic.ml.doctors.availability(doctor_id) == second
    assert clinic.slots(doctor_id, WEDNESDAY) == []
    assert clinic.slots(doctor_id, MONDAY) == []
    assert clinic.slots(doctor_id, TUESDAY) == ["08:00", "08:30"]
    cleared = clinic.ml.doctors.set_availability(doctor, [], slot_minutes=20)
    assert cleared == WeeklyHours([], 20)
    assert stored_hours(clinic, doctor_id) == []
    audit = audit_rows(clinic.ml, action="doctor.availability.update")
    assert [a["detail"] for a in audit] == ["2 ranges, 15 min", "2 ranges, 30 min", "0 ranges, 20 min"]


def test_several_ranges_a_day_and_touching_ranges(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor(hours=None)
    hours = clinic.ml.doctors.set_availability(
        doctor, [(0, "16:00", "17:00"), (0, "09:00", "10:00"), (0, "10:00", "10:40"), ("1", "09:00", "09:20")],
        slot_minutes="20")
    assert hours.ranges == [(0, "09:00", "10:00"), (0, "10:00", "10:40"), (0, "16:00", "17:00"), (1, "09:00", "09:20")]
    assert hours.slot_minutes == 20
    assert clinic.slots(doctor_id, NEXT_MONDAY) == ["09:00", "09:20", "09:40", "10:00", "10:20", "16:00", "16:20",
                                                    "16:40"]
    assert clinic.slots(doctor_id, TUESDAY) == ["09:00"]


@pytest.mark.parametrize("ranges", [
    [(7, "09:00", "13:00")],                           # weekday 7
    [(-1, "09:00", "13:00")],
    [("Mon", "09:00", "13:00")],
    [(True, "09:00", "13:00")],
    [(0, "9:00", "13:00")],                            # one-digit hour
    [(0, "09:00", "25:00")],
    [(0, "09:00", "24:00")],
    [(0, "09:60", "13:00")],
    [(0, "13:00", "09:00")],                           # start after end
    [(0, "09:00", "09:00")],                           # start equal to end
    [(0, "09:00", "09:10")],                           # shorter than one 15-minute slot
    [(0, "09:00", "12:00"), (0, "11:30", "13:00")],    # overlapping
    [(0, "09:00", "13:00"), (0, "10:00", "11:00")],    # one inside another
    [(3, "09:00", "12:00"), (3, "09:00", "12:00")],    # the same range twice
    [(0, "09:00")],
    [(0, "09:00", "10:00", "x")],
    "0 09:00 13:00",
    [(0, "09:00", "10:00")] * 71,
])
def test_set_availability_refuses_bad_ranges(clinic: Clinic, ranges: Any) -> None:
    doctor, doctor_id = clinic.doctor()
    before = stored_hours(clinic, doctor_id)
    with pytest.raises(ValidationError) as caught:
        clinic.ml.doctors.set_availability(doctor, ranges, slot_minutes=15)
    assert caught.value.field == "ranges"
    assert stored_hours(clinic, doctor_id) == before
    assert slot_minutes(clinic, doctor_id) == 15


@pytest.mark.parametrize("slot", [3, 4, 241, 500, 0, -15, "15m", 15.0, None, True])
def test_set_availability_refuses_bad_slot_lengths(clinic: Clinic, slot: Any) -> None:
    doctor, doctor_id = clinic.doctor(slot=30)
    with pytest.raises(ValidationError) as caught:
        clinic.ml.doctors.set_availability(doctor, [(0, "09:00", "17:00")], slot_minutes=slot)
    assert caught.value.field == "slot_minutes"
    assert slot_minutes(clinic, doctor_id) == 30
    assert len(stored_hours(clinic, doctor_id)) == 5


def test_slot_length_bounds_are_accepted(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor(hours=None)
    clinic.ml.doctors.set_availability(doctor, [(0, "09:00", "09:10")], slot_minutes=5)
    assert clinic.slots(doctor_id, NEXT_MONDAY) == ["09:00", "09:05"]
    clinic.ml.doctors.set_availability(doctor, [(0, "09:00", "13:00")], slot_minutes=240)
    assert clinic.slots(doctor_id, NEXT_MONDAY) == ["09:00"]


def test_only_doctors_set_availability(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    for session in (patient, clinic.admin):
        with pytest.raises(PermissionDenied):
            clinic.ml.doctors.set_availability(session, [(0, "09:00", "10:00")], slot_minutes=15)
        for call in (clinic.ml.doctors.add_leave, clinic.ml.doctors.remove_leave):
            with pytest.raises(PermissionDenied):
                call(session, NEXT_MONDAY)
        with pytest.raises(PermissionDenied):
            clinic.ml.doctors.leave_days(session)
    assert len(stored_hours(clinic, doctor_id)) == 5
    denied = audit_rows(clinic.ml, action="doctor.availability.update", outcome="denied")
    assert [a["actor_role"] for a in denied] == ["patient", "admin"]


def test_each_doctor_sets_only_their_own_hours(clinic: Clinic) -> None:
    one, one_id = clinic.doctor()
    _, two_id = clinic.doctor()
    clinic.ml.doctors.set_availability(one, [(5, "10:00", "11:00")], slot_minutes=30)
    assert stored_hours(clinic, one_id) == [(5, dt.time(10), dt.time(11))]
    assert len(stored_hours(clinic, two_id)) == 5
    assert clinic.slots(two_id, NEXT_MONDAY) == MORNING


# -- leave -----------------------------------------------------------------------------------------------
def test_leave_days_are_added_listed_and_removed(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    other, other_id = clinic.doctor()
    clinic.ml.doctors.add_leave(doctor, "2026-12-07")
    clinic.ml.doctors.add_leave(doctor, TUESDAY)
    clinic.ml.doctors.add_leave(doctor, TUESDAY)  # twice is harmless
    clinic.ml.doctors.add_leave(doctor, MONDAY)  # today is allowed
    clinic.ml.doctors.add_leave(other, WEDNESDAY)
    assert clinic.ml.doctors.leave_days(doctor) == [MONDAY, TUESDAY, NEXT_MONDAY]
    assert clinic.ml.doctors.leave_days(doctor, start=TUESDAY, end="2026-12-06") == [TUESDAY]
    assert clinic.ml.doctors.leave_days(other) == [WEDNESDAY]
    assert clinic.slots(doctor_id, NEXT_MONDAY) == []
    assert clinic.slots(doctor_id, MONDAY) == []
    assert clinic.slots(doctor_id, WEDNESDAY) == MORNING
    assert clinic.slots(other_id, NEXT_MONDAY) == MORNING
    clinic.ml.doctors.remove_leave(doctor, NEXT_MONDAY)
    clinic.ml.doctors.remove_leave(doctor, SATURDAY)  # not a day off: nothing happens
    assert clinic.ml.doctors.leave_days(doctor) == [MONDAY, TUESDAY]
    assert clinic.slots(doctor_id, NEXT_MONDAY) == MORNING
    assert [a["detail"] for a in audit_rows(clinic.ml, action="doctor.leave.add")] == \
        ["2026-12-07", "2026-12-01", "2026-12-01", "2026-11-30", "2026-12-02"]


@pytest.mark.parametrize("day", ["2026-11-29", dt.date(2025, 1, 1), "2026-02-30", "30-11-2026", "", None])
def test_add_leave_refuses_past_and_bad_days(clinic: Clinic, day: Any) -> None:
    doctor, _ = clinic.doctor()
    with pytest.raises(ValidationError) as caught:
        clinic.ml.doctors.add_leave(doctor, day)
    assert caught.value.field == "date"
    assert clinic.ml.doctors.leave_days(doctor, start="2020-01-01") == []


def test_existing_bookings_stay_on_a_new_day_off(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    appointment = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    clinic.ml.doctors.add_leave(doctor, NEXT_MONDAY)
    assert clinic.row(appointment.appointment_id)["status"] == "booked"
    assert clinic.slots(doctor_id, NEXT_MONDAY) == []


# -- open_slots ------------------------------------------------------------------------------------------
def test_open_slots_follow_the_hours_and_the_grid(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor(hours=[(0, "09:00", "10:00"), (0, "14:10", "15:00"), (2, "17:30", "18:45")],
                                 slot=20)
    assert clinic.slots(doctor_id, NEXT_MONDAY) == ["09:00", "09:20", "09:40", "14:10", "14:30"]
    assert clinic.slots(doctor_id, "2026-12-09") == ["17:30", "17:50", "18:10"]
    for day in (TUESDAY, SATURDAY, SUNDAY):
        assert clinic.slots(doctor_id, day) == []


def test_a_booked_slot_disappears_and_a_cancelled_one_returns(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    other, _ = clinic.patient()
    one = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="09:15")
    clinic.ml.appointments.book(other, doctor_id=doctor_id, date=NEXT_MONDAY, time="12:45")
    assert clinic.slots(doctor_id, NEXT_MONDAY) == [s for s in MORNING if s not in ("09:15", "12:45")]
    assert clinic.slots(doctor_id, TUESDAY) == MORNING
    clinic.ml.appointments.cancel(patient, one.appointment_id)
    assert clinic.slots(doctor_id, NEXT_MONDAY) == MORNING[:-1]


def test_slots_of_today_that_have_begun_are_gone(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    assert clinic.slots(doctor_id, MONDAY) == MORNING  # 08:30 now
    clinic.set_local(MONDAY, "10:05")
    assert clinic.slots(doctor_id, MONDAY) == MORNING[5:]  # from 10:15
    clinic.set_local(MONDAY, "10:15")
    assert clinic.slots(doctor_id, MONDAY)[0] == "10:30"
    clinic.set_local(MONDAY, "12:45")
    assert clinic.slots(doctor_id, MONDAY) == []
    assert clinic.slots(doctor_id, TUESDAY) == MORNING
    clinic.set_local(TUESDAY, "00:00")
    assert clinic.slots(doctor_id, MONDAY) == []  # yesterday
    assert clinic.slots(doctor_id, TUESDAY) == MORNING


def test_past_days_have_no_slots(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    assert clinic.slots(doctor_id, "2026-11-23") == []
    assert clinic.slots(doctor_id, dt.date(2020, 1, 6)) == []


def test_open_slots_refuse_unverified_and_unknown_doctors(clinic: Clinic) -> None:
    _, pending_id = clinic.doctor(verify=False)
    _, rejected_id = clinic.doctor(verify=False)
    clinic.ml.admin.reject_doctor(clinic.admin, rejected_id, "Registration could not be confirmed.")
    for doctor_id in (pending_id, rejected_id):
        with pytest.raises(PermissionDenied):
            clinic.slots(doctor_id, NEXT_MONDAY)
    for unknown in (999_999, "1", None):
        with pytest.raises(NotFound):
            clinic.slots(unknown, NEXT_MONDAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("day", ["2026-02-30", "2026/12/07", "", None, 20261207])
def test_open_slots_refuse_bad_dates(clinic: Clinic, day: Any) -> None:
    _, doctor_id = clinic.doctor()
    with pytest.raises(ValidationError) as caught:
        clinic.slots(doctor_id, day)
    assert caught.value.field == "date"
