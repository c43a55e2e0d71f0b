"""Discourse: the API user's notifications, profiles, replies and new topics, against a fake."""

from __future__ import annotations

import pytest

from escucha.errors import UserError
from escucha.listen.collector import collect, load_cursor
from escucha.listen.http import AuthFailed, SourceError
from escucha.listen.sources import make_source
from escucha.listen.sources.base import Profile

from .conftest import stored
from .fake_discourse import API_KEY, API_USER, FakeForum
from .test_discourse import forum_config

KEYS = {"api_key": API_KEY, "api_username": API_USER}


def source(server, sleeps, credentials=KEYS, **options):
    return make_source(forum_config(server.url, **options), credentials, sleep=sleeps)


def test_notifications_bring_mentions_and_replies_once(server, ws_factory, sleeps, monkeypatch):
    forum = FakeForum(server, topics=2, posts=2)
    mention = forum.add_post(1, text="<p>@escucha_bot ¿me ayudáis con el vuelo?</p>")
    reply = forum.add_post(2, reply_to=1, text="<p>Gracias por la respuesta</p>")
    forum.notify(mention, 1)
    forum.notify(reply, 2)
    forum.notify(forum.topics[1][0]["id"], 5)  # a like: no post of someone to read
    config = forum_config(server.url, notifications=True)
    ws = ws_factory(config)
    monkeypatch.setenv("ESCUCHA_FORUM_API_KEY", API_KEY)
    monkeypatch.setenv("ESCUCHA_FORUM_API_USERNAME", API_USER)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 2), result.message
    assert [r[0] for r in stored(ws)] == sorted([str(mention), str(reply)])
    assert load_cursor(ws.engine, "forum") == {"since_id": 3}
    assert collect(ws, config, sleep=sleeps).new == 0
    items = [i for p in source(server, sleeps, notifications=True).fetch(None) for i in p.items]
    assert [(i.author_id, i.instance) for i in items] == [("3", "127.0.0.1")] * 2


def test_notifications_need_an_api_key(server, sleeps):
    FakeForum(server)
    with pytest.raises(AuthFailed, match="notifications need an API key"):
        next(source(server, sleeps, credentials={}, notifications=True).fetch(None))


def test_a_profile(server, sleeps):
    FakeForum(server)
    assert source(server, sleeps, credentials={}).profile("@ana") == Profile(
        platform="discourse",
        instance="127.0.0.1",
        account_id="77",
        handle="ana",
        display_name="Ana García",
        followers=None,
        profile_url=f"{server.url}/u/ana",
    )
    with pytest.raises(SourceError, match="answered 404"):
        source(server, sleeps, credentials={}).profile("nadie")


TEXT = "Hola, lo revisamos y te escribimos hoy mismo."


def test_a_reply_is_published_once_in_the_parents_topic(server, sleeps):
    forum = FakeForum(server, topics=2, posts=3)
    parent = forum.topics[2][1]["id"]
    published = source(server, sleeps).reply(str(parent), TEXT, "key-1")
    mine = forum.topics[2][-1]
    assert (mine["username"], mine["reply_to_post_number"]) == (API_USER, 2)
    assert published.native_id == str(mine["id"])
    assert published.url == f"{server.url}/t/topic-2/2/4"
    assert published.created_at is not None
    sent = server.hits("/posts.json")
    assert len(sent) == 1 and sent[0].headers["Api-Key"] == API_KEY
    again = source(server, sleeps).reply(str(parent), TEXT, "key-1")
    assert again == published and len(server.hits("/posts.json")) == 1
    assert len(forum.topics[2]) == 4


def test_a_reply_answered_too_late_is_found_not_repeated(server, sleeps):
    forum = FakeForum(server, topics=1, posts=2)
    forum.slow_posts, forum.post_delay = 1, 1.5
    published = source(server, sleeps, timeout=0.5).reply(str(forum.topics[1][0]["id"]), TEXT, "k")
    assert len(server.hits("/posts.json")) == 1 and len(sleeps) == 1
    assert len(forum.topics[1]) == 3 and published.native_id == str(forum.topics[1][-1]["id"])


def test_a_new_topic_is_found_by_its_title_on_a_retry(server, sleeps):
    forum = FakeForum(server, topics=1, posts=1)
    forum.slow_posts, forum.post_delay = 1, 1.5
    writer = source(server, sleeps, timeout=0.5)
    published = writer.post(TEXT, "k", title="Novedades de equipaje", community="4")
    assert len(server.hits("/posts.json")) == 1 and len(forum.topics) == 2
    assert published.native_id == str(forum.topics[2][0]["id"])
    assert server.hits("/posts.json")[0].fields()["category"] == 4
    with pytest.raises(UserError, match="needs a title"):
        writer.post(TEXT, "k2")


def test_refusals_and_limits(server, sleeps):
    forum = FakeForum(server, topics=1, posts=1)
    parent = str(forum.topics[1][0]["id"])
    with pytest.raises(SourceError) as short:
        source(server, sleeps).reply(parent, "ok", "k")
    assert str(short.value) == (
        f"forum: {server.url}/posts.json refused it (422): "
        "Body is too short (minimum is 20 characters)"
    )
    with pytest.raises(AuthFailed) as refused:
        source(server, sleeps, credentials={"api_key": "old", "api_username": API_USER}).reply(
            parent, TEXT, "k"
        )
    assert str(refused.value) == (
        f"forum: {server.url}/posts.json refused it (403): "
        "You are not permitted to view the requested resource."
    )
    with pytest.raises(AuthFailed, match="replies need an API key"):
        source(server, sleeps, credentials={}).reply(parent, TEXT, "k")
    with pytest.raises(UserError, match="at most 100 characters; this one has 101"):
        source(server, sleeps, max_post_chars=100).reply(parent, "x" * 101, "k")
    assert len(forum.topics[1]) == 1 and sleeps == []
