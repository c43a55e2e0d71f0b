"""Benchmark: `escucha serve --workers N` on PostgreSQL, 1 worker process against 2.

A small PostgreSQL workspace (`--size` generated posts, analysed) is served by
`escucha serve --workers N` (rate limits in Redis at 127.0.0.1:6379); `--clients` concurrent
API clients (httpx, async, loopback) send requests for `--seconds` over mixed endpoints.
Prints requests per second, p50/p95 and errors for each N. Bounded in time; not the 10M-post
load test of issue 16.

    python bench/bench_server.py [--size 20000] [--clients 20] [--seconds 20]
        [--workers 1 2] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from machine import cpu_model

REDIS = "redis://127.0.0.1:6379/0"
WORDS = [
    "vuelo",
    "retraso",
    "maleta",
    "gracias",
    "excelente",
    "servicio",
    "horrible",
    "quiero",
    "pedir",
    "app",
]
PATHS = [
    "/api/v1/posts?limit=50",
    "/api/v1/share-of-voice",
    "/api/v1/net-sentiment",
    "/api/v1/me",
]


def build(folder: Path, url: str, size: int) -> str:
    """The workspace with `size` posts, analysed; returns an API token."""
    os.environ["ESCUCHA_DATABASE_URL"] = url
    (folder / "escucha.toml").write_text(
        '[workspace]\nname = "bench server"\n\n[brand]\nname = "Iberia"\n\n'
        f'[web]\nredis_url = "{REDIS}"\n'
        "token_requests_per_minute = 10000000\nuser_requests_per_minute = 10000000\n"
    )
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["id,body,date"]
    for i in range(size):
        text = " ".join(rng.choice(WORDS) for _ in range(8)) + (" Iberia" if i % 3 else "")
        lines.append(f"{i},{text},{(start + timedelta(minutes=i)).isoformat()}")
    (folder / "posts.csv").write_text("\n".join(lines) + "\n")
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.workspace import open_workspace

    ws = open_workspace(folder)
    ws.import_file(folder / "posts.csv", mapping={"text": "body", "created": "date"})
    ws.analyze()
    create_user(ws.engine, "bench", "bench password 123", "analyst")
    token = create_token(ws.engine, "bench", "read")[0]
    ws.engine.dispose()
    return token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(folder: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "escucha", "-w", str(folder), "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*cmd, "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    import httpx

    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                time.sleep(3 * workers)  # the workers' start-up warm-up
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _client(base: str, token: str, deadline: float, offset: int, out: dict) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        i = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                ok = (await client.get(PATHS[i % len(PATHS)])).status_code == 200
            except httpx.HTTPError:
                ok = False
            out["times"].append(time.perf_counter() - started)
            out["errors"] += 0 if ok else 1
            i += 1


async def load(base: str, token: str, clients: int, seconds: float) -> dict:
    out: dict = {"times": [], "errors": 0}
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_client(base, token, deadline, c, out) for c in range(clients)))
    elapsed = time.perf_counter() - started
    times = out["times"]
    return {
        "requests": len(times),
        "errors": out["errors"],
        "rps": len(times) / elapsed,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * percentile(times, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(args.pg)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{args.pg}?options=-csearch_path%3D{schema}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            token = build(folder, url, args.size)
            print(
                f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {args.size:,} posts, "
                f"{args.clients} clients, {args.seconds:.0f} s each"
            )
            for workers in args.workers:
                process, base = serve(folder, workers)
                try:
                    result = asyncio.run(load(base, token, args.clients, args.seconds))
                finally:
                    process.terminate()
                    process.wait(timeout=30)
                print(
                    f"--workers {workers}: {result['rps']:.0f} req/s, p50 "
                    f"{result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
                    f"{result['requests']} requests, {result['errors']} errors"
                )
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
