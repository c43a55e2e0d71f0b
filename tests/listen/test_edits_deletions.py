"""Edits and deletions reach the store through the one batch writer, on SQLite and
PostgreSQL: an edit keeps the earlier text, a deletion leaves a tombstone no read shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from escucha.core.items import Deletion, Item
from escucha.errors import NotFound
from escucha.frames import posts_frame
from escucha.query import select_posts
from escucha.reads import overview
from escucha.reads import posts as reads
from escucha.store.schema import post_versions, posts, raw_payloads
from escucha.store.writer import start_run, store_batch

MODEL = "none"


def item(native_id: str, text: str) -> Item:
    return Item(
        source="masto",
        native_id=native_id,
        text=text,
        fetched_at=datetime.now(UTC),
        author="ana",
        platform="mastodon",
        instance="mastodon.example",
        author_id="1",
        raw={"id": native_id, "content": f"<p>{text}</p>"},
    )


def versions(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        query = sa.select(posts.c.native_id, post_versions.c.text).join(
            posts, posts.c.id == post_versions.c.post_id
        )
        return sorted(conn.execute(query).all())


def test_an_edit_replaces_the_text_and_keeps_the_earlier_one(workspace):
    run = start_run(workspace.engine, "masto", "https://mastodon.example", "test")
    store_batch(workspace.engine, "masto", run, [item("1", "vuelo retrasado"), item("2", "hola")])
    edited = item("1", "vuelo retrasado dos horas")
    new = store_batch(
        workspace.engine,
        "masto",
        run,
        [],
        edits=[edited, item("2", "hola"), item("3", "nuevo, editado antes de leerlo")],
    )
    assert new == 1  # the edit of a post never stored is stored
    with workspace.engine.connect() as conn:
        texts = dict(conn.execute(sa.select(posts.c.native_id, posts.c.text)).all())
        edited_at = conn.scalar(sa.select(posts.c.edited_at).where(posts.c.native_id == "1"))
    assert texts == {
        "1": "vuelo retrasado dos horas",
        "2": "hola",
        "3": "nuevo, editado antes de leerlo",
    }
    assert edited_at is not None
    assert versions(workspace) == [("1", "vuelo retrasado")]  # "2" was unchanged


def test_a_deleted_post_is_a_tombstone_that_no_read_shows(workspace):
    engine = workspace.engine
    run = start_run(engine, "masto", "https://mastodon.example", "test")
    store_batch(engine, "masto", run, [item(str(n), f"vuelo {n}") for n in range(1, 4)])
    store_batch(engine, "masto", run, [], edits=[item("2", "vuelo 2, editado")])
    store_batch(engine, "masto", run, [], deletions=[Deletion("2"), Deletion("99")])
    # a later REST read still lists it: the tombstone keeps it from coming back
    assert store_batch(engine, "masto", run, [item("2", "vuelo 2, editado")]) == 0

    with engine.connect() as conn:
        row = conn.execute(sa.select(posts).where(posts.c.native_id == "2")).one()
        kept = conn.scalar(sa.select(sa.func.count()).select_from(raw_payloads))
        every = reads.select_ids(conn, None, MODEL)
        shown = [r["native_id"] for r in reads.page(conn, every, MODEL, None, 10)[0]]
        total = every.total(conn)
        matched = select_posts(conn, "vuelo", MODEL)
        counted = overview.post_totals(conn, MODEL).posts
        with pytest.raises(NotFound):
            reads.detail(conn, row.id, MODEL)
    assert (row.text, row.deleted_at is not None) == ("", True)
    assert versions(workspace) == [] and kept == 2
    assert shown == ["3", "1"] and total == 2 and counted == 2
    assert row.id not in matched and len(matched) == 2
    assert sorted(posts_frame(workspace)["native_id"]) == ["1", "3"]
