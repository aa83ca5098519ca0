"""Reusable widgets for MedLink's screens: a picture backdrop behind a floating card, a scrollable
area, a sortable striped table with an empty-state message, a status banner and a verified badge.

Styles these widgets add to the theme (see :func:`ensure_styles`; colours from :data:`theme.PALETTE`):
``Badge.TLabel`` (the verified badge), ``Success.TLabel`` (a short confirmation), ``FieldLabel.TLabel``
(the label above a field), ``Info/Warn/Alert`` banner frames and labels, ``Subtle.TFrame`` (a tinted panel),
``Field.TCheckbutton`` (a check box in a form), ``ReadOnly.TLabel`` (a value shown in place of a field).

For the patient's screens: money, dates and sizes as people read them (:func:`rupees`, :func:`slot_text`,
:func:`file_size`...), :class:`ChoiceButtons` (``Choice.TButton``: one of several buttons stays chosen),
:class:`Pager` (``1–20 of 134`` with Previous/Next), :class:`ModalDialog` (a Toplevel with the primary
action on the right, Enter and Escape, modal except when ``app.testing``) and :func:`keep_labels_fitted`.
"""

from __future__ import annotations

import datetime as dt
import tkinter as tk
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from medlink.ui import theme
from medlink.ui.images import cover_image
from medlink.ui.tasks import BackgroundTask, is_busy, run_in_background, set_busy

if TYPE_CHECKING:
    from PIL import Image, ImageTk  # annotations only: Pillow loads when a picture is first made

    from medlink.ui.app import MedLinkApp

RESIZE_DELAY_MS = 60
WHEEL_UNITS = 3
INITIAL_WIDTH = 760
VERIFIED_BADGE = "\u2713 Verified"

# Banner tints: soft backgrounds with a strong text colour of the same hue. Red stays for errors.
BANNERS = {
    "info": ("#E6F4F5", theme.PALETTE.header),
    "warn": ("#FFF6E0", "#7A4E00"),
    "alert": ("#FDECEA", theme.PALETTE.error),
    "ok": ("#E6F4F5", theme.PALETTE.header),
}


def ensure_styles(root: tk.Misc) -> None:
    """Add the styles of this module to the window's theme (once)."""
    style = ttk.Style(root)
    if style.configure("Badge.TLabel"):
        return
    p = theme.PALETTE
    style.configure("Badge.TLabel", background=p.accent, foreground=p.header_text, font=theme.BODY_BOLD,
                    padding=(10, 3))
    style.configure("Link.TButton", width=0)  # a link is as wide as its words (TButton has a minimum)
    style.configure("Success.TLabel", foreground=p.header, font=theme.BODY_BOLD)
    style.configure("FieldLabel.TLabel", foreground=p.text, font=theme.BODY_BOLD)
    style.configure("Field.TCheckbutton", indicatorsize=15, indicatormargin=(0, 0, 8, 0), upperbordercolor=p.muted,
                    lowerbordercolor=p.muted, padding=(0, 4))
    style.configure("ReadOnly.TLabel", background=p.nav, foreground=p.text, padding=(7, 6), relief="solid",
                    borderwidth=1, bordercolor=p.border)
    style.configure("Subtle.TFrame", background=p.nav)
    style.configure("Subtle.TLabel", background=p.nav, foreground=p.text)
    style.configure("SubtleMuted.TLabel", background=p.nav, foreground=p.muted)
    for kind, (background, foreground) in BANNERS.items():
        name = kind.title()
        style.configure(f"{name}Banner.TFrame", background=background, relief="solid", borderwidth=1,
                        bordercolor=foreground)
        style.configure(f"{name}Banner.TLabel", background=background, foreground=p.text)
        style.configure(f"{name}BannerTitle.TLabel", background=background, foreground=foreground,
                        font=theme.HEADING)


INTERACTIVE = (ttk.Entry, ttk.Button, ttk.Checkbutton, ttk.Treeview, tk.Text)  # Combobox is an Entry


def bind_tree(root: tk.Misc, sequence: str, handler: Callable[[], object]) -> None:
    """Bind the key ``sequence`` on every input and button below ``root`` to ``handler`` (no event).
    Labels and frames are left alone: Tk would count a widget with a key binding as one that Tab visits."""

    def call(_event: tk.Event) -> str:
        handler()
        return "break"

    for widget in _descendants(root):
        if isinstance(widget, INTERACTIVE):
            widget.bind(sequence, call, add="+")


def autowrap(label: ttk.Label, minimum: int = 120) -> ttk.Label:
    """Make ``label`` wrap its text at whatever width the layout gives it (grid it with sticky "ew")."""

    def fit(event: tk.Event) -> None:
        wanted = max(minimum, event.width - 4)
        # Small changes are ignored: the label's own size feeds back into the layout, and chasing a
        # pixel or two can make the two bounce between widths for ever.
        if abs(wanted - int(str(label.cget("wraplength")) or 0)) >= 8:
            label.configure(wraplength=wanted)

    label.bind("<Configure>", fit, add="+")
    return label


def _descendants(widget: tk.Misc) -> list[tk.Misc]:
    found: list[tk.Misc] = []
    for child in widget.winfo_children():
        found.append(child)
        found.extend(_descendants(child))
    return found


# --- backdrop -----------------------------------------------------------------------------------------

class Backdrop:
    """The welcome screen's picture filling ``screen``, with a soft shadow under ``card``.
    Scaling runs on a worker (Pillow only, plain values); the photo is shown on the Tk thread."""

    def __init__(self, screen: tk.Misc, app: MedLinkApp) -> None:
        self.screen = screen
        self.app = app
        self.label = ttk.Label(screen, style="Backdrop.TLabel")
        self.label.place(x=0, y=0, relwidth=1, relheight=1)
        self.card: tk.Misc | None = None
        self._job: str | None = None
        self._key: tuple[object, ...] | None = None
        self._task: BackgroundTask | None = None
        self._photo: ImageTk.PhotoImage | None = None
        screen.bind("<Configure>", self._schedule, add="+")

    def follow(self, card: tk.Misc) -> None:
        """Cast the shadow of ``card`` (a widget placed over the backdrop)."""
        self.card = card
        card.bind("<Configure>", self._schedule, add="+")

    def _schedule(self, _event: tk.Event | None = None) -> None:
        if self._job is not None:
            self.screen.after_cancel(self._job)
        self._job = self.screen.after(RESIZE_DELAY_MS, self.draw)

    def draw(self) -> None:
        self._job = None
        card = self.card
        box = None
        if card is not None and card.winfo_ismapped():
            box = (card.winfo_x(), card.winfo_y(), card.winfo_x() + card.winfo_width(),
                   card.winfo_y() + card.winfo_height())
        key = (self.screen.winfo_width(), self.screen.winfo_height(), box)
        if key == self._key or key[0] < 2 or key[1] < 2:
            return
        self._key = key
        if self._task is not None:
            self._task.cancel()
        self._task = run_in_background(self.screen, cover_image, "background", *key, on_done=self._show)

    def _show(self, image: Image.Image | None) -> None:
        if image is not None:
            self._photo = self.app.images.to_photo(image)
            self.label.configure(image=self._photo)


# --- scrollable area ----------------------------------------------------------------------------------

class ScrollArea(ttk.Frame):
    """A vertically scrolling area: put widgets in ``body``; call :meth:`enable_wheel` once they exist
    so the mouse wheel scrolls from anywhere over them and Tab scrolls the focused field into view."""

    def __init__(self, parent: tk.Misc, *, padding: Any = 0) -> None:
        super().__init__(parent)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.canvas = tk.Canvas(self, highlightthickness=0, borderwidth=0, yscrollincrement=20,
                                background=theme.PALETTE.panel)
        self.canvas.grid(row=0, column=0, sticky="nsew")
        self.scrollbar = ttk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.scrollbar.grid(row=0, column=1, sticky="ns")
        self.canvas.configure(yscrollcommand=self.scrollbar.set)
        self.body = ttk.Frame(self.canvas, padding=padding)
        # A fixed width from the start: a body sized by its own request would let wrapping labels
        # (whose request follows their width) chase each other. The canvas's width replaces it.
        self._window = self.canvas.create_window(0, 0, window=self.body, anchor="nw", width=INITIAL_WIDTH)
        self.body.bind("<Configure>", self._on_body_resize)
        self.canvas.bind("<Configure>", self._on_canvas_resize)

    def _on_body_resize(self, _event: tk.Event) -> None:
        self.canvas.configure(scrollregion=(0, 0, self.canvas.winfo_width(), self.body.winfo_reqheight()))
        self._update_scrollbar()

    def _on_canvas_resize(self, event: tk.Event) -> None:
        self.canvas.itemconfigure(self._window, width=event.width)
        self._update_scrollbar()
        # A width set while the body is still settling may be ignored by Tk: set it again when idle.
        self.after_idle(self._fit_width)

    def _fit_width(self) -> None:
        width = self.canvas.winfo_width()
        if width > 1 and self.body.winfo_width() != width:
            self.canvas.itemconfigure(self._window, width=width)

    def _update_scrollbar(self) -> None:
        if self.canvas.winfo_height() <= 1:
            return  # not laid out yet
        if self.body.winfo_reqheight() > self.canvas.winfo_height() + 1:
            self.scrollbar.grid()
        else:
            self.scrollbar.grid_remove()
            self.canvas.yview_moveto(0)

    def scroll_to_top(self) -> None:
        self.canvas.yview_moveto(0)

    def enable_wheel(self) -> None:
        """Let the wheel scroll the area over every widget inside it, and keep the focus visible."""
        for widget in [self.canvas, self.body, *_descendants(self.body)]:
            if getattr(widget, "_medlink_wheel", False):
                continue
            widget._medlink_wheel = True  # type: ignore[attr-defined]
            for sequence in ("<MouseWheel>", "<Button-4>", "<Button-5>"):
                widget.bind(sequence, self._on_wheel, add="+")
            if isinstance(widget, (ttk.Entry, ttk.Combobox, tk.Text, ttk.Checkbutton, ttk.Button)):
                widget.bind("<FocusIn>", lambda e, w=widget: self.see(w), add="+")

    def _on_wheel(self, event: tk.Event) -> str | None:
        if isinstance(event.widget, (tk.Text, ttk.Treeview)) and event.widget.yview() != (0.0, 1.0):
            return None  # a long text or table scrolls itself
        if not self.scrollbar.winfo_ismapped():
            return "break"
        up = event.num == 4 or getattr(event, "delta", 0) > 0
        self.canvas.yview_scroll(-WHEEL_UNITS if up else WHEEL_UNITS, "units")
        return "break"

    def see(self, widget: tk.Misc, margin: int = 48) -> None:
        """Scroll so that ``widget`` is in view."""
        total = self.body.winfo_height()
        view = self.canvas.winfo_height()
        if total <= view or view < 2:
            return
        top = widget.winfo_rooty() - self.body.winfo_rooty()
        bottom = top + widget.winfo_height()
        first = self.canvas.canvasy(0)
        if top - margin < first:
            self.canvas.yview_moveto(max(0, top - margin) / total)
        elif bottom + margin > first + view:
            self.canvas.yview_moveto(min(total - view, bottom + margin - view) / total)


def scrolling_page(screen: ttk.Frame, padding: Any = (32, 26, 28, 24)) -> tuple[ScrollArea, ttk.Frame]:
    """Fill ``screen`` with a page that scrolls as a whole (on a small window nothing goes out of
    reach); returns the scroll area and the page to build in (its columns are the caller's)."""
    ensure_styles(screen.winfo_toplevel())
    screen.columnconfigure(0, weight=1)
    screen.rowconfigure(0, weight=1)
    scroll = ScrollArea(screen, padding=padding)
    scroll.grid(row=0, column=0, sticky="nsew")
    return scroll, scroll.body


# --- table --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int = 120
    anchor: str = "w"
    stretch: bool = True


@dataclass(frozen=True)
class Row:
    """One table row: ``iid`` identifies it, ``values`` are shown, ``sort_keys`` (by column key)
    order it when that column's heading is clicked (the shown text, case-folded, if absent)."""

    iid: str
    values: Sequence[str]
    sort_keys: Mapping[str, Any] | None = None


class DataTable(ttk.Frame):
    """A Treeview with sortable headings, striped rows, a scrollbar and an empty-state message."""

    def __init__(self, parent: tk.Misc, columns: Sequence[Column], *, height: int = 8,
                 empty_text: str = "Nothing to show.") -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.tree = ttk.Treeview(self, columns=[c.key for c in columns], show="headings", height=height,
                                 selectmode="browse")
        self.tree.grid(row=0, column=0, sticky="nsew")
        self.scrollbar = ttk.Scrollbar(self, orient="vertical", command=self.tree.yview)
        self.scrollbar.grid(row=0, column=1, sticky="ns")
        self.tree.configure(yscrollcommand=self._on_scroll)
        for column in columns:
            self.tree.heading(column.key, text=column.title, anchor=column.anchor,
                              command=lambda k=column.key: self.sort_by(k))
            self.tree.column(column.key, width=column.width, minwidth=min(60, column.width), anchor=column.anchor,
                             stretch=column.stretch)
        self.tree.bind("<Configure>", self._fit_columns, add="+")
        self.empty = ttk.Label(self, text=empty_text, style="Muted.TLabel", justify="center")
        self._sort_keys: dict[str, dict[str, Any]] = {}
        self._sorted: tuple[str, bool] | None = None

    def _fit_columns(self, event: tk.Event) -> None:
        """Share the table's width out: fixed columns keep theirs, the others grow or shrink in
        proportion to their given widths (Tk alone would let the last columns run off the edge)."""
        fixed = sum(c.width for c in self.columns if not c.stretch)
        flexible = [c for c in self.columns if c.stretch]
        weight = sum(c.width for c in flexible) or 1
        room = max(0, event.width - fixed - 2)
        for column in self.columns:
            width = column.width if not column.stretch else max(40, room * column.width // weight)
            self.tree.column(column.key, width=width)

    def _on_scroll(self, first: str, last: str) -> None:
        self.scrollbar.set(first, last)
        if float(first) <= 0.0 and float(last) >= 1.0:
            self.scrollbar.grid_remove()  # everything fits: no scrollbar
        else:
            self.scrollbar.grid()

    def set_rows(self, rows: Iterable[Row], keep_selection: bool = True) -> None:
        """Replace every row; the sort order and (if it is still there) the selection are kept."""
        selected = self.selected_id() if keep_selection else None
        self.tree.delete(*self.tree.get_children(""))
        self._sort_keys = {}
        for row in rows:
            self.tree.insert("", "end", iid=row.iid, values=list(row.values))
            keys = {c.key: str(v).casefold() for c, v in zip(self.columns, row.values, strict=False)}
            keys.update(row.sort_keys or {})
            self._sort_keys[row.iid] = keys
        if self._sorted is not None:
            self.sort_by(*self._sorted)
        else:
            theme.stripe_rows(self.tree)
        if selected is not None and self.tree.exists(selected):
            self.select(selected)
        self._show_empty(not self._sort_keys)

    def _show_empty(self, empty: bool) -> None:
        if empty:
            self.empty.place(in_=self.tree, relx=0.5, rely=0.55, anchor="center")
            self.empty.lift()
        else:
            self.empty.place_forget()

    def sort_by(self, key: str, descending: bool | None = None) -> None:
        """Order the rows by column ``key``; without ``descending``, a second click reverses."""
        if descending is None:
            descending = self._sorted == (key, False)
        order = sorted(self._sort_keys, key=lambda iid: _sortable(self._sort_keys[iid].get(key)),
                       reverse=descending)
        for index, iid in enumerate(order):
            self.tree.move(iid, "", index)
        self._sorted = (key, descending)
        for column in self.columns:
            arrow = (" \u25bc" if descending else " \u25b2") if column.key == key else ""
            self.tree.heading(column.key, text=column.title + arrow)
        theme.stripe_rows(self.tree)

    def show_order(self, key: str | None, descending: bool = False) -> None:
        """The rows keep the order they were given in (sorted elsewhere, e.g. by the database, page by
        page); the heading of ``key`` shows that order."""
        self._sorted = None
        for column in self.columns:
            arrow = (" \u25bc" if descending else " \u25b2") if column.key == key else ""
            self.tree.heading(column.key, text=column.title + arrow)

    def selected_id(self) -> str | None:
        selection = self.tree.selection()
        return selection[0] if selection else None

    def select(self, iid: str) -> None:
        self.tree.selection_set(iid)
        self.tree.focus(iid)
        self.tree.see(iid)

    def row_ids(self) -> list[str]:
        return list(self.tree.get_children(""))

    def on_select(self, callback: Callable[[str | None], object]) -> None:
        self.tree.bind("<<TreeviewSelect>>", lambda _e: callback(self.selected_id()), add="+")


def _sortable(value: Any) -> tuple[int, Any]:
    # None sorts last; numbers, dates and text never meet in one column.
    return (1, "") if value is None else (0, value)


# --- banners, badges, label/value pairs ---------------------------------------------------------------

class Banner(ttk.Frame):
    """A tinted box with a title and a message: ``kind`` is info, warn, alert or ok."""

    def __init__(self, parent: tk.Misc) -> None:
        super().__init__(parent, padding=(20, 14))
        self.columnconfigure(1, weight=1)
        self.badge = ttk.Label(self, text=VERIFIED_BADGE, style="Badge.TLabel")
        self.title = autowrap(ttk.Label(self, wraplength=600))
        self.title.grid(row=0, column=1, sticky="ew")
        self.message = autowrap(ttk.Label(self, justify="left", wraplength=400))
        self.message.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(6, 0))

    def show(self, kind: str, title: str, message: str, badge: bool = False) -> None:
        name = kind.title()
        self.configure(style=f"{name}Banner.TFrame")
        self.title.configure(text=title, style=f"{name}BannerTitle.TLabel")
        self.message.configure(text=message, style=f"{name}Banner.TLabel")
        if badge:
            self.badge.grid(row=0, column=0, sticky="w", padx=(0, 12))
        else:
            self.badge.grid_remove()


class Details(ttk.Frame):
    """Label/value pairs in two aligned columns: ``set([("E-mail", "a@b.in"), ...])``. Values wrap
    at the width the layout gives them."""

    def __init__(self, parent: tk.Misc, *, label_width: int = 16, wrap: int = 300) -> None:
        super().__init__(parent)
        self.columnconfigure(1, weight=1)
        self._label_width = label_width
        self._wrap = wrap
        self._labels: list[ttk.Label] = []

    def set(self, pairs: Sequence[tuple[str, str]]) -> None:
        for label in self._labels:
            label.destroy()
        self._labels = []
        for row, (name, value) in enumerate(pairs):
            key = ttk.Label(self, text=name, style="Muted.TLabel", width=self._label_width, anchor="nw")
            shown = autowrap(ttk.Label(self, text=value, wraplength=self._wrap, justify="left", anchor="nw"))
            key.grid(row=row, column=0, sticky="nw", pady=3)
            shown.grid(row=row, column=1, sticky="new", pady=3, padx=(8, 0))
            self._labels += [key, shown]

    def texts(self) -> list[str]:
        return [str(label.cget("text")) for label in self._labels]


# --- formatting ---------------------------------------------------------------------------------------

def long_date(day: dt.date | dt.datetime | None) -> str:
    """``14 March 1988`` (no leading zero), or an empty string."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def years(count: int) -> str:
    return "1 year" if count == 1 else f"{count} years"


def greeting(hour: int) -> str:
    if hour < 12:
        return "Good morning"
    if hour < 17:
        return "Good afternoon"
    return "Good evening"


def phone_display(number: str | None) -> str:
    """``+91 98765 43210`` for an Indian mobile; other numbers as stored."""
    if not number:
        return ""
    if number.startswith("+91") and len(number) == 13:
        return f"+91 {number[3:8]} {number[8:]}"
    return number


# --- patient side: money, times and sizes as people read them ------------------------------------------

def amount_text(amount: Any, always_paise: bool = False) -> str:
    """Indian digit grouping: ``125000`` -> ``1,25,000``; paise only when there are any, unless
    ``always_paise`` (a bill's amounts: ``1,416.00``)."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    whole, paise = f"{abs(value):.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    text = ("-" if value < 0 else "") + ",".join([*groups, tail])
    return text + (f".{paise}" if always_paise or paise != "00" else "")


def rupees(amount: Any, always_paise: bool = False) -> str:
    """``Rs. 1,200`` (``Rs. 1,416.00`` with ``always_paise``)."""
    return f"Rs. {amount_text(amount, always_paise)}"


def short_date(day: dt.date) -> str:
    """``Tue 1 Dec 2026``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def day_and_date(day: dt.date) -> str:
    """``Tuesday, 1 December 2026``."""
    return f"{day:%A}, {long_date(day)}"


def clock_time(moment: dt.time | dt.datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def slot_text(moment: dt.datetime | None, today: dt.date, days: int = 14) -> str:
    """When the next open slot is, the way a patient says it: ``Today 10:20``, ``Tomorrow 09:00``,
    ``Tue 2 Dec, 09:00``, or ``No open slot in 14 days``."""
    if moment is None:
        return f"No open slot in {days} days"
    if moment.date() == today:
        return f"Today {clock_time(moment)}"
    if moment.date() == today + dt.timedelta(days=1):
        return f"Tomorrow {clock_time(moment)}"
    return f"{moment:%a} {moment.day} {moment:%b}, {clock_time(moment)}"


def file_size(size: int) -> str:
    """``820 bytes``, ``14 KB``, ``2.4 MB``."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# --- patient side: choices drawn as buttons, paging, dialogs --------------------------------------------

def ensure_choice_styles(root: tk.Misc) -> None:
    """``Choice.TButton``: a button that stays pressed while it is the chosen one (an open time, a mode)."""
    style = ttk.Style(root)
    if style.configure("Choice.TButton"):
        return
    p = theme.PALETTE
    style.configure("Choice.TButton", background=p.panel, foreground=p.text, bordercolor=p.border, padding=(10, 5),
                    width=0, lightcolor=p.panel, darkcolor=p.panel, relief="solid", focusthickness=0)
    style.map(
        "Choice.TButton",
        background=[("disabled", p.stripe), ("selected", p.accent), ("active", p.accent_soft)],
        foreground=[("disabled", p.disabled), ("selected", p.header_text)],
        bordercolor=[("selected", p.accent), ("focus", p.accent), ("active", p.accent)],
        lightcolor=[("selected", p.accent), ("active", p.accent_soft)],
        darkcolor=[("selected", p.accent), ("active", p.accent_soft)],
    )
    style.configure("Slot.Choice.TButton", padding=(2, 5))


class ChoiceButtons(ttk.Frame):
    """A row or grid of buttons of which one is chosen, drawn filled: open times, a mode, a view.
    The choice is each button's ``selected`` state (no Tk variable to outlive the window).
    ``columns`` > 0 wraps the buttons into a grid; ``empty_text`` shows when there are none."""

    def __init__(self, parent: tk.Misc, *, columns: int = 0, on_change: Callable[[str], object] | None = None,
                 empty_text: str = "", min_width: int = 0, style: str = "Choice.TButton") -> None:
        super().__init__(parent)
        ensure_choice_styles(self)
        self._style = style
        self._columns = columns
        self._on_change = on_change
        self._min_width = min_width
        self.buttons: dict[str, ttk.Button] = {}
        self.empty = autowrap(ttk.Label(self, text=empty_text, style="Muted.TLabel", justify="left", wraplength=300))
        self._chosen: str | None = None

    def set_options(self, options: Sequence[tuple[str, str]], chosen: str | None = None) -> None:
        """Replace the buttons with ``(value, label)`` options; ``chosen`` stays chosen if offered."""
        for button in self.buttons.values():
            button.destroy()
        self.buttons = {}
        for index, (value, label) in enumerate(options):
            button = ttk.Button(self, text=label, style=self._style, command=lambda v=value: self._pick(v))
            if self._columns:
                button.grid(row=index // self._columns, column=index % self._columns, sticky="ew",
                            padx=(0, 6), pady=(0, 6))
            else:
                button.grid(row=0, column=index, sticky="ew", padx=(0, 6))
            self.buttons[value] = button
        for column in range(self._columns):
            self.columnconfigure(column, weight=1, uniform="choices", minsize=self._min_width)
        if options:
            self.empty.grid_remove()
        else:
            self.empty.grid(row=0, column=0, columnspan=max(1, self._columns), sticky="ew")
        self.set(chosen if chosen in self.buttons else None)

    def get(self) -> str | None:
        return self._chosen

    def set(self, value: str | None) -> None:
        self._chosen = value if value in self.buttons else None
        for key, button in self.buttons.items():
            button.state(["selected" if key == self._chosen else "!selected"])

    def values(self) -> list[str]:
        return list(self.buttons)

    def _pick(self, value: str) -> None:
        self.set(value)
        if self._on_change is not None:
            self._on_change(value)


class Pager(ttk.Frame):
    """``1–20 of 134`` with Previous and Next. ``on_page(offset)`` is called with the new offset."""

    def __init__(self, parent: tk.Misc, on_page: Callable[[int], object], page_size: int = 20) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self._on_page = on_page
        self.offset = 0
        self._has_next = False
        self.label = ttk.Label(self, text="", style="Muted.TLabel")
        self.label.pack(side="left")
        self.next_button = ttk.Button(self, text="Next \u203a", command=self._next)
        self.next_button.pack(side="right")
        self.previous_button = ttk.Button(self, text="\u2039 Previous", command=self._previous)
        self.previous_button.pack(side="right", padx=(0, 8))

    def show(self, offset: int, shown: int, total: int | None = None, more: bool = False) -> None:
        """Rows ``offset`` to ``offset + shown`` are on screen, of ``total`` (or ``more`` follow)."""
        self.offset = offset
        self._has_next = offset + shown < total if total is not None else more
        if shown == 0:
            text = "" if offset == 0 else "No more"
        else:
            text = f"{offset + 1}\u2013{offset + shown}" + (f" of {total}" if total is not None else "")
        self.label.configure(text=text)
        self.update_buttons()

    def update_buttons(self) -> None:
        """Previous and Next enabled where there is somewhere to go (call again after a busy spell)."""
        self.previous_button.state(["!disabled" if self.offset > 0 else "disabled"])
        self.next_button.state(["!disabled" if self._has_next else "disabled"])

    def _previous(self) -> None:
        self._on_page(max(0, self.offset - self.page_size))

    def _next(self) -> None:
        self._on_page(self.offset + self.page_size)


class ModalDialog(tk.Toplevel):
    """A dialog window over the app: ``body`` for its content, a button row with the primary action
    on the right, Enter submits and Escape cancels. Modal (a grab) except when ``app.testing``, and
    never waited for: the actions carry on from the buttons. ``run_task`` runs a service call on a
    worker with the dialog's buttons disabled meanwhile."""

    def __init__(self, app: MedLinkApp, title: str, primary: str, on_submit: Callable[[], object],
                 cancel_text: str = "Cancel", width: int = 460) -> None:
        super().__init__(app)
        self.app = app
        self.withdraw()
        self.title(title)
        self.transient(app)
        self.resizable(False, False)
        # A thin edge of its own: without a window manager (or with a flat one) it still stands out.
        self.configure(background=theme.PALETTE.panel, highlightthickness=1,
                       highlightbackground=theme.PALETTE.border, highlightcolor=theme.PALETTE.border)
        self._on_submit = on_submit
        outer = ttk.Frame(self, padding=(26, 22, 26, 20))
        outer.pack(fill="both", expand=True)
        outer.columnconfigure(0, weight=1, minsize=width)
        self.heading = ttk.Label(outer, text=title, style="Heading.TLabel")
        self.heading.grid(row=0, column=0, sticky="w", pady=(0, 12))
        self.body = ttk.Frame(outer)
        self.body.grid(row=1, column=0, sticky="nsew")
        self.body.columnconfigure(0, weight=1)
        self.message = autowrap(ttk.Label(outer, text="", style="Error.TLabel", justify="left", wraplength=width))
        self.message.grid(row=2, column=0, sticky="ew", pady=(10, 0))
        row = ttk.Frame(outer)
        row.grid(row=3, column=0, sticky="ew", pady=(14, 0))
        self.primary_button = ttk.Button(row, text=primary, style="Primary.TButton", command=self.submit)
        self.primary_button.pack(side="right")
        self.cancel_button = ttk.Button(row, text=cancel_text, command=self.close)
        self.cancel_button.pack(side="right", padx=(0, 10))
        self.frame = outer
        self.bind("<Escape>", lambda _e: self.close())
        self.bind("<Return>", self._on_return)
        self.bind("<KP_Enter>", self._on_return)
        self.protocol("WM_DELETE_WINDOW", self.close)

    def open(self) -> None:
        """Show the dialog centred over the app window (modal unless testing)."""
        self.update_idletasks()
        app = self.app
        left = app.winfo_rootx() + max(0, (app.winfo_width() - self.winfo_reqwidth()) // 2)
        top = app.winfo_rooty() + max(0, (app.winfo_height() - self.winfo_reqheight()) // 3)
        self.geometry(f"+{left}+{top}")
        self.deiconify()
        if not app.testing:
            self.grab_set()
        self.primary_button.focus_set()

    def submit(self) -> None:
        if not is_busy(self.frame):
            self._on_submit()

    def close(self) -> None:
        if self.winfo_exists():
            self.grab_release()
            self.destroy()

    def show_message(self, text: str) -> None:
        self.message.configure(text=text)

    def run_task(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], object] | None = None,
                 on_error: Callable[[BaseException], object] | None = None, **kwargs: Any) -> BackgroundTask:
        """Run ``fn`` (a service method, with plain values) on a worker; the dialog is busy meanwhile."""
        set_busy(self.frame, True)
        return run_in_background(self, fn, *args, on_done=on_done, on_error=on_error,
                                 on_finally=lambda: set_busy(self.frame, False), **kwargs)

    @property
    def is_busy(self) -> bool:
        return is_busy(self.frame)

    def _on_return(self, event: tk.Event) -> str | None:
        if isinstance(event.widget, (tk.Text, ttk.Button)):
            return None  # a new line, or the focused button's own action
        self.submit()
        return "break"


def fit_clipped_labels(root: tk.Misc) -> None:
    """Re-wrap the wrapping labels below ``root`` that ask for more width than they were given.
    :func:`autowrap` ignores changes of a few pixels (a scrollbar appearing beside a ScrollArea);
    call this once the layout has settled."""
    for widget in _descendants(root):
        if isinstance(widget, ttk.Label) and int(str(widget.cget("wraplength")) or 0) > 0:
            width = widget.winfo_width()
            if width > 1 and widget.winfo_reqwidth() > width:
                widget.configure(wraplength=max(60, width - 4))


def keep_labels_fitted(area: ScrollArea) -> None:
    """Call :func:`fit_clipped_labels` on ``area``'s body whenever the area changes size."""
    def fit(_event: tk.Event | None = None) -> None:
        area.after(RESIZE_DELAY_MS, lambda: fit_clipped_labels(area.body))

    area.canvas.bind("<Configure>", fit, add="+")
    area.body.bind("<Configure>", fit, add="+")
