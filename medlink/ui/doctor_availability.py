"""``doctor_availability``: the doctor's weekly hours and days off (issue 4).

Each weekday holds up to four working ranges ("HH:MM" to "HH:MM"), added and removed with buttons;
the slot length applies to all. Save replaces the whole timetable through
``ml.doctors.set_availability``; each day's ranges are checked first with the service's own rules,
so a mistake shows under its day. Days off are listed below and added with a date picker that offers
no past day.
"""

from __future__ import annotations

import datetime as dt
import tkinter as tk
from collections.abc import Sequence
from tkinter import ttk
from typing import Any

from tkcalendar import DateEntry

from medlink.errors import MedLinkError, ValidationError
from medlink.models import WeeklyHours
from medlink.services.doctors import clean_ranges
from medlink.services.validation import whole_number
from medlink.ui import theme
from medlink.ui.screen import Screen, descendants, register_screen
from medlink.ui.widgets import (
    Column,
    DataTable,
    Row,
    autowrap,
    day_and_date,
    scrolling_page,
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_RANGES_PER_DAY = 4
SLOT_CHOICES = (5, 10, 15, 20, 30, 45, 60)
FIRST_RANGE = ("09:00", "13:00")
LEAVE_NOTE = ("No slots are offered on a day off. Appointments already booked that day stay until you "
              "cancel them in the schedule.")


def next_range(ranges: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """A sensible range to add after ``ranges``: 09:00-13:00 on an empty day, else from an hour after
    the last end for three hours (empty when the day is full)."""
    if not ranges:
        return FIRST_RANGE
    try:
        last = dt.datetime.strptime(ranges[-1][1], "%H:%M")
    except ValueError:
        return "", ""
    start = last + dt.timedelta(hours=1)
    end = start + dt.timedelta(hours=3)
    if start.day != last.day or end.day != last.day:
        return "", ""
    return f"{start:%H:%M}", f"{end:%H:%M}"


def day_errors(ranges: Sequence[tuple[int, str, str]], slot: int) -> dict[int, str]:
    """The service's complaint about each weekday's ranges, by weekday (pure: no Tk, no database)."""
    found: dict[int, str] = {}
    for weekday in range(7):
        own = [r for r in ranges if r[0] == weekday]
        try:
            clean_ranges(own, slot)
        except ValidationError as exc:
            found[weekday] = exc.message
    return found


class TimeRange:
    """One "HH:MM – HH:MM" pair with its remove button."""

    def __init__(self, day: DayRow, start: str, end: str) -> None:
        self.day = day
        self.frame = ttk.Frame(day.ranges_frame)
        self.start = ttk.Entry(self.frame, width=6, justify="center")
        self.start.insert(0, start)
        self.start.pack(side="left")
        ttk.Label(self.frame, text="\u2013").pack(side="left", padx=4)
        self.end = ttk.Entry(self.frame, width=6, justify="center")
        self.end.insert(0, end)
        self.end.pack(side="left")
        self.remove_button = ttk.Button(self.frame, text="\u2715", width=2, style="Link.TButton",
                                        command=lambda: day.remove(self))
        self.remove_button.pack(side="left", padx=(6, 14))

    def values(self) -> tuple[str, str]:
        return self.start.get().strip(), self.end.get().strip()

    def mark(self, invalid: bool) -> None:
        for entry in (self.start, self.end):
            entry.state(["invalid" if invalid else "!invalid"])


class DayRow:
    """A weekday: its name, its ranges, "Add hours", and the line for its error."""

    def __init__(self, screen: DoctorAvailabilityScreen, parent: ttk.Frame, weekday: int, row: int) -> None:
        self.screen = screen
        self.weekday = weekday
        ttk.Label(parent, text=WEEKDAYS[weekday], style="FieldLabel.TLabel").grid(row=row, column=0, sticky="w")
        self.ranges_frame = ttk.Frame(parent, height=34)
        self.ranges_frame.grid(row=row, column=1, sticky="w", pady=3)
        self.off = ttk.Label(self.ranges_frame, text="Not working", style="Muted.TLabel")
        self.add_button = ttk.Button(parent, text="+ Add hours", style="Link.TButton", command=self.add)
        self.add_button.grid(row=row, column=2, sticky="e")
        self.error = autowrap(ttk.Label(parent, text="", style="Error.TLabel", justify="left", wraplength=500))
        self.error.grid(row=row + 1, column=1, columnspan=2, sticky="ew", pady=(0, 4))
        self.error.grid_remove()  # shown only with a message
        self.ranges: list[TimeRange] = []

    def set(self, ranges: Sequence[tuple[str, str]]) -> None:
        for item in self.ranges:
            item.frame.destroy()
        self.ranges = []
        for start, end in ranges:
            self._append(start, end)
        self._layout()

    def add(self) -> None:
        if len(self.ranges) < MAX_RANGES_PER_DAY:
            item = self._append(*next_range([r.values() for r in self.ranges]))
            self._layout()
            item.start.focus_set()
            self.screen.on_edited()

    def remove(self, item: TimeRange) -> None:
        self.ranges.remove(item)
        item.frame.destroy()
        self._layout()
        self.set_error("")
        self.screen.on_edited()

    def _append(self, start: str, end: str) -> TimeRange:
        item = TimeRange(self, start, end)
        self.ranges.append(item)
        self.screen.bind_keys(item.frame)
        return item

    def _layout(self) -> None:
        self.off.pack_forget()
        for item in self.ranges:
            item.frame.pack_forget()
            item.frame.pack(side="left")
        if not self.ranges:
            self.off.pack(side="left", pady=6)
        self.add_button.state(["!disabled" if len(self.ranges) < MAX_RANGES_PER_DAY else "disabled"])

    def values(self) -> list[tuple[int, str, str]]:
        return [(self.weekday, *item.values()) for item in self.ranges]

    def set_error(self, message: str) -> None:
        self.error.configure(text=message)
        if message:
            self.error.grid()
        else:
            self.error.grid_remove()
        for item in self.ranges:
            item.mark(bool(message))


@register_screen("doctor_availability")
class DoctorAvailabilityScreen(Screen):
    title = "Availability"
    roles = ("doctor",)
    padding = 0

    def _build(self) -> None:
        self.scroll, page = scrolling_page(self, padding=(28, 22, 24, 20))
        page.columnconfigure(0, weight=1)
        ttk.Label(page, text="Availability", style="Title.TLabel").grid(row=0, column=0, sticky="w")
        autowrap(ttk.Label(page, text="When patients can book you: your weekly hours in 24-hour HH:MM, the "
                           "length of a slot, and your days off.", style="Muted.TLabel", wraplength=700,
                           justify="left")).grid(row=1, column=0, sticky="ew", pady=(4, 16))
        self._build_hours(page)
        self._build_leave(page)
        self.hours: WeeklyHours | None = None

    def _build_hours(self, page: ttk.Frame) -> None:
        card = ttk.Frame(page, style="Card.TFrame", padding=(22, 16, 22, 18))
        card.grid(row=2, column=0, sticky="ew")
        card.columnconfigure(1, weight=1)
        ttk.Label(card, text="Weekly hours", style="Heading.TLabel").grid(row=0, column=0, columnspan=3, sticky="w",
                                                                         pady=(0, 4))
        card.columnconfigure(0, minsize=120)
        self.days = [DayRow(self, card, weekday, 1 + 2 * weekday) for weekday in range(7)]
        footer = ttk.Frame(card)
        footer.grid(row=16, column=0, columnspan=3, sticky="ew", pady=(14, 0))
        footer.columnconfigure(1, weight=1)
        slot = ttk.Frame(footer)
        slot.grid(row=0, column=0, rowspan=2, sticky="w")
        ttk.Label(slot, text="Slot length (minutes)", style="FieldLabel.TLabel").pack(anchor="w", pady=(0, 4))
        self.slot_box = ttk.Spinbox(slot, values=SLOT_CHOICES, width=6)
        self.slot_box.pack(anchor="w")
        self.slot_error = ttk.Label(slot, text="", style="Error.TLabel")
        self.slot_error.pack(anchor="w")
        self.saved = autowrap(ttk.Label(footer, text="", style="Success.TLabel", justify="left", wraplength=300))
        self.saved.grid(row=0, column=1, sticky="ew", padx=(20, 12))
        self.message = autowrap(ttk.Label(footer, text="", style="Error.TLabel", justify="left", wraplength=300))
        self.message.grid(row=1, column=1, sticky="ew", padx=(20, 12))
        buttons = ttk.Frame(footer)
        buttons.grid(row=0, column=2, rowspan=2, sticky="se")
        self.save_button = ttk.Button(buttons, text="Save hours", style="Primary.TButton", command=self._on_save)
        self.save_button.pack(side="right")
        self.undo_button = ttk.Button(buttons, text="Undo changes", command=self._on_undo)
        self.undo_button.pack(side="right", padx=(0, 10))
        self.bind_keys(card)

    def _build_leave(self, page: ttk.Frame) -> None:
        card = ttk.Frame(page, style="Card.TFrame", padding=(22, 16, 22, 18))
        card.grid(row=3, column=0, sticky="ew", pady=(18, 0))
        card.columnconfigure(0, weight=1)
        card.columnconfigure(1, weight=1)
        ttk.Label(card, text="Days off", style="Heading.TLabel").grid(row=0, column=0, columnspan=2, sticky="w")
        autowrap(ttk.Label(card, text=LEAVE_NOTE, style="Muted.TLabel", justify="left", wraplength=600)).grid(
            row=1, column=0, columnspan=2, sticky="ew", pady=(4, 12))
        add = ttk.Frame(card)
        add.grid(row=2, column=0, sticky="nw", padx=(0, 24))
        ttk.Label(add, text="Day off", style="FieldLabel.TLabel").grid(row=0, column=0, sticky="w", pady=(0, 4))
        today = self.ml.clock.today()
        self.leave_date = DateEntry(add, width=14, date_pattern="yyyy-mm-dd", mindate=today, firstweekday="monday",
                                    showweeknumbers=False, locale="en_IN", selectbackground=theme.PALETTE.accent,
                                    headersbackground=theme.PALETTE.heading)
        self.leave_date.set_date(today)
        self.leave_date.grid(row=1, column=0, sticky="w")
        self.add_leave_button = ttk.Button(add, text="Add day off", command=self._on_add_leave)
        self.add_leave_button.grid(row=1, column=1, sticky="w", padx=(10, 0))
        self.leave_error = autowrap(ttk.Label(add, text="", style="Error.TLabel", justify="left", wraplength=260))
        self.leave_error.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(2, 0))
        listed = ttk.Frame(card)
        listed.grid(row=2, column=1, sticky="nsew")
        listed.columnconfigure(0, weight=1)
        self.leave_table = DataTable(listed, (Column("date", "Date", 120), Column("day", "Day", 100)), height=4,
                                     empty_text="No days off ahead.")
        self.leave_table.grid(row=0, column=0, sticky="ew")
        self.leave_table.on_select(lambda _iid: self._sync_buttons())
        self.remove_leave_button = ttk.Button(listed, text="Remove selected", command=self._on_remove_leave)
        self.remove_leave_button.grid(row=1, column=0, sticky="e", pady=(8, 0))
        self.leave_date.bind("<Return>", lambda _e: self._on_add_leave(), add="+")

    def bind_keys(self, root: tk.Misc) -> None:
        """Enter saves and Escape undoes, from any time field below ``root`` (buttons keep their own Enter)."""
        for widget in descendants(root):
            if isinstance(widget, ttk.Entry) and not isinstance(widget, DateEntry):
                for sequence, action in (("<Return>", self._on_save), ("<KP_Enter>", self._on_save),
                                         ("<Escape>", self._on_undo)):
                    widget.bind(sequence, lambda _e, action=action: (action(), "break")[1], add="+")
        self.scroll.enable_wheel()

    # --- loading ----------------------------------------------------------------------------------

    def refresh(self, **context: Any) -> None:
        self.saved.configure(text="")
        self.message.configure(text="")
        self.leave_error.configure(text="")
        self.leave_date.configure(mindate=self.ml.clock.today())
        self.run_task(self.ml.doctors.availability, self.app.session.user_id, on_done=self._show_loaded_hours)
        self._load_leave()

    def focus_first(self) -> None:
        first = next((day.ranges[0].start for day in self.days if day.ranges), None)
        (first or self.slot_box).focus_set()

    def _load_leave(self) -> None:
        self.run_task(self.ml.doctors.leave_days, self.app.session, on_done=self._show_leave)

    def _show_loaded_hours(self, hours: WeeklyHours) -> None:
        self._show_hours(hours)
        self.focus_first()  # the first time field, now that there is one

    def _show_hours(self, hours: WeeklyHours) -> None:
        self.hours = hours
        for day in self.days:
            day.set([(start, end) for weekday, start, end in hours.ranges if weekday == day.weekday])
            day.set_error("")
        self.slot_box.set(str(hours.slot_minutes))
        self.slot_error.configure(text="")
        self.slot_box.state(["!invalid"])

    def _show_leave(self, days: list[dt.date]) -> None:
        self.leave_table.set_rows(Row(d.isoformat(), (f"{d.day} {d:%b %Y}", f"{d:%A}"), {"date": d, "day": d})
                                  for d in days)
        self._sync_buttons()

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not self.is_busy:
            self._sync_buttons()

    def _sync_buttons(self) -> None:
        if not self.is_busy:
            self.remove_leave_button.state(["!disabled" if self.leave_table.selected_id() else "disabled"])
            for day in self.days:
                day.add_button.state(["!disabled" if len(day.ranges) < MAX_RANGES_PER_DAY else "disabled"])

    def on_edited(self) -> None:
        self.saved.configure(text="")

    # --- weekly hours -----------------------------------------------------------------------------

    def ranges(self) -> list[tuple[int, str, str]]:
        return [r for day in self.days for r in day.values()]

    def _on_save(self) -> None:
        if self.is_busy:
            return
        self.saved.configure(text="")
        self.message.configure(text="")
        ranges = self.ranges()
        try:
            slot = whole_number(self.slot_box.get().strip(), "slot_minutes", "Slot length (minutes)", 5, 240)
        except ValidationError as exc:
            self._show_slot_error(exc.message)
            return
        self._show_slot_error("")
        found = day_errors(ranges, slot)
        for day in self.days:
            day.set_error(found.get(day.weekday, ""))
        if found:
            self.message.configure(text="Correct the hours marked in red, then save again.")
            return
        self.run_task(self.ml.doctors.set_availability, self.app.session, ranges, slot_minutes=slot,
                      on_done=self._on_saved, on_error=self._on_refused)

    def _show_slot_error(self, message: str) -> None:
        self.slot_error.configure(text=message)
        self.slot_box.state(["invalid" if message else "!invalid"])
        if message:
            self.slot_box.focus_set()

    def _on_saved(self, hours: WeeklyHours) -> None:
        self._show_hours(hours)
        days = len({weekday for weekday, _, _ in hours.ranges})
        self.saved.configure(text=f"Saved: {len(hours.ranges)} ranges on {days} days, {hours.slot_minutes}-minute "
                                  "slots.")

    def _on_refused(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        if getattr(error, "field", None) == "slot_minutes":
            self._show_slot_error(error.message)
        else:
            self.message.configure(text=error.message)

    def _on_undo(self) -> None:
        if self.hours is not None and not self.is_busy:
            self._show_hours(self.hours)
            self.message.configure(text="")
            self.saved.configure(text="Changes undone.")

    # --- days off ---------------------------------------------------------------------------------

    def _on_add_leave(self) -> None:
        if self.is_busy:
            return
        self.leave_error.configure(text="")
        try:
            day = self.leave_date.get_date()
        except ValueError:
            self.leave_error.configure(text="Choose a day from the calendar.")
            return
        self.run_task(self.ml.doctors.add_leave, self.app.session, day.isoformat(),
                      on_done=lambda _r, day=day: self._on_leave_added(day), on_error=self._leave_refused)

    def _on_leave_added(self, day: dt.date) -> None:
        self.saved.configure(text="")
        self.leave_error.configure(text=f"{day_and_date(day)} is now a day off.", style="Success.TLabel")
        self._load_leave()

    def _leave_refused(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.leave_error.configure(text=error.message, style="Error.TLabel")

    def _on_remove_leave(self) -> None:
        iid = self.leave_table.selected_id()
        if iid is None or self.is_busy:
            return
        self.leave_error.configure(text="")
        self.run_task(self.ml.doctors.remove_leave, self.app.session, iid, on_done=lambda _r: self._load_leave(),
                      on_error=self._leave_refused)
