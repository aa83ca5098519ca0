"""``main.py create-admin`` and ``main.py verify-audit`` as an administrator runs them (issue 3),
on SQLite and MariaDB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medlink.config import PROJECT_ROOT, Settings
from medlink.errors import AuthError
from tests.services_fixtures import admin_row, audit_rows, count, execute, open_core, run_main

BOSS_PASSWORD = "Boss-pass-2030"


def test_create_admin_reads_the_password_from_stdin(settings: Settings) -> None:
    result = run_main(settings, "create-admin", "--username", "boss", stdin=BOSS_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "Administrator 'boss' created" in result.stdout
    assert BOSS_PASSWORD not in result.stdout + result.stderr
    with open_core(settings) as core:
        row = admin_row(core, "boss")
        assert row["password_hash"].startswith("$argon2id$")
        assert BOSS_PASSWORD not in str(row)
        session = core.auth.login("admin", "boss", BOSS_PASSWORD)
        assert (session.role, session.user_id, session.name) == ("admin", row["admin_id"], "boss")
        with pytest.raises(AuthError):
            core.auth.login("admin", "boss", BOSS_PASSWORD + "\n")
        assert [r["actor_id"] for r in audit_rows(core, action="admin.create")] == [row["admin_id"]]
    log = settings.log_file.read_text(encoding="utf-8") if settings.log_file.exists() else ""
    assert BOSS_PASSWORD not in log


def test_create_admin_refuses_weak_duplicate_and_command_line_passwords(settings: Settings) -> None:
    weak = run_main(settings, "create-admin", "--username", "boss", stdin="short\n")
    assert weak.returncode == 1
    assert "at least 8 characters" in weak.stderr and "Traceback" not in weak.stderr
    on_command_line = run_main(settings, "create-admin", "--username", "boss", "--password", BOSS_PASSWORD)
    assert on_command_line.returncode == 2
    assert "unrecognized arguments" in on_command_line.stderr
    assert run_main(settings, "create-admin", "--username", "boss", stdin=BOSS_PASSWORD + "\n").returncode == 0
    again = run_main(settings, "create-admin", "--username", "boss", stdin="Other-pass-2030\n")
    assert again.returncode == 1 and "taken" in again.stderr
    with open_core(settings) as core:
        assert count(core, "admins") == 1
        assert core.auth.login("admin", "boss", BOSS_PASSWORD).role == "admin"


def test_help_offers_no_password_option() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDLINK_")}
    for args in (["--help"], ["create-admin", "--help"]):
        result = subprocess.run([sys.executable, "main.py", *args], cwd=PROJECT_ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0
        assert "create-admin" in result.stdout or "--username" in result.stdout
        assert "--password" not in result.stdout
    assert "--username" in result.stdout


def test_verify_audit_exit_status(settings: Settings, tmp_path: Path) -> None:
    assert run_main(settings, "create-admin", "--username", "boss", stdin=BOSS_PASSWORD + "\n").returncode == 0
    with open_core(settings) as core:
        core.auth.login("admin", "boss", BOSS_PASSWORD)
        with pytest.raises(AuthError):
            core.auth.login("admin", "boss", "Wrong-pass-0")
    clean = run_main(settings, "verify-audit")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "intact: 3 rows checked" in clean.stdout
    with open_core(settings) as core:
        target = audit_rows(core, outcome="failed")[0]["audit_id"]
        execute(core, "UPDATE audit_log SET outcome = ? WHERE audit_id = ?", ("ok", target))
    tampered = run_main(settings, "verify-audit")
    assert tampered.returncode == 1
    assert f"tampered with at row {target}" in tampered.stdout
