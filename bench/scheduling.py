"""Slots, a patient's appointments and a doctor's schedule on the 100k dataset (1,000,000 appointments).

- ``open_slots_p95_ms_<backend>``: ``ml.appointments.open_slots(doctor, day)`` for 200 listed doctors
  with hours (the busiest one among them) on each of the next 14 days, 95th percentile.
- ``my_appointments_p95_ms_<backend>``: ``ml.appointments.mine(session, upcoming=...)`` (all, upcoming,
  past), first page as the appointments screen asks for it (21 rows: medlink/ui/my_appointments.py
  PAGE_SIZE + 1), for the 20 patients with the most appointments (about 500 each), 95th percentile;
  ``..._100_rows``: the same with the service's default page of 100 (what the first version measured).
- ``schedule_page_ms_<backend>_50k_doctor``, ``..._new_doctor`` and ``..._typical_doctor``: the
  doctor's schedule, first page, in every view of the schedule screen (today, upcoming, the past 30
  days, the whole past, completed ones) and the service's default (everything, 100 rows), for the
  doctor with 50,000 past appointments, a doctor verified yesterday with none, and one with 100-200;
  95th percentile of each. ``schedule_page_ratio_<backend>``: the busiest doctor over the typical one,
  whose pages are as full (1 = as fast: the cost does not grow with the history);
  ``..._vs_new_doctor``: over the new doctor, whose pages are empty (what is left is the cost of
  showing 50 rows instead of none).
- ``my_patients_page_ms_<backend>_50k_doctor`` / ``..._new_doctor``: ``ml.records.my_patients``, the
  doctor's patient list, first page (95th percentile): a list screen too.
- ``schedule_deep_page_ms_<backend>_50k_doctor``: the schedule 40,000 rows in (``offset``), median.

Every call is the whole service call a screen makes (each writes its audit row). Option ``--rounds``
(default 5).
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from collections.abc import Callable
from typing import Any

from bench import BenchEnv, median, percentile

TARGETS = {
    "open_slots_p95_ms_mysql": ("<=", 10.0),
    "my_appointments_p95_ms_mysql": ("<=", 10.0),
    "schedule_page_ratio_mysql": ("<=", 2.0),
}
SIZE = "100k"


def timed_ms(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def sample_doctors(ml: Any, heavy_id: int, count: int, seed: int = 3) -> list[int]:
    """``count`` listed doctors with weekly hours, the busiest one first."""
    with ml.db.transaction() as tx:
        rows = tx.query("SELECT DISTINCT a.doctor_id FROM doctor_availability a JOIN doctor_info d "
                        "ON d.doctor_id = a.doctor_id WHERE d.verification_status = 'verified' AND d.is_active = 1 "
                        "AND a.doctor_id <= ? ", (count * 20,))
    ids = [int(r["doctor_id"]) for r in rows if int(r["doctor_id"]) != heavy_id]
    return [heavy_id, *random.Random(seed).sample(ids, count - 1)]


def typical_doctor(ml: Any) -> str:
    """The e-mail of a doctor with a full first page but an ordinary history (100 to 200 appointments)."""
    with ml.db.transaction() as tx:
        row = tx.query_one("SELECT d.email FROM doctor_info d WHERE d.doctor_id IN (SELECT doctor_id FROM appointments "
                           "WHERE doctor_id BETWEEN 2 AND 3000 GROUP BY doctor_id HAVING COUNT(*) BETWEEN 100 AND 200) "
                           "ORDER BY d.doctor_id LIMIT 1")
    return str(row["email"])


def run_backend(env: BenchEnv, backend: str, rounds: int) -> dict[str, float]:
    from bench.generate import TODAY

    metrics: dict[str, float] = {}
    with env.open_dataset(backend, SIZE) as (ml, data):
        days = [TODAY + dt.timedelta(days=i) for i in range(14)]
        doctors = sample_doctors(ml, data.heavy_doctor_id, 200)
        for doctor_id in doctors[:20]:  # warm-up
            ml.appointments.open_slots(doctor_id, days[1])
        gc.collect()
        slots = [timed_ms(lambda d=doctor_id, day=day: ml.appointments.open_slots(d, day))
                 for doctor_id in doctors for day in days]
        metrics[f"open_slots_p95_ms_{backend}"] = round(percentile(slots, 95), 2)
        heavy_slots = slots[:len(days)]
        print(f"  {backend}: open_slots p95 {percentile(slots, 95):.2f} ms, median {median(slots):.2f} ms over "
              f"{len(slots)} calls; the busiest doctor's median {median(heavy_slots):.2f} ms", flush=True)

        patients = [ml.auth.login("patient", email, data.password) for email in data.frequent_patient_emails[:20]]
        for session in patients[:3]:
            ml.appointments.mine(session)
        gc.collect()
        for limit, suffix in ((21, ""), (100, "_100_rows")):
            mine = []
            for _ in range(rounds):
                for session in patients:
                    for upcoming in (None, True, False):
                        mine.append(timed_ms(lambda s=session, u=upcoming, n=limit: ml.appointments.mine(
                            s, upcoming=u, limit=n)))
            metrics[f"my_appointments_p95_ms_{backend}{suffix}"] = round(percentile(mine, 95), 2)
            print(f"  {backend}: my appointments, {limit} rows: p95 {percentile(mine, 95):.2f} ms, median "
                  f"{median(mine):.2f} ms over {len(mine)} calls", flush=True)

        heavy = ml.auth.login("doctor", data.heavy_doctor_email, data.password)
        new = ml.auth.login("doctor", data.new_doctor_email, data.password)
        typical = ml.auth.login("doctor", typical_doctor(ml), data.password)
        yesterday = TODAY - dt.timedelta(days=1)
        # The schedule screen's views (medlink/ui/doctor_schedule.py: 50 a page, one more to know if a
        # next page exists), and the service's default (everything from the first appointment, 100 rows).
        views: list[tuple[str, Callable[[Any], Any]]] = [
            ("today", lambda s: ml.appointments.schedule(s, start=TODAY, end=TODAY, limit=51)),
            ("upcoming", lambda s: ml.appointments.schedule(s, start=TODAY + dt.timedelta(days=1), limit=51)),
            ("past 30 days", lambda s: ml.appointments.schedule(s, start=TODAY - dt.timedelta(days=30), end=yesterday,
                                                                limit=51)),
            ("past, all", lambda s: ml.appointments.schedule(s, end=yesterday, limit=51)),
            ("completed", lambda s: ml.appointments.schedule(s, end=yesterday, status="completed", limit=51)),
            ("default", lambda s: ml.appointments.schedule(s)),
        ]
        for who, session in (("50k_doctor", heavy), ("new_doctor", new), ("typical_doctor", typical)):
            for _, view in views:
                view(session)
            gc.collect()
            times = [timed_ms(lambda v=view, s=session: v(s)) for _ in range(rounds * 4) for _, view in views]
            metrics[f"schedule_page_ms_{backend}_{who}"] = round(percentile(times, 95), 2)
            patients_times = [timed_ms(lambda s=session: ml.records.my_patients(s)) for _ in range(rounds * 2)]
            metrics[f"my_patients_page_ms_{backend}_{who}"] = round(percentile(patients_times, 95), 2)
            print(f"  {backend}: schedule first page, {who}: p95 {percentile(times, 95):.2f} ms "
                  f"(median {median(times):.2f}); patient list p95 {percentile(patients_times, 95):.2f} ms", flush=True)
        page = {who: metrics[f"schedule_page_ms_{backend}_{who}"]
                for who in ("50k_doctor", "typical_doctor", "new_doctor")}
        metrics[f"schedule_page_ratio_{backend}"] = round(page["50k_doctor"] / page["typical_doctor"], 2)
        metrics[f"schedule_page_ratio_{backend}_vs_new_doctor"] = round(page["50k_doctor"] / page["new_doctor"], 2)
        deep = [timed_ms(lambda: ml.appointments.schedule(heavy, offset=40_000)) for _ in range(rounds)]
        metrics[f"schedule_deep_page_ms_{backend}_50k_doctor"] = round(median(deep), 2)
        print(f"  {backend}: schedule 40,000 rows in: median {median(deep):.2f} ms", flush=True)
    return metrics


def run(env: BenchEnv) -> dict[str, float]:
    rounds = int(env.option("rounds", 5))
    metrics: dict[str, float] = {}
    for backend in env.backends:
        metrics.update(run_backend(env, backend, rounds))
    return metrics
