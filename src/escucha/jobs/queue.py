"""The procrastinate app of a workspace: the queue lives in the workspace's own PostgreSQL
database (and schema), beside the data the jobs write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escucha.core.context import Context
from escucha.errors import UserError

if TYPE_CHECKING:
    import procrastinate

SQLITE_REFUSAL = (
    "background jobs need PostgreSQL (the queue lives in the store's database); on SQLite run "
    "'escucha listen --follow', 'escucha analyze', 'escucha ideas refresh' and "
    "'escucha alerts run' yourself, or move the store with 'escucha migrate-store'"
)
_SCHEMA_LOCK = 0x65736375  # an advisory lock: two workers starting together apply it once


def require_postgres(ctx: Context) -> None:
    if ctx.engine.dialect.name != "postgresql":
        raise UserError(SQLITE_REFUSAL)


def conninfo(ctx: Context) -> str:
    """The store's URL for libpq (its search path kept: tests and hosted schemas use one)."""
    url = ctx.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def make_app(
    ctx: Context, max_connections: int = 4, retry_wait: float | None = None
) -> procrastinate.App:
    """The app with escucha's tasks, not yet opened."""
    import procrastinate

    from escucha.jobs.tasks import register

    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(ctx), min_size=1, max_size=max_connections
    )
    app = procrastinate.App(connector=connector)
    if retry_wait is None:
        register(app)
    else:
        register(app, retry_wait)
    return app


def has_queue(ctx: Context) -> bool:
    """Whether procrastinate's tables exist in the store (a worker has started once)."""
    from sqlalchemy import text

    with ctx.engine.connect() as conn:
        return conn.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None


def ensure_schema(ctx: Context) -> bool:
    """Apply procrastinate's schema with its own schema manager if it is missing; True when
    it was applied now."""
    from sqlalchemy import text

    require_postgres(ctx)
    if has_queue(ctx):
        return False
    import procrastinate

    with ctx.engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        if conn.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None:
            return False
        # psycopg itself, without parameters: the schema's PL/pgSQL holds literal % signs
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute(procrastinate.schema.SchemaManager.get_schema())
    return True
