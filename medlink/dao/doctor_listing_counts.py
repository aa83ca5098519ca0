"""doctor_listing_counts: how many listed doctors (verified and active) there are per specialty, city
and consultation fee.

Written only by the triggers of migration 003 (``sql/*/003_search_at_scale.sql``) on every change to
``doctor_info``; read here. A row is ``(scope, specialty, city, consultation_fee, doctors)``: scope 0
per specialty and city, 1 per specialty over every city (``city`` is ''), 2 per city over every
specialty (``specialty`` is ''), 3 everything (both ''). ``consultation_fee`` -1 stands for the
doctors with no fee set, who are billed at the configured default. A row whose doctors all left
stays with ``doctors`` 0. Specialties and cities compare without regard to case.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medlink.db import Tx

PER_SPECIALTY = 1
EVERYTHING = 3
NO_FEE_SET = -1

_MONEY = "CAST(? AS DECIMAL(10,2))"
_FEE_IN_FORCE = f"CASE WHEN consultation_fee = {NO_FEE_SET} THEN {_MONEY} ELSE consultation_fee END"


def fee_range(tx: Tx, *, specialty: str | None, default_fee: Decimal) -> dict[str, Any]:
    """The lowest and highest consultation fee in force (``lowest``, ``highest``: Decimal, or None when
    nobody is listed) and how many doctors are listed (``doctors``), of ``specialty``, or of every
    specialty if None. One query over a few rows of the primary key, whatever the directory's size:
    one row per distinct fee."""
    scope, name = (PER_SPECIALTY, specialty) if specialty else (EVERYTHING, "")
    row = tx.query_one(
        f"SELECT MIN({_FEE_IN_FORCE}) AS 'lowest [DECIMAL]', MAX({_FEE_IN_FORCE}) AS 'highest [DECIMAL]', "
        "COALESCE(SUM(doctors), 0) AS doctors FROM doctor_listing_counts "
        "WHERE scope = ? AND specialty = ? AND city = '' AND doctors > 0",
        (default_fee, default_fee, scope, name)) or {}  # an aggregate gives one row, even of nothing
    return {"lowest": row.get("lowest"), "highest": row.get("highest"), "doctors": int(row.get("doctors") or 0)}


def specialties(tx: Tx) -> list[str]:
    """The specialties that have listed doctors, sorted (one spelling per specialty: they compare
    without regard to case). Read from the per-specialty rows, not from every doctor."""
    rows = tx.query("SELECT MIN(specialty) AS specialty FROM doctor_listing_counts "
                    "WHERE scope = ? AND city = '' AND doctors > 0 GROUP BY specialty ORDER BY specialty",
                    (PER_SPECIALTY,))
    return [str(r["specialty"]) for r in rows]
