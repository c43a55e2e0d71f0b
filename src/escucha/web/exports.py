"""Streamed exports of a filtered view as CSV, JSON or Parquet, a page of posts at a time.

Post texts are written by strangers, so CSV cells follow OWASP's CSV-injection advice: a cell
a spreadsheet could read as a formula gets a leading apostrophe, and every text cell is
quoted, so a reader that splits on another separator (`;` in many locales) keeps it whole."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from escucha.core.cells import neutralise
from escucha.reads.posts import EXPORT_COLUMNS, PostRow

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}


def _flat(row: PostRow, column: str) -> Any:
    value = row.get(column)
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def csv_chunks(batches: Iterable[list[PostRow]]) -> Iterator[str]:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(EXPORT_COLUMNS)
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # every text cell quoted
    for rows in batches:
        for row in rows:
            cells = [_flat(row, c) for c in EXPORT_COLUMNS]
            writer.writerow([neutralise(v) if isinstance(v, str) else v for v in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def json_record(row: PostRow) -> dict:
    record: dict[str, Any] = {}
    for column in EXPORT_COLUMNS:
        value = row.get(column)
        record[column] = value.isoformat() if isinstance(value, datetime) else value
    return record


def json_chunks(batches: Iterable[list[PostRow]]) -> Iterator[str]:
    """One JSON array, written as it goes."""
    first = True
    yield "["
    for rows in batches:
        parts = []
        for row in rows:
            parts.append(("" if first else ",") + "\n" + json.dumps(json_record(row)))
            first = False
        yield "".join(parts)
    yield "\n]\n"


class _Sink(io.RawIOBase):
    """A write-only file that hands over what was written so far: Parquet, streamed."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _arrow_schema():
    import pyarrow as pa

    from escucha.reads.posts import PROBABILITIES

    fields = [
        ("id", pa.int64()),
        ("source", pa.string()),
        ("native_id", pa.string()),
        ("author", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("url", pa.string()),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("sentiment", pa.string()),
        *((p, pa.float64()) for p in PROBABILITIES),
        ("intents", pa.list_(pa.string())),
        ("brands", pa.list_(pa.string())),
        ("model_version", pa.string()),
    ]
    return pa.schema(fields)


def parquet_chunks(batches: Iterable[list[PostRow]]) -> Iterator[bytes]:
    """One row group per page of posts; each is sent once written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema()
    sink = _Sink()
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for rows in batches:
            columns = {c: [row.get(c) for row in rows] for c in EXPORT_COLUMNS}
            writer.write_table(pa.Table.from_pydict(columns, schema=schema))
            yield sink.drain()
    yield sink.drain()


def export_chunks(fmt: str, batches: Iterable[list[PostRow]]) -> Iterator[str | bytes]:
    if fmt == "csv":
        return csv_chunks(batches)
    if fmt == "json":
        return json_chunks(batches)
    return parquet_chunks(batches)


def streaming_export(insights: Any, selection: Any, fmt: str):
    """A download of every selected post, streamed a page at a time."""
    from datetime import UTC
    from datetime import datetime as dt

    from fastapi.responses import StreamingResponse

    from escucha.reads.posts import iter_batches

    batches = iter_batches(insights.engine, selection, insights.model_version)
    name = f"escucha-posts-{dt.now(UTC):%Y%m%d-%H%M%S}.{fmt}"
    return StreamingResponse(
        export_chunks(fmt, batches),
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
