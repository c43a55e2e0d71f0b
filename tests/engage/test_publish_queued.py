"""Publishing through the queue when the store has one: approving a reply draft (web, CLI,
API) queues its publish job, the web app's publish button queues the job instead of calling
the platform inside the request, and the drafts pages show the job's state; a job that
crashes after the platform accepted is retried by a real worker and the reply exists once.
Without a queue (SQLite, or PostgreSQL before any worker ran) approving only approves."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
import typer

from escucha.cli import main
from escucha.engage.drafts import Actor, approve_draft, create_draft, get_draft
from escucha.jobs.publishing import after_approval, publish_jobs, queue_ready
from escucha.web.context import WebSettings
from web.conftest import PASSWORD, bearer, csrf_of, logged_in

from .helpers import add_post, mentions_us, read_as
from .test_publish import _setup
from .test_publish_job import _crash_once_after_the_call

REPLY = "Hola Ana, lo sentimos. Escríbenos por privado con tu localizador y lo miramos."


def _app(ws):
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.web.app import create_app

    create_user(ws.engine, "ada", PASSWORD, "admin")
    token = create_token(ws.engine, "ada", "write")[0]
    return create_app(ws, WebSettings()), token


def _another_post(ws, fake, text: str) -> int:
    post = add_post(ws, fake.post(text, acct="bea"), text, author="bea")
    read_as(ws, post, "question")
    mentions_us(ws, post)
    return post


def _jobs(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        return [
            (row.args["draft_id"], row.status, row.attempts)
            for row in conn.execute(
                sa.text(
                    "SELECT args, status::text AS status, attempts FROM procrastinate_jobs"
                    " WHERE task_name = 'escucha:publish' ORDER BY id"
                )
            )
        ]


def _replies(fake, native: str) -> list[dict]:
    return [s for s in fake.statuses if s.get("in_reply_to_id") == native]


def test_without_a_queue_approving_only_approves(engage_ws, server, monkeypatch):
    fake, ws, post, native = _setup(engage_ws, server, monkeypatch)
    draft = create_draft(ws, post, REPLY, by="luis")
    done = approve_draft(ws, draft["draft_id"], Actor("marta", "admin"))
    assert not queue_ready(ws)  # SQLite, or PostgreSQL before any worker or `jobs queue`
    assert after_approval(ws, done) is False
    assert publish_jobs(ws, [draft["draft_id"]]) == {}
    assert get_draft(ws, draft["draft_id"])["status"] == "approved" and _replies(fake, native) == []


def test_with_a_queue_approving_and_the_publish_button_queue_jobs_a_worker_runs(
    engage_ws, server, monkeypatch, database_url, capsys
):
    if not database_url.startswith("postgresql"):
        pytest.skip("the queue is PostgreSQL's (procrastinate)")
    from escucha.jobs.queue import ensure_schema
    from escucha.jobs.worker import run_worker

    fake, ws, post, native = _setup(engage_ws, server, monkeypatch)
    ensure_schema(ws)  # what the first `escucha worker` does
    assert queue_ready(ws)
    app, token = _app(ws)
    admin = logged_in(app, "ada")
    csrf = csrf_of(admin, "/drafts")

    # approving in the web app queues the publish job; nothing is sent in the request
    first = create_draft(ws, post, REPLY, by="luis")["draft_id"]
    done = admin.post(f"/drafts/{first}/approve", data={"csrf_token": csrf})
    assert done.status_code == 303
    assert _jobs(ws) == [(first, "todo", 0)] and _replies(fake, native) == []
    page = admin.get("/drafts?status=approved").text
    card = re.search(rf'<article class="card draft" id="draft-{first}">.*?</article>', page, re.S)
    assert 'data-job="todo"' in card[0] and "Queued for publishing" in card[0]
    assert f'action="/drafts/{first}/publish"' not in card[0]  # no second, synchronous publish

    # a draft approved where no face queues (the library call): its publish button queues it
    second_post = _another_post(ws, fake, "¿Y mi reembolso, Iberia?")
    second = create_draft(ws, second_post, "Hola Bea, te lo devolvemos esta semana.", by="luis")
    approve_draft(ws, second["draft_id"], Actor("marta", "admin"))
    page = admin.get("/drafts?status=approved").text
    assert f'action="/drafts/{second["draft_id"]}/publish"' in page
    queued = admin.post(f"/drafts/{second['draft_id']}/publish", data={"csrf_token": csrf})
    assert queued.status_code == 303
    assert queued.headers["location"] == f"/drafts?status=approved#draft-{second['draft_id']}"
    assert [j[:2] for j in _jobs(ws)] == [(first, "todo"), (second["draft_id"], "todo")]
    assert len(fake.statuses) == 2  # only the two asks: nothing published yet
    again = admin.post(f"/drafts/{second['draft_id']}/publish", data={"csrf_token": csrf})
    assert again.status_code == 303 and len(_jobs(ws)) == 2  # already waiting: not queued twice

    # the worker publishes both; the first dies once after the platform accepted, is retried
    calls = _crash_once_after_the_call(monkeypatch)
    run_worker(ws, burst=True, retry_wait=0)
    assert sorted(_jobs(ws)) == sorted(
        [(first, "succeeded", 2), (second["draft_id"], "succeeded", 1)]
    )
    assert len(calls) == 3 and calls[0] == calls[1]  # the retry sent the same key
    assert len(_replies(fake, native)) == 1
    other_native = fake.statuses[1]["id"]
    assert len(_replies(fake, other_native)) == 1
    published = admin.get("/drafts?status=published").text
    assert f'id="draft-{first}"' in published and f'id="draft-{second["draft_id"]}"' in published
    assert "data-job" not in published

    # the API's approval says it queued the job
    third = create_draft(ws, second_post, "Bea, ya está en camino.", by="luis")["draft_id"]
    answer = admin.post(f"/api/v1/drafts/{third}/approve", headers=bearer(token))
    assert answer.status_code == 200 and answer.json()["publish_queued"] is True
    assert _jobs(ws)[-1] == (third, "todo", 0)
    # and so does the CLI's
    fourth = create_draft(ws, second_post, "Bea, mañana lo tienes.", by="luis")["draft_id"]
    with pytest.raises((SystemExit, typer.Exit)) as ended:
        main(["-w", str(ws.path), "drafts", "approve", str(fourth), "--by", "ada"])
    assert getattr(ended.value, "code", None) in (0, None)
    assert getattr(ended.value, "exit_code", 0) == 0
    assert "its publish job is queued" in capsys.readouterr().out
    assert _jobs(ws)[-1] == (fourth, "todo", 0)


def test_a_publish_job_that_fails_every_attempt_shows_and_can_be_queued_again(
    engage_ws, server, monkeypatch, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("the queue is PostgreSQL's (procrastinate)")
    from escucha.jobs.queue import ensure_schema
    from escucha.jobs.worker import run_worker

    fake, ws, post, native = _setup(engage_ws, server, monkeypatch, token=None)  # no credentials
    ensure_schema(ws)
    app, _ = _app(ws)
    admin = logged_in(app, "ada")
    csrf = csrf_of(admin, "/drafts")
    draft = create_draft(ws, post, REPLY, by="luis")["draft_id"]
    assert admin.post(f"/drafts/{draft}/approve", data={"csrf_token": csrf}).status_code == 303
    run_worker(ws, burst=True, retry_wait=0)
    assert _jobs(ws) == [(draft, "failed", 5)]
    page = admin.get("/drafts?status=approved").text
    assert 'data-job="failed"' in page and "publishing needs an access token" in page
    assert f'action="/drafts/{draft}/publish"' in page  # publish again: a new job
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    assert admin.post(f"/drafts/{draft}/publish", data={"csrf_token": csrf}).status_code == 303
    assert _jobs(ws)[-1] == (draft, "todo", 0)
    run_worker(ws, burst=True, retry_wait=0)
    assert _jobs(ws)[-1] == (draft, "succeeded", 1) and len(_replies(fake, native)) == 1
