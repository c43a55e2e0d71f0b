"""The store: migrations on both databases, and uniqueness on (source, native id)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import func

from escucha.core.items import Item
from escucha.store import db
from escucha.store.schema import authors, metadata, posts, raw_payloads
from escucha.store.search import include_name
from escucha.store.writer import write_batch


def test_migrations_build_exactly_the_declared_schema(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = db.make_engine(database_url)
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        # the search structures are DDL the models cannot declare (store/search.py)
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_downgrade_then_upgrade_round_trips(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine)
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "base")
    assert not sa.inspect(engine).has_table("posts")
    db.migrate(engine)
    assert sa.inspect(engine).has_table("posts")


def _item(native_id: str, text: str = "hola", **raw) -> Item:
    return Item(
        source="s", native_id=native_id, text=text, fetched_at=datetime.now(UTC), raw=raw or None
    )


def test_posts_are_unique_on_source_and_native_id(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine)
    with engine.begin() as conn:
        assert write_batch(conn, [_item("1"), _item("2"), _item("1", "again")], None) == 2
    with engine.begin() as conn:
        assert write_batch(conn, [_item("2"), _item("3")], None) == 1
    with engine.connect() as conn:
        rows = conn.execute(sa.select(posts.c.native_id, posts.c.text).order_by("native_id"))
        assert rows.all() == [("1", "hola"), ("2", "hola"), ("3", "hola")]
    with engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(
            sa.insert(posts),
            {"source": "s", "native_id": "1", "text": "x", "fetched_at": datetime.now(UTC)},
        )


def test_raw_payloads_are_archived_without_secrets(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine)
    item = _item("9", id="9", access_token="abc", user={"name": "ana", "password": "pw"})
    with engine.begin() as conn:
        write_batch(conn, [item], None)
    with engine.connect() as conn:
        payload = conn.scalar(sa.select(raw_payloads.c.payload))
    assert "abc" not in payload and "pw" not in payload
    assert '"name": "ana"' in payload


def test_an_unreachable_database_is_one_clear_error():
    from escucha.errors import UserError

    engine = db.make_engine("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(UserError, match="cannot open the store"):
        db.migrate(engine)


def test_password_is_redacted_from_the_shown_url():
    shown = db.redacted_url("postgresql+psycopg://ana:s3cret@db:5432/x")
    assert "s3cret" not in shown and "ana" in shown


def _by(source: str, native_id: str, author: str, platform: str = "", **fields) -> Item:
    return Item(
        source=source,
        native_id=native_id,
        text="hola",
        fetched_at=datetime.now(UTC),
        author=author,
        platform=platform,
        **fields,
    )


def _authors_of_posts(engine) -> dict[str, tuple]:
    """native id -> (author id, platform, instance, account id, handle, first source)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                posts.c.native_id,
                authors.c.id,
                authors.c.platform,
                authors.c.instance,
                authors.c.account_id,
                authors.c.handle,
                authors.c.first_source,
            ).select_from(posts.join(authors, authors.c.id == posts.c.author_id))
        )
        return {nid: tuple(rest) for nid, *rest in rows}


def test_one_account_through_two_sources_of_a_platform_is_one_author(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine)
    masto = {"platform": "mastodon", "instance": "mastodon.social"}
    with engine.begin() as conn:
        write_batch(conn, [_by("tags", "1", "ana", author_id="109", **masto)], None)
    with engine.begin() as conn:
        batch = [
            _by("mentions", "2", "ana", author_id="109", author_name="Ana", **masto),
            _by("mentions", "3", "ana_renamed", author_id="109", **masto),
        ]
        write_batch(conn, batch, None)
    got = _authors_of_posts(engine)
    assert got["1"] == got["2"] == got["3"]
    assert got["1"][1:] == ("mastodon", "mastodon.social", "109", "ana", "tags")
    with engine.connect() as conn:
        assert conn.scalar(sa.select(func.count()).select_from(authors)) == 1
        handles = conn.execute(sa.select(posts.c.author_handle).order_by(posts.c.native_id))
        assert handles.scalars().all() == ["ana", "ana", "ana_renamed"]  # as each post showed it


def test_one_handle_on_two_platforms_or_two_servers_is_two_authors(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine)
    with engine.begin() as conn:
        write_batch(
            conn,
            [
                _by("masto", "1", "ana", "mastodon", instance="mastodon.social"),
                _by("masto2", "2", "ana", "mastodon", instance="fosstodon.org"),
                _by("sky", "3", "ana", "bluesky"),
                _by("sky", "4", "ana", "bluesky"),
                _by("export", "5", "ana"),  # no platform: a file's source name stands for it
            ],
            None,
        )
    got = _authors_of_posts(engine)
    assert len({got[n][0] for n in "12345"}) == 4 and got["3"] == got["4"]
    assert [got[n][1:3] for n in "1235"] == [
        ("mastodon", "mastodon.social"),
        ("mastodon", "fosstodon.org"),
        ("bluesky", ""),
        ("export", ""),
    ]
    assert {got[n][3] for n in "12345"} == {"ana"}  # without an account id, the handle


def test_a_post_without_an_author_points_to_none(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine)
    with engine.begin() as conn:
        write_batch(conn, [_item("1")], None)
    with engine.connect() as conn:
        assert conn.execute(sa.select(posts.c.author_id, posts.c.author_handle)).one() == (
            None,
            None,
        )
        assert conn.scalar(sa.select(func.count()).select_from(authors)) == 0


def test_a_batch_stores_posts_rejects_counts_and_cursor_together(database_url):
    from escucha.core.items import Rejected
    from escucha.store.schema import import_runs, source_rejects, source_state
    from escucha.store.writer import SourceCursor, finish_run, start_run, store_batch

    engine = db.make_engine(database_url)
    db.migrate(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(source_state), {"source": "s", "kind": "rss", "collected": 0})
    run = start_run(engine, "s", "https://example.org/feed", "escucha 9.9 rss")
    bad = Rejected("page 2", "record has no text", {"id": 3, "api_key": "K1"})
    cursor = SourceCursor("rss", {"etag": "x"})
    assert store_batch(engine, "s", run, [_item("1"), _item("1"), _item("2")], [bad], cursor) == 2
    done = finish_run(engine, run, "done")
    assert (done["accepted"], done["duplicate"], done["rejected"]) == (2, 1, 1)
    assert done["connector_version"] == "escucha 9.9 rss"
    with engine.connect() as conn:
        state = conn.execute(sa.select(source_state)).one()
        reject = conn.execute(sa.select(source_rejects)).one()
        runs = conn.scalar(sa.select(func.count()).select_from(import_runs))
    assert (state.cursor, state.collected) == ({"etag": "x"}, 2)
    assert (reject.source, reject.import_run_id, reject.location, reject.line) == (
        "s",
        run,
        "page 2",
        None,
    )
    assert reject.reason == "record has no text" and "K1" not in reject.payload
    assert runs == 1


def test_a_failing_batch_stores_nothing_of_it(database_url, monkeypatch):
    from escucha.core.items import Rejected
    from escucha.store import writer
    from escucha.store.schema import source_rejects

    engine = db.make_engine(database_url)
    db.migrate(engine)
    run = writer.start_run(engine, "s", "f.csv", "escucha 9.9 csv")

    def broken(*args) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_add_to_run", broken)
    known: dict = {}
    with pytest.raises(RuntimeError):
        writer.store_batch(
            engine, "s", run, [_by("s", "1", "ana")], [Rejected("line 2", "x", "")], None, known
        )
    with engine.connect() as conn:
        for table in (posts, authors, source_rejects):
            assert conn.scalar(sa.select(func.count()).select_from(table)) == 0
    assert known == {}  # an author of a batch that rolled back is not taken as stored
