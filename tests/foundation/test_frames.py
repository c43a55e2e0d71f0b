"""The posts frame is built from bounded chunks of rows: whatever the chunk size, the same
frame (values and dtypes), brands read alongside the posts, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import defaultdict

import pandas as pd
import pytest
import sqlalchemy as sa

from escucha import enrich, frames
from escucha.enrich import current_model_version
from escucha.frames import INSIGHT_COLUMNS, posts_frame
from escucha.reads.posts import POST_COLUMNS
from escucha.store.schema import brand_mentions, posts
from escucha.understand.corrections import relabel

TEXTS = [
    "@Iberia me habéis perdido la maleta otra vez, es una vergüenza",
    "@Ryanair ojalá pusierais más vuelos a Santander, sería genial",
    "@united I wish you had more legroom, please add it to the app",
    "@united @JetBlue worst customer service ever, lost my bag and nobody answers",
    "Thanks @united, the crew was wonderful!",
    "nothing about any airline here",
    "@Vueling @Iberia @Ryanair cuál es mejor para ir a Roma",
]


def _rows(start: int, texts: list[str]) -> str:
    rows = []
    for i, text in enumerate(texts, start=start):
        row = {"id": str(i), "author": f"a{i % 3}", "text": text, "url": f"https://x.org/{i}"}
        row["created_at"] = f"2017-11-0{1 + i % 9}T10:00:00Z" if i % 4 else None
        if i % 2:
            row["followers_count"] = 100 * i
        rows.append(json.dumps(row))
    return "\n".join(rows) + "\n"


@pytest.fixture
def store(workspace, tmp_path, monkeypatch):
    """Analysed posts, some with counts, one labelled, one deleted, two read by a second
    model version too, and two not analysed yet."""
    first = tmp_path / "first.jsonl"
    first.write_text(_rows(1, TEXTS), encoding="utf-8")
    workspace.import_file(first, source="t")
    version = workspace.analyze()["model_version"]
    with workspace.engine.begin() as conn:
        ids = dict(conn.execute(sa.select(posts.c.native_id, posts.c.id)).all())
        conn.execute(
            sa.update(posts).where(posts.c.id == ids["6"]).values(deleted_at=sa.func.now())
        )
    relabel(workspace.engine, ids["2"], "ana", version, sentiment="negative", intents=["complaint"])
    real = enrich.reader_for(tuple(workspace.config.languages))
    newer = type("NewerReader", (), {"version": version + "-next", "read": real.read})()
    monkeypatch.setattr(enrich, "reader_for", lambda languages=None: newer)
    monkeypatch.setattr(enrich, "current_model_version", lambda ctx=None: newer.version)
    workspace.analyze()
    monkeypatch.undo()
    later = tmp_path / "later.jsonl"
    later.write_text(_rows(20, TEXTS[:2]), encoding="utf-8")
    workspace.import_file(later, source="u")
    return workspace


def _chunked(monkeypatch, rows: int, **kwargs) -> pd.DataFrame:
    monkeypatch.setattr(frames, "CHUNK_ROWS", rows)
    return posts_frame(**kwargs)


@pytest.mark.parametrize("all_versions", [False, True])
def test_any_chunk_size_gives_the_same_frame(store, monkeypatch, all_versions):
    whole = _chunked(monkeypatch, 10**6, context=store, all_versions=all_versions)
    assert list(whole.columns) == list(POST_COLUMNS)
    assert whole["id"].is_monotonic_increasing and len(whole) == 8 + 6 * all_versions
    for rows in (1, 2, 3):
        parts = _chunked(monkeypatch, rows, context=store, all_versions=all_versions)
        pd.testing.assert_frame_equal(parts, whole)
    with store.engine.connect() as conn:
        mentioned = defaultdict(list)
        for post_id, brand in conn.execute(
            sa.select(brand_mentions.c.post_id, brand_mentions.c.brand)
        ):
            mentioned[post_id].append(brand)
    assert [sorted(b) for b in whole["brands"]] == [sorted(mentioned[i]) for i in whole["id"]]
    assert (
        whole["followers"].dtype == "float64"
        and whole["created_at"].isna().sum() == 2 + all_versions
    )
    assert whole["intents"].map(type).eq(list).all()


def test_chunks_whose_column_is_all_missing_keep_the_frame_dtypes(store, monkeypatch):
    """A chunk of posts without counts or without an analysis (all None: object) takes the
    dtype the whole column has."""
    whole = _chunked(monkeypatch, 10**6, context=store)
    parts = _chunked(monkeypatch, 1, context=store)
    assert parts.dtypes.equals(whole.dtypes)
    assert str(whole["negative"].dtype) == "float64" and whole["negative"].isna().sum() == 2


@pytest.mark.parametrize("limit", [1, 10_000])
def test_chosen_ids_read_in_chunks(store, monkeypatch, limit):
    """Ids beyond IN_LIST_LIMIT are filtered chunk by chunk; the same rows either way."""
    monkeypatch.setattr(frames, "IN_LIST_LIMIT", limit)
    every = _chunked(monkeypatch, 10**6, context=store)
    chosen = sorted(every["id"])[1::2]
    expected = every[every["id"].isin(chosen)].reset_index(drop=True)
    for rows in (2, 10**6):
        pd.testing.assert_frame_equal(
            _chunked(monkeypatch, rows, context=store, ids=chosen), expected
        )


def test_the_insight_columns_alone(store, monkeypatch):
    every = _chunked(monkeypatch, 10**6, context=store)
    narrow = _chunked(monkeypatch, 2, context=store, columns=INSIGHT_COLUMNS)
    assert set(narrow.columns) == set(INSIGHT_COLUMNS)
    pd.testing.assert_frame_equal(narrow, every[list(narrow.columns)])
    with pytest.raises(ValueError, match="'id'"):
        posts_frame(store, columns=("text",))


def test_an_empty_store_gives_the_empty_frame(workspace):
    empty = posts_frame(workspace)
    assert empty.empty and list(empty.columns) == list(POST_COLUMNS)
    assert str(empty["created_at"].dtype).startswith("datetime64") and current_model_version()


def test_a_compact_frame_holds_the_same_values(store, monkeypatch):
    """The web's frame: the model version a category, equal lists one shared object."""
    every = posts_frame(store)
    compact = _chunked(monkeypatch, 2, context=store, compact=True)
    assert compact["model_version"].dtype == "category"
    version = compact["model_version"].astype(every["model_version"].dtype)
    pd.testing.assert_frame_equal(compact.assign(model_version=version), every)
    for column in ("brands", "intents"):
        empty = [id(v) for v in compact[column] if not v]
        assert len(empty) > 1 and len(set(empty)) == 1
