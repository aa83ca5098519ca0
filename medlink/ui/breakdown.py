"""A receipt's breakdown on screen: each charge, the subtotal, GST with its rate, other fees, extra
charges and the total, amounts right-aligned in rupees with two decimals; and :func:`watch_entry`, which
lets such a breakdown follow an amount as it is typed."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from decimal import Decimal
from tkinter import ttk

from medlink.models import Bill, Breakdown
from medlink.ui import theme
from medlink.ui.widgets import rupees

DASH = "\u2014"


def money(amount: Decimal | None) -> str:
    """``Rs. 1,416.00``: rupees with paise, as on the receipt; a dash for None."""
    return DASH if amount is None else rupees(amount, always_paise=True)


def rate_text(rate: Decimal) -> str:
    """``18%``, ``12.5%``: the GST rate without trailing zeros."""
    text = f"{Decimal(rate):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def breakdown_lines(b: Breakdown, extra: bool = True) -> list[tuple[str, str, str]]:
    """(key, label, amount) of each line, in the receipt's order."""
    lines = [
        ("consultation", "Consultation fee", money(b.consultation)),
        ("lab_test", "Lab test fee", money(b.lab_test)),
        ("medication", "Medication fee", money(b.medication)),
        ("subtotal", "Subtotal", money(b.subtotal)),
        ("gst", f"GST @ {rate_text(b.gst_rate)}", money(b.gst)),
        ("other", "Other fees", money(b.other)),
        ("extra", "Extra charges", money(b.extra)),
        ("total", "Total", money(b.total)),
    ]
    return [line for line in lines if extra or line[0] != "extra"]


def watch_entry(entry: ttk.Entry, on_change: Callable[[], object]) -> None:
    """Call ``on_change()`` (when idle, on the Tk thread) after every change to ``entry``'s text,
    typed or inserted. A validation hook rather than a Tk variable: nothing outlives the widget."""

    def changed(_proposed: str) -> bool:
        entry.after_idle(fire)
        return True

    def fire() -> None:
        if entry.winfo_exists():  # not after a log-out destroyed the form
            on_change()

    entry.configure(validate="key", validatecommand=(entry.register(changed), "%P"))


def bill_breakdown(bill: Bill) -> Breakdown:
    """The breakdown a bill row keeps."""
    return Breakdown(consultation=bill.consultation_fee, lab_test=bill.lab_test_fee, medication=bill.medication_fee,
                     subtotal=bill.subtotal, gst_rate=bill.gst_rate, gst=bill.gst_amount, other=bill.other_fees,
                     extra=bill.extra_charges, total=bill.total_amount)


class BreakdownView(ttk.Frame):
    """The lines of :func:`breakdown_lines` in two columns, a rule above the subtotal and the total."""

    RULED = ("subtotal", "total")

    def __init__(self, parent: tk.Misc, *, extra: bool = True, style: str = "TFrame") -> None:
        super().__init__(parent, style=style)
        self._extra = extra
        self.columnconfigure(0, weight=1)
        muted = "SubtleMuted.TLabel" if style == "Subtle.TFrame" else "Muted.TLabel"
        plain = "Subtle.TLabel" if style == "Subtle.TFrame" else "TLabel"
        self.labels: dict[str, ttk.Label] = {}
        self.amounts: dict[str, ttk.Label] = {}
        row = 0
        for key, label, _ in breakdown_lines(_ZERO, extra):
            if key in self.RULED:
                ttk.Frame(self, style="Rule.TFrame", height=1).grid(row=row, column=0, columnspan=2, sticky="ew",
                                                                      pady=(6, 4))
                row += 1
            bold = {"font": theme.HEADING} if key == "total" else {}
            self.labels[key] = ttk.Label(self, text=label, style=muted if key not in self.RULED else plain, **bold)
            self.labels[key].grid(row=row, column=0, sticky="w", pady=2)
            self.amounts[key] = ttk.Label(self, text=DASH, style=plain, anchor="e", **bold)
            self.amounts[key].grid(row=row, column=1, sticky="e", pady=2, padx=(24, 0))
            row += 1

    def show(self, b: Breakdown | None) -> None:
        """Show ``b``; None shows dashes."""
        if b is None:
            for amount in self.amounts.values():
                amount.configure(text=DASH)
            return
        for key, label, amount in breakdown_lines(b, self._extra):
            self.labels[key].configure(text=label)
            self.amounts[key].configure(text=amount)

    def set_amount(self, key: str, text: str) -> None:
        self.amounts[key].configure(text=text)

    def texts(self) -> dict[str, str]:
        """What each line shows, by key (for tests)."""
        return {key: f"{self.labels[key].cget('text')}: {self.amounts[key].cget('text')}" for key in self.amounts}


_ZERO = Breakdown(*(Decimal(0),) * 4, gst_rate=Decimal(18), gst=Decimal(0), other=Decimal(0), extra=Decimal(0),
                  total=Decimal(0))
