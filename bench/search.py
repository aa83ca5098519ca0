"""Finding a doctor at clinic-network scale: ``ml.doctors.search`` on the 1k, 10k and 100k datasets.

- ``search_p95_ms_<backend>_<size>``: the 95th percentile of one search, first page (20 doctors, as
  the Find-a-doctor screen asks for them: medlink/ui/find_doctor.py PAGE_SIZE; default order: by
  name), over a mix of what patients ask. Twelve kinds, equally often, each with
  values drawn afresh every round: no filter at all (the screen as it opens), a specialty, a city,
  both, a highest fee, a fee and a specialty, and free text: a surname, a hospital's name, a
  specialty's stem ("cardio"), two words (surname and stem), a surname within a city, and a word
  found in most hospital names ("hospital", "clinic"). The slowest kinds are printed too.
- ``search_growth_<backend>``: p95 at 100k over p95 at 1k.
- ``search_p95_ms_<backend>_100k_50_rows``: the same mix with pages of 50 (the service's default
  ``limit``, what the first version of this benchmark measured).
- ``search_p95_ms_<backend>_<size>_no_common_word`` and ``search_growth_<backend>_no_common_word``: the
  same without the one kind whose exact total must count tens of thousands of matches (a word in most
  hospital names or qualifications): to show where the rest of the mix stands (docs/PERFORMANCE.md).
- ``search_dao_over_raw_<backend>``: the same searches through MedLink's service against the bare
  driver (``sqlite3`` / ``mysql.connector``, tuples, no conversion) running exactly the SQL the
  service ran (captured from the service's own run), inside one transaction as well: the floor. The
  ratio of the summed medians, on the 100k dataset.

Options: ``--rounds`` (default 25: every kind 25 times, after one round of warm-up).
"""

from __future__ import annotations

import gc
import random
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bench import BenchEnv, median, percentile

TARGETS = {
    "search_p95_ms_sqlite_100k": ("<=", 15.0),
    "search_p95_ms_mysql_100k": ("<=", 15.0),
    "search_growth_sqlite": ("<=", 2.0),
    "search_growth_mysql": ("<=", 2.0),
    "search_dao_over_raw_sqlite": ("<=", 1.3),
    "search_dao_over_raw_mysql": ("<=", 1.3),
}
SIZES = ("1k", "10k", "100k")
STEMS = ("cardio", "derma", "pediatric", "ortho", "gynec", "neuro", "psychia", "dental", "ent", "ophthal",
         "physio", "ayurved", "homeo", "gastro", "uro", "diabet")
BROAD = ("hospital", "clinic", "mbbs")
COMMON = "text: common word"


PAGE = 20  # medlink/ui/find_doctor.py PAGE_SIZE: the first page a patient sees


def query_mix(rng: random.Random, limit: int = PAGE) -> list[tuple[str, dict[str, Any]]]:
    """One of each kind of search, with fresh values."""
    from bench.generate import CITIES, HOSPITAL_NAMES, SPECIALTIES, SURNAMES, Picker

    specialty = Picker([s[0] for s in SPECIALTIES], [s[1] for s in SPECIALTIES], rng)()
    city = Picker([c for c, _ in CITIES], [w for _, w in CITIES], rng)()
    surname = rng.choice(SURNAMES).lower()
    hospital = rng.choice(HOSPITAL_NAMES).split()[0].lower().rstrip("'s.")
    fee = rng.choice((300, 500, 700, 1000))
    return [(kind, {**query, "limit": limit}) for kind, query in [
        ("no filter", {}),
        ("specialty", {"specialty": specialty}),
        ("city", {"city": city}),
        ("specialty+city", {"specialty": specialty, "city": city}),
        ("fee", {"max_fee": fee}),
        ("fee+specialty", {"max_fee": fee, "specialty": specialty}),
        ("text: surname", {"text": surname}),
        ("text: hospital", {"text": hospital}),
        ("text: specialty stem", {"text": rng.choice(STEMS)}),
        ("text: two words", {"text": f"{surname} {rng.choice(STEMS)}"}),
        ("text+city", {"text": surname, "city": city}),
        (COMMON, {"text": rng.choice(BROAD)}),
    ]]


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(ml: Any, rounds: int, seed: int = 7, limit: int = PAGE) -> dict[str, list[float]]:
    """Seconds per search, by kind."""
    rng = random.Random(seed)
    for _ in range(2):
        for _, query in query_mix(random.Random(seed - 1), limit):  # warm-up: caches, statements, imports
            ml.doctors.search(**query)
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        gc.collect()
        for kind, query in query_mix(rng, limit):
            times[kind].append(timed(lambda q=query: ml.doctors.search(**q)))
    return times


# --- the bare driver ---------------------------------------------------------------------------------

def capture(ml: Any, query: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements (portable SQL, parameters) the service runs for one search."""
    dialect = ml.db.dialect
    seen: list[tuple[str, tuple[Any, ...]]] = []
    original = dialect.execute

    def recording(cursor: Any, sql: str, params: Any) -> None:
        seen.append((sql, tuple(params)))
        original(cursor, sql, params)

    dialect.execute = recording
    try:
        ml.doctors.search(**query)
    finally:
        del dialect.execute  # back to the class's method
    return seen


class RawDriver:
    """The same statements through the driver alone: plain cursors, tuples, one transaction."""

    def __init__(self, backend: str, url: str) -> None:
        self.backend = backend
        if backend == "sqlite":
            self.conn = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None, check_same_thread=False)
        else:
            import mysql.connector

            parts = urlsplit(url)
            self.conn = mysql.connector.connect(host=parts.hostname, port=parts.port or 3306,
                                                user=parts.username or "root", password=parts.password or "",
                                                database=parts.path.lstrip("/"), charset="utf8mb4",
                                                collation="utf8mb4_unicode_ci", autocommit=True)

    def prepare(self, statements: list[tuple[str, tuple[Any, ...]]]) -> list[tuple[str, tuple[Any, ...]]]:
        if self.backend == "sqlite":
            return statements
        return [(sql.replace("%", "%%").replace("?", "%s"), params) for sql, params in statements]

    def run(self, statements: list[tuple[str, tuple[Any, ...]]]) -> int:
        rows = 0
        if self.backend == "sqlite":
            cur = self.conn.cursor()
            cur.execute("BEGIN")
            for sql, params in statements:
                cur.execute(sql, params)
                rows += len(cur.fetchall())
            cur.execute("COMMIT")
        else:
            self.conn.start_transaction()
            cur = self.conn.cursor()
            for sql, params in statements:
                cur.execute(sql, params or None)
                rows += len(cur.fetchall())
            cur.close()
            self.conn.commit()
        return rows

    def close(self) -> None:
        self.conn.close()


def overhead(ml: Any, url: str, backend: str, rounds: int, seed: int = 11) -> tuple[float, dict[str, float]]:
    """Summed median service time over summed median raw time, for one of each kind of search."""
    queries = query_mix(random.Random(seed))
    raw = RawDriver(backend, url)
    try:
        plans = [raw.prepare(capture(ml, query)) for _, query in queries]
        for plan in plans:
            raw.run(plan)
        service: dict[str, list[float]] = defaultdict(list)
        bare: dict[str, list[float]] = defaultdict(list)
        for _ in range(rounds):
            gc.collect()
            for (kind, query), plan in zip(queries, plans, strict=True):
                service[kind].append(timed(lambda q=query: ml.doctors.search(**q)))
                bare[kind].append(timed(lambda p=plan: raw.run(p)))
    finally:
        raw.close()
    by_kind = {k: median(service[k]) / median(bare[k]) for k in service}
    return sum(median(v) for v in service.values()) / sum(median(v) for v in bare.values()), by_kind


def run(env: BenchEnv) -> dict[str, float]:
    rounds = int(env.option("rounds", 25))
    metrics: dict[str, float] = {}
    for backend in env.backends:
        for size in SIZES:
            with env.open_dataset(backend, size) as (ml, data):
                times = measure(ml, rounds)
                every = [t for ts in times.values() for t in ts]
                p95 = percentile(every, 95) * 1000
                metrics[f"search_p95_ms_{backend}_{size}"] = round(p95, 2)
                metrics[f"search_median_ms_{backend}_{size}"] = round(median(every) * 1000, 2)
                rest = [t for kind, ts in times.items() if kind != COMMON for t in ts]
                metrics[f"search_p95_ms_{backend}_{size}_no_common_word"] = round(percentile(rest, 95) * 1000, 2)
                slowest = sorted(times.items(), key=lambda kv: -percentile(kv[1], 95))[:4]
                print(f"  {backend} {size}: p95 {p95:.1f} ms, median {median(every) * 1000:.1f} ms over {len(every)} "
                      "searches; slowest kinds (p95): " + ", ".join(f"{k} {percentile(v, 95) * 1000:.1f}"
                                                                    for k, v in slowest), flush=True)
                if size == "100k":
                    print(f"  {backend} 100k, p95 by kind: " + ", ".join(
                        f"{k} {percentile(v, 95) * 1000:.1f}" for k, v in times.items()), flush=True)
                    wide = measure(ml, max(5, rounds // 2), seed=8, limit=50)
                    wide_p95 = percentile([t for ts in wide.values() for t in ts], 95) * 1000
                    metrics[f"search_p95_ms_{backend}_100k_50_rows"] = round(wide_p95, 2)
                    print(f"  {backend} 100k, pages of 50: p95 {wide_p95:.1f} ms", flush=True)
                    ratio, by_kind = overhead(ml, data.url, backend, max(5, rounds // 2))
                    metrics[f"search_dao_over_raw_{backend}"] = round(ratio, 2)
                    worst = sorted(by_kind.items(), key=lambda kv: -kv[1])[:3]
                    print(f"  {backend} 100k: service over bare driver {ratio:.2f}; highest: "
                          + ", ".join(f"{k} {r:.2f}" for k, r in worst), flush=True)
        metrics[f"search_growth_{backend}"] = round(
            metrics[f"search_p95_ms_{backend}_100k"] / metrics[f"search_p95_ms_{backend}_1k"], 2)
        rest = [metrics[f"search_p95_ms_{backend}_{size}_no_common_word"] for size in ("100k", "1k")]
        metrics[f"search_growth_{backend}_no_common_word"] = round(rest[0] / rest[1], 2)
    return metrics
