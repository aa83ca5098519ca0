"""email_outbox: messages written with the change they report, sent later by the mail worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

COLUMNS = ("message_id", "dedupe_key", "kind", "recipient", "subject", "body_text", "body_html", "ics",
           "appointment_id", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM email_outbox"


def enqueue(tx: Tx, *, dedupe_key: str, kind: str, recipient: str, subject: str, body_text: str,
            body_html: str | None, ics: str | None, appointment_id: int | None, at: dt.datetime) -> int | None:
    """Queue a message; a message with the same ``dedupe_key`` already queued makes this a no-op
    (returns None)."""
    if tx.query_one("SELECT message_id FROM email_outbox WHERE dedupe_key = ?", (dedupe_key,)) is not None:
        return None
    return tx.insert(
        "INSERT INTO email_outbox (dedupe_key, kind, recipient, subject, body_text, body_html, ics, appointment_id, "
        "status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
        (dedupe_key, kind, recipient, subject, body_text, body_html, ics, appointment_id, at, at))


def enqueue_many(tx: Tx, messages: list[dict[str, Any]], at: dt.datetime) -> list[bool]:
    """Queue several messages (each a dict of ``enqueue``'s keyword arguments but ``at``) in two
    round trips: one look for their dedupe keys, one INSERT of those not already queued. Returns,
    per message, whether it was queued (False: a message with its key was there already, or came
    earlier in ``messages``)."""
    if not messages:
        return []
    keys = tuple(dict.fromkeys(m["dedupe_key"] for m in messages))
    marks = ", ".join("?" for _ in keys)
    seen = {r["dedupe_key"] for r in tx.query(f"SELECT dedupe_key FROM email_outbox WHERE dedupe_key IN ({marks})",
                                              keys)}
    queued, rows = [], []
    for m in messages:
        new = m["dedupe_key"] not in seen
        queued.append(new)
        if new:
            seen.add(m["dedupe_key"])
            rows.append((m["dedupe_key"], m["kind"], m["recipient"], m["subject"], m["body_text"], m["body_html"],
                         m["ics"], m["appointment_id"], at, at))
    if rows:
        values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)" for _ in rows)
        tx.execute("INSERT INTO email_outbox (dedupe_key, kind, recipient, subject, body_text, body_html, ics, "
                   f"appointment_id, status, attempts, next_attempt_at, created_at) VALUES {values}",
                   tuple(v for row in rows for v in row))
    return queued


def count_for_appointment(tx: Tx, appointment_id: int, kind: str) -> int:
    """How many messages of ``kind`` the appointment has had."""
    return int(tx.scalar("SELECT COUNT(*) AS n FROM email_outbox WHERE appointment_id = ? AND kind = ?",
                         (appointment_id, kind)))


def get(tx: Tx, message_id: int) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE message_id = ?", (message_id,))


def due(tx: Tx, now: dt.datetime, limit: int = 20) -> list[dict[str, Any]]:
    """Pending messages whose time has come, oldest first, locked for this transaction."""
    return tx.query(f"{_SELECT} WHERE status = 'pending' AND next_attempt_at <= ? "
                    "ORDER BY next_attempt_at, message_id LIMIT ? FOR UPDATE", (now, limit))


def mark_sent(tx: Tx, message_id: int, at: dt.datetime) -> int:
    return tx.execute("UPDATE email_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, "
                      "last_error = NULL WHERE message_id = ?", (at, message_id))


def mark_retry(tx: Tx, message_id: int, next_attempt_at: dt.datetime, error: str) -> int:
    return tx.execute("UPDATE email_outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?, "
                      "last_error = ? WHERE message_id = ?", (next_attempt_at, error[:500], message_id))


def mark_failed(tx: Tx, message_id: int, error: str) -> int:
    return tx.execute("UPDATE email_outbox SET status = 'failed', attempts = attempts + 1, last_error = ? "
                      "WHERE message_id = ?", (error[:500], message_id))


def status_for_appointment(tx: Tx, appointment_id: int, kind: str) -> str | None:
    """The newest status of the appointment's message of ``kind`` (e.g. the confirmation)."""
    row = tx.query_one("SELECT status FROM email_outbox WHERE appointment_id = ? AND kind = ? "
                       "ORDER BY message_id DESC LIMIT 1", (appointment_id, kind))
    return None if row is None else str(row["status"])


def claim(tx: Tx, message_id: int, at: dt.datetime) -> bool:
    """Take a pending message for sending; False if another desktop took it first."""
    return tx.execute("UPDATE email_outbox SET status = 'sending', next_attempt_at = ? "
                      "WHERE message_id = ? AND status = 'pending'", (at, message_id)) == 1


def release_stale(tx: Tx, claimed_before: dt.datetime) -> int:
    """Put back messages whose sender stopped while sending (claimed before ``claimed_before``)."""
    return tx.execute("UPDATE email_outbox SET status = 'pending' WHERE status = 'sending' AND next_attempt_at < ?",
                      (claimed_before,))


def for_appointment(tx: Tx, appointment_id: int) -> list[dict[str, Any]]:
    return tx.query(f"{_SELECT} WHERE appointment_id = ? ORDER BY message_id", (appointment_id,))
