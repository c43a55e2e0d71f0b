"""Digests as background jobs (procrastinate on PostgreSQL): the schedule queues the due
digests once, and a send job run again sends nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from alerts.servers import Receiver
from escucha.digests import add_digest
from escucha.jobs import tasks
from escucha.workspace import Workspace, init_workspace

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_workspace(tmp_path, monkeypatch) -> Iterator[Workspace]:
    from escucha.config import default_config
    from escucha_testkit import _fresh_pg_schema

    for url in _fresh_pg_schema():
        monkeypatch.setenv("ESCUCHA_DATABASE_URL", url)
        yield init_workspace(tmp_path / "ws", default_config("digest jobs"))


def _jobs(ws: Workspace) -> list[tuple]:
    query = (
        "SELECT args->>'digest_id', status::text FROM procrastinate_jobs "
        "WHERE task_name = 'escucha:send_digest' ORDER BY id"
    )
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(query))]


def test_due_digests_are_queued_once_sent_once_and_not_again(pg_workspace):
    from escucha.jobs.queue import ensure_schema, make_app
    from escucha.jobs.worker import queue_job, run_worker

    ws = pg_workspace
    with Receiver(200) as hook:
        first = add_digest(ws, "daily", f"webhook:{hook.url('/a')}")
        second = add_digest(ws, "weekly", f"webhook:{hook.url('/b')}", lang="es")
        ensure_schema(ws)
        app = make_app(ws, max_connections=2)
        with app.open():
            context = SimpleNamespace(app=app, additional_context={"workspace": ws})
            assert tasks.schedule_digests(context, 0) == [first.id, second.id]
            assert tasks.schedule_digests(context, 0) == []  # already waiting: not again
        assert _jobs(ws) == [(str(first.id), "todo"), (str(second.id), "todo")]
        run_worker(ws, burst=True, retry_wait=0)
        assert [s for _, s in _jobs(ws)] == ["succeeded", "succeeded"]
        assert len(hook.bodies) == 2
        # a retried or repeated job: the periods are in the sent-log, nothing is sent
        assert queue_job(ws, "send_digest", digest_id=first.id)
        run_worker(ws, burst=True, retry_wait=0)
        with app.open():
            context = SimpleNamespace(app=app, additional_context={"workspace": ws})
            assert tasks.schedule_digests(context, 0) == []  # nothing due
    assert len(hook.bodies) == 2
    assert sorted(b["digest"] for b in hook.bodies) == [first.id, second.id]


def test_a_refused_digest_is_retried_by_the_worker_and_sent_once(pg_workspace):
    from escucha.jobs.worker import queue_job, run_worker
    from escucha.store.schema import digest_sends

    ws = pg_workspace
    with Receiver(503, 503, 200) as hook:
        digest = add_digest(ws, "daily", f"webhook:{hook.url()}")
        assert queue_job(ws, "send_digest", digest_id=digest.id)
        run_worker(ws, burst=True, retry_wait=0)
    assert _jobs(ws) == [(str(digest.id), "succeeded")]
    keys = {h["Idempotency-Key"] for h in hook.headers}
    assert len(hook.bodies) == 3 and len(keys) == 1  # two refusals, one accepted
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(digest_sends)).one()
    assert (row.status, row.attempts) == ("sent", 3)


def test_the_send_digest_job_needs_its_digest(pg_workspace):
    from escucha.errors import UserError
    from escucha.jobs.worker import queue_job

    with pytest.raises(UserError, match="needs --digest ID"):
        queue_job(pg_workspace, "send_digest")


def test_send_now_in_the_web_app_queues_the_job_and_shows_its_state(pg_workspace):
    """With a queue, "Send now" queues the send job (nothing is sent in the request) and the
    alerts page shows it queued until a worker has sent it."""
    from escucha.auth.users import create_user
    from escucha.jobs.queue import ensure_schema
    from escucha.jobs.worker import run_worker
    from escucha.web.app import create_app
    from web.conftest import PASSWORD, csrf_of, logged_in

    ws = pg_workspace
    create_user(ws.engine, "ada", PASSWORD, "admin")
    ensure_schema(ws)  # what the first `escucha worker` does
    with Receiver(200) as hook:
        digest = add_digest(ws, "daily", f"webhook:{hook.url('/a')}")
        admin = logged_in(create_app(ws), "ada")
        token = csrf_of(admin, "/alerts")
        page = admin.post(f"/alerts/digests/{digest.id}/send", data={"csrf_token": token})
        assert page.status_code == 200 and f"Digest #{digest.id}: queued" in page.text
        assert hook.bodies == [] and _jobs(ws) == [(str(digest.id), "todo")]
        shown = admin.get("/alerts").text
        assert 'data-job="todo"' in shown
        assert f'action="/alerts/digests/{digest.id}/send"' not in shown  # no second send
        again = admin.post(f"/alerts/digests/{digest.id}/send", data={"csrf_token": token})
        assert again.status_code == 200 and len(_jobs(ws)) == 1  # waiting: not queued twice
        run_worker(ws, burst=True, retry_wait=0)
        assert _jobs(ws) == [(str(digest.id), "succeeded")] and len(hook.bodies) == 1
        shown = admin.get("/alerts").text
        assert "data-job" not in shown and f'action="/alerts/digests/{digest.id}/send"' in shown
        missing = admin.post("/alerts/digests/999/send", data={"csrf_token": token})
        assert missing.status_code == 404
