"""Load test: locust against `escucha serve --workers N` on loopback (issue 16, item 4).

Serves the workspace that bench/load_generate.py built (PostgreSQL, Redis for the limits),
creates the user and API token the locust users act as, warms each worker's cached aggregates
(the first requests of each page, timed and reported apart), then runs locust headless for
`--seconds` with `--users` concurrent users (bench/locustfile.py: analysts on the overview and
the explorer, API clients on the REST API). Writes the per-endpoint results (requests, errors,
p50/p95/p99, max) as JSON and as a markdown table, with the machine, date and load average.

    python bench/load_run.py [--folder /tmp/escucha-load]
        [--url postgresql://postgres@127.0.0.1:5432/escucha_load]
        [--users 200] [--seconds 180] [--workers 2] [--out bench-results/load]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
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
PAGES = (
    "/",
    "/?period=30d&compare=previous",
    "/explore?period=30d&compare=previous",
    "/explore?period=90d&compare=previous&brand=Iberia&sentiment=negative",
)


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


def serve(folder: Path, workers: int, env: dict) -> tuple[subprocess.Popen, str]:
    """`escucha serve --workers N` on a free loopback port, once /healthz answers."""
    import httpx

    port = free_port()
    cmd = [sys.executable, "-m", "escucha", "-w", str(folder), "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*cmd, "--workers", str(workers)],
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
    import re

    import httpx

    timings: dict[str, list[float]] = {}
    with httpx.Client(base_url=base, timeout=600) as client:
        page = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
        client.post(
            "/login",
            data={"username": USER, "password": PASSWORD, "csrf_token": csrf[1] if csrf else ""},
        )
        for path in PAGES:
            for _ in range(rounds):
                started = time.perf_counter()
                response = client.get(path)
                timings.setdefault(path, []).append(round(time.perf_counter() - started, 3))
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: {response.status_code}")
    return timings


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
        f"{report['workers']}`; {report['users']} locust users for {report['seconds']} s",
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["endpoints"]:
        lines.append(
            f"| {r['method']} {r['name']} | {r['requests']:,} | {r['errors']} | {r['rps']} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['max_ms']:,} |"
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
    process, base = serve(args.folder, args.workers, env)
    try:
        started = time.perf_counter()
        warmup = warm(base, args.warm)
        print(f"warm-up {time.perf_counter() - started:.0f} s: {warmup}", flush=True)
        before = load_average()
        prefix = args.out / "locust"
        run_locust(base, args.users, args.seconds, env, prefix)
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
        "endpoints": results(prefix),
        "failures": failures(prefix),
    }
    (args.out / "load.json").write_text(json.dumps(report, indent=1))
    table = markdown(report)
    (args.out / "load.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
