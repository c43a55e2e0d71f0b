"""`escucha analyze`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from escucha.cli.common import workspace_of


class EngineChoice(StrEnum):
    local = "local"
    dask = "dask"


def analyze(
    ctx: typer.Context,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Re-read every post with the current models (re-analysis)."),
    ] = False,
    engine: Annotated[
        EngineChoice,
        typer.Option(help="Where the models run: this process, or Dask workers."),
    ] = EngineChoice.local,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Dask: worker processes of the local cluster (default: cores)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask: the address of a running scheduler (tcp://host:8786)."),
    ] = None,
    workspace_model: Annotated[
        bool | None,
        typer.Option(
            "--use-workspace-model/--use-shipped-model",
            help="Read with the model `escucha train --from-labels` adapted to this workspace, "
            "or with the shipped one again; the choice is saved in escucha.toml ([models]) so "
            "every page and report reads the same (default: as escucha.toml says).",
        ),
    ] = None,
) -> None:
    """Enrich posts not yet read by the current models (language, sentiment, intents, brands)."""
    from escucha.cli.progress import progress_bar

    if engine is EngineChoice.local and (workers is not None or scheduler is not None):
        raise typer.BadParameter("--workers and --scheduler go with --engine dask")
    if workers is not None and scheduler is not None:
        raise typer.BadParameter("--workers sizes a local cluster; a --scheduler has its own")
    workspace = workspace_of(ctx)
    if workspace_model is not None:
        from escucha.understand.adapt import choose_model
        from escucha.workspace import Workspace

        workspace = Workspace(workspace.path, choose_model(workspace, workspace_model))
    with progress_bar("analysing") as update:
        result = workspace.analyze(
            progress=update,
            everything=everything,
            engine=engine.value,
            workers=workers,
            scheduler=scheduler,
        )
    typer.echo(
        f"analysed {result['enriched']:,} posts with {result['model_version']}; "
        f"{result['brand_mentions']:,} new brand mentions"
    )
