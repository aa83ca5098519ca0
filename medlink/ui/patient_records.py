"""``patient_records`` ("Show Records"): the patient's documents and receipts — date, type, size,
name and who can see each — with Upload, Open, Change sharing and Delete.

Upload asks for a PDF, JPEG or PNG (the app's file dialog), then which of the patient's doctors may
read it (a dialog of check boxes), and stores it on a worker, encrypted, while the screen shows
progress. Open decrypts to a private file and hands it to the system's viewer. Delete asks first;
receipts stay with their bills, and the service says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from tkinter import ttk
from typing import Any

from medlink.errors import MedLinkError
from medlink.models import RecordMeta
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Column, DataTable, ModalDialog, Row, autowrap, ensure_styles, file_size

FILE_TYPES = (("PDF, JPEG or PNG", "*.pdf *.PDF *.jpg *.JPG *.jpeg *.JPEG *.png *.PNG"), ("All files", "*"))
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EMPTY = "No records yet.\nUpload reports, prescriptions and scans (PDF, JPEG or PNG) to keep them here."
NO_DOCTORS = ("You have no doctors yet. Records can be shared only with doctors you have booked; "
              "until then only you can see this one.")
RECEIPT_NOTE = "A receipt stays shared with the doctor who issued it."
RECEIPT_FILE = re.compile(r"ML-(\d{4}-\d{2})-(\d{6})-[0-9a-f]+\.pdf")  # billing.receipt_file_name
COLUMNS = (
    Column("date", "Date", 100, stretch=False),
    Column("type", "Type", 80, stretch=False),
    Column("size", "Size", 80, anchor="e", stretch=False),
    Column("name", "Name", 220),
    Column("shared", "Who can see it", 240),
)


def record_name(record: RecordMeta) -> str:
    """The name shown: the uploaded file's name, or for a receipt its receipt number."""
    match = RECEIPT_FILE.match(record.original_filename) if record.kind == "receipt" else None
    return f"Receipt ML/{match[1]}/{match[2]}" if match else record.original_filename


def record_type(record: RecordMeta) -> str:
    return "Receipt" if record.kind == "receipt" else TYPE_NAMES.get(record.content_type, record.content_type)


def who_can_see(record: RecordMeta) -> str:
    """``Only you``, or ``You and Dr. A, Dr. B``."""
    if not record.shared_with:
        return "Only you"
    return "You and " + ", ".join(name for _, name in record.shared_with)


def record_rows(records: list[RecordMeta], offset: dt.timedelta) -> list[Row]:
    rows = []
    for r in records:
        day = (r.upload_date + offset).date()
        rows.append(Row(str(r.record_id), (f"{day.day} {day:%b %Y}", record_type(r), file_size(r.size_bytes),
                                           record_name(r), who_can_see(r)),
                        {"date": r.upload_date, "size": r.size_bytes}))
    return rows


class ShareDialog(ModalDialog):
    """Which of the patient's doctors may read a record: one check box per doctor. ``on_chosen``
    gets the chosen doctor ids when the primary button is pressed."""

    def __init__(self, app: Any, title: str, primary: str, record_name: str, doctors: list[tuple[int, str, str]],
                 chosen: set[int], on_chosen: Callable[[list[int]], object], note: str = "") -> None:
        super().__init__(app, title, primary, self._on_primary)
        self._on_chosen = on_chosen
        ttk.Label(self.body, text=record_name, style="FieldLabel.TLabel").grid(row=0, column=0, sticky="w")
        lead = "Who may read it besides you:" if doctors else NO_DOCTORS
        autowrap(ttk.Label(self.body, text=lead, style="Muted.TLabel", justify="left", wraplength=400)).grid(
            row=1, column=0, sticky="ew", pady=(4, 8))
        self.boxes: dict[int, ttk.Checkbutton] = {}
        for row, (doctor_id, name, specialty) in enumerate(doctors, start=2):
            box = ttk.Checkbutton(self.body, text=f"{name} \u2014 {specialty}", style="Field.TCheckbutton")
            box.state(["!alternate", "selected" if doctor_id in chosen else "!selected"])
            box.grid(row=row, column=0, sticky="w")
            self.boxes[doctor_id] = box
        if note:
            ttk.Label(self.body, text=note, style="Muted.TLabel").grid(row=len(doctors) + 2, column=0, sticky="w",
                                                                      pady=(8, 0))

    def chosen(self) -> list[int]:
        return [doctor_id for doctor_id, box in self.boxes.items() if box.instate(["selected"])]

    def _on_primary(self) -> None:
        self.show_message("")
        self._on_chosen(self.chosen())


@register_screen("patient_records")
class PatientRecordsScreen(Screen):
    title = "Records"
    roles = ("patient",)
    padding = (32, 24, 28, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        ttk.Label(self, text="My records", style="Title.TLabel").grid(row=0, column=0, sticky="w")
        autowrap(ttk.Label(self, text="Your reports, prescriptions, scans and receipts, encrypted. Only you and "
                                      "the doctors you choose can open them.", style="Muted.TLabel",
                           justify="left")).grid(row=1, column=0, sticky="ew", pady=(4, 14))
        self.table = DataTable(self, COLUMNS, height=10, empty_text=EMPTY)
        self.table.grid(row=2, column=0, sticky="nsew")
        self.table.on_select(lambda _iid: self._update_actions())
        for sequence in ("<Double-1>", "<Return>", "<KP_Enter>"):
            self.table.tree.bind(sequence, lambda _e: self._on_open(), add="+")
        footer = ttk.Frame(self)
        footer.grid(row=3, column=0, sticky="ew", pady=(12, 0))
        footer.columnconfigure(0, weight=1)
        self.status = autowrap(ttk.Label(footer, text="", justify="left", wraplength=300))
        self.status.grid(row=0, column=0, sticky="ew", padx=(0, 16))
        buttons = ttk.Frame(footer)
        buttons.grid(row=0, column=1, sticky="e")
        self.upload_button = ttk.Button(buttons, text="Upload\u2026", style="Primary.TButton", command=self._on_upload)
        self.upload_button.pack(side="right")
        self.delete_button = ttk.Button(buttons, text="Delete", command=self._on_delete)
        self.delete_button.pack(side="right", padx=(0, 10))
        self.share_button = ttk.Button(buttons, text="Change sharing\u2026", command=self._on_share)
        self.share_button.pack(side="right", padx=(0, 10))
        self.open_button = ttk.Button(buttons, text="Open", command=self._on_open)
        self.open_button.pack(side="right", padx=(0, 10))
        self.records: dict[str, RecordMeta] = {}
        self.share_dialog: ShareDialog | None = None
        self._select_after_load: str | None = None

    def refresh(self, **context: Any) -> None:
        self._say("")
        self._load()

    def focus_first(self) -> None:
        self.table.tree.focus_set()

    def _load(self) -> None:
        self.run_task(self.ml.records.list, self.app.session, on_done=self._show_list, on_error=self._failed)

    def _show_list(self, records: list[RecordMeta]) -> None:
        self.records = {str(r.record_id): r for r in records}
        offset = self.ml.clock.local_now() - self.ml.clock.utc_now()
        self.table.set_rows(record_rows(records, offset))
        wanted, self._select_after_load = self._select_after_load, None
        if wanted and wanted in self.records:
            self.table.select(wanted)
        elif self.table.selected_id() is None and records:
            self.table.select(str(records[0].record_id))
        self._update_actions()

    def selected(self) -> RecordMeta | None:
        return self.records.get(self.table.selected_id() or "")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.configure(text=text, style="Error.TLabel" if error else "Success.TLabel")

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self._say(error.message, error=True)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not busy:
            self._update_actions()

    def _update_actions(self) -> None:
        if self.is_busy:
            return  # the end of the task calls this again
        chosen = self.selected() is not None
        for button in (self.open_button, self.share_button, self.delete_button):
            button.state(["!disabled" if chosen else "disabled"])

    # --- upload -------------------------------------------------------------------------------------

    def _on_upload(self) -> None:
        if self.is_busy:
            return
        path = self.app.ask_open_file("Upload a medical record", FILE_TYPES)
        if not path:
            return
        self._say("")
        self.run_task(self.ml.records.my_doctors, self.app.session,
                      on_done=lambda doctors: self._ask_sharing(path, doctors), on_error=self._failed)

    def _ask_sharing(self, path: str, doctors: list[tuple[int, str, str]]) -> None:
        def upload(doctor_ids: list[int]) -> None:
            dialog.close()
            self._upload(path, doctor_ids)

        dialog = self.share_dialog = ShareDialog(self.app, "Upload a record", "Upload", Path(path).name, doctors,
                                                 set(), upload)
        dialog.open()

    def _upload(self, path: str, doctor_ids: list[int]) -> None:
        self._say(f"Uploading {Path(path).name}\u2026")
        self.run_task(self.ml.records.upload, self.app.session, path, share_with=doctor_ids,
                      on_done=self._uploaded, on_error=self._failed)

    def _uploaded(self, record: RecordMeta) -> None:
        self._say(f"{record_name(record)} was uploaded. {who_can_see(record)} can see it.")
        self._select_after_load = str(record.record_id)
        self._load()

    # --- the selected record ------------------------------------------------------------------------

    def _on_open(self) -> None:
        record = self.selected()
        if record is None or self.is_busy:
            return
        self.run_task(self.ml.records.open, self.app.session, record.record_id, on_done=self.app.open_file,
                      on_error=self._failed)

    def _on_share(self) -> None:
        record = self.selected()
        if record is None or self.is_busy:
            return
        self.run_task(self.ml.records.my_doctors, self.app.session,
                      on_done=lambda doctors: self._ask_new_sharing(record, doctors), on_error=self._failed)

    def _ask_new_sharing(self, record: RecordMeta, doctors: list[tuple[int, str, str]]) -> None:
        def save(doctor_ids: list[int]) -> None:
            dialog.run_task(self.ml.records.share, self.app.session, record.record_id, doctor_ids,
                            on_done=lambda meta: self._shared(dialog, meta),
                            on_error=lambda error: self._refused(dialog, error))

        known = {doctor_id for doctor_id, _, _ in doctors}
        listed = doctors + [(d, name, "shared earlier") for d, name in record.shared_with if d not in known]
        dialog = self.share_dialog = ShareDialog(
            self.app, "Change sharing", "Save", record_name(record), listed,
            {doctor_id for doctor_id, _ in record.shared_with}, save,
            note=RECEIPT_NOTE if record.kind == "receipt" else "")
        dialog.open()

    def _shared(self, dialog: ShareDialog, record: RecordMeta) -> None:
        dialog.close()
        self._say(f"Sharing changed: {who_can_see(record)} can see {record_name(record)}.")
        self._select_after_load = str(record.record_id)
        self._load()

    @staticmethod
    def _refused(dialog: ShareDialog, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        dialog.show_message(error.message)

    def _on_delete(self) -> None:
        record = self.selected()
        if record is None or self.is_busy:
            return
        # A receipt is not asked about: the service refuses, and its message says why.
        if record.kind != "receipt" and not self.app.ask_yes_no(
                "Delete record?", f"Delete {record_name(record)} from your records? "
                                  "Doctors you shared it with will no longer see it. This cannot be undone."):
            return
        self.run_task(self.ml.records.delete, self.app.session, record.record_id,
                      on_done=lambda _r: self._deleted(record), on_error=self._failed)

    def _deleted(self, record: RecordMeta) -> None:
        self._say(f"{record_name(record)} was deleted.")
        self._load()
