"""What each built-in kind declares: categories, profiles, writing, version, identities."""

from __future__ import annotations

import pytest

from escucha import __version__
from escucha.config import SourceConfig
from escucha.errors import UserError
from escucha.listen.sources import KINDS, make_source, source_class
from escucha.listen.sources.base import Source
from escucha.listen.sources.writing import Publisher, can_publish

from .conftest import Reply, data_file
from .fake_discourse import FakeForum
from .fake_mastodon import FakeMastodon
from .test_discourse import forum_config
from .test_mastodon import masto

DECLARED = {
    "rss": (("posts",), False, None),
    "discourse": (("posts", "mentions", "profiles"), True, None),
    "mastodon": (("posts", "mentions", "profiles"), True, "Mastodon.py"),
    "bluesky": (("posts", "mentions", "profiles"), True, "atproto"),
    "reddit": (("posts", "mentions", "profiles"), True, "praw"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_supports_what_it_declares(kind):
    cls = source_class(kind)
    offered, writes, sdk = DECLARED[kind]
    assert cls.categories.offered() == offered
    assert ("profiles" in offered) == (cls.profile is not Source.profile)
    assert can_publish(cls) == writes
    if writes:
        assert cls.write_limit.size > 0 and cls.idempotency
        assert cls.reply is not Publisher.reply and cls.post is not Publisher.post
    if sdk is not None:
        assert cls.sdk == sdk


def test_the_version_names_the_sdk(server, sleeps):
    from importlib.metadata import version

    FakeMastodon(server)
    source = make_source(masto(server.url, hashtags="x"), {}, sleep=sleeps)
    assert source.version == f"escucha {__version__}; Mastodon.py {version('Mastodon.py')}"
    rss = make_source(SourceConfig("blog", "rss", {"url": "https://blog.example/feed"}))
    assert rss.version == f"escucha {__version__}; feedparser {version('feedparser')}"


def test_rss_cannot_read_profiles_or_publish():
    rss = make_source(SourceConfig("blog", "rss", {"url": "https://blog.example/feed"}))
    assert not can_publish(rss)
    with pytest.raises(UserError, match="cannot read profiles"):
        rss.profile("ana")


def test_items_carry_the_platform_identity_of_their_author(server, sleeps):
    fake = FakeMastodon(server)
    fake.post("hola", tags=["iberia"], acct="ana@otra.example")
    source = make_source(masto(server.url, hashtags="iberia"), {}, sleep=sleeps)
    item = next(source.fetch(None)).items[0]
    account = fake.statuses[0]["account"]
    assert (item.platform, item.instance) == ("mastodon", "127.0.0.1")
    assert (item.author, item.author_id) == ("ana@otra.example", account["id"])


def test_forum_and_feed_authors(server, sleeps):
    forum = FakeForum(server, topics=1, posts=1)
    source = make_source(forum_config(server.url), {}, sleep=sleeps)
    item = next(i for page in source.fetch(None) for i in page.items)
    post = forum.topics[1][0]
    assert (item.instance, item.author, item.author_id) == (
        "127.0.0.1",
        post["username"],
        str(post["user_id"]),
    )
    server.route("/feed/", Reply(body=data_file("feed.rss")))
    feed = make_source(
        SourceConfig("blog", "rss", {"url": server.url + "/feed/", "allow_private_networks": True}),
        sleep=sleeps,
    )
    items = next(feed.fetch(None)).items
    assert any(i.author for i in items)
    assert all(i.author_id == i.author and i.instance == "" for i in items)
