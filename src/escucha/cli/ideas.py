"""`escucha ideas`: the backlog of ideas grouped from wish posts; refresh, show, curate."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated

import typer

from escucha.cli.common import wide_console, workspace_of

ideas_app = typer.Typer(
    name="ideas",
    help="The idea backlog: wish posts grouped into ideas (list, refresh, show, curate).",
    invoke_without_command=True,
)

JSON_OPTION = typer.Option("--json", help="Print JSON.")


def to_json(value: object) -> str:
    """JSON with datetimes in ISO 8601 (shared by the commands' --json): indented on a
    terminal, on one line when piped (the indented encoder is pure Python, several times
    slower on large lists such as the whole inbox)."""

    def default(item: object) -> str:
        if isinstance(item, datetime):
            return item.isoformat()
        raise TypeError(type(item).__name__)

    indent = 2 if sys.stdout.isatty() else None
    return json.dumps(value, ensure_ascii=False, default=default, indent=indent)


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "-"


@ideas_app.callback()
def ideas_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only ideas with this status.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only ideas in this language.")] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include ideas merged into others.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many ideas (0: all).")] = 30,
    leads: Annotated[
        bool, typer.Option("--leads", help="Include leads: ideas only one person asked for.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """List ideas: posts, distinct askers, first/last seen, weekly trend, status."""
    if ctx.invoked_subcommand is not None:
        return
    from escucha.ideas import list_ideas

    found = list_ideas(workspace_of(ctx), status=status, lang=lang, include_duplicates=show_all)
    hidden = 0 if leads else sum(idea["lead"] for idea in found)
    found = found if leads else [idea for idea in found if not idea["lead"]]
    shown = found[:limit] if limit else found
    if as_json:
        typer.echo(to_json(shown))
        return
    from rich.table import Table

    table = Table()
    table.add_column("id", no_wrap=True)
    table.add_column("idea", min_width=20)
    for name in ("status", "lang", "posts", "askers", "first", "last", "4 weeks"):
        table.add_column(name, no_wrap=True)
    for idea in shown:
        table.add_row(
            str(idea["id"]),
            idea["title"],
            idea["status"] + (f" → #{idea['merged_into']}" if idea["merged_into"] else ""),
            idea["lang"],
            str(idea["posts"]),
            str(idea["askers"]),
            _day(idea["first_seen"]),
            _day(idea["last_seen"]),
            " ".join(str(n) for n in idea["trend"]),
        )
    console = wide_console()
    console.print(table, markup=False)
    more = f" (showing {len(shown)}; --limit 0 for all)" if len(shown) < len(found) else ""
    leads_hidden = f" {hidden:,} leads (one asker) not shown: --leads." if hidden else ""
    console.print(
        f"{len(found):,} ideas{more}.{leads_hidden} 'escucha ideas refresh' groups new wishes."
    )


@ideas_app.command("refresh")
def refresh(ctx: typer.Context) -> None:
    """Group the wish posts not in an idea yet (running it again adds nothing)."""
    from escucha.ideas import refresh_ideas

    done = refresh_ideas(workspace_of(ctx))
    typer.echo(
        f"{done['posts_added']:,} wish posts grouped, {done['ideas_created']:,} new ideas"
        + (
            f"; {done['posts_left_out']:,} left out ({done['service_requests']:,} service"
            " requests for the inbox, the rest without a request matching an idea)"
            if done["posts_left_out"]
            else ""
        )
    )


@ideas_app.command("show")
def show(
    ctx: typer.Context,
    idea_id: Annotated[int, typer.Argument(metavar="ID", help="The idea's id.")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """An idea's posts (quoted) and its askers (handle and source, to invite them later)."""
    from escucha.ideas import show_idea

    idea = show_idea(workspace_of(ctx), idea_id)
    if as_json:
        typer.echo(to_json(idea))
        return
    merged = f", duplicate of #{idea['merged_into']}" if idea["merged_into"] else ""
    typer.echo(f"#{idea['id']} {idea['title']}  [{idea['status']}{merged}, {idea['lang']}]")
    typer.echo(
        f"{len(idea['posts'])} posts by {len(idea['askers'])} askers, "
        f"{_day(idea['first_seen'])} to {_day(idea['last_seen'])}"
        + (
            f"; merged here: {', '.join(f'#{i}' for i in idea['duplicates'])}"
            if idea["duplicates"]
            else ""
        )
    )
    typer.echo("\nAskers:")
    for asker in idea["askers"]:
        typer.echo(f"  @{asker['handle']} ({asker['source']}): {asker['posts']} posts")
    typer.echo("\nPosts:")
    for post in idea["posts"]:
        who = f"@{post['author']}" if post["author"] else "?"
        typer.echo(f"  {_day(post['created_at'])} {who} ({post['source']}): “{post['quote']}”")
        if post["url"]:
            typer.echo(f"      {post['url']}")


@ideas_app.command("status")
def status(
    ctx: typer.Context,
    idea_id: Annotated[int, typer.Argument(metavar="ID")],
    new_status: Annotated[
        str,
        typer.Argument(
            metavar="STATUS", help="open, planned, started, testing, completed, declined."
        ),
    ],
) -> None:
    """Set an idea's status."""
    from escucha.ideas import set_status

    idea = set_status(workspace_of(ctx), idea_id, new_status)
    typer.echo(f"#{idea['id']} {idea['title']}: {idea['status']}")


@ideas_app.command("merge")
def merge(
    ctx: typer.Context,
    idea_id: Annotated[int, typer.Argument(metavar="ID", help="The duplicate.")],
    into_id: Annotated[int, typer.Argument(metavar="INTO_ID", help="The idea that stays.")],
) -> None:
    """Mark ID a duplicate of INTO_ID and move its posts and askers there (undo: unmerge)."""
    from escucha.ideas import merge as merge_ideas

    into = merge_ideas(workspace_of(ctx), idea_id, into_id)
    typer.echo(f"#{idea_id} merged into #{into['id']} {into['title']}")


@ideas_app.command("unmerge")
def unmerge(ctx: typer.Context, idea_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Undo a merge: ID gets its posts and its status back."""
    from escucha.ideas import unmerge as unmerge_idea

    idea = unmerge_idea(workspace_of(ctx), idea_id)
    typer.echo(f"#{idea['id']} {idea['title']}: {idea['status']} again")
