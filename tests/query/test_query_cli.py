"""`escucha query` and `Workspace.query` on an analysed workspace."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from escucha.cli.app import app

POSTS = (
    '{"id": "1", "text": "@Iberia perdisteis mi maleta en Madrid"}\n'
    '{"id": "2", "text": "@Iberia gracias por el vuelo, todo perfecto"}\n'
    '{"id": "3", "text": "@united lost my luggage again"}\n'
)


def analysed(workspace, tmp_path):
    (tmp_path / "p.jsonl").write_text(POSTS)
    workspace.import_file(tmp_path / "p.jsonl", source="t")
    workspace.analyze()
    return workspace


def test_workspace_query_returns_the_matching_posts(sqlite_workspace, tmp_path):
    ws = analysed(sqlite_workspace, tmp_path)
    assert ws.query("maleta* AND brand:Iberia")["native_id"].tolist() == ["1"]
    assert ws.query("luggage OR maletas")["native_id"].tolist() == ["3"]
    assert ws.query("brand:Iberia", limit=1)["native_id"].tolist() == ["1"]


def test_query_command_prints_json_lines(sqlite_workspace, tmp_path):
    ws = analysed(sqlite_workspace, tmp_path)
    result = CliRunner().invoke(app, ["-w", str(ws.path), "query", "brand:Iberia", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"] and rows[0]["brands"] == ["Iberia"]


def test_query_syntax_error_points_at_the_problem(sqlite_workspace, tmp_path):
    from escucha.cli import main

    ws = analysed(sqlite_workspace, tmp_path)
    assert main(["-w", str(ws.path), "query", "maleta AND (brand:Iberia"]) == 1


def test_a_deeply_nested_query_is_one_error_with_a_caret(sqlite_workspace, tmp_path, capsys):
    from escucha.cli import main

    ws = analysed(sqlite_workspace, tmp_path)
    deep = "(" * 3000 + "a" + ")" * 3000
    assert main(["-w", str(ws.path), "query", deep]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err
    assert "more than 50 nested parentheses or NOTs at position 50" in err
    assert len(err.splitlines()) <= 4
