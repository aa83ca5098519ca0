"""``doctor_schedule``: the doctor's appointments (issues 4, 5 and 6).

Views Today, Upcoming (from tomorrow) and Past (up to yesterday, over a chosen period), a status
filter, and a page of 50 at a time: the service is always asked for one page, never for everything,
so a doctor with years of appointments opens the schedule as fast as a new one. Below the table, the
selected appointment's details and what the doctor can do with it: mark it completed or a no-show
(after it started: the service says so otherwise), cancel it (after a question), generate its
receipt, and for an online appointment create the video link, copy it or open it.
"""

from __future__ import annotations

import datetime as dt
from tkinter import ttk
from typing import Any

import pyperclip

from medlink.errors import MedLinkError
from medlink.models import Appointment, Bill, VideoLink
from medlink.ui.receipt_dialog import ReceiptDialog
from medlink.ui.screen import Screen, register_screen
from medlink.ui.tasks import run_in_background
from medlink.ui.video_link_dialog import create_video_link
from medlink.ui.widgets import (
    ChoiceButtons,
    Column,
    DataTable,
    Details,
    Pager,
    Row,
    autowrap,
    clock_time,
    day_and_date,
    scrolling_page,
)

PAGE_SIZE = 50
VIEWS = (("today", "Today"), ("upcoming", "Upcoming"), ("past", "Past"))
STATUS_FILTERS = (
    ("all", "All statuses"), ("booked", "Booked"), ("completed", "Completed"),
    ("cancelled_by_patient", "Cancelled by patient"), ("cancelled_by_doctor", "Cancelled by doctor"),
    ("no_show", "No-show"),
)
STATUS_WORDS = dict(STATUS_FILTERS[1:])
PAST_PERIODS = (("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 12 months"), ("all", "All time"))
MAIL_WORDS = {"sent": "Sent", "pending": "Waiting", "sending": "Waiting", "failed": "Failed"}
MAIL_DETAILS = {"sent": "Sent to the patient", "pending": "Waiting to be sent", "sending": "Being sent",
                "failed": "Could not be sent; the mail settings need checking"}
MODE_WORDS = {"online": "Online", "offline": "In person"}
EMPTY = {
    "today": "No appointments today. Upcoming shows the days ahead.",
    "upcoming": "No appointments from tomorrow on.",
    "past": "No appointments in this period.",
}
NO_SELECTION = "Select an appointment in the table to see its details and what you can do with it."
COLUMNS = (  # the fixed ones fit their longest words; patient and reason share the rest
    Column("date", "Date", 104, stretch=False),
    Column("day", "Day", 54, stretch=False),
    Column("time", "Time", 58, stretch=False),
    Column("patient", "Patient", 130),
    Column("reason", "Reason", 170),
    Column("mode", "Mode", 84, stretch=False),
    Column("status", "Status", 146, stretch=False),
    Column("mail", "E-mail", 72, stretch=False),
)


def schedule_window(view: str, today: dt.date, period: str = "30") -> tuple[dt.date | None, dt.date | None]:
    """The first and last day (None: open) the service is asked for in ``view``."""
    if view == "today":
        return today, today
    if view == "upcoming":
        return today + dt.timedelta(days=1), None
    yesterday = today - dt.timedelta(days=1)
    return (None if period == "all" else today - dt.timedelta(days=int(period))), yesterday


def short_day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def schedule_row(a: Appointment) -> Row:
    """One table row; dates and times sort as dates and times, not as text."""
    when = (a.appointment_date, a.appointment_time, a.appointment_id)
    return Row(str(a.appointment_id), (
        short_day(a.appointment_date), a.appointment_day[:3], a.time_text, a.patient_name, a.reason or "\u2014",
        MODE_WORDS.get(a.mode, a.mode), STATUS_WORDS.get(a.status, a.status),
        MAIL_WORDS.get(a.confirmation or "", "\u2014"),
    ), {"date": when, "day": (a.appointment_date.weekday(), when), "time": (a.appointment_time, when)})


def appointment_details(a: Appointment, booked_at: dt.datetime) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The details panel's two columns: the visit, and where it stands."""
    return [
        ("When", f"{day_and_date(a.appointment_date)} at {clock_time(a.appointment_time)}"),
        ("Mode", "Online (video call)" if a.mode == "online" else "In person"),
        ("Reason", a.reason or "Not given"),
    ], [
        ("Status", STATUS_WORDS.get(a.status, a.status)),
        ("Confirmation", MAIL_DETAILS.get(a.confirmation or "", "No confirmation e-mail")),
        ("Booked on", f"{booked_at.day} {booked_at:%b %Y}, {clock_time(booked_at)}"),
    ]


def copy_to_clipboard(text: str) -> None:
    """pyperclip on a worker (it runs xclip or the like); raises if no clipboard tool is there."""
    pyperclip.copy(text)


@register_screen("doctor_schedule")
class DoctorScheduleScreen(Screen):
    title = "Schedule"
    roles = ("doctor",)
    padding = 0

    def _build(self) -> None:
        self.scroll, page = scrolling_page(self, padding=(28, 18, 24, 12))
        page.columnconfigure(0, weight=1)
        top = ttk.Frame(page)
        top.grid(row=0, column=0, sticky="ew")
        ttk.Label(top, text="Schedule", style="Title.TLabel").pack(side="left")
        self.reload_button = ttk.Button(top, text="Reload", command=self._load)
        self.reload_button.pack(side="right")
        self._build_filters(page)
        self.table = DataTable(page, COLUMNS, height=7, empty_text=EMPTY["today"])
        self.table.grid(row=3, column=0, sticky="ew")
        self.table.on_select(self._on_select)
        self.pager = Pager(page, self._on_page, page_size=PAGE_SIZE)
        self.pager.grid(row=4, column=0, sticky="ew", pady=(6, 0))
        self.caption = ttk.Label(self.pager, text="", style="Muted.TLabel")  # after "1-50": what the page holds
        self.caption.pack(side="left", padx=(2, 0))
        self._build_details(page)
        self.scroll.enable_wheel()
        self.view, self.status, self.period = "today", "all", "30"
        self._window_text = ""
        self.appointments: dict[str, Appointment] = {}
        self.links: dict[int, VideoLink | None] = {}

    def _build_filters(self, page: ttk.Frame) -> None:
        bar = ttk.Frame(page)
        bar.grid(row=2, column=0, sticky="ew", pady=(8, 8))
        self.views = ChoiceButtons(bar, columns=len(VIEWS), on_change=self._on_view, min_width=112)
        self.views.set_options(VIEWS, chosen="today")
        self.views.pack(side="left")
        self.status_box = ttk.Combobox(bar, values=[label for _, label in STATUS_FILTERS], state="readonly", width=20)
        self.status_box.set(STATUS_FILTERS[0][1])
        self.status_box.pack(side="right")
        self.status_box.bind("<<ComboboxSelected>>", self._on_filter, add="+")
        ttk.Label(bar, text="Status", style="FieldLabel.TLabel").pack(side="right", padx=(16, 8))
        self.period_box = ttk.Combobox(bar, values=[label for _, label in PAST_PERIODS], state="readonly", width=15)
        self.period_box.set(PAST_PERIODS[0][1])
        self.period_box.bind("<<ComboboxSelected>>", self._on_filter, add="+")
        self.period_label = ttk.Label(bar, text="Period", style="FieldLabel.TLabel")

    def _build_details(self, page: ttk.Frame) -> None:
        card = ttk.Frame(page, style="Card.TFrame", padding=(20, 12, 20, 12))
        card.grid(row=5, column=0, sticky="ew", pady=(10, 0))
        card.columnconfigure(0, weight=3, uniform="appointment")
        card.columnconfigure(1, weight=2, uniform="appointment")
        head = ttk.Frame(card)
        head.grid(row=0, column=0, columnspan=2, sticky="ew")
        head.columnconfigure(1, weight=1)
        self.details_title = ttk.Label(head, text="Appointment", style="Heading.TLabel")
        self.details_title.grid(row=0, column=0, sticky="w")
        self.result = autowrap(ttk.Label(head, text="", style="Success.TLabel", justify="right", anchor="e",
                                         wraplength=420))
        self.result.grid(row=0, column=1, sticky="ew", padx=(16, 0))
        self._build_actions(card)
        self.placeholder = autowrap(ttk.Label(card, text=NO_SELECTION, style="Muted.TLabel", justify="left"))
        self.placeholder.grid(row=2, column=0, columnspan=2, sticky="ew")
        self.details = Details(card, label_width=12, wrap=260)
        self.more_details = Details(card, label_width=12, wrap=260)
        self._build_link(card)

    def _build_actions(self, card: ttk.Frame) -> None:
        ttk.Style(self.app).configure("Action.TButton", padding=(10, 6))  # five side by side fit the card
        actions = ttk.Frame(card)
        actions.grid(row=1, column=0, columnspan=2, sticky="w", pady=(8, 8))
        self.complete_button = ttk.Button(actions, text="Mark completed", command=self._on_complete)
        self.no_show_button = ttk.Button(actions, text="Mark no-show", command=self._on_no_show)
        self.receipt_button = ttk.Button(actions, text="Generate receipt", command=self._on_receipt)
        self.video_button = ttk.Button(actions, text="Create video link", command=self._on_video_link)
        self.cancel_button = ttk.Button(actions, text="Cancel appointment", command=self._on_cancel)
        for button in (self.complete_button, self.no_show_button, self.receipt_button, self.video_button,
                       self.cancel_button):
            button.configure(style="Action.TButton")
            button.pack(side="left", padx=(0, 8))

    def _build_link(self, card: ttk.Frame) -> None:
        self.link_box = ttk.Frame(card, style="Subtle.TFrame", padding=(12, 5))
        self.link_box.columnconfigure(1, weight=1)
        ttk.Label(self.link_box, text="Video link", style="Subtle.TLabel", font="MedLinkBodyBold").grid(
            row=0, column=0, sticky="w", padx=(0, 12))
        self.link_text = autowrap(ttk.Label(self.link_box, text="", style="Subtle.TLabel", justify="left",
                                            wraplength=360))
        self.link_text.grid(row=0, column=1, sticky="ew")
        self.copied = ttk.Label(self.link_box, text="", style="SubtleMuted.TLabel")
        self.copied.grid(row=0, column=2, sticky="e", padx=(8, 8))
        self.copy_button = ttk.Button(self.link_box, text="Copy link", command=self._on_copy_link)
        self.copy_button.grid(row=0, column=3, sticky="e")
        self.open_link_button = ttk.Button(self.link_box, text="Open", command=self._on_open_link)
        self.open_link_button.grid(row=0, column=4, sticky="e", padx=(8, 0))

    # --- loading ----------------------------------------------------------------------------------

    def refresh(self, **context: Any) -> None:
        self.result.configure(text="")
        self.links.clear()  # read again when shown: a link may have changed meanwhile
        self._load()

    def focus_first(self) -> None:
        self.table.tree.focus_set()

    def _load(self) -> None:
        start, end = schedule_window(self.view, self.ml.clock.today(), self.period)
        status = None if self.status == "all" else self.status
        self._window_text = self._caption(start, end)
        self.run_task(self.ml.appointments.schedule, self.app.session, start=start, end=end, status=status,
                      limit=PAGE_SIZE + 1, offset=self.pager.offset, on_done=self._show)

    def _caption(self, start: dt.date | None, end: dt.date | None) -> str:
        """What the page holds, in words (shown after the pager's "1-50")."""
        if self.view == "today":
            return f"today, {day_and_date(self.ml.clock.today())}, in time order"
        if self.view == "upcoming":
            return f"from {day_and_date(start)} on, soonest first"  # type: ignore[arg-type]
        since = f"from {short_day(start)} " if start else ""
        return f"{since}to {short_day(end)}, oldest first"  # type: ignore[arg-type]

    def _show(self, fetched: list[Appointment]) -> None:
        shown = fetched[:PAGE_SIZE]
        self.pager.show(self.pager.offset, len(shown), more=len(fetched) > PAGE_SIZE)
        self.caption.configure(text=f"\u00b7 {self._window_text}" if shown else "")
        self.appointments = {str(a.appointment_id): a for a in shown}
        self.table.empty.configure(text=EMPTY[self.view])
        self.table.set_rows(schedule_row(a) for a in shown)
        self._on_select(self.table.selected_id())

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not self.is_busy:
            self._sync_buttons()  # a busy spell re-enables what it disabled: put the rules back

    # --- filters and paging -----------------------------------------------------------------------

    def _on_view(self, view: str) -> None:
        self.view = view
        self._place_period(view == "past")
        self.pager.offset = 0
        self._load()

    def _place_period(self, shown: bool) -> None:
        self.period_box.pack_forget()
        self.period_label.pack_forget()
        if shown:
            self.period_box.pack(side="right")
            self.period_label.pack(side="right", padx=(16, 8))

    def _on_filter(self, _event: Any = None) -> None:
        self.status = dict((label, key) for key, label in STATUS_FILTERS).get(self.status_box.get(), "all")
        self.period = dict((label, key) for key, label in PAST_PERIODS).get(self.period_box.get(), "30")
        self.status_box.selection_clear()
        self.period_box.selection_clear()
        self.pager.offset = 0
        self._load()

    def _on_page(self, offset: int) -> None:
        self.pager.offset = offset
        self._load()

    # --- the selected appointment -----------------------------------------------------------------

    def selected(self) -> Appointment | None:
        iid = self.table.selected_id()
        return self.appointments.get(iid) if iid else None

    def _on_select(self, _iid: str | None) -> None:
        appointment = self.selected()
        self.copied.configure(text="")
        if appointment is None:
            self.details_title.configure(text="Appointment")
            self.details.grid_remove()
            self.more_details.grid_remove()
            self.link_box.grid_remove()
            self.placeholder.grid()
        else:
            offset = self.ml.clock.local_now() - self.ml.clock.utc_now()
            self.details_title.configure(text=appointment.patient_name)
            self.placeholder.grid_remove()
            visit, standing = appointment_details(appointment, appointment.created_at + offset)
            self.details.set(visit)
            self.details.grid(row=2, column=0, sticky="new", padx=(0, 16))
            self.more_details.set(standing)
            self.more_details.grid(row=2, column=1, sticky="new")
            self._show_link_box(appointment)
        self._sync_buttons()
        self.scroll.enable_wheel()

    def _show_link_box(self, appointment: Appointment) -> None:
        if appointment.mode != "online":
            self.link_box.grid_remove()
            return
        self.link_box.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(8, 0))
        aid = appointment.appointment_id
        if aid in self.links:
            self._show_link(aid, self.links[aid])
            return
        self.link_text.configure(text="Looking for the link\u2026")
        # A read, not an action: the screen stays usable meanwhile (no busy spell).
        run_in_background(self, self.ml.video.link_for, self.app.session, aid,
                          on_done=lambda link, aid=aid: self._show_link(aid, link),
                          on_error=lambda error, aid=aid: self._link_failed(aid, error))

    def _show_link(self, appointment_id: int, link: VideoLink | None) -> None:
        self.links[appointment_id] = link
        current = self.selected()
        if current is None or current.appointment_id != appointment_id:
            return
        self.link_text.configure(text=link.meeting_link if link else "No link yet. Create one with "
                                 "\u201cCreate video link\u201d; the patient is e-mailed it.")
        self._sync_buttons()

    def _link_failed(self, appointment_id: int, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        current = self.selected()
        if current is not None and current.appointment_id == appointment_id:
            self.link_text.configure(text=error.message)

    def current_link(self) -> VideoLink | None:
        appointment = self.selected()
        return self.links.get(appointment.appointment_id) if appointment else None

    def _sync_buttons(self) -> None:
        if self.is_busy:
            return  # set when the work ends
        self.pager.update_buttons()
        a = self.selected()
        booked = a is not None and a.status == "booked"
        online = booked and a is not None and a.mode == "online"
        link = self.current_link()
        states = {
            self.complete_button: booked, self.no_show_button: booked, self.cancel_button: booked,
            self.receipt_button: a is not None and a.status in ("booked", "completed"),
            self.video_button: online and (a is not None and a.appointment_id in self.links),
            self.copy_button: link is not None, self.open_link_button: link is not None,
        }
        for button, enabled in states.items():
            button.state(["!disabled" if enabled else "disabled"])
        self.video_button.configure(text="Change video link" if link else "Create video link")

    # --- actions ----------------------------------------------------------------------------------

    def _on_complete(self) -> None:
        self._close_appointment(self.ml.appointments.complete, "marked completed")

    def _on_no_show(self) -> None:
        self._close_appointment(self.ml.appointments.mark_no_show, "marked as a no-show")

    def _close_appointment(self, action: Any, done: str) -> None:
        a = self.selected()
        if a is None or self.is_busy:
            return
        self.result.configure(text="")
        self.run_task(action, self.app.session, a.appointment_id,
                      on_done=lambda changed, done=done: self._on_changed(changed, done), on_error=self._refused)

    def _on_cancel(self) -> None:
        a = self.selected()
        if a is None or self.is_busy:
            return
        when = f"{day_and_date(a.appointment_date)} at {a.time_text}"
        if not self.app.ask_yes_no("Cancel appointment", f"Cancel {a.patient_name}'s appointment on {when}?\n\n"
                                   "The patient is told by e-mail and the slot opens for booking again."):
            return
        self.result.configure(text="")
        self.run_task(self.ml.appointments.cancel, self.app.session, a.appointment_id,
                      on_done=lambda changed: self._on_changed(changed, "cancelled"), on_error=self._refused)

    def _on_changed(self, appointment: Appointment, done: str) -> None:
        when = f"{short_day(appointment.appointment_date)} at {appointment.time_text}"
        self.result.configure(text=f"{appointment.patient_name}'s appointment of {when} was {done}.",
                              style="Success.TLabel")
        self._load()

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.result.configure(text=error.message, style="Error.TLabel")

    def _on_receipt(self) -> None:
        a = self.selected()
        if a is not None and not self.is_busy:
            self.result.configure(text="")
            ReceiptDialog(self.app, a, self._on_bill_saved).open()

    def _on_bill_saved(self, bill: Bill) -> None:
        if self.winfo_exists():
            self.result.configure(text=f"Receipt {bill.receipt_number} saved.", style="Success.TLabel")

    def _on_video_link(self) -> None:
        a = self.selected()
        if a is not None and not self.is_busy:
            self.result.configure(text="")
            create_video_link(self, a, self._on_link_created, self._refused)

    def _on_link_created(self, link: VideoLink) -> None:
        if not self.winfo_exists():
            return
        self.links[link.appointment_id] = link
        self.result.configure(text="The video link was saved and e-mailed to the patient.", style="Success.TLabel")
        self._show_link(link.appointment_id, link)

    def _on_copy_link(self) -> None:
        link = self.current_link()
        if link is None:
            return
        self.copied.configure(text="")
        run_in_background(self, copy_to_clipboard, link.meeting_link, on_done=lambda _r: self._copied(),
                          on_error=lambda _e, text=link.meeting_link: self._copy_with_tk(text))

    def _copy_with_tk(self, text: str) -> None:
        # No clipboard tool for pyperclip (e.g. no xclip): Tk's own clipboard serves while MedLink runs.
        self.clipboard_clear()
        self.clipboard_append(text)
        self._copied()

    def _copied(self) -> None:
        self.copied.configure(text="Copied")

    def _on_open_link(self) -> None:
        link = self.current_link()
        if link is not None:
            self.app.open_link(link.meeting_link)
