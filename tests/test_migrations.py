"""Schema migrations: file splitting, the two dialects' file lists, idempotent init_db, column types."""

from __future__ import annotations

from pathlib import Path

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.dao import schema_migrations
from medlink.db import Database
from medlink.db.migrations import SQL_DIR, migrations, split_statements
from tests.conftest import _drop_database, make_settings, new_database_url

DESIGN_TABLES = {
    "admins", "patient_info", "doctor_info", "doctor_availability", "doctor_leave", "appointments", "bills",
    "receipt_counters", "medical_records", "record_shares", "video_calls", "audit_log", "audit_head",
    "email_outbox", "schema_migrations", "doctor_listing_counts",
}
# The search index of doctors' words and its counts (migrations 003-006), kept by triggers and checked
# by tests/test_search_index.py.
SEARCH_INDEX_TABLES = {"doctor_search_terms", "doctor_search_words"}

# --- split_statements ----------------------------------------------------------------------------


def test_split_statements_on_multi_line_statements_and_comments() -> None:
    script = ("-- a header comment; with a semicolon\n"
              "CREATE TABLE a (\n"
              "    id INT  -- trailing comments stay inside the statement\n"
              ");\n"
              "  -- an indented comment line;\n"
              "CREATE INDEX ix_a ON a (id);\n"
              "\n"
              "INSERT INTO a VALUES (1);   \n")
    assert split_statements(script) == [
        "CREATE TABLE a (\n    id INT  -- trailing comments stay inside the statement\n)",
        "CREATE INDEX ix_a ON a (id)",
        "INSERT INTO a VALUES (1)",
    ]


def test_split_statements_drops_empty_statements() -> None:
    assert split_statements(";\n\n;\nSELECT 1;\n") == ["SELECT 1"]
    assert split_statements("") == []
    assert split_statements("-- only a comment\n") == []


def test_split_statements_refuses_a_statement_without_semicolon() -> None:
    with pytest.raises(ValueError, match="does not end with ';'"):
        split_statements("SELECT 1;\nSELECT 2\n")


@pytest.mark.parametrize("backend", ["sqlite", "mysql"])
def test_every_migration_file_splits_into_statements(backend: str) -> None:
    for migration in migrations(backend):
        statements = migration.statements()
        assert statements, migration.path
        assert all(s and not s.endswith(";") for s in statements)


# --- the file lists ------------------------------------------------------------------------------


def test_both_dialects_have_the_same_migrations_in_order() -> None:
    sqlite = migrations("sqlite")
    mysql = migrations("mysql")
    assert [(m.version, m.name) for m in sqlite] == [(m.version, m.name) for m in mysql]
    versions = [m.version for m in sqlite]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert versions[:2] == [0, 1]
    assert sqlite[0].name == "schema_migrations"
    assert all(m.path.is_file() and m.path.parent == SQL_DIR / "sqlite" for m in sqlite)


def test_files_that_do_not_match_the_pattern_are_ignored() -> None:
    names = {p.name for p in (SQL_DIR / "mysql").iterdir()}
    listed = {m.path.name for m in migrations("mysql")}
    assert listed <= names
    assert all(n[:3].isdigit() for n in listed)
    assert migrations("postgres") == []


# --- init_db -------------------------------------------------------------------------------------


def schema_dump(db: Database) -> dict[str, object]:
    """Tables with their columns, and index names with their columns, as the server sees them."""
    with db.transaction() as tx:
        if db.backend == "sqlite":
            tables = [r["name"] for r in tx.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                if r["name"] not in SEARCH_INDEX_TABLES]
            columns = {t: [r["name"] for r in tx.query(f'PRAGMA table_info("{t}")')] for t in tables}
            indexes = {(r["tbl_name"], r["name"]): r["sql"] for r in tx.query(
                "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index'")}
        else:
            columns = {}
            for r in tx.query("SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS ty "
                              "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                              "ORDER BY TABLE_NAME, ORDINAL_POSITION"):
                if r["t"] not in SEARCH_INDEX_TABLES:
                    columns.setdefault(r["t"], []).append((r["c"], r["ty"]))
            indexes = {}
            for r in tx.query("SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c, NON_UNIQUE AS u "
                              "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                              "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"):
                indexes.setdefault((r["t"], r["i"]), []).append((r["c"], int(r["u"])))
    return {"columns": columns, "indexes": indexes}


def test_first_init_db_applies_every_migration_and_creates_every_design_table(settings: Settings) -> None:
    every = [m.version for m in migrations(settings.db_url.split(":")[0]) if m.version]
    assert every[:2] == [1, 2]
    with MedLink(settings) as core:
        assert core.init_db() == every
        dump = schema_dump(core.db)
        with core.db.transaction() as tx:
            assert schema_migrations.applied_versions(tx) == set(every)
            row = tx.query_one("SELECT version, name, applied_at FROM schema_migrations WHERE version = 1")
    assert set(dump["columns"]) == DESIGN_TABLES
    assert row["name"] == "initial"
    assert row["applied_at"] is not None


def test_second_init_db_applies_nothing_and_leaves_the_schema_unchanged(ml: MedLink) -> None:
    before = schema_dump(ml.db)
    assert ml.init_db() == []
    assert ml.init_db() == []
    assert schema_dump(ml.db) == before
    with ml.db.transaction() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM schema_migrations") == len(migrations(ml.db.backend)) - 1


def test_init_db_keeps_existing_data(ml: MedLink) -> None:
    from tests.factories import make_patient

    make_patient(ml, email="kept@example.org")
    assert ml.init_db() == []
    with ml.db.transaction() as tx:
        assert tx.scalar("SELECT email FROM patient_info") == "kept@example.org"


def test_design_columns_exist(ml: MedLink) -> None:
    columns = schema_dump(ml.db)["columns"]
    names = {t: {c if isinstance(c, str) else c[0] for c in cols} for t, cols in columns.items()}
    expected = {
        "patient_info": "patient_id email name phone password_hash date_of_birth gender address medical_history "
                        "created_at failed_logins locked_until is_active",
        "doctor_info": "doctor_id email name phone password_hash qualifications specialty hospital city "
                       "experience_years registration_number bio consultation_fee lab_test_fee medication_fee "
                       "other_fees slot_minutes verification_status verified_by verified_at rejection_reason "
                       "created_at failed_logins locked_until is_active",
        "appointments": "appointment_id patient_id doctor_id appointment_date appointment_day appointment_time mode "
                        "status reason created_at updated_at",
        "medical_records": "record_id patient_id uploaded_by original_filename content_type size_bytes sha256 "
                           "content upload_date",
        "bills": "bill_id receipt_number appointment_id patient_id doctor_id consultation_fee lab_test_fee "
                 "medication_fee other_fees extra_charges subtotal gst_rate gst_amount total_amount "
                 "additional_details created_at",
        "video_calls": "call_id appointment_id patient_id doctor_id provider meeting_link meeting_code call_date "
                       "created_at",
        "doctor_availability": "doctor_id weekday start_time end_time",
    }
    for table, wanted in expected.items():
        missing = set(wanted.split()) - names[table]
        assert not missing, f"{table} lacks {missing}"


@pytest.mark.parametrize("backend", [pytest.param("mysql", marks=pytest.mark.mysql)])
def test_mysql_money_is_decimal_10_2_and_dates_are_date_and_time(ml: MedLink) -> None:
    with ml.db.transaction() as tx:
        rows = tx.query("SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS ty, DATA_TYPE AS d "
                        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()")
    types = {(r["t"], r["c"]): r["ty"].lower() for r in rows}
    money = [("doctor_info", c) for c in ("consultation_fee", "lab_test_fee", "medication_fee", "other_fees")]
    money += [("bills", c) for c in ("consultation_fee", "lab_test_fee", "medication_fee", "other_fees",
                                     "extra_charges", "subtotal", "gst_amount", "total_amount")]
    for key in money:
        assert types[key] == "decimal(10,2)", key
    assert types[("bills", "gst_rate")] == "decimal(5,2)"
    for key in [("patient_info", "date_of_birth"), ("appointments", "appointment_date"),
                ("doctor_leave", "leave_date"), ("video_calls", "call_date")]:
        assert types[key] == "date", key
    for key in [("appointments", "appointment_time"), ("doctor_availability", "start_time"),
                ("doctor_availability", "end_time")]:
        assert types[key] == "time", key
    assert types[("medical_records", "content")] == "longblob"
    assert types[("audit_log", "occurred_at")] == "datetime(6)"
    assert all(not ty.startswith(("float", "double")) for ty in types.values())


@pytest.mark.parametrize("backend", [pytest.param("mysql", marks=pytest.mark.mysql)])
def test_mysql_tables_are_innodb_utf8mb4(ml: MedLink) -> None:
    with ml.db.transaction() as tx:
        rows = tx.query("SELECT TABLE_NAME AS t, ENGINE AS e, TABLE_COLLATION AS c FROM information_schema.TABLES "
                        "WHERE TABLE_SCHEMA = DATABASE()")
    assert {r["t"] for r in rows} - SEARCH_INDEX_TABLES == DESIGN_TABLES
    assert all(r["e"] == "InnoDB" and r["c"].startswith("utf8mb4") for r in rows), rows


def _unique_index_names(db: Database) -> dict[str, set[str]]:
    with db.transaction() as tx:
        if db.backend == "sqlite":
            found: dict[str, set[str]] = {}
            for t in [r["name"] for r in tx.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "AND name NOT LIKE 'sqlite_%'") if r["name"] in DESIGN_TABLES]:
                found[t] = {r["name"] for r in tx.query(f'PRAGMA index_list("{t}")')
                            if r["unique"] and not r["name"].startswith("sqlite_autoindex")}
            return found
        found = {}
        for r in tx.query("SELECT DISTINCT TABLE_NAME AS t, INDEX_NAME AS i FROM information_schema.STATISTICS "
                          "WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'"):
            found.setdefault(r["t"], set()).add(r["i"])
        return {t: found.get(t, set()) for t in DESIGN_TABLES}


@pytest.mark.mysql
def test_both_dialects_have_the_same_tables_columns_and_unique_index_names(tmp_path: Path) -> None:
    """IntegrityViolation.constraint relies on the schemas naming every unique index alike."""
    dumps = {}
    uniques = {}
    for backend in ("sqlite", "mysql"):
        url, name = new_database_url(backend, tmp_path)
        try:
            with MedLink(make_settings(url, tmp_path / backend)) as core:
                core.init_db()
                columns = schema_dump(core.db)["columns"]
                dumps[backend] = {t: [c if isinstance(c, str) else c[0] for c in cols] for t, cols in columns.items()}
                uniques[backend] = _unique_index_names(core.db)
        finally:
            if name:
                _drop_database(name)
    dumps["mysql"]["appointments"].remove("live_slot")  # MySQL's stand-in for SQLite's partial index
    assert dumps["sqlite"] == dumps["mysql"]
    assert uniques["sqlite"] == uniques["mysql"]
    assert "uq_appointment_live_slot" in uniques["mysql"]["appointments"]
