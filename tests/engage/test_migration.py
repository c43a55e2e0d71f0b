"""Migration 0011 (drafts of new posts) on a store holding 0007's drafts, on both databases."""

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
