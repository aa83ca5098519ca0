"""Booking, cancelling, rescheduling, closing and listing appointments (issue 4), on SQLite and MariaDB.

The clock stands at Monday 30 November 2026, 08:30 local (03:00 UTC) unless a test moves it. Every
assertion about a change reads the stored row, not only what the service returned.

``Clinic`` and the ``clinic`` fixture are shared with the other scheduling test modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from medlink.services.clock import FixedClock
from medlink.services.passwords import PasswordParams
from medlink.services.session import Session
from tests.services_fixtures import audit_rows, patient_session, query, register_doctor, unique

NOW = dt.datetime(2026, 11, 30, 3, 0)  # UTC; local clinic time is Monday 30 November 2026, 08:30
MONDAY = dt.date(2026, 11, 30)  # today
TUESDAY = dt.date(2026, 12, 1)
WEDNESDAY = dt.date(2026, 12, 2)
SATURDAY = dt.date(2026, 12, 5)
SUNDAY = dt.date(2026, 12, 6)
NEXT_MONDAY = dt.date(2026, 12, 7)
WEEKDAYS = [(w, "09:00", "13:00") for w in range(5)]  # Monday to Friday mornings
FAST = PasswordParams(1, 1024, 1)
ADMIN_PASSWORD = "Admin-staple-77"


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


class Clinic:
    """A core on a fixed clock with an administrator, and quick ways to add verified doctors with
    hours and signed-in patients."""

    def __init__(self, ml: MedLink, clock: FixedClock) -> None:
        self.ml, self.clock = ml, clock
        username = unique("admin-")
        ml.auth.create_admin(username=username, password=ADMIN_PASSWORD)
        self.admin = ml.auth.login("admin", username, ADMIN_PASSWORD)

    def doctor(self, hours: Iterable[tuple[int, str, str]] | None = WEEKDAYS, slot: int = 15, verify: bool = True,
               **form: Any) -> tuple[Session, int]:
        """A doctor (verified unless ``verify`` is False) signed in, with ``hours`` set."""
        doctor_id, filled = register_doctor(self.ml, **form)
        if verify:
            self.ml.admin.verify_doctor(self.admin, doctor_id)
        session = self.ml.auth.login("doctor", filled["email"], filled["password"])
        if hours:
            self.ml.doctors.set_availability(session, list(hours), slot_minutes=slot)
        return session, doctor_id

    def patient(self, **form: Any) -> tuple[Session, int]:
        session, patient_id, _ = patient_session(self.ml, **form)
        return session, patient_id

    def set_local(self, day: dt.date, hhmm: str) -> None:
        """Move the clock so that local clinic time is ``day`` at ``hhmm``."""
        self.clock.utc = dt.datetime.combine(day, t(hhmm)) - self.clock.local_offset

    def row(self, appointment_id: int) -> dict[str, Any]:
        rows = query(self.ml, "SELECT * FROM appointments WHERE appointment_id = ?", (appointment_id,))
        assert len(rows) == 1, rows
        return rows[0]

    def rows(self) -> list[dict[str, Any]]:
        return query(self.ml, "SELECT * FROM appointments ORDER BY appointment_id")

    def slots(self, doctor_id: int, day: dt.date) -> list[str]:
        return self.ml.appointments.open_slots(doctor_id, day)


def open_clinic(settings: Settings, clock: FixedClock | None = None) -> Iterator[Clinic]:
    ml = MedLink(settings, password_params=FAST, clock=clock or FixedClock(NOW))
    ml.init_db()
    try:
        yield Clinic(ml, ml.clock)  # type: ignore[arg-type]
    finally:
        ml.close()


@pytest.fixture
def clinic(settings: Settings) -> Iterator[Clinic]:
    yield from open_clinic(settings)


@pytest.fixture
def booked(clinic: Clinic) -> tuple[Session, int, Session, int, int]:
    """A patient's booking of next Monday 10:00 (online): (patient, patient_id, doctor, doctor_id, appointment_id)."""
    doctor, doctor_id = clinic.doctor()
    patient, patient_id = clinic.patient()
    appointment = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                              mode="online", reason="Cough for a week")
    return patient, patient_id, doctor, doctor_id, appointment.appointment_id


# -- booking ---------------------------------------------------------------------------------------------
def test_book_stores_the_slot_with_its_day_name(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor(name="Dr. Meera Pillai", hospital="Lakshmi Clinic")
    patient, patient_id = clinic.patient(name="Asha Rao")
    appointment = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date="2026-12-07", time="10:15",
                                              mode="offline", reason="Follow-up")
    assert (appointment.patient_id, appointment.doctor_id, appointment.status) == (patient_id, doctor_id, "booked")
    assert (appointment.appointment_date, appointment.appointment_time) == (NEXT_MONDAY, t("10:15"))
    assert (appointment.doctor_name, appointment.hospital, appointment.patient_name) == \
        ("Dr. Meera Pillai", "Lakshmi Clinic", "Asha Rao")
    row = clinic.row(appointment.appointment_id)
    assert row["appointment_day"] == "Monday"
    assert (row["appointment_date"], row["appointment_time"]) == (NEXT_MONDAY, t("10:15"))
    assert (row["patient_id"], row["doctor_id"], row["mode"], row["status"], row["reason"]) == \
        (patient_id, doctor_id, "offline", "booked", "Follow-up")
    assert row["created_at"] == NOW
    other = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=SATURDAY - dt.timedelta(days=1),
                                        time=dt.time(9, 0), mode="online")
    assert clinic.row(other.appointment_id)["appointment_day"] == "Friday"
    audit = audit_rows(clinic.ml, action="appointment.book")
    assert [(a["actor_id"], a["object_id"], a["outcome"]) for a in audit] == \
        [(patient_id, str(appointment.appointment_id), "ok"), (patient_id, str(other.appointment_id), "ok")]


def test_book_later_today_and_at_the_last_slot(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    first = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=MONDAY, time="09:00")
    last = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=MONDAY, time="12:45")
    assert clinic.row(first.appointment_id)["appointment_time"] == t("09:00")
    assert clinic.row(last.appointment_id)["appointment_time"] == t("12:45")


@pytest.mark.parametrize(("date", "time", "field"), [
    ("2026-11-23", "10:00", "date"),     # last Monday: past
    ("2026-02-30", "10:00", "date"),     # 30 February does not exist
    ("2026-12-7", "10:00", "date"),      # not YYYY-MM-DD
    ("07/12/2026", "10:00", "date"),
    ("", "10:00", "date"),
    (NEXT_MONDAY, "25:00", "time"),
    (NEXT_MONDAY, "9:7", "time"),
    (NEXT_MONDAY, "9:00", "time"),       # HH:MM only
    (NEXT_MONDAY, "10:00:00", "time"),
    (NEXT_MONDAY, "10h00", "time"),
    (NEXT_MONDAY, "", "time"),
    (NEXT_MONDAY, None, "time"),
    (NEXT_MONDAY, "09:05", "time"),      # off the 15-minute grid
    (NEXT_MONDAY, "12:50", "time"),      # off the grid: a 15-minute slot would run past 13:00
    (NEXT_MONDAY, "13:00", "time"),      # the end of the hours is not a start
    (NEXT_MONDAY, "14:00", "time"),      # outside the hours
    (NEXT_MONDAY, "08:45", "time"),
    (SUNDAY, "10:00", "time"),           # no hours on Sundays
])
def test_book_refuses_bad_or_impossible_times(clinic: Clinic, date: Any, time: Any, field: str) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    with pytest.raises(ValidationError) as caught:
        clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=date, time=time)
    assert caught.value.field == field
    assert clinic.rows() == []


def test_book_refuses_a_slot_of_today_that_has_begun(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    clinic.set_local(MONDAY, "10:05")
    for time in ("09:00", "10:00"):
        with pytest.raises(ValidationError) as caught:
            clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=MONDAY, time=time)
        assert caught.value.field == "date"
    clinic.set_local(MONDAY, "10:15")  # a slot starting exactly now has begun
    with pytest.raises(ValidationError):
        clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=MONDAY, time="10:15")
    assert clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=MONDAY, time="10:30").status == "booked"
    assert len(clinic.rows()) == 1


def test_book_refuses_a_day_of_leave(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    clinic.ml.doctors.add_leave(doctor, NEXT_MONDAY)
    with pytest.raises(ConflictError):
        clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    assert clinic.rows() == []
    clinic.ml.doctors.remove_leave(doctor, NEXT_MONDAY)
    assert clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00").status == "booked"


def test_book_refuses_doctors_not_verified_or_unknown(clinic: Clinic) -> None:
    _, pending_id = clinic.doctor(verify=False)
    _, rejected_id = clinic.doctor(verify=False)
    clinic.ml.admin.reject_doctor(clinic.admin, rejected_id, "Registration number not found in the register.")
    patient, _ = clinic.patient()
    for doctor_id in (pending_id, rejected_id):
        with pytest.raises(PermissionDenied):
            clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    for unknown in (999_999, "1", None):
        with pytest.raises(NotFound):
            clinic.ml.appointments.book(patient, doctor_id=unknown, date=NEXT_MONDAY, time="10:00")
    assert clinic.rows() == []


def test_only_patients_book(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    other_doctor, _ = clinic.doctor()
    patient, _ = clinic.patient()
    for session in (doctor, other_doctor, clinic.admin):
        with pytest.raises(PermissionDenied):
            clinic.ml.appointments.book(session, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    clinic.ml.auth.logout(patient)
    with pytest.raises(PermissionDenied):
        clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    with pytest.raises(PermissionDenied):
        clinic.ml.appointments.book(None, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")  # type: ignore[arg-type]
    assert clinic.rows() == []
    denied = audit_rows(clinic.ml, action="appointment.book", outcome="denied")
    assert [(a["actor_role"], a["actor_id"]) for a in denied] == [
        ("doctor", doctor.user_id), ("doctor", other_doctor.user_id), ("admin", clinic.admin.user_id),
        ("patient", patient.user_id), ("anonymous", None)]


@pytest.mark.parametrize("mode", ["video", "ONLINE", "", None, "in person"])
def test_book_refuses_an_unknown_mode(clinic: Clinic, mode: Any) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    with pytest.raises(ValidationError) as caught:
        clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00", mode=mode)
    assert caught.value.field == "mode"
    assert clinic.rows() == []


def test_book_reason_length_and_characters(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    for bad in ("x" * 501, "fever\x00", 42):
        with pytest.raises(ValidationError) as caught:
            clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00", reason=bad)
        assert caught.value.field == "reason"
    assert clinic.rows() == []
    ok = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                     reason="  " + "x" * 500 + "  ")
    assert clinic.row(ok.appointment_id)["reason"] == "x" * 500


def test_a_taken_slot_is_refused_to_another_patient(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    first, first_id = clinic.patient()
    second, _ = clinic.patient()
    clinic.ml.appointments.book(first, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    with pytest.raises(ConflictError) as caught:
        clinic.ml.appointments.book(second, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    assert caught.value.field == "time"
    with pytest.raises(ConflictError):  # nor twice to the same patient
        clinic.ml.appointments.book(first, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    rows = clinic.rows()
    assert [(r["patient_id"], r["status"]) for r in rows] == [(first_id, "booked")]
    assert len(audit_rows(clinic.ml, action="appointment.book")) == 1  # a refused booking leaves no "ok" row


def test_a_patient_cannot_be_in_two_places_at_once(clinic: Clinic) -> None:
    _, one_id = clinic.doctor()
    _, other_id = clinic.doctor()
    patient, _ = clinic.patient()
    clinic.ml.appointments.book(patient, doctor_id=one_id, date=NEXT_MONDAY, time="10:00")
    with pytest.raises(ConflictError):
        clinic.ml.appointments.book(patient, doctor_id=other_id, date=NEXT_MONDAY, time="10:00")
    assert clinic.ml.appointments.book(patient, doctor_id=other_id, date=NEXT_MONDAY, time="10:15").status == "booked"
    assert len(clinic.rows()) == 2


def test_an_idempotency_key_retried_returns_the_first_booking(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    intruder, _ = clinic.patient()
    first = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                        idempotency_key="req-7f3a")
    again = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                        idempotency_key="req-7f3a")
    assert again.appointment_id == first.appointment_id
    assert again == first
    assert len(clinic.rows()) == 1
    assert clinic.rows()[0]["idempotency_key"] == "req-7f3a"
    with pytest.raises(PermissionDenied):  # another patient cannot read a booking through its key
        clinic.ml.appointments.book(intruder, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:15",
                                    idempotency_key="req-7f3a")
    assert len(clinic.rows()) == 1
    with pytest.raises(ValidationError) as caught:
        clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:30",
                                    idempotency_key="k" * 65)
    assert caught.value.field == "idempotency_key"


# -- cancelling ------------------------------------------------------------------------------------------
def test_patient_cancel_frees_the_slot(clinic: Clinic, booked: tuple) -> None:
    patient, _, _, doctor_id, appointment_id = booked
    assert "10:00" not in clinic.slots(doctor_id, NEXT_MONDAY)
    cancelled = clinic.ml.appointments.cancel(patient, appointment_id)
    assert cancelled.status == "cancelled_by_patient"
    row = clinic.row(appointment_id)
    assert row["status"] == "cancelled_by_patient"
    assert row["updated_at"] == NOW
    assert "10:00" in clinic.slots(doctor_id, NEXT_MONDAY)
    newcomer, newcomer_id = clinic.patient()
    again = clinic.ml.appointments.book(newcomer, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00")
    assert clinic.row(again.appointment_id)["patient_id"] == newcomer_id
    assert [r["status"] for r in clinic.rows()] == ["cancelled_by_patient", "booked"]


def test_doctor_cancel_frees_the_slot(clinic: Clinic, booked: tuple) -> None:
    patient, _, doctor, doctor_id, appointment_id = booked
    assert clinic.ml.appointments.cancel(doctor, appointment_id).status == "cancelled_by_doctor"
    assert clinic.row(appointment_id)["status"] == "cancelled_by_doctor"
    assert "10:00" in clinic.slots(doctor_id, NEXT_MONDAY)
    # the same patient may book the same slot again
    assert clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00").status == "booked"


def test_nobody_else_may_cancel(clinic: Clinic, booked: tuple) -> None:
    _, patient_id, _, _, appointment_id = booked
    stranger, _ = clinic.patient()
    other_doctor, _ = clinic.doctor()
    for session in (stranger, other_doctor):
        with pytest.raises(PermissionDenied):
            clinic.ml.appointments.cancel(session, appointment_id)
    with pytest.raises(PermissionDenied):
        clinic.ml.appointments.cancel(clinic.admin, appointment_id)
    assert clinic.row(appointment_id)["status"] == "booked"
    denied = audit_rows(clinic.ml, action="appointment.cancel", outcome="denied")
    assert [(a["actor_role"], a["actor_id"]) for a in denied] == [
        ("patient", stranger.user_id), ("doctor", other_doctor.user_id), ("admin", clinic.admin.user_id)]
    assert all(a["object_type"] == "appointment" and a["object_id"] == str(appointment_id) for a in denied)
    assert [a["subject_id"] for a in denied[:2]] == [patient_id, patient_id]
    assert audit_rows(clinic.ml, action="appointment.cancel", outcome="ok") == []
    assert clinic.ml.audit.verify().ok


def test_cancel_refuses_after_the_start_and_twice(clinic: Clinic, booked: tuple) -> None:
    patient, _, doctor, doctor_id, appointment_id = booked
    clinic.set_local(NEXT_MONDAY, "10:00")
    with pytest.raises(ValidationError):
        clinic.ml.appointments.cancel(patient, appointment_id)
    with pytest.raises(ValidationError):
        clinic.ml.appointments.cancel(doctor, appointment_id)
    assert clinic.row(appointment_id)["status"] == "booked"
    clinic.set_local(NEXT_MONDAY, "09:59")
    clinic.ml.appointments.cancel(patient, appointment_id)
    for session in (patient, doctor):
        with pytest.raises(ConflictError):
            clinic.ml.appointments.cancel(session, appointment_id)
    assert clinic.row(appointment_id)["status"] == "cancelled_by_patient"
    for unknown in (999_999, "1"):
        with pytest.raises(NotFound):
            clinic.ml.appointments.cancel(patient, unknown)  # type: ignore[arg-type]


# -- rescheduling ----------------------------------------------------------------------------------------
def test_reschedule_takes_the_new_slot_and_frees_the_old(clinic: Clinic, booked: tuple) -> None:
    patient, patient_id, _, doctor_id, appointment_id = booked
    moved = clinic.ml.appointments.reschedule(patient, appointment_id, date="2026-12-01", time="11:30")
    assert (moved.appointment_id, moved.appointment_date, moved.appointment_time, moved.appointment_day) == \
        (appointment_id, TUESDAY, t("11:30"), "Tuesday")
    row = clinic.row(appointment_id)
    assert (row["appointment_date"], row["appointment_day"], row["appointment_time"], row["status"]) == \
        (TUESDAY, "Tuesday", t("11:30"), "booked")
    assert len(clinic.rows()) == 1
    assert "10:00" in clinic.slots(doctor_id, NEXT_MONDAY)
    assert "11:30" not in clinic.slots(doctor_id, TUESDAY)
    other, _ = clinic.patient()
    assert clinic.ml.appointments.book(other, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00").status == "booked"
    with pytest.raises(ConflictError):
        clinic.ml.appointments.book(other, doctor_id=doctor_id, date=TUESDAY, time="11:30")
    audit = audit_rows(clinic.ml, action="appointment.reschedule")
    assert [(a["actor_id"], a["subject_id"], a["object_id"]) for a in audit] == \
        [(patient_id, patient_id, str(appointment_id))]


def test_the_doctor_may_reschedule_too(clinic: Clinic, booked: tuple) -> None:
    _, _, doctor, doctor_id, appointment_id = booked
    clinic.ml.appointments.reschedule(doctor, appointment_id, date=NEXT_MONDAY, time="12:00")
    assert clinic.row(appointment_id)["appointment_time"] == t("12:00")
    assert clinic.slots(doctor_id, NEXT_MONDAY).count("10:00") == 1


def test_reschedule_onto_a_taken_slot_changes_nothing(clinic: Clinic, booked: tuple) -> None:
    patient, _, _, doctor_id, appointment_id = booked
    other, other_id = clinic.patient()
    taken = clinic.ml.appointments.book(other, doctor_id=doctor_id, date=NEXT_MONDAY, time="11:00")
    before = clinic.rows()
    with pytest.raises(ConflictError):
        clinic.ml.appointments.reschedule(patient, appointment_id, date=NEXT_MONDAY, time="11:00")
    assert clinic.rows() == before
    row = clinic.row(appointment_id)
    assert (row["appointment_date"], row["appointment_time"], row["status"]) == (NEXT_MONDAY, t("10:00"), "booked")
    assert clinic.row(taken.appointment_id)["patient_id"] == other_id
    slots = clinic.slots(doctor_id, NEXT_MONDAY)
    assert "10:00" not in slots and "11:00" not in slots
    assert audit_rows(clinic.ml, action="appointment.reschedule") == []


def test_reschedule_refuses_the_patients_own_other_appointment_time(clinic: Clinic, booked: tuple) -> None:
    patient, _, _, _, appointment_id = booked
    _, second_doctor_id = clinic.doctor()
    clinic.ml.appointments.book(patient, doctor_id=second_doctor_id, date=TUESDAY, time="09:30")
    before = clinic.rows()
    with pytest.raises(ConflictError):
        clinic.ml.appointments.reschedule(patient, appointment_id, date=TUESDAY, time="09:30")
    assert clinic.rows() == before


@pytest.mark.parametrize(("date", "time", "error"), [
    (NEXT_MONDAY, "10:05", ValidationError),   # off the grid
    (NEXT_MONDAY, "15:00", ValidationError),   # outside the hours
    (SUNDAY, "10:00", ValidationError),        # no hours that day
    ("2026-11-23", "10:00", ValidationError),  # past
    ("2026-02-30", "10:00", ValidationError),
    (NEXT_MONDAY, "9:7", ValidationError),
])
def test_reschedule_refuses_bad_targets(clinic: Clinic, booked: tuple, date: Any, time: str, error: type) -> None:
    patient, *_, appointment_id = booked
    before = clinic.rows()
    with pytest.raises(error):
        clinic.ml.appointments.reschedule(patient, appointment_id, date=date, time=time)
    assert clinic.rows() == before


def test_reschedule_refuses_leave_strangers_and_closed_appointments(clinic: Clinic, booked: tuple) -> None:
    patient, _, doctor, _, appointment_id = booked
    clinic.ml.doctors.add_leave(doctor, TUESDAY)
    with pytest.raises(ConflictError):
        clinic.ml.appointments.reschedule(patient, appointment_id, date=TUESDAY, time="10:00")
    stranger, _ = clinic.patient()
    with pytest.raises(PermissionDenied):
        clinic.ml.appointments.reschedule(stranger, appointment_id, date=WEDNESDAY, time="10:00")
    assert len(audit_rows(clinic.ml, action="appointment.reschedule", outcome="denied")) == 1
    clinic.ml.appointments.cancel(patient, appointment_id)
    with pytest.raises(ConflictError):
        clinic.ml.appointments.reschedule(patient, appointment_id, date=WEDNESDAY, time="10:00")
    row = clinic.row(appointment_id)
    assert (row["appointment_date"], row["appointment_time"], row["status"]) == \
        (NEXT_MONDAY, t("10:00"), "cancelled_by_patient")


def test_reschedule_refuses_once_started(clinic: Clinic, booked: tuple) -> None:
    patient, *_, appointment_id = booked
    clinic.set_local(NEXT_MONDAY, "10:10")
    with pytest.raises(ValidationError):
        clinic.ml.appointments.reschedule(patient, appointment_id, date=TUESDAY, time="10:00")
    assert clinic.row(appointment_id)["appointment_date"] == NEXT_MONDAY


# -- completing ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("close", "status"), [("complete", "completed"), ("mark_no_show", "no_show")])
def test_the_doctor_closes_an_appointment_after_its_start(clinic: Clinic, booked: tuple, close: str,
                                                          status: str) -> None:
    patient, patient_id, doctor, _, appointment_id = booked
    action = getattr(clinic.ml.appointments, close)
    with pytest.raises(ValidationError):
        action(doctor, appointment_id)
    clinic.set_local(NEXT_MONDAY, "09:59")
    with pytest.raises(ValidationError):
        action(doctor, appointment_id)
    assert clinic.row(appointment_id)["status"] == "booked"
    clinic.set_local(NEXT_MONDAY, "10:00")
    assert action(doctor, appointment_id).status == status
    assert clinic.row(appointment_id)["status"] == status
    with pytest.raises(ConflictError):
        action(doctor, appointment_id)
    with pytest.raises(ConflictError):
        clinic.ml.appointments.complete(doctor, appointment_id)
    with pytest.raises(ConflictError):
        clinic.ml.appointments.cancel(patient, appointment_id)
    ok = audit_rows(clinic.ml, action=f"appointment.{status}", outcome="ok")
    assert [(a["actor_id"], a["subject_id"]) for a in ok] == [(doctor.user_id, patient_id)]


def test_only_the_appointments_doctor_closes_it(clinic: Clinic, booked: tuple) -> None:
    patient, _, _, _, appointment_id = booked
    other_doctor, _ = clinic.doctor()
    clinic.set_local(NEXT_MONDAY, "10:30")
    for session in (patient, other_doctor, clinic.admin):
        with pytest.raises(PermissionDenied):
            clinic.ml.appointments.complete(session, appointment_id)
        with pytest.raises(PermissionDenied):
            clinic.ml.appointments.mark_no_show(session, appointment_id)
    assert clinic.row(appointment_id)["status"] == "booked"
    assert len(audit_rows(clinic.ml, action="appointment.completed", outcome="denied")) == 3


def test_a_cancelled_appointment_cannot_be_completed(clinic: Clinic, booked: tuple) -> None:
    patient, _, doctor, _, appointment_id = booked
    clinic.ml.appointments.cancel(patient, appointment_id)
    clinic.set_local(NEXT_MONDAY, "11:00")
    with pytest.raises(ConflictError):
        clinic.ml.appointments.complete(doctor, appointment_id)
    assert clinic.row(appointment_id)["status"] == "cancelled_by_patient"


# -- lists -----------------------------------------------------------------------------------------------
def test_mine_lists_upcoming_soonest_first_and_past_newest_first(clinic: Clinic) -> None:
    _, first_doc = clinic.doctor(name="Dr. Anil Kumar", hospital="Apollo Clinic")
    _, second_doc = clinic.doctor(name="Dr. Bina Shah", hospital="Sunrise Hospital")
    patient, patient_id = clinic.patient()
    stranger, _ = clinic.patient()
    book = clinic.ml.appointments.book
    today_early = book(patient, doctor_id=first_doc, date=MONDAY, time="09:00", mode="offline")
    today_late = book(patient, doctor_id=second_doc, date=MONDAY, time="11:00", mode="online")
    tuesday = book(patient, doctor_id=first_doc, date=TUESDAY, time="09:15", mode="online", reason="BP check")
    next_week = book(patient, doctor_id=second_doc, date=NEXT_MONDAY, time="12:00", mode="offline")
    clinic.ml.appointments.cancel(patient, tuesday.appointment_id)
    book(stranger, doctor_id=first_doc, date=TUESDAY, time="10:00")
    clinic.set_local(MONDAY, "10:00")

    upcoming = clinic.ml.appointments.mine(patient, upcoming=True)
    assert [a.appointment_id for a in upcoming] == \
        [today_late.appointment_id, tuesday.appointment_id, next_week.appointment_id]
    past = clinic.ml.appointments.mine(patient, upcoming=False)
    assert [a.appointment_id for a in past] == [today_early.appointment_id]
    everything = clinic.ml.appointments.mine(patient)
    assert [a.appointment_id for a in everything] == [next_week.appointment_id, tuesday.appointment_id,
                                                      today_late.appointment_id, today_early.appointment_id]
    assert {a.patient_id for a in everything} == {patient_id}
    shown = {a.appointment_id: a for a in everything}[tuesday.appointment_id]
    assert (shown.doctor_name, shown.hospital, shown.appointment_date, shown.appointment_day, shown.time_text,
            shown.mode, shown.status) == ("Dr. Anil Kumar", "Apollo Clinic", TUESDAY, "Tuesday", "09:15", "online",
                                          "cancelled_by_patient")
    assert {a.appointment_id: a for a in everything}[next_week.appointment_id].hospital == "Sunrise Hospital"
    assert [a.appointment_id for a in clinic.ml.appointments.mine(patient, upcoming=True, limit=1, offset=1)] == \
        [tuesday.appointment_id]
    lists = audit_rows(clinic.ml, action="appointment.list")
    assert [(a["actor_id"], a["detail"]) for a in lists] == \
        [(patient_id, "3 rows"), (patient_id, "1 rows"), (patient_id, "4 rows"), (patient_id, "1 rows")]


def test_schedule_by_date_range_and_status(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    other_doctor, _ = clinic.doctor()
    asha, _ = clinic.patient(name="Asha Rao")
    ravi, _ = clinic.patient(name="Ravi Menon")
    book = clinic.ml.appointments.book
    a = book(asha, doctor_id=doctor_id, date=TUESDAY, time="10:00", reason="Migraine")
    b = book(ravi, doctor_id=doctor_id, date=MONDAY, time="12:00", reason="Sprained ankle")
    c = book(ravi, doctor_id=doctor_id, date=NEXT_MONDAY, time="09:00")
    book(asha, doctor_id=other_doctor.user_id, date=TUESDAY, time="11:00")
    clinic.ml.appointments.cancel(ravi, c.appointment_id)

    whole = clinic.ml.appointments.schedule(doctor)
    assert [x.appointment_id for x in whole] == [b.appointment_id, a.appointment_id, c.appointment_id]
    assert [(x.patient_name, x.reason) for x in whole[:2]] == \
        [("Ravi Menon", "Sprained ankle"), ("Asha Rao", "Migraine")]
    assert [x.appointment_id for x in clinic.ml.appointments.schedule(doctor, start=MONDAY, end=MONDAY)] == \
        [b.appointment_id]
    assert [x.appointment_id for x in clinic.ml.appointments.schedule(doctor, start="2026-12-01")] == \
        [a.appointment_id, c.appointment_id]
    assert [x.appointment_id for x in clinic.ml.appointments.schedule(doctor, end=TUESDAY, status="booked")] == \
        [b.appointment_id, a.appointment_id]
    assert [x.appointment_id for x in clinic.ml.appointments.schedule(doctor, status="cancelled_by_patient")] == \
        [c.appointment_id]
    assert clinic.ml.appointments.schedule(doctor, status="completed") == []
    assert [x.appointment_id for x in clinic.ml.appointments.mine(doctor, upcoming=True)] == \
        [b.appointment_id, a.appointment_id, c.appointment_id]
    assert clinic.ml.appointments.mine(doctor, upcoming=False) == []
    for bad in (dict(status="cancelled"), dict(start="2026-13-01"), dict(end="tomorrow")):
        with pytest.raises(ValidationError):
            clinic.ml.appointments.schedule(doctor, **bad)
    for session in (asha, clinic.admin):
        with pytest.raises(PermissionDenied):
            clinic.ml.appointments.schedule(session)
    assert len(audit_rows(clinic.ml, action="appointment.schedule", outcome="ok")) == 8
    assert len(audit_rows(clinic.ml, action="appointment.schedule", outcome="denied")) == 2


def test_get_is_for_the_patient_and_the_doctor_only(clinic: Clinic, booked: tuple) -> None:
    patient, patient_id, doctor, _, appointment_id = booked
    for session in (patient, doctor):
        seen = clinic.ml.appointments.get(session, appointment_id)
        assert (seen.appointment_id, seen.reason, seen.mode) == (appointment_id, "Cough for a week", "online")
    stranger, _ = clinic.patient()
    other_doctor, _ = clinic.doctor()
    for session in (stranger, other_doctor, clinic.admin):
        with pytest.raises(PermissionDenied):
            clinic.ml.appointments.get(session, appointment_id)
    with pytest.raises(NotFound):
        clinic.ml.appointments.get(patient, 999_999)
    views = audit_rows(clinic.ml, action="appointment.view")
    assert [(v["actor_role"], v["outcome"]) for v in views] == [
        ("patient", "ok"), ("doctor", "ok"), ("patient", "denied"), ("doctor", "denied"), ("admin", "denied")]
    assert all(v["subject_id"] == patient_id for v in views[:4])


def test_every_read_and_change_is_audited_and_the_chain_holds(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, patient_id = clinic.patient()
    first = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=MONDAY, time="11:00")
    second = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=TUESDAY, time="09:00")
    clinic.ml.appointments.reschedule(patient, second.appointment_id, date=TUESDAY, time="09:30")
    clinic.ml.appointments.cancel(doctor, second.appointment_id)
    clinic.ml.appointments.mine(patient)
    clinic.ml.appointments.schedule(doctor)
    clinic.ml.appointments.get(patient, first.appointment_id)
    clinic.set_local(MONDAY, "11:20")
    clinic.ml.appointments.complete(doctor, first.appointment_id)
    rows = [r for r in audit_rows(clinic.ml) if r["action"].startswith("appointment.")]
    assert [(r["action"], r["actor_role"], r["outcome"]) for r in rows] == [
        ("appointment.book", "patient", "ok"), ("appointment.book", "patient", "ok"),
        ("appointment.reschedule", "patient", "ok"), ("appointment.cancel", "doctor", "ok"),
        ("appointment.list", "patient", "ok"), ("appointment.schedule", "doctor", "ok"),
        ("appointment.view", "patient", "ok"), ("appointment.completed", "doctor", "ok")]
    assert {r["subject_id"] for r in rows if r["action"] != "appointment.schedule"} == {patient_id}
    assert rows[-1]["occurred_at"] == clinic.clock.utc_now()
    check = clinic.ml.audit.verify()
    assert check.ok, check.describe()
