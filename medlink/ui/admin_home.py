"""``admin_home``: the administrator's list of doctors awaiting verification.

Left, the pending applications (sortable, striped; an empty-state message when there are none);
right, every credential the selected doctor gave, and the decision: Verify (after a confirmation) or
Reject with a reason the doctor will read. After a decision the list is reloaded and a line says
what was done.
"""

from __future__ import annotations

import datetime as dt
from tkinter import ttk
from typing import Any

from medlink.models import DoctorProfile
from medlink.ui.forms import Form
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import (
    Column,
    DataTable,
    Details,
    Row,
    autowrap,
    long_date,
    phone_display,
    scrolling_page,
    years,
)

EMPTY_TEXT = "No doctors are waiting for verification."
NO_SELECTION = "Select an application on the left to see every credential the doctor gave."
REASON_TOO_SHORT = "Give the doctor a reason they can act on."
COLUMNS = (  # the columns share the table's width in these proportions
    Column("name", "Name", 145),
    Column("specialty", "Specialty", 120),
    Column("city", "City", 80),
    Column("registration_number", "Registration no.", 140),
    Column("created_at", "Applied on", 100),
)


def check_reason(reason: str) -> str | None:
    """Why a rejection reason cannot be sent, or None (the service's rule: at least 5 characters)."""
    return REASON_TOO_SHORT if len(reason.strip()) < 5 else None


def credentials(doctor: DoctorProfile) -> list[tuple[str, str]]:
    """Every credential and contact detail the doctor gave, labelled, in reading order."""
    return [
        ("Specialty", doctor.specialty),
        ("Qualifications", doctor.qualifications),
        ("Registration no.", doctor.registration_number),
        ("Experience", years(doctor.experience_years)),
        ("Hospital or clinic", doctor.hospital),
        ("Hospital address", doctor.hospital_address or "Not given"),
        ("City", doctor.city),
        ("E-mail", doctor.email),
        ("Phone", phone_display(doctor.phone)),
        ("Contact public", "Yes" if doctor.contact_public else "No"),
        ("Short bio", (doctor.bio or "").strip() or "Not given"),
    ]


def local_time(utc: dt.datetime, offset: dt.timedelta) -> dt.datetime:
    return utc + offset


@register_screen("admin_home")
class AdminHomeScreen(Screen):
    title = "Pending doctors"
    roles = ("admin",)
    padding = 0

    def _build(self) -> None:
        # The page scrolls as a whole: on a small window the decision stays reachable.
        self.scroll, page = scrolling_page(self, padding=(28, 22, 24, 20))
        page.columnconfigure(0, weight=1)
        top = ttk.Frame(page)
        top.grid(row=0, column=0, sticky="ew")
        ttk.Label(top, text="Pending doctors", style="Title.TLabel").pack(side="left")
        self.reload_button = ttk.Button(top, text="Reload", command=self._load)
        self.reload_button.pack(side="right")
        self.lead = autowrap(ttk.Label(page, text="", style="Muted.TLabel", wraplength=700))
        self.lead.grid(row=1, column=0, sticky="ew", pady=(4, 2))
        self.status = autowrap(ttk.Label(page, text="", style="Success.TLabel", wraplength=700))
        self.status.grid(row=2, column=0, sticky="ew", pady=(0, 8))
        self.table = DataTable(page, COLUMNS, height=5, empty_text=EMPTY_TEXT)
        self.table.grid(row=3, column=0, sticky="ew")
        self.table.on_select(self._on_select)
        self._build_details(page)
        self.scroll.enable_wheel()
        self.doctors: dict[str, DoctorProfile] = {}

    def _build_details(self, page: ttk.Frame) -> None:
        panel = ttk.Frame(page, style="Card.TFrame", padding=1)
        panel.grid(row=4, column=0, sticky="ew", pady=(16, 0))
        panel.columnconfigure(0, weight=3, uniform="details")
        panel.columnconfigure(2, weight=2, uniform="details")
        details = ttk.Frame(panel, padding=(20, 14, 16, 16))
        details.grid(row=0, column=0, sticky="nsew")
        details.columnconfigure(0, weight=1)
        self.doctor_name = ttk.Label(details, text="", style="Heading.TLabel")
        self.doctor_name.grid(row=0, column=0, sticky="w")
        self.applied = ttk.Label(details, text="", style="Muted.TLabel")
        self.applied.grid(row=1, column=0, sticky="w", pady=(0, 10))
        self.credentials = Details(details, label_width=17)
        self.credentials.grid(row=2, column=0, sticky="new")
        self.placeholder = autowrap(ttk.Label(details, text=NO_SELECTION, style="Muted.TLabel", justify="left"))
        ttk.Frame(panel, style="Rule.TFrame", width=1).grid(row=0, column=1, sticky="ns")
        self._build_decision(panel)

    def _build_decision(self, panel: ttk.Frame) -> None:
        decide = ttk.Frame(panel, padding=(20, 14, 20, 16))
        decide.grid(row=0, column=2, sticky="new")
        decide.columnconfigure(0, weight=1)
        ttk.Label(decide, text="Decision", style="Heading.TLabel").grid(row=0, column=0, sticky="w", pady=(0, 10))
        self.form = Form(self._on_reject, busy=lambda: self.is_busy)
        reason = self.form.text(decide, "reason", "Reason, if you reject",
                                "Required to reject. The doctor reads it when signing in.", height=3, width=24)
        reason.frame.grid(row=1, column=0, sticky="ew")
        autowrap(self.form.message_line(decide)).grid(row=2, column=0, sticky="ew")
        row = ttk.Frame(decide)
        row.grid(row=3, column=0, sticky="e", pady=(4, 0))
        self.verify_button = ttk.Button(row, text="Verify", style="Primary.TButton", command=self._on_verify)
        self.verify_button.pack(side="right")
        self.reject_button = ttk.Button(row, text="Reject", command=self._on_reject)
        self.reject_button.pack(side="right", padx=(0, 10))

    def refresh(self, **context: Any) -> None:
        self.status.configure(text="")
        self._load()

    def focus_first(self) -> None:
        self.table.tree.focus_set()

    def _load(self) -> None:
        self.run_task(self.ml.admin.pending_doctors, self.app.session, on_done=self._show_list)

    def _show_list(self, doctors: list[DoctorProfile]) -> None:
        offset = self.ml.clock.local_now() - self.ml.clock.utc_now()
        self.doctors = {str(d.doctor_id): d for d in doctors}
        self.table.set_rows(Row(
            str(d.doctor_id),
            (d.name, d.specialty, d.city, d.registration_number, local_time(d.created_at, offset).strftime("%d %b %Y")),
            {"created_at": d.created_at, "name": d.name.casefold()},
        ) for d in doctors)
        count = len(doctors)
        self.lead.configure(text=(
            f"{count} application{'s' if count != 1 else ''} to review. Check each registration number "
            "against the medical council's register before you verify." if count else
            "New applications appear here as doctors register."))
        if self.table.selected_id() is None and doctors:
            self.table.select(self.table.row_ids()[0])
        self._on_select(self.table.selected_id())

    def _on_select(self, iid: str | None) -> None:
        doctor = self.doctors.get(iid or "")
        self.form.clear_errors()
        self._enable_decision()
        if doctor is None:
            self.doctor_name.configure(text="No application selected" if self.doctors else "Nothing to review")
            self.applied.configure(text="")
            self.credentials.set([])
            self.placeholder.configure(text=NO_SELECTION if self.doctors else EMPTY_TEXT)
            self.placeholder.grid(row=3, column=0, sticky="new")
            return
        self.placeholder.grid_remove()
        self.doctor_name.configure(text=doctor.name)
        self.applied.configure(text=f"applied on {long_date(doctor.created_at)}")
        self.credentials.set(credentials(doctor))
        self.scroll.enable_wheel()

    def _enable_decision(self) -> None:
        """Verify, Reject and the reason only while an application is selected and nothing runs."""
        if self.is_busy:
            return  # the end of the task calls this again
        chosen = self._selected() is not None
        for button in (self.verify_button, self.reject_button):
            button.state(["!disabled" if chosen else "disabled"])
        self.form.fields["reason"].widget.configure(state="normal" if chosen else "disabled")

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not busy:
            self._enable_decision()

    def _selected(self) -> DoctorProfile | None:
        return self.doctors.get(self.table.selected_id() or "")

    def _on_verify(self) -> None:
        doctor = self._selected()
        if self.is_busy or doctor is None:
            return
        self.form.clear_errors()
        question = (f"Verify {doctor.name} ({doctor.registration_number})?\n\n"
                    "Patients will be able to find, book and pay this doctor.")
        if not self.app.ask_yes_no("Verify doctor", question):
            return
        self.run_task(self.ml.admin.verify_doctor, self.app.session, doctor.doctor_id,
                      on_done=lambda _r: self._decided(f"{doctor.name} is verified: patients can now find "
                                                       "and book them."),
                      on_error=self.form.show_failure)

    def _on_reject(self) -> None:
        doctor = self._selected()
        if self.is_busy or doctor is None:
            return
        self.form.clear_errors()
        reason = self.form.values()["reason"]
        problem = check_reason(reason)
        if problem:
            self.form.show_errors({"reason": problem})
            return
        self.run_task(self.ml.admin.reject_doctor, self.app.session, doctor.doctor_id, reason,
                      on_done=lambda _r: self._decided(f"{doctor.name}'s application was rejected; they will "
                                                       "read your reason when they sign in."),
                      on_error=self.form.show_failure)

    def _decided(self, message: str) -> None:
        self.form.clear()
        self.status.configure(text=message)
        self._load()
