"""Benchmark: JSON Lines import into SQLite, posts per second and peak memory by file size.

Builds files of real posts (the bundled airline tweets, repeated with fresh ids), then imports
each in a separate process so peak resident memory is measured per file size.

    python bench/bench_import.py [--sizes 100000 1000000] [--workdir /tmp/escucha-bench]
        [--counts]

`--counts` gives every post the reach and engagement counts of an export (followers, likes,
retweets, replies), which the import stores in post_engagement.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from machine import cpu_model

from escucha.demo import DEMO_FILES, demo_path


def real_posts() -> list[dict]:
    rows = []
    for name in DEMO_FILES:
        with gzip.open(demo_path(f"data/{name}"), "rt", encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f)
    return rows


def build_file(path: Path, size: int, counts: bool = False) -> None:
    posts = real_posts()
    with path.open("w", encoding="utf-8") as out:
        for i in range(size):
            src = posts[i % len(posts)]
            row = {
                "id": f"bench-{i}",
                "author": src.get("author") or f"user{i % 5000}",
                "created_at": src.get("created"),
                "text": src["text"],
                "lang": None,
            }
            if counts:
                row |= {
                    "followers_count": (i * 7919) % 100_000,
                    "favorite_count": i % 50,
                    "retweet_count": src.get("retweet_count", "0"),
                    "reply_count": i % 3,
                }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def import_once(path: Path, workspace: Path) -> None:
    """Run in a child process: import `path` and print the timing as JSON."""
    from escucha.config import default_config
    from escucha.workspace import init_workspace

    ws = init_workspace(workspace, default_config("bench"))
    start = time.perf_counter()
    result = ws.import_file(path, source="bench")
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "accepted": result.accepted,
                "rejected": result.rejected,
                "seconds": seconds,
                "peak_rss_mb": peak_kb / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench"))
    parser.add_argument("--counts", action="store_true", help="posts carry engagement counts")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import_once(Path(args.child[0]), Path(args.child[1]))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"# escucha import benchmark, {date.today()}, {cpu_model()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite (one process, one core)"
    )
    print("| posts in file | file MB | seconds | posts/s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        kind = "-counts" if args.counts else ""
        path = args.workdir / f"posts-{size}{kind}.jsonl"
        if not path.exists():
            build_file(path, size, args.counts)
        workspace = args.workdir / f"ws-{size}{kind}"
        for leftover in workspace.glob("escucha.db*"):
            leftover.unlink()
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), str(workspace)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        res = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {size:,} | {path.stat().st_size / 1e6:.0f} | {res['seconds']:.1f} | "
            f"{res['accepted'] / res['seconds']:,.0f} | {res['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
