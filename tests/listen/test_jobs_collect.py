"""Collection as a background job (`escucha worker`, procrastinate on PostgreSQL): a worker
killed mid-job leaves the job running in the queue; the next worker puts it back and the
retried collection doubles nothing."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.workspace import Workspace

from .conftest import escucha_cmd, make_workspace, stored
from .fake_discourse import FakeForum

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> Iterator[str]:
    from escucha_testkit import _fresh_pg_schema

    yield from _fresh_pg_schema()


@pytest.fixture
def forum_ws(tmp_path: Path, pg_url: str, server, monkeypatch) -> tuple[Workspace, FakeForum]:
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", pg_url)
    forum = FakeForum(server, topics=40, posts=5, per_page=5)
    forum.delay = 0.03
    source = SourceConfig(
        "forum", "discourse", {"base_url": server.url, "allow_private_networks": True}
    )
    return make_workspace(tmp_path / "ws", source), forum


def _count(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT count(*) FROM posts"))


def _job_states(ws: Workspace) -> list[tuple[str, str]]:
    query = "SELECT task_name, status::text FROM procrastinate_jobs WHERE task_name LIKE '%collect'"
    with ws.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(query))]


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_mid_job_is_retried_without_duplicates(forum_ws):
    ws, forum = forum_ws
    worker = escucha_cmd("-w", str(ws.path), "worker", "--queue", "collect", "--stalled-after", "2")
    queued = subprocess.run(
        escucha_cmd("-w", str(ws.path), "jobs", "queue", "collect", "--source", "forum"),
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
    )
    assert queued.returncode == 0, queued.stderr
    assert "queued collect" in queued.stdout

    first = subprocess.Popen(
        worker, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        _wait_for(lambda: _count(ws) >= 40, 60)
    finally:
        first.kill()  # SIGKILL: the job stays 'doing', its transaction rolled back
        first.wait()
    killed_at = _count(ws)
    assert 40 <= killed_at < 200
    assert _job_states(ws) == [("escucha:collect", "doing")]

    time.sleep(2.5)  # the dead worker's heartbeat is now older than --stalled-after
    second = subprocess.run(
        [*worker, "--burst"], env=os.environ.copy(), capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0, second.stderr
    assert [r[0] for r in stored(ws)] == forum.all_ids()  # all 200, each once
    assert _job_states(ws) == [("escucha:collect", "succeeded")]
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM raw_payloads")) == 200
        assert conn.scalar(sa.text("SELECT sum(accepted) FROM import_runs")) == 200
        assert conn.scalar(sa.text("SELECT collected FROM source_state")) == 200
