"""Correcting the machine: an analyst's labels override the model's in every read and
aggregate, every correction is audited, and the labels export as training data."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from escucha.enrich import current_model_version
from escucha.errors import NotFound, UserError
from escucha.insights import net_sentiment, share_of_voice
from escucha.reads.mentions import mention_counts
from escucha.store.schema import label_changes, posts
from escucha.understand.corrections import clear_labels, export_labels, relabel

ROWS = [
    ("1", "@Iberia perdió mi maleta, fatal, horrible servicio"),
    ("2", "@Iberia vuelo puntual y tripulación encantadora, gracias"),
    ("3", "@Ryanair cobra por todo, una vergüenza"),
]


@pytest.fixture
def labelled(workspace, tmp_path):
    f = tmp_path / "posts.csv"
    f.write_text("id,text\n" + "".join(f'{i},"{t}"\n' for i, t in ROWS), encoding="utf-8")
    workspace.import_file(f, source="tw")
    workspace.analyze()
    with workspace.engine.connect() as conn:
        ids = dict(conn.execute(sa.select(posts.c.native_id, posts.c.id)).all())
    return workspace, ids


def _sentiment_counts(workspace) -> dict[str, int]:
    with workspace.engine.connect() as conn:
        counts = mention_counts(conn, current_model_version())
    return counts.groupby("sentiment")["mentions"].sum().to_dict()


def test_a_relabel_overrides_the_model_in_every_read(labelled):
    ws, ids = labelled
    version = current_model_version()
    frame = ws.posts().set_index("native_id")
    model = frame.loc["2", "sentiment"]
    other = "negative" if model != "negative" else "positive"
    before_sql, before_frame = _sentiment_counts(ws), net_sentiment(ws.posts())

    shown = relabel(ws.engine, ids["2"], "ana", version, sentiment=other, intents=["complaint"])
    assert shown == {"sentiment": other, "intents": ["complaint"]}
    frame = ws.posts().set_index("native_id")
    assert frame.loc["2", "sentiment"] == other and frame.loc["2", "intents"] == ["complaint"]
    assert frame.loc["2", "labelled_by"] == "ana"
    assert frame.loc["2", "positive"] == frame.loc["2", "positive"]  # probabilities stay
    after_sql = _sentiment_counts(ws)
    assert after_sql[other] == before_sql.get(other, 0) + 1
    assert after_sql.get(model, 0) == before_sql[model] - 1
    # the frame path (report) and the SQL path (web) agree after the relabel
    frame_counts = net_sentiment(ws.posts(), by_lang=False).set_index("brand")
    assert int(frame_counts[other].sum()) == after_sql[other]
    assert net_sentiment(ws.posts()).to_dict() != before_frame.to_dict()
    assert share_of_voice(ws.posts())["mentions"].sum() == 3  # counts of mentions unchanged


def test_corrections_are_audited_and_the_model_can_be_restored(labelled):
    ws, ids = labelled
    version = current_model_version()
    model = ws.posts().set_index("native_id").loc["1"]
    relabel(ws.engine, ids["1"], "ana", version, sentiment="neutral")
    relabel(ws.engine, ids["1"], "ana", version, sentiment="neutral")  # no change: no record
    relabel(ws.engine, ids["1"], "bob", version, intents=["wish", "question"])
    restored = clear_labels(ws.engine, ids["1"], "ada", version)
    assert restored == {"sentiment": model["sentiment"], "intents": list(model["intents"])}
    with ws.engine.connect() as conn:
        trail = conn.execute(
            sa.select(
                label_changes.c.changed_by, label_changes.c.before, label_changes.c.after
            ).order_by(label_changes.c.id)
        ).all()
    assert [t.changed_by for t in trail] == ["ana", "bob", "ada"]
    assert trail[0].before["sentiment"] == model["sentiment"]
    assert trail[0].after == {"sentiment": "neutral", "intents": list(model["intents"])}
    assert trail[1].after == {"sentiment": "neutral", "intents": ["wish", "question"]}
    assert trail[2].after == restored
    assert ws.posts().set_index("native_id").loc["1", "labelled_by"] is None


def test_bad_labels_and_missing_posts_are_one_clear_error(labelled):
    ws, ids = labelled
    version = current_model_version()
    with pytest.raises(UserError, match="sentiment 'angry': choose one of negative"):
        relabel(ws.engine, ids["1"], "ana", version, sentiment="angry")
    with pytest.raises(UserError, match="intent 'rant'"):
        relabel(ws.engine, ids["1"], "ana", version, intents=["rant"])
    with pytest.raises(NotFound):
        relabel(ws.engine, 999_999, "ana", version, sentiment="neutral")


def test_labels_export_as_training_data(labelled, monkeypatch):
    from escucha.cli.app import build_app

    ws, ids = labelled
    version = current_model_version()
    relabel(ws.engine, ids["3"], "ana", version, sentiment="positive", intents=["question"])
    exported = list(export_labels(ws.engine, version))
    assert len(exported) == 1
    record = exported[0]
    assert record["text"] == ROWS[2][1] and record["native_id"] == "3"
    assert (record["sentiment"], record["intents"]) == ("positive", ["question"])
    assert record["human"] == ["sentiment", "intents"] and record["labelled_by"] == "ana"
    monkeypatch.chdir(ws.path)
    done = CliRunner().invoke(build_app(), ["labels", "export"])
    assert done.exit_code == 0, done.output
    assert [json.loads(line) for line in done.output.splitlines()] == exported


def test_queries_and_filters_read_the_analysts_labels(labelled):
    from escucha.query import parse, select_posts

    ws, ids = labelled
    version = current_model_version()
    relabel(ws.engine, ids["2"], "ana", version, sentiment="negative", intents=["question"])
    relabel(ws.engine, ids["1"], "ana", version, sentiment="positive", intents=[])
    with ws.engine.connect() as conn:
        negative = set(select_posts(conn, parse("sentiment:negative"), version))
        questions = set(select_posts(conn, parse("intent:question AND vuelo"), version))
        positive = set(select_posts(conn, parse("sentiment:positive"), version))
    assert ids["2"] in negative and ids["1"] not in negative
    assert ids["1"] in positive and ids["2"] not in positive
    assert questions == {ids["2"]}  # also through the exact in-memory check


def test_the_report_counts_with_the_labels_and_says_so(labelled, tmp_path):
    ws, ids = labelled
    relabel(ws.engine, ids["2"], "ana", current_model_version(), sentiment="negative")
    html = ws.write_report(tmp_path / "report.html", lang="en").read_text(encoding="utf-8")
    assert (
        "1 posts carry an analyst&#39;s labels" in html
        or "1 posts carry an analyst's labels" in html
    )
