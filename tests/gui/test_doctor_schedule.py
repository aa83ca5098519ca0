"""The doctor's schedule (issue 4): a patient's booking appears with the patient's name and reason;
closing it is refused before its start and works after; cancelling asks first; the schedule is read
a page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from medlink.dao import appointments as appointment_rows
from medlink.ui.app import MedLinkApp
from medlink.ui.doctor_schedule import DoctorScheduleScreen
from tests.gui import doctor_clinic
from tests.gui.doctor_clinic import MONDAY, TUESDAY, Clinic, doctor_window, go_to, settle_all
from tests.gui.flows import PATIENT, settle

pytestmark = pytest.mark.gui
clinic, make_clinic, open_app = doctor_clinic.clinic, doctor_clinic.make_clinic, doctor_clinic.open_app


def open_schedule(clinic: Clinic, open_app: Callable[[Clinic], MedLinkApp]) -> DoctorScheduleScreen:
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Schedule", "doctor_schedule")
    assert isinstance(screen, DoctorScheduleScreen)
    return screen


def choose_view(screen: DoctorScheduleScreen, view: str) -> None:
    screen.views.buttons[view].invoke()
    settle(screen.app, screen)


def shown_rows(screen: DoctorScheduleScreen) -> list[tuple[str, ...]]:
    return [tuple(screen.table.tree.item(iid, "values")) for iid in screen.table.row_ids()]


def select(screen: DoctorScheduleScreen, appointment_id: int) -> None:
    screen.table.select(str(appointment_id))
    screen.update()
    settle_all(screen.app)


def status_of(clinic: Clinic, appointment_id: int) -> str:
    return clinic.query("SELECT status FROM appointments WHERE appointment_id = ?", (appointment_id,))[0]["status"]


def test_the_doctor_sees_the_booking_and_marks_it_completed_after_its_start(clinic: Clinic, open_app) -> None:
    booking = clinic.book(date=TUESDAY, time="10:00", mode="offline", reason="Chest pain on stairs")
    screen = open_schedule(clinic, open_app)
    assert screen.table.row_ids() == []  # Monday: nothing today
    assert "No appointments today" in screen.table.empty.cget("text")

    choose_view(screen, "upcoming")
    assert shown_rows(screen) == [("1 Dec 2026", "Tue", "10:00", PATIENT["name"], "Chest pain on stairs", "In person",
                                   "Booked", "Waiting")]
    select(screen, booking.appointment_id)
    assert PATIENT["name"] in screen.details_title.cget("text")
    assert "Tuesday, 1 December 2026 at 10:00" in screen.details.texts()

    screen.complete_button.invoke()  # before the start: the service's own words, nothing changed
    settle(screen.app, screen)
    assert screen.result.cget("text") == "An appointment can be closed only once it has started."
    assert status_of(clinic, booking.appointment_id) == "booked"

    clinic.set_local(TUESDAY, "10:05")
    choose_view(screen, "today")
    select(screen, booking.appointment_id)
    screen.complete_button.invoke()
    settle(screen.app, screen)
    assert status_of(clinic, booking.appointment_id) == "completed"
    assert "was marked completed" in screen.result.cget("text")
    assert shown_rows(screen)[0][6] == "Completed"
    assert screen.complete_button.instate(["disabled"]) and screen.receipt_button.instate(["!disabled"])
    assert screen.app.dialogs == []


def test_cancel_asks_first_and_the_status_filter_follows(clinic: Clinic, open_app) -> None:
    keep = clinic.book(time="10:00", reason="Keep this one")
    drop = clinic.book(time="11:00", reason="Cancel this one")
    screen = open_schedule(clinic, open_app)
    choose_view(screen, "upcoming")
    select(screen, drop.appointment_id)

    screen.app.answers.append(False)
    screen.cancel_button.invoke()
    assert screen.app.dialogs[-1].kind == "question" and "Cancel Meera Pillai's appointment" in \
        screen.app.dialogs[-1].message
    settle(screen.app, screen)
    assert status_of(clinic, drop.appointment_id) == "booked"

    screen.app.answers.append(True)
    screen.cancel_button.invoke()
    settle(screen.app, screen)
    assert status_of(clinic, drop.appointment_id) == "cancelled_by_doctor"
    assert status_of(clinic, keep.appointment_id) == "booked"

    screen.status_box.set("Cancelled by doctor")
    screen.status_box.event_generate("<<ComboboxSelected>>")
    settle(screen.app, screen)
    assert [row[4] for row in shown_rows(screen)] == ["Cancel this one"]
    assert shown_rows(screen)[0][6] == "Cancelled by doctor"


def test_the_schedule_is_read_a_page_at_a_time(clinic: Clinic, open_app) -> None:
    created = clinic.ml.clock.utc_now()
    with clinic.ml.db.transaction() as tx:  # 55 past visits, one a day, straight into the table
        for days in range(1, 56):
            day = MONDAY - dt.timedelta(days=days)
            appointment_rows.insert(tx, patient_id=clinic.patient_id, doctor_id=clinic.doctor_id,
                                    appointment_date=day, appointment_day=f"{day:%A}", appointment_time=dt.time(9),
                                    mode="offline", reason=f"Visit {days}", created_at=created)
    asked: list[dict] = []
    schedule = clinic.ml.appointments.schedule

    def spy(session, **options):  # what the screen asks for, on the worker
        asked.append(options)
        return schedule(session, **options)

    clinic.ml.appointments.schedule = spy  # type: ignore[method-assign]
    screen = open_schedule(clinic, open_app)
    choose_view(screen, "past")
    screen.period_box.set("All time")
    screen.period_box.event_generate("<<ComboboxSelected>>")
    settle(screen.app, screen)

    assert all(options["limit"] == 51 for options in asked)
    assert len(screen.table.row_ids()) == 50
    assert shown_rows(screen)[0][4] == "Visit 55"  # oldest first
    assert screen.pager.next_button.instate(["!disabled"]) and screen.pager.previous_button.instate(["disabled"])
    screen.pager.next_button.invoke()
    settle(screen.app, screen)
    assert asked[-1]["offset"] == 50
    assert [row[4] for row in shown_rows(screen)] == ["Visit 5", "Visit 4", "Visit 3", "Visit 2", "Visit 1"]
    assert screen.pager.next_button.instate(["disabled"]) and screen.pager.previous_button.instate(["!disabled"])
