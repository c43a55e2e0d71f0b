"""The shared ingest layer: every page is stored with its cursor in one transaction.

A crash between pages loses nothing (the cursor only moves with the posts it covers) and a
re-run duplicates nothing (posts are unique on (source, native id)).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete, select, update

from escucha.config import SourceConfig
from escucha.core.secrets import credentials_for
from escucha.errors import EscuchaError, UserError
from escucha.listen.http import BudgetExhausted
from escucha.reads.sources import Health
from escucha.store.schema import source_state
from escucha.store.writer import SourceCursor, finish_run, insert_ignore, start_run, store_batch

if TYPE_CHECKING:
    from escucha.core.context import Context
    from escucha.listen.sources.base import Source


@dataclass
class CollectResult:
    source: str
    kind: str
    pages: int = 0
    fetched: int = 0
    new: int = 0
    rejected: int = 0
    status: str = "ok"  # ok | budget | stopped | error
    message: str | None = None

    @property
    def duplicate(self) -> int:
        return self.fetched - self.new

    def summary(self) -> str:
        line = (
            f"{self.source} ({self.kind}): {self.new:,} new, {self.duplicate:,} already stored, "
            f"{self.rejected:,} rejected in {self.pages} page(s)"
        )
        if self.status == "error":
            return f"{line}; error: {self.message}"
        if self.message:
            return f"{line}; {self.message}"
        return line


def load_cursor(engine: Engine, source: str) -> dict | None:
    with engine.connect() as conn:
        return conn.scalar(select(source_state.c.cursor).where(source_state.c.source == source))


def build_source(
    workspace: Context, config: SourceConfig, sleep: Callable[[float], None] = time.sleep
) -> Source:
    """The connector for a configured source, with its credentials from env or secrets file."""
    from escucha.listen.sources import source_class

    cls = source_class(config.kind)
    credentials = credentials_for(workspace.path, config.name, cls.credential_keys)
    return cls(config, credentials, sleep=sleep)


def _ensure_state(engine: Engine, config: SourceConfig) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert_ignore(conn, source_state, ("source",)),
            {"source": config.name, "kind": config.kind, "collected": 0},
        )


def _record_outcome(engine: Engine, name: str, error: str | None) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            update(source_state)
            .where(source_state.c.source == name)
            .values(
                last_error=error,
                updated_at=now,
                **({} if error else {"last_ok_at": now}),
            )
        )


def collect(
    workspace: Context,
    source_config: SourceConfig,
    *,
    max_pages: int | None = None,
    stop: Callable[[], bool] | None = None,
    source: Source | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> CollectResult:
    """Collect what is new from one source, resuming from its saved cursor.

    `stop` is asked after each stored page; a true answer ends the run cleanly. Errors are
    recorded as the source's last error and returned, not raised, so other sources go on.
    """
    engine = workspace.engine
    result = CollectResult(source_config.name, source_config.kind)
    _ensure_state(engine, source_config)
    try:
        source = source or build_source(workspace, source_config, sleep)
    except EscuchaError as exc:
        result.status, result.message = "error", str(exc)
        _record_outcome(engine, source_config.name, result.message)
        return result
    run_id = start_run(engine, source_config.name, source.location, source.version)
    pages = source.fetch(load_cursor(engine, source_config.name))
    known_authors: dict = {}
    try:
        for page in pages:
            cursor = SourceCursor(source.kind, page.cursor)
            result.new += store_batch(
                engine,
                source.name,
                run_id,
                page.items,
                page.rejected,
                cursor,
                known_authors,
                edits=page.edits,
                deletions=page.deletions,
            )
            result.pages += 1
            result.fetched += len(page.items) + len(page.edits)
            result.rejected += len(page.rejected)
            if max_pages is not None and result.pages >= max_pages:
                result.message = f"stopped after {max_pages} page(s)"
                break
            if stop is not None and stop():
                result.status, result.message = "stopped", "stopped on request"
                break
    except BudgetExhausted as exc:
        result.status, result.message = "budget", f"{exc}; the next run goes on from here"
    except EscuchaError as exc:
        result.status, result.message = "error", str(exc)
    except Exception as exc:  # a connector bug or an SDK failure: recorded, other sources go on
        result.status, result.message = "error", f"{source.name}: {type(exc).__name__}: {exc}"
    finally:
        pages.close()
        source.close()
    failed = result.status == "error"
    _record_outcome(engine, source.name, result.message if failed else None)
    finish_run(engine, run_id, "failed" if failed else "done", message=result.message)
    return result


@dataclass(frozen=True)
class ListeningSource:
    """A configured source with its state: posts collected, records rejected, last success,
    last error, what it covers, and its health (escucha.reads.sources.decide_health)."""

    name: str
    kind: str
    target: str | None
    interval: int | float
    collected: int
    rejected: int
    last_ok_at: datetime | None
    last_error: str | None
    coverage: str
    health: Health

    def to_json(self) -> dict:
        """What `escucha status --json` prints for it."""
        return {
            "name": self.name,
            "kind": self.kind,
            "target": self.target,
            "interval": self.interval,
            "collected": self.collected,
            "rejected": self.rejected,
            "last_ok_at": None if self.last_ok_at is None else self.last_ok_at.isoformat(),
            "last_error": self.last_error,
            "coverage": self.coverage,
        }


def source_health(context: Context) -> list[ListeningSource]:
    """Each configured source with its state, in the configuration's order."""
    from escucha.listen.sources import source_class
    from escucha.reads import sources

    with context.engine.connect() as conn:
        states = sources.states(conn)
        rejects = sources.reject_counts(conn)
        last = sources.last_runs(sources.runs(conn))
    health = []
    for config in context.config.sources:
        state = states.get(config.name)
        try:
            cls = source_class(config.kind)  # built-in, or from an installed package
            coverage = cls.coverage
            target = config.options.get(cls.target_option)
        except UserError:
            coverage, target = f"unknown kind {config.kind!r}", None
        health.append(
            ListeningSource(
                name=config.name,
                kind=config.kind,
                target=target,
                interval=config.options.get("interval", 300),
                collected=state.collected if state else 0,
                rejected=rejects.get(config.name, 0),
                last_ok_at=state.last_ok_at if state else None,
                last_error=state.last_error if state else None,
                coverage=coverage,
                health=sources.decide_health(state, last.get(config.name)),
            )
        )
    return health


def forget_state(engine: Engine, name: str) -> None:
    """Drop a removed source's cursor and state (its posts stay)."""
    with engine.begin() as conn:
        conn.execute(delete(source_state).where(source_state.c.source == name))
