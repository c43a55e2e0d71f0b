"""`escucha panels create|list|recruit|invite|status|mark|remind|report|close`: product tests
with the community (docs/panels.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json

if TYPE_CHECKING:
    from escucha.i18n.catalogue import Catalogue
    from escucha.workspace import Workspace

panels_app = typer.Typer(
    name="panels", help="Product tests with the community.", no_args_is_help=True
)
JSON_OPTION = typer.Option("--json", help="Print JSON.")
ID_ARGUMENT = typer.Argument(metavar="ID", help="The product test's id.")


def _id(text: str) -> int:
    from escucha.panels.define import parse_panel_id

    return parse_panel_id(text)


def _t(ctx: typer.Context) -> Catalogue:
    from escucha.i18n import catalogue
    from escucha.i18n.catalogue import first_supported

    return catalogue(first_supported(workspace_of(ctx).config.languages))


@panels_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The test's name.")],
    segment: Annotated[
        str, typer.Option("--segment", help="A saved segment's name, 'all', or a query.")
    ],
    size: Annotated[int, typer.Option("--size", help="How many testers to draw.")],
    quota: Annotated[
        list[str] | None, typer.Option("--quota", help="attribute=VALUE:N (repeatable).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="The draw's seed.")] = None,
    product: Annotated[str | None, typer.Option("--product", help="What is tested.")] = None,
    idea: Annotated[int | None, typer.Option("--idea", help="The backlog idea it answers.")] = None,
    goals: Annotated[
        str | None, typer.Option("--goals", help="What the test should learn.")
    ] = None,
    phase: Annotated[
        list[str] | None, typer.Option("--phase", help="A phase's name (repeatable, in order).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only contacts of this language.")
    ] = None,
    country: Annotated[str | None, typer.Option("--country", help="Only this country.")] = None,
    internal: Annotated[
        bool, typer.Option("--internal", help="Employees and affiliates may take part.")
    ] = False,
    rest_months: Annotated[
        int, typer.Option("--rest-months", help="Not tested in the last N months.")
    ] = 6,
    receives: Annotated[str, typer.Option("--receives", help="gift, loan or nothing.")] = "gift",
    disclosure: Annotated[
        str | None, typer.Option("--disclosure", help="What testers write when they post.")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Define a product test (a draft until recruited)."""
    from escucha.panels.define import create_panel

    panel = create_panel(
        workspace_of(ctx),
        name,
        segment,
        size,
        quotas=quota,
        seed=seed,
        product=product,
        idea_id=idea,
        goals=goals,
        phases=phase,
        lang=lang,
        country=country,
        internal=internal,
        rest_months=rest_months,
        receives=receives,
        disclosure=disclosure,
    )
    if as_json:
        typer.echo(to_json({"panel_id": panel["id"]}))
    else:
        typer.echo(_t(ctx).text("panel_cli_created", id=panel["id"], seed=panel["seed"]))


@panels_app.command("list")
def list_(ctx: typer.Context, as_json: Annotated[bool, JSON_OPTION] = False) -> None:
    """The product tests, newest first."""
    from escucha.panels.define import list_panels

    found = list_panels(workspace_of(ctx))
    if as_json:
        typer.echo(to_json({"panels": found}))
        return
    for p in found:
        typer.echo(f"#{p['id']} {p['status']:<9} {p['name']}  size {p['size']}  seed {p['seed']}")


@panels_app.command("phase")
def phase(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    position: Annotated[int, typer.Argument(metavar="PHASE", help="The phase's number (1...).")],
    survey: Annotated[int, typer.Option("--survey", help="The survey that is its questionnaire.")],
) -> None:
    """Answer a phase through a survey (its ratings and NPS go in the report)."""
    from escucha.panels.phases import link_survey

    link_survey(workspace_of(ctx), _id(panel), position, survey)
    typer.echo(f"phase {position} -> survey {survey}")


@panels_app.command("recruit")
def recruit(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Draw the testers (once): the pool, the draw and who was left out and why."""
    from escucha.panels.recruit import recruit as run

    found = run(workspace_of(ctx), _id(panel))
    if as_json:
        typer.echo(to_json(found))
        return
    for item in found["pool"]:
        mark = "*" if item["contact"] in found["selected"] else " "
        typer.echo(f"{mark} #{item['contact']} fit {item['fit']}: {', '.join(item['reasons'])}")
    for item in found["left_out"]:
        typer.echo(f"- #{item['contact']}: {item['reason']}")
    for note in found["notes"]:
        typer.echo(note)
    typer.echo(
        _t(ctx).text(
            "panel_cli_recruited",
            selected=len(found["selected"]),
            left_out=len(found["left_out"]),
            seed=found["seed"],
        )
    )


@panels_app.command("invite")
def invite(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    source: Annotated[
        str | None, typer.Option("--source", help="Also draft a public tester call here.")
    ] = None,
    send: Annotated[
        str | None,
        typer.Option(
            "--send",
            help="email: email each invited tester their invitation and link, once (a job on "
            "PostgreSQL; run again to retry).",
        ),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Invite the drawn testers who may be asked now (ask:test), each with a personal link.
    Prints the messages to send; with --send email, emails them instead."""
    from escucha.panels.invite import invite as run

    if send not in (None, "email"):
        raise typer.BadParameter("the only way to send is 'email'", param_hint="--send")
    ws = workspace_of(ctx)
    found = run(ws, _id(panel), source=source)
    if send:
        found["emails"] = _send(ws, found["panel_id"])
        for item in found["invited"]:  # the emailed link replaces the one made when invited
            del item["url"], item["text"]
    if as_json:
        typer.echo(to_json(found))
        return
    for item in found["invited"] if not send else []:
        typer.echo(f"#{item['contact']} {item['name']}: {item['url']}")
    for item in found["left_out"]:
        typer.echo(f"- #{item['contact']}: {item['reason']}")
    t = _t(ctx)
    typer.echo(
        t.text("panel_cli_invited", invited=len(found["invited"]), left_out=len(found["left_out"]))
    )
    if send:
        _print_emails(t, found["emails"])


def _send(ws: Workspace, panel_id: int) -> dict:
    """Email the invitations now (SQLite), or queue the job a worker runs (PostgreSQL)."""
    if ws.engine.dialect.name == "postgresql":
        from escucha.jobs.worker import queue_job

        queue_job(ws, "send_panel_invitations", panel_id=panel_id)
        return {"queued": True}
    from escucha.panels.sending import send_invitations

    return {"queued": False, **send_invitations(ws, panel_id)}


def _print_emails(t: Catalogue, emails: dict) -> None:
    if emails["queued"]:
        typer.echo(t["panel_cli_emails_queued"])
        return
    typer.echo(t.text("panel_cli_emailed", sent=len(emails["sent"]),
                      already=len(emails["already_sent"]), failed=len(emails["failed"]),
                      skipped=len(emails["skipped"])))  # fmt: skip
    for item in emails["skipped"]:
        typer.echo(t.text("panel_cli_email_skipped_row", id=item["contact_id"] or "-",
                          reason=item["reason"]))  # fmt: skip
    for item in emails["failed"]:
        typer.echo(t.text("panel_cli_email_failed_row", id=item["contact_id"],
                          error=item["error"]))  # fmt: skip


@panels_app.command("status")
def status(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Each tester's status, what they received, phases done, reminders, quality score."""
    from escucha.panels.define import get_panel
    from escucha.panels.quality import scores
    from escucha.panels.testers import list_testers

    ws = workspace_of(ctx)
    panel_id = _id(panel)
    info = get_panel(ws, panel_id)
    quality = scores(ws, panel_id)
    testers = [t | {"quality": quality.get(t["tester_id"])} for t in list_testers(ws, panel_id)]
    if as_json:
        typer.echo(to_json({"panel": info, "testers": testers}))
        return
    typer.echo(f"#{info['id']} {info['name']}: {info['status']}")
    for t in testers:
        score = t["quality"]["score"] if t["quality"] else "-"
        typer.echo(
            f"contact {t['contact_id'] or '(erased)'}  {t['status']:<9} phases "
            f"{t['phases_done']}  reminders {t['reminders']}  quality {score}"
        )


@panels_app.command("mark")
def mark(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    contact: Annotated[int, typer.Argument(metavar="CONTACT_ID", help="The tester's contact.")],
    status: Annotated[
        str, typer.Argument(help="accepted, declined, shipped, active, completed, dropped.")
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (a drop needs one).")] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="What they received (e.g. a loan unit).")
    ] = None,
    phase: Annotated[int | None, typer.Option("--phase", help="A phase they completed.")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Set a tester's status, what they received, a phase done."""
    from escucha.panels.testers import mark as run

    found = run(
        workspace_of(ctx),
        _id(panel),
        contact,
        status,
        reason=reason,
        received=received,
        phase=phase,
    )
    typer.echo(to_json(found) if as_json else f"contact {contact}: {found['status']}")


@panels_app.command("remind")
def remind(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    after_days: Annotated[int, typer.Option("--after-days", help="Days between reminders.")] = 3,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Remind testers who owe an answer or a phase (at most two reminders each)."""
    from escucha.panels.testers import remind as run

    found = run(workspace_of(ctx), _id(panel), after_days=after_days)
    if as_json:
        typer.echo(to_json(found))
        return
    for item in found["reminded"]:
        typer.echo(f"#{item['contact_id']}: {item['reason']} {item['url']}")
    typer.echo(
        _t(ctx).text(
            "panel_cli_reminded", reminded=len(found["reminded"]), capped=len(found["capped"])
        )
    )


@panels_app.command("disclosures")
def disclosures(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Testers' posts about the product or brand without a clear disclosure."""
    from escucha.panels.watch import disclosure_watch

    found = disclosure_watch(workspace_of(ctx), _id(panel))
    if as_json:
        typer.echo(to_json({"posts": found}))
        return
    for item in found:
        typer.echo(f"post {item['post_id']} by {item['author']}: {item['reason']}")
        typer.echo(f"  reminder: {item['reminder']['text']}")


@panels_app.command("report")
def report(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    lang: Annotated[str, typer.Option("--lang", help="es or en.")] = "en",
    out: Annotated[Path | None, typer.Option("--out", help="Write an offline HTML file.")] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The test's results: who took part, themes, issues by severity, caveats."""
    from escucha.panels.page import render_report
    from escucha.panels.results import panel_results

    ws = workspace_of(ctx)
    if lang not in ("es", "en"):
        raise typer.BadParameter("--lang must be es or en")
    result = panel_results(ws, _id(panel))
    if out is not None:
        out.write_text(render_report(result, lang), encoding="utf-8")
        typer.echo(str(out))
    elif as_json:
        typer.echo(to_json(result))
    else:
        typer.echo(to_json(result))


@panels_app.command("close")
def close(
    ctx: typer.Context,
    panel: Annotated[str, ID_ARGUMENT],
    outcome: Annotated[str, typer.Option("--outcome", help="shipped or declined.")],
    lang: Annotated[str, typer.Option("--lang", help="The notes' language: es or en.")] = "es",
    source: Annotated[
        str | None, typer.Option("--source", help="Draft the notes as posts on this source.")
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """End the test: thank-you and "you asked, we tested" notes, give:loop-closed."""
    from escucha.panels.results import close_panel

    found = close_panel(workspace_of(ctx), _id(panel), outcome, lang=lang, source=source)
    if as_json:
        typer.echo(to_json(found))
        return
    for key, text in found["texts"].items():
        typer.echo(f"{key} ({found['guard'][key]}): {text}")
    typer.echo(_t(ctx).text("panel_cli_closed", id=found["panel_id"], outcome=outcome))
