"""Custom categories: tagged by hand (audited) and defined by a saved query (evaluated when
read, so new posts belong at once), usable as `category:` in queries, aggregated by
`Workspace.categories()` and listed by `escucha categories list`."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from escucha.enrich import current_model_version
from escucha.errors import NotFound, UserError
from escucha.query import parse, select_posts
from escucha.store.schema import label_changes, posts
from escucha.understand.categories import (
    add_category,
    post_categories_of,
    remove_category,
    tag,
)
from escucha.understand.corrections import relabel

ROWS = [
    ("1", "2024-03-01", "@Iberia el precio del billete es carísimo"),
    ("2", "2024-03-02", "@Iberia vuelo puntual y tripulación encantadora, gracias"),
    ("3", "2024-03-03", "@Ryanair la app se cuelga al pagar, precio oculto"),
    ("4", "2024-03-04", "@Ryanair la app no carga nada"),
]


def _import(ws, tmp_path, rows, name="posts.csv"):
    f = tmp_path / name
    f.write_text(
        "id,created_at,text\n" + "".join(f'{i},{d},"{t}"\n' for i, d, t in rows), encoding="utf-8"
    )
    ws.import_file(f, source="tw")
    ws.analyze()
    with ws.engine.connect() as conn:
        return dict(conn.execute(sa.select(posts.c.native_id, posts.c.id)).all())


@pytest.fixture
def categorised(workspace, tmp_path):
    ids = _import(workspace, tmp_path, ROWS)
    add_category(workspace.engine, "Pricing", "ana", query="precio*")
    add_category(workspace.engine, "app bug", "ana")
    return workspace, ids


def _ids(ws, text):
    with ws.engine.connect() as conn:
        return select_posts(conn, parse(text), current_model_version())


def test_a_category_holds_its_hand_tags_and_its_query_matches(categorised, tmp_path):
    ws, ids = categorised
    assert _ids(ws, "category:pricing") == sorted([ids["1"], ids["3"]])
    assert _ids(ws, 'category:"App Bug"') == []
    tag(ws.engine, ids["3"], "ana", add=["app bug"])
    tag(ws.engine, ids["4"], "bob", add=["App  Bug", "pricing"])
    assert _ids(ws, 'category:"app bug"') == sorted([ids["3"], ids["4"]])
    assert _ids(ws, "category:pricing") == sorted([ids["1"], ids["3"], ids["4"]])
    assert _ids(ws, 'category:pricing AND NOT category:"app bug"') == [ids["1"]]
    assert _ids(ws, "NOT category:pricing") == [ids["2"]]
    # a post imported later belongs to the query's category at once
    later = _import(ws, tmp_path, [("5", "2024-03-05", "subieron el precio otra vez")], "b.csv")
    assert later["5"] in _ids(ws, "category:pricing")
    with ws.engine.connect() as conn:
        shown = post_categories_of(conn, ids["3"], current_model_version())
    assert shown == [
        {"name": "app bug", "by_hand": True, "by_query": False},
        {"name": "pricing", "by_hand": False, "by_query": True},
    ]
    # in memory, a post dict names its categories
    assert parse("category:pricing").matches({"text": "x", "categories": ["Pricing"]})


def test_tags_are_audited_and_errors_are_one_clear_line(categorised):
    ws, ids = categorised
    assert tag(ws.engine, ids["2"], "ana", add=["app bug"]) == ["app bug"]
    assert tag(ws.engine, ids["2"], "ana", add=["app bug"]) == ["app bug"]  # no change
    assert tag(ws.engine, ids["2"], "bob", remove=["app bug"]) == []
    with ws.engine.connect() as conn:
        trail = conn.execute(
            sa.select(label_changes.c.changed_by, label_changes.c.before, label_changes.c.after)
            .where(label_changes.c.post_id == ids["2"])
            .order_by(label_changes.c.id)
        ).all()
    assert [(t.changed_by, t.before, t.after) for t in trail] == [
        ("ana", {"categories": []}, {"categories": ["app bug"]}),
        ("bob", {"categories": ["app bug"]}, {"categories": []}),
    ]
    with pytest.raises(UserError, match="no category 'refunds'"):
        tag(ws.engine, ids["2"], "ana", add=["refunds"])
    with pytest.raises(NotFound):
        tag(ws.engine, 999_999, "ana", add=["pricing"])
    with pytest.raises(UserError, match="already exists"):
        add_category(ws.engine, "PRICING", "ana")
    with pytest.raises(UserError, match="cannot use category:"):
        add_category(ws.engine, "both", "ana", query="category:pricing OR app")
    with pytest.raises(UserError, match="at position"):
        add_category(ws.engine, "broken", "ana", query="(precio")
    with pytest.raises(UserError, match="category name"):
        add_category(ws.engine, 'say "hi"', "ana")
    with pytest.raises(UserError, match="there is no category 'refunds'"):
        _ids(ws, "category:refunds")
    remove_category(ws.engine, "app bug")
    with pytest.raises(NotFound):
        remove_category(ws.engine, "app bug")


def test_aggregates_by_category_follow_the_analysts_labels(categorised):
    ws, ids = categorised
    tag(ws.engine, ids["4"], "ana", add=["app bug"])
    table = ws.categories().set_index("category")
    assert table.loc["pricing", "posts"] == 2 and table.loc["pricing", "share"] == 0.5
    assert table.loc["app bug", "posts"] == 1 and table.loc["app bug", "tagged"] == 1
    assert table.loc["pricing", "query"] == "precio*" and not isinstance(
        table.loc["app bug", "query"], str
    )
    assert bool(table.loc["pricing", "too_few"])
    before = table.loc["pricing", ["positive", "neutral", "negative"]].to_dict()
    relabel(ws.engine, ids["1"], "ana", current_model_version(), sentiment="positive")
    after = ws.categories().set_index("category").loc["pricing"]
    assert after["positive"] == before["positive"] + (0 if before["positive"] == 2 else 1)
    assert after["positive"] + after["neutral"] + after["negative"] == 2
    voices = ws.categories(by="brand")
    pricing = voices[voices["category"] == "pricing"].set_index("brand")
    assert pricing["mentions"].to_dict() == {"Iberia": 1, "Ryanair": 1}
    assert pricing["share"].sum() == pytest.approx(1.0)
    # a period keeps the posts dated in it
    march_first = ws.categories("2024-03-01:2024-03-02").set_index("category")
    assert march_first.loc["pricing", "posts"] == 1
    assert march_first.loc["pricing", "share"] == 0.5


def test_the_cli_defines_tags_and_lists_categories(workspace, tmp_path, monkeypatch):
    from escucha.cli.app import build_app

    ids = _import(workspace, tmp_path, ROWS)
    monkeypatch.chdir(workspace.path)
    cli = build_app()
    run = CliRunner().invoke
    done = run(cli, ["categories", "add", "pricing", "--query", "precio*"])
    assert done.exit_code == 0, done.output
    assert run(cli, ["categories", "add", "app bug"]).exit_code == 0
    done = run(cli, ["labels", "tag", str(ids["4"]), "--category", "app bug", "--by", "ana"])
    assert done.exit_code == 0 and "app bug" in done.output, done.output
    done = run(cli, ["categories", "list", "--json"])
    assert done.exit_code == 0, done.output
    listed = {r["category"]: r for r in json.loads(done.output)}
    assert listed["pricing"]["posts"] == 2 and listed["app bug"]["tagged"] == 1
    assert {b["brand"] for b in listed["pricing"]["brands"]} == {"Iberia", "Ryanair"}
    done = run(cli, ["categories", "list"])
    assert done.exit_code == 0 and "precio*" in done.output, done.output
    done = run(cli, ["labels", "tag", str(ids["4"]), "--category", "nope"])
    assert done.exit_code != 0 and "no category 'nope'" in str(done.exception)
    done = run(cli, ["query", "category:pricing", "--json"])
    assert done.exit_code == 0, done.output
