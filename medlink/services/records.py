"""Medical records that stay private: uploads recognised by content, encrypted at rest, shared only
with the doctors the patient chooses, checked against their SHA-256 when opened."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import Any

from medlink.dao import appointments, medical_records
from medlink.db import Tx
from medlink.errors import NotFound, ValidationError
from medlink.models import PatientOfDoctor, RecordMeta, from_row
from medlink.services.base import Service
from medlink.services.crypto import TamperedRecord
from medlink.services.session import Session
from medlink.services.validation import page

PATIENT, DOCTOR, PEOPLE = ("patient",), ("doctor",), ("patient", "doctor")
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def sniff_type(head: bytes) -> str | None:
    """The content type told by a file's first bytes: PDF, JPEG or PNG; None for anything else."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def label_of(path: Path) -> str:
    """The file's name, kept only as a label: control characters dropped, length capped."""
    name = "".join(ch for ch in path.name if ch.isprintable()).strip() or "document"
    return name[-255:]


class RecordService(Service):
    def __init__(self, *args: Any, cipher: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cipher_factory = cipher

    def upload(self, session: Session, path: str | os.PathLike[str], share_with: Any = None) -> RecordMeta:
        """Store a PDF, JPEG or PNG from ``path`` in the patient's records, encrypted; share it with
        ``share_with`` (ids of doctors the patient has appointments with)."""
        session = self.authorize(session, PATIENT, "record.upload")
        if not isinstance(path, (str, os.PathLike)):  # None or () from a cancelled file dialog
            raise ValidationError("Choose a file to upload.", "path")
        source = Path(path)
        limit = self.settings.max_upload_mb * 1024 * 1024
        try:
            if not source.is_file():
                raise ValidationError("Choose a file to upload.", "path")
            size = source.stat().st_size
            if size == 0:
                raise ValidationError("This file is empty.", "path")
            if size > limit:
                raise ValidationError(f"This file is larger than {self.settings.max_upload_mb} MB.", "path")
            data = source.read_bytes()[:limit + 1]
        except OSError as exc:  # a name too long, no permission, the file gone meanwhile
            raise ValidationError(f"This file cannot be read ({exc.strerror or 'unknown error'}); choose another.",
                                  "path") from None
        if not data or len(data) > limit:
            raise ValidationError("The file changed while it was read; please try again.", "path")
        content_type = sniff_type(data[:16])
        if content_type is None:
            raise ValidationError("Only PDF, JPEG and PNG files can be uploaded.", "path")
        doctor_ids = self._doctor_ids(share_with)
        sealed = self._cipher_factory().seal(data, session.user_id)
        digest = hashlib.sha256(data).hexdigest()
        label = label_of(source)

        def unit(tx: Tx) -> int:
            self._check_my_doctors(tx, session, doctor_ids)
            now = self.clock.utc_now()
            record_id = medical_records.insert(
                tx, patient_id=session.user_id, uploaded_by=session.user_id, uploader_role="patient",
                original_filename=label, content_type=content_type, size_bytes=len(data), sha256=digest,
                content=sealed, upload_date=now)
            medical_records.set_shares(tx, record_id, doctor_ids, now)
            self.audit.record(tx, actor=session, action="record.upload", subject=session.actor,
                              obj=("record", record_id), detail=f"{content_type} {len(data)} bytes")
            return record_id

        record_id = self.run(unit)
        return self._meta(record_id)

    def list(self, session: Session, patient_id: int | None = None) -> list[RecordMeta]:
        """A patient's own documents and receipts; or, for a doctor, what ``patient_id`` shared
        with them (only a patient who has appointments with the doctor)."""
        named = ("patient", patient_id) if isinstance(patient_id, int) else None  # never audit a non-id
        session = self.authorize(session, PEOPLE, "record.list", subject=named)

        def unit(tx: Tx) -> list[dict]:
            if session.role == "patient":
                if patient_id not in (None, session.user_id):
                    raise self.refuse(session, "record.list", subject=named)
                rows, subject = medical_records.for_patient(tx, session.user_id), session.actor
            else:
                if not isinstance(patient_id, int) or not appointments.has_relationship(tx, session.user_id,
                                                                                        patient_id):
                    raise self.refuse(session, "record.list", subject=named)
                rows, subject = medical_records.shared_with_doctor(tx, session.user_id, patient_id), (
                    "patient", patient_id)
            shares = medical_records.shares_for_records(tx, [r["record_id"] for r in rows])
            self.audit.record(tx, actor=session, action="record.list", subject=subject, detail=f"{len(rows)} rows")
            return [dict(r, shared_with=tuple((s["doctor_id"], s["name"]) for s in shares
                                              if s["record_id"] == r["record_id"])) for r in rows]

        return [from_row(RecordMeta, r) for r in self.run(unit)]

    def open(self, session: Session, record_id: int) -> Path:
        """Decrypt a record to a private file (mode 0600) under the records folder and return its
        path, for its patient or a doctor it is shared with. The SHA-256 is checked first."""
        session = self.authorize(session, PEOPLE, "record.open", obj=("record", record_id))

        def unit(tx: Tx) -> tuple[dict, bytes]:
            meta = self._readable(tx, session, record_id, "record.open")
            return meta, medical_records.get_content(tx, record_id)

        meta, sealed = self.run(unit)
        audit = dict(actor=session, action="record.open", subject=("patient", meta["patient_id"]),
                     obj=("record", record_id))
        try:
            data = self._cipher_factory().open(sealed, meta["patient_id"])
            if hashlib.sha256(data).hexdigest() != meta["sha256"]:
                raise TamperedRecord("This record's stored copy does not match its checksum; it cannot be opened.")
        except TamperedRecord:
            self.audit.record_now(**audit, outcome="tampered")
            raise
        self.audit.record_now(**audit)
        return self._private_copy(data, meta["content_type"])

    def share(self, session: Session, record_id: int, doctor_ids: Any) -> RecordMeta:
        """Make ``doctor_ids`` exactly the doctors who may read the record (owner only)."""
        session = self.authorize(session, PATIENT, "record.share", obj=("record", record_id))
        wanted = self._doctor_ids(doctor_ids)

        def unit(tx: Tx) -> None:
            meta = self._owned(tx, session, record_id, "record.share")
            if meta["kind"] == "receipt" and meta["uploaded_by"] not in wanted:
                raise ValidationError("A receipt stays shared with the doctor who issued it.", "share_with")
            self._check_my_doctors(tx, session, wanted)
            medical_records.set_shares(tx, record_id, wanted, self.clock.utc_now())
            self.audit.record(tx, actor=session, action="record.share", subject=session.actor,
                              obj=("record", record_id), detail=f"{len(wanted)} doctors")

        self.run(unit)
        return self._meta(record_id)

    def delete(self, session: Session, record_id: int) -> None:
        """Delete one of the patient's own uploads (receipts stay with their bills)."""
        session = self.authorize(session, PATIENT, "record.delete", obj=("record", record_id))

        def unit(tx: Tx) -> None:
            meta = self._owned(tx, session, record_id, "record.delete")
            if meta["kind"] == "receipt":
                raise ValidationError("A receipt stays with its bill and cannot be deleted.", "record_id")
            medical_records.delete(tx, record_id)
            self.audit.record(tx, actor=session, action="record.delete", subject=session.actor,
                              obj=("record", record_id))

        self.run(unit)

    def my_doctors(self, session: Session) -> list[tuple[int, str, str]]:
        """(doctor_id, name, specialty) of the doctors the patient may share records with."""
        session = self.authorize(session, PATIENT, "record.doctors")

        def unit(tx: Tx) -> list[tuple[int, str, str]]:
            rows = appointments.doctors_of_patient(tx, session.user_id)
            self.audit.record(tx, actor=session, action="record.doctors", subject=session.actor,
                              detail=f"{len(rows)} rows")
            return [(int(r["doctor_id"]), r["name"], r["specialty"]) for r in rows]

        return self.run(unit)

    def my_patients(self, session: Session, limit: int = 200, offset: int = 0) -> list[PatientOfDoctor]:
        """The doctor's patients: everyone who has had an appointment with them."""
        session = self.authorize(session, DOCTOR, "record.patients")
        limit, offset = page(limit, offset)

        def unit(tx: Tx) -> list[dict]:
            rows = appointments.patients_of_doctor(tx, session.user_id, limit, offset)
            self.audit.record(tx, actor=session, action="record.patients", subject=session.actor,
                              detail=f"{len(rows)} rows")
            return rows

        return [from_row(PatientOfDoctor, r) for r in self.run(unit)]

    # -- helpers -----------------------------------------------------------------------------------
    @staticmethod
    def _doctor_ids(value: Any) -> set[int]:
        if value is None:
            return set()
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise ValidationError("Choose doctors from the list.", "share_with")
        try:
            ids = {int(x) for x in value if not isinstance(x, bool)}
        except (TypeError, ValueError, ArithmeticError):  # ArithmeticError: int() of an infinity
            raise ValidationError("Choose doctors from the list.", "share_with") from None
        return ids

    def _check_my_doctors(self, tx: Tx, session: Session, doctor_ids: set[int]) -> None:
        allowed = {int(r["doctor_id"]) for r in appointments.doctors_of_patient(tx, session.user_id)}
        if not doctor_ids <= allowed:
            raise ValidationError("Records can be shared only with doctors you have appointments with.",
                                  "share_with")

    def _owned(self, tx: Tx, session: Session, record_id: Any, action: str) -> dict:
        meta = medical_records.get_meta(tx, record_id) if isinstance(record_id, int) else None
        if meta is None:
            raise NotFound("No such record.")
        if meta["patient_id"] != session.user_id:
            raise self.refuse(session, action, subject=("patient", meta["patient_id"]), obj=("record", record_id))
        return meta

    def _readable(self, tx: Tx, session: Session, record_id: Any, action: str) -> dict:
        meta = medical_records.get_meta(tx, record_id) if isinstance(record_id, int) else None
        if meta is None:
            raise NotFound("No such record.")
        if session.role == "patient" and meta["patient_id"] == session.user_id:
            return meta
        if session.role == "doctor" and session.user_id in medical_records.shared_doctor_ids(tx, record_id):
            return meta
        raise self.refuse(session, action, subject=("patient", meta["patient_id"]), obj=("record", record_id))

    def _meta(self, record_id: int) -> RecordMeta:
        with self.db.transaction() as tx:
            row = medical_records.get_meta(tx, record_id)
            shares = medical_records.shares_for_records(tx, [record_id])
        return from_row(RecordMeta, row, shared_with=tuple((s["doctor_id"], s["name"]) for s in shares))

    def purge_opened(self, older_than: dt.timedelta = dt.timedelta(0)) -> int:
        """Delete decrypted copies left in the records folder (at log-off and at start-up), so no
        plaintext stays on disk longer than it is being read; returns how many were removed."""
        folder = self.settings.records_dir / "opened"
        if not folder.is_dir():
            return 0
        limit = time.time() - older_than.total_seconds()
        removed = 0
        for path in folder.iterdir():
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_mtime <= limit:
                    path.unlink()
                    removed += 1
        return removed

    def _private_copy(self, data: bytes, content_type: str) -> Path:
        folder = self.settings.records_dir / "opened"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{secrets.token_hex(12)}{EXTENSIONS.get(content_type, '.bin')}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path
