"""The gunicorn recipe of docs/server.md: gunicorn's process manager with uvicorn workers, each
building the app with `escucha.web.app:served_app()`, on PostgreSQL with the limits in Redis.
Real gunicorn, real PostgreSQL, real Redis; skipped where gunicorn is not installed (it is in
the dev extra, not a dependency)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from escucha.workspace import open_workspace

pytest.importorskip("gunicorn")
REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def pg_url() -> Iterator[str]:
    from escucha_testkit import _fresh_pg_schema

    yield from _fresh_pg_schema()


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS} does not answer ({exc}); .ci/run starts it")
    return REDIS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_the_documented_gunicorn_command_serves_the_workspace(
    tmp_path: Path, pg_url: str, redis_url: str, monkeypatch
):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "escucha.toml").write_text(
        f'[workspace]\nname = "gunicorn"\n\n[web]\nredis_url = "{redis_url}"\n'
    )
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", pg_url)
    from escucha.auth.secret import load_or_create_secret
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user

    workspace = open_workspace(folder)  # migrates the store, as `escucha serve` does first
    load_or_create_secret(folder)  # what the one `escucha serve` of the recipe leaves behind
    create_user(workspace.engine, "ana", "a long enough password", "analyst")
    token = create_token(workspace.engine, "ana", "read")[0]
    workspace.engine.dispose()

    port = _free_port()
    # docs/server.md: gunicorn -k uvicorn.workers.UvicornWorker 'escucha.web.app:served_app()' -w 4
    command = [sys.executable, "-m", "gunicorn", "-k", "uvicorn.workers.UvicornWorker"]
    command += ["escucha.web.app:served_app()", "-w", "2", "-b", f"127.0.0.1:{port}"]
    command += ["--timeout", "120"]
    env = {**os.environ, "ESCUCHA_SERVE_WORKSPACE": str(folder)}
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.stdout.read().decode()  # type: ignore[union-attr]
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer in 180 s"
            time.sleep(0.3)
        status, page = _get(port, "/login")
        assert status == 200 and b'name="csrf_token"' in page
        status, body = _get(port, "/api/v1/me", {"Authorization": f"Bearer {token}"})
        assert status == 200, body
        assert b'"user":"ana"' in body.replace(b" ", b"")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
