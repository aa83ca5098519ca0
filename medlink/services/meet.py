"""Capturing a Google Meet link from the browser, the way a doctor would: open meet.google.com/new,
wait for the page, select the address bar, copy it, read the clipboard, check it is a Meet link.

pyautogui is imported only here, when a capture runs: it needs a display.
"""

from __future__ import annotations

import re
import sys
import threading
import time
import webbrowser
from collections.abc import Callable

MEET_NEW = "https://meet.google.com/new"
MEET_LINK = re.compile(r"^https://meet\.google\.com/[a-z]{3}-[a-z]{4}-[a-z]{3}$")


def is_meet_link(text: str) -> bool:
    return bool(MEET_LINK.match(text.strip()))


def capture_meet_link(*, open_page: Callable[[str], object] = webbrowser.open, page_wait: float = 8.0,
                      attempts: int = 3, cancel: threading.Event | None = None) -> str | None:
    """The link of a new meeting, or None if it could not be captured (the caller then asks the
    doctor to paste one). Every wait is bounded; ``cancel`` stops it between steps."""
    import pyautogui
    import pyperclip

    cancel = cancel or threading.Event()
    modifier = "command" if sys.platform == "darwin" else "ctrl"
    open_page(MEET_NEW)
    for attempt in range(attempts):
        if _wait(cancel, page_wait if attempt == 0 else page_wait / 2):
            return None
        pyperclip.copy("")
        pyautogui.hotkey(modifier, "l")
        time.sleep(0.2)
        pyautogui.hotkey(modifier, "c")
        time.sleep(0.3)
        text = (pyperclip.paste() or "").strip()
        pyautogui.press("escape")
        if is_meet_link(text):
            return text
    return None


def _wait(cancel: threading.Event, seconds: float) -> bool:
    """Wait up to ``seconds``; True if cancelled."""
    return cancel.wait(seconds)
