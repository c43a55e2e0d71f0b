"""The triggers that mark, in `rollup_dirty`, the UTC days a change of the tables the mention
rollup counts touches (store/rollup.py says how they are read). Apart from the rollup so that
the table models can create them (`metadata.create_all`) without importing it.

PostgreSQL: one call per statement, the changed rows read from its transition tables
(`rollup_new`, `rollup_old`), each day once per statement, appended (no row is updated, so
concurrent writers never wait for each other here). SQLite: one call per row, and a day
already marked is not marked again.
"""

from __future__ import annotations

from sqlalchemy import Connection

UNDATED = ""  # the day of the posts without a date, in rollup_dirty and mention_rollup
WATCHED = ("posts", "enrichments", "brand_mentions", "post_engagement", "post_labels")
# the rollup's own tables: derived from the WATCHED ones, with the marks not yet read
DERIVED = ("mention_rollup", "post_rollup", "rollup_versions", "rollup_dirty")


def _sql_day(dialect: str, column: str) -> str:
    """`utc_day` of a column in trigger SQL, "" without a date."""
    if dialect == "postgresql":
        return f"coalesce(to_char(timezone('UTC', {column}), 'YYYY-MM-DD'), '')"
    return f"coalesce(substr({column}, 1, 10), '')"


def _sqlite_mark(day_of: str, where: str = "") -> str:
    """One statement marking the day `day_of` (from `posts` when `where` is given) once."""
    source = f"SELECT {day_of} AS d FROM posts WHERE {where}" if where else f"SELECT {day_of} AS d"
    return (
        f"INSERT INTO rollup_dirty (day) SELECT d FROM ({source}) "
        "WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE day = d);"
    )


def _sqlite_triggers(table: str) -> list[str]:
    if table == "posts":
        new, old = (
            _sqlite_mark(_sql_day("sqlite", "new.created_at")),
            _sqlite_mark(_sql_day("sqlite", "old.created_at")),
        )
        changed = "AFTER UPDATE OF created_at, deleted_at ON posts"
    else:
        day = _sql_day("sqlite", "created_at")
        new = _sqlite_mark(day, "id = new.post_id")
        old = _sqlite_mark(day, "id = old.post_id")
        changed = f"AFTER UPDATE ON {table}"
    return [
        f"CREATE TRIGGER rollup_{table}_insert AFTER INSERT ON {table} BEGIN {new} END",
        f"CREATE TRIGGER rollup_{table}_delete AFTER DELETE ON {table} BEGIN {old} END",
        f"CREATE TRIGGER rollup_{table}_update {changed} BEGIN {old} {new} END",
    ]


def _pg_mark(days: str) -> str:
    """Mark each day `days` selects (as `d`) that this transaction has not marked yet. Only
    the transaction's own marks count (`age(xmin) = 0`: inserted by it): one committed by
    another may be drained by a read before this change commits, and the day must then stay
    marked."""
    return (
        f"INSERT INTO rollup_dirty (day) SELECT DISTINCT d FROM ({days}) x WHERE NOT EXISTS "
        "(SELECT 1 FROM rollup_dirty r WHERE r.day = x.d AND age(r.xmin) = 0);"
    )


def _postgres_function(table: str) -> str:
    """A statement trigger's function: the days of the changed rows (`rollup_new`,
    `rollup_old`: the transition tables)."""
    if table == "posts":
        day_new = _sql_day("postgresql", "n.created_at")
        day_old = _sql_day("postgresql", "o.created_at")
        moved = (
            "FROM rollup_old o JOIN rollup_new n ON n.id = o.id "
            "WHERE n.created_at IS DISTINCT FROM o.created_at "
            "OR n.deleted_at IS DISTINCT FROM o.deleted_at"
        )
        on_insert = _pg_mark(f"SELECT {day_new} AS d FROM rollup_new n")
        on_delete = _pg_mark(f"SELECT {day_old} AS d FROM rollup_old o")
        on_update = _pg_mark(f"SELECT {day_old} AS d {moved} UNION ALL SELECT {day_new} {moved}")
    else:
        day = _sql_day("postgresql", "p.created_at")

        def of(ids: str) -> str:
            return _pg_mark(f"SELECT {day} AS d FROM posts p WHERE p.id IN ({ids})")

        on_insert = of("SELECT post_id FROM rollup_new")
        on_delete = of("SELECT post_id FROM rollup_old")
        on_update = of("SELECT post_id FROM rollup_new UNION SELECT post_id FROM rollup_old")
    return (
        f"CREATE OR REPLACE FUNCTION rollup_mark_{table}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {on_insert} "
        f"ELSIF TG_OP = 'DELETE' THEN {on_delete} "
        f"ELSE {on_update} END IF; RETURN NULL; END $$"
    )


def _postgres_triggers(table: str) -> list[str]:
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_{table}()"
    return [
        _postgres_function(table),
        f"CREATE TRIGGER rollup_{table}_insert AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS rollup_new {run}",
        f"CREATE TRIGGER rollup_{table}_delete AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS rollup_old {run}",
        f"CREATE TRIGGER rollup_{table}_update AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS rollup_old NEW TABLE AS rollup_new {run}",
    ]


def create_triggers(conn: Connection, table: str) -> None:
    """The triggers that mark the days a change of `table` (one of WATCHED) touches."""
    postgres = conn.dialect.name == "postgresql"
    for statement in _postgres_triggers(table) if postgres else _sqlite_triggers(table):
        conn.exec_driver_sql(statement)


def drop_triggers(conn: Connection) -> None:
    postgres = conn.dialect.name == "postgresql"
    for table in WATCHED:
        for event in ("insert", "delete", "update"):
            on = f" ON {table}" if postgres else ""
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS rollup_{table}_{event}{on}")
        if postgres:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS rollup_mark_{table}()")
