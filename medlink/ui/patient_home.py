"""``patient_home``: a signed-in patient's start page — a greeting, their details at a glance, their
medical history and a word on account security, each with the way to change it."""

from __future__ import annotations

from tkinter import ttk
from typing import Any

from medlink.models import PatientProfile
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Details, age_on, ensure_styles, greeting, long_date

HISTORY_PREVIEW = 420


@register_screen("patient_home")
class PatientHomeScreen(Screen):
    title = "Home"
    roles = ("patient",)
    padding = (32, 26, 32, 24)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=3, uniform="home")
        self.columnconfigure(1, weight=2, uniform="home")
        self.greeting = ttk.Label(self, text="", style="Title.TLabel")
        self.greeting.grid(row=0, column=0, columnspan=2, sticky="w")
        self.lead = ttk.Label(self, text="", style="Muted.TLabel")
        self.lead.grid(row=1, column=0, columnspan=2, sticky="w", pady=(4, 20))
        self.details = self._card(2, 0, "Your details", ("Edit details", self._on_edit))
        self.summary = Details(self.details, label_width=13, wrap=300)
        self.summary.grid(row=1, column=0, sticky="nsew")
        history = self._card(2, 1, "Medical history", ("Update", self._on_edit))
        self.history = ttk.Label(history, text="", justify="left", wraplength=260)
        self.history.grid(row=1, column=0, sticky="nw")
        ttk.Label(history, text="Only the doctors you share your records with can read it.",
                  style="Muted.TLabel", wraplength=260, justify="left").grid(row=2, column=0, sticky="sw",
                                                                             pady=(12, 0))
        history.rowconfigure(1, weight=1)
        security = self._card(3, 0, "Account security", ("Change password", self._on_change_password), span=2)
        self.security = ttk.Label(security, text="", justify="left", wraplength=640)
        self.security.grid(row=1, column=0, sticky="w")
        self.rowconfigure(2, weight=1)
        self.profile: PatientProfile | None = None

    def _card(self, row: int, column: int, heading: str, action: tuple[str, Any], span: int = 1) -> ttk.Frame:
        card = ttk.Frame(self, style="Card.TFrame", padding=(22, 18))
        card.grid(row=row, column=column, columnspan=span, sticky="nsew",
                  padx=(0, 0 if column or span == 2 else 18), pady=(0, 18))
        card.columnconfigure(0, weight=1)
        top = ttk.Frame(card)
        top.grid(row=0, column=0, sticky="ew", pady=(0, 12))
        ttk.Label(top, text=heading, style="Heading.TLabel").pack(side="left")
        text, command = action
        ttk.Button(top, text=text, style="Link.TButton", command=command).pack(side="right")
        return card

    def refresh(self, new_account: bool = False, **context: Any) -> None:
        session = self.app.session
        first_name = session.name.split()[0] if session else ""
        self.greeting.configure(text=f"{greeting(self.ml.clock.local_now().hour)}, {first_name}")
        self.lead.configure(text="Welcome to MedLink. Your account is ready." if new_account
                            else "Here is your MedLink account at a glance.")
        minutes = self.ml.settings.idle_logoff_minutes
        self.security.configure(text=(
            f"For your privacy MedLink signs you out after {minutes} minutes without activity. "
            "Use a password you use nowhere else, and sign out when you share this computer."))
        self.run_task(self.ml.patients.profile, session, on_done=self._show_profile)

    def _show_profile(self, profile: PatientProfile) -> None:
        self.profile = profile
        born = profile.date_of_birth
        self.summary.set([
            ("E-mail", profile.email),
            ("Phone", profile.phone),
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

    def _on_edit(self) -> None:
        self.app.show("patient_profile")

    def _on_change_password(self) -> None:
        self.app.show("patient_profile", section="password")
