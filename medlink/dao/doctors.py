"""doctor_info: doctors, their public profile, fees and verification state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx

PROFILE_COLUMNS = (
    "doctor_id", "email", "name", "phone", "qualifications", "specialty", "hospital", "hospital_address",
    "city", "experience_years", "registration_number", "bio", "contact_public", "consultation_fee",
    "lab_test_fee", "medication_fee", "other_fees", "slot_minutes", "verification_status", "verified_by",
    "verified_at", "rejection_reason", "created_at", "is_active",
)
EDITABLE = frozenset({
    "name", "phone", "email", "qualifications", "specialty", "hospital", "hospital_address", "city",
    "experience_years", "bio", "contact_public", "slot_minutes",
})
FEE_COLUMNS = ("consultation_fee", "lab_test_fee", "medication_fee", "other_fees")
_SELECT = f"SELECT {', '.join(PROFILE_COLUMNS)} FROM doctor_info"


def insert(tx: Tx, *, email: str, name: str, phone: str, password_hash: str, qualifications: str,
           specialty: str, hospital: str, city: str, experience_years: int, registration_number: str,
           bio: str, created_at: dt.datetime, hospital_address: str = "",
           verification_status: str = "pending") -> int:
    return tx.insert(
        "INSERT INTO doctor_info (email, name, phone, password_hash, qualifications, specialty, hospital, "
        "hospital_address, city, experience_years, registration_number, bio, verification_status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (email, name, phone, password_hash, qualifications, specialty, hospital, hospital_address, city,
         experience_years, registration_number, bio, verification_status, created_at))


def get(tx: Tx, doctor_id: int) -> dict[str, Any] | None:
    """The full profile (private fields included) without the password hash or login counters."""
    return tx.query_one(f"{_SELECT} WHERE doctor_id = ?", (doctor_id,))


def by_email(tx: Tx, email: str) -> dict[str, Any] | None:
    return tx.query_one(f"{_SELECT} WHERE email = ?", (email,))


def by_status(tx: Tx, status: str, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Doctors in one verification state, oldest sign-up first."""
    return tx.query(f"{_SELECT} WHERE verification_status = ? ORDER BY created_at, doctor_id LIMIT ? OFFSET ?",
                    (status, limit, offset))


def update(tx: Tx, doctor_id: int, fields: dict[str, Any]) -> int:
    """Change profile fields named in ``EDITABLE``; returns rows changed."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not fields:
        return 0
    columns = sorted(fields)
    assignments = ", ".join(f"{c} = ?" for c in columns)
    return tx.execute(f"UPDATE doctor_info SET {assignments} WHERE doctor_id = ?",
                      (*[fields[c] for c in columns], doctor_id))


def set_fees(tx: Tx, doctor_id: int, consultation: Any, lab_test: Any, medication: Any, other: Any) -> int:
    return tx.execute(
        "UPDATE doctor_info SET consultation_fee = ?, lab_test_fee = ?, medication_fee = ?, other_fees = ? "
        "WHERE doctor_id = ?", (consultation, lab_test, medication, other, doctor_id))


def set_verification(tx: Tx, doctor_id: int, status: str, admin_id: int | None, at: dt.datetime | None,
                     reason: str | None) -> int:
    return tx.execute(
        "UPDATE doctor_info SET verification_status = ?, verified_by = ?, verified_at = ?, "
        "rejection_reason = ? WHERE doctor_id = ?", (status, admin_id, at, reason, doctor_id))


def count(tx: Tx, status: str | None = None) -> int:
    if status is None:
        return int(tx.scalar("SELECT COUNT(*) AS n FROM doctor_info"))
    return int(tx.scalar("SELECT COUNT(*) AS n FROM doctor_info WHERE verification_status = ?", (status,)))


# Money parameters are cast so that both sides compare (and sort) as numbers: SQLite binds a Decimal
# as text, and an expression such as COALESCE has no column affinity to turn it back into a number.
_MONEY = "CAST(? AS DECIMAL(10,2))"
FEE_IN_FORCE = f"COALESCE(d.consultation_fee, {_MONEY})"
SEARCH_COLUMNS = ("d.doctor_id", "d.name", "d.specialty", "d.hospital", "d.city", "d.experience_years",
                  "d.qualifications", "d.slot_minutes", "d.verification_status", "d.consultation_fee")
_FEE_POSITION = len(SEARCH_COLUMNS) + 1  # fee_in_force follows SEARCH_COLUMNS; its alias carries a type hint
SEARCH_ORDERS = {
    "name": "d.name, d.doctor_id",
    "fee": f"{_FEE_POSITION}, d.name, d.doctor_id",
    "experience": "d.experience_years DESC, d.name, d.doctor_id",
}
_SUMMARY = f"SELECT {', '.join(SEARCH_COLUMNS)}, {FEE_IN_FORCE} AS 'fee_in_force [DECIMAL]'"
LISTED = "d.verification_status = 'verified' AND d.is_active = 1"  # the only doctors patients find
# From this many matches on, a page of words walks the listed doctors in name order and looks up each
# one's words, instead of gathering every match and sorting it (sql/*/003_search_at_scale.sql). MySQL
# sorts its narrow word rows cheaply; FTS5's matches need their doctor_info rows to be sorted.
BROAD_MATCHES = 2000
_BROAD = {"sqlite": BROAD_MATCHES, "mysql": 5 * BROAD_MATCHES}

# Free text, at scale (issue 8). Every word of the text must match somewhere in the name, specialty,
# hospital or qualifications, ignoring case. A word of letters and digits only is looked up in the
# full-text index of listed doctors (SQLite: FTS5 table doctor_search; MySQL: table of words
# doctor_search_terms, both kept by triggers) and matches the start of a word there: "cardio" finds
# "Cardiology", "dch" finds "DCH". Any other word ("100%", "md_d", "o'brien") is matched anywhere with
# LIKE, its pattern characters taken literally, as every word was before the index.


def _like(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere, with the pattern characters escaped (escape '!')."""
    return "%" + term.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _split_terms(terms: list[str]) -> tuple[list[str], list[str]]:
    """(words for the index, longest first; words for LIKE)."""
    indexed = sorted({t for t in terms if t.isalnum()}, key=lambda t: (-len(t), t))
    return indexed, [t for t in terms if not t.isalnum()]


def _filters(literal: list[str], specialty: str | None, city: str | None, max_fee: Any,
             default_fee: Any) -> tuple[list[str], list[Any]]:
    """Conditions on ``doctor_info d`` besides the indexed words."""
    where = [LISTED]
    params: list[Any] = []
    for term in literal:
        where.append("(d.name LIKE ? ESCAPE '!' OR d.specialty LIKE ? ESCAPE '!' OR d.hospital LIKE ? ESCAPE '!' "
                     "OR d.qualifications LIKE ? ESCAPE '!')")
        params.extend([_like(term)] * 4)
    more, values = _narrowing("d", specialty, city, max_fee, default_fee)
    return where + more, params + values


def _narrowing(alias: str, specialty: str | None, city: str | None, max_fee: Any,
               default_fee: Any) -> tuple[list[str], list[Any]]:
    """The specialty, city and highest-fee filters on table ``alias`` (doctor_info, or MySQL's words)."""
    where: list[str] = []
    params: list[Any] = []
    if specialty:
        where.append(f"{alias}.specialty = ?")
        params.append(specialty)
    if city:
        where.append(f"{alias}.city = ?")
        params.append(city)
    if max_fee is not None:
        # COALESCE(fee, default) <= cap, with the default decided here so that the index can be used.
        if default_fee <= max_fee:
            where.append(f"({alias}.consultation_fee IS NULL OR {alias}.consultation_fee <= {_MONEY})")
        else:
            where.append(f"{alias}.consultation_fee <= {_MONEY}")
        params.append(max_fee)
    return where, params


def _word_prefix(term: str) -> str:
    return term.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _fts_query(indexed: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in indexed)


def _uses_fts(tx: Tx) -> bool:
    return tx.per_dialect(sqlite=True, mysql=False)


def _terms_subquery(indexed: list[str], select: str = "t0.doctor_id", narrowing: tuple[list[str], list[Any]] = ([], []),
                    tail: str = "") -> tuple[str, list[Any]]:
    """MySQL: ``select`` over the listed doctors with a word starting with each of ``indexed`` (and
    the ``narrowing`` conditions on ``t0``, the rows of the first word, which carry the filters' columns)."""
    sql = f"SELECT {select} FROM doctor_search_terms t0 WHERE t0.term LIKE ? ESCAPE '!'"
    for n in range(1, len(indexed)):  # a semi-join: the optimizer starts from the word with fewer rows
        sql += (f" AND t0.doctor_id IN (SELECT t{n}.doctor_id FROM doctor_search_terms t{n} "
                f"WHERE t{n}.term LIKE ? ESCAPE '!')")
    conditions, values = narrowing
    sql += "".join(f" AND {c}" for c in conditions) + tail
    return sql, [*(_word_prefix(t) for t in indexed), *values]


def _matches_first(indexed: list[str]) -> tuple[str, list[Any]]:
    """MySQL: a FROM clause joining the doctors the words find, gathered first, to their rows (the
    optimizer would otherwise walk the name index to honour ORDER BY ... LIMIT and probe every doctor)."""
    sql, words = _terms_subquery(indexed, select="DISTINCT t0.doctor_id")
    return f"({sql}) AS m STRAIGHT_JOIN doctor_info d ON d.doctor_id = m.doctor_id", words


def _in_words(tx: Tx, indexed: list[str]) -> tuple[str, list[Any]]:
    """A condition on ``d``: among the doctors the index finds for every word (gathered first)."""
    if _uses_fts(tx):
        return "d.doctor_id IN (SELECT rowid FROM doctor_search WHERE doctor_search MATCH ?)", [_fts_query(indexed)]
    sql, params = _terms_subquery(indexed)
    return f"d.doctor_id IN ({sql})", params


def _has_words(tx: Tx, indexed: list[str]) -> tuple[str, list[Any]]:
    """A condition on ``d`` for walking listed doctors in name order: MySQL looks up each doctor's
    words; SQLite gathers the matches once (an FTS5 prefix query per doctor would merge the prefix's
    whole doclist every time)."""
    if _uses_fts(tx):
        return _in_words(tx, indexed)
    # A scalar subquery with LIMIT: the optimizer may not turn it into a join that gathers every match.
    checks = [f"(SELECT 1 FROM doctor_search_terms t{n} WHERE t{n}.doctor_id = d.doctor_id "
              f"AND t{n}.term LIKE ? ESCAPE '!' LIMIT 1) = 1" for n in range(len(indexed))]
    return " AND ".join(checks), [_word_prefix(t) for t in indexed]


def _walk_listed(tx: Tx, specialty: str | None, city: str | None) -> str:
    """``doctor_info d`` read through the index of listed doctors in name order that fits the filters.
    Named, not left to the planner: without statistics SQLite prefers any index with an equality on
    the state (verified) to a partial index that already holds only listed doctors in order."""
    index = ("ix_doctor_listed_specialty_city" if specialty and city else "ix_doctor_listed_specialty" if specialty
             else "ix_doctor_listed_city" if city else "ix_doctor_listed_name")
    return tx.per_dialect(sqlite=f"doctor_info d INDEXED BY {index}", mysql=f"doctor_info d FORCE INDEX ({index})")


def search(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any, default_fee: Any,
           order: str = "name", limit: int = 50, offset: int = 0, total: int | None = None) -> list[dict[str, Any]]:
    """Verified, active doctors matching every term (in name, specialty, hospital or
    qualifications) and the filters; ``order`` is a key of ``SEARCH_ORDERS``. Each row has
    ``fee_in_force``: the consultation fee, or ``default_fee`` for a doctor who set none.
    ``total``, the number of matches if known (``search_count``), picks how words are looked up."""
    order_by = SEARCH_ORDERS[order]
    indexed, literal = _split_terms(terms)
    where, params = _filters(literal, specialty, city, max_fee, default_fee)
    source = _walk_listed(tx, specialty, city)
    if indexed:
        if order == "name" and total is not None and total >= tx.per_dialect(**_BROAD):
            # Many matches: walk the listed doctors in name order and stop at the page's end.
            condition, words = _has_words(tx, indexed)
            where, params = [*where, condition], [*params, *words]
        elif _uses_fts(tx):
            # Few matches: FTS5 first (the outer loop), then their rows, then the order.
            source = "doctor_search s CROSS JOIN doctor_info d ON d.doctor_id = s.rowid"
            where, params = ["s.doctor_search MATCH ?", *where], [_fts_query(indexed), *params]
        elif order == "name" and not literal:
            # Few matches on MySQL: the page is filtered and ordered in the narrow word rows, which carry
            # name, specialty, city and fee; then only its doctors' rows are read.
            page, words = _terms_subquery(
                indexed, select="t0.doctor_id, t0.name",
                narrowing=_narrowing("t0", specialty, city, max_fee, default_fee),
                tail=" GROUP BY t0.doctor_id, t0.name ORDER BY t0.name, t0.doctor_id LIMIT ? OFFSET ?")
            return tx.query(f"{_SUMMARY} FROM ({page}) AS m STRAIGHT_JOIN doctor_info d ON d.doctor_id = m.doctor_id "
                            f"WHERE {LISTED} ORDER BY {order_by}", (default_fee, *words, limit, offset))
        else:
            source, words = _matches_first(indexed)
            params = [*words, *params]
    return tx.query(f"{_SUMMARY} FROM {source} WHERE {' AND '.join(where)} ORDER BY {order_by} LIMIT ? OFFSET ?",
                    (default_fee, *params, limit, offset))


def search_count(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any,
                 default_fee: Any) -> int:
    indexed, literal = _split_terms(terms)
    if not indexed and not literal:
        return listing_count(tx, specialty=specialty, city=city, max_fee=max_fee, default_fee=default_fee)
    where, params = _filters(literal, specialty, city, max_fee, default_fee)
    if not indexed:
        return int(tx.scalar(f"SELECT COUNT(*) AS n FROM {_walk_listed(tx, specialty, city)} "
                             f"WHERE {' AND '.join(where)}", params))
    fts = _uses_fts(tx)
    if where == [LISTED] and fts:  # words only: the index holds listed doctors only, so it counts alone
        return int(tx.scalar("SELECT COUNT(*) AS n FROM doctor_search WHERE doctor_search MATCH ?",
                             (_fts_query(indexed),)))
    if not fts and not literal:  # MySQL's word rows hold listed doctors only, with the filters' columns
        sql, words = _terms_subquery(indexed, select="COUNT(DISTINCT t0.doctor_id) AS n",
                                     narrowing=_narrowing("t0", specialty, city, max_fee, default_fee))
        return int(tx.scalar(sql, words))
    if fts:
        return int(tx.scalar("SELECT COUNT(*) AS n FROM doctor_search s CROSS JOIN doctor_info d "
                             f"ON d.doctor_id = s.rowid WHERE s.doctor_search MATCH ? AND {' AND '.join(where)}",
                             (_fts_query(indexed), *params)))
    source, words = _matches_first(indexed)
    return int(tx.scalar(f"SELECT COUNT(*) AS n FROM {source} WHERE {' AND '.join(where)}", (*words, *params)))


def listing_count(tx: Tx, *, specialty: str | None, city: str | None, max_fee: Any, default_fee: Any) -> int:
    """How many listed doctors have this specialty and city (either may be None: any) and a fee in
    force up to ``max_fee`` (None: any), from the counts the triggers keep (doctor_listing_counts)."""
    scope = 0 if specialty and city else 1 if specialty else 2 if city else 3
    where = ["scope = ?", "specialty = ?", "city = ?"]
    params: list[Any] = [scope, specialty or "", city or ""]
    if max_fee is not None:  # -1 stands for "no fee set": it counts when the default is within the cap
        where.append(f"consultation_fee <= {_MONEY}" if default_fee <= max_fee
                     else f"consultation_fee BETWEEN 0 AND {_MONEY}")
        params.append(max_fee)
    return int(tx.scalar("SELECT COALESCE(SUM(doctors), 0) AS n FROM doctor_listing_counts "
                         f"WHERE {' AND '.join(where)}", params))


def search_ids(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any,
               default_fee: Any, cap: int) -> list[int]:
    """Ids of every match (at most ``cap``), for orders computed outside SQL."""
    indexed, literal = _split_terms(terms)
    where, params = _filters(literal, specialty, city, max_fee, default_fee)
    if indexed:
        condition, words = _in_words(tx, indexed)
        where, params = [*where, condition], [*params, *words]
    rows = tx.query(f"SELECT d.doctor_id FROM doctor_info d WHERE {' AND '.join(where)} ORDER BY d.doctor_id LIMIT ?",
                    (*params, cap))
    return [int(r["doctor_id"]) for r in rows]


def summaries(tx: Tx, doctor_ids: list[int], default_fee: Any) -> list[dict[str, Any]]:
    """Search-result rows for these doctors (any order)."""
    if not doctor_ids:
        return []
    marks = ", ".join("?" for _ in doctor_ids)
    return tx.query(f"{_SUMMARY} FROM doctor_info d WHERE d.doctor_id IN ({marks})", (default_fee, *doctor_ids))


FACET_COLUMNS = {"specialty": "specialty", "city": "city"}


def facet_values(tx: Tx, column: str) -> list[str]:
    """The distinct specialties or cities of verified doctors, sorted: for the search filters."""
    name = FACET_COLUMNS[column]
    rows = tx.query(f"SELECT DISTINCT {name} AS value FROM doctor_info "
                    f"WHERE verification_status = 'verified' AND is_active = 1 ORDER BY {name}")
    return [str(r["value"]) for r in rows]
