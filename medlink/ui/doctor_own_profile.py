"""``doctor_own_profile``: a doctor edits their own profile (the registration number is a verified
credential and is only shown) and changes their password."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from tkinter import ttk
from typing import Any

from medlink.models import DoctorProfile
from medlink.services import validation
from medlink.services.doctors import CREDENTIALS
from medlink.ui.forms import COMMON_SPECIALTIES, FormGrid, collect_errors, contact_checks
from medlink.ui.navigation import navigation_for
from medlink.ui.own_profile import OwnProfileScreen
from medlink.ui.screen import register_screen
from medlink.ui.widgets import phone_display

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
class DoctorOwnProfileScreen(OwnProfileScreen):
    roles = ("doctor",)

    def _build_fields(self, card: ttk.Frame) -> FormGrid:
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
        return grid

    def refresh(self, **context: Any) -> None:
        self._reset()
        self.scroll.scroll_to_top()
        self.run_task(self.ml.doctors.my_profile, self.app.session, on_done=self._show)

    def _show(self, profile: DoctorProfile) -> None:
        self.profile = profile
        self.form.set_values(profile_values(profile))
        self.caption.configure(text=STATUS_CAPTIONS.get(profile.verification_status, ""))

    def _values(self, profile: DoctorProfile) -> dict[str, Any]:
        return profile_values(profile)

    def _check(self, values: dict[str, Any]) -> dict[str, str]:
        return check_doctor_profile(values)

    def _update(self) -> Callable[..., DoctorProfile]:
        return self.ml.doctors.update_profile

    def _confirm(self, changes: dict[str, Any]) -> bool:
        """A verified doctor changing a verified credential is asked first: it hides the profile."""
        if self.profile.verification_status != "verified" or not CREDENTIALS & set(changes):
            return True
        return self.app.ask_yes_no(
            "Verify again?", "Your qualifications and specialty were checked by an administrator. If you "
            "change them, your profile is hidden from patients until an administrator checks them again. "
            "Save anyway?")

    def _on_saved(self, profile: DoctorProfile) -> None:
        before = self.profile
        super()._on_saved(profile)
        self.caption.configure(text=STATUS_CAPTIONS.get(profile.verification_status, ""))
        if before is not None and before.verification_status == "verified" != profile.verification_status:
            self.saved.configure(text="Your profile was saved and is awaiting verification again.")
            self.app.set_navigation(navigation_for(self.app, "doctor", verified=False))
