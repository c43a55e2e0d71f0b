"""Benchmark: peak memory of an import whose .jsonl.gz holds one enormous line.

Builds gzip files of a few normal rows around one line of N MB (a "gzip bomb": 200 MB of
text compress to about 200 KB) and one normal file of real-shaped posts, then imports each
into a new SQLite workspace in its own process and reads that process's peak resident memory
(`resource.getrusage`). With the line cap ([import] max_line_bytes, 1 MB by default) the
long line is skipped in chunks, so the peak should not grow with the line.

    python bench/bench_import_memory.py [--line-mb 200 1024] [--posts 100000]
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


def build_bomb(path: Path, line_mb: int) -> None:
    block = b"x" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b'{"id":"a","text":"before the long line"}\n')
        out.write(b'{"id":"bomb","text":"')
        for _ in range(line_mb):
            out.write(block)
        out.write(b'"}\n{"id":"b","text":"after the long line"}\n')


def build_normal(path: Path, posts: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i in range(posts):
            row = {
                "id": f"n-{i}",
                "author": f"user{i % 5000}",
                "created_at": f"2024-01-{1 + i % 28:02d}T10:00:00Z",
                "text": f"Vuelo {i} retrasado otra vez, ¿alguien sabe algo? #aeropuerto",
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def import_once(path: Path, workspace: Path) -> None:
    """Run in a child process: import `path` and print the outcome as JSON."""
    from escucha.config import default_config
    from escucha.errors import UserError
    from escucha.workspace import init_workspace

    ws = init_workspace(workspace, default_config("bench"))
    start = time.perf_counter()
    outcome: dict[str, object] = {}
    try:
        result = ws.import_file(path, source="bench")
        outcome = {"accepted": result.accepted, "rejected": result.rejected}
    except (UserError, MemoryError, OverflowError) as exc:
        outcome = {"error": f"{type(exc).__name__}: {str(exc)[:80]}"}
    outcome["seconds"] = time.perf_counter() - start
    outcome["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(outcome))


def run_child(path: Path, workspace: Path) -> dict:
    for leftover in workspace.glob("escucha.db*"):
        leftover.unlink()
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(workspace)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--line-mb", type=int, nargs="+", default=[200])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench-memory"))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import_once(Path(args.child[0]), Path(args.child[1]))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"# escucha import memory benchmark, {date.today()}, {cpu_model()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite"
    )
    print("| file | .gz MB | outcome | seconds | peak RSS MB |")
    print("|---|---:|---|---:|---:|")
    files = []
    normal = args.workdir / f"normal-{args.posts}.jsonl.gz"
    if not normal.exists():
        build_normal(normal, args.posts)
    files.append((f"{args.posts:,} normal posts", normal))
    for line_mb in args.line_mb:
        bomb = args.workdir / f"bomb-{line_mb}mb.jsonl.gz"
        if not bomb.exists():
            build_bomb(bomb, line_mb)
        files.append((f"one line of {line_mb:,} MB + 2 rows", bomb))
    for label, path in files:
        res = run_child(path, args.workdir / "ws")
        outcome = res.get("error") or f"{res['accepted']} accepted, {res['rejected']} rejected"
        print(
            f"| {label} | {path.stat().st_size / 1e6:.1f} | {outcome} | "
            f"{res['seconds']:.1f} | {res['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
