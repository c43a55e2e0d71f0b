"""Mastodon streaming (Server-Sent Events) with reconnects and REST back-fill, against fakes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.listen.collector import collect, load_cursor
from escucha.listen.sources.mastodon import sse_events
from escucha.store.schema import raw_payloads, source_rejects

from .conftest import FakeServer, Reply, stored
from .fake_mastodon import FakeMastodon

TAG_TIMELINE = "/api/v1/timelines/tag/iberia"


def masto(url: str, **options) -> SourceConfig:
    return SourceConfig(
        "masto",
        "mastodon",
        {
            "api_base_url": url,
            "allow_private_networks": True,
            "hashtags": "iberia",
            "stream": True,
            "stream_seconds": 1.5,
            "flush_seconds": 0.1,
            "backoff_base": 0.01,
            **options,
        },
    )


def sse(event: str, payload: dict | str) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"event: {event}\ndata: {data}\n\n".encode()


def streams(server: FakeServer, *bodies: Callable[[BinaryIO], None]) -> None:
    """The hashtag stream: one scripted body per connection (the last one repeats)."""
    headers = {"Content-Type": "text/event-stream"}
    server.route(
        "/api/v1/streaming/hashtag", *[Reply(200, headers=headers, stream=b) for b in bodies]
    )


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def heartbeats(out: BinaryIO) -> None:
    """Hold the connection open (at most 5 s) until the client goes away."""
    for _ in range(50):
        out.write(b":thump\n")
        time.sleep(0.1)


def test_a_dropped_stream_reconnects_and_back_fills_the_gap(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    before = [fake.post(f"Antes {i}", tags=["iberia"]) for i in range(2)]
    live, gap, after = [], [], []

    def first(out: BinaryIO) -> None:
        # the back-fill before streaming (2 requests) and the one after it opened are done
        wait_for(lambda: len(server.hits(TAG_TIMELINE)) >= 3)
        for i in range(2):
            live.append(fake.post(f"En vivo {i}", tags=["iberia"]))
            out.write(sse("update", fake.statuses[-1]))
        out.write(b":thump\n\n" + sse("delete", "12345"))
        gap.append(fake.post("Durante el corte", tags=["iberia"]))  # only REST can see it
        out.write(b'event: update\ndata: {"id": "1')  # dropped half-way through an event

    def second(out: BinaryIO) -> None:
        out.write(sse("update", fake.statuses[-2]))  # seen before the drop: stored once
        after.append(fake.post("Después", tags=["iberia"]))
        out.write(sse("update", fake.statuses[-1]))
        heartbeats(out)

    streams(server, first, second)
    config = masto(server.url)
    ws = ws_factory(config)
    started = time.monotonic()
    result = collect(ws, config, sleep=sleeps)
    assert time.monotonic() - started < 4
    assert (result.status, result.rejected) == ("ok", 0), result.message
    everything = before + live + gap + after
    assert sorted(r[0] for r in stored(ws)) == sorted(everything)
    assert result.new == 6 and result.duplicate >= 1
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(raw_payloads)) == 6
    connections = server.hits("/api/v1/streaming/hashtag")
    assert len(connections) == 2 and connections[0].query == {"tag": ["iberia"]}
    back_fills = [h.query.get("since_id") for h in server.hits(TAG_TIMELINE)]
    assert back_fills[:2] == [None, None] and [live[-1]] in back_fills[2:]
    assert load_cursor(ws.engine, "masto") == {"streams": {"hashtag:iberia": {"since": after[-1]}}}


def test_a_later_run_resumes_from_the_cursor(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    old = fake.post("Viejo", tags=["iberia"])
    streams(server, heartbeats)
    config = masto(server.url, stream_seconds=0.5)
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 1
    new = fake.post("Nuevo", tags=["iberia"])
    server.seen.clear()
    again = collect(ws, config, sleep=sleeps)
    assert (again.status, again.new) == ("ok", 1), again.message
    assert server.hits(TAG_TIMELINE)[0].query["since_id"] == [old]
    assert load_cursor(ws.engine, "masto")["streams"]["hashtag:iberia"] == {"since": new}


def test_a_stop_request_closes_the_stream_at_once(server, ws_factory, sleeps):
    FakeMastodon(server).post("hola", tags=["iberia"])
    streams(server, heartbeats)
    config = masto(server.url, stream_seconds=30)
    ws = ws_factory(config)
    started = time.monotonic()
    result = collect(ws, config, stop=lambda: True, sleep=sleeps)
    assert (result.status, result.new) == ("stopped", 1), result.message
    assert time.monotonic() - started < 3
    assert not [t for t in threading.enumerate() if t.name.startswith("escucha-hashtag")]


def test_mentions_stream_keeps_mentions_and_accounts_are_read_over_rest(
    server, ws_factory, sleeps, monkeypatch
):
    fake = FakeMastodon(server, token="tok-1")
    own = fake.post("Novedades", acct="iberia")
    mention: list[str] = []

    def notifications(out: BinaryIO) -> None:
        wait_for(lambda: server.hits("/api/v1/notifications"))
        mention.append(fake.mention("@iberia ¿y mi maleta?"))
        out.write(sse("notification", fake.notifications[-1]))
        favourite = {**fake.notifications[-1], "id": "999", "type": "favourite"}
        out.write(sse("notification", favourite) + sse("notification", "{not json"))
        heartbeats(out)

    server.route("/api/v1/streaming/user/notification", Reply(200, stream=notifications))
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    config = masto(server.url, hashtags="", accounts="iberia", mentions=True, stream_seconds=1)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new, result.rejected) == ("ok", 2, 1), result.message
    assert {r[0] for r in stored(ws)} == {own, *mention}
    stream = server.hits("/api/v1/streaming/user/notification")[0]
    assert stream.headers["Authorization"] == "Bearer tok-1"
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(source_rejects.c.reason)).startswith("unreadable event")
    assert load_cursor(ws.engine, "masto")["streams"]["mentions"] == {"since": "500"}


def test_a_refused_token_is_a_clear_error(server, ws_factory, sleeps):
    FakeMastodon(server)
    server.route("/api/v1/streaming/hashtag", Reply(401, {"error": "This API requires login"}))
    config = masto(server.url)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert result.status == "error"
    assert result.message == (
        f"masto: {server.url}/api/v1/streaming/hashtag refused the access token (401): it is "
        "missing, expired or lacks the read scope (some instances stream only to logged-in "
        "accounts)"
    )


def test_a_stream_that_keeps_failing_gives_up_with_one_error(server, ws_factory, sleeps):
    FakeMastodon(server).post("hola", tags=["iberia"])
    server.route("/api/v1/streaming/hashtag", Reply(503, "down"))
    config = masto(server.url, max_retries=2)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert result.status == "error"
    assert result.message == (
        f"masto: the hashtag:iberia stream: {server.url}/api/v1/streaming/hashtag answered 503 "
        "(gave up after 3 attempts)"
    )
    assert len(server.hits("/api/v1/streaming/hashtag")) == 3


def test_server_sent_events_are_parsed_per_the_spec():
    lines = ["event: update", "data: {", "data: }", "", ":thump", "", "data:x", "", "event: y"]
    assert list(sse_events(lines)) == [
        ("update", "{\n}"),
        ("heartbeat", "thump"),
        ("message", "x"),
    ]


def test_listen_once_does_not_stream_it_back_fills_over_rest(server, ws_factory):
    from typer.testing import CliRunner

    from .conftest import cli_app

    fake = FakeMastodon(server)
    posted = [fake.post(f"Iberia {i}", tags=["iberia"]) for i in range(3)]
    streams(server, heartbeats)
    ws = ws_factory(masto(server.url, stream_seconds=30))
    result = CliRunner().invoke(cli_app(), ["--workspace", str(ws.path), "listen", "--once"])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip()
        == "masto (mastodon): 3 new, 0 already stored, 0 rejected in 2 page(s)"
    )
    assert sorted(r[0] for r in stored(ws)) == sorted(posted)
    assert server.hits("/api/v1/streaming/hashtag") == []
