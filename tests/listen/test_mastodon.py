"""Mastodon through Mastodon.py, pointed at a local fake instance."""

from __future__ import annotations

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.listen.collector import collect, load_cursor
from escucha.store.schema import source_rejects

from .conftest import Reply, stored
from .fake_mastodon import FakeMastodon


def masto(url: str, **options) -> SourceConfig:
    return SourceConfig(
        "masto", "mastodon", {"api_base_url": url, "allow_private_networks": True, **options}
    )


def test_hashtag_timeline_is_paged_to_the_end_and_resumes_by_since_id(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    ids = [fake.post(f"Vuelo {i} con <b>Iberia</b>", tags=["iberia"]) for i in range(95)]
    fake.post("otro tema", tags=["cocina"])
    config = masto(server.url, hashtags="#iberia", backfill_pages=10)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 95)
    assert sorted(r[0] for r in stored(ws)) == sorted(ids)
    assert stored(ws)[0][1].startswith("Vuelo 0 con Iberia")
    assert load_cursor(ws.engine, "masto") == {"streams": {"hashtag:iberia": {"since": ids[-1]}}}
    pages = server.hits("/api/v1/timelines/tag/iberia")
    assert len(pages) == 4  # 40 + 40 + 15 + an empty page
    assert pages[1].query["max_id"] == [ids[55]]

    newer = [fake.post(f"Nuevo {i}", tags=["iberia"]) for i in range(3)]
    server.seen.clear()
    again = collect(ws, config, sleep=sleeps)
    assert again.new == 3
    assert server.hits("/api/v1/timelines/tag/iberia")[0].query["since_id"] == [ids[-1]]
    assert load_cursor(ws.engine, "masto")["streams"]["hashtag:iberia"] == {"since": newer[-1]}


def test_a_first_run_reads_back_only_backfill_pages(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    for i in range(100):
        fake.post(f"post {i}", tags=["iberia"])
    config = masto(server.url, hashtags="iberia", backfill_pages=1)
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 40


def test_account_statuses_mentions_and_public_timeline(server, ws_factory, sleeps, monkeypatch):
    fake = FakeMastodon(server, token="tok-1")
    own = fake.post("Novedades de verano", acct="iberia")
    reply = fake.post("¿Y el equipaje?", acct="ana", reply_to=own)
    mention = fake.mention("@iberia mi vuelo se retrasa")
    config = masto(server.url, accounts="@iberia", mentions=True, timelines="public")
    ws = ws_factory(config)
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 3), result.message
    assert result.duplicate == 2  # the public timeline repeats what the other streams saw
    rows = {r[0]: r for r in stored(ws)}
    assert rows[reply][2] == own and rows[mention][1] == "@iberia mi vuelo se retrasa"
    assert set(load_cursor(ws.engine, "masto")["streams"]) == {
        "account:iberia",
        "mentions",
        "public",
    }
    assert server.hits("/api/v1/notifications")[0].query["types[]"] == ["mention"]


def test_an_expired_token_is_a_clear_error(server, ws_factory, sleeps, monkeypatch):
    FakeMastodon(server, token="new-token").post("x", tags=["iberia"])
    config = masto(server.url, hashtags="iberia")
    ws = ws_factory(config)
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "old-token")
    result = collect(ws, config, sleep=sleeps)
    assert result.status == "error"
    assert result.message == (
        f"masto: {server.url} refused the access token (401/403): it is missing, expired or "
        "lacks the read scope"
    )
    assert "old-token" not in result.message and sleeps == []


def test_rate_limits_and_server_errors_are_retried(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    fake.post("hola", tags=["iberia"])
    reset = "2099-01-01T00:00:00.000Z"
    fake.fail_next = [
        Reply(
            429,
            {"error": "Too many requests"},
            {
                "X-RateLimit-Reset": "4102444800",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Limit": "300",
            },
        ),
        Reply(502, "<html>Bad Gateway</html>"),
        Reply(200, '[{"id": '),
    ]
    config = masto(server.url, hashtags="iberia", max_wait=10**10)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 1), result.message
    assert len(sleeps) == 3 and sleeps[0] > 10**9  # waited until the announced reset
    assert reset  # the ISO form is covered in test_http


def test_one_invalid_status_is_rejected_and_the_rest_kept(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    fake.post("bien", tags=["iberia"])
    fake.post("", tags=["iberia"])  # a media-only post: no text to read
    fake.post("también bien", tags=["iberia"])
    config = masto(server.url, hashtags="iberia")
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.new, result.rejected) == (2, 1)
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(source_rejects.c.reason)) == "record has no text"
