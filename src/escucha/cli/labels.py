"""`escucha labels export`: the analysts' labels as training data (JSON Lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of

labels_app = typer.Typer(
    name="labels", help="Analysts' labels: export them as training data.", no_args_is_help=True
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
        for record in export_labels(ws.engine, current_model_version()):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if out:
            stream.close()
    if out:
        typer.echo(f"{n:,} labelled posts written to {out}")
