"""The search index stays in step with the posts: filled by migration 0018 on a store that
already holds posts, and by every write of a post's text (import, edit, deletion)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from escucha.core.items import Deletion, Item
from escucha.core.text import folded_words
from escucha.query import select_posts
from escucha.store import db, search
from escucha.store.schema import posts
from escucha.store.writer import apply_deletions, apply_edits, write_batch

T = "2024-05-01 10:00:00"
TEXTS = [
    "¡AVIÓN cancelado! @Iberia_ES",
    "Cancelación del vuelo, otra vez",
    "lost_luggage #help",
    "nada que ver",
]


def ids(engine: sa.Engine, query: str) -> list[int]:
    with engine.connect() as conn:
        return select_posts(conn, query, "none")


def test_the_migration_folds_the_posts_already_stored(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.migrate(engine, "0012")
    with engine.begin() as conn:  # numbered 1, 2, ... in insertion order
        conn.execute(
            sa.text(
                "INSERT INTO posts (source, native_id, text, fetched_at) "
                f"VALUES ('s', :nid, :text, '{T}')"
            ),
            [{"nid": str(i), "text": t} for i, t in enumerate(TEXTS, start=1)],
        )
        conn.execute(sa.text("INSERT INTO brand_mentions VALUES (2, 'Iberia', 'm')"))
    db.migrate(engine)
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(posts.c.id, posts.c.words)).all())
    assert stored == {i: folded_words(t) for i, t in enumerate(TEXTS, start=1)}
    assert stored[1] == " avion cancelado iberia_es "
    assert ids(engine, "avion") == [1]
    assert ids(engine, "cancel*") == [1, 2]
    assert ids(engine, "lost_luggage OR vuelo") == [2, 3]
    assert ids(engine, "NOT cancel*") == [3, 4]
    assert ids(engine, "brand:IBERIA") == [2]
    with engine.begin() as conn:  # new posts after the upgrade are indexed as they come
        write_batch(conn, [Item("s", "5", "Un AVIÓN más", datetime.now(UTC))], None)
    assert ids(engine, "avion") == [1, 5]

    from alembic import command

    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0012")
    assert "words" not in {c["name"] for c in sa.inspect(engine).get_columns("posts")}
    db.migrate(engine)
    assert ids(engine, "avion") == [1, 5]
    engine.dispose()


def test_edits_and_deletions_move_the_index_with_the_text(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.migrate(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        write_batch(
            conn, [Item("s", "1", "vuelo retrasado", now), Item("s", "2", "avión", now)], None
        )
    assert ids(engine, "retras*") == [1]
    with engine.begin() as conn:
        apply_edits(conn, "s", [Item("s", "1", "vuelo CANCELADO", now)])
    assert ids(engine, "retras*") == []
    assert ids(engine, "cancelado") == [1]
    with engine.begin() as conn:
        apply_deletions(conn, "s", [Deletion("2")])
    assert ids(engine, "avion") == []
    assert ids(engine, "NOT avion") == [1]
    with engine.begin() as conn:  # a deleted row leaves the index too
        conn.execute(sa.delete(posts).where(posts.c.id == 1))
    assert ids(engine, "vuelo") == []
    engine.dispose()


def test_a_batch_is_indexed_at_once_and_single_inserts_by_the_trigger(database_url: str) -> None:
    """The batch writer indexes its new posts in one statement (the trigger stands aside only
    inside its transaction); a post inserted any other way is indexed by the trigger."""
    engine = db.make_engine(database_url)
    db.migrate(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        write_batch(conn, [Item("s", "1", "vuelo retrasado", now)], None)
        write_batch(  # a second batch: only the posts above the first one's are indexed again
            conn, [Item("s", "1", "vuelo retrasado", now), Item("s", "2", "maleta", now)], None
        )
    with engine.begin() as conn:
        conn.execute(sa.insert(posts).values(source="s", native_id="3", text="maleta rota",
                                             fetched_at=now))  # fmt: skip
    with engine.connect() as conn:  # PostgreSQL's ids skip the number the conflict took
        by_native = dict(conn.execute(sa.select(posts.c.native_id, posts.c.id)).all())
    assert ids(engine, "retrasado") == [by_native["1"]]
    assert ids(engine, "maleta") == [by_native["2"], by_native["3"]]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM posts_fts_deferred").scalar() == 0
            indexed = conn.exec_driver_sql(
                "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'maleta'"
            ).scalar()
        assert indexed == 2  # each post once, neither batch nor trigger twice
    engine.dispose()


def test_postgres_compiles_no_query_to_machine_code_and_keeps_its_setting(database_url: str):
    engine = db.make_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        return
    db.migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET LOCAL jit = on")
        seen = []
        sa.event.listen(conn, "before_cursor_execute", lambda *a: seen.append(a[2]))
        select_posts(conn, "vuelo AND NOT brand:iberia", "none")
        assert "SET LOCAL jit = off" in seen
        assert conn.exec_driver_sql("SHOW jit").scalar() == "on"
    engine.dispose()


def selections(conn: sa.Connection) -> list[tuple[str, object]]:
    """The post selections `conn` runs from now on: (statement, parameters)."""
    seen: list[tuple[str, object]] = []

    def selected(c, cursor, statement, params, *a) -> None:
        if statement.startswith("SELECT posts.id"):
            seen.append((statement, params))

    sa.event.listen(conn, "before_cursor_execute", selected)
    return seen


def test_postgres_reads_intents_and_live_posts_from_their_partial_indexes(database_url: str):
    """Migration 0024's indexes serve the conditions the query compiles to: a predicate that
    drifted from `intent:`'s LIKE would leave its index unused, silently."""
    engine = db.make_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        return
    db.migrate(engine)
    with engine.connect() as conn:
        names = set(conn.scalars(sa.text("SELECT indexname FROM pg_indexes")))
        assert set(search.PLAN_INDEXES) <= names
        plans = selections(conn)
        select_posts(conn, "intent:complaint AND sentiment:negative", "m1")
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # an empty table: force indexes
        statement, params = plans[0]
        plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {statement}", params).scalars())
    assert "ix_enrichments_intent_complaint" in plan
    assert "ix_posts_live" in plan
    engine.dispose()


def test_sqlite_probes_enrichments_beside_an_index_and_reads_them_once_alone(database_url: str):
    """SQLite: beside a condition an index serves (a brand), an intent or a language is one
    probe per post that condition selects, not a read of every enrichment; alone, the
    enrichments are read once, not probed for every post."""
    engine = db.make_engine(database_url)
    if engine.dialect.name != "sqlite":
        engine.dispose()
        return
    db.migrate(engine)
    with engine.connect() as conn:
        statements = selections(conn)

        def plan(query: str) -> str:
            statements.clear()
            select_posts(conn, query, "m1")
            statement, params = statements[0]
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            return "\n".join(row[-1] for row in rows)

        beside = plan("(brand:Iberia OR brand:Vueling) AND intent:complaint AND NOT lang:en")
        alone = plan("intent:complaint")

    def reads(plan: str) -> set[str]:  # how each step reads the enrichments
        return {line for line in plan.splitlines() if " enrichments " in line + " "}

    by_post = "SEARCH enrichments USING INDEX sqlite_autoindex_enrichments_1 (post_id=?"
    assert reads(beside) and all(line.startswith(by_post) for line in reads(beside))
    assert any(not line.startswith(by_post) for line in reads(alone))
    engine.dispose()
