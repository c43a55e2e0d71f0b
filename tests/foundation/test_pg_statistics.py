"""Planner statistics follow a store that grew: an import or an analysis run that changed a
table by more than autovacuum's threshold analyses it (store/stats.py); a small one does not."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from escucha.store.stats import analyze_grown
from escucha.workspace import Workspace, init_workspace
from escucha_testkit import _fresh_pg_schema, market_config


@pytest.fixture
def pg_workspace(tmp_path: Path, monkeypatch):
    for url in _fresh_pg_schema():
        monkeypatch.setenv("ESCUCHA_DATABASE_URL", url)
        ws = init_workspace(tmp_path / "ws", market_config())
        yield ws
        ws.engine.dispose()


def counters(ws: Workspace, table: str, columns: str) -> tuple:
    """`columns` of pg_stat_user_tables (s) and pg_class (c) for a table of the workspace."""
    with ws.engine.connect() as conn:
        return tuple(
            conn.execute(
                sa.text(
                    f"SELECT {columns} FROM pg_stat_user_tables s "
                    "JOIN pg_class c ON c.oid = s.relid "
                    "WHERE s.schemaname = current_schema() AND s.relname = :t"
                ),
                {"t": table},
            ).one()
        )


def statistics(ws: Workspace, table: str) -> tuple:
    """(last ANALYZE, rows the planner believes) of a table in the workspace's schema."""
    return counters(ws, table, "s.last_analyze, c.reltuples")


def posts_file(path: Path, first: int, n: int) -> Path:
    lines = [f"{i},@Iberia vuelo número {i} con retraso" for i in range(first, first + n)]
    path.write_text("id,text\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.postgres
def test_a_large_import_is_analysed_and_a_small_one_is_not(pg_workspace, tmp_path):
    assert statistics(pg_workspace, "posts")[0] is None
    pg_workspace.import_file(posts_file(tmp_path / "a.csv", 1, 300), source="a")
    analysed, rows = statistics(pg_workspace, "posts")
    assert analysed is not None and 270 <= rows <= 330

    pg_workspace.import_file(posts_file(tmp_path / "b.csv", 1000, 5), source="b")
    assert statistics(pg_workspace, "posts") == (analysed, rows)  # 5 < 50 + 10% of 300

    before = statistics(pg_workspace, "enrichments")[0]
    assert pg_workspace.analyze()["enriched"] == 305
    analysed, rows = statistics(pg_workspace, "enrichments")
    assert analysed is not None and analysed != before and 275 <= rows <= 335


def test_nothing_is_analysed_on_sqlite(sqlite_workspace):
    assert analyze_grown(sqlite_workspace.engine, {"posts": 10_000}) == []


@pytest.mark.postgres
def test_the_planner_knows_how_many_days_the_mention_counts_group_by(pg_workspace, tmp_path):
    """The statistics on the day (store/search.py) are on the very expression the mention
    counts group by: the planner expects as many groups as there are days, not posts."""
    from sqlalchemy.dialects import postgresql

    from escucha.store.rollup import utc_day

    pg_workspace.import_file(posts_file(tmp_path / "p.csv", 1, 300))
    day = utc_day("postgresql").compile(dialect=postgresql.dialect())
    with pg_workspace.engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE posts SET created_at = timestamp '2026-01-01' + (id % 3) * interval '1 day'"
            )
        )
        conn.exec_driver_sql("ANALYZE posts")
        plan = conn.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) SELECT count(*) FROM posts GROUP BY {day}",
            {"to_char_1": "YYYY-MM-DD", "timezone_1": "UTC"},
        ).scalar()
    assert plan[0]["Plan"]["Plan Rows"] == 3


def dead_rows(ws: Workspace, table: str) -> tuple:
    """(last VACUUM by hand, dead rows the server counts) of a table in the workspace's schema."""
    return counters(ws, table, "s.last_vacuum, s.n_dead_tup")


@pytest.mark.postgres
def test_the_rollups_churned_tables_are_vacuumed_and_quiet_ones_are_not(pg_workspace):
    """Every rollup refresh deletes and rewrites rows: with autovacuum off nothing would
    reclaim them, so the end of a run vacuums a table whose dead rows pass autovacuum's rule."""
    from escucha.store.stats import vacuum_churned

    rows = [{"day": f"2026-01-{d:02d}"} for d in range(1, 29)] * 10  # 280 rows
    with pg_workspace.engine.connect() as conn:
        conn.execute(sa.text("INSERT INTO rollup_dirty (day) VALUES (:day)"), rows)
        conn.execute(sa.text("DELETE FROM rollup_dirty"))
        conn.execute(sa.text("INSERT INTO post_rollup VALUES ('m', '2026-01-01', 'es', 1)"))
        conn.execute(sa.text("DELETE FROM post_rollup"))
        conn.commit()
        conn.exec_driver_sql("SELECT pg_stat_force_next_flush()")  # flushed once idle
        conn.commit()
    assert dead_rows(pg_workspace, "rollup_dirty") == (None, 280)

    assert vacuum_churned(pg_workspace.engine) == ["rollup_dirty"]  # 1 dead row < 50
    vacuumed, dead = dead_rows(pg_workspace, "rollup_dirty")
    assert vacuumed is not None and dead == 0
    assert dead_rows(pg_workspace, "post_rollup")[0] is None
    assert vacuum_churned(pg_workspace.engine) == []


def test_nothing_is_vacuumed_on_sqlite(sqlite_workspace):
    from escucha.store.stats import vacuum_churned

    assert vacuum_churned(sqlite_workspace.engine) == []
