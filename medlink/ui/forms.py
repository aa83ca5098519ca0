"""Form pieces: fields with the label above and the error in red below, a :class:`Form` that collects
values and places errors by field name, and pure checks the screens run before calling a service.

A field's ``name`` is the service's field name (``email``, ``date_of_birth``, ``new_password``...),
so a ``ValidationError`` or ``ConflictError`` from a service lands under the field it names
(:meth:`Form.show_failure`). Enter in a one-line field submits the form, Escape cancels it; Tab in a
multi-line field moves on instead of typing a tab.

The checks (:func:`collect_errors`, :func:`confirmation_error`) are pure functions: no Tk, testable
alone. They call the same validators the services use, so a message is exactly the service's.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Mapping, Sequence
from tkinter import ttk
from typing import Any

from medlink import errors
from medlink.services import validation
from medlink.services.passwords import check_policy
from medlink.ui import theme
from medlink.ui.widgets import autowrap

MISMATCH = "The two passwords do not match."
PASSWORD_HINT = "8 to 128 characters; avoid common passwords."

# Offered in the doctor's specialty box; a doctor may type another.
COMMON_SPECIALTIES = (
    "General Physician", "Cardiology", "Dermatology", "Pediatrics", "Gynecology", "Orthopedics", "Neurology",
    "ENT", "Psychiatry", "Endocrinology", "Ophthalmology", "Pulmonology", "Gastroenterology", "Nephrology",
    "Urology", "Oncology", "Dentistry", "Physiotherapy", "Ayurveda", "Homeopathy",
)

Check = Callable[[Any], object]


# --- pure checks --------------------------------------------------------------------------------------

def confirmation_error(password: str, confirm: str) -> str | None:
    """The message for a confirmation that differs from the password (compared exactly as typed)."""
    return MISMATCH if password != confirm else None


def collect_errors(values: Mapping[str, Any], checks: Mapping[str, Check]) -> dict[str, str]:
    """Run ``checks[name](values[name])`` for every name; the messages of those that raise
    ``ValidationError``, by field name (the name the check was registered under)."""
    found: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check(values.get(name, ""))
        except errors.ValidationError as exc:
            found[name] = exc.message
    return found


def password_errors(values: Mapping[str, Any], password: str = "password",
                    confirm: str = "confirm_password") -> dict[str, str]:
    """Policy errors of the new password and a mismatch with its confirmation."""
    found = collect_errors(values, {password: lambda x: check_policy(x, password)})
    mismatch = confirmation_error(str(values.get(password, "")), str(values.get(confirm, "")))
    if mismatch and confirm not in found:
        found[confirm] = mismatch
    return found


def contact_checks() -> dict[str, Check]:
    """The checks of the contact fields every account has."""
    return {"name": validation.person_name, "email": validation.email, "phone": validation.phone}


def changed_fields(values: Mapping[str, Any], saved: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from what is saved (text compared without surrounding blanks)."""
    def normal(value: Any) -> Any:
        return value.strip() if isinstance(value, str) else ("" if value is None else value)

    return {k: v for k, v in values.items() if k in saved and normal(v) != normal(saved[k])}


# --- fields -------------------------------------------------------------------------------------------

class Field:
    """One labelled input: ``frame`` holds the label, the input, an optional hint and the error line."""

    def __init__(self, form: Form, parent: tk.Misc, name: str, label: str, hint: str = "") -> None:
        self.form = form
        self.name = name
        self.frame = ttk.Frame(parent)
        self.frame.columnconfigure(0, weight=1)
        self.label = ttk.Label(self.frame, text=label, style="FieldLabel.TLabel")
        self.label.grid(row=0, column=0, sticky="w", pady=(0, 4))
        self.widget: tk.Widget = self._make_input()
        self.widget.grid(row=1, column=0, sticky="ew")
        self.hint = autowrap(ttk.Label(self.frame, text=hint, style="Muted.TLabel", justify="left", wraplength=200))
        if hint:
            self.hint.grid(row=2, column=0, sticky="ew", pady=(3, 0))
        self.error = autowrap(ttk.Label(self.frame, text="", style="Error.TLabel", justify="left", wraplength=200))
        self.error.grid(row=3, column=0, sticky="ew", pady=(2, 6))

    def _make_input(self) -> tk.Widget:
        raise NotImplementedError

    def get(self) -> Any:
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError

    def set_error(self, message: str) -> None:
        self.error.configure(text=message)
        self._mark(bool(message))

    def _mark(self, invalid: bool) -> None:
        self.widget.state(["invalid" if invalid else "!invalid"])  # type: ignore[attr-defined]

    @property
    def error_text(self) -> str:
        return str(self.error.cget("text"))

    def focus(self) -> None:
        self.widget.focus_set()


class EntryField(Field):
    def __init__(self, form: Form, parent: tk.Misc, name: str, label: str, hint: str = "", *,
                 secret: bool = False, width: int = 30) -> None:
        self._secret = secret
        self._width = width
        super().__init__(form, parent, name, label, hint)
        self.widget.bind("<Return>", form.submit_event, add="+")
        self.widget.bind("<KP_Enter>", form.submit_event, add="+")

    def _make_input(self) -> tk.Widget:
        return ttk.Entry(self.frame, width=self._width, show="\u2022" if self._secret else "")

    def get(self) -> str:
        return str(self.widget.get())  # type: ignore[attr-defined]

    def set(self, value: Any) -> None:
        entry: ttk.Entry = self.widget  # type: ignore[assignment]
        read_only = entry.instate(["readonly"])
        entry.state(["!readonly"])
        entry.delete(0, "end")
        entry.insert(0, "" if value is None else str(value))
        if read_only:
            entry.state(["readonly"])


class ChoiceField(EntryField):
    """A combobox: ``editable`` lets the user type a value not in the list."""

    def __init__(self, form: Form, parent: tk.Misc, name: str, label: str, choices: Sequence[str],
                 hint: str = "", *, editable: bool = False, width: int = 30) -> None:
        self._choices = list(choices)
        self._editable = editable
        super().__init__(form, parent, name, label, hint, width=width)

    def _make_input(self) -> tk.Widget:
        return ttk.Combobox(self.frame, values=self._choices, width=self._width,
                            state="normal" if self._editable else "readonly")

    def set(self, value: Any) -> None:
        self.widget.set("" if value is None else str(value))  # type: ignore[attr-defined]


class TextField(Field):
    """Several lines of text. Enter starts a new line; Tab and Shift+Tab move between fields."""

    def __init__(self, form: Form, parent: tk.Misc, name: str, label: str, hint: str = "", *,
                 height: int = 3, width: int = 40) -> None:
        self._height = height
        self._width = width
        super().__init__(form, parent, name, label, hint)
        self.widget.bind("<Tab>", _focus_next, add="+")
        self.widget.bind("<Shift-Tab>", _focus_previous, add="+")
        self.widget.bind("<ISO_Left_Tab>", _focus_previous, add="+")

    def _make_input(self) -> tk.Widget:
        return tk.Text(self.frame, height=self._height, width=self._width, wrap="word", undo=True,
                       padx=6, pady=5, highlightthickness=1)

    def get(self) -> str:
        return str(self.widget.get("1.0", "end-1c"))  # type: ignore[attr-defined]

    def set(self, value: Any) -> None:
        text: tk.Text = self.widget  # type: ignore[assignment]
        text.delete("1.0", "end")
        text.insert("1.0", "" if value is None else str(value))
        text.edit_reset()

    def _mark(self, invalid: bool) -> None:
        p = theme.PALETTE
        colour = p.error if invalid else None
        self.widget.configure(highlightbackground=colour or p.border,  # type: ignore[call-arg]
                              highlightcolor=colour or p.accent)


class CheckField(Field):
    """A check box (its text is the label); the value is True or False."""

    def __init__(self, form: Form, parent: tk.Misc, name: str, label: str, hint: str = "") -> None:
        self._text = label
        super().__init__(form, parent, name, "", hint)
        self.label.grid_remove()
        self.widget.bind("<Return>", form.submit_event, add="+")

    def _make_input(self) -> tk.Widget:
        box = ttk.Checkbutton(self.frame, text=self._text, style="Field.TCheckbutton")
        box.state(["!alternate"])
        return box

    def get(self) -> bool:
        return bool(self.widget.instate(["selected"]))  # type: ignore[attr-defined]

    def set(self, value: Any) -> None:
        self.widget.state(["selected" if value else "!selected"])  # type: ignore[attr-defined]

    def _mark(self, invalid: bool) -> None:
        pass


class ValueField(Field):
    """A value shown, not edited (e.g. a verified registration number); never submitted."""

    def _make_input(self) -> tk.Widget:
        return ttk.Label(self.frame, text="", style="ReadOnly.TLabel")

    def get(self) -> str:
        return str(self.widget.cget("text"))

    def set(self, value: Any) -> None:
        self.widget.configure(text="" if value is None else str(value))

    def _mark(self, invalid: bool) -> None:
        pass


def _focus_next(event: tk.Event) -> str:
    event.widget.tk_focusNext().focus_set()
    return "break"


def _focus_previous(event: tk.Event) -> str:
    event.widget.tk_focusPrev().focus_set()
    return "break"


# --- the form -----------------------------------------------------------------------------------------

class Form:
    """Fields by name, one submit and one cancel action, a form-wide message line.

    ``on_submit`` runs on Enter in a one-line field (and from the screen's primary button);
    ``on_cancel`` on Escape in any field. Neither runs while ``busy()`` says the screen is busy.
    """

    def __init__(self, on_submit: Callable[[], object], on_cancel: Callable[[], object] | None = None,
                 busy: Callable[[], bool] = lambda: False) -> None:
        self.on_submit = on_submit
        self.on_cancel = on_cancel
        self.busy = busy
        self.fields: dict[str, Field] = {}
        self.message: ttk.Label | None = None

    # building
    def entry(self, parent: tk.Misc, name: str, label: str, hint: str = "", **options: Any) -> EntryField:
        return self._add(EntryField(self, parent, name, label, hint, **options))

    def choice(self, parent: tk.Misc, name: str, label: str, choices: Sequence[str], hint: str = "",
               **options: Any) -> ChoiceField:
        return self._add(ChoiceField(self, parent, name, label, choices, hint, **options))

    def text(self, parent: tk.Misc, name: str, label: str, hint: str = "", **options: Any) -> TextField:
        return self._add(TextField(self, parent, name, label, hint, **options))

    def check(self, parent: tk.Misc, name: str, label: str, hint: str = "") -> CheckField:
        return self._add(CheckField(self, parent, name, label, hint))

    def value(self, parent: tk.Misc, name: str, label: str, hint: str = "") -> ValueField:
        return self._add(ValueField(self, parent, name, label, hint))

    def message_line(self, parent: tk.Misc, wraplength: int = 420) -> ttk.Label:
        """The line for errors that belong to no one field (a failed login, a lost connection)."""
        self.message = ttk.Label(parent, text="", style="Error.TLabel", wraplength=wraplength, justify="left")
        return self.message

    def _add(self, field: Any) -> Any:
        self.fields[field.name] = field
        if self.on_cancel is not None:
            field.widget.bind("<Escape>", self.cancel_event, add="+")
        return field

    # events
    def submit_event(self, _event: tk.Event | None = None) -> str:
        if not self.busy():
            self.on_submit()
        return "break"

    def cancel_event(self, _event: tk.Event | None = None) -> str:
        if self.on_cancel is not None and not self.busy():
            self.on_cancel()
        return "break"

    # values
    def values(self) -> dict[str, Any]:
        """Every editable field's value, by name (read-only values are left out)."""
        return {name: f.get() for name, f in self.fields.items() if not isinstance(f, ValueField)}

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            if name in self.fields:
                self.fields[name].set(value)

    def clear(self, *names: str) -> None:
        """Empty the named fields (all when none is named)."""
        for name in names or tuple(self.fields):
            field = self.fields[name]
            field.set(False if isinstance(field, CheckField) else "")

    # errors
    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.set_error("")
        self.show_message("")

    def show_errors(self, found: Mapping[str, str]) -> None:
        """Show each message under its field and put the focus in the first field in error."""
        first = None
        for name, field in self.fields.items():
            if name in found:
                field.set_error(found[name])
                first = first or field
        unplaced = [message for name, message in found.items() if name not in self.fields]
        if unplaced:
            self.show_message(" ".join(unplaced))
        if first is not None:
            first.focus()

    def show_message(self, text: str) -> None:
        if self.message is not None:
            self.message.configure(text=text)

    def show_failure(self, error: BaseException) -> None:
        """Show a service's refusal on the form: under the field it names, or on the message line.
        Anything that is not a MedLinkError is a bug and goes on to the app's error handler."""
        if not isinstance(error, errors.MedLinkError):
            raise error
        field = getattr(error, "field", None)
        if field in self.fields:
            self.show_errors({field: error.message})
        else:
            self.show_message(error.message)

    def error_of(self, name: str) -> str:
        return self.fields[name].error_text

    def focus_first(self) -> None:
        for field in self.fields.values():
            if not isinstance(field, ValueField):
                field.focus()
                return


Action = tuple[str, Callable[[], object]]


def button_row(parent: tk.Misc, primary: Action, secondary: Sequence[Action] = (),
               left: Sequence[Action] = ()) -> tuple[ttk.Frame, ttk.Button]:
    """A row with the primary button on the right, ``secondary`` actions beside it and ``left``
    actions (Back) at the far left. The primary button is made first, so Tab reaches it straight
    after the last field."""
    row = ttk.Frame(parent)
    text, command = primary
    main = ttk.Button(row, text=text, style="Primary.TButton", command=command)
    main.pack(side="right")
    for label, action in secondary:
        ttk.Button(row, text=label, command=action).pack(side="right", padx=(0, 10))
    for label, action in left:
        ttk.Button(row, text=label, command=action).pack(side="left")
    return row, main


class FormGrid:
    """Lays fields out in reading order over ``columns`` equal columns, with section headings.
    Widgets are gridded in the order they were made, which is also the Tab order.

    Between two columns sits a spacer column ``gap`` pixels wide, so every column has the same width."""

    def __init__(self, parent: tk.Misc, columns: int = 2, gap: int = 24) -> None:
        self.parent = parent
        self.columns = columns
        self.row = 0
        self.column = 0
        for index in range(columns):
            parent.columnconfigure(2 * index, weight=1, uniform="form-grid")
            if index:
                parent.columnconfigure(2 * index - 1, minsize=gap)

    def section(self, title: str, caption: str = "") -> None:
        """A heading (and an optional caption) across the whole width."""
        self._new_line()
        top = 0 if self.row == 0 else 18
        ttk.Label(self.parent, text=title, style="Heading.TLabel").grid(
            row=self.row, column=0, columnspan=2 * self.columns - 1, sticky="w", pady=(top, 2 if caption else 10))
        self.row += 1
        if caption:
            note = autowrap(ttk.Label(self.parent, text=caption, style="Muted.TLabel", justify="left",
                                      wraplength=400))
            note.grid(row=self.row, column=0, columnspan=2 * self.columns - 1, sticky="ew", pady=(0, 10))
            self.row += 1

    def add(self, field: Field, span: int = 1) -> Field:
        self.place(field.frame, span)
        return field

    def place(self, widget: tk.Misc, span: int = 1, **grid: Any) -> tk.Misc:
        """Put ``widget`` in the next ``span`` columns (on a new line if they do not fit)."""
        span = min(span, self.columns)
        if self.column + span > self.columns:
            self._new_line()
        widget.grid(row=self.row, column=2 * self.column, columnspan=2 * span - 1, **{"sticky": "new", **grid})
        self.column += span
        if self.column >= self.columns:
            self._new_line()
        return widget

    def _new_line(self) -> None:
        if self.column:
            self.row += 1
            self.column = 0


class PasswordChange:
    """The "Change password" part of a profile screen: current, new and confirmation, with its own
    button. Works for any signed-in role through ``ml.auth.change_password`` on a worker."""

    def __init__(self, screen: Any, parent: tk.Misc) -> None:
        self.screen = screen
        self.form = Form(self._on_change, busy=lambda: bool(screen.is_busy))
        grid = FormGrid(parent, columns=3, gap=20)
        grid.section("Change password", "You stay signed in. Use the new password next time you sign in.")
        grid.add(self.form.entry(parent, "current_password", "Current password", secret=True, width=16))
        grid.add(self.form.entry(parent, "new_password", "New password", PASSWORD_HINT, secret=True, width=16))
        grid.add(self.form.entry(parent, "confirm_password", "Confirm new password", secret=True, width=16))
        footer = ttk.Frame(parent)
        grid.place(footer, span=3, pady=(4, 0))
        footer.columnconfigure(0, weight=1)
        self.done = ttk.Label(footer, text="", style="Success.TLabel")
        self.done.grid(row=0, column=0, sticky="w")
        self.form.message_line(footer, wraplength=420).grid(row=1, column=0, sticky="w")
        self.button = ttk.Button(footer, text="Change password", command=self._on_change)
        self.button.grid(row=0, column=1, rowspan=2, sticky="e")

    def _on_change(self) -> None:
        if self.screen.is_busy:
            return
        values = self.form.values()
        self.form.clear_errors()
        self.done.configure(text="")
        found = password_errors(values, "new_password", "confirm_password")
        if not values["current_password"]:
            found = {"current_password": "Enter your current password.", **found}
        if found:
            self.form.show_errors(found)
            return
        self.screen.run_task(self.screen.ml.auth.change_password, self.screen.app.session,
                             values["current_password"], values["new_password"],
                             on_done=self._on_changed, on_error=self.form.show_failure)

    def _on_changed(self, _result: object) -> None:
        self.form.clear()
        self.done.configure(text="Your password was changed.")

    def has_focus(self) -> bool:
        focused = self.button.focus_get()
        return focused is self.button or any(f.widget is focused for f in self.form.fields.values())

    def reset(self) -> None:
        self.form.clear()
        self.form.clear_errors()
        self.done.configure(text="")
