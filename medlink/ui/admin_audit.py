"""``admin_audit``: the newest rows of the audit trail, and "Check the chain", which walks the whole
hash chain and says whether any row was changed, removed or reordered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from tkinter import ttk
from typing import Any

from medlink.services.audit import AuditCheck
from medlink.ui import theme
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Column, DataTable, Row, autowrap, ensure_styles

ROWS_SHOWN = 200
COLUMNS = (
    Column("time", "Time", 168, stretch=False),  # the others share the rest in these proportions
    Column("actor", "Who", 100),
    Column("action", "Action", 165),
    Column("subject", "Whose data", 115),
    Column("outcome", "Outcome", 80),
    Column("detail", "Detail", 100),
)
ROLE_NAMES = {"patient": "Patient", "doctor": "Doctor", "admin": "Admin", "anonymous": "Not signed in"}


def party(role: str | None, ident: Any) -> str:
    """``Doctor #7``; ``Not signed in`` for an anonymous actor; a dash for no one."""
    if not role:
        return "\u2014"
    name = ROLE_NAMES.get(role, role.title())
    return f"{name} #{ident}" if ident is not None else name


def audit_row(entry: Mapping[str, Any], offset: dt.timedelta) -> Row:
    """The table row of one audit entry (times shown in local time)."""
    when = entry["occurred_at"] + offset
    return Row(str(entry["audit_id"]), (
        when.strftime("%Y-%m-%d %H:%M:%S"),
        party(entry["actor_role"], entry["actor_id"]),
        str(entry["action"]),
        party(entry["subject_role"], entry["subject_id"]),
        str(entry["outcome"]),
        str(entry["detail"] or ""),
    ), {"time": entry["audit_id"]})


@register_screen("admin_audit")
class AdminAuditScreen(Screen):
    title = "Audit trail"
    roles = ("admin",)
    padding = (28, 22, 28, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(3, weight=1)
        top = ttk.Frame(self)
        top.grid(row=0, column=0, sticky="ew")
        ttk.Label(top, text="Audit trail", style="Title.TLabel").pack(side="left")
        self.check_button = ttk.Button(top, text="Check the chain", style="Primary.TButton", command=self._on_check)
        self.check_button.pack(side="right")
        ttk.Button(top, text="Reload", command=self._load).pack(side="right", padx=(0, 10))
        autowrap(ttk.Label(self, text=f"The newest {ROWS_SHOWN} entries, newest first. Each entry carries the "
                           "hash of the one before it, so a changed or removed entry breaks the chain.",
                           style="Muted.TLabel", wraplength=700)).grid(row=1, column=0, sticky="ew", pady=(4, 4))
        self.result = ttk.Label(self, text="", style="Success.TLabel")
        self.result.grid(row=2, column=0, sticky="w", pady=(0, 10))
        self.table = DataTable(self, COLUMNS, height=14, empty_text="The audit trail is empty.")
        self.table.grid(row=3, column=0, sticky="nsew")
        self.table.tree.tag_configure("problem", foreground=theme.PALETTE.error)

    def refresh(self, **context: Any) -> None:
        self.result.configure(text="")
        self._load()

    def focus_first(self) -> None:
        self.table.tree.focus_set()

    def _load(self) -> None:
        self.run_task(self.ml.admin.audit_trail, self.app.session, ROWS_SHOWN, on_done=self._show)

    def _show(self, entries: list[dict[str, Any]]) -> None:
        offset = self.ml.clock.local_now() - self.ml.clock.utc_now()
        self.table.set_rows(audit_row(entry, offset) for entry in entries)
        problems = {str(e["audit_id"]) for e in entries if e["outcome"] != "ok"}
        for iid in self.table.row_ids():
            tags = [t for t in self.table.tree.item(iid, "tags") if t != "problem"]
            self.table.tree.item(iid, tags=[*tags, "problem"] if iid in problems else tags)

    def _on_check(self) -> None:
        if not self.is_busy:
            self.result.configure(text="Checking every entry\u2026", style="Muted.TLabel")
            self.run_task(self.ml.admin.verify_audit, self.app.session, on_done=self._show_check,
                          on_error=self._check_failed)

    def _check_failed(self, error: BaseException) -> None:
        self.result.configure(text="")
        raise error

    def _show_check(self, check: AuditCheck) -> None:
        self.result.configure(text=check.describe(), style="Success.TLabel" if check.ok else "Error.TLabel")
