"""``patient_profile``: the patient's own profile — contact details and medical history (Save sends
only what changed; Cancel puts back what is saved) and a "Change password" section.

``app.show("patient_profile", section="password")`` opens it scrolled to the password section.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from tkinter import ttk
from typing import Any

from medlink.models import PatientProfile
from medlink.services import validation
from medlink.ui.forms import Form, FormGrid, PasswordChange, button_row, changed_fields, collect_errors, contact_checks
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import ScrollArea, bind_tree, ensure_styles, long_date, phone_display

EDITABLE = ("name", "email", "phone", "date_of_birth", "gender", "address", "medical_history")


def check_patient_profile(values: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    """Every problem with the profile form, by field name."""
    def long_text(name: str, label: str, limit: int) -> Any:
        return lambda x: validation.text(x, name, label, required=False, max_length=limit, multiline=True)

    return collect_errors(values, {
        **contact_checks(),
        "date_of_birth": lambda x: validation.date_of_birth(x, today),
        "gender": validation.gender,
        "address": long_text("address", "Address", 500),
        "medical_history": long_text("medical_history", "Medical history", 5000),
    })


def profile_values(profile: PatientProfile) -> dict[str, Any]:
    """The form's values for a saved profile."""
    return {
        "name": profile.name, "email": profile.email, "phone": phone_display(profile.phone),
        "date_of_birth": profile.date_of_birth.isoformat(), "gender": profile.gender,
        "address": profile.address or "", "medical_history": profile.medical_history or "",
    }


@register_screen("patient_profile")
class PatientProfileScreen(Screen):
    title = "My profile"
    roles = ("patient",)
    padding = 0

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.scroll = ScrollArea(self, padding=(32, 26, 28, 24))
        self.scroll.grid(row=0, column=0, sticky="nsew")
        body = self.scroll.body
        body.columnconfigure(0, weight=1)
        ttk.Label(body, text="My profile", style="Title.TLabel").grid(row=0, column=0, sticky="w")
        self.caption = ttk.Label(body, text="", style="Muted.TLabel")
        self.caption.grid(row=1, column=0, sticky="w", pady=(4, 18))
        details = ttk.Frame(body, style="Card.TFrame", padding=(26, 20))
        details.grid(row=2, column=0, sticky="ew")
        self.form = Form(self._on_save, self._on_cancel, busy=lambda: self.is_busy)
        self._build_details(details)
        security = ttk.Frame(body, style="Card.TFrame", padding=(26, 20))
        security.grid(row=3, column=0, sticky="ew", pady=(20, 0))
        self.password = PasswordChange(self, security)
        self.scroll.enable_wheel()
        bind_tree(self, "<Escape>", self._on_escape)
        self.profile: PatientProfile | None = None

    def _build_details(self, card: ttk.Frame) -> None:
        form, grid = self.form, FormGrid(card, columns=4)
        grid.section("Contact details", "Doctors you book see your name, phone and e-mail.")
        grid.add(form.entry(card, "name", "Full name", width=20), span=2)
        grid.add(form.entry(card, "email", "E-mail address", "You sign in with it.", width=20), span=2)
        grid.add(form.entry(card, "phone", "Mobile phone", "10-digit mobile, or +country code.", width=20), span=2)
        grid.add(form.entry(card, "date_of_birth", "Date of birth", "YYYY-MM-DD", width=10))
        grid.add(form.choice(card, "gender", "Gender", validation.GENDERS, width=10))
        grid.add(form.text(card, "address", "Address", height=2, width=30), span=4)
        grid.section("Medical history", "Long-term conditions, allergies, regular medicines, operations.")
        grid.add(form.text(card, "medical_history", "What your doctors should know", height=5, width=30), span=4)
        footer = ttk.Frame(card)
        grid.place(footer, span=4, pady=(4, 0))
        footer.columnconfigure(0, weight=1)
        self.saved = ttk.Label(footer, text="", style="Success.TLabel")
        self.saved.grid(row=0, column=0, sticky="w")
        self.form.message_line(footer).grid(row=1, column=0, sticky="w")
        row, self.save_button = button_row(footer, ("Save changes", self._on_save),
                                           secondary=[("Cancel", self._on_cancel)])
        row.grid(row=0, column=1, rowspan=2, sticky="e")

    def refresh(self, section: str = "", **context: Any) -> None:
        self.form.clear_errors()
        self.saved.configure(text="")
        self.password.reset()
        self._section = section
        self.run_task(self.ml.patients.profile, self.app.session, on_done=self._show)

    def focus_first(self) -> None:
        self.form.focus_first()

    def _show(self, profile: PatientProfile) -> None:
        self.profile = profile
        self.form.set_values(profile_values(profile))
        self.caption.configure(text=f"Patient since {long_date(profile.created_at)}")
        if self._section == "password":
            self.update_idletasks()
            self.scroll.see(self.password.form.fields["current_password"].frame)
            self.password.form.focus_first()
        else:
            self.scroll.scroll_to_top()

    def _on_save(self) -> None:
        if self.is_busy or self.profile is None:
            return
        values = self.form.values()
        self.form.clear_errors()
        self.saved.configure(text="")
        found = check_patient_profile(values, self.ml.clock.today())
        if found:
            self.form.show_errors(found)
            return
        changes = changed_fields(values, profile_values(self.profile))
        if not changes:
            self.saved.configure(text="Nothing has changed.")
            return
        self.run_task(self.ml.patients.update_profile, self.app.session, on_done=self._on_saved,
                      on_error=self.form.show_failure, **changes)

    def _on_saved(self, profile: PatientProfile) -> None:
        self._show_saved(profile)
        self.saved.configure(text="Your profile was saved.")
        session = self.app.session
        if session is not None and profile.name != session.name:
            self.app.set_session(dataclasses.replace(session, name=profile.name))  # the header follows

    def _show_saved(self, profile: PatientProfile) -> None:
        self.profile = profile
        self.form.set_values(profile_values(profile))

    def _on_escape(self) -> None:
        if self.password.has_focus():
            self.password.reset()
        else:
            self._on_cancel()

    def _on_cancel(self) -> None:
        if self.is_busy or self.profile is None:
            return
        self.form.set_values(profile_values(self.profile))
        self.form.clear_errors()
        self.saved.configure(text="Changes discarded.")
