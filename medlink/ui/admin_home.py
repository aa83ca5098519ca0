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
from medlink.ui.widgets import Column, DataTable, Row, ScrollArea, ensure_styles, long_date, years

EMPTY_TEXT = "No doctors are waiting for verification."
NO_SELECTION = "Select an application on the left to see every credential the doctor gave."
REASON_TOO_SHORT = "Give the doctor a reason they can act on."
COLUMNS = (
    Column("name", "Name", 150),
    Column("specialty", "Specialty", 120),
    Column("city", "City", 90),
    Column("registration_number", "Registration no.", 120),
    Column("created_at", "Applied on", 95),
)


def check_reason(reason: str) -> str | None:
    """Why a rejection reason cannot be sent, or None (the service's rule: at least 5 characters)."""
    return REASON_TOO_SHORT if len(reason.strip()) < 5 else None


def credentials(doctor: DoctorProfile) -> list[tuple[str, str]]:
    """Every credential and contact detail the doctor gave, labelled, in reading order."""
    return [
        ("Specialty", doctor.specialty),
        ("Qualifications and education", doctor.qualifications),
        ("Medical registration number", doctor.registration_number),
        ("Years of experience", years(doctor.experience_years)),
        ("Hospital or clinic", doctor.hospital),
        ("Hospital address", doctor.hospital_address or "Not given"),
        ("City", doctor.city),
        ("E-mail", doctor.email),
        ("Phone", doctor.phone),
        ("Contact details public", "Yes" if doctor.contact_public else "No"),
        ("Short bio", (doctor.bio or "").strip() or "Not given"),
    ]


def local_time(utc: dt.datetime, offset: dt.timedelta) -> dt.datetime:
    return utc + offset


@register_screen("admin_home")
class AdminHomeScreen(Screen):
    title = "Pending doctors"
    roles = ("admin",)
    padding = (28, 22, 28, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=5, uniform="admin")
        self.columnconfigure(1, weight=3, uniform="admin")
        self.rowconfigure(3, weight=1)
        top = ttk.Frame(self)
        top.grid(row=0, column=0, columnspan=2, sticky="ew")
        ttk.Label(top, text="Pending doctors", style="Title.TLabel").pack(side="left")
        self.refresh_button = ttk.Button(top, text="Reload", command=self._load)
        self.refresh_button.pack(side="right")
        self.lead = ttk.Label(self, text="", style="Muted.TLabel")
        self.lead.grid(row=1, column=0, columnspan=2, sticky="w", pady=(4, 4))
        self.status = ttk.Label(self, text="", style="Success.TLabel")
        self.status.grid(row=2, column=0, columnspan=2, sticky="w", pady=(0, 10))
        self.table = DataTable(self, COLUMNS, height=10, empty_text=EMPTY_TEXT)
        self.table.grid(row=3, column=0, sticky="nsew", padx=(0, 18))
        self.table.on_select(self._on_select)
        self._build_details()
        self.doctors: dict[str, DoctorProfile] = {}

    def _build_details(self) -> None:
        panel = ttk.Frame(self, style="Card.TFrame", padding=1)
        panel.grid(row=3, column=1, sticky="nsew")
        panel.columnconfigure(0, weight=1)
        panel.rowconfigure(1, weight=1)
        head = ttk.Frame(panel, padding=(18, 14, 18, 8))
        head.grid(row=0, column=0, sticky="ew")
        self.doctor_name = ttk.Label(head, text="", style="Heading.TLabel", wraplength=280)
        self.doctor_name.pack(anchor="w")
        self.applied = ttk.Label(head, text="", style="Muted.TLabel")
        self.applied.pack(anchor="w")
        self.scroll = ScrollArea(panel, padding=(18, 4, 12, 8))
        self.scroll.grid(row=1, column=0, sticky="nsew")
        self.scroll.body.columnconfigure(0, weight=1)
        self.scroll.body.bind("<Configure>", self._wrap_details, add="+")
        self.placeholder = ttk.Label(self.scroll.body, text=NO_SELECTION, style="Muted.TLabel", justify="left",
                                     wraplength=260)
        self.detail_labels: list[ttk.Label] = []
        self.value_labels: list[ttk.Label] = []
        ttk.Frame(panel, style="Rule.TFrame", height=1).grid(row=2, column=0, sticky="ew")
        decide = ttk.Frame(panel, padding=(18, 10, 18, 14))
        decide.grid(row=3, column=0, sticky="ew")
        decide.columnconfigure(0, weight=1)
        self.form = Form(self._on_reject, busy=lambda: self.is_busy)
        reason = self.form.text(decide, "reason", "Reason, if you reject",
                                "The doctor reads it when signing in.", height=2, width=24)
        reason.frame.grid(row=0, column=0, sticky="ew")
        self.form.message_line(decide, wraplength=280).grid(row=1, column=0, sticky="w")
        row = ttk.Frame(decide)
        row.grid(row=2, column=0, sticky="e", pady=(4, 0))
        self.verify_button = ttk.Button(row, text="Verify", style="Primary.TButton", command=self._on_verify)
        self.verify_button.pack(side="right")
        self.reject_button = ttk.Button(row, text="Reject", command=self._on_reject)
        self.reject_button.pack(side="right", padx=(0, 10))
        self.scroll.enable_wheel()

    def _wrap_details(self, event: Any) -> None:
        for label in self.value_labels:
            label.configure(wraplength=max(160, event.width - 8))

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
        for label in self.detail_labels:
            label.destroy()
        self.detail_labels, self.value_labels = [], []
        self.form.clear_errors()
        if doctor is None:
            self.doctor_name.configure(text="No application selected" if self.doctors else "Nothing to review")
            self.applied.configure(text="")
            self.placeholder.configure(text=NO_SELECTION if self.doctors else EMPTY_TEXT)
            self.placeholder.grid(row=0, column=0, sticky="nw")
            for button in (self.verify_button, self.reject_button):
                button.state(["disabled"])
            self.form.fields["reason"].widget.configure(state="disabled")
            return
        self.placeholder.grid_remove()
        self.doctor_name.configure(text=doctor.name)
        self.applied.configure(text=f"Applied on {long_date(doctor.created_at)}")
        width = max(160, self.scroll.body.winfo_width() - 8)
        for index, (name, value) in enumerate(credentials(doctor)):
            key = ttk.Label(self.scroll.body, text=name, style="Muted.TLabel")
            key.grid(row=2 * index, column=0, sticky="w", pady=(8 if index else 0, 0))
            shown = ttk.Label(self.scroll.body, text=value, justify="left", wraplength=width)
            shown.grid(row=2 * index + 1, column=0, sticky="w")
            self.detail_labels += [key, shown]
            self.value_labels.append(shown)
        self.scroll.enable_wheel()
        self.scroll.scroll_to_top()
        for button in (self.verify_button, self.reject_button):
            button.state(["!disabled"])
        self.form.fields["reason"].widget.configure(state="normal")

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
