"""`escucha classify` (JSON lines in, JSON lines out) and `escucha eval`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from escucha.cli.common import wide_console
from escucha.cli.jsonlines import record_batches, streams, write_lines

if TYPE_CHECKING:
    import numpy as np

    from escucha.understand.reader import BatchReading, PostReader


# posts read at once: language ID steps through the bytes of a batch in lockstep, so each
# step costs a few numpy calls whatever the batch size; 4000 posts keep that overhead small
# and the arrays of a batch in tens of MB
BATCH = 4000


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
    for batch in record_batches(
        source, "classify", skipped, _lang_check, number_ids=True, size=BATCH
    ):
        read = reader.read_batch(
            [obj["text"] for obj in batch], [obj.get("lang") or None for obj in batch]
        )
        write_lines(sink, output_lines([obj["id"] for obj in batch], read))
        done += len(batch)
        if progress:
            progress(done, len(skipped))
    return done, len(skipped)


def _line_template() -> str:
    """One output line with %s-slots for id, lang, label, scores, intents and labels (each
    slot takes its JSON text); the same text json.dumps(..., ensure_ascii=False) gives for
    the record."""
    from escucha.core.labels import INTENTS, SENTIMENTS

    scores = ", ".join(f'"{k}": %s' for k in SENTIMENTS)
    intents = ", ".join(f'"{k}": %s' for k in INTENTS)
    return (
        '{"id": %s, "lang": %s, "sentiment": {"label": %s, "scores": {'
        + scores
        + '}}, "intents": {'
        + intents
        + '}, "intent_labels": %s}'
    )


def output_lines(ids: list, read: BatchReading) -> list[str]:
    """The JSON line of each post: numbers rounded to 4 decimals, built from the batch arrays
    at once (json.dumps and round per value were half of the command's time)."""
    from escucha.core.labels import SENTIMENTS
    from escucha.understand.reader import label_sets

    template = _line_template()
    quoted: dict[str, str] = {}

    def q(value: str) -> str:
        if value not in quoted:
            quoted[value] = json.dumps(value, ensure_ascii=False)
        return quoted[value]

    labels = [q(s) for s in SENTIMENTS]
    label_json = [json.dumps(list(ls)) for ls in label_sets()]
    best = read.sentiment.argmax(axis=1).tolist()
    sent = _rounded_reprs(read.sentiment)
    intents = _rounded_reprs(read.intents)
    return [
        template
        % (
            str(i) if type(i) is int else json.dumps(i, ensure_ascii=False),
            q(lang),
            labels[b],
            *s,
            *p,
            label_json[m],
        )
        for i, lang, b, s, p, m in zip(
            ids, read.langs, best, sent, intents, read.label_masks.tolist(), strict=True
        )
    ]


_TEN4 = 10_000


@lru_cache(maxsize=1)
def _decimal_reprs() -> np.ndarray:
    """repr(k / 10**4) for k = 0..10**4, as an object array to index with numpy."""
    import numpy as np

    return np.array([repr(k / _TEN4) for k in range(_TEN4 + 1)], dtype=object)


def _rounded_reprs(values: np.ndarray) -> list[list[str]]:
    """repr(v) of each value of ``values.round(4)``, row by row.

    np.round(x, 4) is rint(x * 10**4) / 10**4, the nearest double to k / 10**4 for the
    integer k = rint(x * 10**4): for values in [0, 1] (probabilities) its repr is looked up
    among the 10,001 possible ones instead of being formatted per value (formatting floats
    was most of the time to write a line). Anything else is formatted as before.
    """
    import numpy as np

    k = np.rint(values * _TEN4)
    if not (((k >= 0) & (k <= _TEN4)).all() and not np.signbit(k).any()):
        return [[repr(v) for v in row] for row in values.round(4).tolist()]
    return _decimal_reprs()[k.astype(np.intp)].tolist()


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
    import sys

    reader = _load(_languages(languages))
    with streams(input_path, output_path) as (source, sink):
        if sys.stderr.isatty():
            done, skipped = _classify_with_spinner(reader, source, sink)
        else:  # no spinner to draw: rich is not even imported
            done, skipped = classify_stream(reader, source, sink)
    typer.echo(
        f"escucha classify: {done} classified, {skipped} skipped (models {reader.version})",
        err=True,
    )


def _classify_with_spinner(reader: PostReader, source: TextIO, sink: TextIO) -> tuple[int, int]:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
    ) as bar:
        task = bar.add_task("classifying", total=None)

        def progress(done: int, skipped: int) -> None:
            bar.update(task, description=f"classified {done:,} posts, skipped {skipped:,}")

        return classify_stream(reader, source, sink, progress)


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
