"""`python main.py init-db` as an administrator runs it: a subprocess, twice, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medlink.config import PROJECT_ROOT
from medlink.db import Database

TABLES = {
    "admins", "patient_info", "doctor_info", "doctor_availability", "doctor_leave", "appointments", "bills",
    "receipt_counters", "medical_records", "record_shares", "video_calls", "audit_log", "audit_head",
    "email_outbox", "schema_migrations", "doctor_listing_counts",
}
# The search index of doctors' words and its counts (migrations 003-006), checked by the search tests.
SEARCH_INDEX_TABLES = {"doctor_search_terms", "doctor_search_words"}


def run_main(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDLINK_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "main.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def _tables(url: str) -> set[str]:
    db = Database(url)
    try:
        with db.transaction() as tx:
            if db.backend == "sqlite":
                rows = tx.query("SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            else:
                rows = tx.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
        return {r["t"] for r in rows} - SEARCH_INDEX_TABLES
    finally:
        db.close()


def test_init_db_twice(db_url: str, tmp_path: Path) -> None:
    env = {"MEDLINK_DB_URL": db_url, "MEDLINK_DATA_DIR": str(tmp_path / "data")}
    first = run_main("init-db", env_extra=env)
    assert first.returncode == 0, first.stderr
    assert "Applied migrations 001" in first.stdout
    assert _tables(db_url) == TABLES
    second = run_main("init-db", env_extra=env)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout
    assert "Applied" not in second.stdout
    assert _tables(db_url) == TABLES
    for result in (first, second):
        assert "Traceback" not in result.stderr
    if db_url.startswith("sqlite:"):
        assert Path(db_url[len("sqlite:///"):]).is_file()
        assert (tmp_path / "data" / "medlink.log").is_file()  # the log goes to MEDLINK_DATA_DIR


def test_init_db_output_never_shows_the_password(tmp_path: Path) -> None:
    pytest.importorskip("mysql.connector")
    result = run_main("init-db", env_extra={"MEDLINK_DB_URL": "mysql://app:S3cret-Pw@127.0.0.1:1/medlink",
                                            "MEDLINK_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 1
    assert result.stderr.startswith("MedLink: ")
    assert "127.0.0.1:1" in result.stderr
    assert "S3cret-Pw" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_init_db_with_a_bad_url_says_what_is_wrong(tmp_path: Path) -> None:
    result = run_main("init-db", env_extra={"MEDLINK_DB_URL": "postgres://x/y",
                                            "MEDLINK_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 1
    assert "MedLink: The database URL must start with sqlite:/// or mysql://" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_is_reported_without_a_traceback(tmp_path: Path) -> None:
    result = run_main("init-db", env_extra={"MEDLINK_GST_RATE": "lots", "MEDLINK_DATA_DIR": str(tmp_path / "data"),
                                            "MEDLINK_DB_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 1
    assert "MEDLINK_GST_RATE" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_help_lists_init_db() -> None:
    result = run_main("--help")
    assert result.returncode == 0
    assert "init-db" in result.stdout
    assert "create or update the database schema" in result.stdout


def test_unknown_command_is_refused() -> None:
    result = run_main("drop-everything")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
