"""Benchmark: the respondent's form at 50 concurrent respondents, on SQLite.

Serves a fresh workspace with a live three-page survey (tests/research/survey_form.py) from
uvicorn (`--workers` processes, 2 by default: one a core) in its own process, then N
respondents at once (threads, each with its own cookies) open the link, start, and answer
each page: a GET of the page and a POST of its answers, reading each page for `--think`
seconds (uniform between half and one and a half times it; 0: no pause, every respondent
hammers the server). Each respondent arrives at a moment drawn uniformly from the first
`--ramp` seconds (default: the think time; 0: all 50 arrive in the same instant). Prints the
p50 and p95 of every request, of page views (GET) and page saves (POST) (target: p95 under
150 ms per page), the server's own CPU time per request (from /proc: independent of how busy
the rest of the machine is), and the load average before and after.

    python bench/bench_survey_form.py [--respondents 50] [--rounds 4] [--think 2]
                                      [--workers 2] [--ramp SECONDS]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from machine import cpu_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
FORM = {"content-type": "application/x-www-form-urlencoded"}


def make_app() -> object:
    """The app of the workspace in ESCUCHA_BENCH_WORKSPACE (each uvicorn worker makes one)."""
    import os

    from escucha.web.app import create_app
    from escucha.workspace import open_workspace

    return create_app(open_workspace(os.environ["ESCUCHA_BENCH_WORKSPACE"]))


def serve(workdir: str, port: int, workers: int) -> None:
    import os

    import uvicorn

    os.environ["ESCUCHA_BENCH_WORKSPACE"] = workdir
    uvicorn.run("bench_survey_form:make_app", factory=True, workers=workers,
                app_dir=str(Path(__file__).parent), host="127.0.0.1", port=port,
                log_level="warning")  # fmt: skip


def prepare(workdir: Path) -> str:
    from escucha.config import Brand, Config
    from escucha.research.links import create_public_link
    from escucha.workspace import init_workspace
    from research.survey_form import live_survey

    config = Config(name="bench", languages=("es", "en"), brand=Brand("Iberia", ours=True),
                    competitors=(), sources=(),
                    extra={"research": {"form_posts_per_minute": 1_000_000}})  # fmt: skip
    ws = init_workspace(workdir, config)
    url = create_public_link(ws, live_survey(ws), "bench").url
    return url.split("127.0.0.1:8000", 1)[1]


def respondent(base: str, link: str, rounds: int, think: float, ramp: float, gets: list,
               posts: list) -> None:  # fmt: skip
    import random

    import httpx

    from research.survey_form import PAGE_1, PAGE_2, PAGE_3

    time.sleep(random.uniform(0, ramp))
    for _ in range(rounds):
        with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
            intro = client.get(link)
            signed = urlencode({"form_token": TOKEN.search(intro.text)[1]})
            start = client.post(link, content=signed, headers=FORM)
            page = start.headers["location"]
            for fields in (PAGE_1, PAGE_2, PAGE_3):
                t0 = time.perf_counter()
                shown = client.get(page)
                gets.append(time.perf_counter() - t0)
                time.sleep(random.uniform(0.5, 1.5) * think)
                body = urlencode({"form_token": TOKEN.search(shown.text)[1], **fields}, doseq=True)
                t0 = time.perf_counter()
                saved = client.post(page, content=body, headers=FORM)
                posts.append(time.perf_counter() - t0)
                assert saved.status_code == 303, saved.text


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (the uvicorn workers), from
    /proc: what the server itself spent, whatever the rest of the machine was doing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4, help="surveys answered per respondent")
    parser.add_argument("--think", type=float, default=2.0, help="seconds reading a page")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--ramp",
        type=float,
        default=None,
        help="respondents arrive over this many seconds (default: --think)",
    )
    parser.add_argument("--serve", nargs=3, metavar=("WORKDIR", "PORT", "WORKERS"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), int(args.serve[2]))
        return
    ramp = args.think if args.ramp is None else args.ramp
    workdir = Path(tempfile.mkdtemp(prefix="escucha-bench-form-"))
    link = prepare(workdir / "ws")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(workdir / "ws"), str(port), str(args.workers)]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        gets: list[float] = []
        posts: list[float] = []
        threads = [
            threading.Thread(
                target=respondent,
                args=(base, link, args.rounds, args.think, ramp, gets, posts),
            )
            for _ in range(args.respondents)
        ]
        load_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(server.pid)
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    every = gets + posts
    served = len(every) + 2 * args.respondents * args.rounds  # and each response's intro, start
    print(json.dumps({
        "respondents": args.respondents,
        "think_seconds": args.think,
        "ramp_seconds": ramp,
        "workers": args.workers,
        "responses": args.respondents * args.rounds,
        "requests": len(every),
        "seconds": round(elapsed, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1),
        "p95_ms": round(p95(every), 1),
        "page_view_p95_ms": round(p95(gets), 1),
        "page_save_p95_ms": round(p95(posts), 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / served, 2),
        "load_average": [round(load_before, 1), round(load_after, 1)],
        "cores": os.cpu_count(),
        "machine": f"{cpu_model()}, Python {platform.python_version()}",
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
