"""``patient_home``: a signed-in patient's start page — a greeting; quick links to their next
appointment, to finding a doctor and to their bills (with the total); their details at a glance,
their medical history and a word on account security, each with the way to change it."""

from __future__ import annotations

from decimal import Decimal
from tkinter import ttk
from typing import Any

from medlink.models import Appointment, Bill, PatientProfile
from medlink.ui import theme
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import (
    Details,
    age_on,
    autowrap,
    greeting,
    keep_labels_fitted,
    long_date,
    phone_display,
    rupees,
    scrolling_page,
)

HISTORY_PREVIEW = 300
PRIVACY_TEXT = ("A doctor you book sees your name, phone and e-mail. Your medical history and records "
                "are encrypted and shown only to the doctors you share them with. Every access is "
                "recorded in an audit trail.")


@register_screen("patient_home")
class PatientHomeScreen(Screen):
    title = "Home"
    roles = ("patient",)
    padding = 0

    def _build(self) -> None:
        self.scroll, page = scrolling_page(self)
        self.page = page
        page.columnconfigure(0, weight=1, uniform="home")
        page.columnconfigure(1, weight=1, uniform="home")
        self.greeting = ttk.Label(page, text="", style="Title.TLabel")
        self.greeting.grid(row=0, column=0, columnspan=2, sticky="w")
        self.lead = ttk.Label(page, text="", style="Muted.TLabel")
        self.lead.grid(row=1, column=0, columnspan=2, sticky="w", pady=(4, 20))
        self._build_quick_links(page)
        details = self._card(3, 0, "Your details", ("Edit details", self._on_edit))
        self.summary = Details(details, label_width=13, wrap=230)
        self.summary.grid(row=1, column=0, sticky="nsew")
        history = self._card(3, 1, "Medical history", ("Update", self._on_edit))
        self.history = autowrap(ttk.Label(history, text="", justify="left", wraplength=300))
        self.history.grid(row=1, column=0, sticky="new")
        history.rowconfigure(1, weight=1)
        autowrap(ttk.Label(history, text="Your doctors read it only when you share your records with them.",
                           style="Muted.TLabel", wraplength=300, justify="left")).grid(
            row=2, column=0, sticky="sew", pady=(12, 0))
        security = self._card(4, 0, "Account security", ("Change password", self._on_change_password))
        self.security = autowrap(ttk.Label(security, text="", justify="left", wraplength=300))
        self.security.grid(row=1, column=0, sticky="new")
        privacy = self._card(4, 1, "Who sees what")
        autowrap(ttk.Label(privacy, text=PRIVACY_TEXT, justify="left", wraplength=300)).grid(
            row=1, column=0, sticky="new")
        self.scroll.enable_wheel()
        keep_labels_fitted(self.scroll)
        self.profile: PatientProfile | None = None

    def _build_quick_links(self, page: ttk.Frame) -> None:
        """Three tiles: the next appointment, finding a doctor, and the bills with their total."""
        row = ttk.Frame(page)
        row.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(0, 18))
        tiles = []
        for column, (heading, link, command) in enumerate((
                ("Next appointment", "All appointments", self._on_appointments),
                ("Find a doctor", "Search", self._on_find_doctor),
                ("Bills", "View bills", self._on_bills))):
            row.columnconfigure(2 * column, weight=1, uniform="tiles")
            if column:
                row.columnconfigure(2 * column - 1, minsize=14)
            tile = ttk.Frame(row, style="Card.TFrame", padding=(18, 14))
            tile.grid(row=0, column=2 * column, sticky="nsew")
            tile.columnconfigure(0, weight=1)
            ttk.Label(tile, text=heading, style="Muted.TLabel").grid(row=0, column=0, sticky="w")
            text = autowrap(ttk.Label(tile, text="", font=theme.BODY_BOLD, justify="left", wraplength=180))
            text.grid(row=1, column=0, sticky="new", pady=(6, 8))
            tile.rowconfigure(1, weight=1)
            ttk.Button(tile, text=f"{link} \u203a", style="Link.TButton", command=command).grid(
                row=2, column=0, sticky="w")
            tiles.append(text)
        self.next_appointment, find_text, self.bills_summary = tiles
        find_text.configure(text="Verified doctors by specialty, city and fee, with their open times.",
                            font=theme.BODY)

    def _card(self, row: int, column: int, heading: str, action: tuple[str, Any] | None = None) -> ttk.Frame:
        card = ttk.Frame(self.page, style="Card.TFrame", padding=(22, 18))
        card.grid(row=row, column=column, sticky="nsew", padx=(0, 0 if column else 18), pady=(0, 18))
        card.columnconfigure(0, weight=1)
        ttk.Label(card, text=heading, style="Heading.TLabel").grid(row=0, column=0, sticky="w", pady=(0, 12))
        if action is not None:
            text, command = action
            ttk.Button(card, text=text, style="Link.TButton", command=command).grid(row=0, column=0, sticky="ne")
        return card

    def refresh(self, new_account: bool = False, **context: Any) -> None:
        session = self.app.session
        first_name = session.name.split()[0] if session else ""
        self.greeting.configure(text=f"{greeting(self.ml.clock.local_now().hour)}, {first_name}")
        self.lead.configure(text="Welcome to MedLink. Your account is ready." if new_account
                            else "Here is your MedLink account at a glance.")
        minutes = self.ml.settings.idle_logoff_minutes
        self.security.configure(text=(
            f"MedLink signs you out after {minutes} minutes without activity. Use a password you use "
            "nowhere else, and sign out when you share this computer."))
        self.run_task(self.ml.patients.profile, session, on_done=self._show_profile)
        self.run_task(self.ml.appointments.mine, session, upcoming=True, limit=20, on_done=self._show_next)
        self.run_task(self.ml.billing.bills, session, limit=500, on_done=self._show_bills)

    def _show_next(self, appointments: list[Appointment]) -> None:
        booked = next((a for a in appointments if a.status == "booked"), None)
        if booked is None:
            self.next_appointment.configure(text="Nothing booked. Find a doctor to book a visit.")
            return
        how = "online" if booked.mode == "online" else "in person"
        self.next_appointment.configure(text=f"{booked.appointment_day} {booked.appointment_date.day} "
                                             f"{booked.appointment_date:%b}, {booked.time_text} \u2014 "
                                             f"{booked.doctor_name} ({how})")

    def _show_bills(self, bills: list[Bill]) -> None:
        if not bills:
            self.bills_summary.configure(text="No bills yet.")
            return
        total = sum((b.total_amount for b in bills), Decimal(0))
        count = "1 bill" if len(bills) == 1 else f"{len(bills)} bills"
        self.bills_summary.configure(text=f"{count}, {rupees(total, always_paise=True)} in total")

    def _show_profile(self, profile: PatientProfile) -> None:
        self.profile = profile
        born = profile.date_of_birth
        self.summary.set([
            ("E-mail", profile.email),
            ("Phone", phone_display(profile.phone)),
            ("Date of birth", f"{long_date(born)}  ({age_on(born, self.ml.clock.today())} years)"),
            ("Gender", profile.gender),
            ("Address", profile.address or "Not given"),
            ("Member since", long_date(profile.created_at)),
        ])
        history = (profile.medical_history or "").strip()
        if len(history) > HISTORY_PREVIEW:
            history = history[:HISTORY_PREVIEW].rsplit(" ", 1)[0] + " \u2026"
        self.history.configure(text=history or "Nothing recorded yet. Add long-term conditions, allergies "
                               "and regular medicines so your doctors know them.",
                               style="TLabel" if history else "Muted.TLabel")
        self.scroll.enable_wheel()  # the detail labels made just now

    def _on_edit(self) -> None:
        self.app.show("patient_profile")

    def _on_appointments(self) -> None:
        self.app.show("my_appointments")

    def _on_find_doctor(self) -> None:
        self.app.show("find_doctor")

    def _on_bills(self) -> None:
        self.app.show("patient_bills")

    def _on_change_password(self) -> None:
        self.app.show("patient_profile", section="password")
