"""Booking, cancelling, rescheduling and completing appointments; open slots; the lists.

The database decides whether a slot is free: the live-slot unique index refuses a second live
appointment, and this service turns that refusal into ``ConflictError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from medlink.dao import appointments, doctors
from medlink.db import IntegrityViolation, Tx
from medlink.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from medlink.models import Appointment, from_row
from medlink.services import validation as v
from medlink.services.base import Service
from medlink.services.scheduling import day_name, hhmm, parse_time, slot_grid
from medlink.services.session import Session
from medlink.services.slots import open_slots_on

MODES = ("online", "offline")
PATIENT, DOCTOR, PEOPLE = ("patient",), ("doctor",), ("patient", "doctor")
_TAKEN = {
    "uq_appointment_live_slot": "This slot has just been taken. Please choose another time.",
    "uq_appointment_patient_time": "You already have an appointment at this time.",
}


def to_appointment(row: dict[str, Any]) -> Appointment:
    return from_row(Appointment, row)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _listed(doctor: dict[str, Any] | None) -> dict[str, Any]:
    """``doctor``, if patients may book them: present, active and verified."""
    if doctor is None or not doctor["is_active"]:
        raise NotFound("This doctor is not listed on MedLink.")
    if doctor["verification_status"] != "verified":
        raise PermissionDenied("This doctor has not been verified yet and cannot be booked.")
    return doctor


class AppointmentService(Service):
    def __init__(self, *args: Any, video: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.video = video  # VideoService: the Jitsi room is made inside the booking's transaction
    # -- slots -------------------------------------------------------------------------------------
    def open_slots(self, doctor_id: int, date: Any) -> list[str]:
        """The free "HH:MM" slots of a verified doctor on ``date``: inside the hours, not taken,
        not past, not on a day off."""
        day = v.parse_date(date, "date")
        with self.db.transaction() as tx:
            doctor = self._bookable_doctor(tx, doctor_id)
            return [hhmm(t) for t in open_slots_on(tx, doctor, day, self.clock.local_now())]

    # -- booking -----------------------------------------------------------------------------------
    def book(self, session: Session, *, doctor_id: int, date: Any, time: Any, mode: str = "offline",
             reason: str = "", idempotency_key: str | None = None) -> Appointment:
        """Book a slot for the signed-in patient. A retry with the same ``idempotency_key`` returns
        the first booking instead of making a second."""
        session = self.authorize(session, PATIENT, "appointment.book", obj=("doctor", doctor_id))
        day, at = self._future_slot(date, time)
        if mode not in MODES:
            raise ValidationError("Choose online or in person (offline).", "mode")
        reason = v.text(reason, "reason", "Reason", required=False, max_length=500, multiline=True)
        key = v.text(idempotency_key, "idempotency_key", "Request key", required=False, max_length=64) or None

        def unit(tx: Tx) -> Appointment:
            if key and (earlier := appointments.by_idempotency_key(tx, key)) is not None:
                if earlier["patient_id"] != session.user_id:  # another patient's request: refused and audited
                    raise self.refuse(session, "appointment.book", subject=("patient", earlier["patient_id"]),
                                      obj=("appointment", earlier["appointment_id"]))
                return to_appointment(appointments.get_detail(tx, earlier["appointment_id"]))
            self._check_bookable_slot(tx, doctor_id, day, at)
            appointment_id = appointments.insert(
                tx, patient_id=session.user_id, doctor_id=doctor_id, appointment_date=day,
                appointment_day=day_name(day), appointment_time=at, mode=mode, reason=reason,
                created_at=self.clock.utc_now(), idempotency_key=key)
            self.video.create_at_booking(tx, {"appointment_id": appointment_id, "patient_id": session.user_id,
                                              "doctor_id": doctor_id, "appointment_date": day, "mode": mode})
            row = self._notify(tx, appointment_id, self.notifier.appointment_booked)
            # The audit row last: the chain's head stays locked only from here to the commit.
            self.audit.record(tx, actor=session, action="appointment.book", subject=session.actor,
                              obj=("appointment", appointment_id))
            return to_appointment(row)

        try:
            return self._write(unit)
        except (IntegrityViolation, ConflictError) as exc:
            # The same request arrived twice at once: the twin's row may trip the live-slot index
            # before the key's (MariaDB checks them in order), so with a key look again for it.
            if key and (isinstance(exc, ConflictError) or exc.constraint == "uq_appointment_idempotency"):
                return self._write(unit)
            raise

    def cancel(self, session: Session, appointment_id: int) -> Appointment:
        """The appointment's patient or doctor cancels it before it starts; the slot is free again."""
        session = self.authorize(session, PEOPLE, "appointment.cancel", obj=("appointment", appointment_id))

        def unit(tx: Tx) -> Appointment:
            row = self._own(tx, session, appointment_id, "appointment.cancel")
            self._require_booked_and_ahead(row, "cancelled")
            status = "cancelled_by_patient" if session.role == "patient" else "cancelled_by_doctor"
            appointments.set_status(tx, appointment_id, status, self.clock.utc_now())
            detail = self._with_parties(tx, appointment_id)
            self.notifier.appointment_cancelled(tx, detail, session.role)  # no confirmation: detail stays true
            self.audit.record(tx, actor=session, action="appointment.cancel", subject=("patient", row["patient_id"]),
                              obj=("appointment", appointment_id))
            return to_appointment(detail)

        return self._write(unit)

    def reschedule(self, session: Session, appointment_id: int, *, date: Any, time: Any) -> Appointment:
        """Move a booked appointment to another open slot of the same doctor: the new slot is taken
        and the old one released in one transaction."""
        session = self.authorize(session, PEOPLE, "appointment.reschedule", obj=("appointment", appointment_id))
        day, at = self._future_slot(date, time)

        def unit(tx: Tx) -> Appointment:
            row = self._own(tx, session, appointment_id, "appointment.reschedule")
            self._require_booked_and_ahead(row, "moved")
            self._check_bookable_slot(tx, row["doctor_id"], day, at)
            appointments.move(tx, appointment_id, day, day_name(day), at, self.clock.utc_now())
            self.video.follow_move(tx, appointment_id, day)
            detail = self._notify(tx, appointment_id, self.notifier.appointment_rescheduled)
            self.audit.record(tx, actor=session, action="appointment.reschedule",
                              subject=("patient", row["patient_id"]), obj=("appointment", appointment_id))
            return to_appointment(detail)

        return self._write(unit)

    def complete(self, session: Session, appointment_id: int) -> Appointment:
        """The doctor marks an appointment that has started as completed."""
        return self._close(session, appointment_id, "completed")

    def mark_no_show(self, session: Session, appointment_id: int) -> Appointment:
        """The doctor marks that the patient did not come."""
        return self._close(session, appointment_id, "no_show")

    def _close(self, session: Session, appointment_id: int, status: str) -> Appointment:
        action = f"appointment.{status}"
        session = self.authorize(session, DOCTOR, action, obj=("appointment", appointment_id))

        def unit(tx: Tx) -> Appointment:
            row = self._own(tx, session, appointment_id, action)
            if row["status"] != "booked":
                raise ConflictError(f"This appointment is already {row['status'].replace('_', ' ')}.")
            starts = dt.datetime.combine(row["appointment_date"], row["appointment_time"])
            if starts > self.clock.local_now():
                raise ValidationError("An appointment can be closed only once it has started.", "appointment_id")
            appointments.set_status(tx, appointment_id, status, self.clock.utc_now())
            detail = appointments.get_detail(tx, appointment_id)
            self.audit.record(tx, actor=session, action=action, subject=("patient", row["patient_id"]),
                              obj=("appointment", appointment_id))
            return to_appointment(detail)

        return self._write(unit)

    # -- reading -----------------------------------------------------------------------------------
    def get(self, session: Session, appointment_id: int) -> Appointment:
        """One appointment, for its patient or its doctor."""
        session = self.authorize(session, PEOPLE, "appointment.view", obj=("appointment", appointment_id))

        def unit(tx: Tx) -> Appointment:
            row = self._own(tx, session, appointment_id, "appointment.view")
            detail = appointments.get_detail(tx, appointment_id)
            self.audit.record(tx, actor=session, action="appointment.view", subject=("patient", row["patient_id"]),
                              obj=("appointment", appointment_id))
            return to_appointment(detail)

        return self.run(unit)

    def mine(self, session: Session, upcoming: bool | None = None, limit: int = 100,
             offset: int = 0) -> list[Appointment]:
        """The signed-in patient's appointments (or a doctor's whole schedule): ``upcoming`` True
        from now on, soonest first; False the past, newest first; None all, newest first."""
        session = self.authorize(session, PEOPLE, "appointment.list")
        if session.role == "doctor":
            return self.schedule(session, limit=limit, offset=offset,
                                 start=self.clock.today() if upcoming else None,
                                 end=self.clock.today() - dt.timedelta(days=1) if upcoming is False else None)
        limit, offset = v.page(limit, offset)
        now = self.clock.local_now()

        def unit(tx: Tx) -> list[Appointment]:
            if upcoming is None:
                rows = appointments.for_patient(tx, session.user_id, limit, offset)
            else:
                rows = appointments.for_patient_window(tx, session.user_id, now.date(), now.time().replace(
                    second=0, microsecond=0), upcoming, limit, offset)
            self.audit.record(tx, actor=session, action="appointment.list", subject=session.actor,
                              detail=f"{len(rows)} rows")
            return [to_appointment(r) for r in rows]

        return self.run(unit)

    def schedule(self, session: Session, start: Any = None, end: Any = None, status: str | None = None,
                 limit: int = 100, offset: int = 0) -> list[Appointment]:
        """The signed-in doctor's appointments between two days (either open), in time order,
        optionally of one status."""
        session = self.authorize(session, DOCTOR, "appointment.schedule")
        first = v.parse_date(start, "start") if start is not None else None
        last = v.parse_date(end, "end") if end is not None else None
        if status is not None and status not in appointments.STATUSES:
            raise ValidationError("Unknown status.", "status")
        limit, offset = v.page(limit, offset)

        def unit(tx: Tx) -> list[Appointment]:
            rows = appointments.for_doctor(tx, session.user_id, first, last, status, limit, offset)
            self.audit.record(tx, actor=session, action="appointment.schedule", subject=session.actor,
                              detail=f"{len(rows)} rows")
            return [to_appointment(r) for r in rows]

        return self.run(unit)

    # -- rules -------------------------------------------------------------------------------------
    def _future_slot(self, date: Any, time: Any) -> tuple[dt.date, dt.time]:
        day = v.parse_date(date, "date")
        at = parse_time(time, "time")
        if dt.datetime.combine(day, at) <= self.clock.local_now():
            raise ValidationError("Choose a date and time in the future.", "date")
        return day, at

    @staticmethod
    def _bookable_doctor(tx: Tx, doctor_id: Any) -> dict[str, Any]:
        return _listed(doctors.get(tx, doctor_id) if _is_id(doctor_id) else None)

    @staticmethod
    def _check_bookable_slot(tx: Tx, doctor_id: Any, day: dt.date, at: dt.time) -> None:
        """A listed, verified doctor who sees patients at ``at`` on ``day``, on the grid of their slots
        and not on leave (one round trip: ``appointments.slot_rules``)."""
        rules = appointments.slot_rules(tx, doctor_id, day) if _is_id(doctor_id) else []
        doctor = _listed(rules[0] if rules else None)
        ranges = [(r["start_time"], r["end_time"]) for r in rules if r["start_time"] is not None]
        if not any(start <= at < end for start, end in ranges):
            raise ValidationError(f"The doctor does not see patients at {hhmm(at)} on {day_name(day)}s.", "time")
        if at not in slot_grid(ranges, int(doctor["slot_minutes"])):
            raise ValidationError(f"Appointments with this doctor start every {doctor['slot_minutes']} minutes; "
                                  "choose one of the offered times.", "time")
        if doctor["on_leave"]:
            raise ConflictError("The doctor is on leave that day. Please choose another day.")

    @staticmethod
    def _with_parties(tx: Tx, appointment_id: int) -> dict[str, Any]:
        row = appointments.with_parties(tx, appointment_id)
        if row is None:  # written in this very transaction: cannot happen
            raise NotFound("No such appointment.")
        return row

    def _notify(self, tx: Tx, appointment_id: int, send: Callable[[Tx, dict[str, Any]], bool]) -> dict[str, Any]:
        """The appointment with its parties, after ``send`` (a notifier method) queued its confirmation."""
        row = self._with_parties(tx, appointment_id)
        if send(tx, row) is True:
            row["confirmation"] = "pending"  # the newest confirmation is the one just queued
            return row
        return self._with_parties(tx, appointment_id)  # queued before (or not by this notifier): as the outbox has it

    def _own(self, tx: Tx, session: Session, appointment_id: Any, action: str) -> dict[str, Any]:
        row = appointments.get(tx, appointment_id, for_update=True) if isinstance(appointment_id, int) else None
        if row is None:
            raise NotFound("No such appointment.")
        if (session.role, session.user_id) not in (("patient", row["patient_id"]), ("doctor", row["doctor_id"])):
            raise self.refuse(session, action, subject=("patient", row["patient_id"]),
                              obj=("appointment", appointment_id))
        return row

    def _require_booked_and_ahead(self, row: dict[str, Any], verb: str) -> None:
        if row["status"] != "booked":
            raise ConflictError(f"This appointment is {row['status'].replace('_', ' ')} and cannot be {verb}.")
        if dt.datetime.combine(row["appointment_date"], row["appointment_time"]) <= self.clock.local_now():
            raise ValidationError(f"This appointment has already started and cannot be {verb}.", "appointment_id")

    def _write(self, unit: Any) -> Appointment:
        try:
            return self.run(unit)
        except IntegrityViolation as exc:
            if exc.kind == "unique" and exc.constraint in _TAKEN:
                raise ConflictError(_TAKEN[exc.constraint], "time") from None
            raise

