"""Eight desktops booking at once on MariaDB, on the 100k dataset (1,000,000 appointments).

- ``bookings_per_s_mysql_8_clients``: eight threads, each with its own ``MedLink`` (its own connection)
  and its own patient, book distinct slots of the same eight doctors as fast as they can: slot by
  slot each thread takes a different doctor, so every doctor is booked from all eight at once. The
  whole ``ml.appointments.book`` path (checks, insert, outbox mail, audit row, commit). Rate = all
  bookings over the wall time from a common start to the last one done.
- ``double_bookings_mysql``: live appointments sharing a doctor's slot, counted over the whole table
  afterwards (must be 0), plus any booking of the run that failed.
- ``booking_race_errors_mysql``: then the eight race for the same 20 slots; slots not won by exactly
  one of them, plus errors other than ConflictError (must be 0: the unique index decides).

Everything booked is removed afterwards. Options: ``--bookings`` (per client, default 60); ``--profile``
prints a cProfile report of the eight clients' timed work (the profiler slows the run: the rate of a
profiled run is not the metric). The run also prints the statements the server received per booking
(its ``Questions`` counter on each client's connection, BEGIN and COMMIT included).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import threading
import time
from typing import Any

from bench import BenchEnv

TARGETS = {
    "bookings_per_s_mysql_8_clients": (">=", 300.0),
    "double_bookings_mysql": ("<=", 0.0),
    "booking_race_errors_mysql": ("<=", 0.0),
}
CLIENTS = 8
SIZE = "100k"
FIRST_DAY = 70  # days after the dataset's "today": beyond every generated booking


def questions(core: Any) -> int:
    """Statements the server has received on this thread's connection of ``core`` (one more: this)."""
    with core.db.transaction() as tx:
        return int(tx.query_one("SHOW SESSION STATUS LIKE 'Questions'")["Value"])


def plan(ml: Any, count: int) -> tuple[list[int], list[tuple[dt.date, str]]]:
    """Eight listed doctors with the same timetable and slot length, and ``count`` (day, time) slots
    open for all of them."""
    from bench.generate import TODAY
    from medlink.services.scheduling import hhmm, slot_grid

    with ml.db.transaction() as tx:
        rows = tx.query("SELECT d.doctor_id FROM doctor_info d WHERE d.verification_status = 'verified' "
                        "AND d.is_active = 1 AND d.slot_minutes = 15 AND d.doctor_id > 1000 AND EXISTS "
                        "(SELECT 1 FROM doctor_availability a WHERE a.doctor_id = d.doctor_id AND a.weekday = 0 "
                        "AND a.start_time = '10:00:00' AND a.end_time = '13:00:00') ORDER BY d.doctor_id LIMIT 200")
    by_hours: dict[tuple, list[int]] = {}
    for r in rows:
        hours = ml.doctors.availability(int(r["doctor_id"]))
        by_hours.setdefault((tuple(hours.ranges), hours.slot_minutes), []).append(int(r["doctor_id"]))
    (ranges, slot), doctors = max(by_hours.items(), key=lambda kv: len(kv[1]))
    doctors = doctors[:CLIENTS]
    if len(doctors) < CLIENTS:
        raise RuntimeError("not enough doctors with the same hours")
    slots: list[tuple[dt.date, str]] = []
    day = TODAY + dt.timedelta(days=FIRST_DAY)
    while len(slots) < count:
        todays = [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for w, a, b in ranges if w == day.weekday()]
        slots += [(day, hhmm(t)) for t in slot_grid(todays, slot)]
        day += dt.timedelta(days=1)
    return doctors, slots[:count]


def run(env: BenchEnv) -> dict[str, float]:
    if "mysql" not in env.backends:
        env.notes.append("bookings: MariaDB not measured")
        return {}
    from bench.generate import NOW_UTC
    from medlink.core import MedLink
    from medlink.errors import ConflictError
    from medlink.services.clock import FixedClock

    per_client = int(env.option("bookings", 60))
    profile = bool(env.option("profile", False))
    metrics: dict[str, float] = {}
    with env.open_dataset("mysql", SIZE) as (ml, data):
        doctors, slots = plan(ml, per_client + 20)
        timed_slots, race_slots = slots[:per_client], slots[per_client:]
        with ml.db.transaction() as tx:
            rows = tx.query("SELECT email FROM patient_info WHERE patient_id > ? ORDER BY patient_id LIMIT ?",
                            (len(data.frequent_patient_ids) + 1000, CLIENTS))
        cores = [MedLink(ml.settings, clock=FixedClock(NOW_UTC)) for _ in range(CLIENTS)]
        try:
            sessions = [core.auth.login("patient", r["email"], data.password)
                        for core, r in zip(cores, rows, strict=True)]
            failures: list[BaseException] = []
            done = [0] * CLIENTS
            statements = [0] * CLIENTS
            profilers = [cProfile.Profile() if profile else None for _ in range(CLIENTS)]
            start = threading.Barrier(CLIENTS + 1)

            def client(i: int) -> None:
                core, session, profiler = cores[i], sessions[i], profilers[i]
                before = questions(core)
                start.wait()
                if profiler:
                    profiler.enable()
                for j, (day, hhmm) in enumerate(timed_slots):
                    try:
                        core.appointments.book(session, doctor_id=doctors[(i + j) % CLIENTS], date=day, time=hhmm,
                                               mode="online" if j % 3 == 0 else "offline", reason="Bench booking")
                        done[i] += 1
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        failures.append(exc)
                if profiler:
                    profiler.disable()
                statements[i] = questions(core) - before - 2  # the two SHOW STATUS and their BEGIN/COMMIT

            threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
            for t in threads:
                t.start()
            start.wait()
            began = time.perf_counter()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - began
            booked = sum(done)
            rate = booked / elapsed
            print(f"  {booked} bookings by {CLIENTS} clients in {elapsed:.2f} s: {rate:.0f}/s; failures: "
                  f"{len(failures)} {sorted({type(f).__name__ for f in failures})}; "
                  f"{sum(statements) / max(booked, 1):.1f} statements per booking", flush=True)
            if profile:
                report = io.StringIO()
                stats = pstats.Stats(*[p for p in profilers if p], stream=report)
                stats.sort_stats("tottime").print_stats(25)
                print(f"\n--- cProfile of the {CLIENTS} clients' {booked} bookings, by own time (summed over the "
                      f"threads; the profiler slows the run) ---\n{report.getvalue()}", flush=True)

            winners = [0] * len(race_slots)
            race_errors: list[BaseException] = []
            race = threading.Barrier(CLIENTS)

            def racer(i: int) -> None:
                core, session = cores[i], sessions[i]
                race.wait()
                for k, (day, hhmm) in enumerate(race_slots):
                    try:
                        core.appointments.book(session, doctor_id=doctors[0], date=day, time=hhmm)
                        winners[k] += 1
                    except ConflictError:
                        pass
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        race_errors.append(exc)

            threads = [threading.Thread(target=racer, args=(i,)) for i in range(CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            for core in cores:
                core.close()
        with ml.db.transaction() as tx:
            doubled = int(tx.scalar("SELECT COUNT(*) AS n FROM (SELECT doctor_id, appointment_date, appointment_time "
                                    "FROM appointments WHERE status = 'booked' GROUP BY doctor_id, appointment_date, "
                                    "appointment_time HAVING COUNT(*) > 1) AS twice"))
        print(f"  double bookings in the table afterwards: {doubled}; race for {len(race_slots)} slots: winners per "
              f"slot {sorted(set(winners))}, other errors {len(race_errors)}", flush=True)
        metrics["bookings_per_s_mysql_8_clients"] = round(rate, 1)
        metrics["double_bookings_mysql"] = float(doubled + len(failures))
        metrics["booking_race_errors_mysql"] = float(sum(1 for w in winners if w != 1) + len(race_errors))
    return metrics
