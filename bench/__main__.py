"""``python -m bench [name ...]``: run MedLink's benchmarks and merge their metrics into
bench/results.json (see bench/__init__.py)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import (BACKENDS, RESULTS, BenchEnv, _report, benchmark_modules, merge_results, mysql_reachable,  # noqa: E402,I001
                   size_buffer_pool, table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (module names in bench/); default all")
    parser.add_argument("--backend", action="append", choices=BACKENDS,
                        help="measure this backend only (repeatable); default sqlite, and mysql when reachable")
    parser.add_argument("--receipts", type=int, help="receipts issued per backend (receipts benchmark)")
    parser.add_argument("--renders", type=int, help="PDF drawings (receipts benchmark)")
    parser.add_argument("--batches", type=int, help="timed batches per measurement; the best is reported")
    parser.add_argument("--rounds", type=int, help="rounds of the query mix (search, scheduling benchmarks)")
    parser.add_argument("--runs", type=int, help="timed start-ups of the application (startup benchmark)")
    parser.add_argument("--bookings", type=int, help="bookings per client thread (bookings benchmark)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile report of the timed work")
    parser.add_argument("--no-write", action="store_true", help=f"do not update {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--generate", metavar="SIZE", action="append",
                        help="only make the benchmark dataset of SIZE (1k, 10k or 100k; repeatable) for --backend")
    parser.add_argument("--regenerate", action="store_true",
                        help="make the datasets afresh even if kept ones exist (with --generate, or before a run)")
    args = parser.parse_args(argv)

    # The developer's own MEDLINK_* settings must not change what is measured.
    for key in [k for k in os.environ if k.startswith("MEDLINK_") and not k.startswith(("MEDLINK_TEST_",
                                                                                         "MEDLINK_BENCH_"))]:
        del os.environ[key]

    backends = list(dict.fromkeys(args.backend or BACKENDS))
    notes = []
    if "mysql" in backends and not mysql_reachable():
        backends.remove("mysql")
        notes.append("MariaDB/MySQL not reachable: measured on SQLite only")
    if args.generate:
        from bench.generate import ensure

        for backend in backends:
            for size in args.generate:
                ensure(backend, size, regenerate=args.regenerate)
        return 0
    restore_pool = size_buffer_pool() if "mysql" in backends else (lambda: None)
    try:
        return _run(args, backends, notes)
    finally:
        restore_pool()


def _run(args: argparse.Namespace, backends: list[str], notes: list[str]) -> int:
    options = {"receipts": args.receipts, "renders": args.renders, "batches": args.batches, "profile": args.profile,
               "rounds": args.rounds, "runs": args.runs, "bookings": args.bookings, "regenerate": args.regenerate}
    env = BenchEnv(backends=backends, options=options, notes=notes)
    modules = benchmark_modules(args.names)
    info = _report.machine()
    run_started = time.perf_counter()
    print(f"MedLink benchmarks on {platform.node()} ({platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}); backends: {', '.join(backends)}")
    metrics: dict[str, float] = {}
    targets: dict[str, tuple[str, float]] = {}
    for module in modules:
        name = module.__name__.rsplit(".", 1)[-1]
        started = time.perf_counter()
        print(f"running {name} ...", flush=True)
        metrics.update(module.run(env))
        targets.update(getattr(module, "TARGETS", {}))
        print(f"  {name} took {time.perf_counter() - started:.1f} s", flush=True)
    print()
    print(table([(k, v, targets.get(k)) for k, v in sorted(metrics.items())]))
    for note in env.notes:
        print(f"note: {note}")
    if not args.no_write:
        results = merge_results(metrics)
        print(f"\nmerged {len(metrics)} metrics into {RESULTS.relative_to(ROOT)}")
        for module in benchmark_modules():  # every benchmark's targets, for the rows of earlier runs too
            targets.update(getattr(module, "TARGETS", {}))
        _report.write(_report.section(info, metrics, results, targets, args.names,
                                      time.perf_counter() - run_started))
        print(f"wrote the results table into {_report.PERFORMANCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
