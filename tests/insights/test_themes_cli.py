"""`escucha themes --json`: its shape, native ids, intents and languages."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
import typer
from typer.testing import CliRunner

from escucha.cli import themes as themes_cli
from escucha.config import ThemeSettings
from escucha.features.insights import register_commands

from .conftest import topic_frame


def local_app() -> typer.Typer:
    """The insights commands on a fresh app with the root options, as app.py registers them."""
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = {"workspace": None, "debug": False}

    register_commands(app)
    return app


def fake_workspace(frame):
    config = SimpleNamespace(
        brands=[SimpleNamespace(name="Iberia", aliases=(), handles=(), hashtags=(), ours=True)],
        themes=ThemeSettings(),
    )
    query = lambda text, limit=None: frame[frame["text"].str.contains(text.strip('"'))]  # noqa: E731
    return SimpleNamespace(posts=lambda: frame, query=query, config=config)


def run(monkeypatch, frame, *args: str) -> dict:
    monkeypatch.setattr(themes_cli, "workspace_of", lambda ctx: fake_workspace(frame))
    result = CliRunner().invoke(local_app(), ["themes", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_shape_and_native_ids(monkeypatch):
    frame = topic_frame()
    frame["intents"] = [["wish"] if i % 5 == 0 else ["complaint"] for i in frame["id"]]
    out = run(monkeypatch, frame, "--json")
    assert set(out) == {"themes"}
    native = set(frame["native_id"])
    seen = []
    for theme in out["themes"]:
        assert {"id", "label", "size", "post_ids"} <= set(theme)
        assert theme["size"] == len(theme["post_ids"])
        assert set(theme["post_ids"]) <= native
        assert theme["id"].startswith(f"{theme['intent']}-{theme['lang']}-")
        seen += theme["post_ids"]
    assert sorted(seen) == sorted(frame["native_id"])  # each post once per intent
    assert {t["intent"] for t in out["themes"]} == {"complaint", "wish"}
    assert len({t["id"] for t in out["themes"]}) == len(out["themes"])


def test_intent_lang_and_query(monkeypatch):
    frame = topic_frame()
    out = run(monkeypatch, frame, "--json", "--intent", "complaint", "--lang", "es")
    assert {(t["intent"], t["lang"]) for t in out["themes"]} == {("complaint", "es")}
    out = run(monkeypatch, frame, "maleta", "--json")
    assert {t["intent"] for t in out["themes"]} == {"any"}
    assert sum(t["size"] for t in out["themes"]) == frame["text"].str.contains("maleta").sum()


def test_table(monkeypatch):
    monkeypatch.setattr(themes_cli, "workspace_of", lambda ctx: fake_workspace(topic_frame()))
    result = CliRunner().invoke(local_app(), ["themes", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "complaint · en" in result.stdout and "themes" in result.stdout


def test_brand_view(monkeypatch):
    """--brand keeps the themes holding the brand's posts, ranked by them (the shared
    insights.concerns.of_brand; every face is checked equal in test_one_answer.py)."""
    frame = topic_frame()
    frame["brands"] = [["Iberia"] if i % 3 else ["Vueling"] for i in frame["id"]]
    scope = run(monkeypatch, frame, "--json", "--intent", "complaint")["themes"]
    out = run(monkeypatch, frame, "--json", "--intent", "complaint", "--brand", "vueling")
    mine = out["themes"]
    assert {t["id"] for t in mine} <= {t["id"] for t in scope} and mine
    for lang in ("en", "es"):
        ours = [t for t in mine if t["lang"] == lang]
        assert [t["brand_posts"] for t in ours] == [t["brands"]["Vueling"] for t in ours]
        named = [t["brand_posts"] for t in ours if not t["other"]]
        assert named == sorted(named, reverse=True)
        assert sum(t["brand_share"] for t in ours) == pytest.approx(1.0)
    assert "brand_posts" not in scope[0]


def test_brand_table_and_unknown_brand(monkeypatch):
    from escucha.errors import UserError

    frame = topic_frame()
    monkeypatch.setattr(themes_cli, "workspace_of", lambda ctx: fake_workspace(frame))
    result = CliRunner().invoke(local_app(), ["themes", "--lang", "en", "--brand", "IBERIA"])
    assert result.exit_code == 0, result.output
    assert "brand posts" in result.stdout and re.search(r"\b\d+ \(\d+%\)", result.stdout)
    result = CliRunner().invoke(local_app(), ["themes", "--brand", "Ryanair"])
    assert isinstance(result.exception, UserError)
    assert (
        str(result.exception) == "--brand 'Ryanair': not a brand of this workspace (known: Iberia)"
    )


def test_themes_json_on_a_real_analysed_workspace(sqlite_workspace, tmp_path):
    """Through escucha's own app, on posts imported and analysed for real."""
    from escucha.cli.app import app

    topics = {
        "en": [
            "my bag was lost again",
            "lost luggage, no bag at the carousel",
            "the flight was cancelled twice",
            "cancelled flight and no refund",
        ],
        "es": [
            "perdieron mi maleta otra vez",
            "maleta perdida en Madrid",
            "vuelo cancelado sin aviso",
            "me cancelaron el vuelo otra vez",
        ],
    }
    lines = []
    for lang, texts in topics.items():
        for i in range(10):
            for j, text in enumerate(texts):
                lines.append(json.dumps({"id": f"{lang}-{i}-{j}", "text": f"@Iberia {text} {i}"}))
    (tmp_path / "posts.jsonl").write_text("\n".join(lines) + "\n")
    sqlite_workspace.import_file(tmp_path / "posts.jsonl", source="t")
    sqlite_workspace.analyze()
    result = CliRunner().invoke(
        app,
        ["-w", str(sqlite_workspace.path), "themes", "brand:Iberia", "--intent", "any", "--json"],
    )
    assert result.exit_code == 0, result.output
    themes = json.loads(result.stdout)["themes"]
    ids = [pid for theme in themes for pid in theme["post_ids"]]
    assert sorted(ids) == sorted(json.loads(line)["id"] for line in lines)
    assert {t["lang"] for t in themes} == {"en", "es"}
    assert all(t["size"] == len(t["post_ids"]) and t["label"] for t in themes)
