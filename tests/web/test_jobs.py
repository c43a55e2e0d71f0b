"""Background jobs on procrastinate (PostgreSQL): retries, the dead-letter list in the CLI and
on the admins' /jobs page, retry and discard; on SQLite, one clear line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from escucha.workspace import Workspace, init_workspace

from .conftest import PASSWORD, make_client

HOSTILE = "<script>alert(1)</script>"


def escucha(folder: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "escucha", "-w", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env or os.environ.copy(),
    )


@pytest.fixture
def pg_workspace(tmp_path: Path, monkeypatch) -> Iterator[Workspace]:
    from escucha.config import default_config
    from escucha_testkit import _fresh_pg_schema

    for url in _fresh_pg_schema():
        monkeypatch.setenv("ESCUCHA_DATABASE_URL", url)
        yield init_workspace(tmp_path / "ws", default_config("jobs"))


def _failed(folder: Path) -> list[dict]:
    done = escucha(folder, "jobs", "failed", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.postgres
def test_a_failing_job_is_retried_then_listed_retried_and_discarded(pg_workspace):
    folder = pg_workspace.path
    assert _failed(folder) == []  # no queue yet: nothing failed
    assert escucha(folder, "jobs", "queue", "collect", "--source", "ghost").returncode == 0
    ran = escucha(folder, "worker", "--burst", "--retry-wait", "0")
    assert ran.returncode == 0, ran.stderr
    [job] = _failed(folder)
    assert job["task"] == "collect" and job["args"] == {"source": "ghost"}
    assert job["attempts"] == 5  # the first run and 4 retries
    assert job["error"] == "UserError: no source named 'ghost' in escucha.toml"

    assert escucha(folder, "jobs", "retry", str(job["id"])).returncode == 0
    assert _failed(folder) == []  # queued again
    assert escucha(folder, "worker", "--burst", "--retry-wait", "0").returncode == 0
    [again] = _failed(folder)
    assert again["id"] == job["id"] and again["attempts"] > 5  # its count goes on

    assert escucha(folder, "jobs", "discard", str(job["id"])).returncode == 0
    assert _failed(folder) == []
    refused = escucha(folder, "jobs", "retry", str(job["id"]))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"escucha: error: no failed job #{job['id']}; see 'escucha jobs failed'"
    )


@pytest.mark.postgres
def test_the_jobs_page_lists_dead_letters_escaped_for_admins_only(pg_workspace):
    from escucha.auth.users import create_user
    from escucha.web.app import create_app

    folder = pg_workspace.path
    assert escucha(folder, "jobs", "queue", "collect", "--source", HOSTILE).returncode == 0
    assert escucha(folder, "worker", "--burst", "--retry-wait", "0").returncode == 0
    create_user(pg_workspace.engine, "ada", PASSWORD, "admin")
    create_user(pg_workspace.engine, "ana", PASSWORD, "analyst")
    app = create_app(pg_workspace)
    admin, analyst = make_client(app), make_client(app)
    for client, name in ((admin, "ada"), (analyst, "ana")):
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)[1]
        form = {"username": name, "password": PASSWORD, "csrf_token": token, "next": "/"}
        assert client.post("/login", data=form).status_code == 303

    page = admin.get("/jobs")
    assert page.status_code == 200
    assert HOSTILE not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "no source named" in page.text
    job_id = re.search(r'action="/jobs/(\d+)/retry"', page.text)[1]
    assert analyst.get("/jobs").status_code == 403
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)[1]
    retried = admin.post(f"/jobs/{job_id}/retry", data={"csrf_token": token})
    assert retried.status_code == 303 and retried.headers["location"] == "/jobs?done=retried"
    assert admin.get("/jobs").text.count('action="/jobs/') == 0
    gone = admin.post(f"/jobs/{job_id}/discard", data={"csrf_token": token})
    assert gone.status_code == 404  # no longer failed


def test_on_sqlite_the_worker_says_jobs_need_postgresql(tmp_path, monkeypatch):
    from escucha.config import default_config

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    init_workspace(tmp_path / "ws", default_config("ws"))
    env = os.environ.copy()
    for args in (("worker",), ("jobs", "failed"), ("jobs", "queue", "analyse")):
        done = escucha(tmp_path / "ws", *args, env=env)
        assert done.returncode == 1, args
        assert done.stderr.startswith("escucha: error: background jobs need PostgreSQL")
        assert done.stderr.count("\n") == 1
