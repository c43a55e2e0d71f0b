"""Publishing as a background job: a job killed after the platform accepted the reply and
before escucha wrote it down is retried with the same idempotency key, and the reply exists
once (on PostgreSQL through a real worker; on SQLite, where there is no queue, the same task
run twice by hand)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from escucha.jobs import tasks
from escucha.listen.sources.mastodon import MastodonSource
from escucha.store.schema import posts, publications

from .test_publish import TEXT, _approved, _setup


class Killed(Exception):
    """The worker died here (the platform had accepted the write)."""


def _crash_once_after_the_call(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = MastodonSource.reply

    def reply(self, parent, text, key):
        published = real(self, parent, text, key)
        calls.append(key)
        if len(calls) == 1:
            raise Killed("killed after the platform accepted the reply")
        return published

    monkeypatch.setattr(MastodonSource, "reply", reply)
    return calls


def test_a_publish_job_killed_after_the_platform_accepted_publishes_once(
    engage_ws, server, sleeps, monkeypatch, database_url
):
    fake, ws, post, native = _setup(engage_ws, server, monkeypatch)
    draft = _approved(ws, post)
    calls = _crash_once_after_the_call(monkeypatch)
    if database_url.startswith("postgresql"):
        from escucha.jobs.worker import queue_job, run_worker

        assert queue_job(ws, "publish", draft_id=draft["draft_id"])
        assert not queue_job(ws, "publish", draft_id=draft["draft_id"])  # already waiting
        run_worker(ws, burst=True, retry_wait=0)
        with ws.engine.connect() as conn:
            jobs = conn.execute(
                sa.text(
                    "SELECT status::text, attempts FROM procrastinate_jobs"
                    " WHERE task_name = 'escucha:publish'"
                )
            ).all()
        assert [tuple(j) for j in jobs] == [("succeeded", 2)]  # two runs: killed, then retried
    else:
        context = SimpleNamespace(additional_context={"workspace": ws})
        with pytest.raises(Killed):
            tasks.publish(context, draft_id=draft["draft_id"])
        with ws.engine.connect() as conn:
            state = conn.execute(sa.select(publications.c.state)).scalar_one()
        assert state == "sending"  # nothing written after the call
        assert tasks.publish(context, draft_id=draft["draft_id"])["again"] is False
        assert tasks.publish(context, draft_id=draft["draft_id"])["again"] is True
    assert calls == [draft["key"], draft["key"]]  # the same key both times
    replies = [s for s in fake.statuses if s.get("in_reply_to_id") == native]
    assert len(replies) == 1  # the instance answered the repeat with the reply it made
    with ws.engine.connect() as conn:
        ours = conn.execute(sa.select(posts.c.id).where(posts.c.text == TEXT)).all()
        done = conn.execute(sa.select(publications)).one()
    assert len(ours) == 1 and done.state == "published" and done.attempts == 2
