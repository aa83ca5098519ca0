"""doctor_info: doctors, their public profile, fees and verification state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from medlink.db import Tx
from medlink.db.words import MAX_WORD, fold, query_words, required_bits

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
# Free text, at scale (issue 8). Every word of the text must match somewhere in the name, specialty,
# hospital or qualifications. A word of letters and digits (medlink/db/words.py) matches the start of
# a word there, ignoring case and accents: "cardio" finds "Cardiology", "dch" finds "DCH". Any other
# text ("100%", "md_d", "o'brien") is matched anywhere with LIKE, its pattern characters taken literally.
#
# The index is the table doctor_search_terms (sql/*/004_search_words_in_name_order.sql): one row per
# word of each listed doctor, with the doctor's name, specialty, city and fee, kept by triggers, and
# indexed by (word, name), (word, city, name) and (word, specialty, name). A word typed by a patient
# starts a few distinct words of the index ("cardio": cardiology, cardiologist, cardiothoracic): each
# of them lists its doctors in name order already, so the first page is the first rows of a few such
# lists, merged; no search gathers and sorts every match. The other words of the text are checked per
# doctor, through (doctor_id, word), on the list of the word with the fewest rows.
WORDS_CAP = 24  # a word starting more distinct words than this is looked up another way (below)
FEW_ROWS = 2000  # a word with fewer rows than this has its matches gathered and sorted when need be
TOTAL_CAP = 1000  # a search of words counts its matches up to this; beyond, "more than 1,000"


@dataclass(frozen=True)
class WordPlan:
    """How a search's words are looked up: ``driver`` is the word whose rows are read (the one with
    the fewest), ``expansions`` the distinct indexed words it starts (None: more than WORDS_CAP),
    ``others`` the words checked per doctor, with ``other_expansions`` (None: more than WORDS_CAP),
    ``literal`` the text matched with LIKE, ``driver_rows`` the driver's rows counted up to FEW_ROWS."""

    driver: str | None
    expansions: tuple[str, ...] | None
    others: tuple[str, ...]
    literal: tuple[str, ...]
    driver_rows: int
    other_expansions: tuple[tuple[str, ...] | None, ...] = ()

    @property
    def way(self) -> str:
        """"lists" (merge the first rows of each expansion's list), "gather" (every match, sorted,
        counted) or "walk" (listed doctors in name order, each checked for the words)."""
        if self.driver is None:
            return "walk"
        if self.driver_rows < FEW_ROWS and (self.others or self.expansions is None):
            return "gather"  # every match read once: its page and its count from one statement
        return "lists" if self.expansions is not None else "walk"


def _word_prefix(term: str) -> str:
    """A LIKE pattern matching text that starts with ``term``, its pattern characters escaped (escape '!')."""
    return term.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _like(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere."""
    return "%" + _word_prefix(term)


def _starts(tx: Tx, column: str, word: str) -> tuple[str, list[Any]]:
    """``column`` holds a word starting with ``word`` (folded): a range of the index on both backends.
    SQLite compares the folded words byte by byte; MySQL's collation ignores case and accents."""
    return tx.per_dialect(sqlite=(f"{column} >= ? AND {column} < ?", [word, word + "\U0010ffff"]),
                          mysql=(f"{column} LIKE ? ESCAPE '!'", [_word_prefix(word)]))


def _literal_conditions(literal: tuple[str, ...] | list[str], alias: str = "d") -> tuple[list[str], list[Any]]:
    where, params = [], []
    for term in literal:
        where.append(f"({alias}.name LIKE ? ESCAPE '!' OR {alias}.specialty LIKE ? ESCAPE '!' "
                     f"OR {alias}.hospital LIKE ? ESCAPE '!' OR {alias}.qualifications LIKE ? ESCAPE '!')")
        params.extend([_like(term)] * 4)
    return where, params


def _filters(literal: tuple[str, ...] | list[str], specialty: str | None, city: str | None, max_fee: Any,
             default_fee: Any) -> tuple[list[str], list[Any]]:
    """Conditions on ``doctor_info d`` besides the indexed words."""
    where, params = _literal_conditions(literal)
    more, values = _narrowing("d", specialty, city, max_fee, default_fee)
    return [LISTED, *where, *more], params + values


def _narrowing(alias: str, specialty: str | None, city: str | None, max_fee: Any,
               default_fee: Any) -> tuple[list[str], list[Any]]:
    """The specialty, city and highest-fee filters on table ``alias`` (doctor_info, or the words)."""
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


def _has_word(tx: Tx, n: int, owner: str, word: str, expansions: tuple[str, ...] | None,
              probe: bool = False) -> tuple[str, list[Any]]:
    """The doctor ``owner`` (an id column) has a word starting with ``word``: on SQLite a seek of the
    primary key (term, doctor_id) per word it starts (``expansions``), else a range of (doctor_id, term).
    Without ``probe``, EXISTS: MariaDB then chooses between probing for each row and gathering the
    word's rows once (cheaper for 1,300 rows against a word with 7,800). With ``probe``, a scalar
    subquery with LIMIT, which is always a probe per row: for walking the listed doctors until a page
    is full (gathering "a" first would read 1.3 million index entries), and for rows the signatures
    have already thinned (130 seeks beat gathering 7,800 rows)."""
    # MariaDB probes through (doctor_id, term) only: with the primary key it reads the word's whole range
    # for each doctor, the doctor's id being no part of a range it can build per row.
    if expansions is not None:
        condition, params = f"x{n}.term IN ({', '.join('?' for _ in expansions)})", list(expansions)
        index = tx.per_dialect(sqlite="", mysql=" FORCE INDEX (ix_search_terms_doctor)")
    else:
        condition, params = _starts(tx, f"x{n}.term", word)
        index = tx.per_dialect(sqlite=" INDEXED BY ix_search_terms_doctor",
                               mysql=" FORCE INDEX (ix_search_terms_doctor)")
    rows = f"FROM doctor_search_terms x{n}{index if probe else ''} WHERE x{n}.doctor_id = {owner} AND {condition}"
    if probe:
        return f"(SELECT 1 {rows} LIMIT 1) = 1", params
    return f"EXISTS (SELECT 1 {rows})", params


def word_plan(tx: Tx, terms: list[str]) -> WordPlan:
    """Decide how ``terms`` are looked up: one short statement (two for a word that starts very many
    words), whatever the directory's size."""
    indexed = query_words(terms)
    literal = tuple(t for t in terms if fold(t)[:MAX_WORD] not in indexed)
    if not indexed:
        return WordPlan(None, None, (), literal, 0)
    # One statement: the distinct indexed words each word starts and, with several words, each one's
    # rows counted up to FEW_ROWS: the one with the fewest drives.
    found, counted = _expand(tx, indexed, count=len(indexed) > 1)
    rows = FEW_ROWS  # the driver's rows, counted only when the way depends on it
    driver = indexed[0]
    if counted:
        rows = min(counted)
        driver = indexed[counted.index(rows)]
    if () in found or rows == 0:  # a word nobody has
        return WordPlan(driver, (), (), literal, 0)
    expansions = found[indexed.index(driver)]
    if expansions is None and len(indexed) == 1:
        rows = int(tx.scalar(*_rows_of(tx, driver)))
    others = tuple(w for w in indexed if w != driver)
    return WordPlan(driver, expansions, others, literal, rows, tuple(found[indexed.index(w)] for w in others))


def _expand(tx: Tx, words: list[str], count: bool) -> tuple[list[tuple[str, ...] | None], list[int]]:
    """The distinct indexed words each of ``words`` starts (None: more than WORDS_CAP), by a loose
    scan of the index: one seek per word found (SQLite by a recursive query; MariaDB does it for
    DISTINCT on its own, "Using index for group-by"); with ``count``, each word's rows up to FEW_ROWS.
    One statement."""
    parts, params = [], []
    for n, word in enumerate(words):
        starts, values = _starts(tx, "t.term", word)
        if tx.per_dialect(sqlite=True, mysql=False):
            parts.append(
                f"SELECT {n} AS w, term, NULL AS n FROM (WITH RECURSIVE found (term, k) AS ("
                f" SELECT (SELECT t.term FROM doctor_search_terms t WHERE {starts} ORDER BY t.term LIMIT 1), 1"
                " UNION ALL"
                f" SELECT (SELECT t.term FROM doctor_search_terms t WHERE t.term > f.term AND {starts}"
                " ORDER BY t.term LIMIT 1), f.k + 1 FROM found f WHERE f.term IS NOT NULL AND f.k <= ?)"
                " SELECT term FROM found WHERE term IS NOT NULL)")
            params.extend([*values, *values, WORDS_CAP])
        else:
            parts.append(f"SELECT {n} AS w, term, NULL AS n FROM (SELECT DISTINCT t.term FROM doctor_search_terms t "
                         f"WHERE {starts} LIMIT ?) AS e{n}")
            params.extend([*values, WORDS_CAP + 1])
        if count:
            rows_sql, values = _rows_of(tx, word)
            parts.append(f"SELECT {n} AS w, NULL AS term, ({rows_sql}) AS n")
            params.extend(values)
    found: list[list[str]] = [[] for _ in words]
    counted = [0] * len(words) if count else []
    for r in tx.query(" UNION ALL ".join(parts), params):
        if r["term"] is None:
            counted[int(r["w"])] = int(r["n"])
        else:
            found[int(r["w"])].append(str(r["term"]))
    return [tuple(f) if len(f) <= WORDS_CAP else None for f in found], counted


def _rows_of(tx: Tx, word: str) -> tuple[str, list[Any]]:
    """A statement giving the index rows of words starting with ``word``, up to FEW_ROWS, from the
    counts the triggers keep per word (sql/*/006_search_word_counts.sql)."""
    starts, params = _starts(tx, "t.term", word)
    least = tx.per_dialect(sqlite="MIN", mysql="LEAST")
    return f"SELECT {least}(COALESCE(SUM(t.doctors), 0), {FEW_ROWS}) AS n FROM doctor_search_words t WHERE {starts}", \
        params


def _words_source(tx: Tx, specialty: str | None, city: str | None) -> str:
    """The words read through the index that fits the filters (each has the name order after them)."""
    index = "ix_search_terms_city" if city else "ix_search_terms_specialty" if specialty else "ix_search_terms_name"
    return tx.per_dialect(sqlite=f"doctor_search_terms s INDEXED BY {index}",
                          mysql=f"doctor_search_terms s FORCE INDEX ({index})")


def _word_rows(tx: Tx, plan: WordPlan, term_condition: str, term_params: list[Any], specialty: str | None,
               city: str | None, max_fee: Any, default_fee: Any) -> tuple[str, list[Any]]:
    """FROM and WHERE over the driver's rows that pass the filters and have the other words."""
    where, params = [term_condition], list(term_params)
    more, values = _narrowing("s", specialty, city, max_fee, default_fee)
    where, params = where + more, params + values
    bits = 0  # what a doctor's signature must hold to have the other words (medlink/db/words.py)
    for word in plan.others:
        bits |= required_bits(word)
    if bits:  # most doctors without them are passed over here, from the index, before any seek
        where.append("(s.signature & ?) = ?")
        params.extend([bits, bits])
    for n, (word, expansions) in enumerate(zip(plan.others, plan.other_expansions, strict=True)):
        condition, values = _has_word(tx, n, "s.doctor_id", word, expansions, probe=bits != 0)
        where.append(condition)
        params.extend(values)
    source = _words_source(tx, specialty, city)
    if plan.literal:
        source += " CROSS JOIN doctor_info d ON d.doctor_id = s.doctor_id"
        conditions, values = _literal_conditions(plan.literal)
        where, params = where + conditions, params + values
    return f"{source} WHERE {' AND '.join(where)}", params


def _page_of_words(tx: Tx, plan: WordPlan, way: str, specialty: str | None, city: str | None, max_fee: Any,
                   default_fee: Any, limit: int, offset: int) -> tuple[str, list[Any]]:
    """A statement giving the page's (doctor_id, name) in name order, the way "lists" or "gather"."""
    if way == "gather":
        starts, values = _starts(tx, "s.term", plan.driver or "")
        rows, params = _word_rows(tx, plan, starts, values, specialty, city, max_fee, default_fee)
        return (f"SELECT s.doctor_id, s.name, COUNT(*) OVER () AS matches FROM {rows} GROUP BY s.doctor_id, s.name "
                "ORDER BY s.name, s.doctor_id LIMIT ? OFFSET ?", [*params, limit, offset])
    if plan.expansions is None:
        raise ValueError("the way 'lists' needs a word that starts few words")
    selects = [_word_rows(tx, plan, "s.term = ?", [term], specialty, city, max_fee, default_fee)
               for term in plan.expansions]
    if len(selects) == 1:  # one list: its first rows are the page
        rows, params = selects[0]
        return f"SELECT s.doctor_id, s.name FROM {rows} ORDER BY s.name, s.doctor_id LIMIT ? OFFSET ?", \
            [*params, limit, offset]
    lists, params = [], []
    for n, (rows, values) in enumerate(selects):  # each list's first rows, merged
        lists.append(f"SELECT doctor_id, name FROM (SELECT s.doctor_id, s.name FROM {rows} "
                     f"ORDER BY s.name, s.doctor_id LIMIT ?) AS l{n}")
        params.extend([*values, offset + limit])
    by_name = tx.per_dialect(sqlite="name COLLATE NOCASE, doctor_id", mysql="name, doctor_id")
    return f"{' UNION '.join(lists)} ORDER BY {by_name} LIMIT ? OFFSET ?", [*params, limit, offset]


def _in_words(tx: Tx, words: list[str] | tuple[str, ...]) -> tuple[list[str], list[Any]]:
    """Conditions on ``d``: among the doctors with each word (every match gathered: other orders)."""
    where, params = [], []
    for n, word in enumerate(words):
        starts, values = _starts(tx, f"w{n}.term", word)
        where.append(f"d.doctor_id IN (SELECT w{n}.doctor_id FROM doctor_search_terms w{n} WHERE {starts})")
        params.extend(values)
    return where, params


def _walk_listed(tx: Tx, specialty: str | None, city: str | None) -> str:
    """``doctor_info d`` read through the index of listed doctors in name order that fits the filters.
    Named, not left to the planner: without statistics SQLite prefers any index with an equality on
    the state (verified) to a partial index that already holds only listed doctors in order."""
    index = ("ix_doctor_listed_specialty_city" if specialty and city else "ix_doctor_listed_specialty" if specialty
             else "ix_doctor_listed_city" if city else "ix_doctor_listed_name")
    return tx.per_dialect(sqlite=f"doctor_info d INDEXED BY {index}", mysql=f"doctor_info d FORCE INDEX ({index})")


def search(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any, default_fee: Any,
           order: str = "name", limit: int = 50, offset: int = 0, plan: WordPlan | None = None,
           way: str | None = None) -> list[dict[str, Any]]:
    """Verified, active doctors matching every term (in name, specialty, hospital or
    qualifications) and the filters; ``order`` is a key of ``SEARCH_ORDERS``. Each row has
    ``fee_in_force``: the consultation fee, or ``default_fee`` for a doctor who set none.
    ``plan`` is ``word_plan(tx, terms)`` if already made; ``way`` forces a way (tests compare them).
    Rows found the way "gather" also carry ``matches``: the number of doctors found in all."""
    order_by = SEARCH_ORDERS[order]
    plan = plan or word_plan(tx, terms)
    words = [w for w in (plan.driver, *plan.others) if w]
    if plan.driver is not None and plan.expansions == ():  # a word nobody has
        return []
    way = way or plan.way
    if order == "name" and words and way in ("lists", "gather"):
        page, params = _page_of_words(tx, plan, way, specialty, city, max_fee, default_fee, limit, offset)
        matches = ", pg.matches" if way == "gather" else ""  # how many in all, on every row
        return tx.query(f"{_SUMMARY}{matches} FROM ({page}) AS pg CROSS JOIN doctor_info d "
                        f"ON d.doctor_id = pg.doctor_id WHERE {LISTED} ORDER BY {order_by}", (default_fee, *params))
    where, params = _filters(plan.literal, specialty, city, max_fee, default_fee)
    if order == "name":  # walk the listed doctors in name order, checking each one's words; stop at the page's end
        for n, (word, expansions) in enumerate(zip(words, (plan.expansions, *plan.other_expansions), strict=False)):
            condition, values = _has_word(tx, n, "d.doctor_id", word, expansions, probe=True)
            where, params = [*where, condition], [*params, *values]
    else:  # other orders sort every match
        conditions, values = _in_words(tx, words)
        where, params = where + conditions, params + values
    return tx.query(f"{_SUMMARY} FROM {_walk_listed(tx, specialty, city)} WHERE {' AND '.join(where)} "
                    f"ORDER BY {order_by} LIMIT ? OFFSET ?", (default_fee, *params, limit, offset))


def search_count(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any,
                 default_fee: Any, plan: WordPlan | None = None, cap: int | None = None) -> int:
    """How many doctors ``search`` finds; with ``cap``, counting stops there (a search of words finds
    up to every doctor: its total is shown as "more than ..." past a cap)."""
    plan = plan or word_plan(tx, terms)
    if plan.driver is None and not plan.literal:
        return listing_count(tx, specialty=specialty, city=city, max_fee=max_fee, default_fee=default_fee)
    limit = "" if cap is None else f" LIMIT {int(cap)}"
    if plan.driver is None:  # text matched with LIKE only
        where, params = _filters(plan.literal, specialty, city, max_fee, default_fee)
        return int(tx.scalar(f"SELECT COUNT(*) AS n FROM (SELECT d.doctor_id FROM {_walk_listed(tx, specialty, city)} "
                             f"WHERE {' AND '.join(where)}{limit}) AS c", params))
    if plan.expansions == ():
        return 0
    if plan.expansions is not None:
        term_condition = f"s.term IN ({', '.join('?' for _ in plan.expansions)})"
        term_params: list[Any] = list(plan.expansions)
    else:
        term_condition, term_params = _starts(tx, "s.term", plan.driver)
    rows, params = _word_rows(tx, plan, term_condition, term_params, specialty, city, max_fee, default_fee)
    # One indexed word holds each doctor once; several may hold one doctor twice ("cardiology", "cardiologist").
    distinct = "" if plan.expansions is not None and len(plan.expansions) == 1 and not plan.literal else "DISTINCT "
    return int(tx.scalar(f"SELECT COUNT(*) AS n FROM (SELECT {distinct}s.doctor_id FROM {rows}{limit}) AS c", params))


def search_ids(tx: Tx, *, terms: list[str], specialty: str | None, city: str | None, max_fee: Any,
               default_fee: Any, cap: int, plan: WordPlan | None = None) -> list[int]:
    """Ids of every match (at most ``cap``), for orders computed outside SQL."""
    plan = plan or word_plan(tx, terms)
    where, params = _filters(plan.literal, specialty, city, max_fee, default_fee)
    conditions, values = _in_words(tx, [w for w in (plan.driver, *plan.others) if w])
    rows = tx.query(f"SELECT d.doctor_id FROM doctor_info d WHERE {' AND '.join(where + conditions)} "
                    "ORDER BY d.doctor_id LIMIT ?", (*params, *values, cap))
    return [int(r["doctor_id"]) for r in rows]


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
