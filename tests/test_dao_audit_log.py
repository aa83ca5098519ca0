"""dao.audit_log: the hash-chained trail and its head row."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from medlink.dao import audit_log
from medlink.db import Database, Tx

AT = dt.datetime(2030, 1, 7, 9, 0, 0, 123456)


def _entry(prev_hash: str, n: int, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = dict(occurred_at=AT + dt.timedelta(seconds=n), actor_role="patient", actor_id=1,
                                 action="record.open", subject_role="patient", subject_id=1,
                                 object_type="record", object_id=str(n), outcome="ok", detail=f"entry {n}",
                                 prev_hash=prev_hash)
    entry.update(fields)
    entry["row_hash"] = hashlib.sha256(f"{prev_hash}|{n}".encode()).hexdigest()
    return entry


def _append(tx: Tx, n: int, **fields: Any) -> tuple[int, dict[str, Any]]:
    prev = audit_log.lock_head(tx)
    entry = _entry(prev, n, **fields)
    return audit_log.append(tx, entry), entry


def test_lock_head_starts_the_chain_at_the_genesis_hash(db: Database) -> None:
    with db.transaction() as tx:
        assert audit_log.head(tx) is None
        assert audit_log.lock_head(tx) == audit_log.GENESIS_HASH == "0" * 64
        assert audit_log.head(tx) == {"last_id": 0, "last_hash": audit_log.GENESIS_HASH}
        assert audit_log.lock_head(tx) == audit_log.GENESIS_HASH  # a second call finds the row
        assert tx.scalar("SELECT COUNT(*) AS n FROM audit_head") == 1


def test_append_moves_the_head_and_rows_round_trip(db: Database) -> None:
    with db.transaction() as tx:
        first_id, first = _append(tx, 1)
    with db.transaction() as tx:
        assert audit_log.lock_head(tx) == first["row_hash"]
        second_id, second = _append(tx, 2, actor_role="doctor", actor_id=None, subject_role=None, subject_id=None,
                                    object_type=None, object_id=None, outcome="denied", detail="")
    with db.transaction() as tx:
        head = audit_log.head(tx)
        rows = list(audit_log.iter_rows(tx))
    assert head == {"last_id": second_id, "last_hash": second["row_hash"]}
    assert second["prev_hash"] == first["row_hash"]
    assert rows == [{"audit_id": first_id, **first}, {"audit_id": second_id, **second}]
    assert rows[0]["occurred_at"].microsecond == 123456  # microseconds kept on both backends


def test_iter_rows_walks_every_row_in_order_across_batches(db: Database) -> None:
    with db.transaction() as tx:
        ids = [_append(tx, n)[0] for n in range(7)]
    with db.transaction() as tx:
        for batch in (1, 2, 3, 7, 1000):
            assert [r["audit_id"] for r in audit_log.iter_rows(tx, batch=batch)] == ids, batch
        hashes = [(r["prev_hash"], r["row_hash"]) for r in audit_log.iter_rows(tx)]
    assert ids == sorted(ids)
    assert hashes[0][0] == audit_log.GENESIS_HASH
    assert all(hashes[i][0] == hashes[i - 1][1] for i in range(1, len(hashes)))  # the chain links up


def test_iter_rows_on_an_empty_log(db: Database) -> None:
    with db.transaction() as tx:
        assert list(audit_log.iter_rows(tx)) == []


def test_for_subject_and_recent_newest_first(db: Database) -> None:
    with db.transaction() as tx:
        a, _ = _append(tx, 1, subject_role="patient", subject_id=5)
        b, _ = _append(tx, 2, subject_role="doctor", subject_id=5)
        c, _ = _append(tx, 3, subject_role="patient", subject_id=5)
        d, _ = _append(tx, 4, subject_role="patient", subject_id=6)
    with db.transaction() as tx:
        assert [r["audit_id"] for r in audit_log.for_subject(tx, "patient", 5)] == [c, a]
        assert [r["audit_id"] for r in audit_log.for_subject(tx, "patient", 5, limit=1)] == [c]
        assert [r["audit_id"] for r in audit_log.for_subject(tx, "doctor", 5)] == [b]
        assert audit_log.for_subject(tx, "admin", 5) == []
        assert [r["audit_id"] for r in audit_log.recent(tx)] == [d, c, b, a]
        assert [r["audit_id"] for r in audit_log.recent(tx, limit=2, offset=1)] == [c, b]


def test_a_rolled_back_append_leaves_head_and_log_unchanged(db: Database) -> None:
    with db.transaction() as tx:
        first_id, first = _append(tx, 1)
    try:
        with db.transaction() as tx:
            _append(tx, 2)
            raise RuntimeError("the change it reports failed")
    except RuntimeError:
        pass
    with db.transaction() as tx:
        assert audit_log.head(tx) == {"last_id": first_id, "last_hash": first["row_hash"]}
        assert [r["audit_id"] for r in audit_log.iter_rows(tx)] == [first_id]
