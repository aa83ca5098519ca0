"""Doctors' profiles: the public view of a verified doctor, and a doctor's own profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.dao import availability, doctors
from medlink.db import IntegrityViolation, Tx
from medlink.errors import ConflictError, NotFound, ValidationError
from medlink.models import DoctorProfile, DoctorSummary, PublicDoctorProfile, SearchPage, WeeklyHours, from_row
from medlink.services import validation as v
from medlink.services.auth import conflict_from
from medlink.services.base import Service
from medlink.services.scheduling import hhmm, minutes, parse_time
from medlink.services.session import ROLES, Session
from medlink.services.slots import next_open_slots

DOCTOR = ("doctor",)
CREDENTIALS = frozenset({"qualifications", "specialty"})  # what an administrator verified
ORDERS = {
    "name": "by name, A to Z",
    "earliest": "by the earliest open slot",
    "fee": "by consultation fee, lowest first",
    "experience": "by years of experience, most first",
}
EARLIEST_CAP = 2000  # matches ranked by earliest slot; a narrower search ranks them all
MAX_LEAVE_DAYS = 366


def public_profile(row: dict[str, Any]) -> PublicDoctorProfile:
    """The public face of a doctor row: contact details only if the doctor made them public."""
    shown = bool(row["contact_public"])
    return from_row(PublicDoctorProfile, row, verified=row["verification_status"] == "verified",
                    email=row["email"] if shown else None, phone=row["phone"] if shown else None)


class DoctorService(Service):
    def profile(self, doctor_id: int, session: Session | None = None) -> PublicDoctorProfile:
        """A verified doctor's public profile. Unverified doctors are not found, except by
        themselves and by administrators."""
        if session is not None:
            session = self.authorize(session, ROLES, "doctor.profile.view", subject=("doctor", doctor_id))

        def unit(tx: Tx) -> PublicDoctorProfile:
            row = doctors.get(tx, doctor_id) if isinstance(doctor_id, int) else None
            own = session is not None and (session.role == "admin" or session.actor == ("doctor", doctor_id))
            if row is None or not row["is_active"] or (row["verification_status"] != "verified" and not own):
                raise NotFound("This doctor is not listed on MedLink.")
            if session is not None:
                self.audit.record(tx, actor=session, action="doctor.profile.view", subject=("doctor", doctor_id))
            return public_profile(row)

        return self.run(unit)

    def my_profile(self, session: Session) -> DoctorProfile:
        """The signed-in doctor's whole profile, with verification state and any rejection reason."""
        session = self.authorize(session, DOCTOR, "doctor.own_profile.view")

        def unit(tx: Tx) -> DoctorProfile:
            row = doctors.get(tx, session.user_id)
            if row is None:
                raise NotFound("Your account no longer exists.")
            self.audit.record(tx, actor=session, action="doctor.own_profile.view", subject=session.actor)
            return from_row(DoctorProfile, row)

        return self.run(unit)

    def update_profile(self, session: Session, **fields: Any) -> DoctorProfile:
        """Change the doctor's own profile. The registration number is a verified credential and
        cannot be changed here; changing the qualifications or the specialty of a verified doctor
        sends the profile back for verification (patients see only what an administrator checked)."""
        session = self.authorize(session, DOCTOR, "doctor.profile.update")
        cleaned = self._clean(fields)

        def unit(tx: Tx) -> DoctorProfile:
            before = doctors.get(tx, session.user_id)
            if before is None:
                raise NotFound("Your account no longer exists.")
            doctors.update(tx, session.user_id, cleaned)
            changed = sorted(k for k in cleaned if cleaned[k] != before[k])
            detail = ",".join(changed)
            if before["verification_status"] == "verified" and CREDENTIALS & set(changed):
                doctors.set_verification(tx, session.user_id, "pending", None, None, None)
                detail += ";re-verification"
            self.audit.record(tx, actor=session, action="doctor.profile.update", subject=session.actor,
                              detail=detail)
            return from_row(DoctorProfile, doctors.get(tx, session.user_id))

        try:
            return self.run(unit)
        except IntegrityViolation as exc:
            if exc.kind == "unique":
                raise conflict_from(exc) from None
            raise

    def resubmit(self, session: Session) -> DoctorProfile:
        """A rejected doctor, having corrected their profile, asks to be verified again."""
        session = self.authorize(session, DOCTOR, "doctor.resubmit")

        def unit(tx: Tx) -> DoctorProfile:
            row = doctors.get(tx, session.user_id)
            if row is None:
                raise NotFound("Your account no longer exists.")
            if row["verification_status"] != "rejected":
                raise ConflictError("Only a rejected application can be sent again.")
            doctors.set_verification(tx, session.user_id, "pending", None, None, None)
            self.audit.record(tx, actor=session, action="doctor.resubmit", subject=session.actor)
            return from_row(DoctorProfile, doctors.get(tx, session.user_id))

        return self.run(unit)

    @staticmethod
    def _clean(fields: dict[str, Any]) -> dict[str, Any]:
        def long_text(name: str, label: str, required: bool, limit: int) -> Any:
            return lambda x: v.text(x, name, label, required=required, max_length=limit, multiline=True)

        validators = {
            "name": v.person_name,
            "email": v.email,
            "phone": v.phone,
            "qualifications": long_text("qualifications", "Qualifications and education", True, 2000),
            "specialty": lambda x: v.text(x, "specialty", "Specialty", max_length=100),
            "hospital": lambda x: v.text(x, "hospital", "Hospital or clinic", max_length=200),
            "hospital_address": long_text("hospital_address", "Hospital address", False, 500),
            "city": lambda x: v.text(x, "city", "City", max_length=100),
            "experience_years": lambda x: v.whole_number(x, "experience_years", "Years of experience", 0, 70),
            "bio": long_text("bio", "Short bio", False, 2000),
            "contact_public": lambda x: 1 if x is True or x == 1 else 0,
        }
        unknown = sorted(set(fields) - set(validators))
        if unknown:
            raise ValidationError(f"These cannot be changed here: {', '.join(unknown)}.", unknown[0])
        return {name: validators[name](value) for name, value in fields.items()}

    # -- availability ------------------------------------------------------------------------------
    def set_availability(self, session: Session, ranges: list[tuple[int, str, str]], slot_minutes: int) -> WeeklyHours:
        """Replace the doctor's weekly hours: ``ranges`` of (weekday 0 = Monday, "HH:MM", "HH:MM"),
        several per day allowed but not overlapping; slots of ``slot_minutes`` fit inside them."""
        session = self.authorize(session, DOCTOR, "doctor.availability.update")
        slot = v.whole_number(slot_minutes, "slot_minutes", "Slot length (minutes)", 5, 240)
        cleaned = clean_ranges(ranges, slot)

        def unit(tx: Tx) -> WeeklyHours:
            availability.replace_hours(tx, session.user_id, cleaned)
            doctors.update(tx, session.user_id, {"slot_minutes": slot})
            self.audit.record(tx, actor=session, action="doctor.availability.update", subject=session.actor,
                              detail=f"{len(cleaned)} ranges, {slot} min")
            return WeeklyHours([(w, hhmm(a), hhmm(b)) for w, a, b in cleaned], slot)

        return self.run(unit)

    def availability(self, doctor_id: int) -> WeeklyHours:
        """A doctor's weekly hours and slot length (public: patients see them on the profile)."""
        with self.db.transaction() as tx:
            doctor = doctors.get(tx, doctor_id) if isinstance(doctor_id, int) else None
            if doctor is None:
                raise NotFound("This doctor is not listed on MedLink.")
            rows = availability.hours(tx, doctor_id)
        return WeeklyHours([(int(r["weekday"]), hhmm(r["start_time"]), hhmm(r["end_time"])) for r in rows],
                           int(doctor["slot_minutes"]))

    def add_leave(self, session: Session, day: Any) -> None:
        """Mark a day off: no slots are offered that day. Existing bookings stay until cancelled."""
        session = self.authorize(session, DOCTOR, "doctor.leave.add")
        when = v.parse_date(day, "date", "Day off")
        if when < self.clock.today():
            raise ValidationError("A day off must be today or later.", "date")

        def unit(tx: Tx) -> None:
            availability.add_leave(tx, session.user_id, when)
            self.audit.record(tx, actor=session, action="doctor.leave.add", subject=session.actor,
                              detail=when.isoformat())

        self.run(unit)

    def remove_leave(self, session: Session, day: Any) -> None:
        session = self.authorize(session, DOCTOR, "doctor.leave.remove")
        when = v.parse_date(day, "date", "Day off")

        def unit(tx: Tx) -> None:
            availability.remove_leave(tx, session.user_id, when)
            self.audit.record(tx, actor=session, action="doctor.leave.remove", subject=session.actor,
                              detail=when.isoformat())

        self.run(unit)

    def leave_days(self, session: Session, start: Any = None, end: Any = None) -> list[dt.date]:
        """The doctor's own days off between ``start`` (default today) and ``end`` (a year on)."""
        session = self.authorize(session, DOCTOR, "doctor.leave.list")
        first = v.parse_date(start, "start") if start is not None else self.clock.today()
        year = dt.timedelta(days=MAX_LEAVE_DAYS)
        last = v.parse_date(end, "end") if end is not None else first + min(year, dt.date.max - first)  # 9999-12-31

        def unit(tx: Tx) -> list[dt.date]:
            days = availability.leave_days(tx, session.user_id, first, last)
            self.audit.record(tx, actor=session, action="doctor.leave.list", subject=session.actor,
                              detail=f"{len(days)} days")
            return days

        return self.run(unit)

    # -- search ------------------------------------------------------------------------------------
    def search(self, text: str = "", specialty: str | None = None, city: str | None = None,
               max_fee: Any = None, limit: int = 50, offset: int = 0, order: str = "name") -> SearchPage:
        """Verified doctors only. Free text matches name, specialty, hospital and qualifications
        (every word somewhere); filters narrow by specialty, city and highest consultation fee.
        ``order``: name (the neutral default), earliest, fee or experience. Nobody is promoted."""
        terms = v.text(text, "text", "Search text", required=False, max_length=100).split()[:8]
        specialty = v.text(specialty, "specialty", "Specialty", required=False, max_length=100) or None
        city = v.text(city, "city", "City", required=False, max_length=100) or None
        fee_cap = None if max_fee in (None, "") else v.money(max_fee, "max_fee", "Highest fee")
        if not isinstance(order, str) or order not in ORDERS:
            raise ValidationError(f"Sort by one of: {', '.join(ORDERS)}.", "order")
        limit, offset = v.page(limit, offset, most=200)
        default_fee = self.settings.default_consultation_fee
        query = dict(terms=terms, specialty=specialty, city=city, max_fee=fee_cap, default_fee=default_fee)
        now = self.clock.local_now()
        with self.db.transaction(readonly=True) as tx:
            plan = doctors.word_plan(tx, terms)
            words = plan.driver is not None
            if order == "earliest":
                ids = doctors.search_ids(tx, cap=EARLIEST_CAP, plan=plan, **query)
                rows = doctors.summaries(tx, ids, default_fee)
                slots = next_open_slots(tx, rows, now)
                never = dt.datetime.max
                rows.sort(key=lambda r: (slots[int(r["doctor_id"])] or never, r["name"], r["doctor_id"]))
                rows = rows[offset:offset + limit]
            else:
                rows = doctors.search(tx, order=order, limit=limit, offset=offset, plan=plan, **query)
                slots = next_open_slots(tx, rows, now)
            if rows and "matches" in rows[0]:
                total = int(rows[0]["matches"])  # counted with the page
            elif offset == 0 and len(rows) < limit and order != "earliest":
                total = len(rows)  # the whole of it is on this page
            else:
                total = doctors.search_count(tx, plan=plan, cap=doctors.TOTAL_CAP + 1 if words else None, **query)
        more = total > doctors.TOTAL_CAP and words
        total = doctors.TOTAL_CAP if more else total
        # In DoctorSummary's field order (a page is 20 of them, made for every search); the rows are typed
        # already: ids and years are ints, fee_in_force a Decimal in cents on both backends.
        results = [DoctorSummary(r["doctor_id"], r["name"], r["specialty"], r["hospital"], r["city"],
                                 r["experience_years"], r["qualifications"], r["fee_in_force"], True,
                                 slots[r["doctor_id"]]) for r in rows]
        return SearchPage(results, total, offset, limit, order, f"Sorted {ORDERS[order]}.", more)

    def specialties(self) -> list[str]:
        with self.db.transaction() as tx:
            return doctors.facet_values(tx, "specialty")

    def cities(self) -> list[str]:
        with self.db.transaction() as tx:
            return doctors.facet_values(tx, "city")


def clean_ranges(ranges: Any, slot: int) -> list[tuple[int, dt.time, dt.time]]:
    """Validate a weekly timetable: weekdays 0-6, HH:MM times, start before end, at least one
    slot per range, no overlaps on a day."""
    if not isinstance(ranges, (list, tuple)) or len(ranges) > 70:
        raise ValidationError("Give the working hours as a list of day, start and end.", "ranges")
    cleaned = []
    for item in ranges:
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise ValidationError("Each working range needs a day, a start and an end.", "ranges")
        weekday = v.whole_number(item[0], "ranges", "Day of the week", 0, 6)
        start = parse_time(item[1], "ranges", "Start")
        end = parse_time(item[2], "ranges", "End")
        if minutes(end) - minutes(start) < slot:
            raise ValidationError("Each range must end after its start and hold at least one slot.", "ranges")
        cleaned.append((weekday, start, end))
    cleaned.sort()
    for (day_a, _, end_a), (day_b, start_b, _) in zip(cleaned, cleaned[1:], strict=False):
        if day_a == day_b and start_b < end_a:
            raise ValidationError("Two working ranges on the same day overlap.", "ranges")
    return cleaned

