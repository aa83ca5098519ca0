"""dao.email_outbox: enqueue with dedupe, due messages, sent/retry/failed transitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.dao import email_outbox as outbox
from medlink.db import Database, Tx
from tests.factories import NOW, make_booking

MINUTE = dt.timedelta(minutes=1)


def _enqueue(tx: Tx, key: str, at: dt.datetime = NOW, **fields: Any) -> int | None:
    values: dict[str, Any] = dict(dedupe_key=key, kind="booking_confirmation", recipient="asha@example.org",
                                  subject="Your appointment", body_text="See you on Monday.",
                                  body_html="<p>See you on Monday.</p>", ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                  appointment_id=None, at=at)
    values.update(fields)
    return outbox.enqueue(tx, **values)


def test_enqueue_stores_a_pending_message(db: Database) -> None:
    _, _, appointment_id = make_booking(db)
    with db.transaction() as tx:
        message_id = _enqueue(tx, "confirm:1", appointment_id=appointment_id)
    with db.transaction() as tx:
        row = outbox.get(tx, message_id)
        assert outbox.get(tx, message_id + 1) is None
    assert row == {
        "message_id": message_id, "dedupe_key": "confirm:1", "kind": "booking_confirmation",
        "recipient": "asha@example.org", "subject": "Your appointment", "body_text": "See you on Monday.",
        "body_html": "<p>See you on Monday.</p>", "ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "appointment_id": appointment_id, "status": "pending", "attempts": 0, "next_attempt_at": NOW,
        "last_error": None, "created_at": NOW, "sent_at": None,
    }


def test_enqueue_with_the_same_dedupe_key_is_a_no_op(db: Database) -> None:
    with db.transaction() as tx:
        first = _enqueue(tx, "confirm:7")
    with db.transaction() as tx:
        assert _enqueue(tx, "confirm:7", subject="Changed") is None
        assert isinstance(_enqueue(tx, "confirm:8"), int)
    with db.transaction() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM email_outbox") == 2
        assert outbox.get(tx, first)["subject"] == "Your appointment"


def test_due_returns_only_pending_messages_whose_time_has_come_oldest_first(db: Database) -> None:
    with db.transaction() as tx:
        late = _enqueue(tx, "a", at=NOW - MINUTE)
        early = _enqueue(tx, "b", at=NOW - 10 * MINUTE)
        exactly_now = _enqueue(tx, "c", at=NOW)
        future = _enqueue(tx, "d", at=NOW + MINUTE)
        sent = _enqueue(tx, "e", at=NOW - 20 * MINUTE)
        failed = _enqueue(tx, "f", at=NOW - 20 * MINUTE)
        outbox.mark_sent(tx, sent, NOW)
        outbox.mark_failed(tx, failed, "550 no such user")
    with db.transaction() as tx:
        assert [m["message_id"] for m in outbox.due(tx, NOW)] == [early, late, exactly_now]
        assert [m["message_id"] for m in outbox.due(tx, NOW, limit=2)] == [early, late]
        assert [m["message_id"] for m in outbox.due(tx, NOW + MINUTE)] == [early, late, exactly_now, future]
        assert outbox.due(tx, NOW - 30 * MINUTE) == []


def test_mark_sent(db: Database) -> None:
    with db.transaction() as tx:
        message_id = _enqueue(tx, "k")
        outbox.mark_retry(tx, message_id, NOW + MINUTE, "timeout")
    with db.transaction() as tx:
        assert outbox.mark_sent(tx, message_id, NOW + 2 * MINUTE) == 1
    with db.transaction() as tx:
        row = outbox.get(tx, message_id)
        assert outbox.due(tx, NOW + 10 * MINUTE) == []
    assert (row["status"], row["attempts"], row["sent_at"], row["last_error"]) == ("sent", 2, NOW + 2 * MINUTE, None)


def test_mark_retry_counts_postpones_and_keeps_a_short_error(db: Database) -> None:
    with db.transaction() as tx:
        message_id = _enqueue(tx, "k")
        assert outbox.mark_retry(tx, message_id, NOW + 5 * MINUTE, "421 try later " + "x" * 1000) == 1
    with db.transaction() as tx:
        row = outbox.get(tx, message_id)
        assert outbox.due(tx, NOW + 4 * MINUTE) == []
        assert [m["message_id"] for m in outbox.due(tx, NOW + 5 * MINUTE)] == [message_id]
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("pending", 1, NOW + 5 * MINUTE)
    assert row["last_error"].startswith("421 try later") and len(row["last_error"]) == 500


def test_mark_failed_stops_retries(db: Database) -> None:
    with db.transaction() as tx:
        message_id = _enqueue(tx, "k")
        assert outbox.mark_failed(tx, message_id, "550 mailbox unavailable") == 1
        assert outbox.mark_failed(tx, 987654, "x") == 0
    with db.transaction() as tx:
        row = outbox.get(tx, message_id)
        assert outbox.due(tx, NOW + 60 * MINUTE) == []
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 1, "550 mailbox unavailable")


def test_status_for_appointment_is_the_newest_of_that_kind(db: Database) -> None:
    _, _, appointment_id = make_booking(db)
    _, _, other_appointment = make_booking(db)
    with db.transaction() as tx:
        assert outbox.status_for_appointment(tx, appointment_id, "booking_confirmation") is None
        old = _enqueue(tx, "c1", appointment_id=appointment_id)
        outbox.mark_sent(tx, old, NOW)
        _enqueue(tx, "c2", appointment_id=appointment_id)
        reminder = _enqueue(tx, "r1", appointment_id=appointment_id, kind="reminder")
        outbox.mark_failed(tx, reminder, "bounced")
        _enqueue(tx, "o1", appointment_id=other_appointment)
    with db.transaction() as tx:
        assert outbox.status_for_appointment(tx, appointment_id, "booking_confirmation") == "pending"
        assert outbox.status_for_appointment(tx, appointment_id, "reminder") == "failed"
        assert outbox.status_for_appointment(tx, other_appointment, "reminder") is None


def test_claim_takes_a_pending_message_once(db: Database) -> None:
    with db.transaction() as tx:
        message_id = _enqueue(tx, "k")
        sent = _enqueue(tx, "s")
        outbox.mark_sent(tx, sent, NOW)
    with db.transaction() as tx:
        assert outbox.claim(tx, message_id, NOW + MINUTE) is True
        assert outbox.claim(tx, message_id, NOW + MINUTE) is False  # another desktop took it first
        assert outbox.claim(tx, sent, NOW + MINUTE) is False
        assert outbox.claim(tx, 987654, NOW) is False
    with db.transaction() as tx:
        row = outbox.get(tx, message_id)
        assert outbox.due(tx, NOW + 60 * MINUTE) == []  # a message being sent is not due
    assert (row["status"], row["next_attempt_at"], row["attempts"]) == ("sending", NOW + MINUTE, 0)


def test_a_retry_after_a_claim_makes_the_message_pending_again(db: Database) -> None:
    with db.transaction() as tx:
        message_id = _enqueue(tx, "k")
        outbox.claim(tx, message_id, NOW)
        outbox.mark_retry(tx, message_id, NOW + 5 * MINUTE, "timeout")
    with db.transaction() as tx:
        assert outbox.get(tx, message_id)["status"] == "pending"
        assert [m["message_id"] for m in outbox.due(tx, NOW + 5 * MINUTE)] == [message_id]


def test_release_stale_puts_back_only_old_claims(db: Database) -> None:
    with db.transaction() as tx:
        stale = _enqueue(tx, "stale")
        fresh = _enqueue(tx, "fresh")
        pending = _enqueue(tx, "pending")
        outbox.claim(tx, stale, NOW)
        outbox.claim(tx, fresh, NOW + 10 * MINUTE)
    with db.transaction() as tx:
        assert outbox.release_stale(tx, NOW + 5 * MINUTE) == 1
        assert outbox.release_stale(tx, NOW + 5 * MINUTE) == 0
    with db.transaction() as tx:
        statuses = {m: outbox.get(tx, m)["status"] for m in (stale, fresh, pending)}
        due = [m["message_id"] for m in outbox.due(tx, NOW + 5 * MINUTE)]
    assert statuses == {stale: "pending", fresh: "sending", pending: "pending"}
    assert due == [stale, pending]  # both due at NOW: in message order


def test_for_appointment_lists_its_messages_in_order(db: Database) -> None:
    _, _, appointment_id = make_booking(db)
    _, _, other = make_booking(db)
    with db.transaction() as tx:
        first = _enqueue(tx, "a1", appointment_id=appointment_id)
        _enqueue(tx, "o1", appointment_id=other)
        second = _enqueue(tx, "a2", appointment_id=appointment_id, kind="reminder")
        _enqueue(tx, "none")
    with db.transaction() as tx:
        rows = outbox.for_appointment(tx, appointment_id)
        assert outbox.for_appointment(tx, 987654) == []
    assert [(r["message_id"], r["kind"]) for r in rows] == [(first, "booking_confirmation"), (second, "reminder")]
