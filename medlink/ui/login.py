"""The three sign-in screens: ``patient_login``, ``doctor_login`` and ``admin_login`` (the last one
is opened only by Ctrl+Shift+A on the welcome screen).

One form each: the login (e-mail, or the administrator's name) and the masked password. A refusal
(wrong password, unknown account, locked account, unreachable database) shows on the form, the
password is cleared and the login kept. Enter signs in, Escape goes back to the welcome screen.
"""

from __future__ import annotations

from tkinter import ttk
from typing import Any, ClassVar

from medlink.services.session import Session
from medlink.ui.forms import Form, button_row
from medlink.ui.navigation import enter
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Backdrop, bind_tree, ensure_styles

CARD_WIDTH = 460
TEXT_WIDTH = CARD_WIDTH - 2 * 44 - 4


class LoginScreen(Screen):
    """A sign-in form for one role; subclasses say which and with what words."""

    padding = 0
    role: ClassVar[str] = ""
    heading: ClassVar[str] = ""
    lead: ClassVar[str] = ""
    login_label: ClassVar[str] = "E-mail address"
    signup_screen: ClassVar[str] = ""
    signup_prompt: ClassVar[str] = ""

    def _build(self) -> None:
        ensure_styles(self.app)
        self.backdrop = Backdrop(self, self.app)
        card = self.card = ttk.Frame(self, style="Card.TFrame", padding=(44, 34, 44, 26))
        card.place(relx=0.5, rely=0.46, anchor="center", width=CARD_WIDTH)
        self.backdrop.follow(card)
        ttk.Label(card, text=self.heading, style="Title.TLabel").pack(anchor="w")
        ttk.Label(card, text=self.lead, style="Muted.TLabel", wraplength=TEXT_WIDTH, justify="left").pack(
            anchor="w", pady=(6, 20))
        self.notice = ttk.Label(card, text="", style="Success.TLabel", wraplength=TEXT_WIDTH, justify="left")
        self.form = Form(self._on_sign_in, busy=lambda: self.is_busy)
        self.form.entry(card, "login", self.login_label).frame.pack(fill="x")
        self.form.entry(card, "password", "Password", secret=True).frame.pack(fill="x")
        self.form.message_line(card, wraplength=TEXT_WIDTH).pack(fill="x", pady=(0, 12))
        row, self.sign_in_button = button_row(card, ("Sign in", self._on_sign_in), left=[("Back", self._on_back)])
        row.pack(fill="x")
        if self.signup_screen:
            ttk.Frame(card, style="Rule.TFrame", height=1).pack(fill="x", pady=(24, 12))
            line = ttk.Frame(card)
            line.pack()
            ttk.Label(line, text=self.signup_prompt, style="Muted.TLabel").pack(side="left")
            self.signup_link = ttk.Button(line, text="Create an account", style="Link.TButton",
                                          command=self._on_create_account)
            self.signup_link.pack(side="left", padx=(6, 0))
        bind_tree(self, "<Escape>", self._on_back)

    def refresh(self, login: str | None = None, notice: str = "", **context: Any) -> None:
        """``login`` fills in the login field; ``notice`` shows a line above the form."""
        if login is not None:
            self.form.set_values({"login": login})
        self.form.clear("password")
        self.form.clear_errors()
        self.notice.configure(text=notice)
        if notice:
            self.notice.pack(anchor="w", fill="x", pady=(0, 14), before=self.form.fields["login"].frame)
        else:
            self.notice.pack_forget()
        self.backdrop.draw()

    def focus_first(self) -> None:
        filled = bool(self.form.fields["login"].get().strip())
        self.form.fields["password" if filled else "login"].focus()

    def _on_sign_in(self) -> None:
        if self.is_busy:
            return
        values = self.form.values()
        self.form.clear_errors()
        missing = {}
        if not values["login"].strip():
            missing["login"] = f"Enter your {self.login_label.lower()}."
        if not values["password"]:
            missing["password"] = "Enter your password."
        if missing:
            self.form.show_errors(missing)
            return
        self.run_task(self.ml.auth.login, self.role, values["login"], values["password"],
                      on_done=self._on_signed_in, on_error=self._on_refused)

    def _on_signed_in(self, session: Session) -> None:
        self.form.clear("password")
        enter(self.app, session)

    def _on_refused(self, error: BaseException) -> None:
        self.form.clear("password")
        self.form.fields["password"].focus()
        self.form.show_failure(error)

    def _on_back(self) -> None:
        if not self.is_busy:
            self.app.show("welcome")

    def _on_create_account(self) -> None:
        if not self.is_busy:
            self.app.show(self.signup_screen)

    @property
    def message(self) -> str:
        """The form-wide message shown (what a failed sign-in says)."""
        return str(self.form.message.cget("text")) if self.form.message is not None else ""


@register_screen("patient_login")
class PatientLoginScreen(LoginScreen):
    title = "Patient sign-in"
    role = "patient"
    heading = "Patient sign-in"
    lead = "Welcome back. Sign in to find doctors, book visits and keep your records."
    signup_screen = "patient_signup"
    signup_prompt = "New to MedLink?"


@register_screen("doctor_login")
class DoctorLoginScreen(LoginScreen):
    title = "Doctor sign-in"
    role = "doctor"
    heading = "Doctor sign-in"
    lead = "Sign in to manage your practice, your schedule and your patients' shared records."
    signup_screen = "doctor_signup"
    signup_prompt = "Not registered yet?"


@register_screen("admin_login")
class AdminLoginScreen(LoginScreen):
    title = "Administrator sign-in"
    role = "admin"
    heading = "Administrator sign-in"
    lead = "For MedLink administrators only. Every sign-in is recorded in the audit trail."
    login_label = "Administrator name"
