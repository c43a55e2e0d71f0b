"""Emailing survey invitations through a local SMTP server: each contact once, in their
language, with their own working link; a crash after the server accepted one message and a
retry; opted-out contacts and unapproved drafts never emailed; no address in the logs."""

from __future__ import annotations

import logging
from datetime import timedelta
from email import message_from_string, policy

import pytest
import sqlalchemy as sa

from escucha.community.importer import import_contacts
from escucha.community.rights import opt_out
from escucha.community.segments import SegmentFilters, create_segment
from escucha.digests import linkmail
from escucha.engage.drafts import Actor, approve_draft
from escucha.research import sending
from escucha.research.invitations import invite_segment
from escucha.research.links import open_link
from escucha.store.schema.research import invitation_sends, survey_invitations, survey_links
from mail_testkit import (
    PASSWORD,
    crash_marking_sent,
    job_runs,
    mails_by_recipient,
    refuse_recipient,
    sink_fixture,  # noqa: F401 (the `sink` fixture)
    use_sink,
)

from .helpers import run_cli
from .survey_form import live_survey
from .test_invitations import write_csv

PEOPLE = [
    ["Ana", "ana@example.org", "es", "ES", "", "yes"],
    ["Bo", "bo@example.org", "en", "US", "true", "yes"],  # opted out: never invited
    ["Dee", "dee@example.org", "en", "GB", "", "yes"],
    ["Eve", "eve@example.org", "en", "IE", "", "yes"],  # opts out after being invited
]
ADDRESSES = [row[1] for row in PEOPLE]


@pytest.fixture
def ws(workspace, tmp_path, sink, monkeypatch):
    from escucha.workspace import open_workspace

    use_sink(workspace.path, sink, monkeypatch)
    ws = open_workspace(workspace.path)
    import_contacts(
        ws,
        write_csv(tmp_path / "c.csv", ["name", "email", "lang", "country", "opted_out", "consent"],
                  PEOPLE),
        rejects_dir=tmp_path / "r",
    )  # fmt: skip
    create_segment(ws, "all", SegmentFilters())
    return ws


def _invited(ws) -> tuple[int, dict[str, int]]:
    """A live survey, its segment invited and both language drafts approved."""
    survey_id = live_survey(ws)
    done = invite_segment(ws, survey_id, "all")
    for item in done["drafts"].values():
        approve_draft(ws, item["draft_id"], Actor("marta", "admin"))
    return survey_id, {item["name"]: item["contact_id"] for item in done["invited"]}


def _mails(sink) -> dict[str, object]:
    """Each message by its recipient (one recipient each)."""
    out = {}
    for to, mails in mails_by_recipient(sink).items():
        assert len(mails) == 1, f"{to} got two messages"
        out[to] = mails[0]
    return out


def _token(mail) -> str:
    plain = mail.get_body(("plain",)).get_content()
    return plain.split("/s/")[1].split()[0]


def _log(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        return conn.execute(
            sa.select(invitation_sends.c.contact_id, invitation_sends.c.status,
                      invitation_sends.c.attempts, invitation_sends.c.link_nonce)
            .order_by(invitation_sends.c.contact_id)
        ).all()  # fmt: skip


def test_each_ready_contact_is_emailed_once_in_their_language_with_a_working_link(ws, sink, caplog):
    caplog.set_level(logging.DEBUG)
    survey_id, ids = _invited(ws)
    assert set(ids) == {"Ana", "Dee", "Eve"}
    opt_out(ws, ids["Eve"])
    first = sending.send_invitations(ws, survey_id)
    again = sending.send_invitations(ws, survey_id)  # a job run twice
    assert sorted(first["sent"]) == sorted([ids["Ana"], ids["Dee"]])
    assert first["skipped"] == [{"contact_id": ids["Eve"], "reason": "opted out"}]
    assert again["sent"] == [] and sorted(again["already_sent"]) == sorted(first["sent"])
    mails = _mails(sink)
    assert set(mails) == {"ana@example.org", "dee@example.org"}
    assert sink.logins[0] == ("escucha", PASSWORD)
    ana, dee = mails["ana@example.org"], mails["dee@example.org"]
    assert ana["Message-ID"] == f"<escucha-invitation-{survey_id}-{ids['Ana']}@example.org>"
    assert "te pregunta" in ana["Subject"] and "preguntando a la comunidad" in str(
        ana.get_body(("plain",)).get_content()
    )
    assert "is asking you" in dee["Subject"] and "asking the community" in str(
        dee.get_body(("plain",)).get_content()
    )
    # the emailed link opens the survey for that contact; the link made when invited is withdrawn
    link = open_link(ws, _token(ana))
    assert link.contact_id == ids["Ana"] and link.max_uses == 1
    with ws.engine.connect() as conn:
        current = conn.scalar(
            sa.select(survey_invitations.c.link_id).where(
                survey_invitations.c.contact_id == ids["Ana"]
            )
        )
        revoked = conn.scalar(
            sa.select(sa.func.count()).where(
                survey_links.c.contact_id == ids["Ana"], survey_links.c.revoked_at.isnot(None)
            )
        )
    assert current == link.id and revoked == 1
    # sent rows keep no nonce: the store can no longer make the token
    assert [(r.status, r.attempts, r.link_nonce) for r in _log(ws)] == [("sent", 1, None)] * 2
    assert not any(address in caplog.text for address in ADDRESSES)


def test_a_crash_after_the_server_accepted_then_a_retry_sends_nobody_twice(
    ws, sink, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    survey_id, ids = _invited(ws)
    with monkeypatch.context() as patched, pytest.raises(RuntimeError, match="worker killed"):
        crash_marking_sent(patched, call=2)
        sending.send_invitations(ws, survey_id)
    assert len(sink.messages) == 2  # the second was accepted, then the crash
    order = sorted(ids.values())
    assert [(r.contact_id, r.status) for r in _log(ws)] == [(order[0], "sent"),
                                                          (order[1], "failed")]  # fmt: skip
    retry = sending.send_invitations(ws, survey_id)
    assert retry["already_sent"] == [order[0]] and retry["sent"] == order[1:]
    assert [(r.status, r.attempts) for r in _log(ws)] == [("sent", 1), ("sent", 2), ("sent", 1)]
    per_contact = mails_by_recipient(sink)
    counts = sorted(len(mails) for mails in per_contact.values())
    assert counts == [1, 1, 2]  # only the interrupted one twice, at least once
    (twice,) = [mails for mails in per_contact.values() if len(mails) == 2]
    assert twice[0]["Message-ID"] == twice[1]["Message-ID"]
    assert _token(twice[0]) == _token(twice[1])  # the same link, still valid
    open_link(ws, _token(twice[1]))
    assert not any(address in caplog.text for address in ADDRESSES)


def test_a_claimed_row_is_left_alone_until_stale_and_failures_are_retried(ws, sink, monkeypatch):
    from datetime import UTC, datetime

    survey_id, ids = _invited(ws)
    now = datetime.now(UTC)

    with monkeypatch.context() as patched:
        patched.setattr("escucha.digests.deliver.send_email", refuse_recipient)
        refused = sending.send_invitations(ws, survey_id, now=now)
    assert len(refused["failed"]) == 3
    assert all("example.org" not in item["error"] for item in refused["failed"])
    with ws.engine.begin() as conn:  # one row held by a live attempt
        conn.execute(
            invitation_sends.update()
            .where(invitation_sends.c.contact_id == ids["Ana"])
            .values(status="claimed")
        )
    done = sending.send_invitations(ws, survey_id, now=now)
    assert done["in_progress"] == [ids["Ana"]] and len(done["sent"]) == 2
    later = sending.send_invitations(ws, survey_id, now=now + timedelta(minutes=16))
    assert later["sent"] == [ids["Ana"]]
    assert len(_mails(sink)) == 3


def test_an_unapproved_draft_is_not_emailed(ws, sink):
    survey_id = live_survey(ws)
    invite_segment(ws, survey_id, "all")
    done = sending.send_invitations(ws, survey_id)
    assert done["sent"] == [] and len(done["skipped"]) == 3
    assert all("not approved" in item["reason"] for item in done["skipped"])
    assert sink.messages == [] and _log(ws) == []


def test_the_cli_invites_and_emails(ws, sink, capsys):
    from escucha.engage.drafts import list_drafts

    survey_id = live_survey(ws)
    code, out, err = run_cli(capsys, "-w", str(ws.path), "surveys", "invite", str(survey_id),
                             "--segment", "all", "--send", "email")  # fmt: skip
    assert code == 0, err
    assert "/s/" not in out  # the links made when invited are not the ones emailed
    if ws.engine.dialect.name == "postgresql":  # a worker sends them (tests/digests/test_jobs)
        assert "en la cola (tarea send_invitations)" in out
        return
    assert "enviados 0" in out and "not approved" in out
    for draft in list_drafts(ws, "pending"):
        approve_draft(ws, draft["draft_id"], Actor("marta", "admin"))
    code, out, err = run_cli(capsys, "-w", str(ws.path), "surveys", "invite", str(survey_id),
                             "--segment", "all", "--send", "email")  # fmt: skip
    assert code == 0, err
    assert "enviados 3" in out and not any(a in out + err for a in ADDRESSES)
    assert len(_mails(sink)) == 3
    code, out, err = run_cli(capsys, "-w", str(ws.path), "surveys", "invite", str(survey_id),
                             "--segment", "all", "--send", "fax")  # fmt: skip
    assert code != 0


def test_the_job_on_postgresql_retries_a_crash_and_emails_everyone_once(ws, sink, monkeypatch):
    if ws.engine.dialect.name != "postgresql":
        pytest.skip("the queue is PostgreSQL's (procrastinate)")
    from escucha.jobs.worker import queue_job, run_worker

    survey_id, _ = _invited(ws)
    crash_marking_sent(monkeypatch, call=2)
    assert queue_job(ws, "send_invitations", survey_id=survey_id)
    run_worker(ws, burst=True, retry_wait=0)  # the first run fails, the retry finishes
    assert job_runs(ws.engine, "send_invitations") == [("succeeded", 2)]  # failed once, retried
    assert [(r.status, r.attempts) for r in _log(ws)] == [("sent", 1), ("sent", 2), ("sent", 1)]
    assert len(sink.messages) == 4  # the interrupted one twice, with one Message-ID
    ids_seen = [message_from_string(m["data"], policy=policy.default)["Message-ID"]
                for m in sink.messages]  # fmt: skip
    assert len(set(ids_seen)) == 3
    assert queue_job(ws, "send_invitations", survey_id=survey_id)  # run again: nothing sent
    run_worker(ws, burst=True, retry_wait=0)
    assert len(sink.messages) == 4


def test_a_retry_after_the_secret_changed_sends_a_new_working_link(ws, sink, monkeypatch):
    from escucha.research.links import LinkRefused

    survey_id, _ = _invited(ws)
    monkeypatch.setattr(linkmail, "mark_sent", lambda ctx, sends, row_id: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        sending.send_invitations(ws, survey_id)
    monkeypatch.undo()
    (ws.path / "web-secret.key").unlink()
    monkeypatch.setenv("ESCUCHA_DIGESTS_SMTP_PASSWORD", PASSWORD)
    assert len(sending.send_invitations(ws, survey_id)["sent"]) == 3
    first, last = sink.messages[:2]  # the interrupted contact, then their retry
    assert first["to"] == last["to"] and len(sink.messages) == 4
    old = _token(message_from_string(first["data"], policy=policy.default))
    new = _token(message_from_string(last["data"], policy=policy.default))
    assert old != new
    with pytest.raises(LinkRefused, match="withdrawn"):
        open_link(ws, old)
    open_link(ws, new)
