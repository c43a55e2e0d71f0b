"""`escucha classify` (JSON lines in, JSON lines out) and `escucha eval`."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

if TYPE_CHECKING:
    from escucha.understand.reader import PostReader

BATCH = 1000


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


def _parse(line: str) -> tuple[dict | None, str]:
    """The record of one input line, or None and the reason it is rejected."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    if obj.get("id") is None:
        return None, "missing id"
    if not isinstance(obj.get("text"), str):
        return None, "missing or non-string text"
    lang = obj.get("lang")
    if lang is not None and not (isinstance(lang, str) and lang.strip()):
        return None, "lang must be a non-empty string"
    return obj, ""


def _batches(lines: TextIO, skipped: list[int]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        obj, reason = _parse(line)
        if obj is None:
            skipped.append(number)
            typer.echo(f"escucha classify: line {number}: {reason}; skipped", err=True)
            continue
        batch.append(obj)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def classify_stream(
    reader: PostReader, source: TextIO, sink: TextIO, progress: callable | None = None
) -> tuple[int, int]:
    """Classify every good line of ``source`` into ``sink``; returns (classified, skipped)."""
    skipped: list[int] = []
    done = 0
    for batch in _batches(source, skipped):
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
                    },
                    ensure_ascii=False,
                )
            )
        sink.write("\n".join(out) + "\n")
        sink.flush()
        done += len(batch)
        if progress:
            progress(done, len(skipped))
    return done, len(skipped)


def classify(
    input_path: Annotated[
        str, typer.Option("--in", help="JSON lines with id and text ('-': stdin).")
    ],
    output_path: Annotated[
        str, typer.Option("--out", help="Where to write JSON lines ('-': stdout).")
    ],
    languages: Annotated[
        str | None, typer.Option("--languages", help="Comma-separated codes, e.g. es,en.")
    ] = None,
) -> None:
    """Read language, sentiment and intents of each post of a JSON-lines file."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    reader = _load(_languages(languages))
    if input_path != "-" and not Path(input_path).is_file():
        raise _user_error(f"input file not found: {input_path}")
    source = (
        io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        if input_path == "-" and hasattr(sys.stdin, "buffer")
        else sys.stdin
        if input_path == "-"
        else open(input_path, encoding="utf-8", errors="replace")  # noqa: SIM115
    )
    try:
        sink = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise _user_error(f"cannot write {output_path}: {exc.strerror}") from exc
    console = Console(stderr=True)
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
        ) as bar:
            task = bar.add_task("classifying", total=None)

            def progress(done: int, skipped: int) -> None:
                bar.update(task, description=f"classified {done:,} posts, skipped {skipped:,}")

            done, skipped = classify_stream(reader, source, sink, progress)
    finally:
        if source is not sys.stdin:
            source.close()
        if sink is not sys.stdout:
            sink.close()
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
    from rich.console import Console
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
    Console().print(table)
