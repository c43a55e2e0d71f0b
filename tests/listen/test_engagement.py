"""Reach and engagement: stored as the source or the file gave them, refreshed when a post is
read again, never doubled; each connector reads the counts its platform's payload carries."""

from __future__ import annotations

import gzip
import json

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.demo import demo_path
from escucha.listen.collector import collect
from escucha.listen.importer import guess_mapping
from escucha.store.schema import authors, post_engagement, posts

from .fake_bluesky import FakeAppView
from .fake_discourse import FakeForum
from .fake_mastodon import FakeMastodon
from .fake_reddit import CLIENT_ID, CLIENT_SECRET, FakeReddit

COUNTS = ("followers", "likes", "reposts", "replies", "score", "engagement")


def counts(workspace, source: str | None = None) -> dict[str, tuple]:
    """native id -> (followers, likes, reposts, replies, score, engagement) of stored counts."""
    query = sa.select(posts.c.native_id, *(post_engagement.c[c] for c in COUNTS)).join(
        post_engagement, post_engagement.c.post_id == posts.c.id
    )
    if source:
        query = query.where(posts.c.source == source)
    with workspace.engine.connect() as conn:
        return {nid: tuple(rest) for nid, *rest in conn.execute(query)}


def write_csv(path, rows: list[tuple]) -> None:
    header = "id,text,author,followers_count,favorite_count,retweet_count,reply_count\n"
    path.write_text(header + "".join(",".join(map(str, r)) + "\n" for r in rows))


def test_an_import_stores_counts_and_a_reimport_refreshes_them(workspace, tmp_path):
    f = tmp_path / "tweets.csv"
    write_csv(f, [(1, "Iberia again", "ana", 120, 3, 2, 1), (2, "Vueling", "bob", 7, 0, 0, "")])
    first = workspace.import_file(f)
    assert (
        first.mapping["reposts"] == "retweet_count" and first.mapping["likes"] == "favorite_count"
    )
    assert counts(workspace) == {
        "1": (120, 3, 2, 1, None, 6),
        "2": (7, 0, 0, None, None, 0),  # an empty count is unknown, not zero
    }
    again = workspace.import_file(f)
    assert (again.accepted, again.duplicate) == (0, 2)
    assert counts(workspace)["1"] == (120, 3, 2, 1, None, 6)  # the same reading, stored once

    write_csv(f, [(1, "Iberia again", "ana", 150, 10, 4, 2)])  # read later: counts grew
    later = workspace.import_file(f)
    assert (later.accepted, later.duplicate) == (0, 1)
    assert counts(workspace)["1"] == (150, 10, 4, 2, None, 16)
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(post_engagement)) == 2
        assert conn.scalar(sa.select(authors.c.followers).where(authors.c.handle == "ana")) == 150
    frame = workspace.posts().set_index("native_id")
    assert frame.loc["1", "engagement"] == 16 and frame.loc["1", "followers"] == 150


def test_an_unreadable_count_keeps_the_post_without_it(sqlite_workspace, tmp_path):
    f = tmp_path / "odd.csv"
    write_csv(f, [(1, "Iberia", "ana", "lots", 2, -3, 1.0)])
    result = sqlite_workspace.import_file(f)
    assert (result.accepted, result.rejected, result.uncounted) == (1, 0, 2)
    assert result.warnings == [
        "line 2: column 'followers_count': 'lots' is not a count; kept without that count"
    ]
    assert counts(sqlite_workspace) == {"1": (None, 2, None, 1, None, 3)}  # -3 reposts: unknown


def test_a_file_without_counts_stores_no_engagement(sqlite_workspace, tmp_path):
    f = tmp_path / "plain.csv"
    f.write_text("id,text\n1,Iberia\n")
    assert sqlite_workspace.import_file(f).accepted == 1
    assert counts(sqlite_workspace) == {}
    row = sqlite_workspace.posts().iloc[0]
    assert row["engagement"] is None or row["engagement"] != row["engagement"]  # None or NaN


def test_the_demo_retweet_counts_are_mapped_to_reposts():
    with gzip.open(demo_path("data/us_airline_tweets.jsonl.gz"), "rt") as lines:
        columns = list(json.loads(next(lines)))
    assert guess_mapping(columns, {"id": "row"})["reposts"] == "retweet_count"


def test_mastodon_favourites_boosts_replies_and_followers(server, ws_factory, sleeps):
    fake = FakeMastodon(server)
    status = fake.post("Iberia", tags=["iberia"])
    fake.statuses[-1].update(favourites_count=5, reblogs_count=2, replies_count=1)
    fake.statuses[-1]["account"]["followers_count"] = 1234
    config = SourceConfig(
        "masto",
        "mastodon",
        {"api_base_url": server.url, "allow_private_networks": True, "hashtags": "iberia"},
    )
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 1
    assert counts(ws) == {status: (1234, 5, 2, 1, None, 8)}


def test_bluesky_likes_reposts_and_replies(server, ws_factory, sleeps):
    view = FakeAppView(server)
    uri = view.post("Iberia vuelo")
    view.posts[-1].update(likeCount=9, repostCount=3, replyCount=2)
    config = SourceConfig(
        "sky", "bluesky", {"allow_private_networks": True, "base_url": server.url, "q": "iberia"}
    )
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 1
    assert counts(ws) == {uri: (None, 9, 3, 2, None, 14)}


def test_reddit_score_and_comments(server, ws_factory, sleeps, monkeypatch):
    monkeypatch.setenv("ESCUCHA_RDT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("ESCUCHA_RDT_CLIENT_SECRET", CLIENT_SECRET)
    fake = FakeReddit(server)
    liked = fake.post("iberia", "Vuelo", "bien", score=42, num_comments=7)
    sunk = fake.post("iberia", "Maleta", "perdida", score=-4, num_comments=0)
    config = SourceConfig(
        "rdt",
        "reddit",
        {
            "oauth_url": server.url,
            "reddit_url": server.url,
            "allow_private_networks": True,
            "subreddits": "r/iberia",
        },
    )
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 2
    assert counts(ws) == {
        liked: (None, None, None, 7, 42, 49),
        sunk: (None, None, None, 0, -4, 0),  # a negative score adds no engagement
    }


def test_discourse_likes_and_replies(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=1, posts=2, per_page=2)
    first, second = forum.topics[1]
    first.update(reply_count=1, actions_summary=[{"id": 2, "count": 4}])
    config = SourceConfig(
        "forum", "discourse", {"base_url": server.url, "allow_private_networks": True}
    )
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 2
    found = counts(ws)
    assert found[str(first["id"])] == (None, 4, None, 1, None, 5)
    assert found[str(second["id"])] == (None, None, None, 0, None, 0)
