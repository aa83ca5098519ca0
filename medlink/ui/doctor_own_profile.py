"""``doctor_own_profile``: a doctor edits their own profile (the registration number is a verified
credential and is only shown) and changes their password."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from tkinter import ttk
from typing import Any

from medlink.models import DoctorProfile
from medlink.services import validation
from medlink.services.doctors import CREDENTIALS
from medlink.ui.forms import (
    COMMON_SPECIALTIES,
    Form,
    FormGrid,
    PasswordChange,
    button_row,
    changed_fields,
    collect_errors,
    contact_checks,
)
from medlink.ui.navigation import navigation_for
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import ScrollArea, bind_tree, ensure_styles, phone_display

STATUS_CAPTIONS = {
    "pending": "Your application is awaiting verification.",
    "verified": "Verified by MedLink. Changes show on your public profile straight away.",
    "rejected": "Your application was not approved; see Home for the administrator's reason.",
}


def check_doctor_profile(values: Mapping[str, Any]) -> dict[str, str]:
    """Every problem with the doctor's profile form, by field name."""
    def long_text(name: str, label: str, limit: int, required: bool = False) -> Any:
        return lambda x: validation.text(x, name, label, required=required, max_length=limit, multiline=True)

    return collect_errors(values, {
        **contact_checks(),
        "specialty": lambda x: validation.text(x, "specialty", "Specialty", max_length=100),
        "experience_years": lambda x: validation.whole_number(x, "experience_years", "Years of experience", 0, 70),
        "qualifications": long_text("qualifications", "Qualifications and education", 2000, required=True),
        "hospital": lambda x: validation.text(x, "hospital", "Hospital or clinic", max_length=200),
        "city": lambda x: validation.text(x, "city", "City", max_length=100),
        "hospital_address": long_text("hospital_address", "Hospital address", 500),
        "bio": long_text("bio", "Short bio", 2000),
    })


def profile_values(profile: DoctorProfile) -> dict[str, Any]:
    return {
        "name": profile.name, "email": profile.email, "phone": phone_display(profile.phone),
        "specialty": profile.specialty,
        "experience_years": str(profile.experience_years), "qualifications": profile.qualifications,
        "hospital": profile.hospital, "city": profile.city, "hospital_address": profile.hospital_address or "",
        "bio": profile.bio or "", "contact_public": bool(profile.contact_public),
        "registration_number": profile.registration_number,
    }


@register_screen("doctor_own_profile")
class DoctorOwnProfileScreen(Screen):
    title = "My profile"
    roles = ("doctor",)
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
        card = ttk.Frame(body, style="Card.TFrame", padding=(26, 20))
        card.grid(row=2, column=0, sticky="ew")
        self.form = Form(self._on_save, self._on_cancel, busy=lambda: self.is_busy)
        self._build_fields(card)
        security = ttk.Frame(body, style="Card.TFrame", padding=(26, 20))
        security.grid(row=3, column=0, sticky="ew", pady=(20, 0))
        self.password = PasswordChange(self, security)
        self.scroll.enable_wheel()
        bind_tree(self, "<Escape>", self._on_escape)
        self.profile: DoctorProfile | None = None

    def _build_fields(self, card: ttk.Frame) -> None:
        form, grid = self.form, FormGrid(card)
        grid.section("Contact details")
        grid.add(form.entry(card, "name", "Full name", width=20))
        grid.add(form.entry(card, "email", "E-mail address", "You sign in with it.", width=20))
        grid.add(form.entry(card, "phone", "Mobile phone", "10-digit mobile, or +country code.", width=20))
        grid.add(form.value(card, "registration_number", "Medical registration number",
                            "A verified credential: ask the MedLink administrator to correct it."))
        grid.add(form.check(card, "contact_public", "Show my e-mail address and phone number on my public profile"),
                 span=2)
        grid.section("Your practice")
        grid.add(form.choice(card, "specialty", "Specialty", COMMON_SPECIALTIES, editable=True, width=18))
        grid.add(form.entry(card, "experience_years", "Years of experience", width=8))
        grid.add(form.text(card, "qualifications", "Qualifications and education history", height=4, width=30),
                 span=2)
        grid.add(form.entry(card, "hospital", "Hospital or clinic", width=20))
        grid.add(form.entry(card, "city", "City", width=20))
        grid.add(form.text(card, "hospital_address", "Hospital address", height=2, width=30), span=2)
        grid.add(form.text(card, "bio", "Short bio", "Shown to patients on your public profile.", height=3,
                           width=30), span=2)
        footer = ttk.Frame(card)
        grid.place(footer, span=2, pady=(4, 0))
        footer.columnconfigure(0, weight=1)
        self.saved = ttk.Label(footer, text="", style="Success.TLabel")
        self.saved.grid(row=0, column=0, sticky="w")
        self.form.message_line(footer).grid(row=1, column=0, sticky="w")
        row, self.save_button = button_row(footer, ("Save changes", self._on_save),
                                           secondary=[("Cancel", self._on_cancel)])
        row.grid(row=0, column=1, rowspan=2, sticky="e")

    def refresh(self, **context: Any) -> None:
        self.form.clear_errors()
        self.saved.configure(text="")
        self.password.reset()
        self.scroll.scroll_to_top()
        self.run_task(self.ml.doctors.my_profile, self.app.session, on_done=self._show)

    def focus_first(self) -> None:
        self.form.focus_first()

    def _show(self, profile: DoctorProfile) -> None:
        self.profile = profile
        self.form.set_values(profile_values(profile))
        self.caption.configure(text=STATUS_CAPTIONS.get(profile.verification_status, ""))

    def _on_save(self) -> None:
        if self.is_busy or self.profile is None:
            return
        values = self.form.values()
        self.form.clear_errors()
        self.saved.configure(text="")
        found = check_doctor_profile(values)
        if found:
            self.form.show_errors(found)
            return
        changes = changed_fields(values, profile_values(self.profile))
        if not changes:
            self.saved.configure(text="Nothing has changed.")
            return
        if self.profile.verification_status == "verified" and CREDENTIALS & set(changes) and not self.app.ask_yes_no(
                "Verify again?", "Your qualifications and specialty were checked by an administrator. If you "
                "change them, your profile is hidden from patients until an administrator checks them again. "
                "Save anyway?"):
            return
        self.run_task(self.ml.doctors.update_profile, self.app.session, on_done=self._on_saved,
                      on_error=self.form.show_failure, **changes)

    def _on_saved(self, profile: DoctorProfile) -> None:
        before = self.profile
        self._show(profile)
        self.saved.configure(text="Your profile was saved.")
        if before is not None and before.verification_status == "verified" != profile.verification_status:
            self.saved.configure(text="Your profile was saved and is awaiting verification again.")
            self.app.set_navigation(navigation_for(self.app, "doctor", verified=False))
        session = self.app.session
        if session is not None and profile.name != session.name:
            self.app.set_session(dataclasses.replace(session, name=profile.name))

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
