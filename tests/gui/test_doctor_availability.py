"""Weekly hours and days off (issue 4): the doctor edits ranges and the slot length, saves, and the
stored timetable is replaced; a bad time is shown under its day and nothing is saved; days off are
added with the date picker and removed."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.ui.doctor_availability import DoctorAvailabilityScreen, next_range
from tests.gui import doctor_clinic
from tests.gui.doctor_clinic import TUESDAY, Clinic, doctor_window, go_to
from tests.gui.flows import settle, type_into

pytestmark = pytest.mark.gui
clinic, make_clinic, open_app = doctor_clinic.clinic, doctor_clinic.make_clinic, doctor_clinic.open_app


def open_availability(clinic: Clinic, open_app) -> DoctorAvailabilityScreen:
    screen = go_to(doctor_window(clinic, open_app), "Availability", "doctor_availability")
    assert isinstance(screen, DoctorAvailabilityScreen)
    return screen


def stored_hours(clinic: Clinic) -> list[tuple[int, str, str]]:
    return [(w, a, b) for w, a, b in clinic.ml.doctors.availability(clinic.doctor_id).ranges]


def test_next_range_follows_the_last_one() -> None:
    assert next_range([]) == ("09:00", "13:00")
    assert next_range([("09:00", "13:00")]) == ("14:00", "17:00")
    assert next_range([("09:00", "22:30")]) == ("", "")


def test_the_doctor_edits_ranges_and_slot_length_and_the_timetable_is_replaced(clinic: Clinic, open_app) -> None:
    screen = open_availability(clinic, open_app)
    assert screen.ranges() == [(w, "09:00", "13:00") for w in range(5)]
    assert screen.slot_box.get() == "15"
    monday, tuesday, sunday = screen.days[0], screen.days[1], screen.days[6]
    assert sunday.off.winfo_manager() == "pack"

    tuesday.ranges[0].remove_button.invoke()           # Tuesdays off
    monday.add_button.invoke()                          # Monday afternoons, 14:00-17:00 offered
    type_into(monday.ranges[0].end, "12:00")
    type_into(monday.ranges[1].start, "15:00")
    sunday.add_button.invoke()                          # Sunday mornings 09:00-13:00
    type_into(screen.slot_box, "20")
    screen.save_button.invoke()
    settle(screen.app, screen)

    expected = [(0, "09:00", "12:00"), (0, "15:00", "17:00"), (2, "09:00", "13:00"), (3, "09:00", "13:00"),
                (4, "09:00", "13:00"), (6, "09:00", "13:00")]
    assert stored_hours(clinic) == expected
    rows = clinic.query("SELECT weekday FROM doctor_availability WHERE doctor_id = ?", (clinic.doctor_id,))
    assert len(rows) == len(expected)
    assert clinic.query("SELECT slot_minutes FROM doctor_info WHERE doctor_id = ?",
                        (clinic.doctor_id,))[0]["slot_minutes"] == 20
    assert screen.saved.cget("text") == "Saved: 6 ranges on 5 days, 20-minute slots."
    assert clinic.ml.appointments.open_slots(clinic.doctor_id, TUESDAY) == []


def test_a_bad_time_shows_under_its_day_and_nothing_is_saved(clinic: Clinic, open_app) -> None:
    screen = open_availability(clinic, open_app)
    wednesday = screen.days[2]
    type_into(wednesday.ranges[0].end, "25:00")
    screen.save_button.invoke()
    assert "HH:MM" in wednesday.error.cget("text")
    assert wednesday.ranges[0].end.instate(["invalid"]) and wednesday.ranges[0].end.get() == "25:00"
    assert screen.days[0].error.cget("text") == ""
    type_into(wednesday.ranges[0].end, "09:10")     # shorter than one slot
    screen.save_button.invoke()
    assert wednesday.error.cget("text") == "Each range must end after its start and hold at least one slot."
    assert stored_hours(clinic) == [(w, "09:00", "13:00") for w in range(5)]
    screen.undo_button.invoke()
    assert wednesday.ranges[0].end.get() == "13:00" and wednesday.error.cget("text") == ""


def test_days_off_are_added_with_the_picker_and_removed(clinic: Clinic, open_app) -> None:
    screen = open_availability(clinic, open_app)
    assert screen.leave_table.row_ids() == []
    assert screen.leave_date.cget("mindate") == clinic.ml.clock.today()  # no past day offered
    christmas = dt.date(2026, 12, 25)
    screen.leave_date.set_date(christmas)
    screen.add_leave_button.invoke()
    settle(screen.app, screen)
    assert clinic.ml.doctors.leave_days(clinic.doctor) == [christmas]
    assert screen.leave_table.row_ids() == ["2026-12-25"]
    assert screen.leave_table.tree.item("2026-12-25", "values")[1] == "Friday"
    assert clinic.ml.appointments.open_slots(clinic.doctor_id, christmas) == []

    screen.leave_table.select("2026-12-25")
    screen.update()
    screen.remove_leave_button.invoke()
    settle(screen.app, screen)
    assert clinic.ml.doctors.leave_days(clinic.doctor) == []
    assert screen.leave_table.row_ids() == []
