"""Fresh planner statistics after a write that grew a table (PostgreSQL only).

PostgreSQL plans a query from each table's statistics, which only ANALYZE refreshes; a
server with autovacuum off (or a store that grew faster than autovacuum looks) keeps
planning on the statistics of the old, smaller tables. After an import, a collection, an
analysis run or `migrate-store`, `analyze_grown` analyses the tables written, under
autovacuum's own rule: rows changed since the last ANALYZE above
ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR x the rows the statistics know of.

The mention rollup's tables (store/rollup.py) are rewritten a few days at a time by every
refresh: with autovacuum off nothing reclaims their dead rows (a 30-minute soak left 1,750
behind 71 live ones, growing ~8 kB a minute). `vacuum_churned`, run at the same moments,
vacuums them under autovacuum's vacuum rule.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sqlalchemy import Engine, bindparam, text

log = logging.getLogger(__name__)

ANALYZE_THRESHOLD = 50  # PostgreSQL's autovacuum_analyze_threshold default
ANALYZE_SCALE_FACTOR = 0.1  # autovacuum_analyze_scale_factor
VACUUM_THRESHOLD = 50  # autovacuum_vacuum_threshold
VACUUM_SCALE_FACTOR = 0.2  # autovacuum_vacuum_scale_factor
ROLLUP_TABLES = ("mention_rollup", "post_rollup", "rollup_dirty")

# per table: rows changed since the last ANALYZE, dead rows, rows the statistics know of
_COUNTERS = text(
    "SELECT s.relname, s.n_mod_since_analyze, s.n_dead_tup, c.reltuples "
    "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
    "WHERE s.schemaname = current_schema() AND s.relname IN :tables"
).bindparams(bindparam("tables", expanding=True))


def analyze_grown(engine: Engine, written: Mapping[str, int]) -> list[str]:
    """ANALYZE those of the tables in `written` that changed enough since their last
    ANALYZE; return their names. A no-op on SQLite.

    `written` maps a table to the rows this run knows it wrote (0 when unknown): a
    backend reports its counters to pg_stat_user_tables up to 10 s late, and only this
    connection's own can be forced out, so the known count is a floor for the changes seen.
    """
    if engine.dialect.name != "postgresql" or not written:
        return []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if (conn.dialect.server_version_info or (0,)) >= (15,):
            conn.exec_driver_sql("SELECT pg_stat_force_next_flush()")  # flushed once idle
        grown = []
        for name, changed, _, known in conn.execute(_COUNTERS, {"tables": sorted(written)}):
            threshold = ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR * max(known, 0)
            if max(changed, written[name]) >= threshold:
                grown.append(name)
        for name in grown:
            conn.exec_driver_sql(f'ANALYZE "{name}"')
    if grown:
        log.debug("analysed %s after they grew", ", ".join(grown))
    return grown


def vacuum_churned(engine: Engine, tables: tuple[str, ...] = ROLLUP_TABLES) -> list[str]:
    """VACUUM those of `tables` whose dead rows reach VACUUM_THRESHOLD + VACUUM_SCALE_FACTOR x
    their rows (as autovacuum would); return their names. A no-op on SQLite. The dead rows
    are those the server's counters report (up to 10 s late: the next run catches up)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        churned = [
            name
            for name, _, dead, known in conn.execute(_COUNTERS, {"tables": sorted(tables)})
            if dead >= VACUUM_THRESHOLD + VACUUM_SCALE_FACTOR * max(known, 0)
        ]
        for name in churned:
            conn.exec_driver_sql(f'VACUUM "{name}"')
    if churned:
        log.debug("vacuumed %s: their dead rows piled up", ", ".join(churned))
    return churned
