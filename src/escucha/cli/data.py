"""`escucha import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.errors import UserError


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UserError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. text=body")
        mapping[field.strip()] = column.strip()
    return mapping


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, JSON Lines or Parquet (optionally .gz).")],
    source: Annotated[
        str | None, typer.Option(help="Source name (default: the file's name).")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="FIELD=COLUMN, e.g. text=body (repeatable)."),
    ] = None,
    url_template: Annotated[
        str | None,
        typer.Option(help="Link for posts without a URL column, e.g. https://x.org/s/{id}."),
    ] = None,
) -> None:
    """Import posts from a file; re-importing never duplicates."""
    from escucha.cli.progress import progress_bar

    workspace = workspace_of(ctx)
    with progress_bar(f"importing {file.name}", as_bytes=True) as update:
        result = workspace.import_file(
            file,
            source=source,
            mapping=parse_mapping(map_ or []),
            url_template=url_template,
            progress=update,
        )
    typer.echo(
        f"{file}: {result.accepted:,} accepted, {result.duplicate:,} duplicate, "
        f"{result.rejected:,} rejected (source {result.source!r})"
    )
    if result.rejects_path:
        typer.echo(f"rejected rows and their reasons: {result.rejects_path}")
    if result.undated:
        typer.echo(f"{result.undated:,} rows with an unreadable date kept without a date")
    if result.uncounted:
        typer.echo(f"{result.uncounted:,} rows with an unreadable count kept without it")
    if result.replaced:
        typer.echo(
            f"{result.replaced:,} NUL or lone surrogate characters replaced by U+FFFD "
            "(no database stores them as text)"
        )
    if result.unmapped:
        shown = [f"{column} ({rows:,})" for column, rows in list(result.unmapped.items())[:20]]
        more = len(result.unmapped) - len(shown)
        typer.echo(
            "columns mapped to no field (kept in the raw archive), with the rows they were in: "
            + ", ".join(shown)
            + (f" and {more} more" if more > 0 else "")
        )
    for warning in result.warnings:
        typer.echo(f"warning: {warning}")
