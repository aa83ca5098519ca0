"""Receipt PDFs (issue 5), on SQLite and MariaDB: what the page says (read back with pypdf), where
the file lives and that it is never overwritten, the encrypted copy in the patient's records, and
who may list bills and open receipts.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest

from medlink.errors import NotFound, PermissionDenied
from tests.conftest import make_settings
from tests.services_fixtures import audit_rows, query
from tests.test_appointments import Clinic, open_clinic
from tests.test_billing import book, clinic_on

D = Decimal
CLINIC_NAME = "Lakshmi Family Clinic"
CLINIC_ADDRESS = "14 Cathedral Road, Gopalapuram\nChennai 600086"
QUALIFICATIONS = ("MBBS (Madras Medical College), MD General Medicine, DNB Family Medicine, "
                  "Fellowship in Diabetology (CMC Vellore)")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """The text with every run of white space (line breaks from wrapping included) as one space."""
    return " ".join(text.split())


@pytest.fixture
def clinic(db_url: str, tmp_path: Path) -> Iterator[Clinic]:
    yield from open_clinic(make_settings(db_url, tmp_path, clinic_name=CLINIC_NAME, clinic_address=CLINIC_ADDRESS))


@pytest.fixture
def issued(clinic: Clinic) -> dict[str, Any]:
    """A doctor with fees, a patient, and one bill with extra charges and details."""
    doctor, doctor_id = clinic.doctor(name="Dr. Meera Pillai", qualifications=QUALIFICATIONS,
                                      specialty="General Physician", hospital="Lakshmi Family Clinic",
                                      registration_number="TNMC-45678")
    patient, patient_id = clinic.patient(name="Asha Rao", phone="98450 12345")
    clinic.ml.billing.set_fees(doctor, consultation="1234.50", lab_test="250", medication="99.99", other="100")
    appointment_id = book(clinic, patient, doctor_id, mode="online")[0]
    bill = clinic.ml.billing.create_bill(doctor, appointment_id, extra_charges="1500",
                                         additional_details="Nebulisation x2 & dressing <kit>.\nReview in a week.")
    return dict(doctor=doctor, doctor_id=doctor_id, patient=patient, patient_id=patient_id,
                appointment_id=appointment_id, bill=bill, path=Path(bill.receipt_path))


def receipt_records(clinic: Clinic) -> list[dict[str, Any]]:
    return query(clinic.ml, "SELECT * FROM medical_records WHERE kind = 'receipt' ORDER BY record_id")


# -- what the receipt says ----------------------------------------------------------------------------------
def test_the_receipt_pdf_holds_every_detail_and_charge_line(clinic: Clinic, issued: dict[str, Any]) -> None:
    bill = issued["bill"]
    assert (bill.subtotal, bill.gst_amount, bill.total_amount) == (D("1584.49"), D("285.21"), D("3469.70"))
    data = issued["path"].read_bytes()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.metadata.title == f"Receipt {bill.receipt_number}"
    text = flat(pdf_text(data))
    for expected in (CLINIC_NAME, "14 Cathedral Road, Gopalapuram", "Chennai 600086", "RECEIPT",
                     "ML/2026-27/000001", "Date 30 Nov 2026, 08:30",  # issued at the clinic's local time
                     "Asha Rao", f"P-{issued['patient_id']:06d}", "+919845012345",
                     "Dr. Meera Pillai", QUALIFICATIONS, "General Physician", "TNMC-45678",
                     "07 Dec 2026", "Monday", "09:00", "Online consultation",
                     "Nebulisation x2 & dressing <kit>.", "Review in a week.",
                     "GST @ 18% is charged on the subtotal", "Other fees and extra charges carry no GST."):
        assert expected in text, expected
    lines = [("Consultation fee", "Rs. 1,234.50"), ("Lab test fee", "Rs. 250.00"), ("Medication fee", "Rs. 99.99"),
             ("Subtotal", "Rs. 1,584.49"), ("GST @ 18%", "Rs. 285.21"), ("Other fees", "Rs. 100.00"),
             ("Extra charges", "Rs. 1,500.00"), ("Total payable", "Rs. 3,469.70")]
    for label, amount in lines:  # each label with its own amount, in the order they add up
        assert re.search(re.escape(label) + r"(?: on subtotal)? " + re.escape(amount), text), (label, amount)
    positions = [text.index(label) for label, _ in lines]
    assert positions == sorted(positions)


def test_the_receipt_shows_the_stored_rate_and_an_in_person_visit(db_url: str, tmp_path: Path) -> None:
    with clinic_on(make_settings(db_url, tmp_path, gst_rate="12.5")) as clinic:
        doctor, doctor_id = clinic.doctor()
        patient, _ = clinic.patient()
        bill = clinic.ml.billing.create_bill(doctor, book(clinic, patient, doctor_id, mode="offline")[0])
        text = flat(pdf_text(Path(bill.receipt_path).read_bytes()))
        assert "GST @ 12.5% on subtotal Rs. 62.50" in text and "Total payable Rs. 562.50" in text
        assert "In person" in text and "MedLink Clinic" in text  # the default clinic name


def test_a_fee_entered_as_minus_zero_prints_as_zero(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    clinic.ml.billing.set_fees(doctor, consultation="500", lab_test="-0", medication="-0.00", other="-0")
    bill = clinic.ml.billing.create_bill(doctor, book(clinic, patient, doctor_id)[0], extra_charges="-0")
    [row] = query(clinic.ml, "SELECT * FROM bills")
    for column in ("lab_test_fee", "medication_fee", "other_fees", "extra_charges"):
        assert row[column] == 0 and not row[column].is_signed(), column
    text = pdf_text(Path(bill.receipt_path).read_bytes())
    assert "-0.00" not in text and "Lab test fee\nRs. 0.00" in text


# -- the file --------------------------------------------------------------------------------------------
def test_receipt_files_are_unique_and_never_overwritten(clinic: Clinic, issued: dict[str, Any]) -> None:
    doctor, patient, first = issued["doctor"], issued["patient"], issued["path"]
    folder = clinic.ml.settings.records_dir / "receipts"
    assert first.parent == folder and first.is_file()
    assert first.stat().st_mode & 0o077 == 0  # the owner's alone
    second_bill = clinic.ml.billing.create_bill(doctor, book(clinic, patient, issued["doctor_id"], start=1)[0])
    second = Path(second_bill.receipt_path)
    assert second != first and sorted(folder.iterdir()) == sorted([first, second])
    assert "ML-2026-27-000001" in first.name and "ML-2026-27-000002" in second.name
    # asking again returns the same file, untouched
    original = first.read_bytes()
    os.utime(first, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    for session in (doctor, patient):
        assert clinic.ml.billing.receipt_path(session, issued["bill"].bill_id) == first
    assert first.read_bytes() == original and first.stat().st_mtime_ns == 1_000_000_000_000_000_000
    # a deleted file is rebuilt from the bill row, under the same name, saying the same
    first.unlink()
    assert clinic.ml.billing.receipt_path(patient, issued["bill"].bill_id) == first
    assert first.is_file() and pdf_text(first.read_bytes()) == pdf_text(original)
    assert sorted(folder.iterdir()) == sorted([first, second])
    assert len(receipt_records(clinic)) == 2  # rebuilding attached nothing twice


def test_a_receipt_is_rebuilt_from_the_bill_row_not_todays_fees(clinic: Clinic, issued: dict[str, Any]) -> None:
    original = pdf_text(issued["path"].read_bytes())
    clinic.ml.billing.set_fees(issued["doctor"], consultation="9000", lab_test="0", medication="0", other="0")
    clinic.clock.advance(days=200)  # a new financial year, too
    rebuilt = pdf_text(clinic.ml.billing.receipt_pdf(issued["bill"].bill_id))
    assert rebuilt == original
    assert "Rs. 1,234.50" in rebuilt and "9,000" not in rebuilt and "ML/2026-27/000001" in rebuilt


# -- the patient's records ---------------------------------------------------------------------------------
def test_the_receipt_is_attached_encrypted_to_the_patients_records(clinic: Clinic, issued: dict[str, Any]) -> None:
    bill, pdf = issued["bill"], issued["path"].read_bytes()
    [record] = receipt_records(clinic)
    assert (record["patient_id"], record["bill_id"], record["uploaded_by"], record["uploader_role"]) == \
        (issued["patient_id"], bill.bill_id, issued["doctor_id"], "doctor")
    assert (record["content_type"], record["size_bytes"]) == ("application/pdf", len(pdf))
    assert record["sha256"] == hashlib.sha256(pdf).hexdigest()
    content = bytes(record["content"])
    assert content != pdf and b"%PDF" not in content and b"Asha Rao" not in content  # sealed, not stored plain
    shares = query(clinic.ml, "SELECT doctor_id FROM record_shares WHERE record_id = ?", (record["record_id"],))
    assert [s["doctor_id"] for s in shares] == [issued["doctor_id"]]
    # the patient sees it among their records, and both the patient and the doctor open the same PDF
    listed = clinic.ml.records.list(issued["patient"])
    assert [(r.record_id, r.kind) for r in listed] == [(record["record_id"], "receipt")]
    for session in (issued["patient"], issued["doctor"]):
        assert clinic.ml.records.open(session, record["record_id"]).read_bytes() == pdf
    stranger, _ = clinic.doctor()
    with pytest.raises(PermissionDenied):
        clinic.ml.records.open(stranger, record["record_id"])


# -- who sees what -----------------------------------------------------------------------------------------
def test_bills_lists_the_callers_own_bills_only(clinic: Clinic) -> None:
    d1, d1_id = clinic.doctor(name="Dr. One")
    d2, d2_id = clinic.doctor(name="Dr. Two")
    idle, _ = clinic.doctor(name="Dr. Idle")
    p1, p1_id = clinic.patient(name="Patient One")
    p2, p2_id = clinic.patient(name="Patient Two")
    lonely, _ = clinic.patient(name="Patient Three")
    a = clinic.ml.billing.create_bill(d1, book(clinic, p1, d1_id, start=0)[0])
    b = clinic.ml.billing.create_bill(d2, book(clinic, p1, d2_id, start=1)[0])
    clinic.clock.advance(minutes=5)
    c = clinic.ml.billing.create_bill(d1, book(clinic, p2, d1_id, start=2)[0])

    def ids(session: Any) -> list[int]:
        return [x.bill_id for x in clinic.ml.billing.bills(session)]

    assert ids(p1) == [b.bill_id, a.bill_id]  # newest first
    assert ids(p2) == [c.bill_id]
    assert ids(d1) == [c.bill_id, a.bill_id]
    assert ids(d2) == [b.bill_id]
    assert ids(idle) == [] and ids(lonely) == []
    mine = clinic.ml.billing.bills(p1)
    assert [(x.patient_name, x.doctor_name, x.patient_id) for x in mine] == \
        [("Patient One", "Dr. Two", p1_id), ("Patient One", "Dr. One", p1_id)]
    assert clinic.ml.billing.bills(d1)[0].patient_id == p2_id
    assert clinic.ml.billing.bills(d1, limit=1, offset=1)[0].bill_id == a.bill_id
    with pytest.raises(PermissionDenied):
        clinic.ml.billing.bills(clinic.admin)
    assert len(audit_rows(clinic.ml, action="billing.list", outcome="ok")) == 9


def test_only_the_bills_patient_and_doctor_open_its_receipt(clinic: Clinic, issued: dict[str, Any]) -> None:
    bill_id = issued["bill"].bill_id
    other_patient, other_patient_id = clinic.patient(name="Someone Else")
    other_doctor, other_doctor_id = clinic.doctor(name="Dr. Someone Else")
    for session in (other_patient, other_doctor, clinic.admin, None):
        with pytest.raises(PermissionDenied):
            clinic.ml.billing.receipt_path(session, bill_id)
    denied = audit_rows(clinic.ml, action="receipt.open", outcome="denied")
    assert [(a["actor_role"], a["actor_id"]) for a in denied] == [
        ("patient", other_patient_id), ("doctor", other_doctor_id), ("admin", clinic.admin.user_id),
        ("anonymous", None)]
    assert [(a["subject_id"], a["object_id"]) for a in denied[:2]] == [(issued["patient_id"], str(bill_id))] * 2
    for unknown in (bill_id + 1000, str(bill_id)):
        with pytest.raises(NotFound):
            clinic.ml.billing.receipt_path(issued["patient"], unknown)
    assert clinic.ml.billing.receipt_path(issued["patient"], bill_id) == issued["path"]
    assert clinic.ml.billing.receipt_path(issued["doctor"], bill_id) == issued["path"]
    opened = audit_rows(clinic.ml, action="receipt.open", outcome="ok")
    assert [(a["actor_role"], a["actor_id"], a["subject_id"], a["object_type"], a["object_id"]) for a in opened] == [
        ("patient", issued["patient_id"], issued["patient_id"], "bill", str(bill_id)),
        ("doctor", issued["doctor_id"], issued["patient_id"], "bill", str(bill_id))]



# -- the page drawn directly and the page platypus lays out ---------------------------------------------------
def receipt_data(**changes: Any) -> Any:
    """A receipt's rows without a database; ``changes`` replace fields (``bill``/``patient``/``doctor``
    entries are merged into the defaults)."""
    import datetime as dt

    from medlink.services.receipts import ReceiptData

    parts: dict[str, Any] = dict(
        clinic_name=CLINIC_NAME, clinic_address=CLINIC_ADDRESS,
        bill=dict(receipt_number="ML/2026-27/000042", consultation_fee=D("1234.50"), lab_test_fee=D("250.00"),
                  medication_fee=D("99.99"), subtotal=D("1584.49"), gst_rate=D("18.00"), gst_amount=D("285.21"),
                  other_fees=D("100.00"), extra_charges=D("1500.00"), total_amount=D("3469.70"),
                  additional_details="Nebulisation x2 & dressing <kit>.\nReview in a week."),
        patient=dict(name="Asha Rao", patient_id=42, phone="+919845012345", email="asha@example.in"),
        doctor=dict(name="Dr. Meera Pillai", qualifications=QUALIFICATIONS, specialty="General Physician",
                    hospital="Lakshmi Family Clinic", registration_number="TNMC-45678"),
        appointment=dict(appointment_date=dt.date(2026, 12, 7), appointment_day="Monday",
                         appointment_time=dt.time(9, 0), mode="online"),
        issued_local=dt.datetime(2026, 11, 30, 8, 30))
    for key, value in changes.items():
        parts[key] = {**parts[key], **value} if isinstance(parts[key], dict) else value
    return ReceiptData(**parts)


def placed_text(data: bytes) -> list[tuple[int, float, float, str]]:
    """Every run of text on the pages with the point it starts at: (page, x, y, text)."""
    found: list[tuple[int, float, float, str]] = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages, start=1):
        def visit(text: str, cm: list[float], tm: list[float], *_: Any, number: int = number) -> None:
            if text.strip():
                x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((number, x, y, " ".join(text.split())))

        page.extract_text(visitor_text=visit)
    return found


def same_places(a: list[tuple[int, float, float, str]], b: list[tuple[int, float, float, str]]) -> bool:
    """The same texts in the same order on the same pages, each within 0.01 pt of the same point."""
    return len(a) == len(b) and all(
        (pa, ta) == (pb, tb) and abs(xa - xb) < 0.01 and abs(ya - yb) < 0.01
        for (pa, xa, ya, ta), (pb, xb, yb, tb) in zip(a, b, strict=True))


LONG = ("Consultation, review of the blood reports, a second opinion on the X-ray and a diet chart; "
        "followed by advice on exercise, sleep and the medicines to continue for the next fortnight")
# Lines a Paragraph lets run a little over their column, narrowing the spaces (ReportLab's space shrinkage)
SQUEEZED_BOX = "General Vellore), MBBS in in (AIIMS), Medicine"
SQUEEZED_LINE = ("Cardiology Medicine DNB Cardiology Cardiology MBBS Diabetology Cardiology (CMC Medicine Paediatrics "
                 "Medicine")


@pytest.mark.parametrize("changes", [
    {},
    dict(clinic_address="", bill=dict(additional_details="")),
    dict(clinic_name="Sri Venkateswara Multispeciality Hospital and Research Centre",
         clinic_address="Plot 7, Industrial Estate Road, Guindy, Chennai 600032, Tamil Nadu\nPhone 044 2250 1234\n"
                        "GSTIN 33AABCS1234M1Z5"),
    dict(bill=dict(additional_details=LONG + "\n" + LONG, gst_rate=D("12.50")),
         patient=dict(name="Venkata Subramaniam Raghunathan Iyer Krishnamurthy", email="ravi.kumar@hospital.in"),
         doctor=dict(hospital="Government General Hospital, Park Town, Chennai", specialty="Paediatrics")),
    dict(bill=dict(additional_details=SQUEEZED_LINE + "\n" + LONG), doctor=dict(qualifications=SQUEEZED_BOX),
         clinic_address=SQUEEZED_LINE[:60]),
    dict(patient=dict(name="Zoë Ñúñez O'Brien-Smith", phone="98450 12345"),
         appointment=dict(appointment_time=__import__("datetime").time(17, 45), mode="offline")),
], ids=["ordinary", "no-address-no-details", "long-clinic", "wrapped", "squeezed", "accents-in-person"])
def test_a_one_page_receipt_is_drawn_where_platypus_places_it(changes: dict[str, Any]) -> None:
    """The direct drawing of an ordinary receipt puts every word where the platypus layout does, in
    the same order, so the page reads back the same."""
    from medlink.services.receipts import _draw_one_page, _render_flowing, render_receipt

    data = receipt_data(**changes)
    direct, flowing = _draw_one_page(data), _render_flowing(data)
    assert direct is not None, "an ordinary receipt is drawn directly"
    assert render_receipt(data).startswith(b"%PDF-")
    assert same_places(placed_text(direct), placed_text(flowing)), (placed_text(direct), placed_text(flowing))
    assert pdf_text(direct) == pdf_text(flowing)
    reader = pypdf.PdfReader(io.BytesIO(direct))
    assert len(reader.pages) == 1 and reader.metadata.title == "Receipt ML/2026-27/000042"
    assert reader.metadata.author == data.clinic_name and reader.metadata.subject == "MedLink receipt"


def test_the_squeezed_lines_are_squeezed() -> None:
    """The texts of the "squeezed" case above do run over their columns (else it would test nothing new)."""
    from medlink.services.receipts import COLUMN, LABEL_W, WIDTH, _wrap

    assert any(space < 0 for _, space in _wrap(SQUEEZED_BOX, "Helvetica", 9.5, COLUMN - LABEL_W) or [])
    assert any(space < 0 for _, space in _wrap(SQUEEZED_LINE, "Helvetica", 9.5, WIDTH) or [])


@pytest.mark.parametrize("changes", [
    dict(patient=dict(email="venkatasubramaniam.raghunathan.krishnamurthy@example.org")),  # split mid-word
    dict(bill=dict(additional_details="First visit.\n\nReview in a week.")),  # a blank line kept
    dict(bill=dict(additional_details="Dressing\tkit")),  # a tab
], ids=["long-word", "blank-line", "tab"])
def test_text_the_direct_drawing_does_not_wrap_goes_to_platypus(changes: dict[str, Any]) -> None:
    from medlink.services.receipts import _draw_one_page, _render_flowing, render_receipt

    data = receipt_data(**changes)
    assert _draw_one_page(data) is None
    assert pdf_text(render_receipt(data)) == pdf_text(_render_flowing(data))


def test_a_receipt_longer_than_a_page_flows_on_and_names_itself(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    details = "\n".join(f"Dressing {i}: sterile gauze and bandage" for i in range(1, 25))
    bill = clinic.ml.billing.create_bill(doctor, book(clinic, patient, doctor_id)[0], additional_details=details)
    data = Path(bill.receipt_path).read_bytes()
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 2
    assert "Dressing 24: sterile gauze and bandage" in flat(pdf_text(data))
    assert f"Receipt {bill.receipt_number} (continued), page 2" in pages[1].extract_text()
    assert "(continued)" not in pages[0].extract_text()
    [record] = receipt_records(clinic)
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
