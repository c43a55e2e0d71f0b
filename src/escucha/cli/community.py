"""`escucha contacts`, `escucha ledger` and `escucha segments`: the community's commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.data import parse_mapping
from escucha.cli.ideas import to_json
from escucha.errors import UserError

if TYPE_CHECKING:
    from escucha.workspace import Workspace

contacts_app = typer.Typer(
    name="contacts",
    help="People across platforms: import, list, resolve identities, export, forget.",
    no_args_is_help=True,
)
ledger_app = typer.Typer(
    name="ledger", help="The give/ask ledger: what we gave and what we asked.", no_args_is_help=True
)
segments_app = typer.Typer(
    name="segments", help="Saved filters over contacts, to pick people from.", no_args_is_help=True
)

JSON_OPTION = typer.Option("--json", help="Print JSON.")
ID_ARGUMENT = typer.Argument(metavar="ID", help="The contact's id.")


def _community(ctx: typer.Context) -> Workspace:
    """The workspace, with every author seen so far a contact."""
    from escucha.community.build import build_contacts

    workspace = workspace_of(ctx)
    build_contacts(workspace)
    return workspace


def _id(text: str) -> int:
    from escucha.community.views import parse_contact_id

    return parse_contact_id(text)


def _attributes(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--attr {pair!r}: expected NAME=VALUE, e.g. city=Madrid")
        out[name.strip()] = value.strip()
    return out


def _line(contact: dict) -> str:
    who = contact["name"] or "(no name)"
    handles = ", ".join(f"{i['platform']}:{i['handle']}" for i in contact["identities"])
    state = "ready" if contact["ready"] else "not ready: " + "; ".join(contact["reasons"])
    return (
        f"#{contact['id']} {who}  [{handles or 'no identity'}]  "
        f"gives {contact['gives']} / asks {contact['asks']}  {state}"
    )


def _print_contacts(found: list[dict], as_json: bool) -> None:
    if as_json:
        typer.echo(to_json({"contacts": found}))
        return
    for contact in found:
        typer.echo(_line(contact))
    typer.echo(f"{len(found):,} contacts")


@contacts_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV or JSON Lines (optionally .gz).")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="FIELD=COLUMN, e.g. email=correo (repeatable)."),
    ] = None,
    consent_text_version: Annotated[
        str, typer.Option(help="Version of the consent text the file's `consent` answered.")
    ] = "unspecified",
) -> None:
    """Import contacts; re-importing the same file changes nothing."""
    from escucha.community.importer import import_contacts

    workspace = workspace_of(ctx)
    done = import_contacts(
        workspace,
        file,
        mapping=parse_mapping(map_ or []),
        rejects_dir=workspace.rejects_dir,
        consent_text_version=consent_text_version,
    )
    typer.echo(
        f"{file}: {done.rows:,} rows: {done.created:,} new contacts, {done.updated:,} updated, "
        f"{done.unchanged:,} unchanged, {done.rejected:,} rejected"
        + (f"; {done.suggested:,} merges to decide (escucha contacts suggest)"
           if done.suggested else "")
    )  # fmt: skip
    if done.rejects_path:
        typer.echo(f"rejected rows and their reasons: {done.rejects_path}")


@contacts_app.command("list")
def list_(
    ctx: typer.Context,
    ready: Annotated[bool, typer.Option("--ready", help="Only contacts we may ask now.")] = False,
    lang: Annotated[str | None, typer.Option(help="Only contacts in this language.")] = None,
    country: Annotated[str | None, typer.Option(help="Only contacts in this country.")] = None,
    attr: Annotated[
        list[str] | None, typer.Option("--attr", help="NAME=VALUE an attribute must have.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 0,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Contacts with their identities, gives and asks, and whether we may ask them now."""
    from escucha.community.views import list_contacts

    found = list_contacts(
        _community(ctx),
        ready=True if ready else None,
        lang=lang,
        country=country,
        attributes=_attributes(attr),
        limit=limit,
    )
    _print_contacts(found, as_json)


@contacts_app.command("show")
def show(
    ctx: typer.Context,
    contact_id: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """One contact: identities, emails, attributes, engagement, ledger and readiness."""
    from escucha.community.views import show_contact

    contact = show_contact(_community(ctx), _id(contact_id))
    if as_json:
        typer.echo(to_json(contact))
        return
    typer.echo(_line(contact))
    for key in (
        "emails",
        "lang",
        "country",
        "attributes",
        "posts",
        "posts_about_us",
        "replies_to_us",
        "last_seen",
        "gives_90d",
        "asks_90d",
        "last_give",
        "last_ask",
        "consent",
    ):
        typer.echo(f"  {key}: {contact[key]}")  # fmt: skip


@contacts_app.command("suggest")
def suggest(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 0,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Merges waiting for a person, each with its reason and confidence."""
    from escucha.community.resolve import suggestions

    workspace = _community(ctx)
    found = suggestions(workspace, limit=limit or None)
    if as_json:
        typer.echo(to_json({"suggestions": found}))
        return
    for s in found:
        a, b = s["contacts"]
        typer.echo(f"#{a} + #{b}  {s['confidence']:.2f}  {s['reason']}")
    typer.echo(f"{len(found):,} suggestions; 'escucha contacts merge A B --reason TEXT' merges")


@contacts_app.command("merge")
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(metavar="A", help="The contact that stays.")],
    other: Annotated[str, typer.Argument(metavar="B", help="The contact folded into A.")],
    reason: Annotated[str, typer.Option(help="Why they are one person (kept in the log).")],
    by: Annotated[str, typer.Option(help="Who merges (kept in the log).")] = "cli",
) -> None:
    """Merge contact B into A; `escucha contacts unmerge` undoes it exactly."""
    from escucha.community.merge import merge_contacts

    done = merge_contacts(_community(ctx), _id(keep), _id(other), reason, by)
    typer.echo(f"merged contact {done['merged_id']} into {done['kept_id']} (merge #{done['id']})")


@contacts_app.command("unmerge")
def unmerge(
    ctx: typer.Context,
    contact_id: Annotated[str, ID_ARGUMENT],
    identity: Annotated[
        str, typer.Option(help="PLATFORM:HANDLE of an identity a merge brought in.")
    ],
    by: Annotated[str, typer.Option(help="Who unmerges (kept in the log).")] = "cli",
) -> None:
    """Undo the merge that brought an identity into a contact, restoring both as they were."""
    from escucha.community.merge import unmerge_identity

    done = unmerge_identity(workspace_of(ctx), _id(contact_id), identity, by)
    typer.echo(
        f"contact {done['restored_id']} restored from contact {done['kept_id']} "
        f"(merge #{done['merge']} undone)"
    )


@contacts_app.command("consent")
def consent(
    ctx: typer.Context,
    contact_id: Annotated[str, ID_ARGUMENT],
    answer: Annotated[str, typer.Argument(metavar="yes|no")],
    channel: Annotated[str, typer.Option(help="Where they answered: email, web form...")],
    text_version: Annotated[str, typer.Option(help="Version of the text they agreed to.")],
) -> None:
    """Record a person's consent (or refusal) to be contacted."""
    from escucha.community.rights import record_consent

    if answer not in ("yes", "no"):
        raise UserError(f"answer {answer!r}: expected yes or no")
    record_consent(_community(ctx), _id(contact_id), answer == "yes", channel=channel,
                   text_version=text_version)  # fmt: skip
    typer.echo(f"consent {answer} recorded for contact {contact_id}")


@contacts_app.command("opt-out")
def opt_out(ctx: typer.Context, contact_id: Annotated[str, ID_ARGUMENT]) -> None:
    """The person objects to being contacted: never asked or invited again."""
    from escucha.community.rights import opt_out as record_opt_out

    record_opt_out(_community(ctx), _id(contact_id))
    typer.echo(f"contact {contact_id} opted out")


@contacts_app.command("export")
def export(
    ctx: typer.Context,
    contact_id: Annotated[str, ID_ARGUMENT],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file (default: print).")
    ] = None,
) -> None:
    """Everything held about a person, as JSON (access and portability requests)."""
    from escucha.community.rights import export_contact

    text = to_json(export_contact(_community(ctx), _id(contact_id)))
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"wrote {out}")


@contacts_app.command("forget")
def forget(
    ctx: typer.Context,
    contact_id: Annotated[str, ID_ARGUMENT],
    by: Annotated[str, typer.Option(help="Who erases (kept in the erasure log).")] = "cli",
) -> None:
    """Erase a person: contact, identities, emails, their posts and all held about them."""
    from escucha.community.rights import forget_contact

    done = forget_contact(_community(ctx), _id(contact_id), by)
    typer.echo(
        f"contact {contact_id} forgotten: {done['identities']} identities and "
        f"{done['posts']} posts erased; their posts will not be collected again"
    )


@contacts_app.command("scrub")
def scrub(ctx: typer.Context) -> None:
    """Compact the SQLite store so no erased byte stays in its files (after a held-up forget)."""
    from escucha.community.rights import scrub_store

    scrub_store(workspace_of(ctx))
    typer.echo("store scrubbed")


@ledger_app.command("add")
def ledger_add(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Option(
            help="give:help|give:answer|give:thanks|give:share|"
            "give:loop-closed|give:gift|ask:survey|ask:test|"
            "ask:opinion|ask:favour"
        ),
    ],
    contact: Annotated[
        str | None, typer.Option(help="The contact's id (none: the community at large).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="What happened.")] = None,
    channel: Annotated[str, typer.Option(help="Where: mastodon, email, forum...")] = "manual",
    ref: Annotated[
        str | None, typer.Option(help="What it refers to: a URL, post:ID, idea:ID.")
    ] = None,
    by: Annotated[str, typer.Option(help="Who records it.")] = "cli",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Record a give or an ask."""
    from escucha.community.ledger import record_interaction

    row = record_interaction(
        _community(ctx),
        kind,
        contact_id=_id(contact) if contact is not None else None,
        channel=channel,
        note=note,
        ref=ref,
        recorded_by=by,
    )
    if as_json:
        typer.echo(to_json(row))
        return
    typer.echo(f"recorded {kind} #{row['id']}" + (f" for contact {contact}" if contact else ""))


@ledger_app.command("list")
def ledger_list(
    ctx: typer.Context,
    contact: Annotated[str | None, typer.Option(help="Only this contact's.")] = None,
    kind: Annotated[str | None, typer.Option(help="give, ask, or one kind.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0: all).")] = 50,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Gives and asks, newest first, and the give/ask balance per month."""
    from escucha.community.ledger import give_ask_by_month, list_interactions

    workspace = workspace_of(ctx)
    rows = list_interactions(
        workspace, contact_id=_id(contact) if contact else None, kind=kind, limit=limit
    )
    months = give_ask_by_month(workspace)
    if as_json:
        typer.echo(to_json({"interactions": rows, "months": months}))
        return
    for r in rows:
        who = f"contact {r['contact_id']}" if r["contact_id"] else "community"
        typer.echo(
            f"#{r['id']} {r['occurred_at']:%Y-%m-%d} {r['kind']:<17} {who}  {r['channel']}"
            + (f"  {r['note']}" if r["note"] else "")
        )
    for m in months:
        if m["gives"] or m["asks"]:
            warn = "  asks outran gives" if m["warning"] else ""
            typer.echo(f"{m['month']}: {m['gives']} gives, {m['asks']} asks{warn}")


@segments_app.command("create")
def segments_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The segment's name.")],
    lang: Annotated[str | None, typer.Option(help="Contacts in this language.")] = None,
    country: Annotated[str | None, typer.Option(help="Contacts in this country.")] = None,
    attr: Annotated[list[str] | None, typer.Option("--attr", help="NAME=VALUE.")] = None,
    min_posts: Annotated[int, typer.Option(help="At least this many posts.")] = 0,
    ready: Annotated[bool, typer.Option("--ready", help="Only contacts we may ask now.")] = False,
    query: Annotated[
        str | None, typer.Option(help="Posts query, e.g. 'brand:Iberia AND intent:wish'.")
    ] = None,
    purpose: Annotated[str, typer.Option(help="ask (never opted-out people) or analysis.")] = "ask",
) -> None:
    """Save a filter over contacts."""
    from escucha.community.segments import SegmentFilters, create_segment

    filters = SegmentFilters(lang, country, _attributes(attr), min_posts, True if ready else None,
                             query)  # fmt: skip
    row = create_segment(workspace_of(ctx), name, filters, purpose)
    typer.echo(f"segment {row['name']!r} saved (#{row['id']})")


@segments_app.command("list")
def segments_list(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """The saved segments and their filters."""
    from escucha.community.segments import list_segments

    rows = list_segments(workspace_of(ctx))
    if as_json:
        typer.echo(to_json({"segments": rows}))
        return
    for r in rows:
        typer.echo(f"{r['name']}  ({r['purpose']})  {r['filters']}")


@segments_app.command("show")
def segments_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The segment's name.")],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The contacts a segment holds now."""
    from escucha.community.segments import segment_members

    found = segment_members(_community(ctx), name)
    _print_contacts(found, as_json)


@segments_app.command("delete")
def segments_delete(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The segment's name.")]
) -> None:
    """Delete a saved segment (its contacts are untouched)."""
    from escucha.community.segments import delete_segment

    delete_segment(workspace_of(ctx), name)
    typer.echo(f"segment {name!r} deleted")
