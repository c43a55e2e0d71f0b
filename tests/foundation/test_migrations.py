"""Migrations on a store holding data written by the previous schema, on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from escucha.store import db

T = "2024-05-01 10:00:00"


def _old_store(database_url: str) -> sa.Engine:
    """A store at revision 0004 with rows as the code of that schema wrote them.

    The database numbers the rows in insertion order; the `id` of each row says which it gets.
    """
    engine = db.make_engine(database_url)
    db.migrate(engine, "0004")
    with engine.begin() as conn:
        run = sa.text(
            "INSERT INTO import_runs (source, location, started_at, status, accepted, "
            "duplicate, rejected) VALUES (:source, :location, :t, 'done', 0, 0, 0)"
        )
        conn.execute(
            run,
            [
                {"id": 1, "source": "tags", "location": "https://mastodon.social", "t": T},
                {"id": 2, "source": "mentions", "location": "https://mastodon.social", "t": T},
                {"id": 3, "source": "other", "location": "https://fosstodon.org", "t": T},
                {"id": 4, "source": "tweets", "location": "/data/tweets.csv", "t": T},
            ],
        )
        conn.execute(
            sa.text(
                "INSERT INTO source_state (source, kind, collected) VALUES (:source, :kind, 0)"
            ),
            [
                {"source": "tags", "kind": "mastodon"},
                {"source": "mentions", "kind": "mastodon"},
                {"source": "other", "kind": "mastodon"},
                {"source": "sky", "kind": "bluesky"},
            ],
        )
        conn.execute(
            sa.text(
                "INSERT INTO authors (source, handle, display_name, followers) "
                "VALUES (:source, :handle, :name, :followers)"
            ),
            [
                {"id": 1, "source": "tags", "handle": "ana", "name": None, "followers": None},
                {"id": 2, "source": "mentions", "handle": "ana", "name": "Ana", "followers": 7},
                {"id": 3, "source": "other", "handle": "ana", "name": "Other Ana", "followers": 1},
                {"id": 4, "source": "other", "handle": "ana@mastodon.social", "name": None,
                 "followers": None},
                {"id": 5, "source": "tweets", "handle": "ana", "name": "Ana T", "followers": None},
                {"id": 6, "source": "sky", "handle": "ana", "name": None, "followers": None},
                {"id": 7, "source": "tweets", "handle": "bo", "name": None, "followers": None},
            ],
        )  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO posts (source, native_id, author_handle, text, fetched_at, "
                f"import_run_id) VALUES (:source, :nid, :handle, 'hola', '{T}', :run)"
            ),
            [
                {"id": 1, "source": "tags", "nid": "1", "handle": "ana", "run": 1},
                {"id": 2, "source": "mentions", "nid": "2", "handle": "ana", "run": 2},
                {"id": 3, "source": "other", "nid": "3", "handle": "ana", "run": 3},
                {"id": 4, "source": "other", "nid": "4", "handle": "ana@mastodon.social",
                 "run": 3},
                {"id": 5, "source": "tweets", "nid": "5", "handle": "ana", "run": 4},
                {"id": 6, "source": "sky", "nid": "6", "handle": "ana", "run": None},
                {"id": 7, "source": "tweets", "nid": "7", "handle": None, "run": 4},
                {"id": 8, "source": "tags", "nid": "8", "handle": "ana", "run": 1},
            ],
        )  # fmt: skip
        conn.execute(
            sa.text("INSERT INTO raw_payloads (post_id, payload) VALUES (:id, '{}')"),
            [{"id": i} for i in range(1, 9)],
        )
        conn.execute(
            sa.text(
                "INSERT INTO source_rejects (source, location, reason, payload, rejected_at) "
                "VALUES ('tags', 'page 1', 'record has no text', '{}', :t)"
            ),
            {"t": T},
        )
    return engine


def test_upgrading_merges_one_account_seen_through_two_sources(database_url):
    engine = _old_store(database_url)
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        stored = {
            r.id: r
            for r in conn.execute(
                sa.text(
                    "SELECT id, platform, instance, account_id, handle, display_name, "
                    "followers, first_source FROM authors"
                )
            )
        }
        pointed = dict(conn.execute(sa.text("SELECT id, author_id FROM posts")).all())
        kept = conn.execute(sa.text("SELECT count(*) FROM raw_payloads")).scalar()
        reject = conn.execute(sa.text("SELECT source, import_run_id, line FROM source_rejects"))
        reject = reject.one()
    identities = {
        i: (r.platform, r.instance, r.account_id, r.first_source) for i, r in stored.items()
    }
    # ana of mastodon.social: seen as "ana" by two sources of that instance and as
    # "ana@mastodon.social" from another instance; one author, the first one stored.
    assert identities == {
        1: ("mastodon", "mastodon.social", "ana", "tags"),
        3: ("mastodon", "fosstodon.org", "ana", "other"),
        5: ("tweets", "", "ana", "tweets"),
        6: ("bluesky", "", "ana", "sky"),
        7: ("tweets", "", "bo", "tweets"),
    }
    # the first value known of each attribute survives the merge
    assert (stored[1].handle, stored[1].display_name, stored[1].followers) == ("ana", "Ana", 7)
    assert stored[3].display_name == "Other Ana"
    assert pointed == {1: 1, 2: 1, 3: 3, 4: 1, 5: 5, 6: 6, 7: None, 8: 1}
    assert kept == 8
    assert tuple(reject) == ("tags", None, None)


def test_a_migrated_store_takes_new_posts_of_a_merged_author(database_url):
    from datetime import UTC, datetime

    from escucha.core.items import Item
    from escucha.store.writer import write_batch

    engine = _old_store(database_url)
    db.migrate(engine)
    item = Item(
        source="mentions",
        native_id="9",
        text="otra vez",
        fetched_at=datetime.now(UTC),
        author="ana",
        platform="mastodon",
        instance="mastodon.social",
    )
    with engine.begin() as conn:
        assert write_batch(conn, [item], None) == 1
    with engine.connect() as conn:
        author = conn.scalar(sa.text("SELECT author_id FROM posts WHERE native_id = '9'"))
        n_authors = conn.scalar(sa.text("SELECT count(*) FROM authors"))
    assert (author, n_authors) == (1, 5)


def test_downgrading_splits_authors_back_per_source_and_loses_no_post(database_url):
    from alembic import command

    engine = _old_store(database_url)
    db.migrate(engine)
    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0004")
    with engine.connect() as conn:
        pairs = set(conn.execute(sa.text("SELECT source, handle FROM authors")).all())
        posts = conn.scalar(sa.text("SELECT count(*) FROM posts"))
        payloads = conn.scalar(sa.text("SELECT count(*) FROM raw_payloads"))
    assert pairs == {
        ("tags", "ana"),
        ("mentions", "ana"),
        ("other", "ana"),
        ("other", "ana@mastodon.social"),
        ("tweets", "ana"),
        ("sky", "ana"),
        ("tweets", "bo"),
    }
    assert (posts, payloads) == (8, 8)
    db.migrate(engine)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM authors")) == 5


# A store at 0004 whose posts came from the connectors, with the payloads they kept: Mastodon
# statuses, Bluesky post views (search) and Jetstream commits, Discourse posts.
TOOTS_URL = "https://Mastodon.Example:443"  # the connectors name it "mastodon.example"
FORUM_URL = "https://forum.example"
ANA_DID = "did:plc:anaaaaaaaaaaaaaaaaaaaaa"


def _status_id(n: int) -> str:
    return str(110_000_000_000_000_000 + n)


def _post_uri(n: int, did: str) -> str:
    return f"at://{did}/app.bsky.feed.post/3l{n:011d}"


def _status(n: int, acct: str, account_id: str) -> dict:
    """A status as GET /api/v1/timelines/tag answers it."""
    return {
        "id": _status_id(n),
        "created_at": f"2025-06-01T10:{n:02d}:00.000Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "es",
        "uri": f"https://mastodon.example/users/{acct}/statuses/{n}",
        "url": f"https://mastodon.example/@{acct}/{n}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 1,
        "edited_at": None,
        "content": f"<p>Iberia {n}</p>",
        "reblog": None,
        "account": {
            "id": account_id,
            "username": acct.split("@")[0],
            "acct": acct,
            "display_name": acct.split("@")[0].title(),
            "locked": False,
            "bot": False,
            "created_at": "2022-11-01T00:00:00.000Z",
            "url": f"https://mastodon.example/@{acct}",
            "followers_count": 10,
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "iberia", "url": "https://mastodon.example/tags/iberia"}],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def _post_view(n: int, handle: str, did: str) -> dict:
    """A post view as app.bsky.feed.searchPosts answers it."""
    return {
        "uri": _post_uri(n, did),
        "cid": f"bafyreig{n:052d}",
        "author": {
            "did": did,
            "handle": handle,
            "displayName": handle.split(".")[0].title(),
            "labels": [],
            "createdAt": "2023-05-01T00:00:00.000Z",
        },
        "record": {
            "$type": "app.bsky.feed.post",
            "text": f"Iberia {n}",
            "createdAt": f"2025-06-01T10:{n:02d}:00.000Z",
            "langs": ["es"],
        },
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 2,
        "quoteCount": 0,
        "indexedAt": f"2025-06-01T10:{n:02d}:01.000Z",
        "labels": [],
    }


def _jetstream_event(n: int, did: str) -> dict:
    """A post commit as Jetstream sends it."""
    return {
        "did": did,
        "time_us": 1_750_000_000_000_000 + n * 1000,
        "kind": "commit",
        "commit": {
            "rev": f"3lrev{n:010d}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3l{n:011d}",
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": "2025-06-15T12:00:00.000Z",
                "langs": ["es"],
                "text": f"Iberia {n}",
            },
            "cid": f"bafyreic{n:052d}",
        },
    }


def _forum_post(post_id: int, number: int, username: str, user_id: int) -> dict:
    """A post as /t/{id}.json serves it."""
    return {
        "id": post_id,
        "name": username.title(),
        "username": username,
        "avatar_template": "/letter_avatar_proxy/v4/letter/m/{size}.png",
        "created_at": f"2025-06-01T10:{number:02d}:00.000Z",
        "cooked": f"<p>Iberia {post_id}</p>",
        "post_number": number,
        "post_type": 1,
        "updated_at": f"2025-06-01T10:{number:02d}:00.000Z",
        "reply_count": 0,
        "reply_to_post_number": None,
        "quote_count": 0,
        "reads": 3,
        "score": 0.4,
        "yours": False,
        "topic_id": 1,
        "topic_slug": "topic-1",
        "display_username": username.title(),
        "version": 1,
        "can_edit": False,
        "user_id": user_id,
        "trust_level": 1,
    }


def _collected_store(database_url: str) -> sa.Engine:
    """A store at 0004 holding what the connectors of that schema collected, payloads included."""
    import json

    from escucha.listen.sources.jetstream import event_to_post

    engine = db.make_engine(database_url)
    db.migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO import_runs (source, location, started_at, status, accepted, "
                "duplicate, rejected) VALUES (:source, :location, :t, 'done', 0, 0, 0)"
            ),
            [
                {"id": 1, "source": "toots", "location": TOOTS_URL, "t": T},
                {"id": 2, "source": "sky", "location": "iberia", "t": T},
                {"id": 3, "source": "firehose", "location": "", "t": T},
                {"id": 4, "source": "forum", "location": FORUM_URL, "t": T},
            ],
        )
        conn.execute(
            sa.text(
                "INSERT INTO source_state (source, kind, collected) VALUES (:source, :kind, 0)"
            ),
            [
                {"source": "toots", "kind": "mastodon"},
                {"source": "sky", "kind": "bluesky"},
                {"source": "firehose", "kind": "bluesky"},
                {"source": "forum", "kind": "discourse"},
            ],
        )
        conn.execute(
            sa.text("INSERT INTO authors (source, handle, display_name) VALUES (:s, :h, :name)"),
            [
                {"id": 1, "s": "toots", "h": "ana", "name": "Ana"},
                {"id": 2, "s": "toots", "h": "luis@other.example", "name": "Luis"},
                {"id": 3, "s": "toots", "h": "carla", "name": "Carla"},
                {"id": 4, "s": "sky", "h": "ana.bsky.social", "name": "Ana"},
                {"id": 5, "s": "firehose", "h": ANA_DID, "name": None},
                {"id": 6, "s": "forum", "h": "marta", "name": "Marta"},
            ],
        )
        luis = "luis@other.example"
        posts = [  # (id, source, native id, handle, run, payload or None)
            (1, "toots", _status_id(1), "ana", 1, _status(1, "ana", "1003")),
            (2, "toots", _status_id(2), luis, 1, _status(2, luis, "1010")),
            (3, "toots", _status_id(3), "carla", 1, None),
            (4, "sky", _post_uri(4, ANA_DID), "ana.bsky.social", 2,
             _post_view(4, "ana.bsky.social", ANA_DID)),
            (5, "firehose", _post_uri(5, ANA_DID), ANA_DID, 3,
             event_to_post(_jetstream_event(5, ANA_DID))),
            (6, "forum", "106", "marta", 4, _forum_post(106, 1, "marta", 5)),
            (7, "toots", _status_id(7), "ana", 1, _status(7, "ana", "1003")),
        ]  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO posts (source, native_id, author_handle, text, fetched_at, "
                f"import_run_id) VALUES (:source, :nid, :handle, 'Iberia', '{T}', :run)"
            ),
            [
                {"id": i, "source": s, "nid": nid, "handle": h, "run": run}
                for i, s, nid, h, run, _ in posts
            ],
        )
        conn.execute(
            sa.text("INSERT INTO raw_payloads (post_id, payload) VALUES (:id, :payload)"),
            [
                {"id": i, "payload": json.dumps(raw, ensure_ascii=False)}
                for i, *_, raw in posts
                if raw is not None
            ],
        )
    return engine


def test_upgrading_keys_collected_authors_by_the_id_in_their_payloads(database_url):
    engine = _collected_store(database_url)
    db.migrate(engine)
    with engine.connect() as conn:
        identities = {
            r.id: (r.platform, r.instance, r.account_id)
            for r in conn.execute(sa.text("SELECT id, platform, instance, account_id FROM authors"))
        }
        pointed = dict(conn.execute(sa.text("SELECT id, author_id FROM posts")).all())
    assert identities == {
        1: ("mastodon", "mastodon.example", "1003"),
        # a remote account's id is the one the instance read it from gave it
        2: ("mastodon", "mastodon.example", "1010"),
        3: ("mastodon", "mastodon.example", "carla"),  # no payload: the handle, as before
        # one DID seen by a search and by the firehose: one author
        4: ("bluesky", "", ANA_DID),
        6: ("discourse", "forum.example", "5"),
    }
    assert pointed == {1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 6, 7: 1}


def _collect(engine: sa.Engine, source: str, items: list) -> int:
    from escucha.store.writer import finish_run, start_run, store_batch

    run = start_run(engine, source, "again", "escucha test")
    new = store_batch(engine, source, run, items)
    finish_run(engine, run, "ok")
    return new


def test_accounts_collected_again_after_upgrading_are_the_migrated_authors(database_url):
    from escucha.config import SourceConfig
    from escucha.listen.sources.base import Page
    from escucha.listen.sources.bluesky import BlueskySource
    from escucha.listen.sources.discourse import DiscourseSource
    from escucha.listen.sources.jetstream import event_to_post
    from escucha.listen.sources.mastodon import MastodonSource

    engine = _collected_store(database_url)
    db.migrate(engine)
    toots = MastodonSource(SourceConfig("toots", "mastodon", {"api_base_url": TOOTS_URL}))
    page = Page()
    for status in (
        _status(1, "ana", "1003"),  # collected before the upgrade
        _status(8, "ana", "1003"),
        _status(9, "luis@other.example", "1010"),
    ):
        toots.take(page, "hashtag:iberia", status, f"{TOOTS_URL} hashtag:iberia")
    sky = BlueskySource(SourceConfig("sky", "bluesky", {"q": "iberia"}))
    firehose = BlueskySource(
        SourceConfig("firehose", "bluesky", {"jetstream_url": "wss://jetstream.example"})
    )
    forum = DiscourseSource(SourceConfig("forum", "discourse", {"base_url": FORUM_URL}))
    forum_post = forum._post_item(_forum_post(111, 2, "marta", 5), 106, {1: 106}, {})

    assert _collect(engine, "toots", page.items) == 2
    assert page.rejected == []
    views = [_post_view(4, "ana.bsky.social", ANA_DID), _post_view(10, "ana.bsky.social", ANA_DID)]
    assert _collect(engine, "sky", [sky.post_item(v) for v in views]) == 1
    event = event_to_post(_jetstream_event(11, ANA_DID))
    assert _collect(engine, "firehose", [firehose.post_item(event)]) == 1
    assert _collect(engine, "forum", [forum_post]) == 1

    with engine.connect() as conn:
        n_authors = conn.scalar(sa.text("SELECT count(*) FROM authors"))
        new_posts = dict(
            conn.execute(
                sa.text("SELECT native_id, author_id FROM posts WHERE import_run_id > 4")
            ).all()
        )
    assert n_authors == 5
    assert new_posts == {
        _status_id(8): 1,
        _status_id(9): 2,
        _post_uri(10, ANA_DID): 4,
        _post_uri(11, ANA_DID): 4,
        "111": 6,
    }


def test_downgrading_splits_authors_merged_by_payload_ids(database_url):
    from alembic import command

    engine = _collected_store(database_url)
    db.migrate(engine)
    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0004")
    with engine.connect() as conn:
        pairs = set(conn.execute(sa.text("SELECT source, handle FROM authors")).all())
    assert pairs == {
        ("toots", "ana"),
        ("toots", "luis@other.example"),
        ("toots", "carla"),
        ("sky", "ana.bsky.social"),
        ("firehose", ANA_DID),
        ("forum", "marta"),
    }
