"""dao.medical_records: documents and receipts (content as bytes) and who they are shared with."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from medlink.dao import medical_records as records
from medlink.db import Database, IntegrityViolation, Tx
from tests.factories import NOW, make_bill, make_booking, make_doctor, make_patient

CONTENT = bytes(range(256)) * 8 + b"\x00\x00tail\xff"


def _upload(tx: Tx, patient_id: int, *, content: bytes = CONTENT, name: str = "blood-test.pdf",
            at: dt.datetime = NOW, **extra: object) -> int:
    return records.insert(tx, patient_id=patient_id, uploaded_by=patient_id, uploader_role="patient",
                          original_filename=name, content_type="application/pdf", size_bytes=len(content),
                          sha256=hashlib.sha256(content).hexdigest(), content=content, upload_date=at, **extra)


def test_insert_get_meta_and_content_round_trip(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        record_id = _upload(tx, patient_id)
    with db.transaction() as tx:
        meta = records.get_meta(tx, record_id)
        content = records.get_content(tx, record_id)
        assert records.get_meta(tx, record_id + 1) is None
        assert records.get_content(tx, record_id + 1) is None
    assert type(content) is bytes and content == CONTENT
    assert meta == {
        "record_id": record_id, "patient_id": patient_id, "uploaded_by": patient_id, "uploader_role": "patient",
        "kind": "document", "bill_id": None, "original_filename": "blood-test.pdf",
        "content_type": "application/pdf", "size_bytes": len(CONTENT), "sha256": hashlib.sha256(CONTENT).hexdigest(),
        "upload_date": NOW,
    }
    assert "content" not in meta


def test_a_receipt_record_points_at_its_bill(db: Database) -> None:
    with db.transaction() as tx:
        patient_id, doctor_id, appointment_id = make_booking(tx)
        bill_id = make_bill(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id)
        record_id = records.insert(tx, patient_id=patient_id, uploaded_by=doctor_id, uploader_role="doctor",
                                   original_filename="receipt.pdf", content_type="application/pdf", size_bytes=3,
                                   sha256="a" * 64, content=b"pdf", upload_date=NOW, kind="receipt", bill_id=bill_id)
    with db.transaction() as tx:
        meta = records.get_meta(tx, record_id)
    assert (meta["kind"], meta["bill_id"], meta["uploader_role"]) == ("receipt", bill_id, "doctor")


def test_unknown_kind_is_refused(db: Database) -> None:
    patient_id = make_patient(db)
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        _upload(tx, patient_id, kind="photo")
    assert info.value.kind == "check"


def test_empty_content_round_trips(db: Database) -> None:
    with db.transaction() as tx:
        record_id = _upload(tx, make_patient(tx), content=b"")
    with db.transaction() as tx:
        assert records.get_content(tx, record_id) == b""


def test_for_patient_newest_first_without_content(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        other = make_patient(tx)
        old = _upload(tx, patient_id, name="old.pdf", at=NOW)
        new = _upload(tx, patient_id, name="new.pdf", at=NOW + dt.timedelta(days=3))
        same_time = _upload(tx, patient_id, name="same.pdf", at=NOW + dt.timedelta(days=3))
        _upload(tx, other)
    with db.transaction() as tx:
        rows = records.for_patient(tx, patient_id)
        assert records.for_patient(tx, 987654) == []
    assert [r["record_id"] for r in rows] == [same_time, new, old]
    assert all("content" not in r for r in rows)


def test_set_shares_adds_and_removes(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        d1, d2, d3 = (make_doctor(tx) for _ in range(3))
        record_id = _upload(tx, patient_id)
        other_record = _upload(tx, patient_id)
        assert records.shared_doctor_ids(tx, record_id) == set()
        records.set_shares(tx, record_id, {d1, d2}, NOW)
        records.set_shares(tx, other_record, {d3}, NOW)
    with db.transaction() as tx:
        assert records.shared_doctor_ids(tx, record_id) == {d1, d2}
        records.set_shares(tx, record_id, {d2, d3}, NOW + dt.timedelta(hours=1))
    with db.transaction() as tx:
        assert records.shared_doctor_ids(tx, record_id) == {d2, d3}
        assert records.shared_doctor_ids(tx, other_record) == {d3}
        shared_at = {r["doctor_id"]: r["shared_at"] for r in tx.query(
            "SELECT doctor_id, shared_at FROM record_shares WHERE record_id = ?", (record_id,))}
        records.set_shares(tx, record_id, set(), NOW)
    assert shared_at == {d2: NOW, d3: NOW + dt.timedelta(hours=1)}  # a kept share keeps its time
    with db.transaction() as tx:
        assert records.shared_doctor_ids(tx, record_id) == set()


def test_shared_with_doctor_optionally_for_one_patient(db: Database) -> None:
    with db.transaction() as tx:
        p1, p2 = make_patient(tx), make_patient(tx)
        doctor_id, other_doctor = make_doctor(tx), make_doctor(tx)
        r1 = _upload(tx, p1, at=NOW)
        r2 = _upload(tx, p2, at=NOW + dt.timedelta(days=1))
        r3 = _upload(tx, p1, at=NOW + dt.timedelta(days=2))
        _upload(tx, p1)  # not shared with anyone
        for record_id in (r1, r2, r3):
            records.set_shares(tx, record_id, {doctor_id}, NOW)
        records.set_shares(tx, r2, {doctor_id, other_doctor}, NOW)
    with db.transaction() as tx:
        assert [r["record_id"] for r in records.shared_with_doctor(tx, doctor_id)] == [r3, r2, r1]
        assert [r["record_id"] for r in records.shared_with_doctor(tx, doctor_id, p1)] == [r3, r1]
        assert [r["record_id"] for r in records.shared_with_doctor(tx, other_doctor)] == [r2]
        assert records.shared_with_doctor(tx, other_doctor, p1) == []
        rows = records.shared_with_doctor(tx, doctor_id)
    assert all("content" not in r for r in rows)


def test_delete_removes_the_record_and_its_shares(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        doctor_id = make_doctor(tx)
        record_id = _upload(tx, patient_id)
        kept = _upload(tx, patient_id)
        records.set_shares(tx, record_id, {doctor_id}, NOW)
        records.set_shares(tx, kept, {doctor_id}, NOW)
    with db.transaction() as tx:
        assert records.delete(tx, record_id) == 1
        assert records.delete(tx, record_id) == 0
    with db.transaction() as tx:
        assert records.get_meta(tx, record_id) is None
        assert records.get_content(tx, record_id) is None
        assert tx.scalar("SELECT COUNT(*) AS n FROM record_shares WHERE record_id = ?", (record_id,)) == 0
        assert records.shared_doctor_ids(tx, kept) == {doctor_id}
        assert [r["record_id"] for r in records.for_patient(tx, patient_id)] == [kept]


def test_receipt_for_bill_finds_only_the_receipt_of_that_bill(db: Database) -> None:
    with db.transaction() as tx:
        patient_id, doctor_id, appointment_id = make_booking(tx)
        bill_id = make_bill(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id)
        _, _, other_appointment = make_booking(tx)
        unbilled = _upload(tx, patient_id)
        receipt = records.insert(tx, patient_id=patient_id, uploaded_by=doctor_id, uploader_role="doctor",
                                 original_filename="ML-2029-30-000001.pdf", content_type="application/pdf",
                                 size_bytes=3, sha256="b" * 64, content=b"pdf", upload_date=NOW, kind="receipt",
                                 bill_id=bill_id)
    with db.transaction() as tx:
        found = records.receipt_for_bill(tx, bill_id)
        assert records.receipt_for_bill(tx, bill_id + 1) is None
        assert records.get_meta(tx, unbilled)["bill_id"] is None
    assert found["record_id"] == receipt
    assert (found["kind"], found["original_filename"], found["patient_id"]) == (
        "receipt", "ML-2029-30-000001.pdf", patient_id)
    assert "content" not in found
    assert other_appointment != appointment_id


def test_shares_for_records_with_the_doctors_names(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        zeta = make_doctor(tx, name="Dr. Zeta Menon")
        alpha = make_doctor(tx, name="Dr. Alpha Bose")
        r1, r2, r3 = _upload(tx, patient_id), _upload(tx, patient_id), _upload(tx, patient_id)
        records.set_shares(tx, r1, {zeta, alpha}, NOW)
        records.set_shares(tx, r2, {zeta}, NOW)
        records.set_shares(tx, r3, {alpha}, NOW)
    with db.transaction() as tx:
        rows = records.shares_for_records(tx, [r1, r2])
        assert records.shares_for_records(tx, []) == []
    assert [r["name"] for r in rows][:1] == ["Dr. Alpha Bose"]
    assert sorted((r["record_id"], r["doctor_id"], r["name"]) for r in rows) == sorted([
        (r1, zeta, "Dr. Zeta Menon"), (r1, alpha, "Dr. Alpha Bose"), (r2, zeta, "Dr. Zeta Menon")])
    assert [r["name"] for r in rows] == sorted(r["name"] for r in rows)
