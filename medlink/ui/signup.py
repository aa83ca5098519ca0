"""Sign-up: ``patient_signup`` and ``doctor_signup``.

Each is a long form in a scrolling card. Before anything is sent, the form checks every field with
the services' own validators and the password confirmation (pure functions below), and shows every
message under its field at once. Then, on a worker, the account is created and signed in:

* a patient lands on ``patient_home``;
* a doctor lands on ``doctor_home``, whose banner says the application awaits verification by an
  administrator (a pending doctor may sign in, but patients cannot find or book them yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from tkinter import ttk
from typing import Any, ClassVar

from medlink.errors import MedLinkError
from medlink.services import validation
from medlink.services.session import Session
from medlink.ui.forms import (
    COMMON_SPECIALTIES,
    PASSWORD_HINT,
    Form,
    FormGrid,
    button_row,
    collect_errors,
    contact_checks,
    password_errors,
)
from medlink.ui.navigation import LOGIN, enter
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Backdrop, ScrollArea, bind_tree, ensure_styles

CARD_WIDTH = 800

PATIENT_FIELDS = ("name", "email", "phone", "date_of_birth", "gender", "address", "medical_history")
DOCTOR_FIELDS = ("name", "email", "phone", "registration_number", "specialty", "experience_years",
                 "qualifications", "hospital", "city", "hospital_address", "bio")


def _text(name: str, label: str, limit: int, required: bool = True) -> Any:
    return lambda x: validation.text(x, name, label, required=required, max_length=limit, multiline=True)


def check_patient_signup(values: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    """Every problem with a patient's sign-up form, by field name (empty when it can be sent)."""
    checks = {
        **contact_checks(),
        "date_of_birth": lambda x: validation.date_of_birth(x, today),
        "gender": validation.gender,
        "address": _text("address", "Address", 500, required=False),
        "medical_history": _text("medical_history", "Medical history", 5000, required=False),
    }
    return {**collect_errors(values, checks), **password_errors(values)}


def check_doctor_signup(values: Mapping[str, Any]) -> dict[str, str]:
    """Every problem with a doctor's sign-up form, by field name (empty when it can be sent)."""
    checks = {
        **contact_checks(),
        "registration_number": validation.registration_number,
        "specialty": lambda x: validation.text(x, "specialty", "Specialty", max_length=100),
        "experience_years": lambda x: validation.whole_number(x, "experience_years", "Years of experience", 0, 70),
        "qualifications": _text("qualifications", "Qualifications and education", 2000),
        "hospital": lambda x: validation.text(x, "hospital", "Hospital or clinic", max_length=200),
        "city": lambda x: validation.text(x, "city", "City", max_length=100),
        "hospital_address": _text("hospital_address", "Hospital address", 500, required=False),
        "bio": _text("bio", "Short bio", 2000, required=False),
    }
    return {**collect_errors(values, checks), **password_errors(values)}


class SignUpScreen(Screen):
    """A sign-up form for one role in a scrolling card over the welcome picture."""

    padding = 0
    role: ClassVar[str] = ""
    heading: ClassVar[str] = ""
    lead: ClassVar[str] = ""
    submit_text: ClassVar[str] = "Create account"
    fields: ClassVar[tuple[str, ...]] = ()
    grid_columns: ClassVar[int] = 2

    def _build(self) -> None:
        ensure_styles(self.app)
        self.backdrop = Backdrop(self, self.app)
        card = ttk.Frame(self, style="Card.TFrame", padding=1)
        card.place(relx=0.5, rely=0.5, anchor="center", width=CARD_WIDTH, relheight=0.93)
        self.backdrop.follow(card)
        card.columnconfigure(0, weight=1)
        card.rowconfigure(2, weight=1)
        self._build_header(card).grid(row=0, column=0, sticky="ew")
        ttk.Frame(card, style="Rule.TFrame", height=1).grid(row=1, column=0, sticky="ew")
        self.scroll = ScrollArea(card, padding=(40, 18, 30, 10))
        self.scroll.grid(row=2, column=0, sticky="nsew")
        self.form = Form(self._on_submit, self._on_back, busy=lambda: self.is_busy)
        self._build_fields(FormGrid(self.scroll.body, columns=self.grid_columns))
        ttk.Frame(card, style="Rule.TFrame", height=1).grid(row=3, column=0, sticky="ew")
        self._build_footer(card).grid(row=4, column=0, sticky="ew")
        self.scroll.enable_wheel()
        bind_tree(self, "<Escape>", self._on_back)

    def _build_header(self, card: ttk.Frame) -> ttk.Frame:
        header = ttk.Frame(card, padding=(40, 24, 40, 16))
        header.columnconfigure(0, weight=1)
        ttk.Label(header, text=self.heading, style="Title.TLabel").grid(row=0, column=0, sticky="w")
        ttk.Label(header, text=self.lead, style="Muted.TLabel", wraplength=CARD_WIDTH - 100,
                  justify="left").grid(row=1, column=0, columnspan=2, sticky="w", pady=(6, 0))
        have = ttk.Frame(header)
        have.grid(row=0, column=1, sticky="e")
        ttk.Label(have, text="Already registered?", style="Muted.TLabel").pack(side="left")
        ttk.Button(have, text="Sign in", style="Link.TButton", command=self._on_sign_in_instead).pack(
            side="left", padx=(6, 0))
        return header

    def _build_footer(self, card: ttk.Frame) -> ttk.Frame:
        footer = ttk.Frame(card, padding=(40, 12, 40, 16))
        footer.columnconfigure(0, weight=1)
        self.form.message_line(footer, wraplength=CARD_WIDTH - 360).grid(row=0, column=0, sticky="w")
        row, self.submit_button = button_row(footer, (self.submit_text, self._on_submit),
                                             secondary=[("Back", self._on_back)])
        row.grid(row=0, column=1, sticky="e")
        return footer

    def _build_fields(self, grid: FormGrid) -> None:
        raise NotImplementedError

    def _check(self, values: Mapping[str, Any]) -> dict[str, str]:
        raise NotImplementedError

    def _sign_up_call(self) -> Any:
        raise NotImplementedError

    def refresh(self, **context: Any) -> None:
        self.form.clear_errors()
        self.scroll.scroll_to_top()
        self.backdrop.draw()

    def focus_first(self) -> None:
        self.form.focus_first()

    # --- actions ----------------------------------------------------------------------------------

    def _on_submit(self) -> None:
        if self.is_busy:
            return
        values = self.form.values()
        self.form.clear_errors()
        found = self._check(values)
        if found:
            self.form.show_errors(found)
            self.form.show_message("Please correct the fields marked in red.")
            return
        fields = {name: values[name] for name in self.fields}
        self.run_task(self._sign_up_call(), password=values["password"], on_done=self._on_registered,
                      on_error=self._on_failed, **fields)

    def _on_failed(self, error: BaseException) -> None:
        self.form.show_failure(error)
        field = getattr(error, "field", None)
        if field in self.form.fields:
            self.scroll.see(self.form.fields[field].frame)

    def _on_registered(self, _account_id: int) -> None:
        values = self.form.values()
        self.run_task(self.ml.auth.login, self.role, values["email"], values["password"],
                      on_done=self._on_signed_in, on_error=self._on_sign_in_failed)

    def _on_signed_in(self, session: Session) -> None:
        self.form.clear()
        enter(self.app, session, new_account=True)

    def _on_sign_in_failed(self, error: BaseException) -> None:
        # The account exists now; sending the form again would only say so. Sign in instead.
        email = self.form.fields["email"].get().strip()
        self.form.clear()
        self.app.show(LOGIN[self.role], login=email,
                      notice="Your account was created. Please sign in to continue.")
        if not isinstance(error, MedLinkError):
            raise error  # a bug: logged and reported by the app

    def _on_back(self) -> None:
        if not self.is_busy:
            self.app.show(LOGIN[self.role])

    def _on_sign_in_instead(self) -> None:
        self._on_back()


@register_screen("patient_signup")
class PatientSignUpScreen(SignUpScreen):
    title = "Create a patient account"
    role = "patient"
    heading = "Create your patient account"
    lead = "It takes two minutes. Only you, and the doctors you choose, can see your medical details."
    fields = PATIENT_FIELDS
    grid_columns = 4

    def _build_fields(self, grid: FormGrid) -> None:
        body, form = self.scroll.body, self.form
        grid.section("About you")
        grid.add(form.entry(body, "name", "Full name", width=20), span=2)
        grid.add(form.entry(body, "email", "E-mail address", "You sign in with it.", width=20), span=2)
        grid.add(form.entry(body, "phone", "Mobile phone", "10-digit mobile, or +country code.", width=20), span=2)
        grid.add(form.entry(body, "date_of_birth", "Date of birth", "YYYY-MM-DD", width=10))
        grid.add(form.choice(body, "gender", "Gender", validation.GENDERS, width=10))
        grid.add(form.text(body, "address", "Address", "Optional.", height=2, width=30), span=4)
        grid.section("Medical history", "Optional: long-term conditions, allergies, regular medicines, "
                     "operations. You can change it any time in your profile.")
        grid.add(form.text(body, "medical_history", "What your doctors should know", height=4, width=30), span=4)
        grid.section("Choose a password")
        grid.add(form.entry(body, "password", "Password", PASSWORD_HINT, secret=True, width=20), span=2)
        grid.add(form.entry(body, "confirm_password", "Confirm password", secret=True, width=20), span=2)

    def _check(self, values: Mapping[str, Any]) -> dict[str, str]:
        return check_patient_signup(values, self.ml.clock.today())

    def _sign_up_call(self) -> Any:
        return self.ml.auth.register_patient


@register_screen("doctor_signup")
class DoctorSignUpScreen(SignUpScreen):
    title = "Register as a doctor"
    role = "doctor"
    heading = "Register as a doctor"
    lead = ("A MedLink administrator checks your registration and qualifications before patients can "
            "find and book you. You can sign in meanwhile.")
    submit_text = "Send application"
    fields = DOCTOR_FIELDS

    def _build_fields(self, grid: FormGrid) -> None:
        body, form = self.scroll.body, self.form
        grid.section("About you")
        grid.add(form.entry(body, "name", "Full name", "As on your registration certificate.", width=20))
        grid.add(form.entry(body, "email", "E-mail address", "You sign in with it.", width=20))
        grid.add(form.entry(body, "phone", "Mobile phone", "10-digit mobile, or +country code.", width=20))
        grid.add(form.entry(body, "registration_number", "Medical registration number",
                            "As issued by your medical council.", width=20))
        grid.section("Your practice")
        grid.add(form.choice(body, "specialty", "Specialty", COMMON_SPECIALTIES,
                             "Pick one, or type your own.", editable=True, width=18))
        grid.add(form.entry(body, "experience_years", "Years of experience", width=8))
        grid.add(form.text(body, "qualifications", "Qualifications and education history",
                           "Degrees with institution and year, fellowships, board certifications.",
                           height=4, width=30), span=2)
        grid.add(form.entry(body, "hospital", "Hospital or clinic", width=20))
        grid.add(form.entry(body, "city", "City", width=20))
        grid.add(form.text(body, "hospital_address", "Hospital address", "Optional.", height=2, width=30),
                 span=2)
        grid.add(form.text(body, "bio", "Short bio", "Optional: shown to patients on your public profile.",
                           height=3, width=30), span=2)
        grid.section("Choose a password")
        grid.add(form.entry(body, "password", "Password", PASSWORD_HINT, secret=True, width=20))
        grid.add(form.entry(body, "confirm_password", "Confirm password", secret=True, width=20))

    def _check(self, values: Mapping[str, Any]) -> dict[str, str]:
        return check_doctor_signup(values)

    def _sign_up_call(self) -> Any:
        return self.ml.auth.register_doctor
