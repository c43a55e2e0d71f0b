"""`escucha query`: the posts that match a boolean query."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from escucha.cli.common import wide_console, workspace_of


def query(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="A boolean query, e.g. 'maleta* AND brand:Iberia'.")],
    limit: Annotated[int, typer.Option(help="At most this many posts (0: all).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Find posts with a boolean query (AND, OR, NOT, "phrases", NEAR/n, word*, field:value)."""
    from escucha.query import QuerySyntaxError

    workspace = workspace_of(ctx)
    try:
        found = workspace.query(text, limit=limit or None)
    except QuerySyntaxError as exc:
        typer.echo(exc.render(), err=True)  # the query with a caret under the problem
        raise
    if as_json:
        for row in found.itertuples(index=False):
            typer.echo(
                json.dumps(
                    {
                        "id": row.native_id,
                        "source": row.source,
                        "created_at": None if row.created_at is None else str(row.created_at),
                        "author": row.author,
                        "lang": row.lang,
                        "sentiment": row.sentiment,
                        "intents": row.intents,
                        "brands": row.brands,
                        "url": row.url,
                        "text": row.text,
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
        return
    from rich.table import Table

    table = Table("date", "brands", "lang", "sentiment", "text", show_lines=False)
    for row in found.itertuples(index=False):
        dated = row.created_at is not None and str(row.created_at) != "NaT"
        date = row.created_at.strftime("%Y-%m-%d") if dated else "-"
        table.add_row(
            date, ", ".join(row.brands), row.lang or "-", row.sentiment or "-", row.text[:120]
        )
    console = wide_console()
    console.print(table, markup=False)
    console.print(f"{len(found):,} posts" + (f" (limit {limit})" if limit else ""))
