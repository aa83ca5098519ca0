"""Audit coverage (issue 8, point 9), on SQLite and MariaDB.

Each successful call that reads or changes a person's data is made once, as its rightful caller, and
must write exactly one audit row (rows counted before and after the call) naming the actor (role and id),
the subject whose data it was, the action, and outcome ``ok``. Calls that read many people at once (the
administrator's lists and audit screen) name no single subject; the table says so explicitly. Then the
whole chain must verify, and a row changed behind the application's back (its ``detail``, or a denial
turned into ``ok``) must be found by ``verify()``, which names that row's id.

``billing.preview`` is not here: it reads the calling doctor's own fee table and the appointment's owner
only to refuse others (its refusals are in the access matrix). ``admin.verify_audit`` reads no person's
data: it recomputes hashes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from medlink.errors import PermissionDenied
from medlink.services.session import Session
from tests.services_fixtures import PASSWORD
from tests.test_access_matrix import World, audit_since, last_audit_id, open_world
from tests.test_appointments import MONDAY, NEXT_MONDAY, WEEKDAYS

LEAVE_DAY = dt.date(2026, 12, 9)  # a Wednesday with no appointments


@pytest.fixture
def world(backend: str, tmp_path: Path) -> Iterator[World]:
    yield from open_world(backend, tmp_path)


def steps(w: World) -> list[tuple[str, Callable[[], Any], Session | tuple[str, int], tuple[str, int] | None]]:
    """(action, call, actor, subject) for every audited call, in an order in which each can succeed."""
    ml, p1, p2, d1, admin = w.ml, w.p1, w.p2, w.d1, w.admin
    me, doc = ("patient", p1.user_id), ("doctor", d1.user_id)
    made: dict[str, Any] = {}

    def keep(name: str, value: Any) -> Any:
        made[name] = value
        return value

    def started() -> None:  # the morning's appointments have begun: they can be closed
        w.clinic.set_local(MONDAY, "09:40")

    return [
        ("patient.login", lambda: keep("p1", w.login_again(p1)), me, me),
        ("patient.profile.view", lambda: ml.patients.profile(p1), p1, me),
        ("patient.profile.update", lambda: ml.patients.update_profile(p1, address="9 Lake View Road"), p1, me),
        ("doctor.own_profile.view", lambda: ml.doctors.my_profile(d1), d1, doc),
        ("doctor.profile.update", lambda: ml.doctors.update_profile(d1, bio="Family medicine, 20 years."), d1, doc),
        ("doctor.profile.view", lambda: ml.doctors.profile(d1.user_id, p1), p1, doc),
        ("doctor.availability.update", lambda: ml.doctors.set_availability(d1, WEEKDAYS, slot_minutes=15), d1, doc),
        ("doctor.leave.add", lambda: ml.doctors.add_leave(d1, LEAVE_DAY), d1, doc),
        ("doctor.leave.list", lambda: ml.doctors.leave_days(d1), d1, doc),
        ("doctor.leave.remove", lambda: ml.doctors.remove_leave(d1, LEAVE_DAY), d1, doc),
        ("billing.fees.update", lambda: ml.billing.set_fees(d1, consultation="650", lab_test="0", medication="120",
                                                            other="50"), d1, doc),
        ("appointment.book", lambda: keep("appt", ml.appointments.book(
            p1, doctor_id=d1.user_id, date=NEXT_MONDAY, time="11:00", mode="online").appointment_id), p1, me),
        ("appointment.book", lambda: keep("p2_today", ml.appointments.book(
            p2, doctor_id=d1.user_id, date=MONDAY, time="09:15", mode="offline").appointment_id),
         p2, ("patient", p2.user_id)),
        ("appointment.view", lambda: ml.appointments.get(p1, made["appt"]), p1, me),
        ("appointment.view", lambda: ml.appointments.get(d1, made["appt"]), d1, me),
        ("appointment.list", lambda: ml.appointments.mine(p1), p1, me),
        ("appointment.schedule", lambda: ml.appointments.schedule(d1), d1, doc),
        ("appointment.list", lambda: ml.chatbot.reply("When is my next appointment?", p1), p1, me),
        ("appointment.reschedule", lambda: ml.appointments.reschedule(p1, made["appt"], date=NEXT_MONDAY,
                                                                      time="11:15"), p1, me),
        ("video.create", lambda: ml.video.create_link(d1, made["appt"]), d1, me),
        ("video.view", lambda: ml.video.link_for(p1, made["appt"]), p1, me),
        ("billing.create", lambda: keep("bill", ml.billing.create_bill(d1, w.appt_today).bill_id), d1, me),
        ("billing.list", lambda: ml.billing.bills(p1), p1, me),
        ("billing.list", lambda: ml.billing.bills(d1), d1, doc),
        ("receipt.open", lambda: ml.billing.receipt_path(p1, made["bill"]), p1, me),
        ("receipt.open", lambda: ml.billing.receipt_path(d1, made["bill"]), d1, me),
        ("record.upload", lambda: keep("record", ml.records.upload(p1, w.pdf, share_with=[d1.user_id]).record_id),
         p1, me),
        ("record.list", lambda: ml.records.list(p1), p1, me),
        ("record.list", lambda: ml.records.list(d1, patient_id=p1.user_id), d1, me),
        ("record.open", lambda: ml.records.open(p1, made["record"]), p1, me),
        ("record.open", lambda: ml.records.open(d1, made["record"]), d1, me),
        ("record.share", lambda: ml.records.share(p1, made["record"], []), p1, me),
        ("record.delete", lambda: ml.records.delete(p1, made["record"]), p1, me),
        ("record.doctors", lambda: ml.records.my_doctors(p1), p1, me),
        ("record.patients", lambda: ml.records.my_patients(d1), d1, doc),
        ("appointment.completed", lambda: (started(), ml.appointments.complete(d1, w.appt_today)), d1, me),
        ("appointment.no_show", lambda: ml.appointments.mark_no_show(d1, made["p2_today"]), d1,
         ("patient", p2.user_id)),
        ("appointment.cancel", lambda: ml.appointments.cancel(p1, made["appt"]), p1, me),
        ("admin.pending.list", lambda: ml.admin.pending_doctors(admin), admin, None),
        ("admin.doctors.list", lambda: ml.admin.doctors(admin, "verified"), admin, None),
        ("admin.doctor.verify", lambda: ml.admin.verify_doctor(admin, w.d3), admin, ("doctor", w.d3)),
        ("admin.doctor.reject", lambda: ml.admin.reject_doctor(admin, w.d4, "Registration number not found."),
         admin, ("doctor", w.d4)),
        ("admin.audit.view", lambda: ml.admin.audit_trail(admin), admin, None),
        ("password.change", lambda: ml.auth.change_password(made["p1"], PASSWORD, "Another-horse-43"), me, me),
        ("patient.logout", lambda: ml.auth.logout(made["p1"]), me, me),
    ]


def test_each_call_writes_exactly_one_audit_row_naming_actor_subject_and_outcome(world: World) -> None:
    problems = []
    plan = steps(world)
    for action, call, actor, subject in plan:
        actor_ref = (actor.role, actor.user_id) if isinstance(actor, Session) else actor
        last = last_audit_id(world.ml)
        call()
        rows = audit_since(world.ml, last)
        got = [(r["action"], (r["actor_role"], r["actor_id"]), (r["subject_role"], r["subject_id"]), r["outcome"])
               for r in rows]
        want = [(action, actor_ref, subject or (None, None), "ok")]
        if got != want:
            problems.append(f"{action}: wrote {got}, want {want}")
    assert not problems, "\n".join(problems)
    assert len(plan) >= 45
    check = world.ml.audit.verify()
    assert check.ok, check.describe()


def test_a_changed_row_is_found_and_named(world: World) -> None:
    ml = world.ml
    with pytest.raises(PermissionDenied):
        ml.appointments.get(world.p2, world.appt)  # a refusal, then someone hides it
    ml.patients.profile(world.p1)
    check = ml.audit.verify()
    assert check.ok, check.describe()
    with ml.db.transaction() as tx:
        denial = int(tx.scalar("SELECT MAX(audit_id) AS n FROM audit_log WHERE outcome = 'denied'"))
        middle = int(tx.scalar("SELECT MIN(audit_id) AS n FROM audit_log WHERE action = 'appointment.book'"))
        detail = tx.scalar("SELECT detail FROM audit_log WHERE audit_id = ?", (middle,))
        tx.execute("UPDATE audit_log SET detail = ? WHERE audit_id = ?", ("edited by hand", middle))
    check = ml.audit.verify()
    assert (check.ok, check.first_bad_id) == (False, middle), check.describe()
    assert str(middle) in check.describe()
    with ml.db.transaction() as tx:
        tx.execute("UPDATE audit_log SET detail = ? WHERE audit_id = ?", (detail, middle))
    assert ml.audit.verify().ok
    with ml.db.transaction() as tx:
        tx.execute("UPDATE audit_log SET outcome = 'ok' WHERE audit_id = ?", (denial,))
    check = ml.audit.verify()
    assert (check.ok, check.first_bad_id) == (False, denial), check.describe()
    assert audit_since(ml, denial - 1)[0]["outcome"] == "ok"  # the refusal now reads as allowed: caught above
