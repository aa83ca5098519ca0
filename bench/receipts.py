"""Receipts: bills issued end to end, and the PDF drawing alone.

- ``receipts_per_s_<backend>``: ``ml.billing.create_bill`` for one appointment after another, each
  the whole path a doctor waits for: the bill row with its receipt number, outbox and audit rows,
  the PDF drawn, sealed (AES-GCM) and attached to the patient's records in the same transaction,
  and written to ``records_dir/receipts`` once it is committed. One bill is issued first, untimed,
  so imports and the key file are not counted.
- ``receipts_per_s``: the slower of the backends measured (the figure issue 8 sets a target for).
- ``receipt_render_per_s``: ``render_receipt`` on one bill's rows, no database and no file (an
  ordinary one-page receipt: drawn directly, not laid out by platypus).

Each is measured in ``batches`` (default 3) and the best batch is reported: on a shared machine the
slow batches measure the neighbours. Options (``python -m bench receipts --receipts 200 --profile``):
``receipts`` per batch (default 50), ``renders`` per batch (default 100), ``batches``, ``profile``
(print where the end-to-end time goes, by cProfile).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import gc
import io
import pstats
import secrets
import time
from typing import Any

from bench import BenchEnv

TARGETS = {"receipts_per_s": (">=", 50.0)}

NOW = dt.datetime(2026, 11, 30, 3, 0)  # UTC; Monday 30 November 2026, 08:30 in the clinic
FIRST_DAY = dt.date(2026, 12, 7)  # the Monday after
SLOTS_PER_DAY = 32  # 09:00 to 17:00 in 15-minute slots


def slot(i: int) -> tuple[dt.date, str]:
    day, index = divmod(i, SLOTS_PER_DAY)
    week, weekday = divmod(day, 5)
    minutes = 9 * 60 + 15 * index
    return FIRST_DAY + dt.timedelta(days=7 * week + weekday), f"{minutes // 60:02d}:{minutes % 60:02d}"


def clinic_with_appointments(ml: Any, count: int) -> tuple[Any, list[int]]:
    """A verified doctor with fees and hours, a patient, and ``count`` booked appointments."""
    password = secrets.token_urlsafe(16)  # throw-away accounts of a throw-away database
    ml.auth.create_admin(username="bench-admin", password=password)
    admin = ml.auth.login("admin", "bench-admin", password)
    doctor_id = ml.auth.register_doctor(
        name="Dr. Ananya Iyer", email="doctor@bench.medlink", phone="+919800000001", password=password,
        qualifications="MBBS (Madras Medical College), MD General Medicine, DNB Family Medicine",
        specialty="General Physician", hospital="Lakshmi Family Clinic", city="Chennai", experience_years=11,
        registration_number="TNMC/BENCH/0001")
    ml.admin.verify_doctor(admin, doctor_id)
    doctor = ml.auth.login("doctor", "doctor@bench.medlink", password)
    ml.doctors.set_availability(doctor, [(w, "09:00", "17:00") for w in range(5)], slot_minutes=15)
    ml.billing.set_fees(doctor, consultation="1234.50", lab_test="250", medication="99.99", other="100")
    ml.auth.register_patient(name="Asha Verma", email="patient@bench.medlink", phone="9876543210",
                             password=password, date_of_birth="1988-03-14", gender="Female",
                             address="12 MG Road, Pune", medical_history="")
    patient = ml.auth.login("patient", "patient@bench.medlink", password)
    ids = []
    for i in range(count):
        day, hhmm = slot(i)
        ids.append(ml.appointments.book(patient, doctor_id=doctor_id, date=day, time=hhmm,
                                        mode="online" if i % 2 else "offline").appointment_id)
    return doctor, ids


def end_to_end(env: BenchEnv, backend: str, count: int, batches: int, profile: bool) -> list[float]:
    """Receipts per second through ``create_bill`` on a fresh database of ``backend``: one rate per
    batch of ``count`` bills."""
    from medlink.core import MedLink
    from medlink.services.clock import FixedClock
    from medlink.services.passwords import PasswordParams

    clinic = dict(clinic_name="Lakshmi Family Clinic", clinic_address="14 Cathedral Road, Chennai 600086")
    rates = []
    profiler = cProfile.Profile() if profile else None
    with (env.database(backend, **clinic) as (settings, _),
          MedLink(settings, clock=FixedClock(NOW), password_params=PasswordParams(1, 1024, 1)) as ml):
        ml.init_db()
        doctor, appointment_ids = clinic_with_appointments(ml, 1 + count * batches)
        ml.billing.create_bill(doctor, appointment_ids[0], extra_charges="100")  # warm-up, untimed
        for batch in range(batches):
            todo = appointment_ids[1 + batch * count:1 + (batch + 1) * count]
            if profiler:
                profiler.enable()
            start = time.perf_counter()
            for appointment_id in todo:
                ml.billing.create_bill(doctor, appointment_id, extra_charges="350.50",
                                       additional_details="Nebulisation and dressing.\nReview in a week.")
            rates.append(count / (time.perf_counter() - start))
            if profiler:
                profiler.disable()
        issued = len(list((settings.records_dir / "receipts").iterdir()))
        if issued != len(appointment_ids):
            raise AssertionError(f"expected {len(appointment_ids)} receipt files, found {issued}")
    if profiler:
        report = io.StringIO()
        pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(30)
        print(f"\n--- cProfile of {count * batches} receipts on {backend}, by cumulative time (the profiler "
              f"itself slows the run) ---\n{report.getvalue()}")
    return rates


def render_only(count: int) -> float:
    """PDF drawings per second from one bill's rows (no database, no file)."""
    from decimal import Decimal as D

    from medlink.services.receipts import ReceiptData, render_receipt

    bill = dict(receipt_number="ML/2026-27/000042", consultation_fee=D("1234.50"), lab_test_fee=D("250.00"),
                medication_fee=D("99.99"), subtotal=D("1584.49"), gst_rate=D("18.00"), gst_amount=D("285.21"),
                other_fees=D("100.00"), extra_charges=D("350.50"), total_amount=D("2320.20"),
                additional_details="Nebulisation and dressing.\nReview in a week.")
    data = ReceiptData(
        "Lakshmi Family Clinic", "14 Cathedral Road, Chennai 600086", bill,
        dict(name="Asha Verma", patient_id=42, phone="+919876543210", email="patient@bench.medlink"),
        dict(name="Dr. Ananya Iyer", qualifications="MBBS, MD General Medicine", specialty="General Physician",
             hospital="Lakshmi Family Clinic", registration_number="TNMC/BENCH/0001"),
        dict(appointment_date=dt.date(2026, 12, 7), appointment_day="Monday", appointment_time=dt.time(9, 0),
             mode="online"),
        issued_local=dt.datetime(2026, 12, 7, 9, 20))
    render_receipt(data)  # warm-up: imports and font metrics
    gc.collect()
    start = time.perf_counter()
    for _ in range(count):
        render_receipt(data)
    return count / (time.perf_counter() - start)


def best(rates: list[float]) -> float:
    return round(max(rates), 1)


def run(env: BenchEnv) -> dict[str, float]:
    count, batches = int(env.option("receipts", 50)), int(env.option("batches", 3))
    profile = bool(env.option("profile", False))
    metrics: dict[str, float] = {}
    for backend in env.backends:
        rates = end_to_end(env, backend, count, batches, profile)
        print(f"  receipts per second on {backend}, {batches} batches of {count}: "
              + ", ".join(f"{r:.1f}" for r in rates))
        metrics[f"receipts_per_s_{backend}"] = best(rates)
    if env.backends:
        metrics["receipts_per_s"] = min(metrics[f"receipts_per_s_{b}"] for b in env.backends)
    renders = int(env.option("renders", 100))
    rates = [render_only(renders) for _ in range(batches)]
    print(f"  PDF drawings per second, {batches} batches of {renders}: " + ", ".join(f"{r:.1f}" for r in rates))
    metrics["receipt_render_per_s"] = best(rates)
    return metrics
