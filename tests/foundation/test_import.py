"""`escucha import`: formats, encodings, column mapping, and every kind of bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from escucha.errors import UserError
from escucha.store.schema import authors, import_runs, posts, raw_payloads, source_rejects


def stored(workspace) -> list[tuple]:
    with workspace.engine.connect() as conn:
        return conn.execute(
            sa.select(posts.c.native_id, posts.c.text).order_by(posts.c.native_id)
        ).all()


def rejects(result) -> list[dict]:
    assert result.rejects_path, "expected a rejects file"
    return [json.loads(line) for line in Path(result.rejects_path).read_text().splitlines()]


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def test_csv_with_common_column_names_is_mapped_automatically(workspace, tmp_path):
    f = write(
        tmp_path / "posts.csv",
        "tweet_id,username,created_at,full_text,permalink\n"
        "1,ana,2024-01-02T10:00:00Z,Hola @Iberia,https://example.org/1\n"
        '2,bob,2024-01-02T11:00:00+01:00,"Hello, ""world""",\n',
    )
    result = workspace.import_file(f)
    assert (result.accepted, result.duplicate, result.rejected) == (2, 0, 0)
    assert result.mapping["text"] == "full_text" and result.mapping["id"] == "tweet_id"
    assert stored(workspace) == [("1", "Hola @Iberia"), ("2", 'Hello, "world"')]
    frame = workspace.posts()
    row = frame.set_index("native_id").loc["2"]
    assert row["author"] == "bob"
    assert row["created_at"] == pd.Timestamp("2024-01-02T10:00:00Z")
    assert frame.set_index("native_id").loc["1", "url"] == "https://example.org/1"


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiters_are_detected(workspace, tmp_path, delimiter):
    f = write(tmp_path / "p.csv", f"id{delimiter}text\n1{delimiter}uno, dos\n2{delimiter}tres\n")
    assert workspace.import_file(f).accepted == 2
    assert stored(workspace) == [("1", "uno, dos"), ("2", "tres")]


def test_explicit_mapping_and_source_name(workspace, tmp_path):
    f = write(tmp_path / "p.csv", "ref,cuerpo,quien\nA,texto uno,ana\n")
    result = workspace.import_file(f, source="encuesta", mapping={"id": "ref", "text": "cuerpo"})
    assert result.source == "encuesta" and result.accepted == 1
    assert stored(workspace) == [("A", "texto uno")]


def test_mapping_to_a_missing_column_is_a_clear_error(workspace, tmp_path):
    f = write(tmp_path / "p.csv", "id,text\n1,a\n")
    with pytest.raises(UserError, match=r"'cuerpo'.*columns: id, text"):
        workspace.import_file(f, mapping={"text": "cuerpo"})


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-8", b""),
    ],
)
def test_encodings_are_detected(workspace, tmp_path, encoding, bom):
    text = "id,text\n1,Vuelo cancelado en Málaga ¿por qué?\n2,niño\n"
    f = write(tmp_path / "p.csv", bom + text.encode(encoding))
    assert workspace.import_file(f).accepted == 2
    assert stored(workspace) == [("1", "Vuelo cancelado en Málaga ¿por qué?"), ("2", "niño")]


def test_a_line_in_another_encoding_is_read_not_dropped(workspace, tmp_path):
    content = "id,text\n1,café en UTF-8\n".encode() + "2,café en Latin-1\n".encode("cp1252")
    f = write(tmp_path / "mixed.csv", content)
    assert workspace.import_file(f).accepted == 2
    assert stored(workspace) == [("1", "café en UTF-8"), ("2", "café en Latin-1")]


def test_unbalanced_quote_rejects_one_row_and_keeps_the_rest(workspace, tmp_path):
    lines = ["id,text", '1,"this quote never closes'] + [f"{i},row {i}" for i in range(2, 400)]
    f = write(tmp_path / "bad.csv", "\n".join(lines) + "\n")
    result = workspace.import_file(f)
    assert result.rejected == 1 and result.accepted == 398
    (entry,) = rejects(result)
    assert entry["line"] == 2 and "quote" in entry["reason"]


def test_unbalanced_quote_near_the_end_does_not_swallow_the_last_rows(workspace, tmp_path):
    f = write(tmp_path / "bad.csv", 'id,text\n1,"open\n2,two\n3,three\n')
    result = workspace.import_file(f)
    assert [n for n, _ in stored(workspace)] == ["2", "3"]
    assert rejects(result)[0]["line"] == 2


def test_ragged_rows_are_rejected_with_their_line(workspace, tmp_path):
    f = write(tmp_path / "r.csv", "id,text,author\n1,ok,ana\n2,too,many,fields\n3,few\n4,ok,bo\n")
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected) == (2, 2)
    entries = rejects(result)
    assert [e["line"] for e in entries] == [3, 4]
    assert "4 fields where the header has 3" in entries[0]["reason"]


def test_file_without_a_text_column_is_one_clear_error(workspace, tmp_path):
    f = write(tmp_path / "n.csv", "id,score\n1,5\n")
    with pytest.raises(UserError, match=r"no text column among id, score.*--map text=COLUMN"):
        workspace.import_file(f)
    assert stored(workspace) == []
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(import_runs.c.status)) == "failed"


def test_empty_file_is_one_clear_error(workspace, tmp_path):
    with pytest.raises(UserError, match="empty"):
        workspace.import_file(write(tmp_path / "e.csv", b""))


def test_header_only_file_is_one_clear_error(workspace, tmp_path):
    with pytest.raises(UserError, match="header but no rows"):
        workspace.import_file(write(tmp_path / "h.csv", "id,text\n"))


def test_binary_file_is_one_clear_error(workspace, tmp_path):
    f = write(tmp_path / "x.csv", bytes(range(256)) * 64)
    with pytest.raises(UserError, match="binary"):
        workspace.import_file(f)


def test_missing_file_is_one_clear_error(workspace, tmp_path):
    with pytest.raises(UserError, match="no such file"):
        workspace.import_file(tmp_path / "nope.csv")


def test_a_text_over_the_limit_is_rejected_and_the_rest_imported(workspace, tmp_path):
    big = "x" * 500_000  # under the line cap (docs/importing.md), over the text limit
    f = write(tmp_path / "big.csv", f"id,text\n1,small\n2,{big}\n3,also small\n")
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected) == (2, 1)
    entry = rejects(result)[0]
    assert entry["line"] == 3 and "500,000 characters" in entry["reason"]
    assert len(entry["record"]) <= 2000


def test_jsonl_with_one_broken_line(workspace, tmp_path):
    lines = [
        '{"id": 1, "text": "uno"}',
        '{"id": 2, "text": "dos"',
        '{"id": 3, "text": "tres"}',
        "[1, 2]",
        '{"id": 5, "text": ""}',
    ]
    result = workspace.import_file(write(tmp_path / "p.jsonl", "\n".join(lines) + "\n"))
    assert (result.accepted, result.rejected) == (2, 3)
    reasons = {e["line"]: e["reason"] for e in rejects(result)}
    assert set(reasons) == {2, 4, 5}
    assert reasons[2].startswith("invalid JSON")
    assert "object" in reasons[4] and "empty text" in reasons[5]


def test_duplicate_ids_in_one_file_and_across_runs(workspace, tmp_path):
    f = write(
        tmp_path / "d.jsonl",
        '{"id":"a","text":"1"}\n{"id":"a","text":"2"}\n{"id":"b","text":"3"}\n',
    )
    first = workspace.import_file(f)
    assert (first.accepted, first.duplicate) == (2, 1)
    again = workspace.import_file(f)
    assert (again.accepted, again.duplicate, again.rejected) == (0, 3, 0)
    assert stored(workspace) == [("a", "1"), ("b", "3")]


def test_without_an_id_column_identical_posts_are_one(workspace, tmp_path):
    f = write(tmp_path / "noid.csv", "author,text\nana,hola\nana,hola\nbo,hola\n")
    assert workspace.import_file(f).accepted == 2
    assert workspace.import_file(f).accepted == 0


def test_dates_in_several_formats_and_time_zones(workspace, tmp_path):
    rows = [
        {"id": 1, "text": "a", "created": "2015-02-24 11:35:52 -0800"},
        {"id": 2, "text": "b", "created": "Fri Nov 03 12:05:12 +0000 2017"},
        {"id": 3, "text": "c", "created": "2017-11-03T13:05:12+01:00"},
        {"id": 4, "text": "d", "created": "2017-11-03T12:05:12Z"},
        {"id": 5, "text": "e", "created": 1509710712},
        {"id": 6, "text": "f", "created": "1509710712000"},
        {"id": 7, "text": "g", "created": "3 Nov 2017 12:05:12 GMT"},
        {"id": 8, "text": "h", "created": ""},
        {"id": 9, "text": "i", "created": "not a date"},
    ]
    f = write(tmp_path / "d.jsonl", "\n".join(json.dumps(r) for r in rows))
    result = workspace.import_file(f)
    assert (result.accepted, result.rejected, result.undated) == (9, 0, 1)
    assert result.warnings == [
        "line 9: column 'created': unreadable date 'not a date'; kept without a date"
    ]
    got = workspace.posts().set_index("native_id")["created_at"]
    same = pd.Timestamp("2017-11-03T12:05:12Z")
    assert got["1"] == pd.Timestamp("2015-02-24T19:35:52Z")
    assert all(got[k] == same for k in "234567")
    assert pd.isna(got["8"]) and pd.isna(got["9"])  # empty, and unreadable: kept, undated


def test_parquet_and_gzip(workspace, tmp_path):
    frame = pd.DataFrame({"id": ["p1", "p2"], "content": ["uno", "dos"]})
    frame.to_parquet(tmp_path / "p.parquet")
    assert workspace.import_file(tmp_path / "p.parquet").accepted == 2
    with gzip.open(tmp_path / "g.jsonl.gz", "wt") as out:
        out.write('{"id": "g1", "text": "comprimido"}\n')
    assert workspace.import_file(tmp_path / "g.jsonl.gz").accepted == 1
    assert [n for n, _ in stored(workspace)] == ["g1", "p1", "p2"]


def test_a_broken_parquet_file_is_one_error_before_any_row_is_read(tmp_path):
    from escucha.listen.files import SourceFile

    for name, content in (("rows.jsonl", b"PAR1"), ("p.parquet", b"PAR1 not really parquet")):
        path = tmp_path / name
        path.write_bytes(content)  # starts like Parquet (hypothesis found the .jsonl one)
        with pytest.raises(UserError, match=r"not a readable Parquet file"):
            SourceFile(path)


def test_html_entities_in_tweets_are_decoded(workspace, tmp_path):
    f = write(tmp_path / "t.jsonl", '{"id": 1, "text": "A &amp; B &gt; C"}\n')
    workspace.import_file(f)
    assert stored(workspace) == [("1", "A & B > C")]


def test_secret_fields_never_reach_the_archive(workspace, tmp_path):
    f = write(
        tmp_path / "s.jsonl",
        '{"id": 1, "text": "x", "api_key": "K123", "n": 1}\n{"id": 2, "text": "y"}\n',
    )
    workspace.import_file(f)
    with workspace.engine.connect() as conn:
        payloads = [p for (p,) in conn.execute(sa.select(raw_payloads.c.payload))]
    assert len(payloads) == 2
    assert not any("K123" in p for p in payloads)
    assert any('"n": 1' in p for p in payloads)


def test_run_counts_match_what_was_stored(workspace, tmp_path):
    f = write(tmp_path / "c.jsonl", '{"id":1,"text":"a"}\n{"id":1,"text":"b"}\nnope\n')
    result = workspace.import_file(f)
    (run,) = workspace.import_runs()
    assert run["status"] == "done"
    assert (run["accepted"], run["duplicate"], run["rejected"]) == (1, 1, 1)
    assert run["rejects_path"] == result.rejects_path


def test_an_import_interrupted_half_way_completes_when_run_again(workspace, tmp_path, monkeypatch):
    from escucha.listen import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 100)
    lines = [json.dumps({"id": i, "text": f"post {i}"}) for i in range(1000)]
    f = write(tmp_path / "big.jsonl", "\n".join(lines) + "\n")
    calls = 0

    def crash_after_three_batches(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        workspace.import_file(f, progress=crash_after_three_batches)
    assert len(stored(workspace)) == 300  # whole batches only
    result = workspace.import_file(f)
    assert (result.accepted, result.duplicate) == (700, 300)
    assert sorted(int(n) for n, _ in stored(workspace)) == list(range(1000))
    assert [r["status"] for r in workspace.import_runs()] == ["interrupted", "done"]


def test_url_template_links_posts_without_a_url(workspace, tmp_path):
    f = write(tmp_path / "u.csv", "id,text,url\n7,a,\n8,b,https://example.org/eight\n")
    workspace.import_file(f, url_template="https://example.org/s/{id}")
    urls = workspace.posts().set_index("native_id")["url"]
    assert urls["7"] == "https://example.org/s/7" and urls["8"] == "https://example.org/eight"
    with pytest.raises(UserError, match="url-template"):
        workspace.import_file(f, url_template="javascript:alert({id})")


def test_rejected_rows_are_kept_in_the_store_with_their_run_and_line(workspace, tmp_path):
    f = write(
        tmp_path / "r.jsonl",
        '{"id": 1, "text": "ok"}\n{"id": 2, "text": "", "password": "pw1"}\nnot json\n',
    )
    result = workspace.import_file(f)
    assert [e["line"] for e in rejects(result)] == [2, 3]  # the rejects file, as before
    with workspace.engine.connect() as conn:
        kept = conn.execute(
            sa.select(
                source_rejects.c.source,
                source_rejects.c.import_run_id,
                source_rejects.c.location,
                source_rejects.c.line,
                source_rejects.c.reason,
                source_rejects.c.payload,
            ).order_by(source_rejects.c.line)
        ).all()
    run = result.run_id
    assert [tuple(r[:4]) for r in kept] == [("r", run, "line 2", 2), ("r", run, "line 3", 3)]
    assert "empty text" in kept[0].reason and kept[1].reason.startswith("invalid JSON")
    assert '"id": 2' in kept[0].payload and "pw1" not in kept[0].payload
    assert kept[1].payload == "not json"


def test_each_run_records_what_read_the_file(workspace, tmp_path):
    from escucha import __version__

    workspace.import_file(write(tmp_path / "a.csv", "id,text\n1,a\n"))
    workspace.import_file(write(tmp_path / "b.jsonl", '{"id": 1, "text": "b"}\n'))
    with workspace.engine.connect() as conn:
        versions = conn.scalars(
            sa.select(import_runs.c.connector_version).order_by(import_runs.c.id)
        ).all()
    assert versions == [f"escucha {__version__} csv", f"escucha {__version__} jsonl"]


def test_a_platform_column_keys_authors_by_platform(workspace, tmp_path):
    f = write(
        tmp_path / "mixed.csv",
        "id,text,author,platform\n1,a,ana,Twitter\n2,b,ana,twitter\n3,c,ana,Bluesky\n4,d,ana,\n",
    )
    result = workspace.import_file(f)
    assert result.mapping["platform"] == "platform"
    workspace.import_file(write(tmp_path / "other.csv", "id,text,author\n9,e,ana\n"))
    with workspace.engine.connect() as conn:
        rows = conn.execute(
            sa.select(posts.c.native_id, authors.c.platform, authors.c.id)
            .join(authors, authors.c.id == posts.c.author_id)
            .order_by(posts.c.native_id)
        ).all()
    platforms = [p for _, p, _ in rows]
    assert platforms == ["twitter", "twitter", "bluesky", "mixed", "other"]
    assert len({a for *_, a in rows}) == 4


def test_an_author_across_batches_is_one_author(workspace, tmp_path, monkeypatch):
    from escucha.listen import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    rows = "".join(f"{i},post {i},{'ana' if i % 2 else 'bo'}\n" for i in range(7))
    workspace.import_file(write(tmp_path / "a.csv", "id,text,author\n" + rows))
    with workspace.engine.connect() as conn:
        pairs = conn.execute(
            sa.select(posts.c.author_handle, authors.c.handle, authors.c.id).join(
                authors, authors.c.id == posts.c.author_id
            )
        ).all()
    assert len(pairs) == 7 and all(seen == handle for seen, handle, _ in pairs)
    assert len({author for *_, author in pairs}) == 2
