"""Scheduled digests on the store (SQLite and PostgreSQL), sent to a local SMTP server and a
local webhook: what they say (es, en), each period sent once, signatures, secrets kept out."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy

import pytest
import sqlalchemy as sa

from alerts.servers import Receiver, SmtpSink
from escucha.digests import add_digest, due_digests, list_digests, remove_digest, send_digest
from escucha.digests.deliver import DeliveryError
from escucha.digests.schedule import period_for
from escucha.errors import NotFound, UserError
from escucha.store.schema import alerts, digest_sends
from ideas.seed import add_posts

NOW = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # a Tuesday: yesterday is Monday 30 Nov
SECRET = "digest-hmac-s3cret"
PASSWORD = "smtp-pa55word"


def _posts(day: datetime, n: int, negative: int, complaints: int, tag: str) -> list[dict]:
    return [
        {
            "native_id": f"{tag}-{i}",
            "text": f"la maleta perdida otra vez {tag} {i}" if i < complaints else f"vuelo {i}",
            "created_at": day + timedelta(minutes=10 * i),
            "author": f"user{i}",
            "lang": "es",
            "sentiment": "negative" if i < negative else "positive",
            "intents": ["complaint"] if i < complaints else [],
            "brands": ["Iberia"],
        }
        for i in range(n)
    ]


@pytest.fixture
def market(workspace):
    rows = _posts(datetime(2026, 11, 29, 1, tzinfo=UTC), 30, 6, 3, "before")
    rows += _posts(datetime(2026, 11, 30, 1, tzinfo=UTC), 60, 40, 30, "after")
    rows += [
        {
            "native_id": f"ry-{i}",
            "text": f"ryanair {i}",
            "created_at": datetime(2026, 11, 30, 2, tzinfo=UTC) + timedelta(minutes=i),
            "lang": "es",
            "sentiment": "neutral",
            "brands": ["Ryanair"],
        }
        for i in range(20)
    ]
    add_posts(workspace, rows)
    with workspace.engine.begin() as conn:
        conn.execute(
            sa.insert(alerts),
            [
                {
                    "rule": "brands",
                    "metric": "volume",
                    "subject": "Iberia",
                    "window_start": datetime(2026, 11, 29, 12, tzinfo=UTC),
                    "window_end": datetime(2026, 11, 30, 12, tzinfo=UTC),
                    "value": 60.0,
                    "message": "Iberia: 60 mentions <b>in 24 h</b>",
                    "details": {},
                    "state": "recorded",
                    "fired_at": datetime(2026, 11, 30, 12, 5, tzinfo=UTC),
                },
                {
                    "rule": "brands",
                    "metric": "volume",
                    "subject": "Iberia",
                    "window_start": datetime(2026, 11, 20, tzinfo=UTC),
                    "window_end": datetime(2026, 11, 21, tzinfo=UTC),
                    "value": 9.0,
                    "message": "an older alert, outside the period",
                    "details": {},
                    "state": "recorded",
                    "fired_at": datetime(2026, 11, 21, tzinfo=UTC),
                },
            ],
        )
    return workspace


def configure(workspace, text: str) -> None:
    path = workspace.path / "escucha.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def sends(workspace) -> list[tuple]:
    with workspace.engine.connect() as conn:
        return [
            (r.digest_id, r.period_start.isoformat(), r.status, r.attempts)
            for r in conn.execute(sa.select(digest_sends).order_by(digest_sends.c.id))
        ]


def test_periods_are_the_last_whole_day_and_week():
    assert period_for("daily", NOW).text() == "2026-11-30:2026-11-30"
    assert period_for("weekly", NOW).text() == "2026-11-23:2026-11-29"
    monday = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)
    assert period_for("weekly", monday).text() == "2026-11-23:2026-11-29"


def test_a_dry_run_says_what_changed_with_tests_and_samples_and_sends_nothing(market):
    digest = add_digest(market, "daily", "email:ana@example.org", lang="en", brand="iberia")
    assert digest.brand == "Iberia"
    done = send_digest(market, digest.id, now=NOW, dry_run=True)
    assert done["status"] == "dry_run" and done["period"] == "2026-11-30:2026-11-30"
    text = done["text"]
    assert "Daily digest: test market" in text
    # volume 30 -> 60 with the exact Poisson test and both samples
    assert "- Mentions: 30 → 60 (+30); n 30 / 60; exact Poisson test: significant" in text
    assert "- Net sentiment:" in text and "n 30 / 60" in text
    assert "- Complaint rate: 10% → 50% (+40.0 pts); n 30 / 60" in text
    assert "two-proportion z-test" in text
    assert "Ryanair" not in text  # the digest is Iberia's
    assert "Iberia: 60 mentions <b>in 24 h</b>" in text
    assert "an older alert" not in text
    assert "&lt;b&gt;in 24 h&lt;/b&gt;" in done["html"] and "<b>in 24" not in done["html"]
    assert sends(market) == []


def test_the_digest_in_spanish(market):
    digest = add_digest(market, "weekly", "email:ana@example.org", lang="es")
    done = send_digest(market, digest.id, now=datetime(2026, 12, 7, 9, tzinfo=UTC), dry_run=True)
    assert done["period"] == "2026-11-30:2026-12-06"
    text = done["text"]
    assert "Resumen semanal: test market" in text
    assert "Alertas del periodo" in text and "prueba exacta de Poisson" in text
    assert "- Menciones: 30 → 60 (+30); n 30 / 60; prueba exacta de Poisson" in text
    assert "## Ryanair" in text  # every brand
    assert 'lang="es"' in done["html"]


def test_email_is_sent_once_per_period_with_text_html_and_a_stable_message_id(
    market, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ESCUCHA_DIGESTS_SMTP_PASSWORD", PASSWORD)
    with SmtpSink() as sink:
        configure(
            market,
            f'[digests]\nsmtp_host = "127.0.0.1"\nsmtp_port = {sink.port}\n'
            'smtp_user = "escucha"\nsender = "escucha@example.org"\nstarttls = false\n',
        )
        from escucha.workspace import open_workspace

        ws = open_workspace(market.path)
        digest = add_digest(ws, "daily", "email:ana@example.org", lang="es")
        assert due_digests(ws, NOW) == [digest.id]
        first = send_digest(ws, digest.id, now=NOW)
        again = send_digest(ws, digest.id, now=NOW + timedelta(hours=3))  # a retried job
    assert (first["status"], again["status"]) == ("sent", "already_sent")
    assert due_digests(ws, NOW) == []
    assert sends(ws) == [(digest.id, "2026-11-30", "sent", 1)]
    (message,) = sink.messages
    assert sink.logins == [("escucha", PASSWORD)]
    assert message["to"] == ["<ana@example.org>"]
    mail = message_from_string(message["data"], policy=policy.default)
    assert mail["Message-ID"] == f"<digest-{digest.id}-2026-11-30@example.org>"
    assert mail["Subject"].startswith("[escucha] Resumen diario, test market")
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Menciones: 30 → 60" in plain and "<table" in html
    assert PASSWORD not in caplog.text


def test_a_refused_email_is_logged_failed_without_the_password_and_retried(market, monkeypatch):
    monkeypatch.setenv("ESCUCHA_DIGESTS_SMTP_PASSWORD", PASSWORD)
    configure(
        market,
        '[digests]\nsmtp_host = "127.0.0.1"\nsmtp_port = 9\nsmtp_user = "escucha"\n'
        "starttls = false\ntimeout = 2\n",
    )
    from escucha.workspace import open_workspace

    ws = open_workspace(market.path)
    digest = add_digest(ws, "daily", "email:ana@example.org")
    with pytest.raises(DeliveryError) as refused:
        send_digest(ws, digest.id, now=NOW)
    assert PASSWORD not in str(refused.value)
    assert sends(ws) == [(digest.id, "2026-11-30", "failed", 1)]
    assert due_digests(ws, NOW) == [digest.id]  # tried again by the next run


def test_webhook_json_is_signed_keyed_and_sent_once_after_a_refusal(market, monkeypatch):
    monkeypatch.setenv("ESCUCHA_DIGESTS_WEBHOOK_SECRET", SECRET)
    with Receiver(500, 200) as hook:
        digest = add_digest(market, "daily", f"webhook:{hook.url('/hook/t0ken')}", lang="en")
        assert "t0ken" not in digest.shown_target
        with pytest.raises(DeliveryError, match="HTTP 500") as refused:
            send_digest(market, digest.id, now=NOW)
        assert "t0ken" not in str(refused.value)
        assert send_digest(market, digest.id, now=NOW)["status"] == "sent"
        assert send_digest(market, digest.id, now=NOW)["status"] == "already_sent"
    assert sends(market) == [(digest.id, "2026-11-30", "sent", 2)]
    assert len(hook.bodies) == 2  # the refused attempt and the accepted one
    body, headers = hook.bodies[-1], hook.headers[-1]
    assert headers["Idempotency-Key"] == hook.headers[0]["Idempotency-Key"]
    assert headers["Idempotency-Key"] == f"digest-{digest.id}-2026-11-30"
    raw = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Escucha-Signature"] == expected
    iberia = next(b for b in body["brands"] if b["brand"] == "Iberia")
    assert iberia["volume"]["n_before"] == 30 and iberia["volume"]["n_after"] == 60
    assert iberia["volume"]["test"] == "poisson_exact" and iberia["volume"]["significant"]
    assert iberia["complaint"]["test"] == "two_proportion_z"
    assert body["period"] == {"start": "2026-11-30", "end": "2026-11-30", "days": 1}
    assert [a["message"] for a in body["alerts"]] == ["Iberia: 60 mentions <b>in 24 h</b>"]
    assert "Daily digest" in body["text"] and body["html"].startswith("<!doctype html>")


def test_a_period_being_sent_is_not_sent_again_until_it_is_stale(market):
    from escucha.store.sentlog import STALE

    with Receiver(200) as hook:
        digest = add_digest(market, "daily", f"webhook:{hook.url()}")
        with market.engine.begin() as conn:  # a worker died after claiming the period
            conn.execute(
                sa.insert(digest_sends).values(
                    digest_id=digest.id,
                    period_start=datetime(2026, 11, 30).date(),
                    period_end=datetime(2026, 11, 30).date(),
                    status="sending",
                    attempts=1,
                    started_at=NOW,
                )
            )
        assert send_digest(market, digest.id, now=NOW)["status"] == "in_progress"
        assert due_digests(market, NOW) == []
        later = NOW + STALE + timedelta(minutes=1)
        assert due_digests(market, later) == [digest.id]
        assert send_digest(market, digest.id, now=later)["status"] == "sent"
    assert len(hook.bodies) == 1
    assert sends(market) == [(digest.id, "2026-11-30", "sent", 2)]


def test_adding_checks_every_option_and_lists_hide_webhook_paths(market):
    for every, to, lang, brand, match in [
        ("hourly", "email:a@b.org", "en", None, "--every"),
        ("daily", "sms:123", "en", None, "--to"),
        ("daily", "email:not-an-address", "en", None, "not an email"),
        ("daily", "webhook:ftp://x", "en", None, "http"),
        ("daily", "email:a@b.org", "fr", None, "--lang"),
        ("daily", "email:a@b.org", "en", "Vueling", "--brand"),
    ]:
        with pytest.raises(UserError, match=match):
            add_digest(market, every, to, lang=lang, brand=brand)
    digest = add_digest(market, "weekly", "webhook:https://hooks.example.org/T00/secret?x=1")
    assert [d.to_json()["target"] for d in list_digests(market)] == ["https://hooks.example.org/…"]
    remove_digest(market, digest.id)
    assert list_digests(market) == []
    with pytest.raises(NotFound):
        remove_digest(market, digest.id)
    with pytest.raises(NotFound):
        send_digest(market, digest.id, now=NOW)


def test_a_secret_in_escucha_toml_is_refused_before_anything_is_claimed(market):
    from escucha.errors import ConfigError
    from escucha.workspace import open_workspace

    configure(market, '[digests]\nsmtp_host = "127.0.0.1"\npassword = "oops"\n')
    ws = open_workspace(market.path)
    digest = add_digest(ws, "daily", "email:ana@example.org")
    with pytest.raises(ConfigError, match="'password' is a secret") as refused:
        send_digest(ws, digest.id, now=NOW)
    assert "oops" not in str(refused.value)
    assert sends(ws) == []
