"""What one warm request of each load-test endpoint costs the server, measured in one process.

Opens the workspace that bench/load_generate.py built with the settings `escucha serve` uses
(PostgreSQL, the rate limits in Redis when `[web] redis_url` is set), logs in as the load
test's analyst, warms each endpoint (the first requests compute the cached aggregates), then
calls each endpoint `--repeat` times in a row through the ASGI app (no network, no server) and
reports per warm request: the Python process's CPU time (every thread; the median and, less
moved by other processes on a loaded machine, the minimum), the SQL statements and
the wall time spent in them (client side: PostgreSQL's work plus the loopback round trip),
the connection checkouts (each a pre-ping round trip on PostgreSQL) and the Redis commands.

    python bench/request_cost.py [--folder /tmp/escucha-load]
        [--url postgresql://postgres@127.0.0.1:5432/escucha_load] [--repeat 30] [--profile N]

`--profile N` prints cProfile's N costliest functions (cumulative) of each endpoint (the
sync handlers then run in the event loop's thread, so that one profiler sees them). The CPU
time includes the in-process client's (httpx over ASGI), the same before and after a change.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import time
from pathlib import Path

from load_run import ENDPOINTS, accounts, app_url, login_form, target


class Counters:
    """SQL statements and their wall time, pool checkouts and Redis commands, as they happen."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.sql = self.checkouts = self.redis = 0
        self.sql_s = 0.0
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine.pool, "checkout", self._checkout)
        import redis

        original = redis.Redis.execute_command

        def counted(client, *args, **kwargs):
            self.redis += 1
            return original(client, *args, **kwargs)

        redis.Redis.execute_command = counted  # type: ignore[method-assign]

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["escucha_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.sql += 1
        self.sql_s += time.perf_counter() - conn.info.pop("escucha_started")
        self.statements.append(" ".join(statement.split())[:100])

    def _checkout(self, *args) -> None:
        self.checkouts += 1

    def reset(self) -> None:
        self.sql = self.checkouts = self.redis = 0
        self.sql_s = 0.0
        self.statements = []


def inline_threadpool() -> None:
    """Sync endpoints and dependencies run in the calling thread (for cProfile)."""
    import fastapi.dependencies.utils
    import fastapi.routing

    async def inline(func, *args, **kwargs):
        return func(*args, **kwargs)

    fastapi.routing.run_in_threadpool = inline  # type: ignore[assignment]
    fastapi.dependencies.utils.run_in_threadpool = inline  # type: ignore[assignment]


async def measure(app, counters: Counters, token: str, top: int, args) -> None:
    import httpx

    transport = httpx.ASGITransport(app=app)
    browser = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")
    await browser.post("/login", data=login_form((await browser.get("/login")).text))
    api = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")
    api.headers["Authorization"] = "Bearer " + token
    print(
        f"{'endpoint':32} {'CPU ms':>7} {'min':>5} {'wall ms':>8} {'SQL':>4} {'SQL ms':>7} "
        f"{'conns':>5} {'redis':>5} {'bytes':>9}"
    )
    for name, path, as_api in ENDPOINTS:
        client = api if as_api else browser
        url = target(path, top)
        for _ in range(3):  # warm: the first computes and caches the aggregates
            response = await client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        cpu, wall, sql, sql_s, conns, redis_calls = [], [], [], [], [], []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.repeat):
            counters.reset()
            started_cpu, started = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            response = await client.get(url)
            if profiler:
                profiler.disable()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            sql.append(counters.sql)
            sql_s.append(counters.sql_s)
            conns.append(counters.checkouts)
            redis_calls.append(counters.redis)
        print(
            f"{name:32} {statistics.median(cpu) * 1000:7.1f} {min(cpu) * 1000:5.1f} "
            f"{statistics.median(wall) * 1000:8.1f} "
            f"{statistics.median(sql):4.0f} {statistics.median(sql_s) * 1000:7.1f} "
            f"{statistics.median(conns):5.0f} {statistics.median(redis_calls):5.0f} "
            f"{len(response.content):9,}",
            flush=True,
        )
        if args.statements:
            for statement in counters.statements:
                print("    ", statement)
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile // 2)
            print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/escucha-load"))
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/escucha_load")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--statements", action="store_true", help="list one request's SQL")
    args = parser.parse_args()
    os.environ["ESCUCHA_DATABASE_URL"] = app_url(args.url)
    token, top = accounts(args.folder)

    from escucha.web.app import create_app
    from escucha.web.context import WebSettings
    from escucha.workspace import open_workspace

    if args.profile:
        inline_threadpool()
    workspace = open_workspace(args.folder)
    app = create_app(workspace, WebSettings(limits=workspace.config.web, compute_wait=600))
    counters = Counters(workspace.engine)
    asyncio.run(measure(app, counters, token, top, args))
    workspace.engine.dispose()


if __name__ == "__main__":
    main()
