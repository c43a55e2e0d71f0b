"""Server mode: `escucha serve --workers N` on PostgreSQL, the processes sharing their rate
limits in Redis, sessions and the data version in the store. Real uvicorn worker processes,
a real PostgreSQL and a real Redis (no stand-ins)."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from escucha.workspace import open_workspace

REDIS = "redis://127.0.0.1:6379/0"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS} does not answer ({exc}); .ci/run starts it")
    return REDIS


@pytest.fixture
def pg_url() -> Iterator[str]:
    from escucha_testkit import _fresh_pg_schema

    yield from _fresh_pg_schema()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path, pg_url: str, redis_url: str, monkeypatch) -> Iterator[tuple]:
    """`escucha serve --workers 2` on a PostgreSQL workspace with one user: (port, pid)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "escucha.toml").write_text(
        f'[workspace]\nname = "server"\n\n[web]\nredis_url = "{redis_url}"\n'
    )
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", pg_url)
    from escucha.auth.users import create_user

    workspace = open_workspace(folder)
    create_user(workspace.engine, "ana", "a long enough password", "admin")
    workspace.engine.dispose()
    port = _free_port()
    cmd = [sys.executable, "-m", "escucha", "-w", str(folder), "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--workers", "2"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while len(_workers(proc.pid)) < 2 or not _answers(port):
            assert proc.poll() is None, proc.stdout.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the server did not start in 180 s"
            time.sleep(0.3)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


def _workers(pid: int) -> list[int]:
    """The uvicorn worker processes: children of the supervisor that hold its socket."""
    import psutil

    found = []
    for child in psutil.Process(pid).children():
        try:
            if any(c.status == psutil.CONN_LISTEN for c in child.net_connections("tcp")):
                found.append(child.pid)
        except psutil.Error:
            continue
    return found


def _served_by(conn: http.client.HTTPConnection, workers: list[int]) -> int:
    """The worker process holding the server end of this kept-alive connection."""
    import psutil

    mine = conn.sock.getsockname()[1]
    for pid in workers:
        for c in psutil.Process(pid).net_connections("tcp"):
            if c.raddr and c.raddr.port == mine:
                return pid
    raise AssertionError("no worker holds the connection")


class Browser:
    """One kept-alive connection with its session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("set-cookie") or []:
            if value.startswith("escucha_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, text

    def fail_login(self) -> int:
        _, page = self.request("GET", "/login")
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        form = {"username": "ana", "password": "wrong", "csrf_token": token, "next": "/"}
        return self.request("POST", "/login", form)[0]


def _one_browser_per_worker(port: int, workers: list[int]) -> dict[int, Browser]:
    """Kept-alive connections until each worker process holds one (the kernel spreads them)."""
    by_worker: dict[int, Browser] = {}
    for _ in range(200):
        browser = Browser(port)
        browser.request("GET", "/healthz")
        by_worker.setdefault(_served_by(browser.conn, workers), browser)
        if len(by_worker) == len(workers):
            return by_worker
    pytest.fail("200 connections all went to one worker process")


@pytest.mark.postgres
def test_two_worker_processes_share_the_login_limit(server):
    port, pid = server
    workers = _workers(pid)
    assert len(workers) == 2
    browsers = list(_one_browser_per_worker(port, workers).values())
    # five failures in all (the limit), alternating between the two processes (each
    # answer's process is read from the connection): kept per process, neither would have
    # seen five, so neither would refuse the sixth
    seen: list[int] = []
    for i in range(5):
        browser = browsers[i % 2]
        assert browser.fail_login() == 401
        seen.append(_served_by(browser.conn, workers))
    assert set(seen) == set(workers), seen
    assert browsers[0].fail_login() == 429
    assert browsers[1].fail_login() == 429


@pytest.mark.postgres
def test_a_connection_idle_longer_than_uvicorns_default_stays_open(server):
    """The load test's connection resets: uvicorn closed connections idle for 5 s while the
    client was sending its next request on them. `serve` keeps them open for --keep-alive."""
    port, pid = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/healthz")
    first = conn.getresponse()
    assert first.status == 200
    first.read()
    holder = _served_by(conn, _workers(pid))
    time.sleep(6.5)
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    assert response.status == 200
    response.read()
    assert _served_by(conn, _workers(pid)) == holder  # the same connection, not a new one
    conn.close()


def test_a_session_ended_in_one_process_is_ended_in_the_other(server):
    port, pid = server
    workers = _workers(pid)
    first, second = _one_browser_per_worker(port, workers).values()
    _, page = first.request("GET", "/login")
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    form = {"username": "ana", "password": "a long enough password", "csrf_token": token}
    assert first.request("POST", "/login", {**form, "next": "/"})[0] == 303
    second.cookie = first.cookie  # the same browser, its next request on the other process
    assert second.request("GET", "/account/tokens")[0] == 200
    _, page = first.request("GET", "/account/tokens")
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    assert first.request("POST", "/logout", {"csrf_token": token})[0] == 303
    status, _ = second.request("GET", "/account/tokens")
    assert status == 303  # to /login: the store no longer knows the key


def test_the_redis_limits_are_one_count_for_every_limiter_on_the_same_prefix(redis_url):
    import uuid

    from escucha.auth.shared_limits import RedisLoginLimiter, RedisRequestLimiter, connect

    client = connect(redis_url, 4)
    prefix = f"escucha-test:{uuid.uuid4().hex}"
    one, two = (RedisLoginLimiter(client, prefix, limit=3, window=60) for _ in range(2))
    one.failed("Ana", "10.0.0.1")
    two.failed("ana", "10.0.0.1")  # names fold their case
    assert not one.blocked("ana", "10.0.0.1")
    one.failed("ana", "10.0.0.1")
    assert two.blocked("ANA", "10.0.0.1") and not two.blocked("ana", "10.0.0.2")
    assert 59 <= two.retry_after("ana", "10.0.0.1") <= 61
    two.succeeded("ana", "10.0.0.1")
    assert not one.blocked("ana", "10.0.0.1") and one.retry_after("ana", "10.0.0.1") == 0
    a, b = (RedisRequestLimiter(client, prefix + ":token", limit=4) for _ in range(2))
    assert [a.take(7), b.take(7), a.take(7), b.take(7)] == [0, 0, 0, 0]
    assert 1 <= b.take(7) <= 15 and a.take(8) == 0  # 4 a minute: the 5th waits ~15 s
    assert client.ttl(f"{prefix}:token:7") > 0  # nothing to sweep: the keys expire
    client.delete(*client.keys(prefix + "*"))


def test_a_token_and_its_user_are_taken_in_one_round_trip_as_one_after_the_other(redis_url):
    """`web.limits.take_both`: the token's bucket, then (only if it went ahead) the user's."""
    import uuid

    import redis

    from escucha.auth.shared_limits import RedisRequestLimiter, connect
    from escucha.web.limits import take_both

    client = connect(redis_url, 4)
    prefix = f"escucha-test:{uuid.uuid4().hex}"
    token = RedisRequestLimiter(client, prefix + ":token", limit=2)
    user = RedisRequestLimiter(client, prefix + ":user", limit=3)
    sent = []
    original = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        sent.append(args[0])
        return original(self, *args, **kwargs)

    redis.Redis.execute_command = counted  # type: ignore[method-assign]
    try:
        assert take_both(token, 1, user, 9) == 0
        assert len(sent) == 1  # one script call for both buckets
    finally:
        redis.Redis.execute_command = original  # type: ignore[method-assign]
    assert take_both(token, 1, user, 9) == 0
    assert take_both(token, 1, user, 9) >= 1  # token 1's bucket is empty ...
    assert take_both(token, 2, user, 9) == 0  # ... and its refusal took nothing from the user's
    assert take_both(token, 3, user, 9) >= 1  # the user's 3 are spent, whatever the token
    client.delete(*client.keys(prefix + "*"))


def test_more_requests_than_redis_connections_wait_for_one_instead_of_failing(redis_url):
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from escucha.auth.shared_limits import RedisRequestLimiter, connect

    client = connect(redis_url, 2)
    prefix = f"escucha-test:{uuid.uuid4().hex}"
    bucket = RedisRequestLimiter(client, prefix, limit=1000)
    with ThreadPoolExecutor(16) as threads:
        waits = list(threads.map(bucket.take, range(400)))
    assert waits == [0] * 400  # no "too many connections"
    client.delete(*client.keys(prefix + "*"))


def test_a_wrong_redis_url_is_one_line(tmp_path):
    from escucha.auth.shared_limits import connect
    from escucha.errors import UserError

    with pytest.raises(UserError, match=r"^\[web\] redis_url: Redis does not answer"):
        connect("redis://127.0.0.1:1/0", 2)


@pytest.mark.parametrize("warm", [True, False])
def test_serve_no_warm_reaches_every_worker_process(tmp_path, pg_url, redis_url, monkeypatch, warm):
    """`escucha serve --workers N --no-warm` leaves it in the environment each worker's
    `served_app` reads (no start-up computation of every page's aggregates)."""
    from escucha.cli.web import _prepare_workers
    from escucha.web.app import (
        SERVED_COOKIES_ENV,
        SERVED_WARM_ENV,
        SERVED_WORKSPACE_ENV,
        served_app,
    )

    for name in (SERVED_COOKIES_ENV, SERVED_WARM_ENV, SERVED_WORKSPACE_ENV):
        monkeypatch.setenv(name, "")  # restored after the test, whatever serve writes
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "escucha.toml").write_text(
        f'[workspace]\nname = "warm"\n\n[web]\nredis_url = "{redis_url}"\n'
    )
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", pg_url)
    assert _prepare_workers(open_workspace(folder), 2, None, warm) == "escucha.web.app:served_app"
    assert served_app().state.web.settings.warm_cache is warm


def test_more_than_one_worker_on_sqlite_is_refused_with_the_reason(tmp_path):
    from escucha.config import default_config
    from escucha.workspace import init_workspace

    init_workspace(tmp_path / "ws", default_config("ws"))
    env = {k: v for k, v in os.environ.items() if k != "ESCUCHA_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "escucha", "-w", str(tmp_path / "ws"), "serve", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "--workers 2 needs PostgreSQL" in done.stderr and done.stderr.count("\n") == 1


def test_redis_url_must_be_a_redis_url():
    from escucha.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match="'redis_url' must be a redis://"):
        parse_config({"web": {"redis_url": "http://127.0.0.1:6379"}})
    web = parse_config({"web": {"redis_url": REDIS, "db_pool_size": 3}}).web
    assert (web.redis_url, web.db_pool_size, web.db_max_overflow) == (REDIS, 3, 10)


def test_the_data_version_moves_when_a_post_below_the_top_is_deleted(tmp_path, database_url):
    """The caches of every worker key on the store's data version: a tombstoned post that is
    not the newest changes no maximum, so the generation must move (read by a second engine,
    as another process would)."""
    from escucha.config import default_config
    from escucha.core.items import Deletion
    from escucha.reads.versions import data_version
    from escucha.store.db import make_engine
    from escucha.store.writer import apply_deletions
    from escucha.workspace import init_workspace

    os.environ["ESCUCHA_DATABASE_URL"] = database_url
    try:
        workspace = init_workspace(tmp_path / "ws", default_config("ws"))
        (tmp_path / "p.csv").write_text("id,body\n1,hola\n2,adios\n")
        workspace.import_file(tmp_path / "p.csv", mapping={"text": "body"})
    finally:
        del os.environ["ESCUCHA_DATABASE_URL"]
    other = make_engine(database_url)
    with other.connect() as conn:
        before = data_version(conn, "m")
    with workspace.engine.begin() as conn:
        assert apply_deletions(conn, "p", [Deletion("1")]) == 1
    with other.connect() as conn:
        after = data_version(conn, "m")
    assert after != before and after[:3] == before[:3]  # the maxima did not move
    other.dispose()
