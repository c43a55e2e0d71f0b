"""Reddit through praw, pointed at a local fake Reddit (token endpoint and listings)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from escucha.config import SourceConfig
from escucha.listen.collector import collect, load_cursor
from escucha.store.schema import raw_payloads, source_rejects

from .conftest import Reply, Seen, cli_app, stored
from .fake_reddit import CLIENT_ID, CLIENT_SECRET, FakeReddit


def reddit(url: str, **options) -> SourceConfig:
    return SourceConfig(
        "rdt",
        "reddit",
        {"oauth_url": url, "reddit_url": url, "allow_private_networks": True, **options},
    )


@pytest.fixture
def creds(monkeypatch) -> None:
    monkeypatch.setenv("ESCUCHA_RDT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("ESCUCHA_RDT_CLIENT_SECRET", CLIENT_SECRET)


def test_new_posts_are_paged_to_the_end_and_a_second_run_adds_nothing(
    server, ws_factory, sleeps, creds
):
    fake = FakeReddit(server)
    ids = [fake.post("iberia", f"Vuelo {i}", f"Mi maleta {i}") for i in range(250)]
    fake.post("otro", "no es de aquí")
    config = reddit(server.url, subreddits="r/iberia", backfill_pages=10)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new, result.pages) == ("ok", 250, 3), result.message
    rows = {r[0]: r for r in stored(ws)}
    assert sorted(rows) == sorted(ids)
    assert rows[ids[0]][1] == "Vuelo 0\n\nMi maleta 0"
    pages = server.hits("/r/iberia/new/")
    assert [p.query.get("after") for p in pages] == [None, [ids[150]], [ids[50]]]
    assert pages[0].query["limit"] == ["100"] and sleeps == []
    newest = fake.entries[249]["data"]
    cursor = {"streams": {"new:iberia": {"since": {"name": ids[-1], "utc": newest["created_utc"]}}}}
    assert load_cursor(ws.engine, "rdt") == cursor
    assert len(server.hits("/api/v1/access_token")) == 1
    with ws.engine.connect() as conn:
        archived = conn.scalar(sa.select(raw_payloads.c.payload).limit(1))
    assert CLIENT_SECRET not in archived and "tok-1" not in archived and '"t3"' in archived

    server.seen.clear()
    again = collect(ws, config, sleep=sleeps)
    assert (again.status, again.new, again.fetched) == ("ok", 0, 0)
    assert len(server.hits("/r/iberia/new/")) == 1  # stops on reaching the saved cursor

    newer = [fake.post("iberia", f"Nuevo {i}") for i in range(3)]
    third = collect(ws, config, sleep=sleeps)
    assert (third.new, third.duplicate) == (3, 0)
    assert load_cursor(ws.engine, "rdt")["streams"]["new:iberia"]["since"]["name"] == newer[-1]


def test_a_sweep_cut_short_resumes_where_it_stopped(server, ws_factory, sleeps, creds):
    fake = FakeReddit(server)
    ids = [fake.post("iberia", f"post {i}") for i in range(250)]
    config = reddit(server.url, subreddits="iberia", backfill_pages=10)
    ws = ws_factory(config)
    assert collect(ws, config, max_pages=1, sleep=sleeps).new == 100
    state = load_cursor(ws.engine, "rdt")["streams"]["new:iberia"]
    assert (state["since"], state["after"], state["top"]["name"]) == (None, ids[150], ids[-1])
    newest = fake.post("iberia", "posted meanwhile")
    assert collect(ws, config, sleep=sleeps).new == 150  # the older pages first
    assert collect(ws, config, sleep=sleeps).new == 1
    assert load_cursor(ws.engine, "rdt")["streams"]["new:iberia"]["since"]["name"] == newest


def test_a_first_run_reads_back_only_backfill_pages(server, ws_factory, sleeps, creds):
    fake = FakeReddit(server)
    for i in range(150):
        fake.post("iberia", f"post {i}")
    config = reddit(server.url, subreddits="iberia", backfill_pages=1)
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 100


def test_search_and_comments_carry_their_thread(server, ws_factory, sleeps, creds):
    fake = FakeReddit(server)
    post = fake.post("iberia", "Retraso en Barajas", "Dos horas esperando", author="ana")
    fake.post("iberia", "Buen vuelo")
    elsewhere = fake.post("viajes", "Otro retraso", "en Lisboa")
    top = fake.comment("iberia", "A mí también", post, post, author="luis")
    reply = fake.comment("iberia", "¿Qué vuelo?", top, post, author="[deleted]")
    config = reddit(server.url, subreddits="iberia", q="retraso", comments=True)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 3), result.message
    rows = {r[0]: r for r in stored(ws)}
    assert rows[post][1] == "Retraso en Barajas\n\nDos horas esperando"
    assert rows[top][2:] == (post, post) and rows[reply][2:] == (top, post)
    search = server.hits("/r/iberia/search/")[0].query
    assert (search["q"], search["sort"], search["restrict_sr"]) == (["retraso"], ["new"], ["on"])
    streams = load_cursor(ws.engine, "rdt")["streams"]
    assert set(streams) == {"search:iberia:retraso", "comments:iberia"}

    everywhere = reddit(server.url, q="retraso")
    everywhere = SourceConfig("all", "reddit", everywhere.options)
    ws2 = ws_factory(everywhere)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ESCUCHA_ALL_CLIENT_ID", CLIENT_ID)
        env.setenv("ESCUCHA_ALL_CLIENT_SECRET", CLIENT_SECRET)
        assert collect(ws2, everywhere, sleep=sleeps).new == 2
    assert "restrict_sr" not in server.hits("/r/all/search/")[0].query
    assert {r[0] for r in stored(ws2, "all")} == {post, elsewhere}


def test_rate_limits_server_errors_and_malformed_json_are_retried(
    server, ws_factory, sleeps, creds
):
    fake = FakeReddit(server)
    fake.post("iberia", "hola")
    fake.fail_next = [
        Reply(429, {"message": "Too Many Requests", "error": 429}, {"Retry-After": "7"}),
        Reply(500, "<html>internal</html>"),
        Reply(503, "<html>down</html>", {"Retry-After": "3", "X-Ratelimit-Reset": "500"}),
        Reply(200, '{"kind": "Listing", "data": {'),
    ]
    config = reddit(server.url, subreddits="iberia")
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 1), result.message
    assert len(sleeps) == 4 and sleeps[0] == 7 and sleeps[2] == 3


def test_a_spent_rate_limit_window_waits_for_its_reset(server, ws_factory, sleeps, creds):
    fake = FakeReddit(server)
    for i in range(150):
        fake.post("iberia", f"post {i}")
    first_page = fake.listing
    spent = {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Used": "100", "X-Ratelimit-Reset": "42"}

    def listing(seen: Seen) -> Reply:
        reply = first_page(seen)
        return Reply(reply.status, reply.body, spent if "after" not in seen.query else {})

    server.fallback = listing
    config = reddit(server.url, subreddits="iberia", backfill_pages=5)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 150), result.message
    assert len(sleeps) == 1 and 40 < sleeps[0] <= 42


def test_persistent_server_errors_fail_with_one_clear_error(server, ws_factory, sleeps, creds):
    fake = FakeReddit(server)
    fake.post("iberia", "hola")
    fake.fail_next = [Reply(503, "down")] * 10
    config = reddit(server.url, subreddits="iberia", max_retries=2)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert result.status == "error"
    assert result.message == "rdt: Reddit answered 503 at /r/iberia/new/ (gave up after 3 attempts)"


def test_an_invalid_child_is_rejected_and_removed_content_skipped(
    server, ws_factory, sleeps, creds
):
    fake = FakeReddit(server)
    good = fake.post("iberia", "Bien")
    fake.post("iberia", "Borrado", "[removed]", removed_by_category="moderator")
    fake.post("iberia", "Sin id")
    del fake.entries[-1]["data"]["id"], fake.entries[-1]["data"]["name"]
    also = fake.post("iberia", "También bien")
    config = reddit(server.url, subreddits="iberia")
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.new, result.rejected) == (2, 1)
    assert {r[0] for r in stored(ws)} == {good, also}
    with ws.engine.connect() as conn:
        reject = conn.execute(sa.select(source_rejects)).one()
    assert (reject.location, reject.reason) == ("reddit new:iberia", "record has no id")
    assert '"Sin id"' in reject.payload
    assert load_cursor(ws.engine, "rdt")["streams"]["new:iberia"]["since"]["name"] == also


def test_refused_credentials_are_clear_errors_naming_the_source(
    server, ws_factory, sleeps, monkeypatch
):
    fake = FakeReddit(server, token="current")
    fake.issued = "expired"
    fake.post("iberia", "hola")
    config = reddit(server.url, subreddits="iberia")
    ws = ws_factory(config)
    missing = collect(ws, config, sleep=sleeps)
    assert missing.message == (
        "rdt: Reddit needs an app's credentials: set ESCUCHA_RDT_CLIENT_ID and "
        "ESCUCHA_RDT_CLIENT_SECRET"
    )
    monkeypatch.setenv("ESCUCHA_RDT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("ESCUCHA_RDT_CLIENT_SECRET", CLIENT_SECRET)
    expired = collect(ws, config, sleep=sleeps)
    assert expired.status == "error"
    assert expired.message == (
        "rdt: Reddit refused the access token (401): it is invalid, expired or revoked; "
        "check the source's credentials"
    )
    monkeypatch.setenv("ESCUCHA_RDT_CLIENT_SECRET", "wrong")
    refused = collect(ws, config, sleep=sleeps)
    assert refused.message == (
        "rdt: Reddit refused the app's client_id/client_secret (401); "
        "check the source's credentials"
    )
    assert sleeps == [] and stored(ws) == []
    assert not any(CLIENT_SECRET in (r.message or "") for r in (missing, expired, refused))


def test_listen_once_collects_a_reddit_source(server, ws_factory, creds):
    fake = FakeReddit(server)
    for i in range(3):
        fake.post("iberia", f"Vuelo {i}")
    ws = ws_factory(reddit(server.url, subreddits="iberia"))
    result = CliRunner().invoke(cli_app(), ["--workspace", str(ws.path), "listen", "--once"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.output.strip() == "rdt (reddit): 3 new, 0 already stored, 0 rejected in 1 page(s)"
    assert len(stored(ws, "rdt")) == 3
