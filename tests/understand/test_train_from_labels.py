"""`escucha train --from-labels`: a correction stacked on the shipped model's probabilities,
fitted on the workspace's labels, measured on a seeded stratified held-out part, saved into
the workspace (never over the shipped model), refused with one line when labels are few."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from escucha.enrich import current_model_version
from escucha.errors import UserError
from escucha.store.schema import enrichments
from escucha.understand.adapt import MIN_LABELS, labelled_examples, split, train_from_labels
from escucha.understand.corrections import relabel
from escucha.understand.shipped import MODEL_DIR

DEMO = Path(__file__).resolve().parents[2] / "src" / "escucha" / "demo" / "data"


def _rows(name: str, n: int, key: str) -> list[dict]:
    with gzip.open(DEMO / name, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, n)]
    return [{"id": str(r[key]), "text": r["text"]} for r in records]


@pytest.fixture
def analysed(workspace, tmp_path):
    for name, file, key in (
        ("es", "es_airline_tweets.jsonl.gz", "tweet_id"),
        ("en", "us_airline_tweets.jsonl.gz", "row"),
    ):
        path = tmp_path / f"{name}.jsonl"
        rows = _rows(file, 160, key)
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        workspace.import_file(path, source=name)
    workspace.analyze()
    return workspace


def _label_with_a_policy(ws, n: int) -> None:
    """This workspace's analysts call a post negative as soon as the model gives negative a
    quarter of its probability (the shipped model wants the most probable): a systematic
    difference the correction can learn. Where they agree with the model the label is stored
    as a confirmation (as an import of labels would: the post page records only changes)."""
    from datetime import UTC, datetime

    from escucha.store.schema import post_labels

    version = current_model_version()
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(enrichments.c.post_id, enrichments.c.negative, enrichments.c.positive)
            .where(enrichments.c.model_version == version)
            .order_by(enrichments.c.post_id)
            .limit(n)
        ).all()
    for post_id, negative, positive in rows:
        said = "negative" if negative >= 0.25 else ("positive" if positive >= 0.5 else "neutral")
        relabel(ws.engine, post_id, "ana", version, sentiment=said)
        with ws.engine.begin() as conn:
            if (
                conn.scalar(
                    sa.select(post_labels.c.post_id).where(post_labels.c.post_id == post_id)
                )
                is None
            ):
                conn.execute(
                    sa.insert(post_labels).values(
                        post_id=post_id,
                        sentiment=said,
                        labelled_by="ana",
                        labelled_at=datetime.now(UTC),
                    )
                )


def test_the_split_is_seeded_and_stratified():
    keys = ["es|0"] * 40 + ["es|2"] * 8 + ["en|1"] * 20 + ["en|0"]
    a, b = split(keys), split(keys)
    assert (a == b).all()
    counts = {k: int(sum(m for kk, m in zip(keys, a, strict=True) if kk == k)) for k in set(keys)}
    assert counts == {"es|0": 10, "es|2": 2, "en|1": 5, "en|0": 0}
    assert not (split(keys, seed=1) == a).all()


def test_too_few_labels_is_one_clear_line(analysed):
    _label_with_a_policy(analysed, 10)
    with pytest.raises(UserError, match=f"at least {MIN_LABELS} needed") as caught:
        train_from_labels(labelled_examples(analysed.engine, current_model_version()))
    assert "\n" not in str(caught.value) and "10 posts" in str(caught.value)


def test_training_improves_the_held_out_f1_and_saves_into_the_workspace(analysed, monkeypatch):
    from escucha.cli.app import build_app

    shipped = {p.name: p.read_bytes() for p in MODEL_DIR.iterdir() if p.is_file()}
    _label_with_a_policy(analysed, 320)
    monkeypatch.chdir(analysed.path)
    done = CliRunner().invoke(build_app(), ["train", "--from-labels", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert set(report) >= {"before", "after", "n_train", "n_heldout", "per_language"}
    assert report["n_train"] + report["n_heldout"] == 320
    assert 0.2 * 320 <= report["n_heldout"] <= 0.3 * 320
    assert report["after"] > report["before"]
    assert set(report["per_language"]) >= {"es", "en"}
    for lang in ("es", "en"):
        assert report["per_language"][lang]["after"] >= report["per_language"][lang]["before"]
    saved = analysed.path / "models" / "workspace-model.json"
    card = (analysed.path / "models" / "MODEL_CARD.md").read_text(encoding="utf-8")
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["version"].startswith(current_model_version() + "+ws.")
    assert "--use-workspace-model" in card and "held out" in card
    # the shipped package model is untouched
    assert {p.name: p.read_bytes() for p in MODEL_DIR.iterdir() if p.is_file()} == shipped
    # the same seed gives the same numbers
    again = CliRunner().invoke(build_app(), ["train", "--from-labels", "--json"])
    assert json.loads(again.output)["after"] == report["after"]
    text = CliRunner().invoke(build_app(), ["train", "--from-labels"])
    assert text.exit_code == 0 and "shipped model is unchanged" in text.output
    assert np.isfinite(report["before"])


def test_analyze_uses_the_workspace_model_only_when_enabled(analysed, monkeypatch):
    from escucha.cli.app import build_app
    from escucha.workspace import open_workspace

    run = CliRunner().invoke
    monkeypatch.chdir(analysed.path)
    refused = run(build_app(), ["analyze", "--use-workspace-model"])
    assert refused.exit_code != 0 and "train --from-labels first" in str(refused.exception)
    _label_with_a_policy(analysed, 320)
    assert run(build_app(), ["train", "--from-labels"]).exit_code == 0
    shipped = current_model_version()
    plain = run(build_app(), ["analyze"])  # not enabled: nothing new to read
    assert plain.exit_code == 0 and f"analysed 0 posts with {shipped}" in plain.output
    done = run(build_app(), ["analyze", "--use-workspace-model"])
    assert done.exit_code == 0, done.output
    ws = open_workspace(analysed.path)
    own = current_model_version(ws)
    assert own.startswith(shipped + "+ws.") and f"analysed 320 posts with {own}" in done.output
    assert "use_workspace_model = true" in (ws.path / "escucha.toml").read_text(encoding="utf-8")
    frame = ws.posts()
    assert set(frame["model_version"]) == {own}
    # the correction learned the analysts' line: more negatives than the shipped model said
    with ws.engine.connect() as conn:
        counts = dict(
            conn.execute(
                sa.select(enrichments.c.model_version, sa.func.count())
                .where(enrichments.c.sentiment == "negative")
                .group_by(enrichments.c.model_version)
            ).all()
        )
    assert counts[own] > counts[shipped]
    back = run(build_app(), ["analyze", "--use-shipped-model"])
    assert back.exit_code == 0 and f"with {shipped}" in back.output
    assert current_model_version(open_workspace(analysed.path)) == shipped
