"""``my_appointments``: the patient's appointments, upcoming or past, 20 to a page.

Each row: doctor, hospital, date, day, time, mode, status in words, and whether the booking
confirmation e-mail went out. The selected appointment's details show below the table with its
reason and, for an online appointment, the video link with "Copy link" (pyperclip, on a worker) and
"Open" (the browser, through ``app.open_link``), or a word that the doctor has not created it yet.
An appointment still ahead can be moved ("Reschedule…", a dialog with the day's open times) or
cancelled (asked first).

``app.show("my_appointments", appointment_id=7, notice="...")`` shows the upcoming list with
appointment 7 selected and the notice above it (the booking's confirmation).
"""

from __future__ import annotations

from tkinter import ttk
from typing import Any

import pyperclip

from medlink.errors import MedLinkError
from medlink.models import Appointment, VideoLink
from medlink.ui.booking import RescheduleDialog, mode_text, when_text
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import (
    Banner,
    ChoiceButtons,
    Column,
    DataTable,
    Details,
    Pager,
    Row,
    autowrap,
    day_and_date,
    ensure_styles,
    long_date,
)

PAGE_SIZE = 20
STATUS_WORDS = {
    "booked": "Booked", "completed": "Completed", "cancelled_by_patient": "Cancelled by you",
    "cancelled_by_doctor": "Cancelled by doctor", "no_show": "Missed (no-show)",
}
EMAIL_WORDS = {"sent": "Sent", "pending": "Waiting to send", "sending": "Sending", "failed": "Failed"}
NO_LINK_YET = "The doctor has not created the link yet. It will appear here, and you will get an e-mail."
EMPTY = {"upcoming": "No upcoming appointments.\nUse \u201cFind a doctor\u201d to book one.",
         "past": "No past appointments yet."}
NOTHING_CHOSEN = "Choose an appointment above to see its details."
COLUMNS = (
    Column("doctor", "Doctor", 130),
    Column("hospital", "Hospital", 110),
    Column("date", "Date", 102, stretch=False),
    Column("day", "Day", 95, stretch=False),
    Column("time", "Time", 60, stretch=False),
    Column("mode", "Mode", 82, stretch=False),
    Column("status", "Status", 110),
    Column("email", "E-mail", 122),
)


def status_text(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " ").capitalize())


def email_text(confirmation: str | None) -> str:
    return EMAIL_WORDS.get(confirmation or "", "\u2014")


def appointment_row(a: Appointment) -> Row:
    day = a.appointment_date
    return Row(str(a.appointment_id),
               (a.doctor_name, a.hospital, f"{day.day} {day:%b %Y}", a.appointment_day, a.time_text,
                "Online" if a.mode == "online" else "In person", status_text(a.status), email_text(a.confirmation)),
               {"date": a.starts_at, "day": a.starts_at, "time": a.starts_at})


def appointment_details(a: Appointment) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The two columns of the details panel."""
    left = [("Doctor", f"{a.doctor_name}, {a.specialty}" if a.specialty else a.doctor_name),
            ("Hospital", a.hospital), ("When", f"{day_and_date(a.appointment_date)} at {a.time_text}"),
            ("Mode", mode_text(a.mode))]
    right = [("Status", status_text(a.status)), ("Confirmation", email_text(a.confirmation)),
             ("Reason", a.reason.strip() or "None given"), ("Booked on", long_date(a.created_at))]
    return left, right


@register_screen("my_appointments")
class MyAppointmentsScreen(Screen):
    title = "My appointments"
    roles = ("patient",)
    padding = (32, 24, 28, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(3, weight=1)
        top = ttk.Frame(self)
        top.grid(row=0, column=0, sticky="ew")
        ttk.Label(top, text="My appointments", style="Title.TLabel").pack(side="left")
        self.view = ChoiceButtons(top, on_change=lambda _v: self._load(0))
        self.view.set_options((("upcoming", "Upcoming"), ("past", "Past")), chosen="upcoming")
        self.view.pack(side="right", anchor="s")
        self.banner = Banner(self)
        self.table = DataTable(self, COLUMNS, height=6, empty_text=EMPTY["upcoming"])
        self.table.grid(row=3, column=0, sticky="nsew", pady=(14, 0))
        self.table.on_select(self._on_select)
        self.pager = Pager(self, self._load, PAGE_SIZE)
        self.pager.grid(row=4, column=0, sticky="ew", pady=(8, 0))
        self._build_details()
        self.appointments: dict[str, Appointment] = {}
        self.link: VideoLink | None = None
        self.reschedule_dialog: RescheduleDialog | None = None
        self._request = 0
        self._link_request = 0
        self._select_after_load: str | None = None

    def _build_details(self) -> None:
        card = self.details_card = ttk.Frame(self, style="Card.TFrame", padding=(22, 16, 22, 14))
        card.grid(row=5, column=0, sticky="ew", pady=(12, 0))
        card.columnconfigure(0, weight=1, uniform="details")
        card.columnconfigure(1, weight=1, uniform="details")
        self.details_heading = ttk.Label(card, text="", style="Heading.TLabel")
        self.details_heading.grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 8))
        self.details_left = Details(card, label_width=12, wrap=260)
        self.details_left.grid(row=1, column=0, sticky="new", padx=(0, 16))
        self.details_right = Details(card, label_width=12, wrap=260)
        self.details_right.grid(row=1, column=1, sticky="new")
        bottom = ttk.Frame(card)
        bottom.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(10, 0))
        bottom.columnconfigure(1, weight=1)
        self.link_title = ttk.Label(bottom, text="Video call", style="FieldLabel.TLabel")
        self.link_title.grid(row=0, column=0, sticky="w", padx=(0, 10))
        self.link_text = autowrap(ttk.Label(bottom, text="", justify="left", wraplength=300))
        self.link_text.grid(row=0, column=1, sticky="ew")
        links = ttk.Frame(bottom)
        links.grid(row=0, column=2, sticky="e")
        self.copy_button = ttk.Button(links, text="Copy link", command=self._on_copy)
        self.open_button = ttk.Button(links, text="Open", command=self._on_open)
        self.copied = ttk.Label(bottom, text="", style="Success.TLabel")
        self.copied.grid(row=1, column=1, sticky="w")
        self.actions = ttk.Frame(card)
        self.actions.grid(row=3, column=0, columnspan=2, sticky="e", pady=(10, 0))
        self.cancel_button = ttk.Button(self.actions, text="Cancel appointment", command=self._on_cancel)
        self.cancel_button.pack(side="right")
        self.reschedule_button = ttk.Button(self.actions, text="Reschedule\u2026", command=self._on_reschedule)
        self.reschedule_button.pack(side="right", padx=(0, 10))
        self.nothing = ttk.Label(card, text=NOTHING_CHOSEN, style="Muted.TLabel")

    # --- the list -----------------------------------------------------------------------------------

    def refresh(self, appointment_id: int | None = None, notice: str = "", **context: Any) -> None:
        if notice:
            self.banner.show("ok", "Appointment booked" if appointment_id else "Done", notice)
            self.banner.grid(row=1, column=0, sticky="ew", pady=(14, 0))
        else:
            self.banner.grid_remove()
        if appointment_id is not None:
            self.view.set("upcoming")
            self._select_after_load = str(appointment_id)
            self._load(0)
        else:
            self._load(self.pager.offset)

    def focus_first(self) -> None:
        self.table.tree.focus_set()

    @property
    def upcoming(self) -> bool:
        return self.view.get() != "past"

    def _load(self, offset: int) -> None:
        self._request += 1
        request = self._request
        self.run_task(self.ml.appointments.mine, self.app.session, upcoming=self.upcoming, limit=PAGE_SIZE + 1,
                      offset=offset, on_done=lambda rows: self._show_list(rows, offset, request))

    def _show_list(self, rows: list[Appointment], offset: int, request: int) -> None:
        if request != self._request:
            return
        shown = rows[:PAGE_SIZE]
        self.appointments = {str(a.appointment_id): a for a in shown}
        self.table.empty.configure(text=EMPTY["upcoming" if self.upcoming else "past"])
        self.table.set_rows([appointment_row(a) for a in shown])
        self.pager.show(offset, len(shown), more=len(rows) > PAGE_SIZE)
        wanted, self._select_after_load = self._select_after_load, None
        if wanted and wanted in self.appointments:
            self.table.select(wanted)
        elif self.table.selected_id() is None and shown:
            self.table.select(str(shown[0].appointment_id))
        self._on_select(self.table.selected_id())

    # --- the details --------------------------------------------------------------------------------

    def selected(self) -> Appointment | None:
        return self.appointments.get(self.table.selected_id() or "")

    def _on_select(self, _iid: str | None) -> None:
        appointment = self.selected()
        self.copied.configure(text="")
        if appointment is None:
            self._show_nothing()
            return
        self.nothing.grid_remove()
        self.details_heading.configure(text=f"{appointment.doctor_name} \u2014 {when_text(appointment)}")
        left, right = appointment_details(appointment)
        self.details_left.set(left)
        self.details_right.set(right)
        self._show_link(appointment, None)
        if appointment.mode == "online":
            self._link_request += 1
            request = self._link_request
            self.run_task(self.ml.video.link_for, self.app.session, appointment.appointment_id,
                          on_done=lambda link: self._link_loaded(appointment, link, request),
                          on_error=self._link_failed)
        self._update_actions()

    def _show_nothing(self) -> None:
        self.details_heading.configure(text="Details")
        self.details_left.set([])
        self.details_right.set([])
        self.link_title.configure(text="")
        self.link_text.configure(text="")
        self.copy_button.pack_forget()
        self.open_button.pack_forget()
        self.nothing.grid(row=1, column=0, columnspan=2, sticky="w")
        self._update_actions()

    def _link_loaded(self, appointment: Appointment, link: VideoLink | None, request: int) -> None:
        if request == self._link_request and self.selected() == appointment:
            self._show_link(appointment, link, loaded=True)

    def _link_failed(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.link_text.configure(text=error.message, style="Error.TLabel")

    def _show_link(self, appointment: Appointment, link: VideoLink | None, loaded: bool = False) -> None:
        self.link = link
        self.copy_button.pack_forget()
        self.open_button.pack_forget()
        if appointment.mode != "online":
            self.link_title.configure(text="Where")
            self.link_text.configure(text=f"In person at {appointment.hospital}.", style="TLabel")
        elif link is not None:
            self.link_title.configure(text="Video call")
            self.link_text.configure(text=link.meeting_link, style="TLabel")
            self.open_button.pack(side="right")
            self.copy_button.pack(side="right", padx=(0, 8))
        else:
            self.link_title.configure(text="Video call")
            self.link_text.configure(text=NO_LINK_YET if loaded else "Looking for the link\u2026",
                                     style="Muted.TLabel")

    # --- actions ------------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not busy:
            self._update_actions()

    def _update_actions(self) -> None:
        if self.is_busy:
            return  # the end of the task calls this again
        self.pager.update_buttons()
        appointment = self.selected()
        changeable = (appointment is not None and appointment.status == "booked"
                      and appointment.starts_at > self.ml.clock.local_now())
        if changeable:
            self.actions.grid()
        else:
            self.actions.grid_remove()

    def _on_copy(self) -> None:
        if self.link is None:
            return
        self.run_task(pyperclip.copy, self.link.meeting_link, on_done=self._copied, on_error=self._copy_here)

    def _copied(self, _result: object = None) -> None:
        self.copied.configure(text="Link copied. Paste it in your browser at the time of the appointment.")

    def _copy_here(self, _error: BaseException) -> None:
        # No system clipboard tool (xclip, xsel, wl-copy): Tk's clipboard serves while MedLink runs.
        if self.link is not None:
            self.clipboard_clear()
            self.clipboard_append(self.link.meeting_link)
            self._copied()

    def _on_open(self) -> None:
        if self.link is not None:
            self.app.open_link(self.link.meeting_link)

    def _on_cancel(self) -> None:
        appointment = self.selected()
        if appointment is None or self.is_busy:
            return
        if not self.app.ask_yes_no("Cancel appointment?",
                                   f"Cancel your appointment with {appointment.doctor_name} on "
                                   f"{when_text(appointment)}? The time will be offered to other patients."):
            return
        self.run_task(self.ml.appointments.cancel, self.app.session, appointment.appointment_id,
                      on_done=self._cancelled)

    def _cancelled(self, appointment: Appointment) -> None:
        self._announce("Appointment cancelled", f"Your appointment with {appointment.doctor_name} on "
                       f"{when_text(appointment)} is cancelled.")
        self._load(self.pager.offset)

    def _on_reschedule(self) -> None:
        appointment = self.selected()
        if appointment is None or self.is_busy:
            return
        self.reschedule_dialog = RescheduleDialog(self.app, appointment, on_moved=self._moved)
        self.reschedule_dialog.open()

    def _moved(self, appointment: Appointment) -> None:
        self.reschedule_dialog = None
        self._announce("Appointment moved", f"Your appointment with {appointment.doctor_name} is now on "
                       f"{day_and_date(appointment.appointment_date)} at {appointment.time_text}. "
                       "A new confirmation e-mail is on its way.")
        self._select_after_load = str(appointment.appointment_id)
        self._load(0)

    def _announce(self, title: str, message: str) -> None:
        self.banner.show("ok", title, message)
        self.banner.grid(row=1, column=0, sticky="ew", pady=(14, 0))
