"""The audit trail: who did what to whose data, when, and with what outcome.

Rows are hash-chained: each carries the hash of the row before it and a hash of itself, so a
changed, removed or reordered row is found by ``verify()``. Writers lock the chain's head row, so
the chain stays a line even with several desktops writing at once; ``record`` is the last step of
a unit of work, which keeps the lock short and the lock order the same everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from medlink.dao import audit_log
from medlink.db import Database, Tx
from medlink.services.clock import Clock
from medlink.services.session import Session

Ref = tuple[str, Any] | None  # (role or object type, id)


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    rows_checked: int
    first_bad_id: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"Audit trail intact: {self.rows_checked} rows checked."
        where = f"row {self.first_bad_id}" if self.first_bad_id is not None else "the end of the trail"
        return f"Audit trail tampered with at {where}: {self.reason}."


def canonical(entry: dict[str, Any]) -> str:
    """The text of an audit row that its hash seals: every column but the id and the hashes."""
    occurred = entry["occurred_at"]
    return json.dumps(
        [occurred.strftime("%Y-%m-%d %H:%M:%S.%f"), entry["actor_role"], entry["actor_id"], entry["action"],
         entry["subject_role"], entry["subject_id"], entry["object_type"], entry["object_id"], entry["outcome"],
         entry["detail"]],
        separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """The hash that seals ``entry`` onto the chain after ``prev_hash``."""
    return audit_log.seal(prev_hash, canonical(entry))


def _stored_id(value: Any) -> int | None:
    """A subject's id as the INT column holds it. A refused call may name anything (a typed-in
    "1 OR 1=1", a list, 2**70): that is recorded as no id rather than crash the refusal's audit."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2**31 - 1:
        return value
    return None


def _stored_text(text: str) -> str:
    """``text`` with anything UTF-8 cannot hold (a lone surrogate in a typed-in id) spelt out as \\udXXX."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class AuditService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record(self, tx: Tx, *, actor: Session | tuple[str, int | None] | None, action: str,
               subject: Ref = None, obj: Ref = None, outcome: str = "ok", detail: str = "") -> int:
        """Append a row inside the caller's transaction; returns its id. ``detail`` must never hold
        personal data: ids and short codes only."""
        if isinstance(actor, Session):
            actor_role, actor_id = actor.role, actor.user_id
        elif actor is None:
            actor_role, actor_id = "anonymous", None
        else:
            actor_role, actor_id = actor
        entry = {
            "occurred_at": self.clock.utc_now(),
            "actor_role": actor_role, "actor_id": actor_id, "action": action,
            "subject_role": subject[0] if subject else None,
            "subject_id": _stored_id(subject[1]) if subject else None,
            "object_type": obj[0] if obj else None,
            "object_id": _stored_text(str(obj[1]))[:64] if obj and obj[1] is not None else None,  # VARCHAR(64)
            "outcome": outcome, "detail": detail[:255],
        }
        return audit_log.extend(tx, entry, canonical(entry))

    def record_now(self, **kwargs: Any) -> int:
        """``record`` in a transaction of its own: for refusals, whose own unit never commits."""
        return self.db.run(lambda tx: self.record(tx, **kwargs))

    def verify(self) -> AuditCheck:
        """Walk the whole chain; report the first row that does not fit."""
        with self.db.transaction() as tx:
            expected_prev, checked, last_id = audit_log.GENESIS_HASH, 0, 0
            for row in audit_log.iter_rows(tx):
                if row["prev_hash"] != expected_prev:
                    return AuditCheck(False, checked, row["audit_id"], "it does not follow the row before it "
                                      "(a row was removed, inserted or reordered)")
                if row_hash(row["prev_hash"], row) != row["row_hash"]:
                    return AuditCheck(False, checked, row["audit_id"], "its contents were changed")
                expected_prev, last_id = row["row_hash"], row["audit_id"]
                checked += 1
            head = audit_log.head(tx)
        if head is None and checked:  # every append moves the head: rows without one means it was removed
            return AuditCheck(False, checked, None, "the record of the trail's last row is missing")
        if head is not None and (head["last_hash"] != expected_prev or int(head["last_id"]) != last_id):
            return AuditCheck(False, checked, None, "rows at the end of the trail are missing")
        return AuditCheck(True, checked)
