"""Access matrix (issue 8, point 8), on SQLite and MariaDB.

Every service call that reads or changes a person's data is listed in ``CASES`` below with the call,
the audit action it names, and who must be refused. Each call is then made as every one of them:
every other patient, a doctor unrelated to the data, each wrong role, and the rightful owner's own
session after it was logged out. Each must get ``PermissionDenied``; each refusal must leave exactly
one new audit row with outcome ``denied`` that names the actor (role and id) and the call (action),
and whose subject, when it has one, is the owner of the data; nothing else in the database may change.

The world (``build_world``) is shared with ``test_audit_coverage.py`` and ``test_hostile_input.py``.

    call                         owner             refused
    patients.profile/update      patient P1        doctor, admin, logged-out P1
    doctors.my_profile/update,   doctor D1         patient, admin, logged-out D1
      set_availability, leave,
      leave_days, billing.set_fees
    appointments.book/mine       patient P1        doctor, admin, logged-out P1
    book with P1's request key   patient P1        patients P2, P3 (replaying P1's idempotency key)
    appointments.get/cancel/     P1 and D1         patients P2, P3, doctor D2, admin, logged-out P1
      reschedule, video.link_for,
      billing.receipt_path,
      records.list/open
    appointments.complete/       doctor D1         patient P1 (its own patient), P2, doctor D2, admin,
      no_show, billing.create_bill/                logged-out D1
      preview, video.create_link
    appointments.schedule,       doctor D1         patient, admin, logged-out D1
      records.my_patients
    records.upload/share/delete, patient P1        P2, P3, doctors D1 and D2, admin, logged-out P1
      my_doctors
    records.open of a record     P1                doctor D1 (P1's doctor, not shared with)
      not shared with D1
    admin.*                      the administrator patient, doctor (also the doctor concerned), logged-out
                                                   admin
    auth.change_password         anyone signed in  logged-out sessions of all three roles
    doctors.profile(session=)    anyone signed in  logged-out sessions
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from medlink.core import MedLink
from medlink.errors import PermissionDenied
from medlink.services.clock import FixedClock
from medlink.services.session import Session
from tests.conftest import make_settings, mysql_admin_connection, new_database_url
from tests.services_fixtures import PASSWORD, TABLES, register_doctor
from tests.test_appointments import MONDAY, NEXT_MONDAY, NOW, TUESDAY, Clinic, open_clinic

AUDIT_TABLES = ("audit_log", "audit_head")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BOOKING_KEY = "req-world-0001"  # the idempotency key of P1's booking of ``appt``
BACKENDS = ["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)]


# -- the world ----------------------------------------------------------------------------------------------
@dataclass
class World:
    """Three patients, two verified doctors and two pending ones, an administrator, and P1's data with
    D1: an online appointment next Monday (billed, with a Jitsi room), one this morning at 09:00, a
    record shared with D1 and one that is not. P2 has an appointment with D2."""

    ml: MedLink
    clinic: Clinic
    tmp: Path
    admin: Session
    p1: Session
    p2: Session
    p3: Session
    d1: Session
    d2: Session
    d3: int  # pending doctors, for the administrator's decisions
    d3_session: Session  # D3 signed in, awaiting the decision
    d4: int
    appt: int  # P1 with D1, next Monday 10:00, online, billed
    appt_today: int  # P1 with D1, today 09:00, online, not billed
    appt_p2: int  # P2 with D2
    bill: int
    record: int  # P1's, shared with D1
    record_private: int  # P1's, shared with nobody
    pdf: Path
    logged_out: dict[str, Session] = field(default_factory=dict)  # role -> a session that was logged out

    @property
    def clock(self) -> FixedClock:
        return self.clinic.clock

    def email_of(self, session: Session) -> str:
        table, key = ("patient_info", "patient_id") if session.role == "patient" else ("doctor_info", "doctor_id")
        with self.ml.db.transaction() as tx:
            return str(tx.scalar(f"SELECT email FROM {table} WHERE {key} = ?", (session.user_id,)))

    def login_again(self, session: Session) -> Session:
        """A second session of the same account (so the world's own stays live)."""
        ml = self.ml
        if session.role == "admin":
            with ml.db.transaction() as tx:
                login = tx.scalar("SELECT username FROM admins WHERE admin_id = ?", (session.user_id,))
            return ml.auth.login("admin", login, "Admin-staple-77")
        return ml.auth.login(session.role, self.email_of(session), PASSWORD)


def build_world(clinic: Clinic, tmp: Path) -> World:
    ml = clinic.ml
    d1, _ = clinic.doctor(name="Dr. Meera Pillai")
    d2, d2_id = clinic.doctor(name="Dr. Arjun Rao")
    d3, d3_form = register_doctor(ml, name="Dr. Pending One")
    d4, _ = register_doctor(ml, name="Dr. Pending Two")
    p1, _ = clinic.patient(name="Asha Rao")
    p2, _ = clinic.patient(name="Bhavna Shah")
    p3, _ = clinic.patient(name="Chitra Iyer")
    book = ml.appointments.book
    appt = book(p1, doctor_id=d1.user_id, date=NEXT_MONDAY, time="10:00", mode="online",
                idempotency_key=BOOKING_KEY).appointment_id
    appt_today = book(p1, doctor_id=d1.user_id, date=MONDAY, time="09:00", mode="online").appointment_id
    appt_p2 = book(p2, doctor_id=d2_id, date=TUESDAY, time="10:00", mode="offline").appointment_id
    bill = ml.billing.create_bill(d1, appt).bill_id
    pdf = tmp / "scan.pdf"
    pdf.write_bytes(PDF)
    record = ml.records.upload(p1, pdf, share_with=[d1.user_id]).record_id
    record_private = ml.records.upload(p1, pdf).record_id
    d3_session = ml.auth.login("doctor", d3_form["email"], d3_form["password"])
    world = World(ml=ml, clinic=clinic, tmp=tmp, admin=clinic.admin, p1=p1, p2=p2, p3=p3, d1=d1, d2=d2, d3=d3,
                  d3_session=d3_session, d4=d4, appt=appt, appt_today=appt_today, appt_p2=appt_p2, bill=bill,
                  record=record,
                  record_private=record_private, pdf=pdf)
    for owner in (p1, d1, clinic.admin):
        session = world.login_again(owner)
        ml.auth.logout(session)
        world.logged_out[owner.role] = session
    return world


def open_world(backend: str, tmp: Path, **overrides: Any) -> Iterator[World]:
    """A world on a fresh database of ``backend`` (dropped afterwards)."""
    url, mysql_name = new_database_url(backend, tmp)
    settings = make_settings(url, tmp, meet_provider="jitsi", **overrides)
    clinics = open_clinic(settings, FixedClock(NOW))
    try:
        yield build_world(next(clinics), tmp)
    finally:
        clinics.close()
        if mysql_name:
            conn = mysql_admin_connection()
            try:
                cursor = conn.cursor()
                cursor.execute(f"DROP DATABASE IF EXISTS `{mysql_name}`")
                cursor.close()
            finally:
                conn.close()


# -- reading the database -------------------------------------------------------------------------------------
def snapshot(ml: MedLink, ignore: dict[str, tuple[str, ...]] | None = None) -> tuple[dict[str, int], str]:
    """Row counts of every table, and a SHA-256 over the contents of every table but the audit trail's
    (``ignore``: columns left out per table, e.g. a login's failure counter)."""
    ignore = ignore or {}
    digest = hashlib.sha256()
    with ml.db.transaction() as tx:
        counts = {t: int(tx.scalar(f"SELECT COUNT(*) AS n FROM {t}")) for t in TABLES}
        for table in TABLES:
            if table in AUDIT_TABLES:
                continue
            skipped = ignore.get(table, ())
            rows = sorted(repr(sorted((k, v) for k, v in row.items() if k not in skipped))
                          for row in tx.query(f"SELECT * FROM {table}"))
            digest.update(f"{table}:{len(rows)}\n".encode())
            for row in rows:
                digest.update(row.encode("utf-8", "surrogatepass") + b"\n")
    return counts, digest.hexdigest()


def audit_since(ml: MedLink, after_id: int) -> list[dict[str, Any]]:
    with ml.db.transaction() as tx:
        return tx.query("SELECT * FROM audit_log WHERE audit_id > ? ORDER BY audit_id", (after_id,))


def last_audit_id(ml: MedLink) -> int:
    with ml.db.transaction() as tx:
        return int(tx.scalar("SELECT COALESCE(MAX(audit_id), 0) AS n FROM audit_log"))


# -- the matrix -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    name: str
    action: str
    call: Callable[[World, Session], Any]
    refused: Callable[[World], list[Session]]
    owner: Callable[[World], tuple[str, int] | None]  # the data's owner, as the audit subject names it


def patients_doctors_admin(w: World) -> list[Session]:
    return [w.p2, w.p3, w.d2, w.admin, w.logged_out["patient"]]


def not_a_patient(w: World) -> list[Session]:
    return [w.d1, w.admin, w.logged_out["patient"]]


def not_a_doctor(w: World) -> list[Session]:
    return [w.p1, w.admin, w.logged_out["doctor"]]


def not_this_doctor(w: World) -> list[Session]:
    return [w.d2, w.p1, w.p2, w.admin, w.logged_out["doctor"]]


def not_the_owner_patient(w: World) -> list[Session]:
    return [w.p2, w.p3, w.d1, w.d2, w.admin, w.logged_out["patient"]]


def not_an_admin(w: World) -> list[Session]:
    return [w.p1, w.d1, w.d2, w.logged_out["admin"]]


def logged_out(w: World) -> list[Session]:
    return list(w.logged_out.values())


def p1(w: World) -> tuple[str, int]:
    return ("patient", w.p1.user_id)


def d1(w: World) -> tuple[str, int]:
    return ("doctor", w.d1.user_id)


CASES = [
    Case("patients.profile", "patient.profile.view", lambda w, s: w.ml.patients.profile(s), not_a_patient, p1),
    Case("patients.update_profile", "patient.profile.update",
         lambda w, s: w.ml.patients.update_profile(s, address="1 Hacker Lane"), not_a_patient, p1),
    Case("doctors.my_profile", "doctor.own_profile.view", lambda w, s: w.ml.doctors.my_profile(s), not_a_doctor, d1),
    Case("doctors.update_profile", "doctor.profile.update",
         lambda w, s: w.ml.doctors.update_profile(s, bio="Changed by someone else"), not_a_doctor, d1),
    Case("doctors.set_availability", "doctor.availability.update",
         lambda w, s: w.ml.doctors.set_availability(s, [(0, "09:00", "10:00")], slot_minutes=15), not_a_doctor, d1),
    Case("doctors.add_leave", "doctor.leave.add", lambda w, s: w.ml.doctors.add_leave(s, TUESDAY), not_a_doctor, d1),
    Case("doctors.remove_leave", "doctor.leave.remove", lambda w, s: w.ml.doctors.remove_leave(s, TUESDAY),
         not_a_doctor, d1),
    Case("doctors.leave_days", "doctor.leave.list", lambda w, s: w.ml.doctors.leave_days(s), not_a_doctor, d1),
    Case("doctors.profile(session)", "doctor.profile.view", lambda w, s: w.ml.doctors.profile(w.d1.user_id, s),
         logged_out, d1),
    Case("billing.set_fees", "billing.fees.update",
         lambda w, s: w.ml.billing.set_fees(s, consultation=1, lab_test=0, medication=0, other=0), not_a_doctor, d1),
    Case("appointments.book", "appointment.book",
         lambda w, s: w.ml.appointments.book(s, doctor_id=w.d1.user_id, date=NEXT_MONDAY, time="11:00"),
         not_a_patient, p1),
    Case("appointments.book(another's key)", "appointment.book",  # replaying P1's request must not show it
         lambda w, s: w.ml.appointments.book(s, doctor_id=w.d1.user_id, date=NEXT_MONDAY, time="10:00",
                                             idempotency_key=BOOKING_KEY), lambda w: [w.p2, w.p3], p1),
    Case("appointments.mine", "appointment.list", lambda w, s: w.ml.appointments.mine(s),
         lambda w: [w.admin, w.logged_out["patient"]], p1),
    Case("appointments.schedule", "appointment.schedule", lambda w, s: w.ml.appointments.schedule(s), not_a_doctor,
         d1),
    Case("appointments.get", "appointment.view", lambda w, s: w.ml.appointments.get(s, w.appt),
         patients_doctors_admin, p1),
    Case("appointments.cancel", "appointment.cancel", lambda w, s: w.ml.appointments.cancel(s, w.appt),
         patients_doctors_admin, p1),
    Case("appointments.reschedule", "appointment.reschedule",
         lambda w, s: w.ml.appointments.reschedule(s, w.appt, date=NEXT_MONDAY, time="12:00"),
         patients_doctors_admin, p1),
    Case("appointments.complete", "appointment.completed", lambda w, s: w.ml.appointments.complete(s, w.appt_today),
         not_this_doctor, p1),
    Case("appointments.mark_no_show", "appointment.no_show",
         lambda w, s: w.ml.appointments.mark_no_show(s, w.appt_today), not_this_doctor, p1),
    Case("billing.create_bill", "billing.create", lambda w, s: w.ml.billing.create_bill(s, w.appt_today),
         not_this_doctor, p1),
    Case("billing.preview", "billing.preview", lambda w, s: w.ml.billing.preview(s, w.appt_today),
         not_this_doctor, p1),
    Case("billing.bills", "billing.list", lambda w, s: w.ml.billing.bills(s),
         lambda w: [w.admin, w.logged_out["patient"]], p1),
    Case("billing.receipt_path", "receipt.open", lambda w, s: w.ml.billing.receipt_path(s, w.bill),
         patients_doctors_admin, p1),
    Case("records.upload", "record.upload", lambda w, s: w.ml.records.upload(s, w.pdf), not_a_patient, p1),
    Case("records.list", "record.list", lambda w, s: w.ml.records.list(s, patient_id=w.p1.user_id),
         patients_doctors_admin, p1),
    Case("records.open", "record.open", lambda w, s: w.ml.records.open(s, w.record), patients_doctors_admin, p1),
    Case("records.open(not shared)", "record.open", lambda w, s: w.ml.records.open(s, w.record_private),
         lambda w: [w.d1, w.d2, w.p2], p1),
    Case("records.share", "record.share", lambda w, s: w.ml.records.share(s, w.record, []),
         not_the_owner_patient, p1),
    Case("records.delete", "record.delete", lambda w, s: w.ml.records.delete(s, w.record), not_the_owner_patient, p1),
    Case("records.my_doctors", "record.doctors", lambda w, s: w.ml.records.my_doctors(s), not_a_patient, p1),
    Case("records.my_patients", "record.patients", lambda w, s: w.ml.records.my_patients(s), not_a_doctor, d1),
    Case("video.link_for", "video.view", lambda w, s: w.ml.video.link_for(s, w.appt), patients_doctors_admin, p1),
    Case("video.create_link", "video.create", lambda w, s: w.ml.video.create_link(s, w.appt), not_this_doctor, p1),
    Case("admin.pending_doctors", "admin.pending.list", lambda w, s: w.ml.admin.pending_doctors(s), not_an_admin,
         lambda w: None),
    Case("admin.doctors", "admin.doctors.list", lambda w, s: w.ml.admin.doctors(s, "pending"), not_an_admin,
         lambda w: None),
    Case("admin.verify_doctor", "admin.doctor.verify", lambda w, s: w.ml.admin.verify_doctor(s, w.d3),
         lambda w: [*not_an_admin(w), w.d3_session], lambda w: ("doctor", w.d3)),
    Case("admin.reject_doctor", "admin.doctor.reject",
         lambda w, s: w.ml.admin.reject_doctor(s, w.d4, "Registration number not found."), not_an_admin,
         lambda w: ("doctor", w.d4)),
    Case("admin.audit_trail", "admin.audit.view", lambda w, s: w.ml.admin.audit_trail(s), not_an_admin,
         lambda w: None),
    Case("admin.verify_audit", "admin.audit.verify", lambda w, s: w.ml.admin.verify_audit(s), not_an_admin,
         lambda w: None),
    Case("auth.change_password", "password.change",
         lambda w, s: w.ml.auth.change_password(s, PASSWORD, "Another-horse-43"), logged_out, lambda w: None),
]


# -- the test -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from open_world(request.param, tmp_path_factory.mktemp(f"matrix-{request.param}"))


def refusal_problems(world: World, case: Case, attacker: Session) -> list[str]:
    """What is wrong with refusing ``attacker`` this call; empty when all is well."""
    ml = world.ml
    counts, contents = snapshot(ml)
    last = last_audit_id(ml)
    who = f"{case.name} as {attacker.role} {attacker.user_id}{'' if ml.sessions.is_live(attacker) else ' (logged out)'}"
    try:
        case.call(world, attacker)
    except PermissionDenied:
        pass
    except Exception as exc:  # noqa: BLE001 - reported as a problem
        return [f"{who}: raised {type(exc).__name__}: {exc}"]
    else:
        return [f"{who}: was let through"]
    problems = []
    rows = audit_since(ml, last)
    if len(rows) != 1:
        problems.append(f"{who}: {len(rows)} audit rows, not 1: {[(r['action'], r['outcome']) for r in rows]}")
    for row in rows[:1]:
        got = (row["outcome"], row["action"], row["actor_role"], row["actor_id"])
        if got != ("denied", case.action, attacker.role, attacker.user_id):
            problems.append(f"{who}: audit row says {got}")
        subject = (row["subject_role"], row["subject_id"])
        if row["subject_role"] is not None and subject != case.owner(world):
            problems.append(f"{who}: audit subject {subject}, the data is {case.owner(world)}'s")
    after_counts, after_contents = snapshot(ml)
    grown = {t: after_counts[t] - counts[t] for t in counts if after_counts[t] != counts[t]}
    if after_contents != contents or set(grown) - set(AUDIT_TABLES) or grown.get("audit_log", 0) != len(rows):
        problems.append(f"{who}: the database changed: {grown}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_wrong_caller_is_refused_and_the_refusal_audited(world: World, case: Case) -> None:
    attackers = case.refused(world)
    assert attackers
    problems = [p for attacker in attackers for p in refusal_problems(world, case, attacker)]
    assert not problems, "\n".join(problems)


def test_the_matrix_covers_every_call_and_the_chain_still_verifies(world: World) -> None:
    cells = sum(len(case.refused(world)) for case in CASES)
    assert len(CASES) >= 40 and cells >= 150, (len(CASES), cells)
    check = world.ml.audit.verify()
    assert check.ok, check.describe()
