"""`escucha labels export`: the analysts' labels as training data (JSON Lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of

labels_app = typer.Typer(
    name="labels",
    help="Analysts' labels: tag posts with categories, export the labels as training data.",
    no_args_is_help=True,
)


@labels_app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: standard output)")
    ] = None,
) -> None:
    """Every post an analyst labelled, one JSON object a line: text, language, sentiment,
    intents (the analyst's where set, else the model's), which a person set, who and when."""
    import json
    import sys

    from escucha.enrich import current_model_version
    from escucha.understand.corrections import export_labels

    ws = workspace_of(ctx)
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    n = 0
    try:
        for record in export_labels(ws.engine, current_model_version(ws)):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if out:
            stream.close()
    if out:
        typer.echo(f"{n:,} labelled posts written to {out}")


@labels_app.command("tag")
def tag(
    ctx: typer.Context,
    post_id: Annotated[int, typer.Argument(metavar="POST", help="The post's id.")],
    category: Annotated[
        list[str] | None, typer.Option("--category", "-c", help="Tag with this category.")
    ] = None,
    untag: Annotated[
        list[str] | None, typer.Option("--remove", help="Remove this category's tag.")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who tags (a user name, for the audit).")] = "cli",
) -> None:
    """Tag a post with custom categories by hand (audited like a relabel)."""
    from escucha.understand.categories import tag as tag_post

    if not category and not untag:
        raise typer.BadParameter("give --category NAME or --remove NAME")
    now = tag_post(workspace_of(ctx).engine, post_id, by, category or (), untag or ())
    typer.echo(f"post #{post_id}: " + (", ".join(now) or "no category tagged by hand"))
