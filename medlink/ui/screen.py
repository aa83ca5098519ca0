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

A screen's module is imported when the screen is first shown, not when the window opens (start-up
stays fast): :data:`SCREEN_MODULES` says where each name lives, and a window's
:class:`ScreenRegistry` imports the module on the first lookup of the name. Add a new screen there
too; a name missing from it is still found (every module of ``medlink.ui`` is then imported once),
and a test checks the table against the decorators. Screens never import each other;
``app.has_screen(name)`` tells whether a destination exists (without importing it). ``roles`` limits
who may open a screen (empty: anyone, signed in or not); the app sends everyone else back to the
welcome screen.
"""

from __future__ import annotations

import importlib
import tkinter as tk
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from tkinter import ttk
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from medlink.ui.tasks import BackgroundTask, BusyMixin, run_in_background

if TYPE_CHECKING:
    from medlink.core import MedLink
    from medlink.ui.app import MedLinkApp

SCREENS: dict[str, type[Screen]] = {}  # every screen registered so far (its module was imported)

# name -> the module of medlink.ui that registers it (imported on the screen's first show)
SCREEN_MODULES: dict[str, str] = {
    "welcome": "welcome",
    "patient_login": "login", "doctor_login": "login", "admin_login": "login",
    "patient_signup": "signup", "doctor_signup": "signup",
    "patient_home": "patient_home", "find_doctor": "find_doctor", "doctor_profile": "doctor_profile",
    "my_appointments": "my_appointments", "patient_records": "patient_records", "patient_bills": "patient_bills",
    "patient_chat": "patient_chat", "patient_profile": "patient_profile",
    "doctor_home": "doctor_home", "doctor_schedule": "doctor_schedule", "doctor_availability": "doctor_availability",
    "doctor_fees": "doctor_fees", "doctor_patient_records": "doctor_patient_records", "doctor_bills": "doctor_bills",
    "doctor_own_profile": "doctor_own_profile",
    "admin_home": "admin_home", "admin_audit": "admin_audit",
}
UI_PACKAGE = "medlink.ui"

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


def load_screen_modules() -> None:
    """Import every module of ``medlink.ui`` so that each screen registers itself (once)."""
    global _all_loaded
    if _all_loaded:
        return
    import pkgutil

    import medlink.ui as package

    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    _all_loaded = True


_all_loaded = False


class ScreenRegistry(MutableMapping[str, type[Screen]]):
    """The screens one window can show, by name: classes already known, and names whose module is
    imported on their first lookup (``registry[name]``). ``name in registry`` never imports a listed
    module; a name listed nowhere makes every module of ``medlink.ui`` load once, then is looked up
    among the screens that registered. Removing a name (``del``, ``pop``) hides it from this window."""

    def __init__(self, classes: Mapping[str, type[Screen]], modules: Mapping[str, str]) -> None:
        self._classes: dict[str, type[Screen]] = dict(classes)
        self._modules = {name: module for name, module in modules.items() if name not in self._classes}
        self._removed: set[str] = set()

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return name in self._classes or name in self._modules or self._discover(name)

    def __getitem__(self, name: str) -> type[Screen]:
        found = self._classes.get(name)
        if found is not None:
            return found
        module = self._modules.pop(name, None)
        if module is not None:
            importlib.import_module(f"{UI_PACKAGE}.{module}")
            found = SCREENS.get(name)
            if found is not None:
                self._classes[name] = found
                return found
        if self._discover(name):  # not where the table said: look everywhere
            return self._classes[name]
        raise KeyError(name)

    def __setitem__(self, name: str, screen_class: type[Screen]) -> None:
        self._modules.pop(name, None)
        self._removed.discard(name)
        self._classes[name] = screen_class

    def __delitem__(self, name: str) -> None:
        if name not in self._classes and name not in self._modules:
            raise KeyError(name)
        self._classes.pop(name, None)
        self._modules.pop(name, None)
        self._removed.add(name)

    def __iter__(self) -> Iterator[str]:
        self._discover(None)
        return iter(sorted({*self._classes, *self._modules}))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _discover(self, name: str | None) -> bool:
        """Load every screen module; add the screens this window does not know yet (none removed).
        True if ``name`` is now known."""
        load_screen_modules()
        for known, screen_class in SCREENS.items():
            if known not in self._classes and known not in self._modules and known not in self._removed:
                self._classes[known] = screen_class
        return name is not None and name in self._classes
