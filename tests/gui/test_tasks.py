"""Background work: results and errors come back on the Tk thread; busy screens cannot be clicked."""

from __future__ import annotations

import threading
from concurrent import futures
from tkinter import ttk

import pytest

from medlink.errors import ConflictError
from medlink.ui import tasks
from medlink.ui.app import MedLinkApp, ShownDialog
from medlink.ui.screen import Screen
from tests.gui.helpers import pump, wait_until

pytestmark = pytest.mark.gui


def test_result_is_delivered_on_the_tk_thread(app: MedLinkApp) -> None:
    seen: dict[str, object] = {}

    def work(a: int, b: int) -> int:
        seen["worker"] = threading.current_thread()
        return a + b

    def done(result: int) -> None:
        seen["result"] = result
        seen["on_main"] = threading.current_thread() is threading.main_thread()

    task = tasks.run_in_background(app, work, 2, 3, on_done=done,
                                   on_finally=lambda: seen.setdefault("fin", 1))
    wait_until(app, lambda: "fin" in seen)
    assert seen["result"] == 5
    assert seen["on_main"] is True
    assert seen["worker"] is not threading.main_thread()
    assert task.finished


def test_exception_goes_to_on_error_not_on_done(app: MedLinkApp) -> None:
    seen: dict[str, object] = {}

    def work() -> None:
        raise ValueError("boom")

    def on_error(exc: BaseException) -> None:
        seen["error"] = exc
        seen["on_main"] = threading.current_thread() is threading.main_thread()

    tasks.run_in_background(app, work, on_done=lambda r: seen.setdefault("done", r), on_error=on_error,
                            on_finally=lambda: seen.setdefault("fin", True))
    wait_until(app, lambda: "fin" in seen)
    assert isinstance(seen["error"], ValueError)
    assert seen["on_main"] is True
    assert "done" not in seen


def test_unhandled_user_error_reaches_the_error_dialog(app: MedLinkApp) -> None:
    def book() -> None:
        raise ConflictError("That time has just been booked by someone else.")

    tasks.run_in_background(app, book)
    wait_until(app, lambda: app.dialogs)
    assert app.dialogs == [
        ShownDialog("error", "Could not complete", "That time has just been booked by someone else.")]


def test_cancelled_task_calls_nothing(app: MedLinkApp) -> None:
    release = threading.Event()
    seen: list[str] = []
    task = tasks.run_in_background(app, release.wait, 5, on_done=lambda r: seen.append("done"),
                                   on_finally=lambda: seen.append("finally"))
    task.cancel()
    release.set()
    futures.wait([task.future], timeout=5)
    pump(app, 0.2)
    assert seen == []
    assert task.cancelled and task.finished


def test_set_busy_disables_buttons_shows_progress_and_restores(app: MedLinkApp) -> None:
    frame = ttk.Frame(app.content)
    save = ttk.Button(frame, text="Save")
    already_off = ttk.Button(frame, text="Delete")
    already_off.state(["disabled"])
    for button in (save, already_off):
        button.pack()
    tasks.set_busy(frame, True)
    tasks.set_busy(frame, True)  # nested: a second task started meanwhile
    assert save.instate(["disabled"])
    assert any(isinstance(w, ttk.Progressbar) for w in frame.winfo_children())
    tasks.set_busy(frame, False)
    assert tasks.is_busy(frame) and save.instate(["disabled"])
    tasks.set_busy(frame, False)
    assert not tasks.is_busy(frame)
    assert not save.instate(["disabled"])
    assert already_off.instate(["disabled"])
    assert not any(isinstance(w, ttk.Progressbar) for w in frame.winfo_children())


class SlowScreen(Screen):
    def _build(self) -> None:
        self.button = ttk.Button(self, text="Search", command=self._on_search)
        self.button.pack()
        self.gate = threading.Event()
        self.results: list[object] = []

    def _on_search(self) -> None:
        self.task = self.run_task(self.gate.wait, 5, on_done=self.results.append)


def test_screen_is_busy_while_its_task_runs(app: MedLinkApp) -> None:
    app.register_screen("slow", SlowScreen)
    screen = app.show("slow")
    assert isinstance(screen, SlowScreen)
    screen.button.invoke()
    pump(app)
    assert screen.is_busy and screen.button.instate(["disabled"])
    screen.gate.set()
    wait_until(app, lambda: screen.results)
    assert screen.results == [True]
    assert not screen.is_busy and not screen.button.instate(["disabled"])
    assert screen.task.finished
