"""`escucha report` and `escucha demo`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.deliverables import SUFFIXES
from escucha.i18n import LANGUAGES

ReportLanguage = StrEnum("ReportLanguage", {code: code for code in LANGUAGES})


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    csv = "csv"
    xlsx = "xlsx"


def report(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The file to write (default: report.html, report.pdf, report.zip, report.xlsx).",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="html: one self-contained page; pdf: that page laid out for print; "
            "csv: a zip of one CSV per table; xlsx: one sheet per table.",
        ),
    ] = ReportFormat.html,
    lang: Annotated[
        ReportLanguage | None,
        typer.Option(help="The report's language (default: the workspace's first language)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="First day of the period (YYYY-MM-DD, UTC; default: the first post)."
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last day of the period, included (default: the newest post)."),
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option(
            help="Compare the period with the previous one of the same length ('previous') "
            "or with FROM:TO.",
        ),
    ] = None,
) -> None:
    """Write the report: one self-contained HTML page that opens offline, its PDF, or its
    tables (CSV or XLSX)."""
    from escucha.insights.periods import choice_from_cli

    period = choice_from_cli(start, end, compare)
    workspace = workspace_of(ctx)
    path = workspace.write_report(
        out or workspace.path / f"report{SUFFIXES[fmt.value]}",
        lang=lang.value if lang else None,
        period=None if period.empty and period.compare is None else period,
        format=fmt.value,
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
