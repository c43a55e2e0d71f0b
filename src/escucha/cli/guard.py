"""`escucha guard`: the honest-post guard over JSON lines (docs/guard.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from escucha.cli.jsonlines import record_batches, streams, write_lines

if TYPE_CHECKING:
    from escucha.engage.guard import GuardLists, GuardSettings


def _guard_check(obj: dict) -> str:
    """The guard's own fields: brand, connection and lang (id and text are checked before)."""
    from escucha.engage.guard import CONNECTIONS

    if not isinstance(obj.get("brand") or "", str):
        return "brand must be a string"
    connection = obj.get("connection") or "none"
    if connection not in CONNECTIONS:
        return f"unknown connection {connection!r} (known: {', '.join(CONNECTIONS)})"
    lang = obj.get("lang")
    if lang is not None and not isinstance(lang, str):
        return "lang must be a string"
    return ""


def guard_stream(
    source: TextIO, sink: TextIO, settings: GuardSettings, lists: GuardLists, lang: str = "en"
) -> tuple[int, int]:
    """Check every good line of `source` into `sink`, the reasons in `lang`; returns
    (checked, skipped)."""
    from escucha.engage.guard import check

    skipped: list[int] = []
    checked = 0
    for batch in record_batches(source, "guard", skipped, _guard_check):
        out = []
        for obj in batch:
            verdict = check(
                obj["text"],
                brand=obj.get("brand") or "",
                connection=obj.get("connection") or "none",
                lang=obj.get("lang") or None,
                settings=settings,
                lists=lists,
            )
            out.append(json.dumps(verdict.to_json(obj["id"], lang), ensure_ascii=False))
        write_lines(sink, out)
        checked += len(batch)
    return checked, len(skipped)


def _workspace_guard(folder: Path | None) -> tuple[GuardSettings, GuardLists]:
    """The workspace's [guard] thresholds and word lists; the shipped ones outside a workspace."""
    from escucha.config import CONFIG_FILE, load_config
    from escucha.engage.guard import GuardSettings, load_lists

    folder = folder or Path.cwd()
    if not (folder / CONFIG_FILE).is_file():
        return GuardSettings(), load_lists()
    return load_config(folder).guard, load_lists(folder)


def guard(
    ctx: typer.Context,
    input_path: Annotated[
        str,
        typer.Option(
            "--in", help="JSON lines with id, text, brand, connection, lang ('-': stdin)."
        ),
    ],
    output_path: Annotated[
        str, typer.Option("--out", help="Where to write the verdicts ('-': stdout).")
    ],
    lang: Annotated[
        str, typer.Option("--lang", help="The language of the reasons: en or es.")
    ] = "en",
) -> None:
    """Check drafts and connected authors' posts for covert advertising and hard selling."""
    from escucha.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise typer.BadParameter(
            f"{lang!r} is not a language of the reasons (known: {', '.join(LANGUAGES)})",
            param_hint="--lang",
        )
    folder = (ctx.obj or {}).get("workspace")
    settings, lists = _workspace_guard(Path(folder) if folder else None)
    with streams(input_path, output_path) as (source, sink):
        checked, skipped = guard_stream(source, sink, settings, lists, lang)
    typer.echo(f"escucha guard: {checked} checked, {skipped} skipped", err=True)
