"""Benchmark: raking 100,000 responses on three variables (the weighting half of the issue's
"100,000 responses flagged and weighted in under 10 s").

Synthetic responses (fixed seed) skewed away from the targets: age (5 groups), sex (2) and
region (6). Times, best of --repeat, on one core:
- `rake` + `diagnose` on a DataFrame in memory (what `surveys weight` will do on stored data),
- the same with trimming at 6 times the mean weight (untrimmed, the largest is 9.07),
- `rake_file`: read the CSV, rake, write the weighted CSV, diagnose (`escucha surveys rake`).

    python bench/bench_weighting.py [--responses 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from machine import cpu_model

from escucha.research.targets import Targets, read_targets
from escucha.research.weighting import diagnose, rake, rake_file

SHARES = {
    "age": {"18-24": 0.12, "25-34": 0.18, "35-44": 0.2, "45-64": 0.3, "65+": 0.2},
    "sex": {"female": 0.51, "male": 0.49},
    "region": {"north": 0.15, "south": 0.2, "east": 0.15, "west": 0.2, "centre": 0.2, "isles": 0.1},
}
SAMPLE = {  # who answers an online community survey: younger, more men, the centre
    "age": [0.3, 0.3, 0.2, 0.15, 0.05],
    "sex": [0.35, 0.65],
    "region": [0.1, 0.15, 0.1, 0.15, 0.4, 0.1],
}


def responses(n: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(12)
    return pd.DataFrame(
        {v: rng.choice(list(SHARES[v]), n, p=SAMPLE[v]) for v in SHARES}
        | {"answer": rng.integers(0, 11, n)}
    )


def best(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    frame = responses(args.responses)
    targets = Targets("share", SHARES)
    memory, raked = best(args.repeat, lambda: rake(frame, targets))
    diagnostics_s, found = best(args.repeat, lambda: diagnose(frame, raked.weights, targets))
    trimmed_s, trimmed = best(args.repeat, lambda: rake(frame, targets, cap=6.0))
    with tempfile.TemporaryDirectory() as folder:
        data, out, target_file = (Path(folder) / n for n in ("d.csv", "w.csv", "t.csv"))
        frame.to_csv(data, index=False)
        rows = [f"{v},{c},{s}" for v, m in SHARES.items() for c, s in m.items()]
        target_file.write_text("variable,category,share\n" + "\n".join(rows) + "\n")
        read_targets(target_file)
        file_s, _ = best(args.repeat, lambda: rake_file(data, target_file, out))
    result = {
        "responses": args.responses,
        "rake_seconds": round(memory, 3),
        "rake_iterations": raked.iterations,
        "diagnose_seconds": round(diagnostics_s, 3),
        "rake_trimmed_at_6_seconds": round(trimmed_s, 3),
        "rake_trimmed_iterations": trimmed.iterations,
        "rake_file_csv_in_and_out_seconds": round(file_s, 3),
        "design_effect": round(found.design_effect, 4),
        "max_weight": round(found.max_weight, 3),
        "machine": f"{cpu_model()}, Python {platform.python_version()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
