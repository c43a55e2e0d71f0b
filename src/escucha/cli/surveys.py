"""`escucha surveys import|export|list|show|status`: survey definitions and XLSForm."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.cli.surveys_app import surveys_app

JSON_OPTION = typer.Option("--json", help="Print JSON.")


def _id(text: str) -> int:
    from escucha.research.surveys import parse_survey_id

    return parse_survey_id(text)


@surveys_app.command("import")
def import_(
    ctx: typer.Context,
    form: Annotated[Path, typer.Argument(metavar="FORM", help="An XLSForm (.xlsx, .xls).")],
    into: Annotated[
        str | None,
        typer.Option("--into", help="Replace this survey's definition (a live one: new version)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Import an XLSForm as a new draft survey; rows escucha cannot represent are listed."""
    from escucha.research.surveys import import_xlsform

    done = import_xlsform(workspace_of(ctx), form, None if into is None else _id(into))
    result = done.as_json()
    if as_json:
        typer.echo(to_json(result))
        return
    typer.echo(
        f"survey {result['survey_id']} (version {done.survey.version}): "
        f"{result['questions']} questions in {', '.join(result['languages'])}; "
        f"{len(result['rejected'])} rejected"
    )
    for item in result["rejected"]:
        typer.echo(f"  {item['sheet']} row {item['row']}: {item['reason']}")


@surveys_app.command("export")
def export(
    ctx: typer.Context,
    survey: Annotated[str, typer.Argument(metavar="ID", help="The survey's id.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[
        str, typer.Option("--format", help="xlsform (the definition); sav, csv, parquet.")
    ] = "xlsform",
) -> None:
    """Write a survey's definition (xlsform) or its responses (sav, csv, parquet)."""
    from escucha.research.surveys import export_survey

    for path in export_survey(workspace_of(ctx), _id(survey), fmt, out):
        typer.echo(f"wrote {path}")


@surveys_app.command("list")
def list_(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """The surveys, with their status and current version."""
    from escucha.research.surveys import list_surveys

    found = [s.summary() for s in list_surveys(workspace_of(ctx))]
    if as_json:
        typer.echo(to_json({"surveys": found}))
        return
    for s in found:
        typer.echo(
            f"#{s['id']} {s['title']}  [{s['status']}, version {s['version']}]  "
            f"{s['questions']} questions, {', '.join(s['languages'])}"
        )


@surveys_app.command("status")
def status(
    ctx: typer.Context,
    survey: Annotated[str, typer.Argument(metavar="ID", help="The survey's id.")],
    new: Annotated[str, typer.Argument(metavar="STATUS", help="live or closed.")],
) -> None:
    """Open a draft survey (live) or close a live one."""
    from escucha.research.surveys import set_status

    done = set_status(workspace_of(ctx), _id(survey), new)
    typer.echo(f"survey {done.id} is {done.status}")
