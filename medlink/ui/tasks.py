"""Slow work off the Tk thread, results back on it.

``run_in_background(widget, fn, *args, on_done=..., on_error=...)`` submits ``fn`` to a small shared
thread pool and polls the future with ``widget.after(50, ...)``; the callbacks therefore run on the Tk
thread and may touch widgets, while ``fn`` (the worker) never does. Polling, not ``event_generate``
from the worker: cross-thread events are not reliable in Tkinter.

Without ``on_error`` an exception from ``fn`` is re-raised inside the Tk callback, so it reaches
``MedLinkApp.report_callback_exception`` like any other callback error: a ``MedLinkError`` is shown
as it is, anything else is logged and reported as an internal error.

What a worker gets must not reference a widget, not even indirectly (a bound method of a screen, a
lambda closing over ``self``): if the worker ends up dropping the last reference to a Tk object,
Tcl aborts the whole process. Pass a service method and plain values, e.g.
``run_in_background(self, self.ml.doctors.search, text, on_done=self._show_results)``.

``set_busy(frame, True)`` disables the frame's buttons and shows a thin progress bar along its bottom
edge; ``set_busy(frame, False)`` puts everything back as it was. Calls nest.
"""

from __future__ import annotations

import logging
import threading
import tkinter as tk
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from tkinter import ttk
from typing import Any

log = logging.getLogger("medlink.ui")

POLL_MS = 50
MAX_WORKERS = 4

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_live_tasks: set[BackgroundTask] = set()


def executor() -> ThreadPoolExecutor:
    """The shared worker pool, created on first use."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="medlink-worker")
        return _executor


class BackgroundTask:
    """One call running on a worker; its callbacks run on the Tk thread of ``widget``."""

    def __init__(self, widget: tk.Misc, future: Future[Any], on_done: Callable[[Any], object] | None,
                 on_error: Callable[[BaseException], object] | None,
                 on_finally: Callable[[], object] | None, poll_ms: int) -> None:
        self.widget = widget
        self.future = future
        self._on_done = on_done
        self._on_error = on_error
        self._on_finally = on_finally
        self._poll_ms = poll_ms
        self._cancelled = False
        self._finished = False
        self._after_id: str | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def finished(self) -> bool:
        """True once the callbacks have run, or the task was cancelled."""
        return self._finished

    def cancel(self) -> None:
        """Drop the result: none of the callbacks will run. A call already running is not interrupted."""
        self._cancelled = True
        self.future.cancel()
        if self._after_id is not None and _exists(self.widget):
            self.widget.after_cancel(self._after_id)
        self._finish()

    def _schedule(self) -> None:
        try:
            self._after_id = self.widget.after(self._poll_ms, self._poll)
        except tk.TclError:  # the whole window is gone: nobody wants the result
            self._finish()

    def _poll(self) -> None:
        self._after_id = None
        if self._cancelled:
            return
        if not _exists(self.widget):  # the screen was destroyed while the worker ran
            self._finish()
            return
        if not self.future.done():
            self._schedule()
            return
        self._finish()
        try:
            self._deliver()
        finally:
            if self._on_finally is not None:
                self._on_finally()

    def _deliver(self) -> None:
        error = self.future.exception()
        if error is None:
            if self._on_done is not None:
                self._on_done(self.future.result())
        elif self._on_error is not None:
            self._on_error(error)
        else:
            raise error

    def _finish(self) -> None:
        self._finished = True
        _live_tasks.discard(self)


def run_in_background(widget: tk.Misc, fn: Callable[..., Any], *args: Any,
                      on_done: Callable[[Any], object] | None = None,
                      on_error: Callable[[BaseException], object] | None = None,
                      on_finally: Callable[[], object] | None = None,
                      poll_ms: int = POLL_MS, **kwargs: Any) -> BackgroundTask:
    """Run ``fn(*args, **kwargs)`` on a worker; call ``on_done(result)`` or ``on_error(exc)``, then
    ``on_finally()``, on the Tk thread. ``fn`` and its arguments must not touch or hold any widget."""
    pending_tasks()  # drop tasks of windows that are gone
    future = executor().submit(fn, *args, **kwargs)
    _running.add(future)
    future.add_done_callback(_running.discard)
    task = BackgroundTask(widget, future, on_done, on_error, on_finally, poll_ms)
    _live_tasks.add(task)
    task._schedule()
    return task


_running: set[Future[Any]] = set()


def wait_for_workers(timeout: float) -> bool:
    """Wait (at most ``timeout`` seconds) until no worker runs a task; True if none does. A window
    waits for this before it goes, so no worker drops the last reference to its objects."""
    running = list(_running)
    return not running or not wait(running, timeout=timeout).not_done


def pending_tasks() -> int:
    """How many tasks have not delivered yet (used by tests and the screenshot script to settle)."""
    for task in [t for t in _live_tasks if not _exists(t.widget)]:
        task._finish()
    return len(_live_tasks)


def _exists(widget: tk.Misc) -> bool:
    try:
        return bool(widget.winfo_exists())
    except tk.TclError:
        return False


@dataclass
class _BusyState:
    depth: int = 1
    disabled: list[tk.Misc] = field(default_factory=list)
    bar: ttk.Progressbar | None = None
    cursor: str = ""


_busy: weakref.WeakKeyDictionary[tk.Misc, _BusyState] = weakref.WeakKeyDictionary()


def set_busy(frame: tk.Misc, busy: bool) -> None:
    """Disable ``frame``'s buttons and show progress (``busy``), or undo it; calls nest."""
    state = _busy.get(frame)
    if busy:
        if state is not None:
            state.depth += 1
        else:
            _busy[frame] = _enter_busy(frame)
    elif state is not None:
        state.depth -= 1
        if state.depth == 0:
            del _busy[frame]
            _leave_busy(frame, state)


def is_busy(frame: tk.Misc) -> bool:
    return frame in _busy


def _enter_busy(frame: tk.Misc) -> _BusyState:
    state = _BusyState(cursor=str(frame.cget("cursor")))
    for button in _buttons(frame):
        if _is_enabled(button):
            _set_enabled(button, False)
            state.disabled.append(button)
    state.bar = ttk.Progressbar(frame, mode="indeterminate", style="Horizontal.TProgressbar")
    state.bar.place(relx=0, rely=1, relwidth=1, anchor="sw", height=4)
    state.bar.start(12)
    frame.configure(cursor="watch")
    return state


def _leave_busy(frame: tk.Misc, state: _BusyState) -> None:
    for button in state.disabled:
        if _exists(button):
            _set_enabled(button, True)
    if state.bar is not None and _exists(state.bar):
        state.bar.stop()
        state.bar.destroy()
    if _exists(frame):
        frame.configure(cursor=state.cursor)


def _buttons(frame: tk.Misc) -> list[tk.Misc]:
    found: list[tk.Misc] = []
    for child in frame.winfo_children():
        if isinstance(child, (ttk.Button, tk.Button)):
            found.append(child)
        found.extend(_buttons(child))
    return found


def _is_enabled(button: tk.Misc) -> bool:
    if isinstance(button, ttk.Button):
        return not button.instate(["disabled"])
    return str(button.cget("state")) != tk.DISABLED


def _set_enabled(button: tk.Misc, enabled: bool) -> None:
    if isinstance(button, ttk.Button):
        button.state(["!disabled" if enabled else "disabled"])
    else:
        button.configure(state=tk.NORMAL if enabled else tk.DISABLED)


class BusyMixin:
    """For a frame: ``self._set_busy(True)`` while its work runs, ``self.is_busy`` to ask."""

    def _set_busy(self, busy: bool) -> None:
        set_busy(self, busy)  # type: ignore[arg-type]

    @property
    def is_busy(self) -> bool:
        return is_busy(self)  # type: ignore[arg-type]
