"""Load test: locust against `escucha serve --workers N` on loopback (issue 16, item 4).

Serves the workspace that bench/load_generate.py built (PostgreSQL, Redis for the limits),
creates the user and API token the locust users act as, warms each worker's cached aggregates
(the first requests of each page, timed and reported apart), then runs locust headless for
`--seconds` with `--users` concurrent users (bench/locustfile.py: analysts on the overview and
the explorer, API clients on the REST API). `--settle S` first waits (up to S seconds) for the
workers' start-up computations (`escucha serve` warms the pages' aggregates in a background
thread: minutes of CPU at a million posts) so that the load measures the steady state. Writes
the per-endpoint results (requests, errors, p50/p95/p99, max) as JSON and as a markdown table,
with the machine, date, load average and the CPU seconds the web workers, the database's
PostgreSQL backends, Redis and locust used during the load (per request served).

    python bench/load_run.py [--folder /tmp/escucha-load]
        [--url postgresql://postgres@127.0.0.1:5432/escucha_load]
        [--users 200] [--seconds 180] [--workers 2] [--settle 900] [--out bench-results/load]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import cpu_model

HERE = Path(__file__).resolve().parent
USER = "loadtest"
PASSWORD = "load test password 123"
# The requests of bench/locustfile.py: (name, path, as the API client?); {cursor} and {post}
# are filled by `target`. The in-process scripts (load_pages.py, request_cost.py) use them too.
ENDPOINTS = (
    ("overview /", "/", False),
    ("overview 30d vs previous", "/?period=30d&compare=previous", False),
    ("explorer 30d vs previous", "/explore?period=30d&compare=previous", False),
    (
        "explorer 90d, brand, negative",
        "/explore?period=90d&compare=previous&brand=Iberia&sentiment=negative",
        False,
    ),
    ("api posts", "/api/v1/posts?limit=50", True),
    ("api posts brand+negative", "/api/v1/posts?limit=50&brand=Iberia&sentiment=negative", True),
    ("api posts cursor", "/api/v1/posts?limit=50&cursor={cursor}", True),
    ("api post", "/api/v1/posts/{post}", True),
    ("api share-of-voice", "/api/v1/share-of-voice", True),
    ("api net-sentiment", "/api/v1/net-sentiment", True),
    ("api me", "/api/v1/me", True),
)
PAGES = tuple(path for _, path, as_api in ENDPOINTS if not as_api)
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def target(path: str, top: int) -> str:
    """An endpoint's path with a cursor and a post id inside a store of `top` posts."""
    return path.format(cursor=top // 2, post=top // 3)


def login_form(page: str) -> dict[str, str]:
    """The load test analyst's login, with the CSRF token of the login `page`."""
    found = CSRF.search(page)
    return {"username": USER, "password": PASSWORD, "csrf_token": found[1] if found else ""}


def app_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def accounts(folder: Path) -> tuple[str, int]:
    """The analyst the locust users log in as, a read token, and the highest post id."""
    from sqlalchemy import func, select

    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user, get_user_by_name
    from escucha.store.schema import posts
    from escucha.workspace import open_workspace

    ws = open_workspace(folder)
    if get_user_by_name(ws.engine, USER) is None:
        create_user(ws.engine, USER, PASSWORD, "analyst")
    token = create_token(ws.engine, USER, "read", "load test")[0]
    with ws.engine.connect() as conn:
        top = conn.scalar(select(func.max(posts.c.id))) or 1
    ws.engine.dispose()
    return token, top


def serve(
    folder: Path, workers: int, env: dict, extra: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, str]:
    """`escucha serve --workers N` on a free loopback port, once /healthz answers."""
    import httpx

    port = free_port()
    cmd = [sys.executable, "-m", "escucha", "-w", str(folder), "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*cmd, "--workers", str(workers), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "serve.log", "ab"),  # noqa: SIM115 - the child keeps it
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(1500):
        if process.poll() is not None:
            raise SystemExit(f"escucha serve exited {process.returncode}: see {folder}/serve.log")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group; SIGKILL if requests still hold it after 60 s."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def warm(base: str, rounds: int) -> dict[str, list[float]]:
    """Each page `rounds` times in a row (the workers take turns): the cold ones compute."""
    import httpx

    timings: dict[str, list[float]] = {}
    with httpx.Client(base_url=base, timeout=600) as client:
        client.post("/login", data=login_form(client.get("/login").text))
        for path in PAGES:
            for _ in range(rounds):
                started = time.perf_counter()
                response = client.get(path)
                timings.setdefault(path, []).append(round(time.perf_counter() - started, 3))
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: {response.status_code}")
    return timings


def _tree(root: int) -> list[int]:
    """`root` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def cpu_times(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each of these processes has used so far (the living ones)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two `cpu_times`: a process that ended meanwhile is not
    counted, one that started counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def backends(url: str) -> list[int]:
    """The PostgreSQL server processes connected to this database (the web workers' pools)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(app_url(url))
    with engine.connect() as conn:
        name = conn.scalar(text("SELECT current_database()"))
        pids = conn.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
            {"n": name},
        ).all()
    engine.dispose()
    return list(pids)


def redis_pid() -> list[int]:
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "redis-server":
                return [int(comm.parent.name)]
        except OSError:
            continue
    return []


def settle(pid: int, most: float, idle: float = 0.5, every: float = 10.0) -> tuple[float, float]:
    """Wait until the web workers are idle (`escucha serve` computes the pages' aggregates in
    a background thread at start-up, for minutes at a million posts): at most `most` seconds,
    until they use less than `idle` CPU seconds in `every` seconds. (seconds waited, CPU s)."""
    started = time.perf_counter()
    first = last = cpu_times(_tree(pid))
    while time.perf_counter() - started < most:
        time.sleep(every)
        now = cpu_times(_tree(pid))
        used, last = cpu_used(last, now), now
        if used < idle:
            break
    return round(time.perf_counter() - started), round(cpu_used(first, last), 1)


def run_locust(base: str, users: int, seconds: int, env: dict, prefix: Path) -> None:
    spawn = max(1, users // 20)
    cmd = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless"]
    cmd += ["-u", str(users), "-r", str(spawn), "-t", f"{seconds}s", "--host", base]
    cmd += ["--csv", str(prefix), "--only-summary", "--stop-timeout", "10"]
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL)


def results(prefix: Path) -> list[dict]:
    """Per-endpoint rows of locust's stats CSV (the last row is the aggregate)."""
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows.append(
                {
                    "name": row["Name"] if row["Type"] else "all",
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 1),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "max_ms": round(float(row["Max Response Time"] or 0)),
                }
            )
    return rows


def failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def markdown(report: dict) -> str:
    lines = [
        f"{report['machine']}; {report['date']}; load average {report['load_before']} before, "
        f"{report['load_after']} after; {report['posts']:,} posts; `escucha serve --workers "
        f"{report['workers']}{'' if report['warm_start'] else ' --no-warm'}`; "
        f"{report['users']} locust users for {report['seconds']} s",
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["endpoints"]:
        lines.append(
            f"| {r['method']} {r['name']} | {r['requests']:,} | {r['errors']} | {r['rps']} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:,} |"
        )
    served = next((r["requests"] for r in report["endpoints"] if r["name"] == "all"), 0)
    lines.append("")
    lines.append("CPU during the load (s in all; ms per request served):")
    for name, seconds in report["cpu_s"].items():
        lines.append(f"- {name}: {seconds} s, {1000 * seconds / max(1, served):.1f} ms")
    lines.append("")
    settled = report["settled"]
    lines.append(
        f"Before the load: waited {settled['seconds']} s for the workers' start-up "
        f"computations ({settled['cpu_s']} CPU s)."
    )
    lines.append("")
    lines.append("Warm-up (s, in a row, before the load): ")
    for path, times in report["warmup_s"].items():
        lines.append(f"- `{path}`: {', '.join(f'{t:.2f}' for t in times)}")
    return "\n".join(lines) + "\n"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/escucha-load"))
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/escucha_load")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warm", type=int, default=4, help="warm-up requests of each page")
    parser.add_argument("--out", type=Path, default=Path("bench-results/load"))
    parser.add_argument(
        "--no-warm-start",
        dest="warm_start",
        action="store_false",
        help="`escucha serve --no-warm`: no start-up computation of every page's aggregates "
        "(the pages the load uses are still computed by the warm-up requests)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0,
        help="wait up to this many seconds for the workers' start-up computations to end",
    )
    args = parser.parse_args()
    env = {**os.environ, "ESCUCHA_DATABASE_URL": app_url(args.url)}
    os.environ["ESCUCHA_DATABASE_URL"] = env["ESCUCHA_DATABASE_URL"]
    token, top = accounts(args.folder)
    env.update(
        ESCUCHA_LOAD_USER=USER,
        ESCUCHA_LOAD_PASSWORD=PASSWORD,
        ESCUCHA_LOAD_TOKEN=token,
        ESCUCHA_LOAD_MAX_ID=str(top),
    )
    args.out.mkdir(parents=True, exist_ok=True)
    process, base = serve(args.folder, args.workers, env, () if args.warm_start else ("--no-warm",))
    try:
        started = time.perf_counter()
        warmup = warm(base, args.warm)
        print(f"warm-up {time.perf_counter() - started:.0f} s: {warmup}", flush=True)
        settled = settle(process.pid, args.settle) if args.settle else (0, 0.0)
        print(f"settled after {settled[0]} s ({settled[1]} CPU s)", flush=True)
        before = load_average()
        prefix = args.out / "locust"
        pg = backends(args.url)  # the pools opened during the warm-up
        cpu_before = [cpu_times(_tree(process.pid)), cpu_times(pg), cpu_times(redis_pid())]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        run_locust(base, args.users, args.seconds, env, prefix)
        done = resource.getrusage(resource.RUSAGE_CHILDREN)
        pg = sorted(set(pg) | set(backends(args.url)))
        cpu_after = [cpu_times(_tree(process.pid)), cpu_times(pg), cpu_times(redis_pid())]
        cpu = [cpu_used(b, a) for b, a in zip(cpu_before, cpu_after, strict=True)]
        after = load_average()
    finally:
        stop(process)
    report = {
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "posts": top,
        "workers": args.workers,
        "users": args.users,
        "seconds": args.seconds,
        "load_before": before,
        "load_after": after,
        "warmup_s": warmup,
        "settled": {"seconds": settled[0], "cpu_s": settled[1]},
        "warm_start": args.warm_start,
        "endpoints": results(prefix),
        "failures": failures(prefix),
        "cpu_s": {
            "web workers": round(cpu[0], 1),
            "PostgreSQL backends (those alive at the end)": round(cpu[1], 1),
            "Redis (shared)": round(cpu[2], 1),
            "locust": round(
                done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime, 1
            ),
        },
    }
    (args.out / "load.json").write_text(json.dumps(report, indent=1))
    table = markdown(report)
    (args.out / "load.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
