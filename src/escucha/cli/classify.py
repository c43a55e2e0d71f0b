"""`escucha classify` (JSON lines in, JSON lines out) and `escucha eval`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from escucha.cli.common import wide_console
from escucha.cli.jsonlines import record_batches, streams, write_lines

if TYPE_CHECKING:
    from escucha.understand.reader import PostReader


def _languages(value: str | None) -> list[str] | None:
    if value is None:
        return None
    langs = [part.strip() for part in value.split(",") if part.strip()]
    if not langs:
        raise _user_error("--languages needs at least one code, e.g. es,en")
    return langs


def _user_error(message: str) -> Exception:
    from escucha.errors import UserError

    return UserError(message)


def _load(languages: list[str] | None) -> PostReader:
    from escucha.understand import load_reader

    try:
        return load_reader(languages)
    except ValueError as exc:
        raise _user_error(str(exc)) from exc


def _lang_check(obj: dict) -> str:
    lang = obj.get("lang")
    if lang is not None and not (isinstance(lang, str) and lang.strip()):
        return "lang must be a non-empty string"
    return ""


def classify_stream(
    reader: PostReader, source: TextIO, sink: TextIO, progress: callable | None = None
) -> tuple[int, int]:
    """Classify every good line of ``source`` into ``sink``; returns (classified, skipped)."""
    skipped: list[int] = []
    done = 0
    for batch in record_batches(source, "classify", skipped, _lang_check, number_ids=True):
        readings = reader.read(
            [obj["text"] for obj in batch], [obj.get("lang") or None for obj in batch]
        )
        out = []
        for obj, r in zip(batch, readings, strict=True):
            out.append(
                json.dumps(
                    {
                        "id": obj["id"],
                        "lang": r.lang,
                        "sentiment": {
                            "label": r.sentiment,
                            "scores": {k: round(v, 4) for k, v in r.sentiment_scores.items()},
                        },
                        "intents": {k: round(v, 4) for k, v in r.intents.items()},
                        "intent_labels": list(r.intent_labels),
                    },
                    ensure_ascii=False,
                )
            )
        write_lines(sink, out)
        done += len(batch)
        if progress:
            progress(done, len(skipped))
    return done, len(skipped)


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
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    reader = _load(_languages(languages))
    console = Console(stderr=True)
    with (
        streams(input_path, output_path) as (source, sink),
        Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
        ) as bar,
    ):
        task = bar.add_task("classifying", total=None)

        def progress(done: int, skipped: int) -> None:
            bar.update(task, description=f"classified {done:,} posts, skipped {skipped:,}")

        done, skipped = classify_stream(reader, source, sink, progress)
    typer.echo(
        f"escucha classify: {done} classified, {skipped} skipped (models {reader.version})",
        err=True,
    )


def evaluate(
    data: Annotated[Path, typer.Option("--data", help="The labelled data folder.")] = Path(
        "../shared/data"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Reproduce the model card's validation numbers (UMSAB val, SemEval-2019 trial sets)."""
    from rich.table import Table

    from escucha.understand.evaluate import evaluate_validation

    if not (data / "sentiment" / "umsab").is_dir():
        raise _user_error(f"no labelled data in {data} (expected sentiment/umsab/...); pass --data")
    reader = _load(None)
    shipped = {
        (r["task"], r["language"], r["metric"], r["data"]): r["value"]
        for r in reader.metrics().get("records", [])
    }
    rows = evaluate_validation(reader, data)
    for r in rows:
        r["shipped"] = shipped.get((r["task"], r["language"], r["metric"], r["data"]))
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
