"""Bluesky: notifications, profiles and publishing through the atproto SDK, against a fake."""

from __future__ import annotations

import pytest

from escucha.errors import UserError
from escucha.listen.collector import collect
from escucha.listen.http import AuthFailed, SourceError
from escucha.listen.sources import make_source
from escucha.listen.sources.base import Profile
from escucha.listen.sources.bluesky import record_key
from escucha.listen.sources.writing import graphemes

from .conftest import stored
from .fake_bluesky import FakeAppView, did_of
from .test_bluesky import sky

LOGIN = {"handle": "iberia.com", "app_password": "app-pass-1"}


def source(server, sleeps, credentials=LOGIN, **options):
    return make_source(sky(base_url=server.url, **options), credentials, sleep=sleeps)


def test_notifications_keep_mentions_replies_and_quotes(server, ws_factory, sleeps, monkeypatch):
    view = FakeAppView(server)
    ours = view.post("Nuevas rutas", handle="iberia.com")
    mention = view.post("@iberia.com ¿y mi maleta?", handle="ana.bsky.social")
    reply = view.post("¡Qué bien!", handle="luis.bsky.social", reply_to=ours)
    view.notify(mention, "mention")
    view.notify(reply, "reply")
    view.notify(ours, "like")
    config = sky(base_url=server.url, notifications=True)
    ws = ws_factory(config)
    monkeypatch.setenv("ESCUCHA_SKY_HANDLE", "iberia.com")
    monkeypatch.setenv("ESCUCHA_SKY_APP_PASSWORD", "app-pass-1")
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new, result.rejected) == ("ok", 2, 0), result.message
    assert [r[0] for r in stored(ws)] == sorted([mention, reply])
    page = next(source(server, sleeps, notifications=True).fetch(None))
    assert {i.author_id for i in page.items} == {did_of("ana"), did_of("luis")}
    assert {i.platform for i in page.items} == {"bluesky"}


def test_notifications_need_a_login(server, sleeps):
    FakeAppView(server)
    with pytest.raises(AuthFailed, match="notifications need a login"):
        next(source(server, sleeps, credentials={}, notifications=True).fetch(None))


def test_a_profile_names_the_did(server, sleeps):
    FakeAppView(server)
    assert source(server, sleeps, credentials={}).profile("@iberia.com") == Profile(
        platform="bluesky",
        instance="",
        account_id=did_of("iberia"),
        handle="iberia.com",
        display_name="Iberia",
        followers=1234,
        profile_url="https://bsky.app/profile/iberia.com",
    )
    with pytest.raises(SourceError, match=r"refused the request \(400\): Profile not found"):
        source(server, sleeps, credentials={}).profile("nadie.bsky.social")


def test_a_reply_goes_to_the_thread_root_and_is_published_once(server, sleeps):
    view = FakeAppView(server)
    root = view.post("¿Hay huelga mañana?", handle="ana.bsky.social")
    parent = view.post("Yo también quiero saberlo", handle="luis.bsky.social", reply_to=root)
    published = source(server, sleeps).reply(parent, "No, operamos con normalidad.", "key-1")
    ((did, rkey), record) = next(iter(view.records.items()))
    assert did == did_of("iberia") and rkey == record_key("key-1")
    assert published.native_id == f"at://{did}/app.bsky.feed.post/{rkey}"
    assert published.url == f"https://bsky.app/profile/iberia.com/post/{rkey}"
    assert record["text"] == "No, operamos con normalidad."
    assert record["reply"]["root"]["uri"] == root and record["reply"]["parent"]["uri"] == parent
    assert published.created_at is not None
    again = source(server, sleeps).reply(parent, "No, operamos con normalidad.", "key-1")
    assert again.native_id == published.native_id and len(view.records) == 1
    assert len(server.hits("/xrpc/com.atproto.repo.createRecord")) == 1


def test_a_create_answered_too_late_is_found_not_repeated(server, sleeps):
    view = FakeAppView(server)
    view.slow_creates, view.create_delay = 1, 1.5
    published = source(server, sleeps, timeout=0.5).post("Abrimos ruta a Tokio", "key-9")
    assert len(view.records) == 1 and len(sleeps) == 1
    assert len(server.hits("/xrpc/com.atproto.repo.createRecord")) == 1
    assert published.native_id.endswith(record_key("key-9"))


def test_refusals_and_limits(server, sleeps):
    FakeAppView(server, password="other")
    with pytest.raises(AuthFailed) as refused:
        source(server, sleeps).post("hola", "k")
    assert str(refused.value).startswith("sky: Bluesky refused the login or token (401)")
    with pytest.raises(AuthFailed, match="posts need a login"):
        source(server, sleeps, credentials={}).post("hola", "k")
    flags = "🇪🇸" * 300  # 600 code points, 300 graphemes
    assert graphemes(flags) == 300 and graphemes("👩‍✈️ e\u0301") == 3
    with pytest.raises(UserError) as too_long:
        source(server, sleeps).post(flags + "!", "k")
    assert str(too_long.value) == (
        "sky: a bluesky post holds at most 300 graphemes; this one has 301"
    )
    assert sleeps == []


def test_record_keys_are_tids_derived_from_the_key():
    key = record_key("a")
    assert key == record_key("a") != record_key("b")
    assert len(key) == 13 and key[0] in "234567abcdefghij"
    assert set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")
