"""Benchmark: `escucha demo` end to end (import, analyse, ideas, report) in a fresh folder.

    python bench/bench_demo.py [--runs 3]

Each run builds the demo workspace from nothing in a temporary folder, in a new process, as
`make demo` does once the dependencies are installed; prints seconds per run and peak memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from machine import cpu_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"# escucha demo benchmark, {date.today()}, {cpu_model()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print("| run | seconds | peak RSS MB |")
    print("|---:|---:|---:|")
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "escucha", "demo", str(Path(folder) / "demo")],
                check=True,
                capture_output=True,
            )
            seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"| {run} | {seconds:.1f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
