"""Benchmark: the web app over a SQLite store of 1M posts.

1. Overview page latency (GET /, logged in): the first request computes the aggregates with
   SQL GROUP BY and renders the charts; later ones reuse them until the data version changes.
   Reports the cold request and p50/p95 of the warm ones (target p95 <= 300 ms); the same for
   the overview and the explorer with the last 30 days compared with the 30 before.
2. 50 concurrent API clients (httpx, async) on loopback, a bounded number of requests each
   over mixed endpoints: errors (must be 0), throughput and latency.

The store is built by copying the analysed demo workspace's posts, enrichments and brand
mentions over and over with fresh ids (INSERT ... SELECT, seconds), each post with its folded
words (indexed for word queries, which must find posts in it). The server runs in its own
process, as `escucha serve` would run it.

    python bench/bench_web.py [--size 1000000] [--workdir /tmp/escucha-bench-web]
                              [--requests 100] [--clients 50] [--per-client 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

PASSWORD = "bench password 123"
WORD_QUERY = "cancel* OR retraso"  # checks the store's words and word index


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = "? GiB"
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, {memory}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def build_store(workdir: Path, size: int) -> Path:
    """A workspace of `size` posts: the demo's analysed posts repeated with fresh ids, each with
    the folded words the writer stored for it and in the word index (`bulk_posts`)."""
    import sqlalchemy as sa
    from bulk_posts import check_word_query, indexed_at_once

    from escucha.demo import run_demo
    from escucha.workspace import open_workspace

    demo = workdir / "demo"
    target = workdir / f"ws-{size}"
    if (target / "escucha.db").exists():
        engine = sa.create_engine(f"sqlite:///{target / 'escucha.db'}")
        check_word_query(engine, WORD_QUERY)  # a store built before its words were copied: rebuild
        engine.dispose()
        return target
    if not (demo / "escucha.db").exists():
        print("building the demo workspace ...", flush=True)
        run_demo(demo)
    open_workspace(demo).engine.dispose()  # an older demo store migrated: its posts' words
    target.mkdir(parents=True, exist_ok=True)
    (target / "escucha.toml").write_text((demo / "escucha.toml").read_text())
    open_workspace(target).engine.dispose()  # creates and migrates the empty store
    started = time.perf_counter()
    engine = sa.create_engine(f"sqlite:///{target / 'escucha.db'}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
        conn.exec_driver_sql("ATTACH DATABASE ? AS demo", (str(demo / "escucha.db"),))
        n = conn.exec_driver_sql("SELECT max(id) FROM demo.posts").scalar()
        conn.exec_driver_sql("INSERT INTO import_runs SELECT * FROM demo.import_runs")
        conn.exec_driver_sql("INSERT INTO authors SELECT * FROM demo.authors")
        conn.exec_driver_sql("INSERT INTO settings SELECT * FROM demo.settings")
        conn.commit()
        copies = -(-size // n)
        for k in range(copies):
            offset = k * n
            limit = min(n, size - offset)
            with indexed_at_once(conn):
                conn.exec_driver_sql(
                    """INSERT INTO posts (id, source, native_id, author_handle, text, words,
                    lang_hint, created_at, fetched_at, url, parent_id, root_id, import_run_id,
                    author_id)
                    SELECT id + :o, source, native_id || '#' || :k, author_handle, text, words,
                    lang_hint, created_at, fetched_at, url, parent_id, root_id, import_run_id,
                    author_id FROM demo.posts WHERE id <= :l""",
                    {"o": offset, "k": k, "l": limit},
                )
            conn.exec_driver_sql(
                """INSERT INTO enrichments (post_id, model_version, lang, sentiment, negative,
                neutral, positive, wish, complaint, question, praise, promo, intents,
                enriched_at)
                SELECT post_id + :o, model_version, lang, sentiment, negative, neutral,
                positive, wish, complaint, question, praise, promo, intents, enriched_at
                FROM demo.enrichments WHERE post_id <= :l ORDER BY id""",
                {"o": offset, "l": limit},
            )
            conn.exec_driver_sql(
                """INSERT INTO brand_mentions SELECT post_id + :o, brand, matcher
                FROM demo.brand_mentions WHERE post_id <= :l""",
                {"o": offset, "l": limit},
            )
            conn.commit()
        conn.exec_driver_sql(
            "UPDATE settings SET value = ? WHERE key = 'brand_matcher_upto'", (str(size),)
        )
        conn.commit()
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    print(f"built {size:,} posts in {time.perf_counter() - started:.1f} s", flush=True)
    check_word_query(engine, WORD_QUERY)
    engine.dispose()
    return target


def prepare_accounts(workspace: Path) -> str:
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user, get_user_by_name
    from escucha.workspace import open_workspace

    ws = open_workspace(workspace)
    if get_user_by_name(ws.engine, "bench") is None:
        create_user(ws.engine, "bench", PASSWORD, "analyst")
    token, _ = create_token(ws.engine, "bench", "read", "bench")
    ws.engine.dispose()
    return token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER = """
import sys, uvicorn
from escucha.workspace import open_workspace
from escucha.web.app import create_app
app = create_app(open_workspace(sys.argv[1]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def start_server(workspace: Path, port: int) -> subprocess.Popen:
    import httpx

    process = subprocess.Popen([sys.executable, "-c", SERVER, str(workspace), str(port)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


PERIOD_PAGES = ("/?period=30d&compare=previous", "/explore?period=30d&compare=previous")


def bench_overview(base: str, requests: int, path: str = "/") -> dict:
    import re

    import httpx

    with httpx.Client(base_url=base, timeout=300) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)[1]
        client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
        started = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        assert "<svg" in response.text or path.startswith("/explore")
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
    return {
        "cold": cold,
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "n": requests,
    }


async def _client(base: str, token: str, n: int, deadline: float, paths: list[str], out: dict):
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        for i in range(n):
            if time.monotonic() > deadline:
                break
            path = paths[i % len(paths)]
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            out["times"].append(time.perf_counter() - started)
            out["errors"] += 0 if ok else 1


async def _concurrent(base: str, token: str, clients: int, per_client: int, budget: float):
    paths = [
        "/api/v1/posts?limit=50",
        "/api/v1/share-of-voice",
        "/api/v1/posts/12345",
        "/api/v1/net-sentiment",
        "/api/v1/posts?limit=50&cursor=500000",
        "/api/v1/me",
    ]
    out = {"times": [], "errors": 0}
    deadline = time.monotonic() + budget
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _client(base, token, per_client, deadline, paths[c % 3 :] + paths[: c % 3], out)
            for c in range(clients)
        )
    )
    elapsed = time.perf_counter() - started
    times = out["times"]
    return {
        "requests": len(times),
        "errors": out["errors"],
        "seconds": elapsed,
        "rps": len(times) / elapsed,
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/escucha-bench-web"))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds for the clients")
    args = parser.parse_args()

    print(f"escucha web benchmark, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(machine())
    workspace = build_store(args.workdir, args.size)
    token = prepare_accounts(workspace)
    port = free_port()
    server = start_server(workspace, port)
    base = f"http://127.0.0.1:{port}"
    try:
        overview = bench_overview(base, args.requests)
        print(
            f"overview GET / at {args.size:,} posts: cold {overview['cold'] * 1000:.0f} ms "
            f"(SQL aggregates + charts), then {overview['n']} requests: "
            f"p50 {overview['p50'] * 1000:.1f} ms, p95 {overview['p95'] * 1000:.1f} ms, "
            f"max {overview['max'] * 1000:.1f} ms"
        )
        for path in PERIOD_PAGES:  # a period chosen and compared with the previous one
            timed = bench_overview(base, args.requests, path)
            print(
                f"GET {path} at {args.size:,} posts: cold {timed['cold'] * 1000:.0f} ms, "
                f"then {timed['n']} requests: p50 {timed['p50'] * 1000:.1f} ms, "
                f"p95 {timed['p95'] * 1000:.1f} ms, max {timed['max'] * 1000:.1f} ms"
            )
        result = asyncio.run(_concurrent(base, token, args.clients, args.per_client, args.budget))
        print(
            f"{args.clients} concurrent API clients: {result['requests']} requests in "
            f"{result['seconds']:.1f} s ({result['rps']:.0f}/s), {result['errors']} errors, "
            f"p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms"
        )
        if result["errors"]:
            raise SystemExit(1)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
