"""The engine of `escucha classify` (JSON lines in, JSON lines out), without Typer.

`escucha classify --in A --out B [--languages L]` is what pipelines run, often once per file:
`main` runs such a line here directly (`plain_options`), without importing Typer (and the
pydantic it validates options with) or building the other commands, which took about half
of the command's start. Any other line (--help, a mistake, global options) goes through the
Typer command in escucha.cli.classify, which runs the same `run`.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, TextIO

from escucha.cli.jsonlines import record_batches, streams

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from escucha.understand.reader import BatchReading, PostReader

# the options `plain_options` reads, with the names of run's parameters; they are the Typer
# command's options (a test checks that the two agree)
OPTIONS = {"--in": "input_path", "--out": "output_path", "--languages": "languages"}


# posts read at once: language ID steps through the bytes of a batch in lockstep, so each
# step costs a few numpy calls whatever the batch size; 4000 posts keep that overhead small
# and the arrays of a batch in tens of MB
BATCH = 4000


def parse_languages(value: str | None) -> list[str] | None:
    if value is None:
        return None
    langs = [part.strip() for part in value.split(",") if part.strip()]
    if not langs:
        raise _user_error("--languages needs at least one code, e.g. es,en")
    return langs


def _user_error(message: str) -> Exception:
    from escucha.errors import UserError

    return UserError(message)


def load(languages: list[str] | None) -> PostReader:
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
    reader: PostReader,
    source: TextIO,
    sink: TextIO,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Classify every good line of ``source`` into ``sink``; returns (classified, skipped)."""
    skipped: list[int] = []
    done = 0
    for batch in record_batches(
        source, "classify", skipped, _lang_check, number_ids=True, size=BATCH
    ):
        read = reader.read_batch(
            list(map(itemgetter("text"), batch)), [obj.get("lang") or None for obj in batch]
        )
        sink.write(output_text(list(map(itemgetter("id"), batch)), read))
        sink.flush()  # each batch reaches a pipe's reader as soon as it is read
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


def output_text(ids: list, read: BatchReading) -> str:
    """The JSON lines of a batch, each ending in a newline: numbers rounded to 4 decimals,
    the same text as json.dumps(record, ensure_ascii=False) per line.

    Built column by column: an object array holds, per line, the template's constant pieces
    and the JSON text of each slot (looked up from the batch arrays), and one join makes the
    text. Formatting line by line (json.dumps, then a %-template per line) was most of the
    time spent writing.
    """
    import numpy as np

    from escucha.core.labels import SENTIMENTS
    from escucha.understand.reader import label_sets

    n = len(ids)
    if not n:
        return ""
    quoted = {lang: json.dumps(lang, ensure_ascii=False) for lang in set(read.langs)}
    labels = np.array([json.dumps(s) for s in SENTIMENTS], dtype=object)
    label_json = np.array([json.dumps(list(ls)) for ls in label_sets()], dtype=object)
    columns = [
        _id_texts(ids),
        list(map(quoted.__getitem__, read.langs)),
        labels[read.sentiment.argmax(axis=1)],
        _rounded_reprs(read.sentiment),
        _rounded_reprs(read.intents),
        label_json[read.label_masks],
    ]
    pieces = _line_template().split("%s")
    pieces[-1] += "\n"
    table = np.empty((n, 2 * len(pieces) - 1), dtype=object)
    table[:, 0::2] = pieces
    slot = 1
    for column in columns:
        values = np.asarray(column, dtype=object).reshape(n, -1)
        width = values.shape[1]
        table[:, slot : slot + 2 * width : 2] = values
        slot += 2 * width
    return "".join(table.ravel().tolist())


def _id_texts(ids: list) -> list[str]:
    """The JSON text of each id (the line numbers given to records without one are ints)."""
    if {*map(type, ids)} == {int}:
        return list(map(str, ids))
    return [str(i) if type(i) is int else json.dumps(i, ensure_ascii=False) for i in ids]


_TEN4 = 10_000


@lru_cache(maxsize=1)
def _decimal_reprs() -> np.ndarray:
    """repr(k / 10**4) for k = 0..10**4, as an object array to index with numpy."""
    import numpy as np

    return np.array([repr(k / _TEN4) for k in range(_TEN4 + 1)], dtype=object)


def _rounded_reprs(values: np.ndarray) -> np.ndarray:
    """repr(v) of each value of ``values.round(4)``, as an object array of the same shape.

    np.round(x, 4) is rint(x * 10**4) / 10**4, the nearest double to k / 10**4 for the
    integer k = rint(x * 10**4): for values in [0, 1] (probabilities) its repr is looked up
    among the 10,001 possible ones instead of being formatted per value (formatting floats
    was most of the time to write a line). Anything else is formatted as before.
    """
    import numpy as np

    k = np.rint(values * _TEN4)
    if not (((k >= 0) & (k <= _TEN4)).all() and not np.signbit(k).any()):
        reprs = [repr(v) for v in values.round(4).ravel().tolist()]
        return np.array(reprs, dtype=object).reshape(values.shape)
    return _decimal_reprs()[k.astype(np.intp)]


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def _keep_freed_memory() -> None:
    """Have the C allocator (glibc) keep the memory of freed arrays for the next batch.

    By default glibc maps each allocation above a threshold (which grows, up to 32 MB, as
    such blocks are freed) fresh from the kernel, unmaps it when it is freed, and gives the
    free top of its heap back above twice that threshold: the megabyte-sized numpy arrays of
    every batch then fault their pages in again, about 100,000 page faults and a sixth of the
    CPU time of classifying 100,000 posts. A classify run is one short process whose peak is
    a few hundred MB: arrays up to 32 MB come from the heap, and the heap is kept. Elsewhere
    (no mallopt, another C library) nothing changes."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    mallopt(_M_TRIM_THRESHOLD, 512 << 20)


def run(input_path: str, output_path: str, languages: str | None = None) -> None:
    """Classify ``input_path`` into ``output_path`` ('-': the standard streams) and say how
    many posts were classified and skipped on stderr."""
    _keep_freed_memory()
    reader = load(parse_languages(languages))
    with streams(input_path, output_path) as (source, sink):
        if sys.stderr.isatty():
            done, skipped = _classify_with_spinner(reader, source, sink)
        else:  # no spinner to draw: rich is not even imported
            done, skipped = classify_stream(reader, source, sink)
    print(
        f"escucha classify: {done} classified, {skipped} skipped (models {reader.version})",
        file=sys.stderr,
        flush=True,
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


def plain_options(args: list[str]) -> dict[str, str] | None:
    """run's arguments for the words after `escucha classify` when they are only --in,
    --out and --languages, each once with its value (``--in X`` or ``--in=X``) and --in and
    --out given; None for anything else, which Typer then parses (help, errors)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        name, eq, value = args[i].partition("=")
        if name not in OPTIONS or OPTIONS[name] in found:
            return None
        if not eq:
            if i + 1 == len(args) or (args[i + 1].startswith("-") and args[i + 1] != "-"):
                return None
            i += 1
            value = args[i]
        found[OPTIONS[name]] = value
        i += 1
    return found if {"input_path", "output_path"} <= found.keys() else None
