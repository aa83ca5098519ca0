"""``doctor_profile``: the public profile of a verified doctor, for anyone signed in.

``app.show("doctor_profile", doctor_id=7)`` shows doctor 7; a doctor who opens it without an id sees
their own. ``back="screen_name"`` adds a Back button (and Escape) to return there, e.g. to search
results. Contact details appear only if the doctor made them public.

Beside the doctor's credentials: the fees in force and the weekly hours; and for a patient, a
booking card — a day (never a past one; ``day=`` chooses the first shown), that day's open times,
in person or online, an optional reason, and Book. The booking carries an idempotency key made when
the card is set up for this doctor, so pressing Book again after a lost connection never books
twice. A slot taken meanwhile refreshes the open times and says so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from tkinter import ttk
from typing import Any

from medlink.errors import ConflictError, MedLinkError, NotFound
from medlink.models import Appointment, Fees, PublicDoctorProfile, WeeklyHours
from medlink.ui.booking import NO_TIME_CHOSEN, SLOT_TAKEN_NOTE, DateField, ModeField, SlotField, add_field, mode_text
from medlink.ui.forms import Form, button_row
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import (
    VERIFIED_BADGE,
    Details,
    autowrap,
    bind_tree,
    day_and_date,
    phone_display,
    rupees,
    scrolling_page,
    years,
)

NOT_PUBLIC = "Not public. Book an appointment to get in touch through MedLink."
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NO_HOURS = "The doctor has not published working hours yet."


def fee_rows(fees: Fees) -> list[tuple[str, str]]:
    """The fees a patient may be charged, as label and amount."""
    def amount(value: Decimal) -> str:
        return rupees(value) if value else "None"

    return [("Consultation", rupees(fees.consultation)), ("Lab tests", amount(fees.lab_test)),
            ("Medication", amount(fees.medication)), ("Other charges", amount(fees.other))]


def gst_note(rate: Decimal) -> str:
    return f"{Decimal(rate).normalize():f}% GST is added to the consultation, lab test and medication fees."


def hours_rows(hours: WeeklyHours) -> list[tuple[str, str]]:
    """Each weekday and its working ranges (``09:00–13:00, 16:00–19:00``), or Closed."""
    rows = []
    for weekday, name in enumerate(WEEKDAYS):
        ranges = [f"{start}\u2013{end}" for day, start, end in hours.ranges if day == weekday]
        rows.append((name, ", ".join(ranges) or "Closed"))
    return rows


@register_screen("doctor_profile")
class DoctorProfileScreen(Screen):
    title = "Doctor profile"
    roles = ("patient", "doctor", "admin")
    padding = 0

    def _build(self) -> None:
        self.scroll, body = scrolling_page(self, padding=(32, 22, 28, 24))
        body.columnconfigure(0, weight=1, uniform="profile")
        body.columnconfigure(1, weight=1, uniform="profile")
        self.back_button = ttk.Button(body, text="\u2190 Back", style="Link.TButton", command=self._on_back)
        top = ttk.Frame(body)
        top.grid(row=1, column=0, columnspan=2, sticky="ew")
        self.doctor_name = ttk.Label(top, text="", style="Title.TLabel")
        self.doctor_name.pack(side="left")
        self.badge = ttk.Label(top, text=VERIFIED_BADGE, style="Badge.TLabel")
        self.subtitle = ttk.Label(body, text="", style="Lead.TLabel")
        self.subtitle.grid(row=2, column=0, columnspan=2, sticky="w", pady=(6, 20))
        self.message = ttk.Label(body, text="", style="Error.TLabel")
        left, right = self._column(body, 0), self._column(body, 1)
        about = self._card(left, "Qualifications and education")
        self.qualifications = autowrap(ttk.Label(about, text="", justify="left", wraplength=380))
        self.qualifications.grid(row=1, column=0, sticky="new")
        ttk.Label(about, text="About", style="Heading.TLabel").grid(row=2, column=0, sticky="w", pady=(20, 10))
        self.bio = autowrap(ttk.Label(about, text="", justify="left", wraplength=380))
        self.bio.grid(row=3, column=0, sticky="new")
        practice = self._card(left, "Practice")
        self.practice = Details(practice, label_width=11, wrap=200)
        self.practice.grid(row=1, column=0, sticky="new")
        ttk.Label(practice, text="Contact", style="Heading.TLabel").grid(row=2, column=0, sticky="w",
                                                                           pady=(20, 10))
        self.contact = Details(practice, label_width=11, wrap=200)
        self.contact.grid(row=3, column=0, sticky="new")
        self.contact_note = autowrap(ttk.Label(practice, text=NOT_PUBLIC, style="Muted.TLabel", justify="left"))
        self.contact_note.grid(row=4, column=0, sticky="new")
        self.booking_card = ttk.Frame(body, style="Card.TFrame", padding=(24, 20))
        self._build_booking(self.booking_card)
        self.fees_card = self._card(right, "Fees")
        self._build_fees_and_hours(self.fees_card)
        self.cards = (left, right)
        self.scroll.enable_wheel()
        bind_tree(self, "<Escape>", self._on_back)
        self.back_to: str | None = None
        self.profile: PublicDoctorProfile | None = None
        self.doctor_id: int | None = None
        self.booking_key = ""
        self._slot_request = 0

    def _column(self, body: ttk.Frame, column: int) -> ttk.Frame:
        frame = ttk.Frame(body)
        frame.grid(row=4, column=column, sticky="nsew", padx=(0, 0 if column else 18))
        frame.columnconfigure(0, weight=1)
        return frame

    def _card(self, column: ttk.Frame, heading: str) -> ttk.Frame:
        card = ttk.Frame(column, style="Card.TFrame", padding=(24, 20))
        card.pack(fill="x", pady=(0, 18))
        card.columnconfigure(0, weight=1)
        ttk.Label(card, text=heading, style="Heading.TLabel").grid(row=0, column=0, sticky="w", pady=(0, 10))
        return card

    def _build_booking(self, card: ttk.Frame) -> None:
        """Day and open times on the left; how, why and Book on the right."""
        card.columnconfigure(0, weight=3, uniform="booking")
        card.columnconfigure(1, minsize=28)
        card.columnconfigure(2, weight=2, uniform="booking")
        ttk.Label(card, text="Book an appointment", style="Heading.TLabel").grid(row=0, column=0, columnspan=3,
                                                                               sticky="w", pady=(0, 10))
        self.form = Form(self._on_book, self._on_back, busy=lambda: self.is_busy)
        today = self.ml.clock.today()
        self.date_field = add_field(self.form, DateField(self.form, card, "date", "Day", today, self._on_day))
        self.date_field.frame.grid(row=1, column=0, sticky="new")
        self.slot_field = add_field(self.form, SlotField(self.form, card, "time", "Open times"))
        self.slot_field.frame.grid(row=2, column=0, rowspan=2, sticky="new")
        self.mode_field = add_field(self.form, ModeField(self.form, card, "mode", "How you will meet"))
        self.mode_field.frame.grid(row=1, column=2, sticky="new")
        self.reason_field = self.form.text(card, "reason", "Reason for the visit (optional)", height=3, width=24)
        self.reason_field.frame.grid(row=2, column=2, sticky="new")
        footer = ttk.Frame(card)
        footer.grid(row=3, column=2, sticky="sew")
        footer.columnconfigure(0, weight=1)
        row, self.book_button = button_row(footer, ("Book appointment", self._on_book))
        row.grid(row=0, column=0, sticky="e")
        self.form.message_line(footer, wraplength=260).grid(row=1, column=0, sticky="w", pady=(8, 0))

    def _build_fees_and_hours(self, card: ttk.Frame) -> None:
        self.fees = Details(card, label_width=13, wrap=200)
        self.fees.grid(row=1, column=0, sticky="new")
        self.gst = autowrap(ttk.Label(card, text="", style="Muted.TLabel", justify="left"))
        self.gst.grid(row=2, column=0, sticky="new", pady=(6, 0))
        ttk.Label(card, text="Weekly hours", style="Heading.TLabel").grid(row=3, column=0, sticky="w", pady=(20, 10))
        self.hours = Details(card, label_width=13, wrap=200)
        self.hours.grid(row=4, column=0, sticky="new")
        self.slot_note = autowrap(ttk.Label(card, text="", style="Muted.TLabel", justify="left"))
        self.slot_note.grid(row=5, column=0, sticky="new", pady=(6, 0))

    # --- showing a doctor ---------------------------------------------------------------------------

    def refresh(self, doctor_id: int | None = None, back: str | None = None, day: dt.date | None = None,
                **context: Any) -> None:
        session = self.app.session
        if doctor_id is None and session is not None and session.role == "doctor":
            doctor_id = session.user_id
        self.back_to = back
        if back:
            self.back_button.grid(row=0, column=0, sticky="w", pady=(0, 8))
        else:
            self.back_button.grid_remove()
        self.message.grid_remove()
        self.scroll.scroll_to_top()
        if doctor_id is None:
            self._show_missing(NotFound("No doctor was chosen."))
            return
        if doctor_id != self.doctor_id:
            self.profile = None
            self._new_booking()
            day = day or self.ml.clock.today()
            self.fees.set([])
            self.hours.set([])
            self.slot_field.set_slots([])
        self.doctor_id = doctor_id
        self.date_field.set_today(self.ml.clock.today())
        if day is not None:
            self.date_field.set(day)  # a changed day loads its slots once the profile is shown
        self.run_task(self.ml.doctors.profile, doctor_id, session, on_done=self._show, on_error=self._show_missing)

    def _show(self, profile: PublicDoctorProfile) -> None:
        self.profile = profile
        self.app.title(f"MedLink \u2014 {profile.name}")
        self.doctor_name.configure(text=profile.name)
        if profile.verified:
            self.badge.pack(side="left", padx=(14, 0), pady=(4, 0))
        else:
            self.badge.pack_forget()
        self.subtitle.configure(text=f"{profile.specialty}  \u00b7  {profile.city}  \u00b7  "
                                     f"{years(profile.experience_years)} of experience")
        self.qualifications.configure(text=profile.qualifications)
        self.bio.configure(text=(profile.bio or "").strip() or "The doctor has not written a bio yet.",
                           style="TLabel" if (profile.bio or "").strip() else "Muted.TLabel")
        self.practice.set([
            ("Hospital", profile.hospital),
            ("Address", profile.hospital_address or profile.city),
            ("City", profile.city),
            ("Experience", years(profile.experience_years)),
            ("Registration", profile.registration_number),
        ])
        contact = (("E-mail", profile.email or ""), ("Phone", phone_display(profile.phone)))
        public = [(label, value) for label, value in contact if value]
        self.contact.set(public)
        if public:
            self.contact_note.grid_remove()
        else:
            self.contact_note.grid()
        for card in self.cards:
            card.grid()
        bookable = profile.verified and self.app.session is not None and self.app.session.role == "patient"
        if bookable:
            self.booking_card.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(0, 18))
            self._load_slots()
        else:
            self.booking_card.grid_remove()
        self.run_task(self.ml.billing.fees, profile.doctor_id, on_done=self._show_fees, on_error=self._ignore)
        self.run_task(self.ml.doctors.availability, profile.doctor_id, on_done=self._show_hours,
                      on_error=self._ignore)
        self.scroll.enable_wheel()

    def _show_fees(self, fees: Fees) -> None:
        self.fees.set(fee_rows(fees))
        self.gst.configure(text=gst_note(self.ml.settings.gst_rate))
        self.scroll.enable_wheel()

    def _show_hours(self, hours: WeeklyHours) -> None:
        self.hours.set(hours_rows(hours) if hours.ranges else [])
        self.slot_note.configure(text=f"Appointments every {hours.slot_minutes} minutes." if hours.ranges
                                 else NO_HOURS)
        self.scroll.enable_wheel()

    def _ignore(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error  # a bug: reported as an internal error

    def _show_missing(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.profile = None
        self.doctor_name.configure(text="Doctor not found")
        self.badge.pack_forget()
        self.subtitle.configure(text="")
        self.message.configure(text=error.message)
        for card in self.cards:
            card.grid_remove()
        self.message.grid(row=2, column=0, columnspan=2, sticky="w", pady=(6, 20))

    def _on_back(self) -> None:
        if self.back_to:
            self.app.show(self.back_to)

    # --- booking ------------------------------------------------------------------------------------

    def _new_booking(self) -> None:
        """A fresh booking form: a new request key, nothing chosen, no reason."""
        self.booking_key = uuid.uuid4().hex
        self.form.clear_errors()
        self.slot_field.set(None)
        self.mode_field.set("offline")
        self.reason_field.set("")

    def _on_day(self, _day: dt.date) -> None:
        self.form.clear_errors()
        if self.profile is not None:
            self._load_slots()

    def _load_slots(self) -> None:
        if self.profile is None:
            return
        self._slot_request += 1
        request, day = self._slot_request, self.date_field.get()
        self.run_task(self.ml.appointments.open_slots, self.profile.doctor_id, day,
                      on_done=lambda times: self._show_slots(times, day, request), on_error=self.form.show_failure)

    def _show_slots(self, times: list[str], day: dt.date, request: int) -> None:
        if request == self._slot_request:
            self.slot_field.set_slots(times, day)
            self.scroll.enable_wheel()

    def _on_book(self) -> None:
        if self.is_busy or self.profile is None:
            return
        self.form.clear_errors()
        values = self.form.values()
        if not values["time"]:
            self.form.show_errors({"time": NO_TIME_CHOSEN})
            return
        self.run_task(self.ml.appointments.book, self.app.session, doctor_id=self.profile.doctor_id,
                      date=values["date"], time=values["time"], mode=values["mode"], reason=values["reason"],
                      idempotency_key=self.booking_key, on_done=self._on_booked, on_error=self._on_refused)

    def _on_refused(self, error: BaseException) -> None:
        """Everything typed stays; a slot taken (or past) meanwhile brings the day's open times up to date."""
        self.form.show_failure(error)
        if isinstance(error, ConflictError) or getattr(error, "field", None) in ("date", "time"):
            self.form.show_message(SLOT_TAKEN_NOTE)
            self._load_slots()

    def _on_booked(self, appointment: Appointment) -> None:
        self._new_booking()
        notice = (f"Your appointment with {appointment.doctor_name} on {day_and_date(appointment.appointment_date)} "
                  f"at {appointment.time_text} ({mode_text(appointment.mode).lower()}) is booked. "
                  "A confirmation e-mail is on its way.")
        self.app.show("my_appointments", appointment_id=appointment.appointment_id, notice=notice)
