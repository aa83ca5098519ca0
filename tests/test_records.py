"""Medical records that stay private (issue 7, points 1-4), on SQLite and MariaDB.

Uploads are real files made here (a PDF with reportlab, a JPEG and a PNG with Pillow) that carry a
distinctive marker, so the tests can tell that the database never holds the plaintext. Every
assertion about a change reads the stored rows with plain SQL, not only what the service returned.

The ``world``: patient Asha has appointments with Dr. Anil (general physician) and Dr. Bela
(dermatologist); patient Ravi has one with Dr. Anil; Dr. Chitra has never seen either of them.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from medlink.config import Settings
from medlink.errors import MedLinkError, NotFound, PermissionDenied, ValidationError
from medlink.models import PatientOfDoctor, RecordMeta
from medlink.services.crypto import TamperedRecord
from medlink.services.session import Session
from tests.conftest import make_settings
from tests.services_fixtures import audit_rows, execute, one, query, table_counts
from tests.test_appointments import NEXT_MONDAY, NOW, Clinic, open_clinic

MARKER = b"MEDLINK-PLAINTEXT-MARKER-7f3a9c"
OPENED_NAME = re.compile(r"[0-9a-f]{24}\.(pdf|jpg|png)")


# -- real files ------------------------------------------------------------------------------------------
@cache
def pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0, invariant=1)
    page.setTitle("Blood test")
    page.drawString(72, 720, MARKER.decode())
    page.drawString(72, 700, "Haemoglobin 13.2 g/dL")
    page.showPage()
    page.save()
    return buffer.getvalue()


@cache
def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG", quality=90, comment=MARKER)
    return buffer.getvalue()


@cache
def png_bytes() -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", MARKER.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 200)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


KINDS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "pdf": (pdf_bytes, "blood-test.pdf", "application/pdf"),
    "jpeg": (jpeg_bytes, "rash photo.jpeg", "image/jpeg"),
    "png": (png_bytes, "x-ray.PNG", "image/png"),
}


def write(folder: Path, name: str | bytes, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / os.fsdecode(name)
    path.write_bytes(data)
    return path


# -- the world -------------------------------------------------------------------------------------------
@dataclass
class World:
    clinic: Clinic
    settings: Settings
    files: Path
    patient: Session
    patient_id: int
    other: Session  # another patient of Dr. Anil
    other_id: int
    doctor: Session  # Dr. Anil: treats both patients
    doctor_id: int
    second: Session  # Dr. Bela: treats Asha only
    second_id: int
    stranger: Session  # Dr. Chitra: verified, never seen either patient
    stranger_id: int
    visit_id: int  # Asha's appointment with Dr. Anil

    @property
    def records(self) -> Any:
        return self.clinic.ml.records

    @property
    def ml(self) -> Any:
        return self.clinic.ml

    def upload(self, kind: str = "pdf", share_with: Any = None, who: Session | None = None,
               name: str | None = None) -> RecordMeta:
        make, default_name, _ = KINDS[kind]
        path = write(self.files / os.urandom(4).hex(), name or default_name, make())
        return self.records.upload(who or self.patient, path, share_with=share_with)

    def row(self, record_id: int) -> dict[str, Any]:
        return one(self.ml, "SELECT * FROM medical_records WHERE record_id = ?", (record_id,))

    def shares(self, record_id: int) -> set[int]:
        rows = query(self.ml, "SELECT doctor_id FROM record_shares WHERE record_id = ?", (record_id,))
        return {int(r["doctor_id"]) for r in rows}

    def opened_files(self) -> list[Path]:
        folder = self.settings.records_dir / "opened"
        return sorted(folder.iterdir()) if folder.exists() else []


@contextmanager
def build_world(settings: Settings, files: Path) -> Iterator[World]:
    """The world on ``settings``; its core is closed afterwards."""
    for clinic in open_clinic(settings):
        doctor, doctor_id = clinic.doctor(name="Dr. Anil Kumar", specialty="General Physician")
        second, second_id = clinic.doctor(name="Dr. Bela Shah", specialty="Dermatologist")
        stranger, stranger_id = clinic.doctor(name="Dr. Chitra Nair", specialty="Cardiologist")
        patient, patient_id = clinic.patient(name="Asha Rao")
        other, other_id = clinic.patient(name="Ravi Menon")
        book = clinic.ml.appointments.book
        visit = book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00", mode="offline")
        book(patient, doctor_id=second_id, date=NEXT_MONDAY, time="11:00", mode="online")
        book(other, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:15", mode="offline")
        yield World(clinic, settings, files, patient, patient_id, other, other_id, doctor, doctor_id, second,
                    second_id, stranger, stranger_id, visit.appointment_id)


@pytest.fixture
def world(settings: Settings, tmp_path: Path) -> Iterator[World]:
    with build_world(settings, tmp_path / "files") as built:
        yield built


def assert_refused(world: World, call: Callable[[], object], before: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.field == "path"
    assert table_counts(world.ml) == before
    assert audit_rows(world.ml, action="record.upload") == []
    assert world.opened_files() == []


# -- round trip ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_round_trip_of_each_type(world: World, kind: str) -> None:
    make, name, content_type = KINDS[kind]
    data = make()
    assert MARKER in data  # the plaintext really carries the marker the stored bytes must not
    meta = world.upload(kind, share_with=[world.doctor_id])
    assert (meta.patient_id, meta.kind, meta.uploader_role) == (world.patient_id, "document", "patient")
    assert (meta.original_filename, meta.content_type, meta.size_bytes) == (name, content_type, len(data))
    assert meta.upload_date == NOW
    assert meta.shared_with == ((world.doctor_id, "Dr. Anil Kumar"),)

    listed = world.records.list(world.patient)
    assert listed == [meta]

    row = world.row(meta.record_id)
    stored = bytes(row["content"])
    assert row["sha256"] == hashlib.sha256(data).hexdigest()
    assert (row["size_bytes"], row["content_type"], row["original_filename"]) == (len(data), content_type, name)
    assert stored != data and MARKER not in stored and data[:16] not in stored
    assert len(stored) == 12 + len(data) + 16  # nonce + ciphertext + GCM tag

    opened = world.records.open(world.patient, meta.record_id)
    assert opened.parent == world.settings.records_dir / "opened"
    assert OPENED_NAME.fullmatch(opened.name), opened.name
    assert Path(name).stem not in opened.name
    assert opened.suffix == {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}[content_type]
    assert opened.read_bytes() == data
    assert stat.S_IMODE(opened.stat().st_mode) == 0o600
    assert stat.S_IMODE(opened.parent.stat().st_mode) & 0o077 == 0

    again = world.records.open(world.patient, meta.record_id)
    assert again != opened and again.read_bytes() == data  # a fresh private copy, never overwriting one


def test_list_is_newest_first_with_who_can_see_each(world: World) -> None:
    first = world.upload("pdf", share_with=[world.doctor_id, world.second_id])
    second = world.upload("png")
    listed = world.records.list(world.patient)
    assert [r.record_id for r in listed] == [second.record_id, first.record_id]
    assert listed[1].shared_with == ((world.doctor_id, "Dr. Anil Kumar"), (world.second_id, "Dr. Bela Shah"))
    assert listed[0].shared_with == ()
    assert world.records.list(world.patient, world.patient_id) == listed
    assert world.records.list(world.other) == []


# -- recognised by content, not by name -------------------------------------------------------------------
REFUSED_CONTENT = {
    "elf": b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"%PDF-1.4 inside an executable",
    "shell": b"#!/bin/sh\nrm -rf \"$HOME\"\n%PDF-1.4\n",
    "html": b"<html><script>alert(1)</script></html>",
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "zip": b"PK\x03\x04" + bytes(26),
    "pdf-late": b" %PDF-1.4\n",  # the magic must be at the start
    "text": b"Haemoglobin 13.2\n",
}


@pytest.mark.parametrize("what", sorted(REFUSED_CONTENT))
def test_other_types_are_refused_whatever_their_name(world: World, what: str) -> None:
    before = table_counts(world.ml)
    for name in ("report.pdf", "scan.png", "photo.jpg"):
        path = write(world.files, name, REFUSED_CONTENT[what])
        assert_refused(world, lambda p=path: world.records.upload(world.patient, p), before)


def test_a_real_executable_renamed_pdf_is_refused(world: World) -> None:
    executable = Path(shutil.which("true") or "/bin/true")
    renamed = world.files / "lab-report.pdf"
    world.files.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executable, renamed)
    assert renamed.read_bytes()[:4] == b"\x7fELF"
    before = table_counts(world.ml)
    assert_refused(world, lambda: world.records.upload(world.patient, renamed, share_with=[world.doctor_id]), before)


def test_a_png_named_pdf_is_stored_as_a_png(world: World) -> None:
    path = write(world.files, "discharge-summary.pdf", png_bytes())
    meta = world.records.upload(world.patient, path)
    assert (meta.content_type, meta.original_filename) == ("image/png", "discharge-summary.pdf")
    opened = world.records.open(world.patient, meta.record_id)
    assert opened.suffix == ".png" and opened.read_bytes() == png_bytes()


def test_empty_missing_and_non_file_paths_are_refused(world: World) -> None:
    before = table_counts(world.ml)
    empty = write(world.files, "empty.pdf", b"")
    folder = world.files / "folder.pdf"
    folder.mkdir()
    for path in (empty, world.files / "missing.pdf", folder, str(world.files / "missing.png"), ""):
        assert_refused(world, lambda p=path: world.records.upload(world.patient, p), before)


@pytest.mark.parametrize("path", [None, (), 42])  # what a cancelled file dialog or a careless caller hands over
def test_no_path_at_all_is_refused(world: World, path: Any) -> None:
    assert_refused(world, lambda: world.records.upload(world.patient, path), table_counts(world.ml))


def test_a_file_over_max_upload_mb_is_refused(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, max_upload_mb=1)
    with build_world(settings, tmp_path / "files") as world:
        limit = 1024 * 1024
        png = png_bytes()
        too_big = write(world.files, "big.png", png + bytes(limit + 1 - len(png)))
        assert too_big.stat().st_size == limit + 1
        before = table_counts(world.ml)
        assert_refused(world, lambda p=too_big: world.records.upload(world.patient, p), before)
        exactly = write(world.files, "limit.png", png + bytes(limit - len(png)))
        meta = world.records.upload(world.patient, exactly)
        assert meta.size_bytes == limit
        assert world.records.open(world.patient, meta.record_id).read_bytes() == exactly.read_bytes()


@pytest.mark.parametrize("name", [
    "..%2f..%2fetc%2fpasswd.pdf",
    "..pdf",
    "$(touch pwned).pdf",
    "a;rm -rf ~;.pdf",
    "..\\..\\windows\\system32.pdf",
    "scan\n\t\x1b[31m.pdf",
    b"scan\xff\xfe.pdf",  # not UTF-8: the bytes Linux allows in a name
    "रिपोर्ट 🩺.pdf",
    "-rf.pdf",
])
def test_a_file_name_is_only_a_label(world: World, name: str | bytes) -> None:
    path = write(world.files, name, pdf_bytes())
    meta = world.records.upload(world.patient, path)
    label = meta.original_filename
    assert label and all(ch.isprintable() for ch in label)
    assert label == "".join(ch for ch in os.fsdecode(name) if ch.isprintable()).strip()
    assert world.row(meta.record_id)["original_filename"] == label
    opened = world.records.open(world.patient, meta.record_id)
    folder = (world.settings.records_dir / "opened").resolve()
    assert opened.resolve().parent == folder and OPENED_NAME.fullmatch(opened.name)
    root = world.settings.records_dir
    assert {p.relative_to(root).as_posix() for p in root.rglob("*")} == {"opened", f"opened/{opened.name}"}
    assert not (world.files / "pwned").exists()


# -- tampering -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("position", [0, 11, 12, "middle", -1])  # nonce, first ciphertext byte, tag
def test_a_flipped_byte_of_the_ciphertext_is_detected(world: World, position: int | str) -> None:
    meta = world.upload("pdf", share_with=[world.doctor_id])
    stored = bytearray(world.row(meta.record_id)["content"])
    index = len(stored) // 2 if position == "middle" else position
    stored[index] ^= 0x01
    execute(world.ml, "UPDATE medical_records SET content = ? WHERE record_id = ?", (bytes(stored), meta.record_id))
    for reader in (world.patient, world.doctor):
        with pytest.raises(TamperedRecord) as caught:
            world.records.open(reader, meta.record_id)
        assert isinstance(caught.value, MedLinkError) and caught.value.message
    assert world.opened_files() == []


def test_truncated_or_emptied_ciphertext_is_detected(world: World) -> None:
    meta = world.upload("jpeg")
    stored = bytes(world.row(meta.record_id)["content"])
    for damaged in (stored[:-1], stored[:28], stored[:5], b"x"):
        execute(world.ml, "UPDATE medical_records SET content = ? WHERE record_id = ?", (damaged, meta.record_id))
        with pytest.raises(TamperedRecord):
            world.records.open(world.patient, meta.record_id)
    assert world.opened_files() == []


def test_a_changed_checksum_is_detected(world: World) -> None:
    meta = world.upload("png")
    execute(world.ml, "UPDATE medical_records SET sha256 = ? WHERE record_id = ?",
            (hashlib.sha256(b"something else").hexdigest(), meta.record_id))
    with pytest.raises(TamperedRecord):
        world.records.open(world.patient, meta.record_id)
    assert world.opened_files() == []


def test_ciphertext_moved_to_another_patients_row_does_not_open(world: World) -> None:
    mine = world.upload("pdf")
    theirs = world.upload("pdf", who=world.other)
    row = world.row(mine.record_id)
    execute(world.ml, "UPDATE medical_records SET content = ?, sha256 = ?, size_bytes = ? WHERE record_id = ?",
            (bytes(row["content"]), row["sha256"], row["size_bytes"], theirs.record_id))
    with pytest.raises(TamperedRecord):
        world.records.open(world.other, theirs.record_id)
    # nor does the whole row handed over to the other patient
    execute(world.ml, "UPDATE medical_records SET patient_id = ? WHERE record_id = ?", (world.other_id, mine.record_id))
    with pytest.raises(TamperedRecord):
        world.records.open(world.other, mine.record_id)
    assert world.opened_files() == []


# -- who may see what ------------------------------------------------------------------------------------
def denied(world: World) -> list[tuple[str, str, int, Any]]:
    return [(r["action"], r["actor_role"], r["actor_id"], r["object_id"])
            for r in audit_rows(world.ml, outcome="denied")]


def test_another_patient_and_an_unrelated_doctor_are_refused_and_audited(world: World) -> None:
    meta = world.upload("pdf", share_with=[world.doctor_id])
    rid, pid = meta.record_id, world.patient_id
    expected = []
    for intruder in (world.other, world.stranger):
        calls = [("record.open", lambda s=intruder: world.records.open(s, rid)),
                 ("record.list", lambda s=intruder: world.records.list(s, pid)),
                 ("record.share", lambda s=intruder: world.records.share(s, rid, [world.stranger_id])),
                 ("record.share", lambda s=intruder: world.records.share(s, rid, [])),
                 ("record.delete", lambda s=intruder: world.records.delete(s, rid))]
        for action, call in calls:
            with pytest.raises(PermissionDenied):
                call()
            expected.append((action, intruder.role, intruder.user_id, None if action == "record.list" else str(rid)))
    assert denied(world) == expected
    subjects = {(r["action"], r["subject_role"], r["subject_id"]) for r in audit_rows(world.ml, outcome="denied")
                if r["actor_role"] == "patient"}
    assert subjects == {(a, "patient", pid) for a in ("record.open", "record.list", "record.share", "record.delete")}
    # nothing changed and nothing was written out
    assert world.shares(rid) == {world.doctor_id}
    assert world.row(rid)["patient_id"] == pid
    assert world.opened_files() == []
    assert audit_rows(world.ml, action="record.open", outcome="ok") == []


def test_the_treating_doctor_opens_only_what_was_shared_with_them(world: World) -> None:
    shared = world.upload("pdf", share_with=[world.doctor_id])
    private = world.upload("jpeg")
    for_bela = world.upload("png", share_with=[world.second_id])
    ravis = world.upload("png", share_with=[world.doctor_id], who=world.other)

    assert world.records.open(world.doctor, shared.record_id).read_bytes() == pdf_bytes()
    for record_id in (private.record_id, for_bela.record_id):
        with pytest.raises(PermissionDenied):
            world.records.open(world.doctor, record_id)
    assert world.records.open(world.second, for_bela.record_id).read_bytes() == png_bytes()
    with pytest.raises(PermissionDenied):
        world.records.open(world.second, shared.record_id)

    assert [r.record_id for r in world.records.list(world.doctor, world.patient_id)] == [shared.record_id]
    assert [r.record_id for r in world.records.list(world.doctor, world.other_id)] == [ravis.record_id]
    assert [r.record_id for r in world.records.list(world.second, world.patient_id)] == [for_bela.record_id]
    with pytest.raises(PermissionDenied):  # Dr. Bela has never seen Ravi
        world.records.list(world.second, world.other_id)
    for nobody in (None, "abc", str(world.patient_id), 1.0):  # a doctor must name a patient by id
        with pytest.raises(PermissionDenied):
            world.records.list(world.doctor, nobody)
    with pytest.raises(PermissionDenied):
        world.records.list(world.other, "abc")
    assert len(world.opened_files()) == 2
    assert len(audit_rows(world.ml, action="record.list", outcome="denied")) == 6
    assert [(r["actor_id"], r["object_id"]) for r in audit_rows(world.ml, action="record.open", outcome="denied")] \
        == [(world.doctor_id, str(private.record_id)), (world.doctor_id, str(for_bela.record_id)),
            (world.second_id, str(shared.record_id))]


def test_a_doctor_sees_nothing_of_a_patient_without_an_appointment(world: World) -> None:
    meta = world.upload("pdf", share_with=[world.doctor_id])
    for patient_id in (world.patient_id, world.other_id, 999_999):
        with pytest.raises(PermissionDenied):
            world.records.list(world.stranger, patient_id)
    with pytest.raises(PermissionDenied):
        world.records.open(world.stranger, meta.record_id)
    # an unverified doctor's session is no better
    _, pending_id = world.clinic.doctor(verify=False, hours=None)
    with pytest.raises(ValidationError) as caught:
        world.records.share(world.patient, meta.record_id, [pending_id])
    assert caught.value.field == "share_with"


def test_share_only_with_the_patients_own_doctors(world: World) -> None:
    meta = world.upload("pdf")
    before = table_counts(world.ml)
    for wanted in ([world.stranger_id], [world.doctor_id, world.stranger_id], [999_999], [-1],
                   ["not a number"], 5, [None], [1.5j]):
        with pytest.raises(ValidationError) as caught:
            world.records.share(world.patient, meta.record_id, wanted)
        assert caught.value.field == "share_with"
    assert table_counts(world.ml) == before and world.shares(meta.record_id) == set()

    path = write(world.files, "refused-share.pdf", pdf_bytes())
    with pytest.raises(ValidationError) as caught:
        world.records.upload(world.patient, path, share_with=[world.stranger_id])
    assert caught.value.field == "share_with"
    assert table_counts(world.ml) == before  # no row, no share, no audit

    with pytest.raises(PermissionDenied):  # a doctor cannot share a patient's record
        world.records.share(world.doctor, meta.record_id, [world.doctor_id])
    with pytest.raises(NotFound):
        world.records.share(world.patient, meta.record_id + 1000, [world.doctor_id])


def test_sharing_changes_and_unsharing_removes_access(world: World) -> None:
    meta = world.upload("pdf", share_with=[world.doctor_id])
    assert world.shares(meta.record_id) == {world.doctor_id}
    world.records.open(world.doctor, meta.record_id)

    changed = world.records.share(world.patient, meta.record_id, [world.second_id, world.doctor_id])
    assert changed.shared_with == ((world.doctor_id, "Dr. Anil Kumar"), (world.second_id, "Dr. Bela Shah"))
    assert world.shares(meta.record_id) == {world.doctor_id, world.second_id}
    world.records.open(world.second, meta.record_id)

    unshared = world.records.share(world.patient, meta.record_id, [world.second_id])
    assert unshared.shared_with == ((world.second_id, "Dr. Bela Shah"),)
    assert world.shares(meta.record_id) == {world.second_id}
    with pytest.raises(PermissionDenied):
        world.records.open(world.doctor, meta.record_id)
    assert world.records.list(world.doctor, world.patient_id) == []

    assert world.records.share(world.patient, meta.record_id, []).shared_with == ()
    assert world.shares(meta.record_id) == set()
    with pytest.raises(PermissionDenied):
        world.records.open(world.second, meta.record_id)
    assert world.records.open(world.patient, meta.record_id).read_bytes() == pdf_bytes()


def test_the_owner_deletes_a_record_with_its_shares(world: World) -> None:
    meta = world.upload("pdf", share_with=[world.doctor_id, world.second_id])
    kept = world.upload("png", share_with=[world.doctor_id])
    world.records.delete(world.patient, meta.record_id)
    assert query(world.ml, "SELECT * FROM medical_records WHERE record_id = ?", (meta.record_id,)) == []
    assert world.shares(meta.record_id) == set()
    assert world.shares(kept.record_id) == {world.doctor_id}
    assert [r.record_id for r in world.records.list(world.patient)] == [kept.record_id]
    for reader in (world.patient, world.doctor):
        with pytest.raises(NotFound):
            world.records.open(reader, meta.record_id)
    with pytest.raises(NotFound):
        world.records.delete(world.patient, meta.record_id)


def test_a_receipt_is_listed_shared_with_its_doctor_and_cannot_be_deleted(world: World) -> None:
    world.clinic.set_local(NEXT_MONDAY, "10:30")
    world.ml.appointments.complete(world.doctor, world.visit_id)
    bill = world.ml.billing.create_bill(world.doctor, world.visit_id)
    (receipt,) = world.records.list(world.patient)
    assert (receipt.kind, receipt.uploader_role, receipt.content_type) == ("receipt", "doctor", "application/pdf")
    assert receipt.shared_with == ((world.doctor_id, "Dr. Anil Kumar"),)
    assert world.row(receipt.record_id)["bill_id"] == bill.bill_id

    with pytest.raises(ValidationError) as caught:
        world.records.delete(world.patient, receipt.record_id)
    assert caught.value.field == "record_id"
    assert world.row(receipt.record_id)["kind"] == "receipt"
    assert world.shares(receipt.record_id) == {world.doctor_id}
    assert audit_rows(world.ml, action="record.delete") == []

    pdf = world.records.open(world.patient, receipt.record_id).read_bytes()
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == world.row(receipt.record_id)["sha256"]
    assert world.records.open(world.doctor, receipt.record_id).read_bytes() == pdf
    assert [r.record_id for r in world.records.list(world.doctor, world.patient_id)] == [receipt.record_id]
    with pytest.raises(PermissionDenied):
        world.records.open(world.second, receipt.record_id)


def test_my_doctors_and_my_patients(world: World) -> None:
    assert world.records.my_doctors(world.patient) == [
        (world.doctor_id, "Dr. Anil Kumar", "General Physician"), (world.second_id, "Dr. Bela Shah", "Dermatologist")]
    assert world.records.my_doctors(world.other) == [(world.doctor_id, "Dr. Anil Kumar", "General Physician")]
    assert world.records.my_patients(world.doctor) == [
        PatientOfDoctor(world.patient_id, "Asha Rao", NEXT_MONDAY), PatientOfDoctor(world.other_id, "Ravi Menon",
                                                                                    NEXT_MONDAY)]
    assert world.records.my_patients(world.second) == [PatientOfDoctor(world.patient_id, "Asha Rao", NEXT_MONDAY)]
    assert world.records.my_patients(world.stranger) == []
    # a cancelled appointment still makes a relationship: the doctor has seen the patient's file
    world.ml.appointments.cancel(world.patient, world.visit_id)
    assert [d[0] for d in world.records.my_doctors(world.patient)] == [world.doctor_id, world.second_id]
    with pytest.raises(PermissionDenied):
        world.records.my_doctors(world.doctor)
    with pytest.raises(PermissionDenied):
        world.records.my_patients(world.patient)
    with pytest.raises(PermissionDenied):
        world.records.upload(world.doctor, write(world.files, "x.pdf", pdf_bytes()))
    admin = world.clinic.admin
    for call in (lambda: world.records.list(admin), lambda: world.records.my_patients(admin)):
        with pytest.raises(PermissionDenied):
            call()


def test_a_logged_out_session_is_refused(world: World) -> None:
    meta = world.upload("pdf", share_with=[world.doctor_id])
    world.ml.auth.logout(world.patient)
    for call in (lambda: world.records.list(world.patient), lambda: world.records.open(world.patient, meta.record_id),
                 lambda: world.records.delete(world.patient, meta.record_id)):
        with pytest.raises(PermissionDenied):
            call()
    assert world.row(meta.record_id)["record_id"] == meta.record_id
    assert world.opened_files() == []


# -- the audit trail -------------------------------------------------------------------------------------
def test_upload_open_share_and_delete_are_audited(world: World) -> None:
    meta = world.upload("pdf", share_with=[world.doctor_id])
    rid = str(meta.record_id)
    world.records.open(world.patient, meta.record_id)
    world.records.open(world.doctor, meta.record_id)
    world.records.share(world.patient, meta.record_id, [world.doctor_id, world.second_id])
    world.records.share(world.patient, meta.record_id, [])
    world.records.delete(world.patient, meta.record_id)
    wanted = ("record.upload", "record.open", "record.share", "record.delete")
    rows = [(r["action"], r["actor_role"], r["actor_id"], r["subject_role"], r["subject_id"], r["object_type"],
             r["object_id"], r["outcome"]) for r in audit_rows(world.ml) if r["action"] in wanted]
    pid, doc = world.patient_id, world.doctor_id
    assert rows == [
        ("record.upload", "patient", pid, "patient", pid, "record", rid, "ok"),
        ("record.open", "patient", pid, "patient", pid, "record", rid, "ok"),
        ("record.open", "doctor", doc, "patient", pid, "record", rid, "ok"),
        ("record.share", "patient", pid, "patient", pid, "record", rid, "ok"),
        ("record.share", "patient", pid, "patient", pid, "record", rid, "ok"),
        ("record.delete", "patient", pid, "patient", pid, "record", rid, "ok"),
    ]
    details = " ".join(r["detail"] for r in audit_rows(world.ml))
    assert "blood-test" not in details  # the label is personal data: ids and codes only
    assert world.ml.audit.verify().ok


def test_opening_a_tampered_record_is_audited_as_tampered_not_as_success(world: World) -> None:
    meta = world.upload("pdf")
    execute(world.ml, "UPDATE medical_records SET sha256 = ? WHERE record_id = ?",
            (hashlib.sha256(b"something else").hexdigest(), meta.record_id))
    with pytest.raises(TamperedRecord):
        world.records.open(world.patient, meta.record_id)
    assert [r["outcome"] for r in audit_rows(world.ml, action="record.open")] == ["tampered"]


def test_a_receipt_stays_shared_with_the_doctor_who_issued_it(world: World) -> None:
    world.clinic.set_local(NEXT_MONDAY, "10:30")
    world.ml.appointments.complete(world.doctor, world.visit_id)
    world.ml.billing.create_bill(world.doctor, world.visit_id)
    (receipt,) = world.records.list(world.patient)
    with pytest.raises(ValidationError) as caught:
        world.records.share(world.patient, receipt.record_id, [])
    assert caught.value.field == "share_with"
    assert world.shares(receipt.record_id) == {world.doctor_id}
    world.records.share(world.patient, receipt.record_id, [world.doctor_id, world.second_id])
    assert world.shares(receipt.record_id) == {world.doctor_id, world.second_id}


@pytest.mark.parametrize("bad", ["12", b"12", 12, [None]])
def test_share_with_something_other_than_a_list_of_ids_is_refused(world: World, bad: Any) -> None:
    meta = world.upload("png", share_with=[world.doctor_id])
    with pytest.raises(ValidationError) as caught:
        world.records.share(world.patient, meta.record_id, bad)
    assert caught.value.field == "share_with"
    assert world.shares(meta.record_id) == {world.doctor_id}


def test_decrypted_copies_are_purged(world: World) -> None:
    meta = world.upload("pdf")
    first = world.records.open(world.patient, meta.record_id)
    second = world.records.open(world.patient, meta.record_id)
    assert first.exists() and second.exists() and first != second
    assert world.records.purge_opened() == 2
    assert world.opened_files() == []


def test_a_late_purge_spares_copies_opened_after_it_was_asked_for(world: World) -> None:
    """The window purges on a worker (after start-up, at log-out): a copy opened meanwhile stays."""
    import os
    import time

    from medlink.ui.app import _opened_before

    meta = world.upload("pdf")
    old = world.records.open(world.patient, meta.record_id)
    os.utime(old, (time.time() - 60, time.time() - 60))  # left by an earlier run
    asked_at = time.time() - 1
    new = world.records.open(world.patient, meta.record_id)  # opened after the purge was asked for
    assert world.records.purge_opened(_opened_before(asked_at)) == 1
    assert not old.exists() and new.exists()
    assert world.records.purge_opened(_opened_before(time.time())) == 1 and not new.exists()
