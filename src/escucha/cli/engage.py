"""`escucha inbox`, `escucha reply` and `escucha drafts`: answering the people who ask us."""

from __future__ import annotations

from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.errors import UserError

inbox_app = typer.Typer(
    name="inbox",
    help="Posts that ask something of us: list (by priority), assign, close, no-reply, thread.",
    invoke_without_command=True,
)
drafts_app = typer.Typer(
    name="drafts",
    help="Drafts: new posts, list, approve (by the [engage] rule), publish, snippets.",
    no_args_is_help=True,
)

JSON_OPTION = typer.Option("--json", help="Print JSON.")
BY_OPTION = typer.Option("--by", help="Who acts (a web user's name gives their role).")

TABLE_ROWS = 50  # inbox items shown in the terminal unless --limit says otherwise


def _post_id(text: str) -> int:
    if not text.strip().isdigit():
        raise UserError(f"POST_ID {text!r}: expected a post's number, as `escucha inbox` shows")
    return int(text)


def _draft_id(text: str) -> int:
    if not text.strip().isdigit():
        raise UserError(f"DRAFT_ID {text!r}: expected a draft's number (escucha drafts list)")
    return int(text)


@inbox_app.callback()
def inbox_list(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option(help="new|assigned|answered|closed|no_reply_needed (repeatable)."),
    ] = None,
    intent: Annotated[
        list[str] | None, typer.Option(help="complaint|question|wish (repeatable).")
    ] = None,
    lang: Annotated[list[str] | None, typer.Option(help="A language code (repeatable).")] = None,
    source: Annotated[list[str] | None, typer.Option(help="A source's name (repeatable).")] = None,
    assignee: Annotated[
        str | None, typer.Option(help="Only items assigned to this person.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(help="At most this many items (default: 50 in the table, all with --json)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The inbox, highest priority first, each item with the reasons of its priority."""
    if ctx.invoked_subcommand is not None:
        return
    from escucha.engage.inbox import InboxFilters, list_inbox, refresh_inbox

    if limit is not None and limit < 1:
        raise UserError("--limit must be at least 1")
    if limit is None and not as_json:
        limit = TABLE_ROWS
    workspace = workspace_of(ctx)
    refresh_inbox(workspace)
    filters = InboxFilters(
        status=tuple(status or ()),
        intent=tuple(intent or ()),
        lang=tuple(lang or ()),
        source=tuple(source or ()),
        assignee=assignee,
    )
    items = list_inbox(workspace, filters, limit=limit)
    if as_json:
        typer.echo(to_json({"items": items}))
        return
    if not items:
        typer.echo("the inbox is empty (posts asking us something appear after `escucha analyze`)")
        return
    for item in items:
        who = f"@{item['author']}" if item["author"] else "(unknown)"
        assigned = f" → {item['assignee']}" if item["assignee"] else ""
        typer.echo(
            f"post {item['post_id']}  {item['priority']:g}  {item['status']}{assigned}  "
            f"{item['intent']}  {item['source']}  {who}: {_one_line(item['text'])}"
        )
        typer.echo(f"    {'; '.join(item['reasons'])}")


def _one_line(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _set(ctx: typer.Context, post_id: str, status: str, by: str, to: str | None = None) -> None:
    from escucha.engage.inbox import refresh_inbox, set_status

    workspace = workspace_of(ctx)
    refresh_inbox(workspace)
    item = set_status(workspace, _post_id(post_id), status, by=by, assignee=to)
    typer.echo(f"post {item['post_id']}: {item['status']}" + (f" → {to}" if to else ""))


@inbox_app.command("assign")
def inbox_assign(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(metavar="POST_ID")],
    to: Annotated[str, typer.Option("--to", help="Who answers it.")],
    by: Annotated[str, BY_OPTION] = "cli",
) -> None:
    """Assign an item to a person."""
    _set(ctx, post_id, "assigned", by, to)


@inbox_app.command("close")
def inbox_close(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(metavar="POST_ID")],
    by: Annotated[str, BY_OPTION] = "cli",
) -> None:
    """Close an item (dealt with)."""
    _set(ctx, post_id, "closed", by)


@inbox_app.command("no-reply")
def inbox_no_reply(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(metavar="POST_ID")],
    by: Annotated[str, BY_OPTION] = "cli",
) -> None:
    """Mark an item as needing no reply."""
    _set(ctx, post_id, "no_reply_needed", by)


@inbox_app.command("thread")
def inbox_thread(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(metavar="POST_ID")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The thread around a post: its parents and the replies below it (ours marked)."""
    from escucha.engage.inbox import thread

    posts = thread(workspace_of(ctx), _post_id(post_id))
    if as_json:
        typer.echo(to_json({"posts": posts}))
        return
    for post in posts:
        mark = ">" if post["selected"] else " "
        ours = " [ours]" if post["ours"] else ""
        typer.echo(f"{mark} {post['post_id']}  @{post['author']}{ours}: {_one_line(post['text'])}")


def reply(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(metavar="POST_ID", help="The post answered.")],
    text: Annotated[str | None, typer.Option(help="The reply (plain text).")] = None,
    snippet: Annotated[
        str | None, typer.Option(help="Start from a saved snippet (escucha drafts snippets).")
    ] = None,
    by: Annotated[str, BY_OPTION] = "cli",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Write a reply draft; the guard checks it now, a person approves it before publishing."""
    from escucha.engage.drafts import create_draft

    if text is None and snippet is None:
        raise UserError("write the reply with --text TEXT or start from --snippet NAME")
    draft = create_draft(workspace_of(ctx), _post_id(post_id), text, snippet=snippet, by=by)
    if as_json:
        typer.echo(to_json(draft))
        return
    typer.echo(f"draft {draft['draft_id']}: {draft['verdict']}")
    for line in [*draft["reasons"], *draft["notes"]]:
        typer.echo(f"  {line}")


@drafts_app.command("new")
def drafts_new(
    ctx: typer.Context,
    source: Annotated[str, typer.Option(help="The source it is published on (escucha.toml).")],
    text: Annotated[str, typer.Option(help="The post (plain text).")],
    kind: Annotated[str, typer.Option(help="announcement|invitation|tester_call")] = "announcement",
    title: Annotated[
        str | None, typer.Option(help="Its title, where needed (Reddit, Discourse).")
    ] = None,
    community: Annotated[
        str | None,
        typer.Option(help="Its subreddit (Reddit) or category number (Discourse)."),
    ] = None,
    by: Annotated[str, BY_OPTION] = "cli",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Write a draft of a new post of ours; the guard checks it now, a person approves it."""
    from escucha.engage.drafts import create_post_draft

    draft = create_post_draft(
        workspace_of(ctx), source, kind, text, title=title, community=community, by=by
    )
    if as_json:
        typer.echo(to_json(draft))
        return
    typer.echo(f"draft {draft['draft_id']} ({draft['kind']} on {source}): {draft['verdict']}")
    for line in draft["reasons"]:
        typer.echo(f"  {line}")


@drafts_app.command("list")
def drafts_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="pending|approved|published")] = None,
    limit: Annotated[int, typer.Option(help="At most this many drafts.")] = 100,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Drafts, newest first, with their guard verdict and state."""
    from escucha.engage.drafts import list_drafts

    found = list_drafts(workspace_of(ctx), status, limit)
    if as_json:
        typer.echo(to_json({"drafts": found}))
        return
    for draft in found:
        what = (
            f"post {draft['post_id']}"
            if draft["post_id"] is not None
            else f"{draft['kind']} on {draft['source']}"
        )
        typer.echo(
            f"draft {draft['draft_id']}  {what}  {draft['status']}  "
            f"{draft['verdict']}  {_one_line(draft['text'], 60)}"
        )


@drafts_app.command("approve")
def drafts_approve(
    ctx: typer.Context,
    draft_id: Annotated[str, typer.Argument(metavar="DRAFT_ID")],
    override_reason: Annotated[
        str | None,
        typer.Option(help="An admin's written reason to approve a draft the guard blocked."),
    ] = None,
    by: Annotated[str, BY_OPTION] = "cli",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Approve a draft under the workspace's [engage] approval rule."""
    from escucha.engage.drafts import approve_draft, cli_actor
    from escucha.jobs.publishing import after_approval

    workspace = workspace_of(ctx)
    done = approve_draft(
        workspace, _draft_id(draft_id), cli_actor(workspace, by), override_reason=override_reason
    )
    done["publish_queued"] = after_approval(workspace, done)
    if as_json:
        typer.echo(to_json(done))
        return
    queued = "; its publish job is queued (a worker publishes it)" if done["publish_queued"] else ""
    typer.echo(f"draft {done['draft_id']} approved by {done['approved_by']}{queued}")


@drafts_app.command("publish")
def drafts_publish(
    ctx: typer.Context,
    draft_id: Annotated[str, typer.Argument(metavar="DRAFT_ID")],
    by: Annotated[str, BY_OPTION] = "cli",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Publish an approved draft through the source of the post it answers (at most once)."""
    from escucha.engage.publish import publish_draft

    done = publish_draft(workspace_of(ctx), _draft_id(draft_id), by=by)
    if as_json:
        typer.echo(to_json(done))
        return
    again = " (already published)" if done["again"] else ""
    typer.echo(f"published {done['native_id']}{again}" + (f" {done['url']}" if done["url"] else ""))


@drafts_app.command("snippets")
def drafts_snippets(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """The saved reply snippets (shipped and the workspace's snippets.toml)."""
    from escucha.engage.snippets import load_snippets

    found = load_snippets(workspace_of(ctx))
    if as_json:
        typer.echo(to_json(found))
        return
    for name, texts in sorted(found.items()):
        for lang, text in sorted(texts.items()):
            typer.echo(f"{name} [{lang}]: {text}")


def disclosures(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """Posts by people connected to the brand that need a disclosure, each with a reminder."""
    from escucha.engage.disclosures import disclosures_needed

    found = disclosures_needed(workspace_of(ctx))
    if as_json:
        typer.echo(to_json({"items": found}))
        return
    if not found:
        typer.echo("no post needs a disclosure (connections are the contacts' `connection`)")
        return
    for item in found:
        typer.echo(
            f"post {item['post_id']}  {item['connection']}  {item['source']}  "
            f"@{item['author']}: {_one_line(item['text'])}"
        )
        typer.echo(f"    {item['reason']}")
        typer.echo(f"    reminder ({item['reminder']['verdict']}): {item['reminder']['text']}")
