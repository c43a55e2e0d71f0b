"""`escucha surveys link|links|invite|remind|quota`: distributing a survey."""

from __future__ import annotations

from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.cli.surveys_app import surveys_app

JSON_OPTION = typer.Option("--json", help="Print JSON.")
ID_ARGUMENT = typer.Argument(metavar="ID", help="The survey's id.")


def _id(text: str) -> int:
    from escucha.research.surveys import parse_survey_id

    return parse_survey_id(text)


@surveys_app.command("link")
def link(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    source: Annotated[
        str | None, typer.Option("--source", help="The channel: mastodon, newsletter...")
    ] = None,
    anonymous: Annotated[
        bool, typer.Option("--anonymous", help="Answers are never linked to anyone.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """A public link to the survey's form (the token is shown once: only its hash is kept)."""
    from escucha.research.links import create_public_link

    made = create_public_link(workspace_of(ctx), _id(survey), source, anonymous=anonymous)
    typer.echo(to_json({"url": made.url}) if as_json else made.url)


@surveys_app.command("links")
def links(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The survey's links: kind, source, uses, expiry (never their tokens)."""
    from escucha.research.links import list_links

    found = list_links(workspace_of(ctx), _id(survey))
    if as_json:
        typer.echo(to_json({"links": found}))
        return
    for item in found:
        state = "revoked" if item["revoked"] else f"{item['uses']} uses"
        typer.echo(f"#{item['id']} {item['kind']} {item['source'] or '-'}  {state}")


@surveys_app.command("invite")
def invite(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    segment: Annotated[str, typer.Option("--segment", help="The segment to invite.")],
    text: Annotated[
        str | None, typer.Option("--text", help="The invitation (default: a plain ask).")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Invite a segment's ask-ready contacts, each with a personal link; the text is
    checked by the honest-post guard. Prints the links to send and who was left out."""
    from escucha.research.invitations import invite_segment

    done = invite_segment(workspace_of(ctx), _id(survey), segment, text=text)
    if as_json:
        typer.echo(to_json(done))
        return
    typer.echo(f"invited {len(done['invited'])}, left out {len(done['left_out'])}")
    for item in done["invited"]:
        typer.echo(f"  contact {item['contact_id']} ({item['name'] or '-'}): {item['url']}")
    for item in done["left_out"]:
        typer.echo(f"  left out {item['contact_id']} ({item['name'] or '-'}): "
                   + "; ".join(item["reasons"]))  # fmt: skip


@surveys_app.command("remind")
def remind(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The one reminder, with a fresh link, to invited contacts who have not started."""
    from escucha.research.invitations import remind as run

    done = run(workspace_of(ctx), _id(survey))
    if as_json:
        typer.echo(to_json(done))
        return
    typer.echo(f"reminded {len(done['reminded'])}")
    for item in done["reminded"]:
        typer.echo(f"  contact {item['contact_id']}: {item['url']}")


@surveys_app.command("quota")
def quota(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="VARIABLE=CATEGORY:CAP, e.g. country=ES:100 (0 removes)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Set quota cells; without --set, list them with their complete responses."""
    from escucha.research.responses import list_quotas, parse_quota, set_quota

    ws = workspace_of(ctx)
    survey_id = _id(survey)
    for text in set_ or []:
        set_quota(ws, survey_id, *parse_quota(text))
    found = list_quotas(ws, survey_id)
    if as_json:
        typer.echo(to_json({"quotas": found}))
        return
    for item in found:
        typer.echo(f"{item['variable']}={item['category']}: {item['complete']}/{item['cap']}")
