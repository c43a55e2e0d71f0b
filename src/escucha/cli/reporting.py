"""`escucha report` and `escucha demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of


def report(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML file (default: report.html).")
    ] = None,
) -> None:
    """Write the report: one self-contained HTML page that opens offline."""
    workspace = workspace_of(ctx)
    path = workspace.write_report(out or workspace.path / "report.html")
    typer.echo(f"report written to {path}")


def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path(
        "demo"
    ),
) -> None:
    """Build the demo workspace from the bundled airline data, analyse it, write its report."""
    from escucha.cli.progress import progress_bar
    from escucha.demo import run_demo

    with progress_bar("demo") as update:
        summary = run_demo(directory, progress=update)
    for line in summary["lines"]:
        typer.echo(line)
