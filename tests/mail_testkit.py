"""Helpers for the tests that email invitations through a local SMTP server (import as
`from mail_testkit import ...`; the fixture by its function name, `sink_fixture`)."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_string, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from alerts.servers import SmtpSink
from escucha.digests import linkmail

PASSWORD = "smtp-pa55word"


@pytest.fixture(name="sink")
def sink_fixture() -> Iterator[SmtpSink]:
    """A local SMTP server that keeps the messages and logins it gets."""
    with SmtpSink() as server:
        yield server


def use_sink(root: Path, sink: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the `[digests]` SMTP settings of the workspace at `root` to `sink`, with the
    password in the environment."""
    monkeypatch.setenv("ESCUCHA_DIGESTS_SMTP_PASSWORD", PASSWORD)
    path = root / "escucha.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[digests]\nsmtp_host = "127.0.0.1"\nsmtp_port = {sink.port}\n'
        'smtp_user = "escucha"\nsender = "escucha@example.org"\nstarttls = false\n',
        encoding="utf-8",
    )


def mails_by_recipient(sink: SmtpSink) -> dict[str, list]:
    """The messages `sink` got, parsed, by their one recipient's address, in arrival order."""
    out: dict[str, list] = {}
    for message in sink.messages:
        (to,) = message["to"]
        mail = message_from_string(message["data"], policy=policy.default)
        out.setdefault(to.strip("<>"), []).append(mail)
    return out


def crash_marking_sent(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Kill the worker (RuntimeError "worker killed") at the `call`-th message, after the SMTP
    server accepted it and before its sent-log row says `sent` (until `monkeypatch` undoes
    it)."""
    real = linkmail.mark_sent
    calls: list[int] = []

    def crash(ctx, sends, row_id: int) -> None:
        calls.append(row_id)
        if len(calls) == call:
            raise RuntimeError("worker killed")
        real(ctx, sends, row_id)

    monkeypatch.setattr(linkmail, "mark_sent", crash)


def refuse_recipient(workspace: Path, settings: object, to: str, *args: object) -> None:
    """In place of deliver.send_email: the server refuses `to`, as smtplib words it."""
    from escucha.digests.deliver import DeliveryError

    raise DeliveryError(f"SMTP: SMTPRecipientsRefused: {{'{to}': (550, b'no')}}")


def job_runs(engine: sa.Engine, task: str) -> list[tuple]:
    """Each procrastinate job of escucha's `task`: its status and attempts."""
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                sa.text(
                    "SELECT status::text, attempts FROM procrastinate_jobs WHERE task_name = :task"
                ),
                {"task": f"escucha:{task}"},
            )
        ]
