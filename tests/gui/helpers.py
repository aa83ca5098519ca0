"""Small helpers for GUI tests: drive the Tk event loop deterministically and find widgets."""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from medlink.ui.screen import descendants


def wait_until(root: tk.Misc, predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Run the event loop until ``predicate()`` is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        root.update()
        time.sleep(0.005)


def pump(root: tk.Misc, seconds: float = 0.05) -> None:
    """Run the event loop for a while (for things that must *not* happen)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        root.update()
        time.sleep(0.005)


def buttons(widget: tk.Misc) -> list[ttk.Button]:
    """Every ttk.Button below ``widget``."""
    return [w for w in descendants(widget) if isinstance(w, ttk.Button)]


def button_with_text(widget: tk.Misc, text: str) -> ttk.Button:
    """The one ttk.Button below ``widget`` whose label is ``text``."""
    found = [b for b in buttons(widget) if b.cget("text") == text]
    assert len(found) == 1, f"expected one button {text!r}, found {len(found)}"
    return found[0]


def label_texts(widget: tk.Misc) -> list[str]:
    return [str(w.cget("text")) for w in descendants(widget) if isinstance(w, (ttk.Label, tk.Label))]
