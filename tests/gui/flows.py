"""What a user does on the account screens, as test steps: type into a form, press its buttons, wait
for the worker, sign up and sign in. Typing goes through the widgets (``insert``), clicking through
``invoke()``."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Mapping
from tkinter import ttk
from typing import Any

from medlink.core import MedLink
from medlink.ui.app import MedLinkApp
from medlink.ui.forms import Form
from medlink.ui.screen import Screen
from tests.gui.helpers import button_with_text, label_texts, wait_until

SECRET = "Tulsi-garden-2024"

PATIENT = {
    "name": "Meera Pillai", "email": "meera.pillai@example.in", "phone": "98470 12345",
    "date_of_birth": "1992-07-31", "gender": "Female", "address": "14 Temple Road, Kochi",
    "medical_history": "Allergic to penicillin.", "password": SECRET, "confirm_password": SECRET,
}

DOCTOR = {
    "name": "Dr. Sana Kapoor", "email": "sana.kapoor@example.in", "phone": "+91 98111 22233",
    "registration_number": "DMC/R/04521", "specialty": "Dermatology", "experience_years": "8",
    "qualifications": "MBBS (Lady Hardinge, 2012)\nMD Dermatology (PGIMER, 2016)", "hospital": "SkinFirst Clinic",
    "city": "Delhi", "hospital_address": "14 Rajpur Road, Delhi", "bio": "Acne and pigmentation.",
    "password": SECRET, "confirm_password": SECRET,
}


def type_into(widget: tk.Misc, text: str) -> None:
    """Replace what ``widget`` holds with ``text``, typed in (a readonly combobox is chosen instead)."""
    if isinstance(widget, tk.Text):
        widget.delete("1.0", "end")
        widget.insert("1.0", text)
    elif isinstance(widget, ttk.Combobox) and widget.instate(["readonly"]):
        widget.set(text)
    else:
        widget.delete(0, "end")  # type: ignore[attr-defined]
        widget.insert(0, text)  # type: ignore[attr-defined]


def fill(form: Form, values: Mapping[str, str]) -> None:
    for name, text in values.items():
        type_into(form.fields[name].widget, text)


def settle(app: MedLinkApp, screen: Screen | None = None) -> None:
    """Wait until ``screen`` (default: the current one) has no work running."""
    target = screen or app.current_screen
    assert target is not None
    wait_until(app, lambda: not target.is_busy)


def wait_for_screen(app: MedLinkApp, name: str, timeout: float = 5.0) -> Screen:
    wait_until(app, lambda: app.current_screen is not None and app.current_screen.name == name, timeout)
    screen = app.current_screen
    assert screen is not None
    settle(app, screen)
    return screen


def header_texts(app: MedLinkApp) -> list[str]:
    """The texts of the header band that are on screen (name and role of who is signed in)."""
    return [t for w, t in _labels(app) if w.winfo_ismapped() and not _in_content(app, w)]


def _labels(app: MedLinkApp) -> list[tuple[tk.Misc, str]]:
    from medlink.ui.screen import descendants

    return [(w, str(w.cget("text"))) for w in descendants(app) if isinstance(w, ttk.Label)]


def _in_content(app: MedLinkApp, widget: tk.Misc) -> bool:
    return str(widget).startswith(str(app.content) + ".")


def visible_texts(screen: tk.Misc) -> str:
    """Every label text below ``screen``, joined (for "the user can read ... on this screen")."""
    return "\n".join(label_texts(screen))


def sign_in(app: MedLinkApp, role: str, login: str, password: str = SECRET, *, expect: str | None = None) -> Screen:
    """Open ``role``'s login (the admin's by its hidden shortcut), type, press Sign in, wait."""
    screen = app.show(f"{role}_login")
    fill(screen.form, {"login": login, "password": password})  # type: ignore[attr-defined]
    button_with_text(screen, "Sign in").invoke()
    if expect is not None:
        return wait_for_screen(app, expect)
    settle(app, screen)
    return screen


def log_out(app: MedLinkApp) -> None:
    button_with_text(app, "Log out").invoke()
    wait_for_screen(app, "welcome")


def register_patient(ml: MedLink, **overrides: Any) -> int:
    values = {k: v for k, v in {**PATIENT, **overrides}.items() if k != "confirm_password"}
    return ml.auth.register_patient(**values)


def register_doctor(ml: MedLink, **overrides: Any) -> int:
    values = {k: v for k, v in {**DOCTOR, **overrides}.items() if k != "confirm_password"}
    return ml.auth.register_doctor(**values)
