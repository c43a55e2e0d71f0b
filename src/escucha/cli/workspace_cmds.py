"""`escucha init` and `escucha status`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from escucha.cli.common import wide_console, workspace_of

if TYPE_CHECKING:
    from escucha.listen.collector import ListeningSource


def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the workspace.")] = Path("."),
    name: Annotated[str | None, typer.Option(help="Workspace name.")] = None,
) -> None:
    """Create a workspace: escucha.toml and its store."""
    from dataclasses import replace

    from escucha.config import CONFIG_FILE, default_config
    from escucha.workspace import init_workspace

    existed = (directory / CONFIG_FILE).exists()
    config = default_config(name or directory.resolve().name)
    workspace = init_workspace(directory, replace(config, name=name) if name else config)
    verb = "opened the existing" if existed else "created"
    typer.echo(f"{verb} workspace {workspace.path} ({workspace.config.name})")
    if not existed:
        typer.echo(f"edit {workspace.path / CONFIG_FILE} to name your brand and competitors")


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    paths: Annotated[
        bool,
        typer.Option(
            "--paths",
            help="With --json, add where the workspace lives ('workspace', 'database'); "
            "without it the JSON depends only on what the workspace holds.",
        ),
    ] = False,
) -> None:
    """Summarise the workspace: posts, sources, languages, brands, models."""
    from escucha.listen.collector import source_health
    from escucha.status import workspace_location, workspace_status

    workspace = workspace_of(ctx)
    listening = source_health(workspace)
    summary = workspace_status(workspace, listening)
    where = workspace_location(workspace)
    if as_json:
        shown = {**where, **summary} if paths else summary
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2, default=str))
        return
    from rich.table import Table

    console = wide_console()
    console.print(f"[bold]{summary['name']}[/bold]  {where['workspace']}")
    console.print(f"store: {where['database']} (schema {summary['schema_revision']})")
    console.print(
        f"posts: {summary['posts']:,}  authors: {summary['authors']:,}  "
        f"enriched by {summary['model_version']}: {summary['enriched']:,}"
        + (
            f"  [yellow]not yet: {summary['not_enriched']:,}[/yellow]"
            if summary["not_enriched"]
            else ""
        )
    )
    table = Table("source", "posts", "first post", "last post")
    for src in summary["sources"]:
        table.add_row(
            src["source"], f"{src['posts']:,}", src["first_post"] or "-", src["last_post"] or "-"
        )
    console.print(table)
    for source in listening:
        console.print(
            f"[bold]{source.name}[/bold] ({source.kind}): {source.collected:,} posts, "
            f"{source.rejected:,} rejected, {_state(source)}\n  coverage: {source.coverage}",
            markup=True,
            highlight=False,
        )
    if summary["languages"]:
        console.print(
            "languages: " + ", ".join(f"{k} {v:,}" for k, v in summary["languages"].items())
        )
    if summary["brands"]:
        console.print("mentions: " + ", ".join(f"{k} {v:,}" for k, v in summary["brands"].items()))


def _state(source: ListeningSource) -> str:
    """A configured source's health in words."""
    if source.health.status == "failing":
        return f"last error: {source.health.detail}"
    if source.last_ok_at is not None:
        return f"last collected {source.last_ok_at.isoformat()}"
    return "last import done" if source.health.status == "ok" else "not yet run"
