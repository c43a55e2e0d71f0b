"""`escucha analyze --all --engine dask`: the same readings as the local engine, written once,
on a LocalCluster of two worker processes."""

from __future__ import annotations

import sys

import pytest
import sqlalchemy as sa

from escucha.store.schema import enrichments
from escucha.workspace import Workspace

from .helpers import cli, seed

pytest.importorskip("distributed")


def readings(workspace: Workspace) -> list[tuple]:
    """Every enrichment row but the time it was written."""
    columns = [c for c in enrichments.c if c.name != "enriched_at"]
    with workspace.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(sa.select(*columns).order_by(enrichments.c.post_id)).all()
        ]


def counts(rows: list[tuple]) -> tuple[dict, dict]:
    names = [c.name for c in enrichments.c if c.name != "enriched_at"]
    sentiment, intents = {}, {}
    for row in rows:
        record = dict(zip(names, row, strict=True))
        sentiment[record["sentiment"]] = sentiment.get(record["sentiment"], 0) + 1
        for intent in record["intents"]:
            intents[intent] = intents.get(intent, 0) + 1
    return sentiment, intents


def test_dask_re_analysis_reads_every_post_as_the_local_engine(
    sqlite_workspace: Workspace, tmp_path, capsys, monkeypatch
):
    from escucha import enrich

    monkeypatch.setattr(enrich, "PARTITION_SIZE", 3)  # several partitions for two workers
    seed(sqlite_workspace, tmp_path)
    folder = str(sqlite_workspace.path)
    code, out, err = cli(capsys, "--workspace", folder, "analyze", "--all")
    assert code == 0, err and "analysed 8 posts" in out
    local = readings(sqlite_workspace)
    assert len(local) == 8
    version = local[0][1]
    assert len(list(enrich.id_ranges(sqlite_workspace.engine, version, True))) == 3

    with sqlite_workspace.engine.begin() as conn:  # wrong readings the re-analysis replaces
        conn.execute(sa.update(enrichments).values(sentiment="neutral", intents=[], lang="en"))
    code, out, err = cli(
        capsys, "--workspace", folder, "analyze", "--all", "--engine", "dask", "--workers", "2"
    )
    assert code == 0, err
    assert "analysed 8 posts" in out
    on_dask = readings(sqlite_workspace)
    # bit for bit: Dask's partitions read the posts in other batches than the local engine,
    # and a post's reading does not depend on its batch (features.dense_product)
    assert on_dask == local
    assert counts(on_dask) == counts(local)
    sentiments, intents = counts(local)
    assert len(sentiments) > 1 and intents  # the readings are not all alike


def test_without_dask_the_engine_names_the_extra(
    sqlite_workspace: Workspace, tmp_path, capsys, monkeypatch
):
    seed(sqlite_workspace, tmp_path)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    code, _, err = cli(
        capsys, "--workspace", str(sqlite_workspace.path), "analyze", "--all", "--engine", "dask"
    )
    assert code == 1 and err.strip().count("\n") == 0
    assert "escucha[dask]" in err


def test_the_workers_keep_the_default_memory_trimming(monkeypatch):
    """Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536, which doubled a worker's CPU per post
    (docs/benchmarks.md); escucha's LocalCluster starts its workers without it."""
    import os

    from escucha.dask_engine import run_partitions

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    seen: list[object] = []
    run_partitions(os.getenv, (), [("MALLOC_TRIM_THRESHOLD_",), ("OMP_NUM_THREADS",)],
                   seen.append, workers=1)  # fmt: skip
    assert sorted(seen, key=str) == ["1", None]  # the rest of Dask's worker settings stay
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ
