"""Jetstream as production delivers it: out of time order, replayed on reconnect, with
deletions; nothing lost, nothing counted twice."""

from __future__ import annotations

import json
import random

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.listen.collector import collect, load_cursor
from escucha.listen.sources.jetstream import stream_url
from escucha.store.schema import posts, raw_payloads

from .conftest import stored
from .fake_bluesky import POST, FakeJetstream, jetstream_event


def sky(url: str, **options) -> SourceConfig:
    return SourceConfig(
        "sky",
        "bluesky",
        {
            "allow_private_networks": True,
            "jetstream_url": url,
            "q": "iberia",
            "idle_seconds": 0.5,
            "flush_seconds": 0.1,
            "stream_seconds": 20,
            **options,
        },
    )


def production_like() -> list[dict]:
    """152 events in the order production Jetstream sent a capture of that size: half of
    them arrive behind the newest time_us already sent, by up to 33 ms; 16 are matching
    posts, the rest other posts and identity events."""
    shuffle = random.Random(17)
    events = []
    for n in range(152):
        text = f"Iberia me cambió el vuelo {n}" if n % 9 == 4 else "otra cosa"
        event = jetstream_event(n, text, kind="identity" if n % 11 == 10 else "commit")
        event["time_us"] = 1_750_000_000_000_000 + n * 2_000
        events.append(event)
    # Jetstream's consumers fan in from several relays: an event may be sent after others
    # up to 33 ms newer than it.
    late = set(shuffle.sample(range(152), 82))
    order = sorted(range(152), key=lambda i: i + (shuffle.randint(2, 16) if i in late else 0))
    return [events[i] for i in order]


def behind_running_max(events: list[dict]) -> tuple[int, int]:
    newest, behind, worst = 0, 0, 0
    for event in events:
        if event["time_us"] < newest:
            behind += 1
            worst = max(worst, newest - event["time_us"])
        newest = max(newest, event["time_us"])
    return behind, worst


def matching(events: list[dict]) -> list[str]:
    return sorted(
        f"at://{e['did']}/{POST}/{e['commit']['rkey']}"
        for e in events
        if e["kind"] == "commit" and "iberia" in e["commit"]["record"]["text"].lower()
    )


def test_events_out_of_time_order_are_all_stored_and_a_rerun_adds_nothing(ws_factory, sleeps):
    events = production_like()
    behind, worst = behind_running_max(events)
    assert behind >= 70 and 25_000 <= worst <= 33_000  # shaped like the production capture
    wanted = matching(events)
    assert len(wanted) == 16
    with FakeJetstream(events, drop_after=90) as jet:
        config = sky(jet.url)
        ws = ws_factory(config)
        result = collect(ws, config, sleep=sleeps)
    assert result.status == "ok", result.message
    assert [r[0] for r in stored(ws)] == wanted
    assert (result.new, result.duplicate) == (len(wanted), 0)  # the replay is not recounted
    newest = max(e["time_us"] for e in events)
    assert load_cursor(ws.engine, "sky") == {"time_us": newest - 3_000_000}

    with FakeJetstream(events) as jet:
        again = collect(ws, sky(jet.url), sleep=sleeps)
    assert jet.cursors == [str(newest - 3_000_000)]
    assert (again.status, again.new) == ("ok", 0)
    assert [r[0] for r in stored(ws)] == wanted


def test_a_jetstream_url_with_a_query_keeps_the_collection_filter(ws_factory, sleeps):
    assert stream_url("wss://js.example/subscribe?requireHello=false", 5) == (
        "wss://js.example/subscribe?requireHello=false"
        "&wantedCollections=app.bsky.feed.post&cursor=5"
    )
    events = [jetstream_event(n, f"Iberia {n}") for n in range(3)]
    with FakeJetstream(events) as jet:
        config = sky(jet.url + "?requireHello=false&compress=false")
        ws = ws_factory(config)
        assert collect(ws, config, sleep=sleeps).new == 3
    assert jet.queries[0] == {
        "requireHello": ["false"],
        "compress": ["false"],
        "wantedCollections": [POST],
    }


def test_a_deleted_post_loses_its_text_and_keeps_a_tombstone(ws_factory, sleeps):
    events = [jetstream_event(n, f"Iberia {n}") for n in range(3)]
    gone = jetstream_event(1, None)
    gone["time_us"] = events[-1]["time_us"] + 1_000
    gone["commit"] = {"rev": "3lrevdel", "operation": "delete", "collection": POST}
    gone["commit"]["rkey"] = events[1]["commit"]["rkey"]
    with FakeJetstream([*events, gone]) as jet:
        config = sky(jet.url)
        ws = ws_factory(config)
        assert collect(ws, config, sleep=sleeps).new == 3
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(posts.c.native_id, posts.c.text, posts.c.deleted_at).order_by(
                posts.c.native_id
            )
        ).all()
    deleted = f"at://{gone['did']}/{POST}/{gone['commit']['rkey']}"
    assert [(r.native_id, r.text, r.deleted_at is not None) for r in rows if r.deleted_at] == [
        (deleted, "", True)
    ]
    assert len(rows) == 3


def test_a_media_only_post_keeps_its_alt_text_as_its_text(ws_factory, sleeps):
    photo = jetstream_event(1, "")
    photo["commit"]["record"]["embed"] = {
        "$type": "app.bsky.embed.images",
        "images": [
            {
                "alt": "Cola de facturación de Iberia en Barajas, T4",
                "image": {"$type": "blob", "mimeType": "image/jpeg", "size": 91234},
                "aspectRatio": {"width": 4, "height": 3},
            }
        ],
    }
    bare = jetstream_event(2, "")  # no text, no media: still no text
    with FakeJetstream([photo, bare]) as jet:
        config = sky(jet.url)
        ws = ws_factory(config)
        result = collect(ws, config, sleep=sleeps)
    assert (result.new, result.rejected) == (1, 0), result.message  # `bare` matches no term
    assert [r[1] for r in stored(ws)] == ["Cola de facturación de Iberia en Barajas, T4"]
    with ws.engine.connect() as conn:
        payload = json.loads(conn.scalar(sa.select(raw_payloads.c.payload)))
    assert payload["escucha_text_from_alt"] is True
