"""MedLinkApp: the one window, and the hub every screen talks through.

Layout: a teal header band (logo; the signed-in person's name, role and Log out), a navigation
column on the left (filled by a role's home through :meth:`MedLinkApp.set_navigation`, hidden while
empty) and the content area, which shows one screen at a time.

Screens (see :mod:`medlink.ui.screen`) register themselves by name with ``@register_screen("name")``;
``app.screens`` (a :class:`~medlink.ui.screen.ScreenRegistry`) imports a screen's module on its first
show, so the window opens with the welcome screen's module only. Navigation is by name:
``app.show("doctor_profile", doctor_id=7)`` builds the screen on first use (``_build()``), caches it by
class and calls ``refresh(**context)`` on every show. ``app.has_screen(name)`` says whether a
destination exists; ``app.register_screen(name, cls)`` adds one to this window only (tests).

Errors: ``report_callback_exception`` is replaced. A ``MedLinkError`` is shown with its own message;
anything else is logged with its trace to the log file and shown as an internal error pointing there.

Dialogs all go through ``notify_error``, ``notify_info`` and ``ask_yes_no``. With ``app.testing =
True`` nothing pops up: each dialog is appended to ``app.dialogs`` as a :class:`ShownDialog`, and
``ask_yes_no`` answers from ``app.answers`` (a deque tests fill) or else its ``default``.

The session (``app.session``, None while nobody is signed in) is set by the sign-in screens through
:meth:`set_session`; :meth:`log_out` ends it and destroys every screen but the welcome screen (and
every Toplevel), so no personal data outlives the session in a widget. Nobody stays signed in after
``idle_logoff_minutes`` without a key press or mouse movement.

Background upkeep: shortly after start and then every ``MAIL_INTERVAL_MS`` the e-mail outbox is sent
(``ml.mailer.send_due`` on a worker; a round is skipped while the last still runs; failures are
logged, never shown; ``app.mail_worker_enabled = False`` pauses it). Decrypted copies of opened
records are purged on a worker at start and at log-out. What the welcome screen does not need waits
until it is drawn (``UPKEEP_DELAY_MS`` after the first idle moment): that purge, loading the services
and Pillow on a worker (so the first sign-in does not wait for them), and the window icon's smaller
sizes (the 256-pixel icon, which Tk reads itself, is set at once).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import time
import tkinter as tk
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from tkinter import messagebox, ttk
from types import TracebackType
from typing import TYPE_CHECKING, Any

from medlink import errors
from medlink.ui import theme
from medlink.ui.images import ImageStore, preload_pillow
from medlink.ui.screen import SCREEN_MODULES, SCREENS, Screen, ScreenRegistry
from medlink.ui.tasks import BackgroundTask, pending_tasks, run_in_background, wait_for_workers

if TYPE_CHECKING:
    from medlink.core import MedLink
    from medlink.services.session import Session

log = logging.getLogger("medlink.ui")

WELCOME = "welcome"
ADMIN_LOGIN = "admin_login"
WINDOW_SIZE = (1100, 720)
MIN_SIZE = (900, 600)
NAV_WIDTH = 220
IDLE_CHECK_MS = 30_000
GC_INTERVAL_MS = 2_000  # cyclic garbage is collected on the Tk thread only (see __init__)
WORKER_GRACE_S = 3.0
MAIL_START_DELAY_MS = 3_000   # the first outbox round, shortly after start
MAIL_INTERVAL_MS = 30_000     # then every 30 s (tests shrink both)
UPKEEP_DELAY_MS = 400         # the rest of the start-up work, this long after the welcome screen is up
ICON_SIZES = (256, 64, 32)
ROLE_NAMES = {"patient": "Patient", "doctor": "Doctor", "admin": "Administrator"}

ERROR_TITLES: tuple[tuple[type[errors.MedLinkError], str], ...] = (
    (errors.ValidationError, "Please check your input"),
    (errors.AccountLocked, "Account locked"),
    (errors.AuthError, "Sign-in failed"),
    (errors.PermissionDenied, "Not allowed"),
    (errors.NotFound, "Not found"),
    (errors.ConflictError, "Could not complete"),
    (errors.ServiceUnavailable, "Service unavailable"),
)

NavTarget = Callable[[], object] | str


@dataclass(frozen=True)
class ShownDialog:
    """A dialog the app showed (recorded instead of shown when ``app.testing`` is true)."""

    kind: str  # "error" | "info" | "question"
    title: str
    message: str


def error_title(error: errors.MedLinkError) -> str:
    """The dialog title for a user-facing error of this kind."""
    for kind, title in ERROR_TITLES:
        if isinstance(error, kind):
            return title
    return "MedLink"


class MedLinkApp(tk.Tk):
    """The MedLink main window: header, navigation, and one screen at a time in the content area."""

    def __init__(self, ml: MedLink, *, start_hidden: bool = False) -> None:
        super().__init__(className="MedLink")
        # Tk objects must be freed on the Tk thread. Reference cycles that hold one (a screen and
        # its callbacks) are freed by the cyclic collector, which runs in whatever thread happens to
        # allocate: so while the window lives, cycles are collected only here, on a timer.
        self._gc_was_enabled = gc.isenabled()
        gc.disable()
        if start_hidden:
            self.withdraw()
        self.ml = ml
        self.session: Session | None = None
        self.testing = False
        self.dialogs: list[ShownDialog] = []
        self.answers: deque[bool] = deque()
        self.current_screen: Screen | None = None
        self._screens_built: dict[type[Screen], Screen] = {}
        self._nav_buttons: dict[str, ttk.Button] = {}
        self._log_handler: logging.Handler | None = None
        self._last_activity = time.monotonic()
        self.palette = theme.apply_theme(self)
        self.images = ImageStore(self)
        self.screens = ScreenRegistry(SCREENS, SCREEN_MODULES)
        self._setup_window()
        self._build_layout()
        self._bind_keys()
        self._ensure_log_file()
        self.show(WELCOME)
        self._start_background_upkeep()

    # --- navigation -------------------------------------------------------------------------------

    def register_screen(self, name: str, screen_class: type[Screen]) -> None:
        """Make ``screen_class`` reachable as ``show(name)`` in this window only."""
        if not screen_class.name:
            screen_class.name = name
        self.screens[name] = screen_class

    def has_screen(self, name: str) -> bool:
        return name in self.screens

    def show(self, target: str | type[Screen], **context: Any) -> Screen:
        """Show the screen ``target`` (a registered name or a Screen class) and refresh it."""
        screen_class = self._screen_class(target)
        self._check_access(screen_class)
        screen = self._screens_built.get(screen_class)
        if screen is None:
            screen = self._build_screen(screen_class)
        if self.current_screen is not screen:
            previous, self.current_screen = self.current_screen, screen
            if previous is not None:
                previous.grid_remove()
                previous.on_hide()
            screen.grid(row=0, column=0, sticky="nsew")
        self.title(f"MedLink — {screen.title}" if screen.title else "MedLink")
        self._highlight_navigation(screen_class.name)
        screen.refresh(**context)
        screen.focus_first()
        return screen

    def set_navigation(self, items: Sequence[tuple[str, NavTarget]]) -> None:
        """Fill the left column with ``(label, target)`` items; a target is a screen name or a callable.
        A named target is highlighted while its screen shows. An empty list hides the column."""
        for button in self._nav_buttons.values():
            button.destroy()
        self._nav_buttons = {}
        for label, target in items:
            command = (lambda name=target: self.show(name)) if isinstance(target, str) else target
            button = ttk.Button(self._nav_items, text=label, style="Nav.TButton", command=command)
            button.pack(fill="x")
            self._nav_buttons[target if isinstance(target, str) else label] = button
        if items:
            self._nav.grid()
        else:
            self._nav.grid_remove()
        if self.current_screen is not None:
            self._highlight_navigation(self.current_screen.name)

    def _screen_class(self, target: str | type[Screen]) -> type[Screen]:
        if isinstance(target, str):
            try:
                return self.screens[target]
            except KeyError:
                raise LookupError(f"no screen is registered under the name {target!r}") from None
        return target

    def _check_access(self, screen_class: type[Screen]) -> None:
        if not screen_class.roles:
            return
        if self.session is None or self.session.role not in screen_class.roles:
            raise errors.PermissionDenied("Please sign in with the right account to open this page.")

    def _build_screen(self, screen_class: type[Screen]) -> Screen:
        screen = screen_class(self)
        screen._build()
        self._screens_built[screen_class] = screen
        return screen

    def _highlight_navigation(self, screen_name: str) -> None:
        for key, button in self._nav_buttons.items():
            button.state(["selected" if key == screen_name else "!selected"])

    # --- session ----------------------------------------------------------------------------------

    def set_session(self, session: Session | None) -> None:
        """Record who is signed in (an ``auth`` Session, or None) and show it in the header."""
        self.session = session
        self._last_activity = time.monotonic()
        if session is None:
            self._user_box.pack_forget()
            self._user_name.configure(text="")  # the name must not stay behind in a hidden label
            self._user_role.configure(text="")
            return
        self._user_name.configure(text=session.name)
        self._user_role.configure(text=ROLE_NAMES.get(session.role, str(session.role).title()))
        self._user_box.pack(side="right")

    def log_out(self, reason: str = "user") -> None:
        """End the session (the service call runs on a worker) and return to the welcome screen;
        ``reason`` is ``user`` or ``idle``. Every other screen and every dialog window is destroyed,
        so no personal data stays behind in a widget."""
        session = self.session
        self.set_session(None)
        self.set_navigation([])
        if session is not None:
            run_in_background(self, self.ml.auth.logout, session, reason, on_error=_log_logout_failure)
            run_in_background(self, _purge_opened_before, self.ml, time.time(), on_error=_log_upkeep_failure)
        self.show(WELCOME)
        self._close_screens(keep=self.current_screen)

    def _close_screens(self, keep: Screen | None) -> None:
        """Destroy every built screen but ``keep``, and every Toplevel; they are built afresh when
        shown again."""
        for window in self.winfo_children():
            if isinstance(window, tk.Toplevel):
                window.destroy()
        for screen_class, screen in list(self._screens_built.items()):
            if screen is not keep:
                del self._screens_built[screen_class]
                screen.destroy()
        # Free what the screens held here, on the Tk thread: a photo or variable collected later by
        # a worker's allocation would be deleted off the Tk thread.
        gc.collect()

    def check_idle(self, now: float | None = None) -> bool:
        """Sign the user out if idle too long; True if that happened."""
        if self.session is None:
            return False
        minutes = self.ml.settings.idle_logoff_minutes
        if (now if now is not None else time.monotonic()) - self._last_activity < minutes * 60:
            return False
        self.log_out(reason="idle")
        self.notify_info("Signed out", f"You were signed out after {minutes} minutes without activity.")
        return True

    def _note_activity(self, _event: tk.Event | None = None) -> None:
        self._last_activity = time.monotonic()

    def _idle_tick(self) -> None:
        self.check_idle()
        self.after(IDLE_CHECK_MS, self._idle_tick)

    # --- background upkeep: the e-mail outbox, decrypted copies ------------------------------------

    def _start_background_upkeep(self) -> None:
        """Start the outbox worker, and leave the rest of the start-up work (:meth:`_upkeep_after_start`)
        until the welcome screen is drawn. ``mail_worker_enabled`` (tests turn it off or on) is read at
        every round."""
        self.mail_worker_enabled = True
        self._mail_task: BackgroundTask | None = None
        self._started_at = time.time()  # copies opened from now on are this run's: the late purge spares them
        self.after_idle(lambda: self.after(UPKEEP_DELAY_MS, self._upkeep_after_start))
        self.after(MAIL_START_DELAY_MS, self._mail_tick)

    def _upkeep_after_start(self) -> None:
        """On a worker: remove decrypted record copies left by an earlier run, then load the services
        and Pillow; then, back here, give the window its smaller icons."""
        run_in_background(self, _upkeep_after_start, self.ml, self._started_at, on_error=_log_upkeep_failure,
                          on_finally=self._add_icon_sizes)

    def _add_icon_sizes(self) -> None:
        icons = [self.images.photo("icon", size, size) for size in ICON_SIZES]
        if all(icons):
            self.iconphoto(True, *icons)

    def _mail_tick(self) -> None:
        """One round of the outbox worker: send what is due on a worker, never on the Tk thread, and
        skip the round while the last one is still sending. Failures are logged, never shown."""
        self.after(MAIL_INTERVAL_MS, self._mail_tick)  # window closed: destroy() cancels it
        running = self._mail_task is not None and not self._mail_task.finished
        if self.mail_worker_enabled and not running:
            self._mail_task = run_in_background(self, self.ml.mailer.send_due, on_error=_log_upkeep_failure)

    # --- dialogs and errors -----------------------------------------------------------------------

    def notify_error(self, title: str, message: str) -> None:
        """Tell the user something went wrong (a modal message box, or recorded when testing)."""
        if not self._record("error", title, message):
            messagebox.showerror(title, message, parent=self)

    def notify_info(self, title: str, message: str) -> None:
        """Tell the user something they should know."""
        if not self._record("info", title, message):
            messagebox.showinfo(title, message, parent=self)

    def ask_yes_no(self, title: str, message: str, *, default: bool = False) -> bool:
        """Ask a yes/no question; when testing, the answer comes from ``self.answers`` or ``default``."""
        if self._record("question", title, message):
            return self.answers.popleft() if self.answers else default
        return bool(messagebox.askyesno(title, message, parent=self,
                                        default=messagebox.YES if default else messagebox.NO))

    def report_callback_exception(self, exc: type[BaseException], val: BaseException,
                                  tb: TracebackType | None) -> None:
        """Show a MedLinkError as it is; log anything else and report it as an internal error."""
        if isinstance(val, errors.MedLinkError):
            log.info("shown to the user: %s", type(val).__name__)
            self.notify_error(error_title(val), val.message)
            return
        log.error("unexpected error in a window callback", exc_info=(exc, val, tb))
        self.notify_error(
            "Internal error",
            f"An internal error occurred. Details were written to {self.ml.settings.log_file}.",
        )

    def _record(self, kind: str, title: str, message: str) -> bool:
        if not self.testing:
            return False
        self.dialogs.append(ShownDialog(kind, title, message))
        return True

    # --- files ------------------------------------------------------------------------------------

    def ask_open_file(self, title: str, filetypes: Sequence[tuple[str, str]]) -> str | None:
        """The file the user picks in the system's open dialog, or None if they cancel. When testing
        nothing pops up: the answer is the next of ``self.answers`` (a path), or None."""
        if self._record("file", title, ""):
            return self.answers.popleft() if self.answers else None  # type: ignore[return-value]
        from tkinter import filedialog

        return filedialog.askopenfilename(parent=self, title=title, filetypes=list(filetypes)) or None

    def open_file(self, path: str | os.PathLike[str]) -> None:
        """Show a file in the system's viewer (started on a worker, no shell). When testing nothing
        is started: the path is recorded as a dialog of kind ``open``."""
        if self._record("open", "Open file", str(path)):
            return
        from medlink.desktop import open_with_system_viewer

        run_in_background(self, open_with_system_viewer, Path(path))

    def open_link(self, url: str) -> None:
        """Open a web address (a video-call link) in the default browser, from a worker. When testing
        nothing is started: the address is recorded as a dialog of kind ``link``."""
        if self._record("link", "Open link", url):
            return
        import webbrowser

        run_in_background(self, webbrowser.open, url)

    # --- window -----------------------------------------------------------------------------------

    def _collect_garbage(self) -> None:
        gc.collect(1)
        self.after(GC_INTERVAL_MS, self._collect_garbage)

    def destroy(self) -> None:
        wait_for_workers(timeout=WORKER_GRACE_S)  # no worker may drop the last reference to our objects
        self.update_idletasks()  # idle work ttk queued (a theme refresh) must not outlive the window
        # Pending timers would fire into a dead window (Tcl timers are per thread, not per window).
        # Cancelled in Tcl only: each widget deletes its own callback commands when destroyed.
        for after_id in self.tk.splitlist(self.tk.call("after", "info")):
            self.tk.call("after", "cancel", after_id)
        if self._log_handler is not None:
            logging.getLogger("medlink").removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler = None
        super().destroy()
        self.images.clear()
        pending_tasks()  # forget the tasks of this window now, so what they hold is collected below
        gc.collect()
        if self._gc_was_enabled:
            gc.enable()

    def _setup_window(self) -> None:
        self.title("MedLink")
        width, height = WINDOW_SIZE
        left = max(0, (self.winfo_screenwidth() - width) // 2)
        top = max(0, (self.winfo_screenheight() - height) // 3)
        self.geometry(f"{width}x{height}+{left}+{top}")
        self.minsize(*MIN_SIZE)
        self.resizable(True, True)
        icon = self.images.photo("icon", ICON_SIZES[0], ICON_SIZES[0])  # as is: Tk reads it, no Pillow
        if icon is not None:
            self.iconphoto(True, icon)  # the smaller sizes follow after start (_add_icon_sizes)
        self.protocol("WM_DELETE_WINDOW", self._on_close)

    def _build_layout(self) -> None:
        self.columnconfigure(1, weight=1)
        self.rowconfigure(1, weight=1)
        self._build_header().grid(row=0, column=0, columnspan=2, sticky="ew")
        self._nav = ttk.Frame(self, style="Nav.TFrame", width=NAV_WIDTH)
        self._nav.grid(row=1, column=0, sticky="ns")
        self._nav.grid_propagate(False)
        self._nav.pack_propagate(False)
        ttk.Frame(self._nav, style="Rule.TFrame", width=1).pack(side="right", fill="y")
        self._nav_items = ttk.Frame(self._nav, style="Nav.TFrame", padding=(0, 16))
        self._nav_items.pack(fill="both", expand=True)
        self._nav.grid_remove()
        self.content = ttk.Frame(self)
        self.content.grid(row=1, column=1, sticky="nsew")
        self.content.columnconfigure(0, weight=1)
        self.content.rowconfigure(0, weight=1)

    def _build_header(self) -> ttk.Frame:
        header = ttk.Frame(self, style="Header.TFrame", padding=(20, 10))
        logo = self.images.photo("logo_small", max_height=40)
        brand = ttk.Label(header, style="Header.TLabel", image=logo or "", text="" if logo else "MedLink")
        brand.pack(side="left")
        self._user_box = ttk.Frame(header, style="Header.TFrame")
        ttk.Button(self._user_box, text="Log out", style="Header.TButton",
                   command=lambda: self.log_out()).pack(side="right", padx=(16, 0))
        names = ttk.Frame(self._user_box, style="Header.TFrame")
        names.pack(side="right")
        self._user_name = ttk.Label(names, style="Header.TLabel", font=theme.BODY_BOLD, anchor="e")
        self._user_name.pack(fill="x")
        self._user_role = ttk.Label(names, style="HeaderMuted.TLabel", anchor="e")
        self._user_role.pack(fill="x")
        return header

    def _bind_keys(self) -> None:
        self.bind_class("TButton", "<Return>", _invoke_focused_button)
        self.bind_class("TButton", "<KP_Enter>", _invoke_focused_button)
        for sequence in ("<Control-Shift-A>", "<Control-Shift-a>"):
            self.bind(sequence, self._on_admin_shortcut)
        for sequence in ("<KeyPress>", "<ButtonPress>", "<Motion>", "<MouseWheel>"):
            self.bind_all(sequence, self._note_activity, add="+")
        self.after(IDLE_CHECK_MS, self._idle_tick)
        self.after(GC_INTERVAL_MS, self._collect_garbage)

    def _on_admin_shortcut(self, _event: tk.Event) -> str:
        # The administrator's entry is deliberately not shown anywhere; only this shortcut opens it.
        if self.session is None and self.has_screen(ADMIN_LOGIN):
            self.show(ADMIN_LOGIN)
        return "break"

    def _on_close(self) -> None:
        if self.session is not None:
            try:
                self.ml.auth.logout(self.session)
            except Exception:  # closing anyway: a failed audit write must not keep the window open
                log.exception("logout on close failed")
        self.destroy()

    def _ensure_log_file(self) -> None:
        """Make sure errors reach the log file the internal-error message points to."""
        path = Path(os.path.abspath(self.ml.settings.log_file))  # as FileHandler.baseFilename spells it
        for logger in (logging.getLogger(), logging.getLogger("medlink")):
            for handler in logger.handlers:
                if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
                    return
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger("medlink").addHandler(handler)
        self._log_handler = handler


def _invoke_focused_button(event: tk.Event) -> str:
    event.widget.invoke()
    return "break"


def _log_logout_failure(error: BaseException) -> None:
    log.warning("logout failed: %s", type(error).__name__, exc_info=error)


def _purge_opened_before(ml: MedLink, moment: float) -> None:
    """On a worker: remove the decrypted copies opened up to ``moment`` (not one opened since)."""
    ml.records.purge_opened(_opened_before(moment))


def _opened_before(moment: float) -> dt.timedelta:
    """``purge_opened``'s ``older_than`` for copies opened up to ``moment`` (a time.time()): a purge
    that runs late must not remove a copy someone opened after it was asked for."""
    return dt.timedelta(seconds=max(0.0, time.time() - moment))


def _upkeep_after_start(ml: MedLink, started_at: float) -> None:
    """The start-up work that can wait (on a worker): the purge of copies left by an earlier run,
    then the modules the first sign-in and the first pictures need."""
    try:
        _purge_opened_before(ml, started_at)
    finally:
        ml.load_services()
        preload_pillow()


def _log_upkeep_failure(error: BaseException) -> None:
    log.warning("background upkeep failed: %s", type(error).__name__, exc_info=error)


def run(ml: MedLink) -> None:
    """Open the MedLink window and run until it is closed."""
    app = MedLinkApp(ml)
    app.mainloop()
