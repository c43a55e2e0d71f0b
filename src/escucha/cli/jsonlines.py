"""What `escucha classify` and `escucha guard` share: JSON lines in and out, `-` for the
standard streams, and a bad line reported with its number and skipped, never fatal."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice, repeat
from json import decoder as _json_decoder
from json import scanner as _json_scanner
from pathlib import Path
from typing import TextIO, cast

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
    return _record(obj, extra, default_id)


def _record(
    obj: object, extra: ExtraCheck | None, default_id: int | None
) -> tuple[dict | None, str]:
    """parse_record's checks of a line's parsed JSON value."""
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
    source = iter(lines)
    first = 1  # number of the chunk's first line
    while chunk := list(islice(source, size)):
        values = _loads_each(chunk)
        if _all_kept(values, extra):  # every line a record as it is: no checks line by line
            batch += cast(list[dict], values)
            while len(batch) >= size:
                yield batch[:size]
                batch = batch[size:]
            first += len(chunk)
            continue
        for number, (line, value) in enumerate(zip(chunk, values, strict=True), start=first):
            if value is _BLANK:
                continue
            default_id = number if number_ids else None
            if value is _FAILED:
                obj, reason = parse_record(line, extra, default_id)
            else:
                obj, reason = _record(value, extra, default_id)
            if obj is None:
                skipped.append(number)
                print(f"escucha {command}: line {number}: {reason}; skipped", file=sys.stderr)
                continue
            batch.append(obj)
            if len(batch) >= size:
                yield batch
                batch = []
        first += len(chunk)
    if batch:
        yield batch


_BLANK = object()


def _all_kept(values: list[object], extra: ExtraCheck | None) -> bool:
    """Whether _record keeps every value unchanged: an object with an id and a string text
    that ``extra`` lets through (json gives plain dicts and strings, never subclasses).
    Checked with C-level maps, without a Python call per value but ``extra``'s."""
    if {*map(type, values)} != {dict}:
        return False
    objs = cast(list[dict], values)
    if None in map(dict.get, objs, repeat("id")):
        return False
    if {*map(type, map(dict.get, objs, repeat("text")))} != {str}:
        return False
    return not (extra and any(map(extra, objs)))


def _loads_each(lines: list[str]) -> list[object]:
    """Per line: _BLANK (only whitespace), its JSON value, or _FAILED (parse_record then
    parses it alone and says why).

    The lines without "]" are parsed by one json.loads call, each wrapped in brackets:
    ``[[line1\n],[line2\n],...]``. That parse succeeds with one one-item list per line only
    when every line is one JSON value: a string cannot run on past its line (a raw newline
    ends it), and with no "]" in the lines the only closing brackets are the wrappers', so
    each wrapper list holds exactly its own line. One C call for the lot instead of one
    Python-level parse per line; if it fails, each of those lines is parsed alone. The few
    lines with "]" are parsed one by one. When no line holds "]", the lines are first parsed
    without telling blank ones (a blank line then fails that parse).
    """
    bracketed = [i for i, line in enumerate(lines) if "]" in line]
    if not bracketed:
        try:
            values = json.loads("[[" + "\n],[".join(lines) + "\n]]")
            if len(values) == len(lines):
                return [v for (v,) in values]  # ValueError: a blank line (an empty list)
        except (ValueError, RecursionError):
            pass
    out: list[object] = [_FAILED if line.strip() else _BLANK for line in lines]
    fast = [i for i, line in enumerate(lines) if out[i] is _FAILED and "]" not in line]
    for i in bracketed:
        out[i] = _fast_loads(lines[i])
    if not fast:
        return out
    try:
        values = json.loads("[[" + "\n],[".join([lines[i] for i in fast]) + "\n]]")
    except (ValueError, RecursionError):
        return out
    if len(values) == len(fast) and all(len(v) == 1 for v in values):
        for i, v in zip(fast, values, strict=True):
            out[i] = v[0]
    return out


def _user_error(message: str) -> Exception:
    from escucha.errors import UserError  # imported when needed: it brings in the i18n package

    return UserError(message)


@contextmanager
def streams(input_path: str, output_path: str) -> Iterator[tuple[TextIO, TextIO]]:
    """The input and output files (`-`: stdin, stdout), closed afterwards; undecodable bytes
    are replaced, never fatal."""
    if input_path != "-" and not Path(input_path).is_file():
        raise _user_error(f"input file not found: {input_path}")
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
        raise _user_error(f"cannot write {output_path}: {exc.strerror}") from exc
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
