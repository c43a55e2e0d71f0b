"""`escucha classify` and `escucha eval` through a local Typer app."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from cli_app import feature_app, jsonl_file
from escucha.errors import UserError
from escucha.features.understand import register_commands

INTENT_KEYS = {"wish", "complaint", "question", "praise", "promo"}


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    return feature_app(register_commands)


def test_classify_file_with_a_bad_line(app, tmp_path):
    src = jsonl_file(
        tmp_path,
        [
            json.dumps({"id": 1, "text": "@Iberia me habéis perdido la maleta, vergonzoso"}),
            "{not json",
            json.dumps({"id": "b", "text": "Thanks @JetBlue, great crew!", "lang": "en"}),
            json.dumps({"text": "no id here"}),
            json.dumps({"id": 3, "text": 42}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["classify", "--in", str(src), "--out", str(out), "--languages", "es,en"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, "b", 4]  # a line without an id: its line number
    first, second, _ = rows
    assert first["lang"] == "es" and second["lang"] == "en"
    assert first["sentiment"]["label"] == "negative"
    for r in rows:
        assert set(r) == {"id", "lang", "sentiment", "intents", "intent_labels"}
        assert set(r["sentiment"]["scores"]) == {"negative", "neutral", "positive"}
        assert sum(r["sentiment"]["scores"].values()) == pytest.approx(1.0, abs=1e-3)
        assert set(r["intents"]) == INTENT_KEYS
        assert all(0 <= v <= 1 for v in r["intents"].values())
        assert set(r["intent_labels"]) <= INTENT_KEYS
    assert "complaint" in first["intent_labels"]  # "perdido la maleta" passes its threshold
    err = result.stderr
    assert "line 2" in err and "invalid JSON" in err
    assert "line 4" not in err and "missing id" not in err
    assert "line 5" in err and "text" in err
    assert "3 classified, 2 skipped" in err


def test_classify_stdin_to_stdout(app):
    data = json.dumps({"id": 7, "text": "I wish you had more legroom"}) + "\n"
    result = CliRunner().invoke(app, ["classify", "--in", "-", "--out", "-"], input=data)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["id"] == 7
    assert "1 classified, 0 skipped" in result.stderr


def test_user_errors(app, tmp_path):
    result = CliRunner().invoke(
        app, ["classify", "--in", str(tmp_path / "missing.jsonl"), "--out", "-"]
    )
    assert isinstance(result.exception, UserError)
    result = CliRunner().invoke(
        app, ["classify", "--in", "-", "--out", "-", "--languages", "es,xx"], input=""
    )
    assert isinstance(result.exception, UserError)
    result = CliRunner().invoke(app, ["eval", "--data", str(tmp_path)])
    assert isinstance(result.exception, UserError)


def test_subprocess_stdout_is_only_json(tmp_path):
    code = (
        "import typer, sys\n"
        "from escucha.features.understand import register_commands\n"
        "app = typer.Typer()\n"
        "register_commands(app)\n"
        "app.callback()(lambda: None)\n"
        "app(args=sys.argv[1:])\n"
    )
    rows = [
        json.dumps({"id": i, "text": t})
        for i, t in enumerate(["hola, ¿qué tal el vuelo?", "great flight, thanks!"])
    ] + ["[1, 2]"]
    proc = subprocess.run(
        [sys.executable, "-c", code, "classify", "--in", "-", "--out", "-"],
        input="\n".join(rows) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in out] == [0, 1]
    assert "line 3" in proc.stderr and "2 classified, 1 skipped" in proc.stderr


def test_output_lines_are_what_json_dumps_gives(tmp_path):
    """The vectorised writer gives, byte for byte, the line json.dumps gives for the record
    read by PostReader.read (odd ids and a given lang with quotes included)."""
    from escucha.cli.classify_lines import output_text
    from escucha.understand import load_reader

    reader = load_reader(["es", "en"])
    texts = ["@Iberia me habéis perdido la maleta", "Thanks @JetBlue, great crew!", "ok", ""]
    ids = [7, 'b"ñ', 2.5, None]
    langs = [None, 'x"y', None, "en"]
    *got, end = output_text(ids, reader.read_batch(texts, langs)).split("\n")
    assert end == ""  # every line ends in a newline
    for line, i, r in zip(got, ids, reader.read(texts, langs), strict=True):
        expected = {
            "id": i,
            "lang": r.lang,
            "sentiment": {
                "label": r.sentiment,
                "scores": {k: round(v, 4) for k, v in r.sentiment_scores.items()},
            },
            "intents": {k: round(v, 4) for k, v in r.intents.items()},
            "intent_labels": list(r.intent_labels),
        }
        assert json.loads(line) == expected
        assert line == json.dumps(expected, ensure_ascii=False)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": 1, "text": "a"}\u00a0', "invalid JSON (Extra data)"),
        ('{"id": 1, "text": "a"} {"id": 2}', "invalid JSON (Extra data)"),
        ('\ufeff{"id": 1, "text": "a"}', "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('  {"id": 1, "text": "a"}  \r\n', ""),
    ],
)
def test_parse_record_agrees_with_json_loads(line, reason):
    from escucha.cli.jsonlines import parse_record

    obj, why = parse_record(line)
    assert why.startswith(reason) if reason else why == ""
    assert (obj is None) == bool(reason)


def test_rounded_reprs_are_those_of_np_round():
    """The table lookup behind output_text gives repr(v) of each value of x.round(4), on
    the 4-decimal grid, halfway between grid points, next to both and at random; values off
    [0, 1] (NaN, -0.0, above 1) take the formatting path and give the same text."""
    import numpy as np

    from escucha.cli.classify_lines import _rounded_reprs

    grid = np.arange(10_001) / 10_000
    half = grid[:-1] + 0.00005
    near = np.concatenate([np.nextafter(half, 0), np.nextafter(half, 1), half])
    rng = np.random.default_rng(0)
    values = np.concatenate([grid, near, rng.random(30_002), [1e-300, 0.5 - 1e-17]])
    values = np.clip(values, 0.0, 1.0).reshape(-1, 3)
    expected = [[repr(v) for v in row] for row in values.round(4).tolist()]
    assert _rounded_reprs(values).tolist() == expected
    odd = np.array([[np.nan, -0.0, 1.5], [0.25, -1e-9, 2e-5]])
    assert _rounded_reprs(odd).tolist() == [[repr(v) for v in row] for row in odd.round(4).tolist()]


def _one_by_one(lines, extra=None):
    """record_batches' meaning, line by line: (records, skipped line numbers, reasons)."""
    from escucha.cli.jsonlines import parse_record

    records, skipped, reasons = [], [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        obj, reason = parse_record(line, extra, number)
        if obj is None:
            skipped.append(number)
            reasons.append(f"line {number}: {reason}")
        else:
            records.append(obj)
    return records, skipped, reasons


@pytest.mark.parametrize("size", [1, 3, 1000])
def test_record_batches_parse_as_one_line_at_a_time(size, capsys):
    """Lines parsed together (one json.loads per chunk) give the records, skipped lines and
    messages of parsing each line alone, with lines that would merge or split when joined."""
    from escucha.cli.jsonlines import record_batches

    lines = [
        '{"id": 1, "text": "a"}\n',
        "\n",
        '{"text": "no id, [brackets] and \\"quotes\\""}\n',
        '{"id": 2, "text": "x", "tags": ["a", "b"]}\n',
        '{"x": [[{"a": 1}\n',  # with the next line, one valid value if lines were joined
        '{"b": 2}]]}\n',
        '{"text": "a"}], [{"text": "b"}\n',  # two values if joined
        '{"id": 3, "text": "un\n',  # a string that would run on into the next line
        'ended"}\n',
        '  {"id": 4, "text": "spaces"}  \r\n',
        "[1, 2]\n",
        '{"id": 5, "text": 42}\n',
        '{"id": 6, "text": "a"} {"id": 7}\n',
        "\ufeff" + '{"id": 8, "text": "bom"}\n',
        '{"id": 9, "text": "nan", "v": NaN}\n',
        '{"id": 10, "text": "last line, no newline"}',
    ]
    expected, expected_skipped, reasons = _one_by_one(lines)
    skipped: list[int] = []
    batches = list(record_batches(iter(lines), "t", skipped, number_ids=True, size=size))
    assert [r for b in batches for r in b] == expected
    assert all(len(b) <= size for b in batches)
    assert skipped == expected_skipped
    err = capsys.readouterr().err
    said = [line.removeprefix("escucha t: ").removesuffix("; skipped") for line in err.splitlines()]
    assert said == reasons


def test_loads_each_parses_the_lines_without_brackets_together():
    from escucha.cli import jsonlines

    lines = ['{"a": 1}\n', " \n", "[1]\n", '"s"', '{"b": "[x"}\n', "[oops]\n"]
    out = jsonlines._loads_each(lines)
    assert out[0] == {"a": 1} and out[3] == "s" and out[4] == {"b": "[x"}
    assert out[1] is jsonlines._BLANK and out[2] == [1] and out[5] is jsonlines._FAILED
    assert jsonlines._loads_each(['{"a": 1}\n', "{oops\n"])[0] is jsonlines._FAILED
    assert jsonlines._loads_each(['{"a": 1}\n', '"b"']) == [{"a": 1}, "b"]
    assert jsonlines._loads_each(['{"a": 1}\n', "\n"])[1] is jsonlines._BLANK


def test_record_batches_of_good_lines_keep_their_size(capsys):
    """Chunks whose lines are all good records are taken whole, in batches of ``size``."""
    from escucha.cli.jsonlines import record_batches

    lines = [f'{{"id": {i}, "text": "t{i}"}}\n' for i in range(10)]
    lines[1] = "oops\n"
    skipped: list[int] = []
    batches = list(record_batches(iter(lines), "t", skipped, size=3))
    assert [len(b) for b in batches] == [3, 3, 3]
    assert [r["id"] for b in batches for r in b] == [0, *range(2, 10)] and skipped == [2]


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (["--in", "a", "--out", "-"], {"input_path": "a", "output_path": "-"}),
        (
            ["--languages=es,en", "--out=o", "--in", "-"],
            {"languages": "es,en", "input_path": "-", "output_path": "o"},
        ),
        (["--in", "a"], None),  # --out missing: Typer says so
        (["--in", "a", "--out", "b", "--in", "c"], None),
        (["--in", "a", "--out", "--languages", "es"], None),
        (["--in", "a", "--out", "b", "--help"], None),
        (["--in", "a", "--out", "b", "extra"], None),
        (["--in", "a", "--out"], None),
    ],
)
def test_plain_options(args, options):
    from escucha.cli.classify_lines import plain_options

    assert plain_options(args) == options


def test_plain_options_are_the_typer_commands():
    """The line `main` runs without Typer takes the Typer command's options, no more, and
    gives them to the parameters of the same names."""
    from typer.main import get_command

    from escucha.cli.classify import classify
    from escucha.cli.classify_lines import OPTIONS

    app = typer.Typer(add_completion=False)
    app.command()(classify)
    params = {opt: p.name for p in get_command(app).params for opt in p.opts}
    assert params == OPTIONS


def test_main_without_typer_writes_what_typer_writes(tmp_path):
    """`escucha classify --in A --out B` skips Typer; the output, the messages on stderr and
    the exit code are those of the Typer command (reached here through --debug)."""
    src = jsonl_file(
        tmp_path,
        [
            json.dumps({"id": 1, "text": "@Iberia me habéis perdido la maleta, vergonzoso"}),
            "{not json",
            json.dumps({"text": "Thanks @JetBlue, great crew!", "lang": "en"}),
        ],
    )
    code = (  # Typer's command exits through SystemExit
        "import sys\nfrom escucha.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print('typer' in sys.modules, file=sys.stderr)\nsys.exit(code)\n"
    )
    runs = {}
    for name, pre in (("plain", []), ("typer", ["--debug"])):
        out = tmp_path / f"{name}.jsonl"
        args = [*pre, "classify", "--in", str(src), "--out", str(out), "--languages", "es,en"]
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
        )
        *said, typer_imported = done.stderr.splitlines()
        runs[name] = (done.returncode, said, out.read_bytes(), typer_imported)
    assert runs["plain"][:3] == runs["typer"][:3]
    assert runs["plain"][3] == "False" and runs["typer"][3] == "True"
    assert runs["plain"][0] == 0 and "2 classified, 1 skipped" in runs["plain"][1][-1]
    done = subprocess.run(
        [sys.executable, "-c", code, "classify", "--in", str(tmp_path / "no.jsonl"), "--out", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    said = done.stderr.splitlines()
    assert done.returncode == 1 and said[0].startswith("escucha: error: input file not found")
    assert said[1:] == ["False"]
