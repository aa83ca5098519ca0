""""Show patient records" (issue 7): a record the patient uploaded and shared with the treating doctor
is listed for that doctor and opens with the same bytes; a record the patient kept private is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from medlink.ui.doctor_patient_records import NOTHING_SHARED, DoctorPatientRecordsScreen
from tests.gui import doctor_clinic
from tests.gui.doctor_clinic import Clinic, doctor_window, go_to, settle_all
from tests.gui.flows import PATIENT, settle

pytestmark = pytest.mark.gui
clinic, make_clinic, open_app = doctor_clinic.clinic, doctor_clinic.make_clinic, doctor_clinic.open_app

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_the_treating_doctor_sees_and_opens_only_what_was_shared(clinic: Clinic, open_app, tmp_path: Path) -> None:
    clinic.book(mode="offline")  # the patient becomes this doctor's patient
    shared, private = tmp_path / "Blood report.pdf", tmp_path / "Private scan.png"
    shared.write_bytes(PDF)
    Image.new("RGB", (8, 8), "white").save(private)
    clinic.ml.records.upload(clinic.patient, shared, share_with=[clinic.doctor_id])
    clinic.ml.records.upload(clinic.patient, private)

    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Patient records", "doctor_patient_records")
    assert isinstance(screen, DoctorPatientRecordsScreen)
    assert [screen.patients_table.tree.item(i, "values")[0] for i in screen.patients_table.row_ids()] == \
        [PATIENT["name"]]
    assert screen.open_button.instate(["disabled"])

    screen.patients_table.select(str(clinic.patient_id))
    app.update()
    settle_all(app)
    rows = [screen.records_table.tree.item(i, "values") for i in screen.records_table.row_ids()]
    assert [(r[0], r[1]) for r in rows] == [("Blood report.pdf", "PDF")]
    assert screen.records_title.cget("text") == f"Shared by {PATIENT['name']}"

    screen.records_table.select(screen.records_table.row_ids()[0])
    app.update()
    screen.open_button.invoke()
    settle(app, screen)
    opened = [d.message for d in app.dialogs if d.kind == "open"]
    assert len(opened) == 1
    assert Path(opened[0]).read_bytes() == PDF


def test_a_patient_who_shared_nothing_shows_an_empty_list(clinic: Clinic, open_app, tmp_path: Path) -> None:
    clinic.book(mode="offline")
    private = tmp_path / "Mine only.pdf"
    private.write_bytes(PDF)
    clinic.ml.records.upload(clinic.patient, private)
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Patient records", "doctor_patient_records")
    screen.patients_table.select(str(clinic.patient_id))
    app.update()
    settle_all(app)
    assert screen.records_table.row_ids() == []
    assert screen.records_table.empty.cget("text") == NOTHING_SHARED
    assert screen.records_table.empty.winfo_manager() == "place"
