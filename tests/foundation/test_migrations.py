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
