"""Benchmark: the honest-post guard's drafts per second on one core (target: >= 5,000/s).

Checks the annotated drafts (tests/engage/data, es and en, every connection) in a loop, with
the lists loaded once as `escucha guard` does, then a 100 KB draft on its own.

    python bench/bench_guard.py [--drafts 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import cpu_model

from escucha.engage.guard import check, load_lists

DATA = Path(__file__).resolve().parents[1] / "tests" / "engage" / "data" / "guard_drafts.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=100_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    lists = load_lists()
    for r in rows:  # compile each (language, brand) pattern once, as a long run does
        check(r["text"], brand=r["brand"], connection=r["connection"], lang=r["lang"], lists=lists)
    start, cpu_start = time.perf_counter(), time.process_time()
    flagged = 0
    for i in range(args.drafts):
        r = rows[i % len(rows)]
        verdict = check(
            r["text"], brand=r["brand"], connection=r["connection"], lang=r["lang"], lists=lists
        )
        flagged += verdict.verdict != "ok"
    seconds = time.perf_counter() - start
    # on a shared machine the wall clock also counts waiting for the core; CPU time does not
    cpu_seconds = time.process_time() - cpu_start
    big = ("Lovely day at the beach with friends, " * 2700)[:100_000] + " Buy now, today only!"
    big_start = time.perf_counter()
    check(big, brand="Cafenia", connection="paid", lists=lists)
    big_ms = (time.perf_counter() - big_start) * 1000
    result = {
        "drafts": args.drafts,
        "seconds": round(seconds, 3),
        "drafts_per_second": round(args.drafts / seconds),
        "drafts_per_cpu_second": round(args.drafts / cpu_seconds),
        "flagged": flagged,
        "draft_100kb_ms": round(big_ms, 1),
        "machine": f"{cpu_model()}, Python {platform.python_version()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
