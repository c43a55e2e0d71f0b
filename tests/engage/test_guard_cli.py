"""`escucha guard --in FILE --out FILE`: the contract's shapes, stdin/stdout and bad lines."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from cli_app import feature_app, jsonl_file
from escucha.errors import UserError
from escucha.features.engage import register_commands

KEYS = {"id", "verdict", "flags", "reasons"}


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    return feature_app(register_commands)


def test_guard_file_to_file_with_badjsonl_file(app, tmp_path):
    rows = [
        {"id": 1, "text": "Black Friday: 30% off, today only! Shop now", "brand": "Kalma",
         "connection": "brand_account"},
        {"id": "b", "text": "Me encanta la crema de Kalma, os la recomiendo", "brand": "Kalma",
         "connection": "paid", "lang": "es", "unknown_field": [1, 2]},
        {"id": 3, "text": "#publi Me encanta la crema de Kalma", "brand": "Kalma",
         "connection": "paid", "lang": "es"},
        {"id": 4, "text": "Thanks for writing, Ana!", "brand": "Kalma"},
    ]  # fmt: skip
    src = jsonl_file(
        tmp_path,
        [
            json.dumps(rows[0]),
            "{not json",
            json.dumps(rows[1], ensure_ascii=False),
            json.dumps({"text": "no id", "brand": "Kalma"}),
            json.dumps({"id": 9, "text": "x", "brand": "Kalma", "connection": "friend"}),
            "",
            json.dumps(rows[2]),
            json.dumps({"id": 10, "text": None}),
            json.dumps(rows[3]),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["guard", "--in", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == [1, "b", 3, 4]
    assert all(set(g) == KEYS for g in got)
    assert [g["verdict"] for g in got] == ["review", "block", "ok", "ok"]
    assert [g["flags"] for g in got] == [["hard_sell"], ["undisclosed_connection"], [], []]
    assert all(isinstance(r, str) and r for g in got for r in g["reasons"])
    assert len(got[0]["reasons"]) == 1 and got[2]["reasons"] == []
    err = result.stderr
    assert "line 2: invalid JSON" in err
    assert "line 4: missing id" in err
    assert "line 5: unknown connection 'friend'" in err
    assert "line 8: missing or non-string text" in err
    assert "4 checked, 4 skipped" in err


def test_guard_stdin_to_stdout(app):
    data = "".join(
        json.dumps(r) + "\n"
        for r in [
            {"id": 7, "text": "", "brand": "Nubo", "connection": "employee"},
            {"id": 8, "text": "🙌😍", "brand": "Nubo", "connection": "gifted"},
            {
                "id": 9,
                "text": "<b>Nubo</b> is the best, sign up with my link!",
                "brand": "Nubo",
                "connection": "affiliate",
                "lang": "fr",
            },
        ]
    )
    result = CliRunner().invoke(app, ["guard", "--in", "-", "--out", "-"], input=data)
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [(g["id"], g["verdict"]) for g in got] == [(7, "ok"), (8, "ok"), (9, "block")]
    assert "3 checked, 0 skipped" in result.stderr


def test_a_missing_input_file_is_one_line(app, tmp_path):
    result = CliRunner().invoke(app, ["guard", "--in", str(tmp_path / "none.jsonl"), "--out", "-"])
    assert isinstance(result.exception, UserError)


def test_the_workspace_guard_settings_apply(app, tmp_path, monkeypatch):
    (tmp_path / "escucha.toml").write_text("[guard]\nhard_sell_min_parts = 3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = json.dumps({"id": 1, "text": "Buy now, today only!", "brand": "Nubo"}) + "\n"
    result = CliRunner().invoke(app, ["guard", "--in", "-", "--out", "-"], input=data)
    assert json.loads(result.stdout)["flags"] == []


def test_the_installed_command_keeps_stdout_json_only(tmp_path):
    src = jsonl_file(
        tmp_path,
        [json.dumps({"id": "x1", "text": "Solo hoy: 2x1, ¡compra ya!", "brand": "Trazo",
                     "connection": "brand_account", "lang": "es"}), "[]"],
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "escucha", "guard", "--in", str(src), "--out", "-"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert json.loads(line) == {
        "id": "x1",
        "verdict": "review",
        "flags": ["hard_sell"],
        "reasons": json.loads(line)["reasons"],
    }
    assert "line 2: not a JSON object" in done.stderr


def test_lang_es_words_the_reasons_in_spanish(app):
    row = {"id": 1, "text": "Me encanta la crema de Kalma 😍 #spon. Solo hoy 2x1, ¡cómprala ya!",
           "brand": "Kalma", "connection": "paid", "lang": "es"}  # fmt: skip
    data = json.dumps(row, ensure_ascii=False) + "\n"
    said = {}
    for lang in ("en", "es"):
        result = CliRunner().invoke(
            app, ["guard", "--in", "-", "--out", "-", "--lang", lang], input=data
        )
        assert result.exit_code == 0, result.output
        said[lang] = json.loads(result.stdout)
    assert said["en"]["flags"] == said["es"]["flags"] == ["undisclosed_connection", "hard_sell"]
    assert said["en"]["verdict"] == said["es"]["verdict"] == "block"
    assert "without a clear disclosure" in said["en"]["reasons"][0]
    assert "sin indicar con claridad" in said["es"]["reasons"][0]
    assert "'#spon' no es una indicación clara" in said["es"]["reasons"][0]
    assert said["es"]["reasons"][1].startswith(
        "el texto es una venta inmediata: una oferta ('2x1')"
    )


def test_an_unknown_lang_is_one_clear_error(app):
    data = json.dumps({"id": 1, "text": "hola", "brand": "Kalma"}) + "\n"
    result = CliRunner().invoke(
        app, ["guard", "--in", "-", "--out", "-", "--lang", "fr"], input=data
    )
    assert result.exit_code != 0
    assert "'fr' is not a language of the reasons" in result.output
    assert "Traceback" not in result.output
