"""Memory of the posts frame (issue 16, 10M posts): peak RSS of building it, of finding the
themes on it, and of a started `escucha serve` once its start-up warm-up is done.

    python bench/bench_frame.py frame --folder F --url postgresql://.../DB [--columns insight]
    python bench/bench_frame.py themes --folder F --url postgresql://.../DB [--posts N]
        [--out themes.json] [--sample-posts N] [--steps]
    python bench/bench_frame.py serve --folder F --url postgresql://.../DB [--workers 2]
        [--warm-frame-posts N]

(PYTHONPATH `src:bench`.) The store is only read: every connection is opened with
`default_transaction_read_only`, and `serve` runs on a copy of the workspace folder (the
server writes its secret there). `frame` builds what the web's Insights keeps (the frame,
normalised); `themes` builds the web's compact frame (`Insights.insight_frame`), then runs
`insights.concerns.scope_themes` on it (the themes and competitors pages'), and reports its
peak above the frame (`--posts N`: only the posts with ids 1 to N; `--out`: the themes as
JSON, to compare two versions of the code; `--sample-posts`: `[themes] sample_posts`, 0 to
cluster every post; `--steps`: the RSS sampled every 10 ms, each step of the theme finding's
peak and what it held at its start and end, MB above the frame); `serve` waits until the
workers are idle, then reads each process's RSS and its peak (VmHWM) from /proc. Prints one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load_run import app_url, free_port, load_average, settle, stop

MB = 2**20
STEPS = {  # escucha.insights.themes' steps measured by `themes --steps` (those it has)
    "_language_themes": "one language, every post clustered",
    "vectorise": "term sets, term matrices, TF-IDF, LSA of every post",
    "kmeans": "k-means",
    "_sampled_language_themes": "one language, sampled",
    "fit_sample": "the sample's term sets, matrices, LSA fit",
    "_sample_model": "concerns, k-means, merging, labels on the sample",
    "assign": "placing one chunk (term sets, vectors, rules)",
    "placed": "one theme of all its posts (ids, trend, sentiment, brands)",
}


class Steps:
    """Peak RSS during each call of the wrapped functions, sampled by a thread."""

    def __init__(self, base: int) -> None:
        import threading

        self.base = base
        self.open: list[list] = []
        self.seen: dict[str, dict[str, int]] = {}
        self.lock = threading.Lock()
        threading.Thread(target=self.sample, daemon=True).start()

    def sample(self) -> None:
        while True:
            rss = status()["VmRSS"]
            with self.lock:
                for call in self.open:
                    call[1] = max(call[1], rss)
            time.sleep(0.01)

    def wrap(self, owner: object, name: str) -> None:
        import functools

        inner = getattr(owner, name)

        @functools.wraps(inner)
        def measured(*args, **kwargs):
            call = [name, status()["VmRSS"]]
            start = call[1]
            with self.lock:
                self.open.append(call)
            try:
                return inner(*args, **kwargs)
            finally:
                end = status()["VmRSS"]
                with self.lock:
                    self.open.remove(call)
                seen = self.seen.setdefault(name, {"calls": 0, "start": 0, "peak": 0, "end": 0})
                seen["calls"] += 1
                for key, value in (("start", start), ("peak", max(call[1], end)), ("end", end)):
                    seen[key] = max(seen[key], value - self.base)

        setattr(owner, name, measured)


def status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024
    return found


def read_only(url: str) -> str:
    return app_url(url) + "?options=-c%20default_transaction_read_only%3Don"


def frame(args: argparse.Namespace) -> dict:
    os.environ["ESCUCHA_DATABASE_URL"] = read_only(args.url)
    import pandas as pd  # noqa: F401 - imported before the baseline is read

    from escucha.frames import posts_frame
    from escucha.insights.common import normalised
    from escucha.workspace import open_workspace

    workspace = open_workspace(args.folder)
    _ = workspace.engine
    before = status()
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) from here on
    started = time.perf_counter()
    if args.columns == "insight":
        from escucha.frames import INSIGHT_COLUMNS

        built = posts_frame(workspace, columns=INSIGHT_COLUMNS)
    else:
        built = posts_frame(workspace)
    seconds = time.perf_counter() - started
    built_peak = status()["VmHWM"]
    rows = len(built)
    size = int(built.memory_usage(deep=True).sum()) // MB
    kept = normalised(built)
    del built
    after = status()
    return {
        "mode": "frame",
        "columns": args.columns,
        "posts": rows,
        "seconds": round(seconds, 1),
        "rss_before_mb": before["VmRSS"],
        "peak_building_mb": built_peak,
        "frame_mb": size,
        "normalised_mb": int(kept.memory_usage(deep=True).sum()) // MB,
        "peak_with_normalised_mb": after["VmHWM"],
        "rss_after_mb": after["VmRSS"],
    }


def themes(args: argparse.Namespace) -> dict:
    os.environ["ESCUCHA_DATABASE_URL"] = read_only(args.url)
    import pandas as pd  # noqa: F401 - imported before the baseline is read

    from escucha.frames import INSIGHT_COLUMNS, posts_frame
    from escucha.insights.common import normalised
    from escucha.insights.concerns import scope_themes
    from escucha.report_inputs import brand_dicts
    from escucha.workspace import open_workspace

    workspace = open_workspace(args.folder)
    ids = list(range(1, args.posts + 1)) if args.posts else None
    kept = normalised(posts_frame(workspace, columns=INSIGHT_COLUMNS, compact=True, ids=ids))
    brands = brand_dicts(workspace)
    before = status()
    steps = None
    if args.steps:
        from escucha.insights import themes as module

        steps = Steps(before["VmRSS"])
        for name in STEPS:  # those the code measured has (an older version has fewer)
            for owner in (module, getattr(module, "_Placing", None), module._Context):
                if owner is not None and name in vars(owner):
                    steps.wrap(owner, name)
    sample = {} if args.sample_posts is None else {"sample_above": args.sample_posts}
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) from here on
    started = time.perf_counter()
    found = scope_themes(kept, brands, **sample)
    seconds = time.perf_counter() - started
    after = status()
    if args.out:
        every = {intent: [t.to_dict() for t in ts] for intent, ts in found.items()}
        args.out.write_text(json.dumps(every, sort_keys=True))
    return {
        "mode": "themes",
        "posts": len(kept),
        "themes": {intent: len(ts) for intent, ts in found.items()},
        "seconds": round(seconds, 1),
        "rss_with_frame_mb": before["VmRSS"],
        "peak_mb": after["VmHWM"],
        "peak_above_frame_mb": after["VmHWM"] - before["VmRSS"],
        "sample_posts": args.sample_posts,
        "steps": None if steps is None else {STEPS[k]: v for k, v in steps.seen.items()},
    }


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            except OSError:
                continue
            if int(parent) == pid:
                found.append(int(entry.name))
    return found


def serve(args: argparse.Namespace) -> dict:
    import httpx

    copy = Path(tempfile.mkdtemp(prefix="bench-frame-"))
    shutil.copy(args.folder / "escucha.toml", copy / "escucha.toml")
    if args.warm_frame_posts is not None:
        config = (copy / "escucha.toml").read_text()
        if "\n[web]\n" not in config:
            config += "\n[web]\n"
        setting = f"\n[web]\nwarm_frame_posts = {args.warm_frame_posts}\n"
        (copy / "escucha.toml").write_text(config.replace("\n[web]\n", setting, 1))
    env = {**os.environ, "ESCUCHA_DATABASE_URL": read_only(args.url)}
    port = free_port()
    cmd = [sys.executable, "-m", "escucha", "-w", str(copy), "serve", "--port", str(port)]
    log = open(copy / "serve.log", "ab")  # noqa: SIM115 - the child keeps it
    process = subprocess.Popen(
        [*cmd, "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    started = time.perf_counter()
    try:
        for _ in range(1500):
            if process.poll() is not None:
                raise SystemExit(f"escucha serve exited: see {copy}/serve.log")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        waited, cpu = settle(process.pid, args.most, idle=0.5, every=15.0)
        workers = {pid: status(pid) for pid in children(process.pid)}
    finally:
        stop(process)
    return {
        "mode": "serve",
        "workers": args.workers,
        "warm_frame_posts": args.warm_frame_posts,
        "seconds_to_idle": round(time.perf_counter() - started),
        "settle_s": waited,
        "cpu_s": cpu,
        "processes": list(workers.values()),
        "log": str(copy / "serve.log"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("frame", "themes", "serve"))
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--columns", choices=("all", "insight"), default="all")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--most", type=float, default=3600, help="seconds to wait for idle")
    parser.add_argument(
        "--warm-frame-posts", type=int, help="[web] warm_frame_posts of the served copy"
    )
    parser.add_argument("--posts", type=int, help="themes: only the posts with ids 1 to N")
    parser.add_argument("--out", type=Path, help="themes: write them here, as JSON")
    parser.add_argument(
        "--sample-posts", type=int, help="themes: [themes] sample_posts (default: its default)"
    )
    parser.add_argument("--steps", action="store_true", help="themes: RSS of each step")
    args = parser.parse_args()
    load = load_average()
    result = {"frame": frame, "themes": themes, "serve": serve}[args.mode](args)
    print(json.dumps({**result, "load_before": load, "load_after": load_average()}))


if __name__ == "__main__":
    main()
