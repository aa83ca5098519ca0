"""Render a sample receipt: a PDF made the way the app makes one, and its first page as a PNG.

    .venv/bin/python scripts/render_receipt.py                       -> docs/screenshots/receipt.png
    .venv/bin/python scripts/render_receipt.py --pdf /tmp/receipt.pdf   also keep the PDF

The data is the demo data (``medlink.seed.seed_demo``) on a throw-away SQLite database with a fixed
clock: a patient books an orthopaedic consultation, the doctor completes it and bills it with extra
charges and a note. The page is rasterised with ``pdftoppm -png -r 110 -f 1 -l 1`` (poppler-utils).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from medlink.config import Settings  # noqa: E402
from medlink.core import MedLink  # noqa: E402
from medlink.seed import DEMO_SECRET, seed_demo  # noqa: E402
from medlink.services.clock import FixedClock  # noqa: E402
from medlink.services.passwords import PasswordParams  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "receipt.png"
CLINIC_NAME = "Bone & Joint Care"
CLINIC_ADDRESS = "22 Hauz Khas Enclave, New Delhi 110016\nPhone +91 11 4160 2200, GSTIN 07AABCB1234M1Z5"
NOW = dt.datetime(2026, 11, 30, 3, 0)  # UTC: Monday 30 November 2026, 08:30 in the clinic
VISIT = dt.date(2026, 11, 30)
DOCTOR_EMAIL = "doctor6@demo.medlink"  # Dr. Arjun Singh, orthopaedics: long qualifications, a lab test fee
PATIENT_EMAIL = "asha@demo.medlink"
EXTRA = "1350.00"
DETAILS = ("Knee X-ray (2 views) and crepe bandage, billed as extra charges.\n"
           "Review in two weeks; bring the X-ray films.")


def sample_pdf(workdir: Path) -> bytes:
    """The bytes of a receipt made from the demo data, through the service API."""
    settings = Settings.load(env_file=workdir / "no.env", db_url=f"sqlite:///{workdir / 'demo.db'}",
                             data_dir=workdir / "data", records_dir=workdir / "records",
                             outbox_dir=workdir / "outbox", clinic_name=CLINIC_NAME, clinic_address=CLINIC_ADDRESS)
    clock = FixedClock(NOW)
    with MedLink(settings, clock=clock, password_params=PasswordParams(1, 1024, 1)) as ml:
        ml.init_db()
        seed_demo(ml)
        patient = ml.auth.login("patient", PATIENT_EMAIL, DEMO_SECRET)
        doctor = ml.auth.login("doctor", DOCTOR_EMAIL, DEMO_SECRET)
        appointment = ml.appointments.book(patient, doctor_id=doctor.user_id, date=VISIT, time="10:00",
                                           mode="offline", reason="Knee pain after a fall")
        clock.utc = dt.datetime.combine(VISIT, dt.time(10, 35)) - clock.local_offset
        ml.appointments.complete(doctor, appointment.appointment_id)
        bill = ml.billing.create_bill(doctor, appointment.appointment_id, extra_charges=EXTRA,
                                      additional_details=DETAILS)
        return Path(bill.receipt_path).read_bytes()


def rasterise(pdf: Path, png: Path, dpi: int = 110) -> None:
    """The PDF's first page as ``png`` (pdftoppm from poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is not installed (apt-get install poppler-utils)")
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True, timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"the PNG to write (default {OUT.relative_to(ROOT)})")
    parser.add_argument("--pdf", type=Path, help="also keep the sample PDF here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="medlink-receipt-") as tmp:
        workdir = Path(tmp)
        pdf = workdir / "receipt.pdf"
        pdf.write_bytes(sample_pdf(workdir))
        rasterise(pdf, args.out)
        if args.pdf:
            args.pdf.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, args.pdf)
    print(f"wrote {args.out}" + (f" and {args.pdf}" if args.pdf else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
