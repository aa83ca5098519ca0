"""Demo data: ``seed_demo`` in-process on both backends, and ``main.py seed-demo`` from the command line
(issue 3)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.seed import DEMO_SECRET, is_empty, seed_demo
from tests.services_fixtures import count, open_core, query, run_main, table_counts


def check_demo_content(core: MedLink) -> None:
    """What a first look needs: verified doctors across specialties and cities, bookable and
    billable; one doctor awaiting verification; two patients; one administrator."""
    verified = query(core, "SELECT * FROM doctor_info WHERE verification_status = ?", ("verified",))
    assert len(verified) >= 10
    assert len({d["specialty"] for d in verified}) >= 5
    assert len({d["city"] for d in verified}) >= 5
    for doctor in verified:
        hours = query(core, "SELECT * FROM doctor_availability WHERE doctor_id = ?", (doctor["doctor_id"],))
        assert hours, doctor["email"]
        assert all(h["start_time"] < h["end_time"] for h in hours)
        assert doctor["consultation_fee"] is not None and doctor["consultation_fee"] > 0, doctor["email"]
        assert doctor["verified_by"] is not None and doctor["password_hash"].startswith("$argon2id$")
        assert core.doctors.profile(doctor["doctor_id"]).verified is True
    assert count(core, "doctor_info") == len(verified) + 1
    pending = query(core, "SELECT email FROM doctor_info WHERE verification_status = ?", ("pending",))
    assert [p["email"] for p in pending] == ["pending@demo.medlink"]
    assert count(core, "patient_info") == 2
    assert count(core, "admins") == 1
    assert core.audit.verify().ok


def test_seed_demo_in_process(settings: Settings) -> None:
    with open_core(settings) as core:
        assert is_empty(core)
        logins = seed_demo(core)
        assert not is_empty(core)
        check_demo_content(core)
        assert logins.password == DEMO_SECRET
        assert core.auth.login("admin", logins.admin, DEMO_SECRET).role == "admin"
        for email in logins.patients:
            assert core.auth.login("patient", email, DEMO_SECRET).role == "patient"
        assert len(logins.doctors) >= 10
        for email in logins.doctors:
            assert core.auth.login("doctor", email, DEMO_SECRET).role == "doctor"
        pending = core.auth.login("doctor", logins.pending_doctor, DEMO_SECRET)
        assert core.doctors.my_profile(pending).verification_status == "pending"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_seed_demo_command_on_sqlite(settings: Settings) -> None:
    first = run_main(settings, "seed-demo")
    assert first.returncode == 0, first.stderr
    for login in (DEMO_SECRET, "administrator: admin", "asha@demo.medlink", "rahul@demo.medlink",
                  "doctor1@demo.medlink", "pending@demo.medlink"):
        assert login in first.stdout, login
    with open_core(settings) as core:
        check_demo_content(core)
        seeded = table_counts(core)
    again = run_main(settings, "seed-demo", "--if-empty")
    assert again.returncode == 0, again.stderr
    assert "not added" in again.stdout and DEMO_SECRET not in again.stdout
    refused = run_main(settings, "seed-demo")
    assert refused.returncode == 2 and "empty" in refused.stderr
    with open_core(settings) as core:
        assert table_counts(core) == seeded
        assert core.auth.login("patient", "asha@demo.medlink", DEMO_SECRET).role == "patient"
    log = settings.log_file.read_text(encoding="utf-8")
    for personal in ("Asha", "Verma", "asha@demo.medlink", "9876543210", "Mild asthma", DEMO_SECRET):
        assert personal not in log


@pytest.mark.parametrize("backend", [pytest.param("mysql", marks=pytest.mark.mysql)])
def test_seed_demo_command_on_mysql_needs_force(settings: Settings, mysql_admin) -> None:  # noqa: ANN001
    database = urlsplit(settings.db_url).path.lstrip("/")
    refused = run_main(settings, "seed-demo")
    assert refused.returncode == 2
    assert "--force" in refused.stderr and DEMO_SECRET not in refused.stdout
    cursor = mysql_admin.cursor()
    cursor.execute("SHOW DATABASES LIKE %s", (database,))
    assert cursor.fetchall() == []  # nothing was created
    cursor.close()
    forced = run_main(settings, "seed-demo", "--force")
    assert forced.returncode == 0, forced.stderr
    assert DEMO_SECRET in forced.stdout and "asha@demo.medlink" in forced.stdout
    with open_core(settings) as core:
        check_demo_content(core)
        seeded = table_counts(core)
    again = run_main(settings, "seed-demo", "--force", "--if-empty")
    assert again.returncode == 0 and "not added" in again.stdout
    with open_core(settings) as core:
        assert table_counts(core) == seeded
