"""Engines and migrations. SQLite is the zero-setup default; PostgreSQL is the server mode."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError

from escucha.errors import UserError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the importer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each commit in WAL mode
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


IDLE_PING_SECONDS = 5.0
"""A pooled PostgreSQL connection idle longer than this is pinged before it is used again."""


def make_engine(url: str, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    """An engine for a SQLAlchemy URL; `postgresql://` means psycopg 3. On PostgreSQL each
    process keeps `pool_size` connections and opens up to `max_overflow` more at a peak
    (`[web] db_pool_size`, `db_max_overflow`); see `_ping_when_idle`."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    pool: dict[str, Any] = {}
    if url.startswith("postgresql"):
        pool = {"pool_size": pool_size, "max_overflow": max_overflow}
    try:
        engine = create_engine(url, future=True, **pool)
    except (ArgumentError, ImportError) as exc:
        raise UserError(f"database URL is not usable: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it has been idle for
    IDLE_PING_SECONDS: one that dropped while idle (PostgreSQL restarted, a proxy's idle
    timeout) is replaced before a request sees it, while a busy server's connections, back
    in the pool milliseconds ago, skip the round trip that SQLAlchemy's `pool_pre_ping`
    spends on every checkout (two per web request, each waiting for PostgreSQL's process to
    be scheduled on a loaded machine). A connection that dropped within the last seconds
    fails its statement; SQLAlchemy then discards every connection of the pool older than
    that failure."""

    def checkin(_dbapi: Any, record: Any) -> None:
        record.info["escucha_idle_since"] = time.monotonic()

    def checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("escucha_idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi)
        except engine.dialect.loaded_dbapi.Error as exc:
            # the pool replaces this connection and tries again
            raise DisconnectionError(str(exc)) from exc

    event.listen(engine.pool, "checkin", checkin)
    event.listen(engine.pool, "checkout", checkout)


def _alembic_config(connection: Connection | None = None) -> AlembicConfig:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the store to `revision` with the same Alembic migrations on every database."""
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)
    except OperationalError as exc:
        raise UserError(f"cannot open the store at {engine.url!r}: {exc.orig}") from None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def redacted_url(url: str) -> str:
    """The URL without its password, for status output and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def known_revision(revision: str) -> bool:
    """Whether this escucha's migrations know `revision` (a newer escucha's do not)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def table_names(engine: Engine) -> list[str]:
    """The tables in the store's schema (PostgreSQL: the first schema of the search path)."""
    with engine.connect() as connection:
        return inspect(connection).get_table_names()


def reading(engine: Engine) -> Connection:
    """A connection for a few reads, each statement on its own (autocommit): no BEGIN before
    the first and no ROLLBACK after the last, two round trips fewer on PostgreSQL, which in
    its default isolation gives each statement its own snapshot anyway. Not for reads that
    must see one snapshot, or that set a budget for the transaction."""
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
