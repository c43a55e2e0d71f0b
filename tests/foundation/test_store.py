"""The store: migrations on both databases, and uniqueness on (source, native id)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from escucha.core.items import Item
from escucha.store import db
from escucha.store.schema import metadata, posts, raw_payloads
from escucha.store.writer import write_batch


def test_migrations_build_exactly_the_declared_schema(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = db.make_engine(database_url)
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
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
