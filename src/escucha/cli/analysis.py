"""`escucha analyze`."""

from __future__ import annotations

import typer

from escucha.cli.common import workspace_of


def analyze(ctx: typer.Context) -> None:
    """Enrich posts not yet read by the current models (language, sentiment, intents, brands)."""
    from escucha.cli.progress import progress_bar

    workspace = workspace_of(ctx)
    with progress_bar("analysing") as update:
        result = workspace.analyze(progress=update)
    typer.echo(
        f"analysed {result['enriched']:,} posts with {result['model_version']}; "
        f"{result['brand_mentions']:,} new brand mentions"
    )
