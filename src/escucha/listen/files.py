"""Read CSV, JSON Lines and Parquet files as a stream of (line number, record) pairs.

A record that cannot be read becomes a `Rejected` with its line and reason instead of
stopping the stream, so one bad row never aborts an import. Lines are cut at a byte cap
before they are decoded: an over-long line is skipped in chunks, never held whole, so memory
stays flat whatever one line holds. NUL characters and lone surrogates (which no database
stores as text) are replaced by U+FFFD and counted in `SourceFile.replaced`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import re
import stat
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from escucha.config import ImportSettings
from escucha.core.items import Rejected
from escucha.errors import UserError

SNIFF_BYTES = 64 * 1024
MAX_RECORD_LINES = 200  # a quoted CSV field spanning more lines than this is an unclosed quote
MAX_FIELD_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_LINE_BYTES = ImportSettings.max_line_bytes  # [import] max_line_bytes
MAX_JSON_DEPTH = 64  # deeper JSON is rejected: real exports nest a handful of levels
SHOWN_CHARS = 2000  # of a rejected line, kept in the rejects file
_CHUNK = 64 * 1024
csv.field_size_limit(MAX_FIELD_BYTES)

_UNSAFE = re.compile(r"[\x00\ud800-\udfff]")  # NUL and lone surrogates: no store keeps them
_TOO_DEEP = object()  # what json.loads gave when it ran out of recursion
_UNSAFE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class ReadError(UserError):
    """The file stopped being readable part-way (a truncated or damaged .gz, an I/O error)."""


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line rejected before it was parsed (too long, undecodable), with what to show of it."""

    reason: str
    shown: str


def clean_text(text: str) -> tuple[str, int]:
    """`text` with NULs and lone surrogates replaced by U+FFFD, and how many were replaced."""
    if text.isascii() and "\x00" not in text:
        return text, 0
    return _UNSAFE.subn("\ufffd", text)


def clean_value(value: object) -> tuple[object, int]:
    """`clean_text` on every string of a parsed record, keys included (depth already bounded)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        out: dict = {}
        total = 0
        for key, item in value.items():
            new_key, n_key = clean_value(key)
            new_item, n_item = clean_value(item)
            out[new_key] = new_item
            total += n_key + n_item
        return out, total
    if isinstance(value, list):
        items = [clean_value(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    return value, 0


def _too_deep(value: object, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:  # type: ignore[union-attr]
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


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


class _GzipRaw(io.RawIOBase):
    """A gzip stream read with `read1`: the rows before a truncation reach the reader (a
    buffered `read` of the GzipFile would drop what it had decompressed with the error)."""

    def __init__(self, gz: gzip.GzipFile) -> None:
        self.gz = gz

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.gz.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.gz.close()
        super().close()


def _open_binary(path: Path) -> tuple[BinaryIO, CountingReader]:
    counter = CountingReader(path.open("rb"))
    stream: BinaryIO = io.BufferedReader(counter, 1 << 20)
    if path.suffix == ".gz":
        stream = io.BufferedReader(_GzipRaw(gzip.GzipFile(fileobj=stream)), 1 << 20)  # type: ignore[arg-type]
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


def _open_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise UserError(f"{path}: not a readable Parquet file: {exc}") from None


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


@dataclass(slots=True)
class _LongLine:
    """A line over the cap: its length in bytes and its first bytes (the rest was skipped)."""

    size: int
    head: bytes


def _skip_rest(stream: BinaryIO, head: bytes) -> _LongLine:
    """Read past the rest of an over-long line in chunks, holding none of it."""
    long = _LongLine(len(head), head[:SHOWN_CHARS])
    while True:
        more = stream.readline(_CHUNK)
        long.size += len(more)
        if not more:
            return long
        if more.endswith(b"\n"):
            long.size -= 1  # the newline is not counted against the cap
            return long


def _find_unit(buffer: bytes, newline: bytes, start: int) -> int:
    """The offset of `newline` (one UTF-16 code unit) at an even distance from `start`."""
    at = buffer.find(newline, start)
    while at >= 0 and (at - start) % 2:
        at = buffer.find(newline, at + 1)
    return at


def _utf16_lines(stream: BinaryIO, newline: bytes, cap: int) -> Iterator[bytes | _LongLine]:
    """Raw lines of at most `cap` bytes (newline aside), a longer one skipped in chunks; a
    UTF-16 line ends at a newline code unit, not at any 0x0A byte."""
    buffer = b""
    long: _LongLine | None = None
    while True:
        chunk = stream.read(_CHUNK)
        buffer += chunk
        start = 0
        while (at := _find_unit(buffer, newline, start)) >= 0:
            line = buffer[start : at + 2]
            start = at + 2
            if long is not None:
                long.size += len(line) - 2
                yield long
                long = None
            elif len(line) - 2 > cap:
                yield _LongLine(len(line) - 2, line[:SHOWN_CHARS])
            else:
                yield line
        buffer = buffer[start:]
        if not chunk:
            if long is not None:
                long.size += len(buffer)
                yield long
            elif buffer:
                yield buffer
            return
        if len(buffer) > cap:  # skip all but the half code unit at the end, if any
            keep = len(buffer) % 2
            if long is None:
                long = _LongLine(0, buffer[:SHOWN_CHARS])
            long.size += len(buffer) - keep
            buffer = buffer[len(buffer) - keep :]


class _RecordTooLong(Exception):
    """A CSV record (a quoted field spanning lines) grew past the line cap."""


class _Lines:
    """Numbered text lines with a push-back buffer; `current` holds the record being read.

    A line rejected before parsing is handed to the CSV reader as an empty line and kept in
    `bad`, so the caller can reject the record that holds it.
    """

    def __init__(self, lines: Iterator[str | BadLine], cap: int) -> None:
        self._lines = lines
        self._cap = cap
        self._pushed: deque[tuple[int, str]] = deque()
        self._count = 0
        self._size = 0
        self.bad: dict[int, BadLine] = {}
        self.current: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._pushed:
            item = self._pushed.popleft()
        else:
            self._count += 1
            line = next(self._lines)
            if isinstance(line, BadLine):
                self.bad[self._count] = line
                line = "\n"
            item = (self._count, line)
        self.current.append(item)
        self._size += len(item[1])
        if self._size > self._cap and len(self.current) > 1:
            raise _RecordTooLong
        return item[1]

    def take_record(self) -> list[tuple[int, str]]:
        record, self.current, self._size = self.current, [], 0
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


def check_regular_file(path: Path) -> None:
    """One clear error for a path that is missing, a directory, or not a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise UserError(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise UserError(f"{path}: is not a regular file (a FIFO, socket or device)")
    if not os.access(path, os.R_OK):
        raise UserError(f"{path}: cannot read the file: permission denied")


def _read_problem(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the compressed file is truncated (it ends before its end-of-stream marker)"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"the compressed data is damaged ({exc})"
    if isinstance(exc, OSError):
        return f"cannot read the file: {exc.strerror or exc}"
    return str(exc)


class SourceFile:
    """An input file opened for streaming; `bytes_read` and `size` drive the progress bar.

    `is_link`: the path is a symlink; callers then show none of its content in errors.
    """

    def __init__(self, path: Path, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        self.path = path
        check_regular_file(path)
        self.is_link = path.is_symlink()
        self.max_line_bytes = max_line_bytes
        self.replaced = 0  # NULs and lone surrogates replaced by U+FFFD
        self.last_size = 0  # characters of the record just yielded, for batching by size
        self.size = path.stat().st_size
        if self.size == 0:
            raise UserError(f"{path}: the file is empty, nothing to import")
        self._stream, self._counter = _open_binary(path)
        try:
            head = self._stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        except (OSError, EOFError, zlib.error) as exc:
            self._stream.close()
            raise UserError(f"{path}: {_read_problem(exc)}") from None
        if not head.strip():
            raise UserError(f"{path}: the file has no data, nothing to import")
        self.format = detect_format(path, head)
        self.encoding = detect_encoding(head) if self.format != "parquet" else "binary"
        if self.format != "parquet" and looks_binary(head, self.encoding):
            raise UserError(f"{path}: looks like a binary file, not CSV, JSON Lines or Parquet")
        self._head = head
        if self.format == "parquet":  # a broken one is a verdict on the file: say it now
            self._stream.close()  # Parquet needs to seek: it reads the file itself
            self._parquet_file = _open_parquet(path)

    @property
    def bytes_read(self) -> int:
        return self._counter.bytes_read

    def close(self) -> None:
        self._stream.close()
        if self.format == "parquet":
            self._parquet_file.close()

    def _text_lines(self) -> Iterator[str | BadLine]:
        """Decoded lines, NULs replaced; a line over the cap or not decodable is a `BadLine`.
        A read that fails part-way (a truncated .gz) is one `ReadError`."""
        try:
            if self.encoding.startswith("utf-16"):
                yield from self._utf16_text()
            else:
                yield from self._utf8_text()
        except (OSError, EOFError, zlib.error) as exc:
            raise ReadError(f"{self.path}: {_read_problem(exc)}") from None

    def _utf8_text(self) -> Iterator[str | BadLine]:
        cap = self.max_line_bytes
        readline = self._stream.readline
        first = True
        while raw := readline(cap + 1):
            if len(raw) > cap and not raw.endswith(b"\n"):
                yield self._too_long(_skip_rest(self._stream, raw))
                continue
            if first:
                raw = raw.removeprefix(codecs.BOM_UTF8)
                first = False
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:  # files that mix in Windows-1252 lines exist
                text = raw.decode("cp1252", errors="replace")
            if "\x00" in text:
                text, replaced = clean_text(text)
                self.replaced += replaced
            yield text

    def _utf16_text(self) -> Iterator[str | BadLine]:
        bom = self._head[:2]
        if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            self._stream.read(2)
            self.encoding = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
        newline = "\n".encode(self.encoding)
        for raw in _utf16_lines(self._stream, newline, self.max_line_bytes):
            if isinstance(raw, _LongLine):
                yield self._too_long(raw)
                continue
            try:
                text = raw.decode(self.encoding)
            except UnicodeDecodeError as exc:
                yield BadLine(f"not valid {self.encoding.upper()}: {exc.reason}", self._shown(raw))
                continue
            if "\x00" in text:
                text, replaced = clean_text(text)
                self.replaced += replaced
            yield text

    def _too_long(self, line: _LongLine) -> BadLine:
        return BadLine(
            f"line is {line.size:,} bytes, over the limit of {self.max_line_bytes:,} "
            "([import] max_line_bytes); skipped unread",
            self._shown(line.head),
        )

    def _shown(self, raw: bytes) -> str:
        encoding = self.encoding if self.encoding.startswith("utf-16") else "utf-8"
        return clean_text(raw[:SHOWN_CHARS].decode(encoding, errors="replace"))[0]

    def records(self) -> Iterator[tuple[int, dict | Rejected]]:
        """Yield (line number, record dict) or (line number, Rejected)."""
        if self.format == "jsonl":
            yield from self._jsonl()
        elif self.format == "csv":
            yield from self._csv()
        else:
            yield from self._parquet()

    def _jsonl(self) -> Iterator[tuple[int, dict | Rejected]]:
        loads = json.loads
        for number, line in enumerate(self._text_lines(), 1):
            if isinstance(line, BadLine):
                yield number, Rejected(f"line {number}", line.reason, line.shown, number)
                continue
            stripped = line.strip()
            if not stripped:
                continue
            self.last_size = len(stripped)
            try:
                record = loads(stripped)
            except RecursionError:
                record = _TOO_DEEP
            except ValueError as exc:
                yield (
                    number,
                    Rejected(f"line {number}", f"invalid JSON: {exc.args[0]}", stripped, number),
                )
                continue
            if (
                type(record) is dict
                and stripped.count("{") + stripped.count("[") <= MAX_JSON_DEPTH
                and not _UNSAFE_ESCAPE.search(stripped)
            ):
                record["__raw_line__"] = stripped
                yield number, record
                continue
            record, problem = self._checked(record, stripped)
            if problem is not None:
                yield number, Rejected(f"line {number}", problem, stripped, number)
            else:
                yield number, record  # type: ignore[misc]

    def _checked(self, record: object, line: str) -> tuple[dict | None, str | None]:
        """The slow path of a parsed line: not an object, deeply nested, or with escapes
        of characters no store keeps (which are replaced and counted)."""
        if record is _TOO_DEEP or (
            isinstance(record, (dict, list)) and _too_deep(record, MAX_JSON_DEPTH)
        ):
            return None, f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
        if not isinstance(record, dict):
            return None, "a JSON object was expected"
        cleaned, replaced = clean_value(record)
        if replaced:
            self.replaced += replaced
            record = cleaned
            line = json.dumps(record, ensure_ascii=False)
        record["__raw_line__"] = line  # type: ignore[index]
        return record, None  # type: ignore[return-value]

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
        lines = _Lines(self._text_lines(), self.max_line_bytes)
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
            except _RecordTooLong:
                row = []
                problem = (
                    f"malformed CSV: a quoted field runs on past {self.max_line_bytes:,} "
                    "bytes ([import] max_line_bytes)"
                )
            record = lines.take_record()
            if not record:
                return
            first, first_text = record[0]
            self.last_size = sum(len(text) for _, text in record)
            bad = lines.bad.pop(first, None)
            if bad is not None:
                problem, first_text = bad.reason, bad.shown
            elif problem is None and any(number in lines.bad for number, _ in record):
                problem = "malformed CSV: a quoted field runs into a line that was rejected"
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
                yield first, dict(zip(header, row, strict=True))  # type: ignore[arg-type]
                continue
            # Reject the record's first line only; the lines it swallowed (an unclosed quote
            # runs on) are read again, so a single bad quote costs one row, not the rest.
            lines.push_back(record[1:])
            reader = csv.reader(lines, dialect)
            yield first, Rejected(f"line {first}", problem, first_text[:SHOWN_CHARS], first)

    def _parquet(self) -> Iterator[tuple[int, dict | Rejected]]:
        parquet = self._parquet_file
        total = max(1, parquet.metadata.num_rows)
        number = 0
        for batch in parquet.iter_batches(batch_size=4096):
            for record in batch.to_pylist():
                number += 1
                if any(isinstance(v, str) and "\x00" in v for v in record.values()):
                    cleaned, replaced = clean_value(record)
                    self.replaced += replaced
                    record = cleaned  # type: ignore[assignment]
                yield number, record
            self._counter.bytes_read = self.size * number // total
