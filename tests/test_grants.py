"""sql/grants.sql on MariaDB: the application account can use every table but cannot rewrite the
audit trail, change the schema or record migrations."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import mysql.connector
import pytest

from medlink.config import PROJECT_ROOT
from medlink.core import MedLink
from medlink.dao import audit_log, patients
from medlink.db import Database
from medlink.db.migrations import migrations, split_statements
from tests.conftest import MYSQL_SERVER_URL, _drop_database, make_settings, mysql_admin_connection, new_database_url
from tests.factories import make_patient

pytestmark = pytest.mark.mysql

DESIGN_TABLES = {
    "admins", "patient_info", "doctor_info", "doctor_availability", "doctor_leave", "appointments", "bills",
    "receipt_counters", "medical_records", "record_shares", "video_calls", "audit_log", "audit_head",
    "email_outbox", "schema_migrations",
}
DENIED = 1142  # ER_TABLEACCESS_DENIED_ERROR
CRUD = {"SELECT", "INSERT", "UPDATE", "DELETE"}


@dataclass(frozen=True)
class AppAccount:
    database: str
    user: str
    host: str
    password: str

    @property
    def url(self) -> str:
        server = urlsplit(MYSQL_SERVER_URL)
        return f"mysql://{self.user}:{self.password}@{server.hostname}:{server.port or 3306}/{self.database}"

    def connect(self) -> Any:
        server = urlsplit(MYSQL_SERVER_URL)
        return mysql.connector.connect(host=server.hostname, port=server.port or 3306, user=self.user,
                                       password=self.password, database=self.database, autocommit=True)


def _run_grants(admin: Any, database: str, user: str, host: str, password: str) -> None:
    cur = admin.cursor()
    cur.execute("SET @app_db = %s, @app_user = %s, @app_host = %s, @app_password = %s",
                (database, user, host, password))
    for statement in split_statements((PROJECT_ROOT / "sql" / "grants.sql").read_text(encoding="utf-8")):
        cur.execute(statement)
    cur.close()


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppAccount]:
    tmp = tmp_path_factory.mktemp("grants")
    url, database = new_database_url("mysql", tmp)
    user = "mlapp_" + secrets.token_hex(5)
    password = secrets.token_urlsafe(18)
    admin = mysql_admin_connection()
    hosts: list[str] = []
    try:
        with MedLink(make_settings(url, tmp)) as core:
            core.init_db()
        found = None
        for host in ("%", "127.0.0.1"):  # the server has skip-name-resolve: '%' should match TCP clients
            hosts.append(host)
            _run_grants(admin, database, user, host, password)
            candidate = AppAccount(database, user, host, password)
            try:
                candidate.connect().close()
            except mysql.connector.Error:
                continue
            found = candidate
            break
        assert found is not None, "the application account cannot log in over TCP"
        yield found
    finally:
        cur = admin.cursor()
        for host in hosts:
            cur.execute("DROP USER IF EXISTS %s@%s", (user, host))
        cur.close()
        admin.close()
        _drop_database(database)


@pytest.fixture
def app(account: AppAccount) -> Iterator[Any]:
    conn = account.connect()
    try:
        yield conn.cursor()
    finally:
        conn.close()


def _refused(cursor: Any, sql: str, params: tuple[Any, ...] = ()) -> int:
    try:
        cursor.execute(sql, params) if params else cursor.execute(sql)
    except mysql.connector.Error as exc:
        return exc.errno
    return 0


def _audit_row(n: int) -> tuple[Any, ...]:
    import datetime as dt

    return (dt.datetime(2030, 1, 7, 9, 0, n), "admin", 1, "doctor.verify", "doctor", 2, "doctor", "2", "ok",
            f"grant test {n}", "0" * 64, f"{n:064d}")


_AUDIT_INSERT = ("INSERT INTO audit_log (occurred_at, actor_role, actor_id, action, subject_role, subject_id, "
                 "object_type, object_id, outcome, detail, prev_hash, row_hash) "
                 "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def test_app_account_may_insert_and_read_audit_log(app: Any) -> None:
    app.execute(_AUDIT_INSERT, _audit_row(1))
    app.execute("SELECT detail FROM audit_log WHERE detail = 'grant test 1'")
    assert app.fetchall() == [("grant test 1",)]


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET detail = 'rewritten'", "DELETE FROM audit_log",
                                 "DELETE FROM audit_log WHERE audit_id > 0"])
def test_app_account_cannot_rewrite_the_audit_trail(app: Any, sql: str) -> None:
    app.execute(_AUDIT_INSERT, _audit_row(2))
    app.execute("SELECT COUNT(*) FROM audit_log")
    before = app.fetchone()[0]
    assert _refused(app, sql) == DENIED
    app.execute("SELECT COUNT(*) FROM audit_log WHERE detail = 'rewritten'")
    assert app.fetchone()[0] == 0
    app.execute("SELECT COUNT(*) FROM audit_log")
    assert app.fetchone()[0] == before


@pytest.mark.parametrize("sql", [
    "CREATE TABLE app_scratch (id INT)",
    "DROP TABLE patient_info",
    "DROP TABLE audit_log",
    "ALTER TABLE patient_info ADD COLUMN nickname VARCHAR(20)",
    "ALTER TABLE audit_log DROP COLUMN row_hash",
    "TRUNCATE TABLE audit_log",
    "CREATE INDEX ix_scratch ON patient_info (phone)",
])
def test_app_account_cannot_change_the_schema(app: Any, sql: str) -> None:
    assert _refused(app, sql) == DENIED


def test_app_account_cannot_grant_or_create_users(app: Any, account: AppAccount) -> None:
    assert _refused(app, f"GRANT SELECT ON `{account.database}`.patient_info TO 'someone'@'%'") != 0
    assert _refused(app, "CREATE USER 'mlapp_intruder'@'%' IDENTIFIED BY 'x'") != 0


def test_app_account_uses_patient_info_through_the_dao(account: AppAccount) -> None:
    db = Database(account.url)
    try:
        patient_id = make_patient(db, email="grants@example.org", name="Before")
        with db.transaction() as tx:
            assert patients.update(tx, patient_id, {"name": "After"}) == 1
        with db.transaction() as tx:
            assert patients.get(tx, patient_id)["name"] == "After"
            assert tx.execute("DELETE FROM patient_info WHERE patient_id = ?", (patient_id,)) == 1
    finally:
        db.close()


def test_app_account_lists_and_finds_doctors_through_the_dao(account: AppAccount) -> None:
    """The search index and counts are written by triggers (with the rights of the account that ran
    init-db): the application account only reads them."""
    from decimal import Decimal

    from medlink.dao import doctors
    from tests.factories import make_doctor

    db = Database(account.url)
    try:
        with db.transaction() as tx:
            doctor_id = make_doctor(tx, name="Dr. Grant Tester", specialty="Nephrology", city="Grantpur")
        query = dict(specialty=None, city="Grantpur", max_fee=None, default_fee=Decimal("500"))
        with db.transaction() as tx:
            assert doctors.search_count(tx, terms=[], **query) == 1
            assert [r["doctor_id"] for r in doctors.search(tx, terms=["grant", "nephro"], **query)] == [doctor_id]
            assert tx.execute("DELETE FROM doctor_info WHERE doctor_id = ?", (doctor_id,)) == 1
        with db.transaction() as tx:
            assert doctors.search_count(tx, terms=[], **query) == 0
            assert doctors.search_count(tx, terms=["grant"], **query) == 0
    finally:
        db.close()


def test_app_account_extends_the_audit_chain_through_the_dao(account: AppAccount) -> None:
    import datetime as dt

    db = Database(account.url)
    try:
        with db.transaction() as tx:
            prev = audit_log.lock_head(tx)
            entry = dict(occurred_at=dt.datetime(2030, 1, 7, 9, 30), actor_role="admin", actor_id=1,
                         action="doctor.verify", subject_role="doctor", subject_id=3, object_type="doctor",
                         object_id="3", outcome="ok", detail="", prev_hash=prev, row_hash="f" * 64)
            audit_id = audit_log.append(tx, entry)
        with db.transaction() as tx:
            assert audit_log.head(tx) == {"last_id": audit_id, "last_hash": "f" * 64}
    finally:
        db.close()


def test_schema_migrations_is_read_only(app: Any) -> None:
    app.execute("SELECT version FROM schema_migrations ORDER BY version")
    assert app.fetchall() == [(m.version,) for m in migrations("mysql") if m.version]
    assert _refused(app, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'x', NOW())") == DENIED
    assert _refused(app, "UPDATE schema_migrations SET name = 'x'") == DENIED
    assert _refused(app, "DELETE FROM schema_migrations") == DENIED


def test_grants_are_exactly_the_documented_ones(account: AppAccount, mysql_admin: Any) -> None:
    cur = mysql_admin.cursor()
    grantee = f"'{account.user}'@'{account.host}'"
    cur.execute("SELECT TABLE_NAME, PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES "
                "WHERE GRANTEE = %s AND TABLE_SCHEMA = %s", (grantee, account.database))
    granted: dict[str, set[str]] = {}
    for table, privilege in cur.fetchall():
        granted.setdefault(table, set()).add(privilege)
    cur.execute("SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = %s", (grantee,))
    schema_level = cur.fetchall()
    cur.execute("SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = %s", (grantee,))
    global_level = {r[0] for r in cur.fetchall()}
    cur.close()
    expected = {t: set(CRUD) for t in DESIGN_TABLES}
    expected.update(audit_log={"SELECT", "INSERT"}, audit_head={"SELECT", "INSERT", "UPDATE"},
                    schema_migrations={"SELECT"}, doctor_listing_counts={"SELECT"}, doctor_search_terms={"SELECT"},
                    doctor_search_words={"SELECT"})
    assert granted == expected
    assert schema_level == []
    assert global_level == {"USAGE"}


def test_running_grants_again_is_harmless(account: AppAccount, app: Any) -> None:
    admin = mysql_admin_connection()
    try:
        _run_grants(admin, account.database, account.user, account.host, account.password)
    finally:
        admin.close()
    app.execute("SELECT COUNT(*) FROM patient_info")
    assert app.fetchone() is not None
    assert _refused(app, "DELETE FROM audit_log") == DENIED


def test_init_db_with_the_app_account_on_an_up_to_date_database(account: AppAccount, tmp_path: Path) -> None:
    """A desktop may run init-db with the least-privilege account: there is nothing to do, and it needs no DDL."""
    with MedLink(make_settings(account.url, tmp_path)) as core:
        assert core.init_db() == []
