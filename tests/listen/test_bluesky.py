"""Bluesky: searchPosts and author feeds via the atproto SDK, Jetstream over a local websocket."""

from __future__ import annotations

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.listen.collector import collect, load_cursor
from escucha.store.schema import source_rejects

from .conftest import stored
from .fake_bluesky import FakeAppView, FakeJetstream, jetstream_event

REWIND_US = 3_000_000  # rewind_seconds' default


def sky(**options) -> SourceConfig:
    return SourceConfig("sky", "bluesky", {"allow_private_networks": True, **options})


def test_search_pages_with_the_cursor_to_the_end_then_only_new(server, ws_factory, sleeps):
    view = FakeAppView(server)
    uris = [view.post(f"Iberia vuelo {i}") for i in range(230)]
    view.post("nada que ver")
    config = sky(base_url=server.url, q="iberia", lang="es", backfill_pages=10)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 230), result.message
    assert [r[0] for r in stored(ws)] == sorted(uris)
    calls = server.hits("/xrpc/app.bsky.feed.searchPosts")
    assert [c.query.get("cursor") for c in calls] == [None, ["100"], ["200"]]
    assert calls[0].query["sort"] == ["latest"] and calls[0].query["lang"] == ["es"]
    newest = view.posts[229]["indexedAt"]
    assert load_cursor(ws.engine, "sky") == {"streams": {"search": {"since": newest}}}

    fresh = view.post("Iberia otra vez", reply_to=uris[0])
    again = collect(ws, config, sleep=sleeps)
    assert again.new == 1
    assert server.hits("/xrpc/app.bsky.feed.searchPosts")[-1].query["since"] == [newest]
    row = {r[0]: r for r in stored(ws)}[fresh]
    assert row[1:] == ("Iberia otra vez", uris[0], uris[0])


def test_a_numeric_query_written_as_a_toml_number_is_searched_as_text(server, ws_factory, sleeps):
    view = FakeAppView(server)
    hit = view.post("El 737 de las 7:40 sale con retraso")
    config = sky(base_url=server.url, q=737)  # `q = 737` in a hand-written escucha.toml
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 1), result.message
    assert [r[0] for r in stored(ws)] == [hit] and sleeps == []  # no retry of a bad request
    assert server.hits("/xrpc/app.bsky.feed.searchPosts")[0].query["q"] == ["737"]


def test_author_feed(server, ws_factory, sleeps):
    view = FakeAppView(server)
    mine = [view.post(f"Comunicado {i}", handle="iberia.com") for i in range(3)]
    view.post("otra cuenta")
    config = sky(base_url=server.url, authors="@iberia.com")
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 3
    assert [r[0] for r in stored(ws)] == sorted(mine)
    assert server.hits("/xrpc/app.bsky.feed.getAuthorFeed")[0].query["actor"] == ["iberia.com"]


def test_an_author_feed_pages_past_pages_made_only_of_reposts(server, ws_factory, sleeps):
    view = FakeAppView(server)
    own = [view.post(f"Comunicado {i}", handle="iberia.com") for i in range(3)]
    others = [view.post(f"Oferta {i}", handle="ana.bsky.social") for i in range(150)]
    for uri in others:  # the account's last 150 entries are reposts: 1.5 pages of them
        view.repost(uri, "iberia.com")
    view.pin(own[0])
    config = sky(base_url=server.url, authors="iberia.com")
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 3), result.message
    assert [r[0] for r in stored(ws)] == sorted(own)
    assert len(server.hits("/xrpc/app.bsky.feed.getAuthorFeed")) == 2

    newest = view.post("Comunicado nuevo", handle="iberia.com")
    view.repost(others[0], "iberia.com")
    again = collect(ws, config, sleep=sleeps)
    assert again.new == 1 and newest in [r[0] for r in stored(ws)]
    assert len(server.hits("/xrpc/app.bsky.feed.getAuthorFeed")) == 3  # stopped at the old


def _events() -> list[dict]:
    events = []
    for n in range(1, 101):
        if n % 10 == 0:
            events.append(jetstream_event(n, None, kind="identity"))
        elif n % 3 == 0:
            events.append(jetstream_event(n, "receta de tortilla"))
        else:
            events.append(jetstream_event(n, f"Mi vuelo de Iberia número {n}"))
    events.insert(20, {"did": "did:plc:x", "kind": "commit", "commit": {}})  # no time_us
    return events


def test_a_jetstream_that_drops_half_way_resumes_without_loss_or_duplicates(ws_factory, sleeps):
    events = _events()
    wanted = sorted(
        f"at://{e['did']}/app.bsky.feed.post/{e['commit']['rkey']}"
        for e in events
        if e.get("kind") == "commit"
        and "iberia" in str(e["commit"].get("record", {}).get("text")).lower()
    )
    with FakeJetstream(events, drop_after=50) as jet:
        config = sky(
            jetstream_url=jet.url,
            q="iberia",
            idle_seconds=0.5,
            flush_seconds=0.1,
            stream_seconds=20,
        )
        ws = ws_factory(config)
        result = collect(ws, config, sleep=sleeps)
    assert result.status == "ok", result.message
    assert (result.new, result.duplicate, result.rejected) == (len(wanted), 0, 1)
    assert [r[0] for r in stored(ws)] == wanted
    # resumed a rewind (3 s) before the 50th event; what is replayed is not counted again
    assert jet.cursors == [None, str(events[49]["time_us"] - REWIND_US)]
    assert len(sleeps) == 1  # one backoff before reconnecting
    assert load_cursor(ws.engine, "sky") == {"time_us": events[-1]["time_us"] - REWIND_US}
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(source_rejects.c.reason)).startswith("unreadable event")

    with FakeJetstream(events) as jet:
        config = sky(jetstream_url=jet.url, q="iberia", idle_seconds=0.3, flush_seconds=0.1)
        again = collect(ws, config, sleep=sleeps)
    assert jet.cursors == [str(events[-1]["time_us"] - REWIND_US)]
    assert (again.new, again.duplicate) == (0, len(wanted))
