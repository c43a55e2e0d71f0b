"""`escucha import` against hostile files: every one is generated here, byte for byte.

One bad row never aborts an import: it is rejected with its reason or its characters are
replaced (and counted); the rest of the file, and of the batch it was in, is stored; running
the import again adds nothing. Runs on SQLite and on PostgreSQL (the `workspace` fixture).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from escucha.config import ConfigError, ImportSettings, parse_config
from escucha.errors import UserError
from escucha.store.schema import import_runs, posts, raw_payloads, source_rejects
from escucha.workspace import Workspace, init_workspace


def stored(workspace: Workspace) -> dict[str, str]:
    with workspace.engine.connect() as conn:
        return dict(conn.execute(sa.select(posts.c.native_id, posts.c.text)).all())


def rejects(result) -> dict[int, str]:
    """Line -> reason, from the rejects file."""
    assert result.rejects_path, "expected a rejects file"
    lines = Path(result.rejects_path).read_text(encoding="utf-8").splitlines()
    return {e["line"]: e["reason"] for e in map(json.loads, lines)}


def capped(workspace: Workspace, max_line_bytes: int) -> Workspace:
    """The same workspace read with another `[import] max_line_bytes`."""
    config = dataclasses.replace(workspace.config, imports=ImportSettings(max_line_bytes))
    return Workspace(workspace.path, config)


# 7. hostile rows ------------------------------------------------------------------------------


def test_a_lone_surrogate_is_replaced_counted_and_stored(workspace, tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(
        '{"id":"1","text":"\\ud800 x"}\n'
        '{"id":"2","text":"pair \\ud83d\\ude00 ok","author":"\\udc00ana"}\n'
        '{"id":"3","text":"plain"}\n'
    )
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected, result.replaced) == (3, 0, 2)
    assert stored(workspace) == {"1": "\ufffd x", "2": "pair 😀 ok", "3": "plain"}
    with workspace.engine.connect() as conn:
        handles = conn.scalars(sa.select(posts.c.author_handle).where(posts.c.native_id == "2"))
        assert list(handles) == ["\ufffdana"]
        payloads = list(conn.scalars(sa.select(raw_payloads.c.payload)))
    assert all("\\ud800" not in p and "\ud800" not in p for p in payloads)
    again = workspace.import_file(f)
    assert (again.accepted, again.duplicate, again.rejected) == (0, 3, 0)


def test_a_nul_byte_is_replaced_before_it_reaches_the_store(workspace, tmp_path):
    escaped = tmp_path / "n.jsonl"
    escaped.write_text(
        '{"id":"1","text":"a\\u0000b","\\u0000k":"v\\u0000"}\n{"id":"2","text":"c"}\n'
    )
    result = workspace.import_file(escaped)
    assert (result.accepted, result.replaced) == (2, 3)
    padding = "".join(f"{i},fila {i}\n" for i in range(10, 2000))  # past the binary sniff
    raw = tmp_path / "n.csv"
    raw.write_bytes(b"id,text\n" + padding.encode() + b"3,raw\x00nul\n4,\x00\n")
    result = workspace.import_file(raw)
    assert (result.accepted, result.rejected, result.replaced) == (1992, 0, 2)
    texts = stored(workspace)
    assert texts["1"] == "a\ufffdb" and texts["3"] == "raw\ufffdnul" and texts["4"] == "\ufffd"
    with workspace.engine.connect() as conn:
        assert not any("\x00" in p for p in conn.scalars(sa.select(raw_payloads.c.payload)))


DATES_OUT_OF_RANGE = [
    '"0001-01-01T00:00:00+14:00"',
    '"9999-12-31T23:59:59-01:00"',
    "1e300",
    "-1e300",
    "Infinity",
    "NaN",
    '"Infinity"',
]


def test_dates_out_of_range_keep_the_row_without_a_date(workspace, tmp_path):
    rows = [
        f'{{"id":"{i}","text":"t{i}","created_at":{d}}}' for i, d in enumerate(DATES_OUT_OF_RANGE)
    ]
    rows.append('{"id":"ok","text":"fine","created_at":"0001-01-01T00:00:00-01:00"}')
    f = tmp_path / "d.jsonl"
    f.write_text("\n".join(rows) + "\n")
    result = workspace.import_file(f)
    n = len(DATES_OUT_OF_RANGE)
    assert (result.accepted, result.rejected, result.undated) == (n + 1, 0, n)
    assert result.warnings == [
        "line 1: column 'created_at': date out of range '0001-01-01T00:00:00+14:00'; "
        "kept without a date"
    ]
    dates = workspace.posts().set_index("native_id")["created_at"]
    assert all(pd.isna(dates[str(i)]) for i in range(n))
    assert dates["ok"].year == 1


def test_json_nested_100000_levels_is_one_rejected_row(workspace, tmp_path):
    deep = '{"id":"deep","text":"x","n":' + "[" * 100_000 + "]" * 100_000 + "}"
    middling = '{"id":"mid","text":"x","n":' + '{"a":' * 200 + "1" + "}" * 200 + "}"
    shallow = '{"id":"ok","text":"x","n":' + "[" * 30 + "]" * 30 + "}"
    f = tmp_path / "deep.jsonl"
    f.write_text("\n".join([deep, middling, shallow, '{"id":"last","text":"y"}']) + "\n")
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected) == (2, 2)
    reasons = rejects(result)
    assert set(reasons) == {1, 2}
    assert all("nested deeper than 64 levels" in r for r in reasons.values())
    assert set(stored(workspace)) == {"ok", "last"}


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_utf16_with_an_odd_trailing_byte_rejects_only_the_last_row(workspace, tmp_path, kind):
    if kind == "csv":
        text = "id,text\n1,uno ñ\n2,dos\n3,tres\n"
    else:
        text = "".join(
            json.dumps({"id": str(i), "text": t}) + "\n"
            for i, t in ((1, "uno ñ"), (2, "dos"), (3, "tres"))
        )
    content = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    f = tmp_path / f"u16.{kind}"
    f.write_bytes(content[:-1])  # the last code unit loses its second byte
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected) == (2, 1)
    (reason,) = rejects(result).values()
    assert reason.startswith("not valid UTF-16-LE")
    assert stored(workspace) == {"1": "uno ñ", "2": "dos"}


def test_a_lone_surrogate_in_a_utf16_file_rejects_its_line(workspace, tmp_path):
    head = "id,text\n1,uno\n".encode("utf-16-le")
    bad = "2,".encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")
    tail = "3,tres\n".encode("utf-16-le")
    f = tmp_path / "s16.csv"
    f.write_bytes(b"\xff\xfe" + head + bad + tail)
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected) == (2, 1)
    assert list(rejects(result)) == [3]


def test_every_hostile_row_in_one_batch_leaves_the_good_rows_of_that_batch(
    workspace, tmp_path, monkeypatch
):
    from escucha.listen import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 7)
    hostile = [
        '{"id":"h1","text":"\\ud800 x"}',
        '{"id":"h2","text":"y","created_at":"9999-12-31T23:59:59-01:00"}',
        '{"id":"h3","text":"y","created_at":1e300}',
        '{"id":"h4","text":"z","x":' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id":"h5","text":"nul \\u0000"}',
        '{"id":"h6","text":"y","created_at":Infinity}',
    ]
    lines = []
    for i in range(40):
        lines.append(json.dumps({"id": f"g{i}", "text": f"good {i}"}))
        lines.append(hostile[i % len(hostile)].replace('"id":"h', f'"id":"h{i}-'))
    f = tmp_path / "mixed.jsonl"
    f.write_text("\n".join(lines) + "\n")
    first = workspace.import_file(f)
    assert first.accepted + first.rejected == 80
    assert first.rejected == sum(1 for i in range(40) if i % 6 == 3)  # dates: kept, undated
    assert first.undated == sum(1 for i in range(40) if i % 6 in (1, 2, 5))
    assert all(f"g{i}" in stored(workspace) for i in range(40))
    again = workspace.import_file(f)
    assert (again.accepted, again.duplicate, again.rejected) == (0, first.accepted, first.rejected)
    assert [r["status"] for r in workspace.import_runs()] == ["done", "done"]


# 8. memory: lines are capped before they are decoded -------------------------------------------


def _gzip_with_a_long_line(path: Path, size: int) -> Path:
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'{"id":"a","text":"before"}\n')
        out.write(b'{"id":"big","text":"')
        block = b"x" * (1 << 20)
        for _ in range(size // len(block)):
            out.write(block)
        out.write(b'"}\n{"id":"b","text":"after"}\n')
    return path


def test_an_overlong_line_in_a_gzip_file_is_rejected_unread(workspace, tmp_path):
    f = _gzip_with_a_long_line(tmp_path / "bomb.jsonl.gz", 5 << 20)
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected) == (2, 1)
    (reason,) = rejects(result).values()
    assert "over the limit of 1,048,576 ([import] max_line_bytes)" in reason
    assert f"line is {(5 << 20) + 22:,} bytes" in reason
    with workspace.engine.connect() as conn:
        (payload,) = conn.scalars(sa.select(source_rejects.c.payload))
    assert len(payload) <= 2000
    assert stored(workspace) == {"a": "before", "b": "after"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_the_cap_comes_from_the_import_settings(workspace, tmp_path, encoding):
    rows = ["id,text", "1,short", "2," + "y" * 5000, "3,short too"]
    f = tmp_path / "c.csv"
    f.write_bytes(("\ufeff" + "\n".join(rows) + "\n").encode(encoding))
    result = capped(workspace, 4096).import_file(f)
    assert (result.accepted, result.rejected) == (2, 1)
    assert list(rejects(result)) == [3]
    assert workspace.import_file(f).accepted == 1  # the default cap (1 MB) takes it


def test_a_quoted_csv_field_running_past_the_cap_is_rejected(workspace, tmp_path):
    lines = ["id,text", '1,"opens and never closes'] + ["z" * 1000 for _ in range(20)] + ["2,fine"]
    f = tmp_path / "q.csv"
    f.write_text("\n".join(lines) + "\n")
    result = capped(workspace, 4096).import_file(f)
    assert result.rejected >= 1 and "2" in stored(workspace)
    assert "runs on past 4,096 bytes" in rejects(result)[2]


def test_import_settings_are_validated():
    assert parse_config({"import": {"max_line_bytes": 2048}}).imports.max_line_bytes == 2048
    assert parse_config({}).imports.max_line_bytes == 1024 * 1024
    with pytest.raises(ConfigError, match=r"\[import\]: 'max_line_bytes' must be"):
        parse_config({"import": {"max_line_bytes": "1MB"}})
    with pytest.raises(ConfigError, match="unknown key 'max_lines'"):
        parse_config({"import": {"max_lines": 3}})


# 9. columns mapped per record --------------------------------------------------------------------


def test_fields_that_first_appear_on_a_later_row_are_imported(workspace, tmp_path):
    rows = [
        {"id": "1", "text": "first"},
        {
            "id": "2",
            "text": "second",
            "created_at": "2024-05-01T10:00:00Z",
            "author": "@ana",
            "url": "https://example.org/2",
            "likes": 3,
        },
        {"id": "3", "text": "third", "likes": 1, "views": 9},
        {"id": "4", "nota": "no text column here"},
    ]
    f = tmp_path / "late.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected) == (3, 1)
    assert "no text column among id, nota" in rejects(result)[4]
    row = workspace.posts().set_index("native_id").loc["2"]
    assert row["author"] == "ana" and row["url"] == "https://example.org/2"
    assert row["created_at"].isoformat() == "2024-05-01T10:00:00+00:00"
    assert row["likes"] == 3 and row["engagement"] == 3  # a count column is mapped too
    assert result.unmapped == {"views": 1, "nota": 1}


def test_keys_that_differ_on_every_row_are_counted_within_bounds(
    sqlite_workspace, tmp_path, monkeypatch
):
    from escucha.listen import importer

    monkeypatch.setattr(importer, "MAX_COLUMN_SETS", 50)
    monkeypatch.setattr(importer, "MAX_UNMAPPED_NAMES", 10)
    f = tmp_path / "keys.jsonl"
    rows = [{"id": str(i), "text": "t", f"k{i}": 1, "views": i} for i in range(300)]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = sqlite_workspace.import_file(f)
    assert result.accepted == 300
    assert len(result.unmapped) == 10 and result.unmapped["views"] == 300
    assert sum(result.unmapped.values()) == 600 and result.unmapped["(other columns)"] >= 291


def test_a_map_to_a_column_no_record_had_is_a_warning_for_json_lines(workspace, tmp_path):
    f = tmp_path / "m.jsonl"
    f.write_text('{"id":"1","text":"a"}\n{"id":"2","text":"b","fecha_pub":"2024-01-01"}\n')
    result = workspace.import_file(f, mapping={"created": "fecha_pub"})
    assert result.accepted == 2 and result.warnings == []
    assert workspace.posts().set_index("native_id").loc["2", "created_at"].year == 2024
    result = workspace.import_file(f, source="other", mapping={"created": "typo"})
    assert result.warnings == ["--map names column 'typo', which no record had"]


# 10. clear errors ---------------------------------------------------------------------------------


def test_a_truncated_gzip_keeps_the_rows_before_and_says_why(workspace, tmp_path):
    body = "".join(json.dumps({"id": str(i), "text": f"post {i}"}) + "\n" for i in range(3000))
    whole = gzip.compress(body.encode())
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(UserError, match=r"cut\.jsonl\.gz: the compressed file is truncated"):
        workspace.import_file(f)
    kept = len(stored(workspace))
    assert 0 < kept < 3000
    (run,) = workspace.import_runs()
    assert run["status"] == "failed" and "truncated" in run["message"]
    assert run["accepted"] == kept


def test_sigterm_marks_the_run_interrupted(workspace, tmp_path, monkeypatch):
    from escucha.listen import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    f = tmp_path / "t.jsonl"
    f.write_text("".join(json.dumps({"id": i, "text": f"p {i}"}) + "\n" for i in range(100)))
    before = signal.getsignal(signal.SIGTERM)

    def terminate_after_two_batches(done: int, total: int) -> None:
        if len(stored(workspace)) == 20:
            os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(UserError, match="stopped \\(SIGTERM\\)"):
        workspace.import_file(f, progress=terminate_after_two_batches)
    assert signal.getsignal(signal.SIGTERM) is before
    (run,) = workspace.import_runs()
    assert run["status"] == "interrupted" and run["accepted"] == 20
    assert workspace.import_file(f).accepted == 80


@pytest.mark.parametrize("name", ["../../x", "a/b", "..", ".hidden", "x" * 65, "", "ok\n"])
def test_a_source_name_that_is_not_a_slug_is_refused(workspace, tmp_path, name):
    f = tmp_path / "p.csv"
    f.write_text("id,text\n1,a\n")
    with pytest.raises(UserError, match="--source"):
        workspace.import_file(f, source=name)
    assert not list(tmp_path.rglob("*.rejects.jsonl"))
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(import_runs)) == 0


def test_a_directory_and_a_fifo_are_named_as_such(sqlite_workspace, tmp_path):
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(UserError, match=r"folder\.csv: is a directory"):
        sqlite_workspace.import_file(tmp_path / "folder.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(UserError, match=r"pipe\.csv: is not a regular file"):
        sqlite_workspace.import_file(tmp_path / "pipe.csv")
    with pytest.raises(UserError, match=r"nope\.csv: no such file"):
        sqlite_workspace.import_file(tmp_path / "nope.csv")


def test_errors_never_echo_a_symlink_targets_content(sqlite_workspace, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-LINE:0:0\nmore\n")
    link = tmp_path / "data.csv"
    link.symlink_to(secret)
    with pytest.raises(UserError) as caught:
        sqlite_workspace.import_file(link)
    assert "SECRET" not in str(caught.value) and "no text column" in str(caught.value)
    with pytest.raises(UserError) as caught:
        sqlite_workspace.import_file(link, mapping={"text": "body"})
    assert "SECRET" not in str(caught.value)
    (run,) = [r for r in sqlite_workspace.import_runs() if "SECRET" in (r["message"] or "")] or [
        None
    ]
    assert run is None


def escucha(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ESCUCHA_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "escucha", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_cli_says_what_a_truncated_gzip_is_and_reports_unmapped_columns(tmp_path, monkeypatch):
    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    init_workspace(tmp_path / "ws")
    body = "".join(
        json.dumps({"id": str(i), "text": f"p {i}", "views": i}) + "\n" for i in range(500)
    )
    whole = gzip.compress(body.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[:-20])
    done = escucha("-w", "ws", "import", "cut.jsonl.gz", cwd=tmp_path)
    assert done.returncode == 1 and "Aborted" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "escucha: error: cut.jsonl.gz: the compressed file is truncated "
        "(it ends before its end-of-stream marker)"
    ]
    (tmp_path / "ok.jsonl").write_text(body + '{"id":"x","text":"\\ud800"}\n')
    done = escucha("-w", "ws", "import", "ok.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "1 NUL or lone surrogate characters replaced by U+FFFD (no database stores them as text)",
        "columns mapped to no field (kept in the raw archive), with the rows they were in: "
        "views (500)",
    ]
