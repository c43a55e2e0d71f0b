"""Migrations 0011 (drafts of new posts) on a store holding 0007's drafts, and 0012 (the
followers kept on inbox items) on a store holding 0011's items, on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from escucha.store import db

T = "2026-11-30 10:00:00"


def _count(conn: sa.Connection, table: str) -> int:
    return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_replies_approvals_overrides_and_publications_survive_both_ways(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine, "0010")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO posts (id, source, native_id, text, fetched_at) "
                f"VALUES (1, 'masto', '111', '¿Iberia?', '{T}')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO drafts (id, post_id, text, status, verdict, flags, reasons, "
                f"created_by, created_at, idempotency_key) VALUES (7, 1, 'Hola', 'published', "
                f"'block', '[]', '[]', 'luis', '{T}', 'escucha-k1')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO draft_approvals (draft_id, approved_by, role, rule, approved_at) "
                f"VALUES (7, 'marta', 'admin', 'admin', '{T}')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO draft_overrides (draft_id, overridden_by, reason, verdict, flags, "
                f"overridden_at) VALUES (7, 'marta', 'es una cita', 'block', '[]', '{T}')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO publications (draft_id, source, parent_native_id, idempotency_key, "
                "state, attempts, native_id, updated_at) VALUES (7, 'masto', '111', "
                f"'escucha-k1', 'published', 1, '222', '{T}')"
            )
        )
    db.migrate(engine)
    with engine.begin() as conn:
        row = conn.execute(sa.text("SELECT kind, source, post_id FROM drafts")).one()
        assert tuple(row) == ("reply", "masto", 1)
        for table in ("draft_approvals", "draft_overrides", "publications"):
            assert _count(conn, table) == 1, table
        conn.execute(
            sa.text(
                "INSERT INTO drafts (id, kind, source, text, status, verdict, flags, reasons, "
                f"created_by, created_at, idempotency_key) VALUES (8, 'announcement', 'masto', "
                f"'Novedades', 'approved', 'ok', '[]', '[]', 'luis', '{T}', 'escucha-k2')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO draft_approvals (draft_id, approved_by, role, rule, approved_at) "
                f"VALUES (8, 'marta', 'admin', 'admin', '{T}')"
            )
        )
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(db._alembic_config(connection), "0010")
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(sa.text("SELECT id, post_id FROM drafts"))] == [
            (7, 1)
        ]
        for table in ("draft_approvals", "draft_overrides", "publications"):
            assert _count(conn, table) == 1, table
    engine.dispose()


def test_inbox_items_take_their_authors_followers(database_url):
    engine = db.make_engine(database_url)
    db.migrate(engine, "0011")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO authors (id, platform, instance, account_id, handle, followers, "
                "first_source) VALUES (1, 'mastodon', 'm.example', '1', 'ana', 2300, 'masto'), "
                "(2, 'mastodon', 'm.example', '2', 'bea', NULL, 'masto')"
            )
        )
        for post, author in ((1, 1), (2, 2), (3, None)):
            conn.execute(
                sa.text(
                    "INSERT INTO posts (id, source, native_id, text, fetched_at, author_id) "
                    f"VALUES ({post}, 'masto', '{post}', '¿Iberia?', '{T}', :author)"
                ),
                {"author": author},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO inbox_items (post_id, source, native_id, thread_root, "
                    "author_id, intent, status, asked_at, created_at, updated_at) VALUES "
                    f"({post}, 'masto', '{post}', '{post}', :author, 'question', 'new', "
                    f"'{T}', '{T}', '{T}')"
                ),
                {"author": author},
            )
    db.migrate(engine)
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT post_id, followers FROM inbox_items ORDER BY post_id"))
        assert [tuple(r) for r in kept] == [(1, 2300), (2, None), (3, None)]
