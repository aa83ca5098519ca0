"""Screens and the registry that lets them find each other by name.

A screen is a ``Screen`` subclass (a ``ttk.Frame``) in its own module under ``medlink/ui/``,
registered under a name with a decorator::

    from medlink.ui.screen import Screen, register_screen

    @register_screen("patient_login")
    class PatientLoginScreen(Screen):
        title = "Patient sign-in"

        def _build(self) -> None:          # once, on first show: create the widgets
            ...

        def refresh(self, **context) -> None:   # on every show: fill them in
            ...

        def _on_sign_in(self) -> None:
            self.app.show("patient_home")  # navigate by name, never by importing the other screen

``MedLinkApp`` imports every module of the ``medlink.ui`` package when it starts, so a new module
registers itself just by existing. Screens never import each other; ``app.has_screen(name)`` tells
whether a destination exists yet. ``roles`` limits who may open a screen (empty: anyone, signed in or
not); the app sends everyone else back to the welcome screen.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from medlink.ui.tasks import BackgroundTask, BusyMixin, run_in_background

if TYPE_CHECKING:
    from medlink.core import MedLink
    from medlink.ui.app import MedLinkApp

SCREENS: dict[str, type[Screen]] = {}

S = TypeVar("S", bound="Screen")


def register_screen(name: str) -> Callable[[type[S]], type[S]]:
    """Class decorator: make the screen reachable as ``app.show(name)``."""

    def register(cls: type[S]) -> type[S]:
        existing = SCREENS.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            taken_by = f"{existing.__module__}.{existing.__qualname__}"
            raise ValueError(f"screen name {name!r} is taken by {taken_by}")
        cls.name = name
        SCREENS[name] = cls
        return cls

    return register


class Screen(BusyMixin, ttk.Frame):
    """One page of the content area: built once (``_build``), refreshed on every show."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""                 # shown in the window title after "MedLink — "
    roles: ClassVar[tuple[str, ...]] = ()     # who may open it; () = anyone
    padding: ClassVar[int | tuple[int, ...]] = 24

    def __init__(self, app: MedLinkApp) -> None:
        super().__init__(app.content, padding=self.padding)
        self.app = app

    @property
    def ml(self) -> MedLink:
        return self.app.ml

    def _build(self) -> None:
        """Create the widgets. Called once, before the first :meth:`refresh`."""

    def refresh(self, **context: Any) -> None:
        """Bring the screen up to date; ``context`` is what ``app.show(name, **context)`` passed."""

    def on_hide(self) -> None:
        """Called when another screen replaces this one."""

    def focus_first(self) -> None:
        """Put the keyboard focus where the user starts (the app calls this after every show)."""

    def run_task(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], object] | None = None,
                 on_error: Callable[[BaseException], object] | None = None, **kwargs: Any) -> BackgroundTask:
        """Run ``fn`` on a worker with this screen busy meanwhile; callbacks run on the Tk thread."""
        self._set_busy(True)
        return run_in_background(self, fn, *args, on_done=on_done, on_error=on_error,
                                 on_finally=lambda: self._set_busy(False), **kwargs)


def descendants(widget: tk.Misc) -> list[tk.Misc]:
    """Every widget below ``widget``, depth first (for tests and keyboard order checks)."""
    found: list[tk.Misc] = []
    for child in widget.winfo_children():
        found.append(child)
        found.extend(descendants(child))
    return found
