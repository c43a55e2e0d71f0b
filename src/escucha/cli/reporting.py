"""`escucha report` and `escucha demo`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.i18n import LANGUAGES

ReportLanguage = StrEnum("ReportLanguage", {code: code for code in LANGUAGES})


def report(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML file (default: report.html).")
    ] = None,
    lang: Annotated[
        ReportLanguage | None,
        typer.Option(help="The report's language (default: the workspace's first language)."),
    ] = None,
) -> None:
    """Write the report: one self-contained HTML page that opens offline."""
    workspace = workspace_of(ctx)
    path = workspace.write_report(
        out or workspace.path / "report.html", lang=lang.value if lang else None
    )
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
