"""Property: whatever bytes a file holds, the row reader never raises, and every line of a
JSON Lines file is either a record that becomes a storable item or a rejection with a reason.

The budget is bounded (`max_examples`) so the suite stays fast; the generated lines mix
arbitrary bytes, arbitrary text, JSON objects with odd dates and escapes, and deep nesting.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escucha.core.items import Item, Rejected
from escucha.errors import UserError
from escucha.listen.files import SourceFile
from escucha.listen.importer import record_to_item

CAP = 512  # a small line cap, so generated lines cross it

ODD_DATES = st.one_of(
    st.sampled_from(
        [
            '"0001-01-01T00:00:00+14:00"',
            '"9999-12-31T23:59:59-01:00"',
            "1e300",
            "-1e300",
            "Infinity",
            "-Infinity",
            "NaN",
            '"\\ud800"',
            '"\\u0000"',
            "null",
            "true",
            "[]",
            '"Fri Nov 03 12:05:12 +9999 2017"',
            '"2015-02-24 11:35:52 -9999"',
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: json.dumps(x)),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=30).map(json.dumps),
)
ESCAPES = st.sampled_from(["\\ud800", "\\udfff", "\\u0000", "\\ud83d\\ude00", "\\\\", '\\"', ""])
JSON_TEXT = st.builds(
    lambda a, e, b: json.dumps(a)[:-1] + e + json.dumps(b)[1:],
    st.text(max_size=40),
    ESCAPES,
    st.text(max_size=40),
)
OBJECTS = st.builds(
    lambda id_, text, date, extra: (
        "{"
        + ",".join(
            part
            for part in (
                f'"id":{id_}' if id_ is not None else "",
                f'"text":{text}' if text is not None else "",
                f'"created_at":{date}' if date is not None else "",
                extra,
            )
            if part
        )
        + "}"
    ),
    st.one_of(st.none(), JSON_TEXT, st.integers().map(str)),
    st.one_of(st.none(), JSON_TEXT),
    st.one_of(st.none(), ODD_DATES),
    st.sampled_from(["", '"author":"@a\\u0000"', '"url":1', '"lang":{"x":[1]}', '"\\ud800":2']),
)
NESTED = st.integers(min_value=1, max_value=3000).map(
    lambda n: '{"id":"n","text":"t","x":' + "[" * n + "]" * n + "}"
)
LINES = st.one_of(
    OBJECTS.map(str.encode),
    NESTED.map(str.encode),
    st.binary(max_size=80),
    st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.integers(min_value=CAP - 8, max_value=CAP * 3).map(
        lambda n: b'{"text":"' + b"x" * n + b'"}'
    ),
)


def decoded(raw: bytes) -> str:
    """As the reader decodes a line: UTF-8, else Windows-1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def expected_lines(content: bytes) -> set[int]:
    """The numbers of the lines the reader must account for: all but the blank ones."""
    numbers = set()
    for number, raw in enumerate(content.split(b"\n"), 1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if len(raw) > CAP or decoded(raw).replace("\x00", "x").strip():
            numbers.add(number)
    return numbers


def storable(item: Item) -> None:
    """What the writer sends to the database: valid UTF-8 without NULs."""
    for value in (item.text, item.native_id, item.author, item.url, item.lang, item.payload()):
        if value is not None:
            assert "\x00" not in value
            value.encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINES, min_size=1, max_size=12))
def test_every_line_is_read_or_rejected_with_a_reason(tmp_path_factory, lines):
    content = b"\n".join(lines)
    path: Path = tmp_path_factory.mktemp("prop") / "rows.jsonl"
    path.write_bytes(content)
    try:
        src = SourceFile(path, max_line_bytes=CAP)
    except UserError:
        return  # a file-level verdict (empty, binary) is one clear error, not a crash
    accounted: list[int] = []
    mapping = {"text": "text", "id": "id", "created": "created_at", "author": "author"}
    mapping |= {"url": "url", "lang": "lang"}
    try:
        for number, record in src.records():
            accounted.append(number)
            if isinstance(record, Rejected):
                assert record.reason and record.line == number
                record.payload().encode("utf-8")
                assert "\x00" not in record.payload()
                continue
            try:
                item = record_to_item(record, mapping, "prop", datetime.now(UTC))
            except ValueError as exc:
                assert str(exc)
                continue
            storable(item)
    finally:
        src.close()
    assert len(accounted) == len(set(accounted))
    if src.encoding.startswith("utf-8"):
        assert set(accounted) == expected_lines(content)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.binary(max_size=60), min_size=1, max_size=15))
def test_csv_rows_never_raise(tmp_path_factory, rows):
    path: Path = tmp_path_factory.mktemp("prop") / "rows.csv"
    path.write_bytes(b"id,text,created_at\n" + b"\n".join(rows))
    try:
        src = SourceFile(path, max_line_bytes=CAP)
    except UserError:
        return
    mapping = {"text": "text", "id": "id", "created": "created_at"}
    try:
        for number, record in src.records():
            if isinstance(record, Rejected):
                assert record.reason and record.line == number
                continue
            try:
                storable(record_to_item(record, mapping, "prop", datetime.now(UTC)))
            except ValueError as exc:
                assert str(exc)
    except UserError as exc:  # the only file-level verdict left: a header that repeats a name
        assert "header" in str(exc)
    finally:
        src.close()
