"""Read CSV, JSON Lines and Parquet files as a stream of (line number, record) pairs.

A record that cannot be read becomes a `Rejected` with its line and reason instead of
stopping the stream, so one bad row never aborts an import.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from escucha.core.items import Rejected
from escucha.errors import UserError

SNIFF_BYTES = 64 * 1024
MAX_RECORD_LINES = 200  # a quoted CSV field spanning more lines than this is an unclosed quote
MAX_FIELD_BYTES = 16 * 1024 * 1024
csv.field_size_limit(MAX_FIELD_BYTES)


class CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the bytes read, for progress bars on compressed input."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.bytes_read += len(data)
        return len(data)


def _open_binary(path: Path) -> tuple[BinaryIO, CountingReader]:
    counter = CountingReader(path.open("rb"))
    stream: BinaryIO = io.BufferedReader(counter, 1 << 20)
    if path.suffix == ".gz":
        stream = io.BufferedReader(gzip.GzipFile(fileobj=stream), 1 << 20)  # type: ignore[arg-type]
    return stream, counter


def detect_format(path: Path, head: bytes) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".parquet") or head.startswith(b"PAR1"):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    return "jsonl" if head.lstrip(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[") else "csv"


def detect_encoding(head: bytes) -> str:
    """BOMs first; UTF-16 without a BOM shows as NUL bytes on every other position."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_nuls > 0.3 and even_nuls < 0.05:
            return "utf-16-le"
        if even_nuls > 0.3 and odd_nuls < 0.05:
            return "utf-16-be"
    return "utf-8"


def looks_binary(head: bytes, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return False
    sample = head[:8192]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return b"\x00" in sample or controls > len(sample) * 0.1


def decode_line(raw: bytes) -> str:
    """UTF-8, or Windows-1252 for a line that is not (files that mix the two exist)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


class _Lines:
    """Numbered text lines with a push-back buffer; `current` holds the record being read."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._pushed: deque[tuple[int, str]] = deque()
        self._count = 0
        self.current: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pushed:
            item = self._pushed.popleft()
        else:
            self._count += 1
            item = (self._count, next(self._lines))
        self.current.append(item)
        return item[1]

    def take_record(self) -> list[tuple[int, str]]:
        record, self.current = self.current, []
        return record

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        """Read these lines again, after the caller rejected the line before them."""
        self._pushed.extendleft(reversed(lines))


def _quotes_close(record: list[tuple[int, str]], dialect) -> bool:
    """A record spanning lines is legitimate only if its quoted field closes before the end."""
    if len(record) > MAX_RECORD_LINES:
        return False
    try:
        list(csv.reader(io.StringIO("".join(text for _, text in record)), dialect, strict=True))
    except csv.Error:
        return False
    return True


class SourceFile:
    """An input file opened for streaming; `bytes_read` and `size` drive the progress bar."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise UserError(f"{path}: no such file")
        self.size = path.stat().st_size
        if self.size == 0:
            raise UserError(f"{path}: the file is empty, nothing to import")
        self._stream, self._counter = _open_binary(path)
        try:
            head = self._stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        except (OSError, EOFError) as exc:
            raise UserError(f"{path}: cannot read the file: {exc}") from None
        if not head.strip():
            raise UserError(f"{path}: the file has no data, nothing to import")
        self.format = detect_format(path, head)
        self.encoding = detect_encoding(head) if self.format != "parquet" else "binary"
        if self.format != "parquet" and looks_binary(head, self.encoding):
            raise UserError(f"{path}: looks like a binary file, not CSV, JSON Lines or Parquet")
        self._head = head

    @property
    def bytes_read(self) -> int:
        return self._counter.bytes_read

    def close(self) -> None:
        self._stream.close()

    def _text_lines(self) -> Iterator[str]:
        if self.encoding.startswith("utf-16"):
            text = io.TextIOWrapper(self._stream, encoding=self.encoding, newline="")
            yield from text
            return
        first = True
        for raw in self._stream:
            if first and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            first = False
            yield decode_line(raw)

    def records(self) -> Iterator[tuple[int, dict | Rejected]]:
        """Yield (line number, record dict) or (line number, Rejected)."""
        if self.format == "jsonl":
            yield from self._jsonl()
        elif self.format == "csv":
            yield from self._csv()
        else:
            yield from self._parquet()

    def _jsonl(self) -> Iterator[tuple[int, dict | Rejected]]:
        for number, line in enumerate(self._text_lines(), 1):
            stripped = line.strip()
            if not stripped:
                continue
            try:
                record = json.loads(stripped)
            except ValueError as exc:
                yield (
                    number,
                    Rejected(f"line {number}", f"invalid JSON: {exc.args[0]}", stripped, number),
                )
                continue
            if not isinstance(record, dict):
                yield (
                    number,
                    Rejected(f"line {number}", "a JSON object was expected", stripped, number),
                )
                continue
            record["__raw_line__"] = stripped
            yield number, record

    def _sniff_dialect(self) -> type[csv.Dialect] | csv.Dialect:
        sample = self._head.decode(
            "utf-8" if not self.encoding.startswith("utf-16") else self.encoding, errors="ignore"
        )
        sample = sample.lstrip("\ufeff")
        first_line = sample.split("\n", 1)[0]
        counts = {d: first_line.count(d) for d in ",;\t|"}
        delimiter = max(counts, key=lambda d: counts[d])
        if counts[delimiter] == 0:
            delimiter = ","

        class Dialect(csv.excel):
            pass

        Dialect.delimiter = delimiter
        return Dialect

    def _csv(self) -> Iterator[tuple[int, dict | Rejected]]:
        dialect = self._sniff_dialect()
        lines = _Lines(self._text_lines())
        reader = csv.reader(lines, dialect)
        header: list[str] | None = None
        while True:
            problem = None
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row, problem = [], f"malformed CSV: {exc}"
            record = lines.take_record()
            if not record:
                return
            if problem is None and len(record) > 1 and not _quotes_close(record, dialect):
                problem = "malformed CSV: a quote opened on this line is never closed"
            if problem is None and header is None:
                header = [h.strip().lstrip("\ufeff") for h in row]
                if len(set(header)) != len(header):
                    raise UserError(f"{self.path}: line 1: the header repeats a column name")
                continue
            if problem is None and not any(cell.strip() for cell in row):
                continue
            if problem is None and header is not None and len(row) != len(header):
                problem = f"ragged row: {len(row)} fields where the header has {len(header)}"
            if problem is None:
                yield record[0][0], dict(zip(header, row, strict=True))
                continue
            # Reject the record's first line only; the lines it swallowed (an unclosed quote
            # runs on) are read again, so a single bad quote costs one row, not the rest.
            lines.push_back(record[1:])
            reader = csv.reader(lines, dialect)
            yield (
                record[0][0],
                Rejected(f"line {record[0][0]}", problem, record[0][1][:2000], record[0][0]),
            )

    def _parquet(self) -> Iterator[tuple[int, dict | Rejected]]:
        import pyarrow.parquet as pq

        self._stream.close()  # Parquet needs to seek: read the file itself
        try:
            parquet = pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises several types for a broken file
            raise UserError(f"{self.path}: not a readable Parquet file: {exc}") from None
        total = max(1, parquet.metadata.num_rows)
        number = 0
        for batch in parquet.iter_batches(batch_size=4096):
            for record in batch.to_pylist():
                number += 1
                yield number, record
            self._counter.bytes_read = self.size * number // total
