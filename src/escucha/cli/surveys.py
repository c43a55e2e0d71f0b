"""`escucha surveys import|export|list|show|status`: survey definitions and XLSForm."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.cli.surveys_app import surveys_app, words

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

    ws = workspace_of(ctx)
    done = import_xlsform(ws, form, None if into is None else _id(into))
    result = done.as_json()
    if as_json:
        typer.echo(to_json(result))
        return
    t = words(ws)
    typer.echo(t.text("surveys_cli_imported", id=result["survey_id"], version=done.survey.version,
                      questions=result["questions"], languages=", ".join(result["languages"]),
                      rejected=len(result["rejected"])))  # fmt: skip
    for item in result["rejected"]:
        typer.echo(t.text("surveys_cli_rejected_row", **item))


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

    ws = workspace_of(ctx)
    for path in export_survey(ws, _id(survey), fmt, out):
        typer.echo(words(ws).text("surveys_cli_wrote", path=path))


@surveys_app.command("list")
def list_(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """The surveys, with their status and current version."""
    from escucha.research.surveys import list_surveys

    ws = workspace_of(ctx)
    found = [s.summary() for s in list_surveys(ws)]
    if as_json:
        typer.echo(to_json({"surveys": found}))
        return
    t = words(ws)
    for s in found:
        typer.echo(t.text("surveys_cli_listed", id=s["id"], title=s["title"], status=s["status"],
                          version=s["version"], questions=s["questions"],
                          languages=", ".join(s["languages"])))  # fmt: skip


@surveys_app.command("status")
def status(
    ctx: typer.Context,
    survey: Annotated[str, typer.Argument(metavar="ID", help="The survey's id.")],
    new: Annotated[str, typer.Argument(metavar="STATUS", help="live or closed.")],
) -> None:
    """Open a draft survey (live) or close a live one."""
    from escucha.research.surveys import set_status

    ws = workspace_of(ctx)
    done = set_status(ws, _id(survey), new)
    typer.echo(words(ws).text("surveys_cli_status", id=done.id, status=done.status))
