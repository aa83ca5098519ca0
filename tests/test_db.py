"""The database layer on both backends: URLs, row types, transactions, retry, constraint errors,
per-thread connections; on MariaDB also lost connections, deadlocks and unreachable servers."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medlink.core import MedLink
from medlink.dao import appointments, bills, doctors, medical_records, patients
from medlink.db import ConnectionLost, Database, DatabaseBusy, IntegrityViolation, Tx, parse_url
from medlink.errors import ServiceUnavailable, ValidationError
from tests.conftest import make_settings, mysql_server_url, new_database_url
from tests.factories import (
    DAY,
    NOW,
    TEN,
    make_admin,
    make_appointment,
    make_bill,
    make_booking,
    make_doctor,
    make_patient,
)

# --- URLs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "path"), [
    ("sqlite:///data/medlink.db", "data/medlink.db"),
    ("sqlite:////var/lib/medlink/medlink.db", "/var/lib/medlink/medlink.db"),
    ("sqlite:///:memory:", ":memory:"),
    ("sqlite:///~/medlink.db", str(Path.home() / "medlink.db")),
])
def test_sqlite_url(url: str, path: str) -> None:
    parsed = parse_url(url)
    assert parsed.backend == "sqlite"
    assert parsed.path == path


def test_mysql_url_with_every_part_and_percent_escapes() -> None:
    parsed = parse_url("mysql://clinic%40desk:p%40ss%3Aw%2Frd%25@db.example.org:3307/medlink_prod?ssl_ca=/etc/ca.pem")
    assert parsed.backend == "mysql"
    assert parsed.user == "clinic@desk"
    assert parsed.password == "p@ss:w/rd%"
    assert parsed.host == "db.example.org"
    assert parsed.port == 3307
    assert parsed.database == "medlink_prod"
    assert dict(parsed.options) == {"ssl_ca": "/etc/ca.pem"}


@pytest.mark.parametrize("scheme", ["mysql", "mariadb", "mysql+mysqlconnector"])
def test_mysql_url_default_port_and_schemes(scheme: str) -> None:
    parsed = parse_url(f"{scheme}://app@10.0.0.5/medlink")
    assert (parsed.backend, parsed.host, parsed.port, parsed.user, parsed.password, parsed.database) == (
        "mysql", "10.0.0.5", 3306, "app", "", "medlink")


@pytest.mark.parametrize("url", [
    "", "medlink.db", "postgres://u:p@h/db", "sqlite://", "sqlite:///", "mysql://db.example.org",
    "mysql://db.example.org/", "mysql:///medlink", "mysql://u:p@h:port/medlink", "mysql://u:p@h:99999/medlink",
])
def test_bad_url_is_a_validation_error_naming_db_url(url: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_url(url)
    assert info.value.field == "db_url"
    assert info.value.message


def test_database_with_a_bad_url_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        Database("oracle://x/y")
    assert info.value.field == "db_url"


def test_redacted_hides_the_password() -> None:
    parsed = parse_url("mysql://app:Sup3r-Secret@db.example.org:3306/medlink")
    shown = parsed.redacted()
    assert "Sup3r-Secret" not in shown
    assert shown == "mysql://app:***@db.example.org:3306/medlink"
    assert parse_url("sqlite:////srv/medlink.db").redacted() == "sqlite:////srv/medlink.db"


_url_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(user=_url_text, password=_url_text)
def test_any_percent_escaped_user_and_password_round_trip(user: str, password: str) -> None:
    parsed = parse_url(f"mysql://{quote(user, safe='')}:{quote(password, safe='')}@db.example.org:3306/medlink")
    assert (parsed.user, parsed.password) == (user, password)
    assert parsed.redacted() == f"mysql://{user}:***@db.example.org:3306/medlink"


# --- rows and types ------------------------------------------------------------------------------


def test_rows_are_dicts_of_python_types(db: Database) -> None:
    blob = bytes(range(256)) * 3 + b"\x00end"
    with db.transaction() as tx:
        patient_id, doctor_id, appointment_id = make_booking(tx, time=dt.time(16, 45))
        doctors.set_fees(tx, doctor_id, Decimal("750.5"), Decimal("0"), Decimal("99.99"), None)
        bill_id = make_bill(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id)
        record_id = medical_records.insert(
            tx, patient_id=patient_id, uploaded_by=patient_id, uploader_role="patient",
            original_filename="scan.pdf", content_type="application/pdf", size_bytes=len(blob), sha256="0" * 64,
            content=blob, upload_date=dt.datetime(2030, 1, 2, 3, 4, 5))
    with db.transaction() as tx:
        patient = patients.get(tx, patient_id)
        doctor = doctors.get(tx, doctor_id)
        appointment = appointments.get(tx, appointment_id)
        bill = bills.get(tx, bill_id)
        content = tx.query_one("SELECT content FROM medical_records WHERE record_id = ?", (record_id,))
    assert isinstance(patient, dict)
    assert type(patient["date_of_birth"]) is dt.date and patient["date_of_birth"] == dt.date(1990, 5, 17)
    assert type(patient["created_at"]) is dt.datetime and patient["created_at"] == NOW
    assert type(appointment["appointment_date"]) is dt.date and appointment["appointment_date"] == DAY
    assert type(appointment["appointment_time"]) is dt.time and appointment["appointment_time"] == dt.time(16, 45)
    assert appointment["appointment_day"] == "Monday"
    assert doctor["consultation_fee"] == Decimal("750.50") and str(doctor["consultation_fee"]) == "750.50"
    assert str(doctor["lab_test_fee"]) == "0.00"
    assert str(doctor["medication_fee"]) == "99.99"
    assert doctor["other_fees"] is None
    assert doctor["verified_at"] is None
    for column in ("consultation_fee", "medication_fee", "subtotal", "gst_amount", "total_amount", "gst_rate"):
        assert isinstance(bill[column], Decimal), column
        assert bill[column].as_tuple().exponent == -2, column
    assert (str(bill["subtotal"]), str(bill["gst_rate"]), str(bill["total_amount"])) == ("650.50", "18.00", "787.59")
    assert type(content["content"]) is bytes and content["content"] == blob
    assert int(patient["is_active"]) == 1


def test_aggregates_named_with_a_type_come_back_typed(db: Database) -> None:
    """``MAX(d) AS 'd [DATE]'``: SQLite's aggregates lose the declared type unless the alias names it."""
    with db.transaction() as tx:
        patient_id, doctor_id, appointment_id = make_booking(tx)
        make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, date=DAY + dt.timedelta(days=3))
        make_bill(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id)
        row = tx.query_one("SELECT MAX(appointment_date) AS 'last [DATE]', MIN(appointment_time) AS 'first [TIME]', "
                           "COUNT(*) AS n FROM appointments WHERE doctor_id = ?", (doctor_id,))
        money = tx.query_one("SELECT SUM(total_amount) AS 'total [DECIMAL]' FROM bills")
    assert row == {"last": DAY + dt.timedelta(days=3), "first": TEN, "n": 2}
    assert type(row["last"]) is dt.date and type(row["first"]) is dt.time
    assert money == {"total": Decimal("787.59")} and isinstance(money["total"], Decimal)


def test_tx_execute_insert_executemany_query_scalar(db: Database) -> None:
    with db.transaction() as tx:
        doctor_id = make_doctor(tx)
        first = tx.insert("INSERT INTO doctor_leave (doctor_id, leave_date) VALUES (?, ?)", (doctor_id, DAY))
        assert isinstance(first, int)
        tx.executemany("INSERT INTO doctor_leave (doctor_id, leave_date) VALUES (?, ?)",
                       [(doctor_id, DAY + dt.timedelta(days=n)) for n in (1, 2, 3)])
        changed = tx.execute("DELETE FROM doctor_leave WHERE doctor_id = ? AND leave_date >= ?",
                             (doctor_id, DAY + dt.timedelta(days=2)))
        assert changed == 2
        assert tx.execute("UPDATE doctor_leave SET leave_date = leave_date WHERE doctor_id = ?", (-1,)) == 0
        rows = tx.query("SELECT leave_date FROM doctor_leave WHERE doctor_id = ? ORDER BY leave_date", (doctor_id,))
        assert rows == [{"leave_date": DAY}, {"leave_date": DAY + dt.timedelta(days=1)}]
        assert tx.query_one("SELECT leave_date FROM doctor_leave WHERE doctor_id = ?", (-1,)) is None
        assert tx.scalar("SELECT COUNT(*) AS n FROM doctor_leave WHERE doctor_id = ?", (doctor_id,)) == 2
        assert tx.scalar("SELECT leave_date FROM doctor_leave WHERE doctor_id = ?", (-1,)) is None
        assert tx.backend == db.backend


def test_query_one_on_many_rows_leaves_the_connection_usable(db: Database) -> None:
    with db.transaction() as tx:
        for _ in range(3):
            make_patient(tx)
        first = tx.query_one("SELECT patient_id FROM patient_info ORDER BY patient_id")
        assert first is not None
        assert tx.scalar("SELECT COUNT(*) AS n FROM patient_info") == 3


def test_percent_signs_in_sql_text_with_and_without_parameters(db: Database) -> None:
    with db.transaction() as tx:
        make_patient(tx, email="asha@example.org", name="Asha 100%")
        make_patient(tx, email="ravi@example.net", name="Ravi")
        assert tx.scalar("SELECT COUNT(*) AS n FROM patient_info WHERE email LIKE '%@example.org'") == 1
        assert tx.scalar("SELECT COUNT(*) AS n FROM patient_info WHERE email LIKE '%@example.%' AND name <> ?",
                         ("nobody",)) == 2
        assert tx.scalar("SELECT name FROM patient_info WHERE name LIKE ?", ("%100%%",)) == "Asha 100%"


def test_parameters_are_bound_not_formatted(db: Database) -> None:
    hostile = "x'); DROP TABLE patient_info; --"
    with db.transaction() as tx:
        patient_id = make_patient(tx, name=hostile)
    with db.transaction() as tx:
        assert patients.get(tx, patient_id)["name"] == hostile
        assert patients.count(tx) == 1


# --- transactions --------------------------------------------------------------------------------


def count_patients(url: str) -> int:
    """Count through a separate Database object: what another desktop would see."""
    other = Database(url)
    try:
        with other.transaction() as tx:
            return patients.count(tx)
    finally:
        other.close()


def test_transaction_commits(db: Database, db_url: str) -> None:
    with db.transaction() as tx:
        make_patient(tx)
        make_patient(tx)
    assert count_patients(db_url) == 2


def test_exception_rolls_back_and_re_raises_the_same_exception(db: Database, db_url: str) -> None:
    error = ValueError("the user pressed cancel")
    with pytest.raises(ValueError) as info, db.transaction() as tx:
        make_patient(tx)
        make_doctor(tx)
        raise error
    assert info.value is error
    assert count_patients(db_url) == 0
    with db.transaction() as tx:  # the connection is usable afterwards
        assert tx.scalar("SELECT COUNT(*) AS n FROM doctor_info") == 0
        make_patient(tx)
    assert count_patients(db_url) == 1


def test_a_read_only_transaction_reads_beside_a_writer_and_refuses_to_write(db: Database, db_url: str) -> None:
    """A search's read-only transaction sees the last commit while another connection is writing
    (SQLite takes no lock for it), and the database refuses a write inside it."""
    with db.transaction() as tx:
        make_patient(tx)
    writer = Database(db_url)
    try:
        with writer.transaction() as wtx:
            make_patient(wtx)  # uncommitted, holding the write lock
            with db.transaction(readonly=True) as tx:
                assert patients.count(tx) == 1
        with db.transaction(readonly=True) as tx:
            assert patients.count(tx) == 2
    finally:
        writer.close()
    with pytest.raises(Exception, match="(?i)read.only|readonly"), db.transaction(readonly=True) as tx:
        tx.execute("DELETE FROM patient_info")
    assert count_patients(db_url) == 2


def test_keyboard_interrupt_also_rolls_back(db: Database, db_url: str) -> None:
    with pytest.raises(KeyboardInterrupt), db.transaction() as tx:
        make_patient(tx)
        raise KeyboardInterrupt
    assert count_patients(db_url) == 0


def test_nested_transaction_raises_runtime_error(db: Database, db_url: str) -> None:
    with pytest.raises(RuntimeError, match="nested"), db.transaction() as tx:
        make_patient(tx)
        with db.transaction():
            pytest.fail("a nested transaction was opened")
    assert count_patients(db_url) == 0
    with db.transaction() as tx:  # and the thread is not left "in a transaction"
        make_patient(tx)
    assert count_patients(db_url) == 1


def test_transactions_in_other_threads_are_not_nested(db: Database) -> None:
    errors: list[BaseException] = []

    def other() -> None:
        try:
            with db.transaction() as tx:
                tx.scalar("SELECT COUNT(*) AS n FROM admins")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with db.transaction() as tx:
        tx.scalar("SELECT COUNT(*) AS n FROM admins")
        thread = threading.Thread(target=other)
        thread.start()  # on SQLite it waits for this transaction's write lock: join only after the commit
        time.sleep(0.05)
    thread.join(10)
    assert not thread.is_alive()
    assert errors == []


def test_run_returns_the_units_value_and_commits(db: Database, db_url: str) -> None:
    assert db.run(lambda tx: make_patient(tx, name="Run")) >= 1
    assert count_patients(db_url) == 1


def test_run_retries_after_database_busy_and_applies_effects_once(db: Database) -> None:
    calls: list[int] = []

    def unit(tx: Tx) -> int:
        calls.append(1)
        make_patient(tx, email="once@example.org")
        if len(calls) == 1:
            raise DatabaseBusy()
        return tx.scalar("SELECT COUNT(*) AS n FROM patient_info")

    assert db.run(unit) == 1
    assert len(calls) == 2
    with db.transaction() as tx:
        assert patients.count(tx) == 1
        assert patients.by_email(tx, "once@example.org") is not None


def test_run_retries_a_connection_lost_before_commit(db: Database) -> None:
    calls: list[int] = []

    def unit(tx: Tx) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionLost(during_commit=False)
        return "done"

    assert db.run(unit) == "done"
    assert len(calls) == 3


def test_run_gives_up_after_attempts(db: Database) -> None:
    calls: list[int] = []

    def unit(tx: Tx) -> None:
        calls.append(1)
        make_patient(tx)
        raise DatabaseBusy()

    with pytest.raises(DatabaseBusy):
        db.run(unit, attempts=3)
    assert len(calls) == 3
    with db.transaction() as tx:
        assert patients.count(tx) == 0


@pytest.mark.parametrize("error", [ValueError("bad input"), ConnectionLost(during_commit=True)],
                         ids=["other-error", "lost-during-commit"])
def test_run_does_not_retry_other_errors_or_a_commit_of_unknown_outcome(db: Database, error: Exception) -> None:
    calls: list[int] = []

    def unit(tx: Tx) -> None:
        calls.append(1)
        raise error

    with pytest.raises(type(error)) as info:
        db.run(unit)
    assert info.value is error
    assert len(calls) == 1


# --- constraint errors ---------------------------------------------------------------------------


def _dup_patient_email(tx: Tx) -> None:
    make_patient(tx, email="asha@example.org")
    make_patient(tx, email="ASHA@example.org")  # e-mail is unique regardless of case


def _dup_doctor_email(tx: Tx) -> None:
    make_doctor(tx, email="dr@example.org")
    make_doctor(tx, email="dr@example.org")


def _dup_registration(tx: Tx) -> None:
    make_doctor(tx, registration_number="KMC-12345")
    make_doctor(tx, registration_number="KMC-12345")


def _dup_admin(tx: Tx) -> None:
    make_admin(tx, "root-admin")
    make_admin(tx, "root-admin")


def _dup_live_slot(tx: Tx) -> None:
    _, doctor_id, _ = make_booking(tx)
    make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id)


def _dup_patient_time(tx: Tx) -> None:
    patient_id, _, _ = make_booking(tx)
    make_appointment(tx, patient_id=patient_id, doctor_id=make_doctor(tx))


def _dup_idempotency(tx: Tx) -> None:
    make_booking(tx, idempotency_key="k-1")
    make_booking(tx, idempotency_key="k-1", time=dt.time(11, 0))


def _dup_receipt_number(tx: Tx) -> None:
    p1, d1, a1 = make_booking(tx)
    p2, d2, a2 = make_booking(tx)
    make_bill(tx, appointment_id=a1, patient_id=p1, doctor_id=d1, sequence=7)
    make_bill(tx, appointment_id=a2, patient_id=p2, doctor_id=d2, sequence=8, receipt_number="ML/2029-30/000007")


def _dup_bill_appointment(tx: Tx) -> None:
    p, d, a = make_booking(tx)
    make_bill(tx, appointment_id=a, patient_id=p, doctor_id=d, sequence=1)
    make_bill(tx, appointment_id=a, patient_id=p, doctor_id=d, sequence=2)


def _dup_video(tx: Tx) -> None:
    from medlink.dao import video_calls

    p, d, a = make_booking(tx)
    for _ in range(2):
        video_calls.insert(tx, appointment_id=a, patient_id=p, doctor_id=d, provider="jitsi",
                           meeting_link="https://meet.jit.si/x", meeting_code="x", call_date=DAY, created_at=NOW)


def _dup_outbox(tx: Tx) -> None:
    for _ in range(2):
        tx.insert("INSERT INTO email_outbox (dedupe_key, kind, recipient, subject, body_text, status, attempts, "
                  "next_attempt_at, created_at) VALUES ('k', 'test', 'a@example.org', 's', 'b', 'pending', 0, ?, ?)",
                  (NOW, NOW))


UNIQUE_CASES = [
    ("uq_patient_email", _dup_patient_email),
    ("uq_doctor_email", _dup_doctor_email),
    ("uq_doctor_registration", _dup_registration),
    ("uq_admin_username", _dup_admin),
    ("uq_appointment_live_slot", _dup_live_slot),
    ("uq_appointment_patient_time", _dup_patient_time),
    ("uq_appointment_idempotency", _dup_idempotency),
    ("uq_bill_receipt_number", _dup_receipt_number),
    ("uq_bill_appointment", _dup_bill_appointment),
    ("uq_video_appointment", _dup_video),
    ("uq_outbox_dedupe", _dup_outbox),
]


@pytest.mark.parametrize(("constraint", "violate"), UNIQUE_CASES, ids=[c for c, _ in UNIQUE_CASES])
def test_unique_violation_names_the_schema_index(db: Database, db_url: str, constraint: str, violate: Any) -> None:
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        violate(tx)
    assert info.value.kind == "unique"
    assert info.value.constraint == constraint
    assert count_patients(db_url) == 0  # the whole transaction was rolled back


def _fk_appointment_patient(tx: Tx) -> None:
    make_appointment(tx, patient_id=987654, doctor_id=make_doctor(tx))


def _fk_share_doctor(tx: Tx) -> None:
    patient_id = make_patient(tx)
    record_id = medical_records.insert(
        tx, patient_id=patient_id, uploaded_by=patient_id, uploader_role="patient", original_filename="a.pdf",
        content_type="application/pdf", size_bytes=1, sha256="0" * 64, content=b"x", upload_date=NOW)
    medical_records.set_shares(tx, record_id, {987654}, NOW)


def _fk_verified_by(tx: Tx) -> None:
    doctors.set_verification(tx, make_doctor(tx), "verified", 987654, NOW, None)


@pytest.mark.parametrize("violate", [_fk_appointment_patient, _fk_share_doctor, _fk_verified_by])
def test_foreign_key_violation(db: Database, violate: Any) -> None:
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        violate(tx)
    assert info.value.kind == "foreign_key"


def _ck_doctor_status(tx: Tx) -> None:
    make_doctor(tx, verification_status="approved")


def _ck_doctor_fees(tx: Tx) -> None:
    doctors.set_fees(tx, make_doctor(tx), Decimal("-1"), 0, 0, 0)


def _ck_appointment_mode(tx: Tx) -> None:
    make_booking(tx, mode="video")


def _ck_availability_weekday(tx: Tx) -> None:
    tx.execute("INSERT INTO doctor_availability (doctor_id, weekday, start_time, end_time) VALUES (?, 7, ?, ?)",
               (make_doctor(tx), dt.time(9), dt.time(12)))


def _ck_availability_range(tx: Tx) -> None:
    tx.execute("INSERT INTO doctor_availability (doctor_id, weekday, start_time, end_time) VALUES (?, 1, ?, ?)",
               (make_doctor(tx), dt.time(12), dt.time(9)))


def _ck_outbox_status(tx: Tx) -> None:
    tx.insert("INSERT INTO email_outbox (dedupe_key, kind, recipient, subject, body_text, status, attempts, "
              "next_attempt_at, created_at) VALUES ('k', 'test', 'a@example.org', 's', 'b', 'lost', 0, ?, ?)",
              (NOW, NOW))


CHECK_CASES = [
    ("ck_doctor_status", _ck_doctor_status),
    ("ck_doctor_fees", _ck_doctor_fees),
    ("ck_appointment_mode", _ck_appointment_mode),
    ("ck_availability_weekday", _ck_availability_weekday),
    ("ck_availability_range", _ck_availability_range),
    ("ck_outbox_status", _ck_outbox_status),
]


@pytest.mark.parametrize(("constraint", "violate"), CHECK_CASES, ids=[c for c, _ in CHECK_CASES])
def test_check_violation(db: Database, constraint: str, violate: Any) -> None:
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        violate(tx)
    assert info.value.kind == "check"


def test_check_violation_names_the_constraint(db: Database) -> None:
    """The docstring of IntegrityViolation: the constraint name is the same on both backends."""
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        _ck_doctor_status(tx)
    assert info.value.constraint == "ck_doctor_status"


def test_not_null_violation(db: Database) -> None:
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        tx.execute("INSERT INTO admins (username, password_hash, created_at) VALUES (?, NULL, ?)", ("a", NOW))
    assert info.value.kind == "not_null"


def test_violation_is_not_retried_by_run(db: Database) -> None:
    calls: list[int] = []

    def unit(tx: Tx) -> None:
        calls.append(1)
        _dup_admin(tx)

    with pytest.raises(IntegrityViolation):
        db.run(unit)
    assert len(calls) == 1


# --- connections and threads ---------------------------------------------------------------------


def _connection_in_thread(db: Database) -> tuple[Any, int | None]:
    found: list[tuple[Any, int | None]] = []

    def work() -> None:
        with db.transaction() as tx:
            tx.scalar("SELECT COUNT(*) AS n FROM admins")
            found.append((tx._connection, db.connection_id()))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    assert found, "the thread did not finish"
    return found[0]


def test_one_connection_per_thread(db: Database) -> None:
    with db.transaction() as tx:
        mine = tx._connection
    with db.transaction() as tx:
        assert tx._connection is mine  # the same thread keeps its connection
    mine_id = db.connection_id()
    theirs, theirs_id = _connection_in_thread(db)
    other, other_id = _connection_in_thread(db)
    assert theirs is not mine and other is not mine and other is not theirs
    if db.backend == "mysql":
        assert len({mine_id, theirs_id, other_id}) == 3
    else:
        assert mine_id is None


def _is_closed(backend: str, conn: Any) -> bool:
    if backend == "sqlite":
        try:
            conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            return True
        return False
    return not conn.is_connected()


def test_close_closes_every_threads_connection(db: Database, db_url: str) -> None:
    with db.transaction() as tx:
        mine = tx._connection
    theirs, _ = _connection_in_thread(db)
    assert not _is_closed(db.backend, mine) and not _is_closed(db.backend, theirs)
    db.close()
    assert _is_closed(db.backend, mine)
    assert _is_closed(db.backend, theirs)
    with db.transaction() as tx:  # a closed Database opens a new connection when used again
        assert tx._connection is not mine
        make_patient(tx)
    assert count_patients(db_url) == 1


def test_concurrent_writers_in_threads_all_commit(db: Database) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait(10)
            for k in range(5):
                db.run(lambda tx, n=n, k=k: make_patient(tx, email=f"t{n}-{k}@example.org"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    with db.transaction() as tx:
        assert patients.count(tx) == 20


# --- MariaDB: lost connections, deadlocks, unreachable servers -----------------------------------

mysql_only = pytest.mark.parametrize("backend", [pytest.param("mysql", marks=pytest.mark.mysql)])


def _kill(admin: Any, connection_id: int) -> None:
    """KILL a server connection and wait until the server has let it go."""
    cur = admin.cursor()
    cur.execute(f"KILL {int(connection_id)}")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        cur.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s", (connection_id,))
        if cur.fetchone()[0] == 0:
            break
        time.sleep(0.01)
    cur.close()


def _counter(db: Database, year: str) -> int | None:
    with db.transaction() as tx:
        return tx.scalar("SELECT last_sequence FROM receipt_counters WHERE financial_year = ?", (year,))


@mysql_only
def test_reconnects_after_the_server_killed_an_idle_connection(db: Database, mysql_admin: Any, db_url: str) -> None:
    with db.transaction() as tx:
        make_patient(tx)
    before = db.connection_id()
    _kill(mysql_admin, before)
    with db.transaction() as tx:
        make_patient(tx)
    assert db.connection_id() != before
    assert count_patients(db_url) == 2


@mysql_only
def test_run_retries_a_unit_whose_connection_was_killed_midway(db: Database, mysql_admin: Any) -> None:
    with db.transaction() as tx:
        tx.execute("INSERT INTO receipt_counters (financial_year, last_sequence) VALUES ('A', 0)")
    calls: list[int] = []

    def unit(tx: Tx) -> int:
        calls.append(1)
        tx.execute("UPDATE receipt_counters SET last_sequence = last_sequence + 1 WHERE financial_year = 'A'")
        make_patient(tx, email="midway@example.org")
        if len(calls) == 1:
            _kill(mysql_admin, db.connection_id())
        return tx.scalar("SELECT last_sequence FROM receipt_counters WHERE financial_year = 'A'")

    assert db.run(unit) == 1
    assert len(calls) == 2
    assert _counter(db, "A") == 1
    with db.transaction() as tx:
        assert patients.count(tx) == 1


@mysql_only
def test_transaction_reports_a_connection_killed_midway_and_saves_nothing(db: Database, mysql_admin: Any,
                                                                         db_url: str) -> None:
    with pytest.raises(ConnectionLost) as info, db.transaction() as tx:
        make_patient(tx)
        _kill(mysql_admin, db.connection_id())
        make_patient(tx)
    assert info.value.during_commit is False
    assert isinstance(info.value, ServiceUnavailable)
    assert count_patients(db_url) == 0


def _deadlock(db: Database, use_run: bool) -> dict[str, str]:
    """Two threads lock rows A and B in opposite order; returns each thread's outcome."""
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def work(first: str, second: str) -> None:
        attempts: list[int] = []

        def unit(tx: Tx) -> None:
            attempts.append(1)
            tx.query_one("SELECT last_sequence FROM receipt_counters WHERE financial_year = ? FOR UPDATE", (first,))
            if len(attempts) == 1:
                barrier.wait(10)
            tx.query_one("SELECT last_sequence FROM receipt_counters WHERE financial_year = ? FOR UPDATE", (second,))
            tx.execute("UPDATE receipt_counters SET last_sequence = last_sequence + 1")

        try:
            if use_run:
                db.run(unit)
            else:
                with db.transaction() as tx:
                    unit(tx)
            outcome[first] = "ok"
        except DatabaseBusy:
            outcome[first] = "busy"
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            outcome[first] = repr(exc)

    threads = [threading.Thread(target=work, args=("A", "B")), threading.Thread(target=work, args=("B", "A"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcome


@mysql_only
def test_deadlock_is_database_busy_under_transaction(db: Database) -> None:
    with db.transaction() as tx:
        tx.execute("INSERT INTO receipt_counters (financial_year, last_sequence) VALUES ('A', 0), ('B', 0)")
    outcome = _deadlock(db, use_run=False)
    assert sorted(outcome.values()) == ["busy", "ok"], outcome
    assert (_counter(db, "A"), _counter(db, "B")) == (1, 1)  # only the survivor's change


@mysql_only
def test_deadlock_is_retried_by_run_and_both_complete(db: Database) -> None:
    with db.transaction() as tx:
        tx.execute("INSERT INTO receipt_counters (financial_year, last_sequence) VALUES ('A', 0), ('B', 0)")
    outcome = _deadlock(db, use_run=True)
    assert outcome == {"A": "ok", "B": "ok"}
    assert (_counter(db, "A"), _counter(db, "B")) == (2, 2)


@mysql_only
def test_each_database_object_has_its_own_connection(db: Database, db_url: str) -> None:
    other = Database(db_url)
    try:
        with db.transaction(), other.transaction():
            assert db.connection_id() != other.connection_id()
    finally:
        other.close()


def _unreachable(url: str) -> ServiceUnavailable:
    database = Database(url, connect_timeout=3)
    try:
        with pytest.raises(ServiceUnavailable) as info, database.transaction():
            pass
        return info.value
    finally:
        database.close()


@pytest.mark.mysql
@pytest.mark.parametrize("user", [f"nobody_{os.getpid()}", "root"], ids=["unknown-user", "wrong-password"])
def test_bad_credentials_give_a_helpful_message_without_the_password(user: str) -> None:
    where = mysql_server_url("medlink").split("://", 1)[1].split("@", 1)[-1]  # host:port/medlink
    error = _unreachable(f"mysql://{user}:Wr0ng-Passw0rd@{where}")
    assert "refused the login" in error.message
    assert "MEDLINK_DB_URL" in error.message
    assert "Wr0ng-Passw0rd" not in error.message
    assert "Wr0ng-Passw0rd" not in str(error)


@pytest.mark.mysql
def test_unreachable_port_gives_a_helpful_message_without_the_password() -> None:
    error = _unreachable("mysql://app:Wr0ng-Passw0rd@127.0.0.1:1/medlink")
    assert "Cannot reach the database server at 127.0.0.1:1" in error.message
    assert "Wr0ng-Passw0rd" not in error.message


@pytest.mark.mysql
def test_init_db_with_bad_credentials_is_service_unavailable(tmp_path: Path) -> None:
    url = mysql_server_url("medlink_never_created").split("://", 1)[1].split("@", 1)[-1]
    core = MedLink(make_settings(f"mysql://nobody_{os.getpid()}:Wr0ng-Passw0rd@{url}", tmp_path))
    try:
        with pytest.raises(ServiceUnavailable) as info:
            core.init_db()
        assert "Wr0ng-Passw0rd" not in info.value.message
    finally:
        core.close()


@pytest.mark.mysql
def test_missing_database_tells_the_user_to_run_init_db(tmp_path: Path) -> None:
    url, _ = new_database_url("mysql", tmp_path)  # a random name that nobody created
    error = _unreachable(url)
    assert "does not exist" in error.message
    assert "init-db" in error.message


def test_sqlite_file_in_an_unwritable_place_is_service_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ServiceUnavailable):
        _unreachable_sqlite(f"sqlite:///{blocker / 'sub' / 'medlink.db'}")


def _unreachable_sqlite(url: str) -> None:
    database = Database(url)
    try:
        with database.transaction():
            pass
    finally:
        database.close()


@mysql_only
def test_mysql_session_is_strict_and_read_committed(db: Database) -> None:
    with db.transaction() as tx:
        mode = tx.scalar("SELECT @@SESSION.sql_mode AS m")
        rows = tx.query("SHOW SESSION VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation')")
    assert "STRICT_ALL_TABLES" in mode
    assert rows and {r["Value"] for r in rows} == {"READ-COMMITTED"}
