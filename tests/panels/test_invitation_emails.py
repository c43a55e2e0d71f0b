"""Emailing product-test invitations through a local SMTP server: each tester once, in their
language, with their own working link; a crash after the server accepted some of the
messages and a retry (by hand on SQLite, through a real worker on PostgreSQL); opted-out
testers never emailed; no address in the logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from escucha.community.rights import opt_out
from escucha.errors import NotFound
from escucha.panels import sending
from escucha.panels.define import create_panel
from escucha.panels.invite import invite
from escucha.panels.links import find_tester
from escucha.panels.recruit import recruit
from escucha.store.schema.panels import panel_invitation_sends
from mail_testkit import (
    PASSWORD,
    crash_marking_sent,
    job_runs,
    mails_by_recipient,
    refuse_recipient,
    sink_fixture,  # noqa: F401 (the `sink` fixture)
    use_sink,
)

from .helpers import crowd, people, run_cli


@pytest.fixture
def ws(workspace, tmp_path, sink, monkeypatch):
    """Four ask-ready people (two write Spanish, two English) and SMTP settings."""
    from escucha.workspace import open_workspace

    use_sink(workspace.path, sink, monkeypatch)
    ws = open_workspace(workspace.path)
    rows = crowd(4)
    for row in rows[2:]:
        row[2] = "en"
    people(ws, tmp_path, rows)
    return ws


def _invited(ws) -> tuple[int, dict[str, dict]]:
    """A recruited, invited test; its id and each tester's address -> what `invite` made."""
    panel = create_panel(ws, "Bottle", "all", 4, seed=1, product="Botella", receives="loan")
    recruit(ws, panel["id"])
    done = invite(ws, panel["id"])
    assert len(done["invited"]) == 4
    return panel["id"], {f"p{int(i['name'][1:])}@example.org": i for i in done["invited"]}


def _token(mail) -> str:
    return mail.get_body(("plain",)).get_content().split("/t/")[1].split()[0]


def _opens(ws, token: str) -> int:
    with ws.engine.connect() as conn:
        return find_tester(conn, token).contact_id


def _log(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(
                    panel_invitation_sends.c.status,
                    panel_invitation_sends.c.attempts,
                    panel_invitation_sends.c.link_nonce,
                ).order_by(panel_invitation_sends.c.tester_id)
            )
        ]


def test_each_tester_is_emailed_once_in_their_language_with_a_working_link(ws, sink, caplog):
    caplog.set_level(logging.DEBUG)
    panel_id, made = _invited(ws)
    first = sending.send_invitations(ws, panel_id)
    again = sending.send_invitations(ws, panel_id)  # a job run twice
    assert len(first["sent"]) == 4 and first["skipped"] == [] and first["failed"] == []
    assert again["sent"] == [] and sorted(again["already_sent"]) == sorted(first["sent"])
    mails = mails_by_recipient(sink)
    assert sorted(mails) == sorted(made) and all(len(m) == 1 for m in mails.values())
    assert sink.logins[0] == ("escucha", PASSWORD)
    spanish, english = mails["p0@example.org"][0], mails["p2@example.org"][0]
    assert "te invita a probar «Botella»" in spanish["Subject"]
    assert "te lo prestamos" in spanish.get_body(("plain",)).get_content()
    assert "invites you to test" in english["Subject"]
    assert spanish["Message-ID"].startswith(f"<escucha-panel-invitation-{panel_id}-")
    # each emailed link opens that tester; the link made when invited was never sent, it is gone
    for address, [mail] in mails.items():
        assert _opens(ws, _token(mail)) == made[address]["contact"]
        with pytest.raises(NotFound):
            _opens(ws, made[address]["url"].split("/t/")[1])
    assert _log(ws) == [("sent", 1, None)] * 4  # no nonce kept: the store cannot make the token
    assert not any(address in caplog.text for address in made)


def test_a_crash_after_the_server_accepted_some_then_a_retry_sends_nobody_twice(
    ws, sink, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    panel_id, made = _invited(ws)
    opt_out(ws, made["p3@example.org"]["contact"])
    with monkeypatch.context() as patched, pytest.raises(RuntimeError, match="worker killed"):
        crash_marking_sent(patched, call=2)
        sending.send_invitations(ws, panel_id)
    assert len(sink.messages) == 2  # the second was accepted, then the crash
    assert [r[:2] for r in _log(ws)] == [("sent", 1), ("failed", 1)]
    retry = sending.send_invitations(ws, panel_id)
    assert len(retry["already_sent"]) == 1 and len(retry["sent"]) == 2
    assert [s["reason"] for s in retry["skipped"]] == ["opted out"]
    assert [r[:2] for r in _log(ws)] == [("sent", 1), ("sent", 2), ("sent", 1)]
    mails = mails_by_recipient(sink)
    assert "p3@example.org" not in mails
    assert sorted(len(m) for m in mails.values()) == [1, 1, 2]  # only the interrupted one twice
    (twice,) = [m for m in mails.values() if len(m) == 2]
    assert twice[0]["Message-ID"] == twice[1]["Message-ID"]
    assert _token(twice[0]) == _token(twice[1])  # the same link, and it works
    assert _opens(ws, _token(twice[1]))
    assert not any(address in caplog.text for address in made)


def test_a_refused_message_is_retried_and_a_claimed_row_waits_until_stale(ws, sink, monkeypatch):
    panel_id, _ = _invited(ws)
    now = datetime.now(UTC)

    with monkeypatch.context() as patched:
        patched.setattr("escucha.digests.deliver.send_email", refuse_recipient)
        refused = sending.send_invitations(ws, panel_id, now=now)
    assert len(refused["failed"]) == 4
    assert all("example.org" not in item["error"] for item in refused["failed"])
    with ws.engine.begin() as conn:  # one row held by a live attempt
        first = conn.scalar(sa.select(sa.func.min(panel_invitation_sends.c.id)))
        conn.execute(
            panel_invitation_sends.update()
            .where(panel_invitation_sends.c.id == first)
            .values(status="claimed")
        )
    done = sending.send_invitations(ws, panel_id, now=now)
    assert len(done["in_progress"]) == 1 and len(done["sent"]) == 3
    later = sending.send_invitations(ws, panel_id, now=now + timedelta(minutes=16))
    assert later["sent"] == done["in_progress"]
    assert len(sink.messages) == 4


def test_the_cli_invites_and_emails(ws, sink, capsys):
    panel = create_panel(ws, "Bottle", "all", 4, seed=1, product="Botella")
    recruit(ws, panel["id"])
    code, out, err = run_cli(capsys, "-w", str(ws.path), "panels", "invite", str(panel["id"]),
                             "--send", "email")  # fmt: skip
    assert code == 0, err
    assert "/t/" not in out  # the links made when invited are not the ones emailed
    if ws.engine.dialect.name == "postgresql":  # a worker sends them (the test below)
        assert "send_panel_invitations" in out
        return
    assert "enviados 4" in out and "@example.org" not in out + err
    assert len(sink.messages) == 4
    code, out, err = run_cli(capsys, "-w", str(ws.path), "panels", "invite", str(panel["id"]),
                             "--send", "email")  # fmt: skip
    assert code == 0 and "ya enviados 4" in out and len(sink.messages) == 4
    code, out, err = run_cli(capsys, "-w", str(ws.path), "panels", "invite", str(panel["id"]),
                             "--send", "fax")  # fmt: skip
    assert code != 0


def test_the_job_on_postgresql_retries_a_crash_and_emails_each_tester_once(ws, sink, monkeypatch):
    if ws.engine.dialect.name != "postgresql":
        pytest.skip("the queue is PostgreSQL's (procrastinate)")
    from escucha.jobs.worker import queue_job, run_worker

    panel_id, _ = _invited(ws)
    crash_marking_sent(monkeypatch, call=3)
    assert queue_job(ws, "send_panel_invitations", panel_id=panel_id)
    assert not queue_job(ws, "send_panel_invitations", panel_id=panel_id)  # already waiting
    run_worker(ws, burst=True, retry_wait=0)  # the first run fails after 3 of 4, the retry ends
    assert job_runs(ws.engine, "send_panel_invitations") == [("succeeded", 2)]  # failed, retried
    assert [r[:2] for r in _log(ws)] == [("sent", 1), ("sent", 1), ("sent", 2), ("sent", 1)]
    mails = mails_by_recipient(sink)
    assert sorted(len(m) for m in mails.values()) == [1, 1, 1, 2]
    (twice,) = [m for m in mails.values() if len(m) == 2]
    assert twice[0]["Message-ID"] == twice[1]["Message-ID"]
    assert _token(twice[0]) == _token(twice[1]) and _opens(ws, _token(twice[1]))
    assert queue_job(ws, "send_panel_invitations", panel_id=panel_id)  # again: nothing sent
    run_worker(ws, burst=True, retry_wait=0)
    assert len(sink.messages) == 5
