"""What the two "My profile" screens share (``patient_profile``, ``doctor_own_profile``): a scrolling
page with the profile form in one card and "Change password" in another; Save sends only what
changed, Cancel (or Escape) puts back what is saved, and a new name shows in the header at once.

A screen supplies its fields (:meth:`_build_fields`), the form's values for a saved profile
(:meth:`_values`), the checks (:meth:`_check`) and the service call that saves (:meth:`_update`);
it may ask before saving (:meth:`_confirm`) and do more once saved (:meth:`_on_saved`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from medlink.ui.forms import Form, FormGrid, PasswordChange, button_row, changed_fields
from medlink.ui.screen import Screen
from medlink.ui.widgets import bind_tree, scrolling_page


class OwnProfileScreen(Screen):
    title = "My profile"
    padding = 0

    def _build(self) -> None:
        self.scroll, body = scrolling_page(self)
        body.columnconfigure(0, weight=1)
        ttk.Label(body, text="My profile", style="Title.TLabel").grid(row=0, column=0, sticky="w")
        self.caption = ttk.Label(body, text="", style="Muted.TLabel")
        self.caption.grid(row=1, column=0, sticky="w", pady=(4, 18))
        card = ttk.Frame(body, style="Card.TFrame", padding=(26, 20))
        card.grid(row=2, column=0, sticky="ew")
        self.form = Form(self._on_save, self._on_cancel, busy=lambda: self.is_busy)
        self._build_footer(card, self._build_fields(card))
        security = ttk.Frame(body, style="Card.TFrame", padding=(26, 20))
        security.grid(row=3, column=0, sticky="ew", pady=(20, 0))
        self.password = PasswordChange(self, security)
        self.scroll.enable_wheel()
        bind_tree(self, "<Escape>", self._on_escape)
        self.profile: Any = None

    # -- what a screen supplies ----------------------------------------------------------------------
    def _build_fields(self, card: ttk.Frame) -> FormGrid:
        """Add the profile's fields to ``self.form`` in ``card``; return the grid they are in."""
        raise NotImplementedError

    def _values(self, profile: Any) -> dict[str, Any]:
        """The form's values for a saved profile."""
        raise NotImplementedError

    def _check(self, values: dict[str, Any]) -> dict[str, str]:
        """Every problem with the form's values, by field name."""
        raise NotImplementedError

    def _update(self) -> Callable[..., Any]:
        """The service call that saves: ``call(session, **changes)`` returns the saved profile. It runs
        on a worker, so it is the service's method, never one of this screen's (workers hold no widget)."""
        raise NotImplementedError

    def _confirm(self, changes: dict[str, Any]) -> bool:
        """Whether to go on and save ``changes`` (a screen may ask first)."""
        return True

    # -- shared ----------------------------------------------------------------------------------------
    def _build_footer(self, card: ttk.Frame, grid: FormGrid) -> None:
        footer = ttk.Frame(card)
        grid.place(footer, span=grid.columns, pady=(4, 0))
        footer.columnconfigure(0, weight=1)
        self.saved = ttk.Label(footer, text="", style="Success.TLabel")
        self.saved.grid(row=0, column=0, sticky="w")
        self.form.message_line(footer).grid(row=1, column=0, sticky="w")
        row, self.save_button = button_row(footer, ("Save changes", self._on_save),
                                           secondary=[("Cancel", self._on_cancel)])
        row.grid(row=0, column=1, rowspan=2, sticky="e")

    def _reset(self) -> None:
        """Before the profile is loaded again: no errors, no "saved" note, an empty password form."""
        self.form.clear_errors()
        self.saved.configure(text="")
        self.password.reset()

    def focus_first(self) -> None:
        self.form.focus_first()

    def _on_save(self) -> None:
        if self.is_busy or self.profile is None:
            return
        values = self.form.values()
        self.form.clear_errors()
        self.saved.configure(text="")
        found = self._check(values)
        if found:
            self.form.show_errors(found)
            return
        changes = changed_fields(values, self._values(self.profile))
        if not changes:
            self.saved.configure(text="Nothing has changed.")
            return
        if not self._confirm(changes):
            return
        self.run_task(self._update(), self.app.session, on_done=self._on_saved, on_error=self.form.show_failure,
                      **changes)

    def _on_saved(self, profile: Any) -> None:
        self.profile = profile
        self.form.set_values(self._values(profile))
        self.saved.configure(text="Your profile was saved.")
        session = self.app.session
        if session is not None and profile.name != session.name:
            self.app.set_session(dataclasses.replace(session, name=profile.name))  # the header follows

    def _on_escape(self) -> None:
        if self.password.has_focus():
            self.password.reset()
        else:
            self._on_cancel()

    def _on_cancel(self) -> None:
        if self.is_busy or self.profile is None:
            return
        self.form.set_values(self._values(self.profile))
        self.form.clear_errors()
        self.saved.configure(text="Changes discarded.")
