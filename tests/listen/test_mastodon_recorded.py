"""Mastodon against traffic recorded from a real instance (data/mastodon/README.md): a stream
that cannot open, edits, deletions, direct messages and media-only posts."""

from __future__ import annotations

import json
import socket
import time
from typing import BinaryIO

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.listen.collector import collect
from escucha.store.schema import post_versions, posts, raw_payloads, source_rejects

from .conftest import DATA, FakeServer, Reply, stored
from .fake_mastodon import FakeMastodon

RECORDED = DATA / "mastodon"
DIRECT = "direct message: private, not stored as a post"


def recorded(name: str):
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def recorded_stream(*, until: str | None = None):
    """A stream body: the recorded events (up to the event `until`), then heartbeats."""
    body = (RECORDED / "user_stream.sse").read_bytes()
    if until is not None:
        body = body[: body.index(f"event: {until}".encode())]

    def write(out: BinaryIO) -> None:
        out.write(body)
        out.flush()
        for _ in range(50):
            out.write(b":thump\n")
            time.sleep(0.1)

    return write


def masto(url: str, **options) -> SourceConfig:
    return SourceConfig(
        "masto",
        "mastodon",
        {
            "api_base_url": url,
            "allow_private_networks": True,
            "timelines": "public",
            "stream": True,
            "stream_seconds": 1.5,
            "flush_seconds": 0.1,
            "backoff_base": 0.01,
            **options,
        },
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def text_of(ws, native_id: str) -> str:
    return dict((r[0], r[1]) for r in stored(ws))[native_id]


def test_an_unreachable_announced_streaming_url_still_back_fills_over_rest(
    server, ws_factory, sleeps
):
    fake = FakeMastodon(server)
    fake.statuses = recorded("statuses.json")
    instance = recorded("instance_v2.json")  # announces ws://localhost:4000
    urls = instance["configuration"]["urls"]
    urls["streaming"] = urls["streaming"].replace("localhost:4000", f"127.0.0.1:{closed_port()}")
    server.route("/api/v2/instance/", Reply(200, instance))
    server.route("/api/v2/instance", Reply(200, instance))
    config = masto(server.url, max_retries=1)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    public = sorted(s["id"] for s in fake.statuses if s["visibility"] == "public")
    assert [r[0] for r in stored(ws)] == public  # collected before the stream failed
    assert (result.new, result.rejected) == (3, 2)
    assert result.status == "error" and "the public stream" in result.message


def test_a_streaming_host_refusing_the_token_still_back_fills_over_rest(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    fake.statuses = recorded("statuses.json")
    server.route("/api/v1/streaming/public", Reply(401, {"error": "This API requires login"}))
    config = masto(server.url)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert result.status == "error" and "refused the access token (401)" in result.message
    assert result.new == 3 and len(stored(ws)) == 3


def test_an_edit_keeps_the_history_and_a_deletion_leaves_a_tombstone(server, ws_factory, sleeps):
    FakeMastodon(server)
    first = "117024236332527350"  # "only real cars respond.", edited, then deleted
    headers = {"Content-Type": "text/event-stream"}
    server.route(
        "/api/v1/streaming/public",
        Reply(200, headers=headers, stream=recorded_stream(until="delete")),
    )
    config = masto(server.url)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert result.status == "ok", result.message
    assert [r[0] for r in stored(ws)] == [first]
    assert text_of(ws, first) == "only real animals respond."
    with ws.engine.connect() as conn:
        history = conn.execute(sa.select(post_versions.c.text)).scalars().all()
        rejects = conn.execute(sa.select(source_rejects.c.reason, source_rejects.c.payload)).all()
        payload = json.loads(conn.scalar(sa.select(raw_payloads.c.payload)))
    assert history == ["only real cars respond."]
    assert payload["content"] == "<p>only real animals respond.</p>"
    # the direct message is counted with its reason; its text is nowhere
    assert rejects == [(DIRECT, '{"id": "117024236559579118", "visibility": "direct"}')]

    server.route("/api/v1/streaming/public", Reply(200, headers=headers, stream=recorded_stream()))
    again = collect(ws, config, sleep=sleeps)
    assert again.status == "ok", again.message
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(posts.c.text, posts.c.deleted_at)).one()
        left = [
            conn.scalar(sa.select(sa.func.count()).select_from(t))
            for t in (post_versions, raw_payloads)
        ]
    assert row.text == "" and row.deleted_at is not None and left == [0, 0]


def test_direct_mentions_are_rejected_and_public_ones_kept(server, ws_factory, sleeps, monkeypatch):
    FakeMastodon(server, token="tok-1")
    headers = {"Content-Type": "text/event-stream"}
    server.route(
        "/api/v1/streaming/user/notification",
        Reply(200, headers=headers, stream=recorded_stream()),
    )
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    config = masto(server.url, timelines="", mentions=True)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new, result.rejected) == ("ok", 1, 1), result.message
    assert [r[0] for r in stored(ws)] == ["117024236408130890"]  # beep beep, I'm a jeep
    assert "pssssst" not in json.dumps([r[1] for r in stored(ws)])


def test_a_media_only_status_keeps_its_alt_text_as_its_text(server: FakeServer, ws_factory):
    fake = FakeMastodon(server)
    status = recorded("media_status.json")
    fake.statuses = [{**status, "content": ""}]  # media only: no words besides the alt text
    config = masto(server.url, stream=False)
    ws = ws_factory(config)
    result = collect(ws, config)
    assert (result.new, result.rejected) == (1, 0), result.message
    assert text_of(ws, status["id"]) == "me when a cat"
    with ws.engine.connect() as conn:
        payload = json.loads(conn.scalar(sa.select(raw_payloads.c.payload)))
    assert payload["escucha_text_from_alt"] is True
