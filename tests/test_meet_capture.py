"""The Google Meet capture (issue 6) with real keystrokes and the real clipboard, under Xvfb.

``capture_meet_link`` is handed an ``open_page`` that starts ``tests/meet_standin.py`` (a stand-in
browser, its own process) instead of the real browser. pyautogui then presses Ctrl+L and Ctrl+C
for real (XTest), the stand-in puts its address bar's text on the X CLIPBOARD, and pyperclip reads
it back through xclip. No part of the capture is mocked.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from medlink.services.meet import MEET_NEW, capture_meet_link
from tests.conftest import make_settings, new_database_url
from tests.test_appointments import NEXT_MONDAY, open_clinic

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display: run under xvfb-run -a"),
]

STANDIN = Path(__file__).with_name("meet_standin.py")
MEET_LINK = "https://meet.google.com/abc-defg-hij"
READY_TIMEOUT = 20.0


class StandIn:
    """One stand-in browser process and the lines it printed."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.proc = subprocess.Popen([sys.executable, str(STANDIN), address], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, word: str, timeout: float) -> bool:
        """True once the stand-in printed a line starting with ``word``."""
        deadline = time.monotonic() + timeout
        while True:
            if any(line.startswith(word) for line in self.seen):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.proc.poll() is not None and self.lines.empty():
                return False
            with contextlib.suppress(queue.Empty):
                self.seen.append(self.lines.get(timeout=min(remaining, 0.1)))

    def drain(self) -> list[str]:
        while not self.lines.empty():
            self.seen.append(self.lines.get_nowait())
        return self.seen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def standins() -> Iterator[list[StandIn]]:
    started: list[StandIn] = []
    try:
        yield started
    finally:
        for standin in started:
            standin.stop()


@pytest.fixture(autouse=True)
def _pyautogui(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyautogui

    # Under Xvfb the pointer may rest in a corner after other tests; the fail-safe would abort.
    monkeypatch.setattr(pyautogui, "FAILSAFE", False)


def opener(standins: list[StandIn], address: str) -> Callable[[str], None]:
    """An ``open_page`` that starts the stand-in and returns once its window is mapped and focused."""

    def open_page(url: str) -> None:
        assert url == MEET_NEW
        standin = StandIn(address)
        standins.append(standin)
        if not standin.wait_for("ready", READY_TIMEOUT):
            err = standin.proc.stderr.read() if standin.proc.poll() is not None and standin.proc.stderr else ""
            raise AssertionError(f"the stand-in browser did not get ready: {standin.drain()} {err}")

    return open_page


def test_the_meet_link_is_captured_from_the_address_bar(standins: list[StandIn]) -> None:
    import pyperclip

    pyperclip.copy("something the doctor copied earlier")
    link = capture_meet_link(open_page=opener(standins, MEET_LINK), page_wait=0.5)
    assert link == MEET_LINK
    standin = only_one(standins)
    assert standin.wait_for("copied", 5)
    assert f"copied {MEET_LINK}" in standin.drain()
    assert "select" in standin.seen  # the real Ctrl+L arrived
    assert pyperclip.paste() == MEET_LINK  # the stand-in still owns the clipboard


def test_an_address_that_is_not_a_meet_link_gives_none_after_the_attempts(standins: list[StandIn]) -> None:
    started = time.monotonic()
    link = capture_meet_link(open_page=opener(standins, "about:blank"), page_wait=0.4, attempts=3)
    elapsed = time.monotonic() - started
    assert link is None  # the caller now asks the doctor to paste a link
    standin = only_one(standins)
    standin.wait_for("escape", 2)
    copies = [line for line in standin.drain() if line.startswith("copied")]
    assert copies == ["copied about:blank"] * 3, standin.seen
    assert elapsed < 15


def test_cancel_stops_the_capture_at_once(standins: list[StandIn]) -> None:
    import pyperclip

    pyperclip.copy("left alone")
    cancel = threading.Event()
    open_page = opener(standins, MEET_LINK)

    def open_and_cancel(url: str) -> None:
        open_page(url)
        cancel.set()  # the doctor pressed Cancel while the page was loading

    started = time.monotonic()
    link = capture_meet_link(open_page=open_and_cancel, page_wait=30, cancel=cancel)
    assert link is None
    assert time.monotonic() - started < 10
    assert "select" not in only_one(standins).drain()  # no keystroke was sent
    assert pyperclip.paste() == "left alone"


def test_cancel_between_attempts(standins: list[StandIn]) -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.0, lambda: None)
    open_page = opener(standins, "about:blank")

    def open_then_cancel_later(url: str) -> None:
        nonlocal timer
        open_page(url)
        timer = threading.Timer(1.2, cancel.set)  # after the first attempt, during the second wait
        timer.start()

    started = time.monotonic()
    try:
        link = capture_meet_link(open_page=open_then_cancel_later, page_wait=0.5, attempts=50, cancel=cancel)
    finally:
        timer.cancel()
    assert link is None
    assert time.monotonic() - started < 10
    copies = [line for line in only_one(standins).drain() if line.startswith("copied")]
    assert 1 <= len(copies) < 10


def test_a_captured_link_becomes_the_appointments_link(tmp_path: Path, standins: list[StandIn]) -> None:
    url, _ = new_database_url("sqlite", tmp_path)
    for clinic in open_clinic(make_settings(url, tmp_path, meet_provider="google-meet")):
        doctor, doctor_id = clinic.doctor()
        patient, _ = clinic.patient()
        appointment_id = clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                     mode="online").appointment_id
        link = clinic.ml.video.capture(open_page=opener(standins, MEET_LINK), page_wait=0.5)
        assert link == MEET_LINK
        made = clinic.ml.video.create_link(doctor, appointment_id, link)
        assert (made.provider, made.meeting_code) == ("google-meet", "abc-defg-hij")
        assert clinic.ml.video.link_for(patient, appointment_id).meeting_link == MEET_LINK


def only_one(standins: list[StandIn]) -> StandIn:
    assert len(standins) == 1, standins
    return standins[0]
