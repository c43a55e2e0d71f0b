"""`escucha classify` (JSON lines in, JSON lines out) and `escucha eval`; classify's work is
in escucha.cli.classify_lines, which `escucha classify` reaches without Typer when it can."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from escucha.cli import classify_lines
from escucha.cli.common import wide_console


def classify(
    input_path: Annotated[
        str,
        typer.Option(
            "--in",
            help="JSON lines with text and an optional id (default: the line number); '-': stdin.",
        ),
    ],
    output_path: Annotated[
        str, typer.Option("--out", help="Where to write JSON lines ('-': stdout).")
    ],
    languages: Annotated[
        str | None, typer.Option("--languages", help="Comma-separated codes, e.g. es,en.")
    ] = None,
) -> None:
    """Read language, sentiment and intents of each post of a JSON-lines file; each output
    line lists the intents whose score passes its threshold in `intent_labels`."""
    classify_lines.run(input_path, output_path, languages)


def evaluate(
    data: Annotated[Path, typer.Option("--data", help="The labelled data folder.")] = Path(
        "../shared/data"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Reproduce the model card's validation numbers (UMSAB val, SemEval-2019 trial sets)."""
    from rich.table import Table

    from escucha.errors import UserError
    from escucha.understand.evaluate import evaluate_validation

    if not (data / "sentiment" / "umsab").is_dir():
        raise UserError(f"no labelled data in {data} (expected sentiment/umsab/...); pass --data")
    reader = classify_lines.load(None)
    shipped = {
        (r["task"], r["language"], r["metric"], r["data"]): r["value"]
        for r in reader.metrics().get("records", [])
    }
    rows: list[dict[str, Any]] = [
        {**r, "shipped": shipped.get((r["task"], r["language"], r["metric"], r["data"]))}
        for r in evaluate_validation(reader, data)
    ]
    if as_json:
        typer.echo(json.dumps({"version": reader.version, "records": rows}, indent=2))
        return
    table = Table(title=f"escucha eval ({reader.version})")
    for col in ("task", "lang", "metric", "value", "shipped", "n", "data"):
        table.add_column(col, justify="right" if col in ("value", "shipped", "n") else "left")
    for r in rows:
        shipped_value = "-" if r["shipped"] is None else f"{r['shipped']:.3f}"
        table.add_row(
            r["task"],
            r["language"],
            r["metric"],
            f"{r['value']:.3f}",
            shipped_value,
            str(r["n"]),
            r["data"],
        )
    wide_console().print(table)
