"""Booking pieces shared by the doctor's public profile and the patient's appointments: a day
picker that offers no past days (tkcalendar's DateEntry, with Previous/Next day buttons), the open
times of a day as buttons, the mode of the visit, and the dialog that moves an appointment to
another open slot of the same doctor.

The fields plug into :class:`medlink.ui.forms.Form` under the service's field names (``date``,
``time``, ``mode``), so a ``ValidationError`` or ``ConflictError`` lands under the field it names.
"""

from __future__ import annotations

import datetime as dt
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from tkcalendar import DateEntry

from medlink.errors import ConflictError, MedLinkError
from medlink.models import Appointment
from medlink.ui import theme
from medlink.ui.forms import Field, Form
from medlink.ui.widgets import ChoiceButtons, ModalDialog, day_and_date, ensure_choice_styles, short_date

if TYPE_CHECKING:
    from medlink.ui.app import MedLinkApp

MODES = (("offline", "In person"), ("online", "Online video call"))
MODE_WORDS = {"offline": "In person", "online": "Online (video call)"}
NO_TIME_CHOSEN = "Choose one of the open times."
NO_OPEN_TIMES = "No open times on this day. Try the next day."
SLOT_TAKEN_NOTE = "The open times were refreshed."
SLOT_COLUMNS = 8


def mode_text(mode: str) -> str:
    return MODE_WORDS.get(mode, mode)


def when_text(appointment: Appointment) -> str:
    """``Tue 1 Dec 2026 at 09:00``."""
    return f"{short_date(appointment.appointment_date)} at {appointment.time_text}"


def calendar_colours() -> dict[str, Any]:
    """The drop-down calendar in MedLink's palette."""
    p = theme.PALETTE
    return dict(
        background=p.header, foreground=p.header_text, bordercolor=p.border, headersbackground=p.heading,
        headersforeground=p.text, normalbackground=p.panel, normalforeground=p.text, weekendbackground=p.panel,
        weekendforeground=p.text, othermonthbackground=p.stripe, othermonthwebackground=p.stripe,
        othermonthforeground=p.muted, othermonthweforeground=p.muted, selectbackground=p.accent,
        selectforeground=p.header_text, disableddaybackground=p.stripe, disableddayforeground=p.disabled,
        font=theme.BODY, cursor="hand2",
    )


def add_field(form: Form, field: Field) -> Field:
    """Register a field of this module with ``form`` (Escape cancels, errors land under it)."""
    return form._add(field)


class DateField(Field):
    """A day, today or later: the date entry with its calendar and Previous/Next day buttons.
    ``on_change(day)`` runs whenever the day changes."""

    def __init__(self, form: Form, parent: tk.Misc, name: str, label: str, today: dt.date,
                 on_change: Callable[[dt.date], object]) -> None:
        self._today = today
        self._on_change = on_change
        super().__init__(form, parent, name, label)
        self._shown = self.entry.get_date()
        self._update_buttons()

    def _make_input(self) -> tk.Widget:
        ensure_choice_styles(self.frame)
        row = ttk.Frame(self.frame)
        self.entry = DateEntry(row, mindate=self._today, date_pattern="dd/mm/yyyy", locale="en_IN",
                               firstweekday="monday", showweeknumbers=False, width=11, **calendar_colours())
        self.entry.set_date(self._today)
        self.entry.pack(side="left")
        self.previous_button = ttk.Button(row, text="\u2039 Day before", style="Choice.TButton",
                                          command=lambda: self.step(-1))
        self.previous_button.pack(side="left", padx=(8, 0))
        self.next_button = ttk.Button(row, text="Day after \u203a", style="Choice.TButton",
                                      command=lambda: self.step(1))
        self.next_button.pack(side="left", padx=(6, 0))
        self.entry.bind("<<DateEntrySelected>>", self._changed, add="+")
        self.entry.bind("<FocusOut>", self._changed, add="+")
        self.entry.bind("<Return>", self._changed, add="+")
        self.entry.bind("<KP_Enter>", self._changed, add="+")
        return row

    def get(self) -> dt.date:
        return self.entry.get_date()

    def set(self, value: Any) -> None:
        self.entry.set_date(value)
        self._changed()

    def set_today(self, today: dt.date) -> None:
        """The first day offered (the app may stay open past midnight)."""
        self._today = today
        self.entry.configure(mindate=today)
        if self.get() < today:
            self.set(today)
        self._update_buttons()

    def step(self, days: int) -> None:
        self.set(max(self._today, self.get() + dt.timedelta(days=days)))

    def focus(self) -> None:
        self.entry.focus_set()

    def _mark(self, invalid: bool) -> None:
        self.entry.state(["invalid" if invalid else "!invalid"])

    def _changed(self, _event: tk.Event | None = None) -> None:
        day = self.get()  # a typed date is checked (and put right) here, not only on focus-out
        self._update_buttons()
        if day != self._shown:
            self._shown = day
            self._on_change(day)

    def _update_buttons(self) -> None:
        self.previous_button.state(["disabled" if self.get() <= self._today else "!disabled"])


def slots_label(day: dt.date) -> str:
    """``Open times on Friday, 27 November``."""
    return f"Open times on {day:%A}, {day.day} {day:%B}"


class SlotField(Field):
    """The open times of a day as buttons; the chosen one is the value ("" when none is)."""

    def _make_input(self) -> tk.Widget:
        self.choices = ChoiceButtons(self.frame, columns=SLOT_COLUMNS, empty_text=NO_OPEN_TIMES,
                                     style="Slot.Choice.TButton")
        return self.choices

    def get(self) -> str:
        return self.choices.get() or ""

    def set(self, value: Any) -> None:
        self.choices.set(value or None)

    def set_slots(self, times: list[str], day: dt.date | None = None) -> None:
        """Offer ``times`` (of ``day``, named in the label); a chosen time still offered stays chosen."""
        self.choices.set_options([(t, t) for t in times], chosen=self.get())
        if day is not None:
            self.label.configure(text=slots_label(day))

    def choose(self, time: str) -> None:
        """Press the button of ``time`` (as a click would)."""
        self.choices.buttons[time].invoke()

    def focus(self) -> None:
        first = next(iter(self.choices.buttons.values()), None)
        (first or self.choices).focus_set()

    def _mark(self, invalid: bool) -> None:
        pass


class ModeField(Field):
    """In person or online, as two buttons."""

    def _make_input(self) -> tk.Widget:
        self.choices = ChoiceButtons(self.frame)
        self.choices.set_options(MODES, chosen="offline")
        return self.choices

    def get(self) -> str:
        return self.choices.get() or ""

    def set(self, value: Any) -> None:
        self.choices.set(value or None)

    def focus(self) -> None:
        self.choices.buttons["offline"].focus_set()

    def _mark(self, invalid: bool) -> None:
        pass


class RescheduleDialog(ModalDialog):
    """Move a booked appointment to another open time of the same doctor. ``on_moved`` gets the
    moved appointment; the dialog closes itself."""

    def __init__(self, app: MedLinkApp, appointment: Appointment,
                 on_moved: Callable[[Appointment], object]) -> None:
        super().__init__(app, "Move appointment", "Move appointment", self._on_move, cancel_text="Keep it")
        self.appointment = appointment
        self._on_moved = on_moved
        self._request = 0
        body = self.body
        ttk.Label(body, text=f"{appointment.doctor_name}, {appointment.hospital}", style="FieldLabel.TLabel").grid(
            row=0, column=0, sticky="w")
        ttk.Label(body, text=f"Now: {day_and_date(appointment.appointment_date)} at {appointment.time_text}",
                  style="Muted.TLabel").grid(row=1, column=0, sticky="w", pady=(2, 14))
        self.form = Form(self.submit, self.close, busy=lambda: self.is_busy)
        self.form.message = self.message
        today = app.ml.clock.today()
        self.date = add_field(self.form, DateField(self.form, body, "date", "New day", today, self._day_changed))
        self.date.frame.grid(row=2, column=0, sticky="ew")
        self.slots = add_field(self.form, SlotField(self.form, body, "time", "Open times"))
        self.slots.frame.grid(row=3, column=0, sticky="ew")
        start = max(today, appointment.appointment_date)
        if start != self.date.get():
            self.date.set(start)
        else:
            self._load_slots()

    def _day_changed(self, _day: dt.date) -> None:
        self.form.clear_errors()
        self._load_slots()

    def _load_slots(self) -> None:
        self._request += 1
        request, day = self._request, self.date.get()
        self.run_task(self.app.ml.appointments.open_slots, self.appointment.doctor_id, day,
                      on_done=lambda times: self._show_slots(times, day, request), on_error=self.form.show_failure)

    def _show_slots(self, times: list[str], day: dt.date, request: int) -> None:
        if request == self._request and self.winfo_exists():
            self.slots.set_slots(times, day)

    def _on_move(self) -> None:
        self.form.clear_errors()
        time = self.slots.get()
        if not time:
            self.form.show_errors({"time": NO_TIME_CHOSEN})
            return
        self.run_task(self.app.ml.appointments.reschedule, self.app.session, self.appointment.appointment_id,
                      date=self.date.get(), time=time, on_done=self._moved, on_error=self._refused)

    def _moved(self, appointment: Appointment) -> None:
        self.close()
        self._on_moved(appointment)

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.form.show_failure(error)
        if isinstance(error, ConflictError):
            self._load_slots()

