"""`escucha migrate-store`: copy a workspace's store into another database, same ids.

The target gets the same schema from the same migrations, then every table is copied in
dependency order (a row's parents before it), a batch per transaction, ids included; on
PostgreSQL the id sequences are moved past the copied ids afterwards. The mention rollup's
tables come last: the target's triggers marked the days of every copied post, and those marks
are replaced by the source's rollup and marks, which describe the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, Integer, delete, func, insert, select, text

from escucha.errors import UserError
from escucha.store import db
from escucha.store.rollup_marks import DERIVED
from escucha.store.schema import metadata, rollup_dirty
from escucha.store.stats import analyze_grown

BATCH_SIZE = 5000


@dataclass(frozen=True)
class Moved:
    target: str  # the URL without its password
    rows: dict[str, int]  # table -> rows copied


def _refuse_non_empty(target: Engine) -> None:
    present = set(db.table_names(target))
    with target.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in present and conn.scalar(select(func.count()).select_from(table)):
                raise UserError(
                    f"{db.redacted_url(str(target.url))}: table {table.name} already holds "
                    "rows; move the store into an empty database"
                )


def _reset_sequences(target: Engine) -> None:
    """Let PostgreSQL's next id follow the largest copied one."""
    with target.begin() as conn:
        for table in metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            if len(keys) != 1 or not isinstance(keys[0].type, Integer):
                continue
            sequence = conn.scalar(
                text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": keys[0].name},
            )
            if sequence:
                top = conn.scalar(select(func.max(keys[0])))
                conn.execute(
                    text("SELECT setval(:s, :v, :called)"),
                    {"s": sequence, "v": top or 1, "called": top is not None},
                )


def migrate_store(
    source: Engine,
    to_url: str,
    progress: Callable[[str, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> Moved:
    """Copy every table of `source` (a store at head) into the empty database `to_url`."""
    target = db.make_engine(to_url)
    try:
        if str(target.url) == str(source.url):
            raise UserError("the target is the workspace's own store")
        _refuse_non_empty(target)
        db.migrate(target)
        copied: dict[str, int] = {}
        tables = [t for t in metadata.sorted_tables if t.name not in DERIVED]
        for table in [*tables, *(metadata.tables[name] for name in DERIVED)]:
            if table is rollup_dirty:  # after the rollups: the marks the copy made go
                with target.begin() as writing:
                    writing.execute(delete(rollup_dirty))
            order = list(table.primary_key.columns) or list(table.columns)
            done = 0
            with source.connect() as reading:
                result = reading.execution_options(yield_per=batch_size).execute(
                    select(table).order_by(*order)
                )
                for batch in result.partitions():
                    with target.begin() as writing:
                        writing.execute(insert(table), [row._asdict() for row in batch])
                    done += len(batch)
                    if progress:
                        progress(table.name, done)
            copied[table.name] = done
        if target.dialect.name == "postgresql":
            _reset_sequences(target)
        analyze_grown(target, copied)
        return Moved(db.redacted_url(to_url), copied)
    finally:
        target.dispose()
