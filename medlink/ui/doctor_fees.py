"""``doctor_fees``: the doctor's fee section (issue 5).

Consultation, lab test, medication and other fees, each a rupee amount. A value the doctor never set
is the clinic's configured default and is marked "default". Beside the form, an example receipt
follows the amounts as they are typed (``ml.billing.compute``: pure arithmetic, run on the Tk thread)
and shows the GST rate. Save stores all four through ``ml.billing.set_fees``; a refused amount is
shown under its field.
"""

from __future__ import annotations

from tkinter import ttk
from typing import Any

from medlink.errors import ValidationError
from medlink.models import Fees
from medlink.ui.breakdown import BreakdownView, rate_text, watch_entry
from medlink.ui.forms import EntryField, Form, button_row
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import amount_text, autowrap, scrolling_page

FEES = (
    ("consultation", "Consultation fee (Rs.)"),
    ("lab_test", "Lab test fee (Rs.)"),
    ("medication", "Medication fee (Rs.)"),
    ("other", "Other fees (Rs.)"),
)
DEFAULT_TAG = "default"
DEFAULTS_NOTE = ("Fields marked \u201cdefault\u201d show the clinic's standard amount: you have not set your own "
                 "yet. Saving makes all four your fees.")
OWN_NOTE = "These are your own fees. Each receipt you generate charges them."
EXAMPLE_NOTE = ("GST at {rate} is charged on consultation, lab test and medication; other fees are added after "
                "GST. Extra charges are asked for when you generate a receipt.")


def fee_values(fees: Fees) -> dict[str, str]:
    """The form's text for each fee: ``500`` or ``499.50``."""
    return {name: plain_amount(getattr(fees, name)) for name, _ in FEES}


def plain_amount(amount: Any) -> str:
    return amount_text(amount).replace(",", "")


@register_screen("doctor_fees")
class DoctorFeesScreen(Screen):
    title = "Fees"
    roles = ("doctor",)
    padding = 0

    def _build(self) -> None:
        ttk.Style(self.app).configure("Tag.TLabel", background=self.app.palette.accent_soft,
                                      foreground=self.app.palette.header, padding=(6, 0))
        self.scroll, page = scrolling_page(self, padding=(28, 22, 24, 20))
        page.columnconfigure(0, weight=5, uniform="fees")
        page.columnconfigure(1, weight=4, uniform="fees")
        ttk.Label(page, text="Fees", style="Title.TLabel").grid(row=0, column=0, columnspan=2, sticky="w")
        autowrap(ttk.Label(page, text="What your receipts charge, in rupees. New fees apply to the receipts you "
                           "generate from now on.", style="Muted.TLabel", wraplength=700,
                           justify="left")).grid(row=1, column=0, columnspan=2, sticky="ew", pady=(4, 16))
        self._build_form(page)
        self._build_example(page)
        self.scroll.enable_wheel()
        self.fees: Fees | None = None

    def _build_form(self, page: ttk.Frame) -> None:
        card = ttk.Frame(page, style="Card.TFrame", padding=(22, 16, 22, 18))
        card.grid(row=2, column=0, sticky="nsew", padx=(0, 18))
        card.columnconfigure(0, weight=1)
        ttk.Label(card, text="Your fees", style="Heading.TLabel").grid(row=0, column=0, sticky="w")
        self.note = autowrap(ttk.Label(card, text="", style="Muted.TLabel", justify="left", wraplength=340))
        self.note.grid(row=1, column=0, sticky="ew", pady=(4, 10))
        self.form = Form(self._on_save, self._on_undo, busy=lambda: self.is_busy)
        self.tags: dict[str, ttk.Label] = {}
        for row, (name, label) in enumerate(FEES, start=2):
            field = self.form.entry(card, name, label, width=14)
            field.frame.grid(row=row, column=0, sticky="ew")
            field.widget.grid_configure(sticky="w")
            self.tags[name] = self._tag(field)
            watch_entry(field.widget, self._update_example)  # type: ignore[arg-type]
        footer = ttk.Frame(card)
        footer.grid(row=10, column=0, sticky="ew", pady=(6, 0))
        footer.columnconfigure(0, weight=1)
        self.saved = autowrap(ttk.Label(footer, text="", style="Success.TLabel", justify="left", wraplength=180))
        self.saved.grid(row=0, column=0, sticky="ew")
        autowrap(self.form.message_line(footer, wraplength=180)).grid(row=1, column=0, sticky="ew")
        row, self.save_button = button_row(footer, ("Save fees", self._on_save), secondary=[("Undo", self._on_undo)])
        row.grid(row=0, column=1, rowspan=2, sticky="e")

    def _tag(self, field: EntryField) -> ttk.Label:
        """The "default" mark just right of a field's label."""
        tag = ttk.Label(field.frame, text=DEFAULT_TAG, style="Tag.TLabel")
        tag.grid(row=0, column=0, sticky="w", padx=(field.label.winfo_reqwidth() + 8, 0), pady=(0, 4))
        tag.grid_remove()
        return tag

    def _build_example(self, page: ttk.Frame) -> None:
        card = ttk.Frame(page, style="Card.TFrame", padding=(22, 16, 22, 18))
        card.grid(row=2, column=1, sticky="nsew")
        card.columnconfigure(0, weight=1)
        ttk.Label(card, text="Example receipt", style="Heading.TLabel").grid(row=0, column=0, sticky="w")
        ttk.Label(card, text="One appointment, no extra charges", style="Muted.TLabel").grid(
            row=1, column=0, sticky="w", pady=(4, 12))
        self.example = BreakdownView(card, extra=False)
        self.example.grid(row=2, column=0, sticky="ew")
        self.example_note = autowrap(ttk.Label(card, text="", style="Muted.TLabel", justify="left", wraplength=260))
        self.example_note.grid(row=3, column=0, sticky="ew", pady=(14, 0))

    # --- loading ----------------------------------------------------------------------------------

    def refresh(self, **context: Any) -> None:
        self.form.clear_errors()
        self.saved.configure(text="")
        self.example_note.configure(text=EXAMPLE_NOTE.format(rate=rate_text(self.ml.settings.gst_rate)))
        self.run_task(self.ml.billing.fees, self.app.session.user_id, on_done=self._show)

    def focus_first(self) -> None:
        self.form.focus_first()

    def _show(self, fees: Fees) -> None:
        self.fees = fees
        self.form.set_values(fee_values(fees))
        for name, tag in self.tags.items():
            if name in fees.defaults:
                tag.grid()
            else:
                tag.grid_remove()
        self.note.configure(text=DEFAULTS_NOTE if fees.defaults else OWN_NOTE)
        self._update_example()

    def defaults_shown(self) -> set[str]:
        """The fields marked "default" (for tests)."""
        return {name for name, tag in self.tags.items() if tag.winfo_manager()}

    def _update_example(self) -> None:
        """The example receipt for the amounts typed so far; an amount that is not one shows its
        error under the field (an empty field is left alone until Save)."""
        values = self.form.values()
        bad = False
        for name, _ in FEES:
            try:
                self.ml.billing.compute(**{**{n: "0" for n, _ in FEES}, name: values[name].strip() or "0"})
                self.form.fields[name].set_error("")
            except ValidationError as exc:
                self.form.fields[name].set_error(exc.message)
                bad = True
        if bad:
            self.example.show(None)
            return
        self.example.show(self.ml.billing.compute(**{n: values[n].strip() or "0" for n, _ in FEES}))

    # --- saving -----------------------------------------------------------------------------------

    def _on_save(self) -> None:
        if self.is_busy or self.fees is None:
            return
        self.form.clear_errors()
        self.saved.configure(text="")
        values = {name: text.strip() for name, text in self.form.values().items()}
        self.run_task(self.ml.billing.set_fees, self.app.session, **values, on_done=self._on_saved,
                      on_error=self.form.show_failure)

    def _on_saved(self, fees: Fees) -> None:
        self._show(fees)
        self.saved.configure(text="Your fees were saved.")

    def _on_undo(self) -> None:
        if self.fees is not None and not self.is_busy:
            self.form.clear_errors()
            self._show(self.fees)
            self.saved.configure(text="Changes undone.")
