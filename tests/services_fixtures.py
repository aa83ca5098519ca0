"""Plain helpers for the account and security service tests (issue 3).

Each test module builds its core with ``open_core(settings)``: cheap argon2 parameters and a
``FixedClock`` that tests move instead of sleeping. The helpers read what the database holds with
plain SQL, so an assertion is about the stored row, not about what a service says it stored.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from medlink.config import PROJECT_ROOT, Settings
from medlink.core import MedLink
from medlink.services.clock import FixedClock
from medlink.services.passwords import PasswordParams
from medlink.services.session import Session

FAST = PasswordParams(time_cost=1, memory_cost=1024, parallelism=1)
START = dt.datetime(2030, 1, 7, 9, 0, 0)  # UTC; local clinic time is 14:30 the same day
TODAY = dt.date(2030, 1, 7)  # FixedClock(START).today()
PASSWORD = "Correct-horse-42"
ADMIN_PASSWORD = "Admin-staple-77"

TABLES = ("schema_migrations", "admins", "patient_info", "doctor_info", "doctor_availability", "doctor_leave",
          "appointments", "bills", "receipt_counters", "medical_records", "record_shares", "video_calls",
          "audit_log", "audit_head", "email_outbox")

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


@contextmanager
def open_core(settings: Settings, *, clock: FixedClock | None = None,
              params: PasswordParams = FAST) -> Iterator[MedLink]:
    """A MedLink on ``settings`` with the schema in place; closed afterwards."""
    core = MedLink(settings, password_params=params, clock=clock or FixedClock(START))
    core.init_db()
    try:
        yield core
    finally:
        core.close()


# -- forms ------------------------------------------------------------------------------------------
def patient_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = dict(
        name="Asha Rao", email=f"{unique('asha')}@example.org", phone="98450 12345", password=PASSWORD,
        date_of_birth="1990-05-17", gender="Female", address="12 MG Road, Bengaluru",
        medical_history="Mild asthma.",
    )
    form.update(overrides)
    return form


def doctor_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = dict(
        name="Dr. Vikram Iyer", email=f"{unique('vikram')}@example.org", phone="+91 98450 67890",
        password=PASSWORD, qualifications="MBBS, MD (General Medicine)", specialty="General Physician",
        hospital="City Care Hospital", city="Bengaluru", experience_years=12,
        registration_number=unique("KMC-"), bio="Family medicine.", hospital_address="1 Residency Road",
    )
    form.update(overrides)
    return form


def register_patient(ml: MedLink, **overrides: Any) -> tuple[int, dict[str, Any]]:
    form = patient_form(**overrides)
    return ml.auth.register_patient(**form), form


def register_doctor(ml: MedLink, **overrides: Any) -> tuple[int, dict[str, Any]]:
    form = doctor_form(**overrides)
    return ml.auth.register_doctor(**form), form


def admin_session(ml: MedLink, username: str = "clinic-admin") -> Session:
    ml.auth.create_admin(username=username, password=ADMIN_PASSWORD)
    return ml.auth.login("admin", username, ADMIN_PASSWORD)


def patient_session(ml: MedLink, **overrides: Any) -> tuple[Session, int, dict[str, Any]]:
    patient_id, form = register_patient(ml, **overrides)
    return ml.auth.login("patient", form["email"], form["password"]), patient_id, form


def doctor_session(ml: MedLink, **overrides: Any) -> tuple[Session, int, dict[str, Any]]:
    doctor_id, form = register_doctor(ml, **overrides)
    return ml.auth.login("doctor", form["email"], form["password"]), doctor_id, form


# -- reading the database -----------------------------------------------------------------------------
def query(ml: MedLink, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    with ml.db.transaction() as tx:
        return tx.query(sql, params)


def execute(ml: MedLink, sql: str, params: tuple[Any, ...] = ()) -> int:
    with ml.db.transaction() as tx:
        return tx.execute(sql, params)


def one(ml: MedLink, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any]:
    rows = query(ml, sql, params)
    assert len(rows) == 1, rows
    return rows[0]


def patient_row(ml: MedLink, patient_id: int) -> dict[str, Any]:
    return one(ml, "SELECT * FROM patient_info WHERE patient_id = ?", (patient_id,))


def doctor_row(ml: MedLink, doctor_id: int) -> dict[str, Any]:
    return one(ml, "SELECT * FROM doctor_info WHERE doctor_id = ?", (doctor_id,))


def admin_row(ml: MedLink, username: str) -> dict[str, Any]:
    return one(ml, "SELECT * FROM admins WHERE username = ?", (username,))


def count(ml: MedLink, table: str) -> int:
    assert table in TABLES
    return int(one(ml, f"SELECT COUNT(*) AS n FROM {table}")["n"])


def table_counts(ml: MedLink) -> dict[str, int]:
    """Row count of every table; raises if a table is missing."""
    return {table: count(ml, table) for table in TABLES}


def audit_rows(ml: MedLink, action: str | None = None, outcome: str | None = None) -> list[dict[str, Any]]:
    sql, params = "SELECT * FROM audit_log WHERE 1 = 1", []
    if action is not None:
        sql += " AND action = ?"
        params.append(action)
    if outcome is not None:
        sql += " AND outcome = ?"
        params.append(outcome)
    return query(ml, sql + " ORDER BY audit_id", tuple(params))


# -- the command line ----------------------------------------------------------------------------------
def run_main(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run main.py from the repository root with only this database's settings in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDLINK_")}
    env.update(MEDLINK_DB_URL=settings.db_url, MEDLINK_DATA_DIR=str(settings.data_dir))
    return subprocess.run([sys.executable, "main.py", *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)
