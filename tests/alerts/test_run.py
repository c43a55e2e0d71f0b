"""Alerts end to end on the store (SQLite and PostgreSQL), delivered to local endpoints."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from escucha.alerts import alert_history, run_alerts
from escucha.store.schema import alert_deliveries, alerts
from ideas.seed import add_posts

from .servers import Receiver, SmtpSink

END = datetime(2017, 12, 1, 10, tzinfo=UTC)
DAY = timedelta(days=1)
BASELINE = [8, 12, 10, 9, 11, 10, 10]  # posts per day before the last one, newest first
SECRET = "S3CRET-t0ken"


def _day_posts(brand: str, day: int, count: int, negative: int, text: str) -> list[dict]:
    """`count` posts in the day-window `day` back from END (0: the last 24 h)."""
    start = END - (day + 1) * DAY
    return [
        {
            "native_id": f"{brand}-{day}-{i}",
            "text": f"{text} {brand} {i}",
            "created_at": start + (i + 1) * DAY / (count + 1),
            "author": f"user{i}",
            "lang": "es",
            "sentiment": "negative" if i < negative else "neutral",
            "brands": [brand],
        }
        for i in range(count)
    ]


@pytest.fixture
def market(workspace):
    rows = []
    for day, count in enumerate(BASELINE, start=1):
        rows += _day_posts("Iberia", day, count, count // 3, "vuelo tranquilo")
        rows += _day_posts("Ryanair", day, 10, 3, "vuelo normal")
    rows += _day_posts("Iberia", 0, 40, 13, "maleta perdida")  # the spike
    rows += _day_posts("Ryanair", 0, 10, 3, "vuelo normal")
    add_posts(workspace, rows)
    return workspace


def configure(workspace, text: str) -> None:
    path = workspace.path / "escucha.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def stored(workspace) -> str:
    with workspace.engine.connect() as conn:
        rows = (
            conn.execute(sa.select(alerts)).all() + conn.execute(sa.select(alert_deliveries)).all()
        )
    return repr(rows)


HOOK = '[alerting]\nchannels = ["hook"]\n[channels.hook]\nkind = "webhook"\n'


def test_dry_run_shows_the_spikes_and_stores_nothing(market):
    configure(market, '[[alerts]]\nname = "bags"\nquery = "maleta*"\nmin_count = 5\n')
    done = run_alerts(market, dry_run=True)
    assert done["at"] == END
    assert [(a["rule"], a["metric"], a["subject"]) for a in done["fired"]] == [
        ("brands", "volume", "Iberia"),
        ("bags", "volume", "bags"),
    ]
    assert done["fired"][0]["message"] == (
        "Iberia: 40 mentions in the 24 h to 2017-12-01 10:00 UTC, baseline 10 ± 1.2 (7 days), k=3"
    )
    assert alert_history(market) == []


def test_history_too_short_is_a_note_not_an_alert(market):
    done = run_alerts(market, at=END - 2 * DAY, dry_run=True)
    assert done["fired"] == [] and "no spike check" in done["notes"][0]


def test_webhook_gets_the_alert_once(market, monkeypatch):
    configure(market, HOOK)
    with Receiver() as hook:
        monkeypatch.setenv("ESCUCHA_CHANNEL_HOOK_URL", hook.url(f"/hook/{SECRET}"))
        first = run_alerts(market)
        again = run_alerts(market)
        later = run_alerts(market, at=END + timedelta(hours=3))  # the same spike, still in view
    assert [d["status"] for d in first["deliveries"]] == ["sent"]
    assert again["fired"] == [] and again["deliveries"] == [] and later["fired"] == []
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["rule"] == "brands" and body["subject"] == "Iberia" and body["value"] == 40
    assert body["window_end"] == END.isoformat() and body["details"]["baseline_mean"] == 10
    assert body["message"].startswith("Iberia: 40 mentions")
    (alert,) = alert_history(market)
    assert alert["state"] == "delivered" and alert["deliveries"][0]["attempts"] == 1


def test_slack_compatible_payload(market, monkeypatch):
    configure(
        market,
        '[alerting]\nchannels = ["team"]\n[channels.team]\nkind = "slack"\nblocks = true\n',
    )
    with Receiver() as slack:
        monkeypatch.setenv("ESCUCHA_CHANNEL_TEAM_URL", slack.url("/services/T0/B0/x"))
        run_alerts(market)
    (body,) = slack.bodies
    assert body["text"].startswith("*escucha alert* — Iberia: 40 mentions in the 24 h")
    assert body["blocks"][0] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": body["text"]},
    }
    assert slack.headers[0]["Content-Type"] == "application/json"


def test_email_through_smtp(market, monkeypatch):
    with SmtpSink() as sink:
        configure(
            market,
            '[alerting]\nchannels = ["mail"]\n[channels.mail]\nkind = "email"\n'
            f'host = "127.0.0.1"\nport = {sink.port}\nstarttls = false\nuser = "alerts"\n'
            'sender = "alerts@example.org"\nto = ["rd@example.org", "pm@example.org"]\n',
        )
        monkeypatch.setenv("ESCUCHA_CHANNEL_MAIL_PASSWORD", SECRET)
        done = run_alerts(market)
    assert [d["status"] for d in done["deliveries"]] == ["sent"]
    assert sink.logins == [("alerts", SECRET)]
    (mail,) = sink.messages
    assert mail["to"] == ["<rd@example.org>", "<pm@example.org>"]
    assert "Subject: [escucha] brands: Iberia" in mail["data"]
    assert "Iberia: 40 mentions in the 24 h to 2017-12-01 10:00 UTC" in mail["data"]
    assert SECRET not in stored(market)


def test_a_failing_endpoint_is_retried_on_a_later_run(market, monkeypatch, caplog):
    configure(market, HOOK)
    now = datetime.now(UTC)
    caplog.set_level(logging.DEBUG)
    with Receiver(500, 200) as hook:
        monkeypatch.setenv("ESCUCHA_CHANNEL_HOOK_URL", hook.url(f"/hook?token={SECRET}"))
        failed = run_alerts(market, now=now)
        too_soon = run_alerts(market, now=now + timedelta(seconds=30))
        retried = run_alerts(market, now=now + timedelta(minutes=2))
    assert [(d["status"], d["attempts"], d["error"]) for d in failed["deliveries"]] == [
        ("pending", 1, "the endpoint answered HTTP 500")
    ]
    assert too_soon["deliveries"] == []
    assert [(d["status"], d["attempts"]) for d in retried["deliveries"]] == [("sent", 2)]
    assert len(hook.bodies) == 2 and hook.bodies[0] == hook.bodies[1]
    (alert,) = alert_history(market)
    assert alert["state"] == "delivered" and alert["deliveries"][0]["error"] is None
    assert "HTTP 500" in caplog.text
    assert SECRET not in caplog.text and SECRET not in stored(market)


def test_unreachable_endpoint_error_hides_the_url(market, monkeypatch, caplog):
    configure(market, HOOK)
    monkeypatch.setenv("ESCUCHA_CHANNEL_HOOK_URL", f"http://127.0.0.1:9/{SECRET}")
    caplog.set_level(logging.DEBUG)
    done = run_alerts(market)
    (delivery,) = done["deliveries"]
    assert delivery["status"] == "pending" and delivery["error"].startswith("network error")
    assert SECRET not in caplog.text and SECRET not in stored(market)


def test_missing_secret_is_a_clear_delivery_error(market, monkeypatch):
    configure(market, HOOK)
    monkeypatch.delenv("ESCUCHA_CHANNEL_HOOK_URL", raising=False)
    (delivery,) = run_alerts(market)["deliveries"]
    assert "set ESCUCHA_CHANNEL_HOOK_URL or url under [channel-hook]" in delivery["error"]


def test_secrets_file_is_read(market, monkeypatch):
    configure(market, HOOK)
    monkeypatch.delenv("ESCUCHA_CHANNEL_HOOK_URL", raising=False)
    with Receiver() as hook:
        secrets = market.path / "secrets.toml"
        secrets.write_text(f'[channel-hook]\nurl = "{hook.url(f"/{SECRET}")}"\n')
        secrets.chmod(0o600)
        run_alerts(market)
    assert len(hook.bodies) == 1 and SECRET not in stored(market)


def test_match_alerts_fire_on_new_matching_posts_only(market, monkeypatch):
    configure(
        market,
        '[alerting]\nbrands = false\n[[alerts]]\nname = "press"\nquery = "periodista"\n'
        'kind = "match"\nchannels = ["hook"]\n[channels.hook]\nkind = "webhook"\n',
    )
    post = {"lang": "es", "author": "prensa", "brands": ["Iberia"]}
    add_posts(
        market,
        [
            post | {"native_id": "p1", "text": "Soy periodista", "created_at": END - DAY / 2},
            post | {"native_id": "p2", "text": "otra periodista", "created_at": END - DAY / 4},
            post | {"native_id": "p0", "text": "periodista antes", "created_at": END - 3 * DAY},
        ],
    )
    with Receiver() as hook:
        monkeypatch.setenv("ESCUCHA_CHANNEL_HOOK_URL", hook.url())
        first = run_alerts(market, at=END)
        assert run_alerts(market, at=END)["fired"] == []
        add_posts(
            market,
            [post | {"native_id": "p3", "text": "periodista", "created_at": END + DAY / 2}],
        )
        later = run_alerts(market, at=END + DAY)
    assert [a["value"] for a in first["fired"]] == [2]
    assert first["fired"][0]["message"] == (
        "press: 2 new posts matching 'periodista' from 2017-11-30 22:00 to 2017-12-01 04:00 UTC"
    )
    assert [a["value"] for a in later["fired"]] == [1]
    assert [len(b["details"]["post_ids"]) for b in hook.bodies] == [2, 1]
    assert hook.bodies[1]["details"]["quotes"][0]["text"] == "periodista"
