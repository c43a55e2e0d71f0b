"""`escucha analyze` and the Python API: enrichments versioned by model, brands re-matched."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import sqlalchemy as sa

import escucha
from escucha.config import Brand
from escucha.store.schema import brand_mentions, enrichments
from escucha.workspace import Workspace

POSTS = """id,author,created_at,text
1,ana,2017-11-03T10:00:00Z,"@Iberia me habéis perdido la maleta otra vez, es una vergüenza"
2,bob,2017-11-03T11:00:00Z,"@Ryanair ojalá pusierais más vuelos a Santander, sería genial"
3,cy,2015-02-24T10:00:00Z,"@united I wish you had more legroom, please add it to the app"
4,di,2015-02-24T11:00:00Z,"@united worst customer service ever, lost my bag and nobody answers"
5,ed,2015-02-24T12:00:00Z,"Thanks @united, the crew was wonderful!"
"""


def load(workspace: Workspace, tmp_path) -> None:
    (tmp_path / "posts.csv").write_text(POSTS)
    workspace.import_file(tmp_path / "posts.csv", source="t")


def test_analyze_enriches_once_per_model_version(workspace, tmp_path):
    load(workspace, tmp_path)
    first = workspace.analyze()
    assert first["enriched"] == 5 and first["brand_mentions"] == 5
    assert workspace.analyze()["enriched"] == 0  # nothing new to read
    with workspace.engine.connect() as conn:
        versions = conn.execute(sa.select(enrichments.c.model_version).distinct()).all()
    assert versions == [(first["model_version"],)]

    frame = workspace.posts().set_index("native_id")
    assert frame.loc["1", "lang"] == "es" and frame.loc["4", "lang"] == "en"
    assert frame.loc["1", "brands"] == ["Iberia"] and frame.loc["2", "brands"] == ["Ryanair"]
    assert frame.loc["4", "sentiment"] == "negative" and frame.loc["5", "sentiment"] == "positive"
    assert "complaint" in frame.loc["4", "intents"]
    assert "wish" in frame.loc["3", "intents"]
    probabilities = frame[["negative", "neutral", "positive"]].sum(axis=1)
    assert ((probabilities - 1).abs() < 1e-6).all()


def test_a_new_model_version_adds_rows_and_never_mixes(workspace, tmp_path, monkeypatch):
    load(workspace, tmp_path)
    old = workspace.analyze()["model_version"]
    from escucha import enrich

    real = enrich.reader_for(tuple(workspace.config.languages))
    newer = type("NewerReader", (), {})()
    newer.version, newer.read = old + "-next", real.read
    monkeypatch.setattr(enrich, "reader_for", lambda languages=None: newer)
    monkeypatch.setattr(enrich, "current_model_version", lambda ctx=None: newer.version)
    assert workspace.analyze()["enriched"] == 5
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(enrichments)) == 10
    current = workspace.posts()
    assert len(current) == 5 and set(current["model_version"]) == {old + "-next"}
    assert len(workspace.posts(all_versions=True)) == 10


def test_editing_brands_rematches_every_post(workspace, tmp_path):
    load(workspace, tmp_path)
    workspace.analyze()
    workspace.config = replace(
        workspace.config, competitors=(Brand("United Airlines", (), ("@united",), ()),)
    )
    assert workspace.analyze()["brand_mentions"] == 4  # Iberia once, United three times
    with workspace.engine.connect() as conn:
        brands = conn.execute(sa.select(brand_mentions.c.brand).distinct()).scalars().all()
    assert sorted(brands) == ["Iberia", "United Airlines"]


def test_posts_not_yet_analysed_have_empty_enrichments(workspace, tmp_path):
    load(workspace, tmp_path)
    frame = workspace.posts()
    assert len(frame) == 5 and frame["sentiment"].isna().all()
    assert frame["brands"].map(len).sum() == 0


def test_python_api_opens_a_workspace_by_path(sqlite_workspace, tmp_path):
    load(sqlite_workspace, tmp_path)
    sqlite_workspace.analyze()
    ws = escucha.open_workspace(sqlite_workspace.path)
    frame = ws.posts()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 5
    expected = {
        "id",
        "source",
        "native_id",
        "author",
        "text",
        "created_at",
        "url",
        "lang",
        "sentiment",
        "negative",
        "neutral",
        "positive",
        "wish",
        "complaint",
        "question",
        "praise",
        "promo",
        "intents",
        "brands",
        "model_version",
    }
    assert expected <= set(frame.columns)
    dtype = frame["created_at"].dtype
    assert isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC"
    assert ws.status()["posts"] == 5


def test_the_progress_counts_one_unit_per_post(workspace, tmp_path):
    load(workspace, tmp_path)
    seen: list[tuple[int, int]] = []
    workspace.analyze(progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (5, 5)
    assert {total for _, total in seen} == {5}
    workspace.config = replace(
        workspace.config, competitors=(Brand("United Airlines", (), ("@united",), ()),)
    )
    seen.clear()  # nothing to read, every post to re-match: still one unit per post
    workspace.analyze(progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5)
