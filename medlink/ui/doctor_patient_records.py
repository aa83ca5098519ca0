"""``doctor_patient_records``: "Show patient records" (issue 7).

Left, the doctor's patients (everyone who has had an appointment with them), a page at a time;
right, the records the selected patient shared with this doctor — nothing else is ever listed — with
Open, which decrypts the record to a private file on a worker and hands it to the system's viewer.
"""

from __future__ import annotations

import datetime as dt
from tkinter import ttk
from typing import Any

from medlink.errors import MedLinkError
from medlink.models import PatientOfDoctor, RecordMeta
from medlink.ui.screen import Screen, register_screen
from medlink.ui.tasks import run_in_background
from medlink.ui.widgets import Column, DataTable, Pager, Row, autowrap, ensure_styles, file_size

PAGE_SIZE = 50
PATIENT_COLUMNS = (Column("name", "Patient", 150), Column("last_visit", "Latest booking", 150, stretch=False))
RECORD_COLUMNS = (  # the document's name takes what the others leave
    Column("file", "Document", 190),
    Column("type", "Type", 96, stretch=False),
    Column("size", "Size", 70, anchor="e", stretch=False),
    Column("uploaded", "Uploaded", 106, stretch=False),
)
TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG image", "image/png": "PNG image"}
NO_PATIENTS = "No patients yet. Patients appear here once they book an appointment with you."
PICK_PATIENT = "Select a patient to see the records they shared with you."
NOTHING_SHARED = "This patient has not shared any records with you."


def record_type(record: RecordMeta) -> str:
    kind = TYPES.get(record.content_type, record.content_type)
    return "Receipt" if record.kind == "receipt" else kind


def record_row(record: RecordMeta, offset: dt.timedelta) -> Row:
    uploaded = record.upload_date + offset
    return Row(str(record.record_id), (record.original_filename, record_type(record), file_size(record.size_bytes),
                                       f"{uploaded.day} {uploaded:%b %Y}"),
               {"size": record.size_bytes, "uploaded": (record.upload_date, record.record_id)})


def patient_row(patient: PatientOfDoctor) -> Row:
    visit = patient.last_visit
    return Row(str(patient.patient_id), (patient.name, f"{visit.day} {visit:%b %Y}" if visit else "\u2014"),
               {"last_visit": visit})


@register_screen("doctor_patient_records")
class DoctorPatientRecordsScreen(Screen):
    title = "Patient records"
    roles = ("doctor",)
    padding = (28, 22, 24, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=2, uniform="records")
        self.columnconfigure(1, weight=3, uniform="records")
        self.rowconfigure(3, weight=1)
        top = ttk.Frame(self)
        top.grid(row=0, column=0, columnspan=2, sticky="ew")
        ttk.Label(top, text="Patient records", style="Title.TLabel").pack(side="left")
        ttk.Button(top, text="Reload", command=self._load_patients).pack(side="right")
        autowrap(ttk.Label(self, text="Your patients, and the documents each chose to share with you. "
                           "Private records are never listed.", style="Muted.TLabel",
                           justify="left", wraplength=700)).grid(row=1, column=0, columnspan=2, sticky="ew",
                                                                 pady=(4, 14))
        ttk.Label(self, text="Patients", style="Heading.TLabel").grid(row=2, column=0, sticky="w", pady=(0, 8))
        self.records_title = ttk.Label(self, text="Shared records", style="Heading.TLabel")
        self.records_title.grid(row=2, column=1, sticky="w", padx=(18, 0), pady=(0, 8))
        self.patients_table = DataTable(self, PATIENT_COLUMNS, height=12, empty_text=NO_PATIENTS)
        self.patients_table.grid(row=3, column=0, sticky="nsew")
        self.patients_table.on_select(self._on_patient)
        self.pager = Pager(self, self._on_page, page_size=PAGE_SIZE)
        self.pager.grid(row=4, column=0, sticky="ew", pady=(8, 0))
        self.records_table = DataTable(self, RECORD_COLUMNS, height=12, empty_text=PICK_PATIENT)
        self.records_table.grid(row=3, column=1, sticky="nsew", padx=(18, 0))
        self.records_table.on_select(lambda _iid: self._sync_buttons())
        self.records_table.tree.bind("<Double-1>", lambda _e: self._on_open(), add="+")
        self.records_table.tree.bind("<Return>", lambda _e: self._on_open(), add="+")
        actions = ttk.Frame(self)
        actions.grid(row=4, column=1, sticky="ew", padx=(18, 0), pady=(8, 0))
        actions.columnconfigure(0, weight=1)
        self.message = autowrap(ttk.Label(actions, text="", style="Error.TLabel", justify="left", wraplength=300))
        self.message.grid(row=0, column=0, sticky="ew")
        self.open_button = ttk.Button(actions, text="Open", style="Primary.TButton", command=self._on_open)
        self.open_button.grid(row=0, column=1, sticky="e")
        self.patients: dict[str, PatientOfDoctor] = {}
        self.records: dict[str, RecordMeta] = {}

    def refresh(self, **context: Any) -> None:
        self.pager.offset = 0
        self._load_patients()

    def focus_first(self) -> None:
        self.patients_table.tree.focus_set()

    def _load_patients(self) -> None:
        self.message.configure(text="")
        self.run_task(self.ml.records.my_patients, self.app.session, limit=PAGE_SIZE + 1, offset=self.pager.offset,
                      on_done=self._show_patients)

    def _on_page(self, offset: int) -> None:
        self.pager.offset = offset
        self._load_patients()

    def _show_patients(self, fetched: list[PatientOfDoctor]) -> None:
        shown = fetched[:PAGE_SIZE]
        self.pager.show(self.pager.offset, len(shown), more=len(fetched) > PAGE_SIZE)
        self.patients = {str(p.patient_id): p for p in shown}
        self.patients_table.set_rows(patient_row(p) for p in shown)
        self._on_patient(self.patients_table.selected_id())

    def selected_patient(self) -> PatientOfDoctor | None:
        iid = self.patients_table.selected_id()
        return self.patients.get(iid) if iid else None

    def _on_patient(self, _iid: str | None) -> None:
        patient = self.selected_patient()
        self.records = {}
        self.records_table.set_rows([], keep_selection=False)
        self.message.configure(text="")
        if patient is None:
            self.records_title.configure(text="Shared records")
            self.records_table.empty.configure(text=PICK_PATIENT)
        else:
            self.records_title.configure(text=f"Shared by {patient.name}")
            self.records_table.empty.configure(text="Reading the records\u2026")
            pid = patient.patient_id
            run_in_background(self, self.ml.records.list, self.app.session, pid,
                              on_done=lambda records, pid=pid: self._show_records(pid, records),
                              on_error=self._failed)
        self._sync_buttons()

    def _show_records(self, patient_id: int, records: list[RecordMeta]) -> None:
        patient = self.selected_patient()
        if patient is None or patient.patient_id != patient_id:
            return  # another patient was chosen meanwhile
        offset = self.ml.clock.local_now() - self.ml.clock.utc_now()
        self.records = {str(r.record_id): r for r in records}
        self.records_table.empty.configure(text=NOTHING_SHARED)
        self.records_table.set_rows(record_row(r, offset) for r in records)
        self._sync_buttons()

    def selected_record(self) -> RecordMeta | None:
        iid = self.records_table.selected_id()
        return self.records.get(iid) if iid else None

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not self.is_busy:
            self._sync_buttons()

    def _sync_buttons(self) -> None:
        if not self.is_busy:
            self.pager.update_buttons()
            self.open_button.state(["!disabled" if self.selected_record() else "disabled"])

    def _on_open(self) -> None:
        record = self.selected_record()
        if record is not None and not self.is_busy:
            self.message.configure(text="")
            self.run_task(self.ml.records.open, self.app.session, record.record_id, on_done=self.app.open_file,
                          on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.message.configure(text=error.message)
