"""Reddit: inbox mentions, profiles, comments and self posts through praw, against a fake."""

from __future__ import annotations

import pytest

from escucha.errors import UserError
from escucha.listen.collector import collect
from escucha.listen.http import AuthFailed, SourceError
from escucha.listen.sources import make_source
from escucha.listen.sources.base import Profile

from .conftest import stored
from .fake_reddit import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, FakeReddit
from .test_reddit import reddit

APP = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
ACCOUNT = APP | {"username": USERNAME, "password": PASSWORD}
TEXT = "Gracias, te escribimos por mensaje privado."


def source(server, sleeps, credentials=ACCOUNT, **options):
    return make_source(reddit(server.url, **options), credentials, sleep=sleeps)


def test_inbox_mentions_are_collected_with_their_thread(server, ws_factory, sleeps, monkeypatch):
    fake = FakeReddit(server)
    post = fake.post("viajes", "Equipaje perdido")
    mention = fake.mention("viajes", "u/iberia_bot ¿podéis mirarlo?", post)
    config = reddit(server.url, mentions=True)
    ws = ws_factory(config)
    for key, value in ACCOUNT.items():
        monkeypatch.setenv(f"ESCUCHA_RDT_{key.upper()}", value)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new) == ("ok", 1), result.message
    assert stored(ws) == [(mention, "u/iberia_bot ¿podéis mirarlo?", post, None)]
    item = next(source(server, sleeps, mentions=True).fetch(None)).items[0]
    assert (item.author, item.author_id, item.platform) == ("luis", "luis", "reddit")
    assert item.url == f"https://www.reddit.com/r/viajes/comments/{post[3:]}/hilo/{mention[3:]}/"


def test_mentions_need_the_account(server, sleeps):
    FakeReddit(server)
    with pytest.raises(AuthFailed, match="mentions need a Reddit account: set ESCUCHA_RDT_US"):
        next(source(server, sleeps, credentials=APP, mentions=True).fetch(None))


def test_a_profile(server, sleeps):
    FakeReddit(server)
    assert source(server, sleeps, credentials=APP).profile("u/ana") == Profile(
        platform="reddit",
        instance="",
        account_id="ana",
        handle="ana",
        display_name="Ana en Reddit",
        followers=321,
        profile_url="https://www.reddit.com/user/ana",
    )
    with pytest.raises(SourceError, match="Reddit has no /user/nadie/about"):
        source(server, sleeps, credentials=APP).profile("nadie")


def test_a_comment_is_published_once(server, sleeps):
    fake = FakeReddit(server)
    post = fake.post("viajes", "Equipaje perdido")
    published = source(server, sleeps).reply(post, TEXT, "key-1")
    mine = fake.entries[-1]["data"]
    assert (mine["author"], mine["parent_id"], mine["body"]) == (USERNAME, post, TEXT)
    assert published.native_id == mine["name"]
    assert published.url == f"https://www.reddit.com{mine['permalink']}"
    assert published.created_at is not None
    again = source(server, sleeps).reply(post, TEXT, "key-1")
    assert again == published and len(server.hits("/api/comment")) == 1


def test_a_comment_answered_too_late_is_found_not_repeated(server, sleeps):
    fake = FakeReddit(server)
    post = fake.post("viajes", "Equipaje perdido")
    fake.slow_writes, fake.write_delay = 1, 1.5
    published = source(server, sleeps, timeout=0.5).reply(post, TEXT, "k")
    assert len(server.hits("/api/comment")) == 1 and len(sleeps) == 1
    assert published.native_id == fake.entries[-1]["data"]["name"] and len(fake.entries) == 2


def test_a_self_post_is_found_on_a_retry(server, sleeps):
    fake = FakeReddit(server)
    fake.slow_writes, fake.write_delay = 1, 1.5
    writer = source(server, sleeps, timeout=0.5)
    published = writer.post(TEXT, "k", title="Novedades", community="r/viajes")
    assert len(server.hits("/api/submit")) == 1 and len(fake.entries) == 1
    assert published.native_id == fake.entries[0]["data"]["name"]
    with pytest.raises(UserError, match="needs a title and a subreddit"):
        writer.post(TEXT, "k2", title="Novedades")
    with pytest.raises(UserError, match="at most 300 characters; this one has 301"):
        writer.post(TEXT, "k3", title="x" * 301, community="viajes")


def test_refusals_and_limits(server, sleeps):
    fake = FakeReddit(server)
    post = fake.post("viajes", "Equipaje perdido")
    with pytest.raises(SourceError) as gone:
        source(server, sleeps).reply("t1_zzzzz", TEXT, "k")
    assert str(gone.value) == "rdt: Reddit refused it: NO_THING: that comment is gone"
    wrong = ACCOUNT | {"password": "old"}
    with pytest.raises(AuthFailed, match="Reddit refused the app's credentials"):
        source(server, sleeps, credentials=wrong).reply(post, TEXT, "k")
    fake.token = "other"
    with pytest.raises(AuthFailed, match=r"Reddit refused the access token \(401\)"):
        source(server, sleeps).reply(post, TEXT, "k")
    with pytest.raises(AuthFailed, match="replies and posts need a Reddit account"):
        source(server, sleeps, credentials=APP).reply(post, TEXT, "k")
    with pytest.raises(UserError, match="at most 10,000 characters; this one has 10,001"):
        source(server, sleeps).reply(post, "x" * 10_001, "k")
    assert len(fake.entries) == 1 and sleeps == []
