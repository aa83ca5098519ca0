"""``patient_profile``: the patient's own profile — contact details and medical history (Save sends
only what changed; Cancel puts back what is saved) and a "Change password" section.

``app.show("patient_profile", section="password")`` opens it scrolled to the password section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from tkinter import ttk
from typing import Any

from medlink.models import PatientProfile
from medlink.services import validation
from medlink.ui.forms import FormGrid, collect_errors, contact_checks
from medlink.ui.own_profile import OwnProfileScreen
from medlink.ui.screen import register_screen
from medlink.ui.widgets import long_date, phone_display


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
class PatientProfileScreen(OwnProfileScreen):
    roles = ("patient",)

    def _build_fields(self, card: ttk.Frame) -> FormGrid:
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
        return grid

    def refresh(self, section: str = "", **context: Any) -> None:
        self._reset()
        self._section = section
        self.run_task(self.ml.patients.profile, self.app.session, on_done=self._show)

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

    def _values(self, profile: PatientProfile) -> dict[str, Any]:
        return profile_values(profile)

    def _check(self, values: dict[str, Any]) -> dict[str, str]:
        return check_patient_profile(values, self.ml.clock.today())

    def _update(self) -> Callable[..., PatientProfile]:
        return self.ml.patients.update_profile
