"""What `escucha classify` and `escucha guard` share: JSON lines in and out, `-` for the
standard streams, and a bad line reported with its number and skipped, never fatal."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from json import decoder as _json_decoder
from json import scanner as _json_scanner
from pathlib import Path
from typing import TextIO

import typer

from escucha.errors import UserError

BATCH = 1000
# the C scanner behind json.loads, called directly: one line is one JSON value, and the
# Python-level wrappers of json.loads cost a quarter of the parsing time on short records
_SCAN = _json_scanner.make_scanner(_json_decoder.JSONDecoder())  # type: ignore[arg-type]
_SPACE = re.compile(r"[ \t\n\r]*")  # what json.loads skips around a value

# A command's own checks of a record that has an id and a text: the reason to skip it, or "".
ExtraCheck = Callable[[dict], str]


def parse_record(
    line: str, extra: ExtraCheck | None = None, default_id: int | None = None
) -> tuple[dict | None, str]:
    """The JSON object of one input line with an `id` and a string `text`, or None and the
    reason it is skipped. A missing id is `default_id` when given (the line number)."""
    obj = _fast_loads(line)
    if obj is _FAILED:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return None, f"invalid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    if obj.get("id") is None:
        if default_id is None:
            return None, "missing id"
        obj["id"] = default_id
    if not isinstance(obj.get("text"), str):
        return None, "missing or non-string text"
    reason = extra(obj) if extra else ""
    return (None, reason) if reason else (obj, "")


_FAILED = object()


def _space_end(line: str, pos: int) -> int:
    match = _SPACE.match(line, pos)
    return match.end() if match else pos


def _fast_loads(line: str) -> object:
    """json.loads(line) for a well-formed line; _FAILED otherwise (json.loads then says why)."""
    start = _space_end(line, 0)
    try:
        obj, end = _SCAN(line, start)
    except (StopIteration, ValueError):
        return _FAILED
    if end != len(line) and _space_end(line, end) != len(line):
        return _FAILED
    return obj


def record_batches(
    lines: TextIO,
    command: str,
    skipped: list[int],
    extra: ExtraCheck | None = None,
    *,
    number_ids: bool = False,
    size: int = BATCH,
) -> Iterator[list[dict]]:
    """The good records of `lines` in batches; each bad line is said on stderr and its number
    added to `skipped`. With `number_ids`, a record without an id gets its line number.
    Batches hold `size` records (the last one fewer)."""
    batch: list[dict] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        obj, reason = parse_record(line, extra, number if number_ids else None)
        if obj is None:
            skipped.append(number)
            typer.echo(f"escucha {command}: line {number}: {reason}; skipped", err=True)
            continue
        batch.append(obj)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def streams(input_path: str, output_path: str) -> Iterator[tuple[TextIO, TextIO]]:
    """The input and output files (`-`: stdin, stdout), closed afterwards; undecodable bytes
    are replaced, never fatal."""
    if input_path != "-" and not Path(input_path).is_file():
        raise UserError(f"input file not found: {input_path}")
    if input_path == "-":
        stdin_bytes = getattr(sys.stdin, "buffer", None)
        source: TextIO = (
            io.TextIOWrapper(stdin_bytes, encoding="utf-8", errors="replace")
            if stdin_bytes is not None
            else sys.stdin
        )
    else:
        source = open(input_path, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        sink = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        if source is not sys.stdin:
            source.close()
        raise UserError(f"cannot write {output_path}: {exc.strerror}") from exc
    try:
        yield source, sink
    finally:
        if input_path != "-":
            source.close()
        if sink is not sys.stdout:
            sink.close()


def write_lines(sink: TextIO, lines: list[str]) -> None:
    if lines:
        sink.write("\n".join(lines) + "\n")
        sink.flush()
