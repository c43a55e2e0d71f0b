"""`escucha surveys responses|weight|analyze|close-loop`: a stored survey's responses, their
quality flags, weights, honest analysis and the results post back to the community."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.cli.surveys_app import surveys_app, words

if TYPE_CHECKING:
    from escucha.i18n import Catalogue

JSON_OPTION = typer.Option("--json", help="Print JSON.")
ID_ARGUMENT = typer.Argument(metavar="ID", help="The survey's id.")
EXCLUDE_OPTION = typer.Option(
    "--exclude-flag", help="Leave out only responses with this flag (repeat for more)."
)
INCLUDE_OPTION = typer.Option("--include-flagged", help="Keep flagged responses too.")
TARGETS_OPTION = typer.Option("--targets", help="Population margins: variable,category,share.")


def _survey(ctx: typer.Context, text: str) -> Any:
    from escucha.research.surveys import get_survey, parse_survey_id

    return get_survey(workspace_of(ctx), parse_survey_id(text))


def _choice(exclude: list[str] | None, include_flagged: bool) -> Any:
    from escucha.research.quality import check_flags
    from escucha.research.results import Choice

    return Choice(check_flags(exclude or ()), include_flagged)


@surveys_app.command()
def responses(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Every response with its answers and quality flags (flags never delete)."""
    from escucha.research.results import flagged_responses, responses_json

    found = _survey(ctx, survey)
    ws = workspace_of(ctx)
    frame = flagged_responses(ws, found.id, found.definition)
    result = responses_json(frame, found.definition)
    if as_json:
        typer.echo(to_json(result))
        return
    t = words(ws)
    for item in result["responses"]:
        typer.echo(t.text("surveys_cli_responses_row", id=item["id"], status=item["status"],
                          source=item["source"] or "-", submitted=item["submitted_at"] or "-",
                          flags=", ".join(item["flags"]) or "-"))  # fmt: skip
    typer.echo(t.text("surveys_cli_responses", n=len(result["responses"])))


@surveys_app.command()
def weight(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    targets: Annotated[Path, TARGETS_OPTION],
    exclude: Annotated[list[str] | None, EXCLUDE_OPTION] = None,
    include_flagged: Annotated[bool, INCLUDE_OPTION] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Rake the complete responses to population margins and show the diagnostics."""
    from escucha.research.results import weigh_survey

    found = _survey(ctx, survey)
    choice = _choice(exclude, include_flagged)
    ws = workspace_of(ctx)
    result = weigh_survey(ws, found.id, found.definition, targets, choice)
    if as_json:
        typer.echo(to_json(result))
        return
    t = words(ws)
    for m in result["margins"]:
        typer.echo(
            t.text(
                "surveys_cli_margin",
                variable=m["variable"],
                category=m["category"],
                target=f"{m['target']:.6g}",
                weighted=f"{m['weighted']:.6g}",
            )
        )
    typer.echo(t.text("surveys_cli_weight_summary", n=result["respondents"],
                      deff=f"{result['design_effect']:.4f}",
                      ess=f"{result['effective_sample_size']:.1f}",
                      top=f"{result['max_weight']:.4g}"))  # fmt: skip
    typer.echo(_excluded(t, result["excluded"]))


def _excluded(t: Catalogue, found: dict[str, Any]) -> str:
    if not found["excluded"]:
        return t.text("surveys_cli_none_excluded", rule=found["rule"])
    why = ", ".join(f"{name} {count}" for name, count in found["by_flag"].items())
    return t.text("surveys_cli_excluded", n=found["excluded"], why=why, rule=found["rule"])


def _crosstab(text: str) -> tuple[str, str]:
    from escucha.errors import UserError

    row, _, column = text.partition(",")
    if not row.strip() or not column.strip():
        raise UserError(f"--crosstab {text!r}: expected ROW,COLUMN (two question names)")
    return row.strip(), column.strip()


@surveys_app.command()
def analyze(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    targets: Annotated[Path | None, TARGETS_OPTION] = None,
    exclude: Annotated[list[str] | None, EXCLUDE_OPTION] = None,
    include_flagged: Annotated[bool, INCLUDE_OPTION] = False,
    crosstab: Annotated[
        list[str] | None, typer.Option("--crosstab", help="ROW,COLUMN: a crosstab (repeat).")
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the statement and output: en, es.")
    ] = "en",
    no_open: Annotated[
        bool, typer.Option("--no-open", help="Do not read open answers with the models.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Frequencies, means, NPS and open answers; never a margin of sampling error."""
    from escucha.research.results import analyze_survey

    found = _survey(ctx, survey)
    result = analyze_survey(
        workspace_of(ctx),
        found.id,
        found.definition,
        targets=targets,
        choice=_choice(exclude, include_flagged),
        crosstabs=[_crosstab(c) for c in crosstab or []],
        read_open=not no_open,
        lang=lang,
    )
    if as_json:
        typer.echo(to_json(result))
        return
    from escucha.i18n import catalogue

    _print_analysis(result, catalogue(lang))


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _interval(t: Catalogue, item: dict[str, Any], scale: float = 100, unit: str = "%") -> str:
    found = item.get("modelled_interval")
    if not found:
        return ""
    return t.text("surveys_cli_modelled", low=f"{scale * found[0]:.1f}{unit}",
                  high=f"{scale * found[1]:.1f}{unit}")  # fmt: skip


def _print_analysis(result: dict[str, Any], t: Catalogue) -> None:
    sample = result["sample"]
    how = t["surveys_cli_weighted" if sample["weighted"] else "surveys_cli_unweighted"]
    typer.echo(t.text("surveys_cli_analysed", n=sample["analysed"], how=how))
    typer.echo(_excluded(t, result["excluded"]))
    typer.echo(result["statement"])
    weighting = result["weighting"]
    if weighting:
        typer.echo(t.text("surveys_cli_weighting", deff=f"{weighting['design_effect']:.4f}",
                          ess=f"{weighting['effective_sample_size']:.1f}",
                          top=f"{weighting['max_weight']:.4g}"))  # fmt: skip
    typer.echo(t.text("surveys_cli_intervals", what=result["interval"]))
    for q in result["questions"]:
        typer.echo(f"\n{q['name']}: {q['label']}")
        for row in q.get("rows", [{"frequencies": q.get("frequencies", [])}]):
            if "name" in row:
                typer.echo(f"  {row['label']}")
            for f in row["frequencies"]:
                typer.echo(f"    {f['label']}: {f['count']}  {_share(f['share'])}{_interval(t, f)}")
        if q.get("mean") and q["mean"].get("mean") is not None:
            typer.echo(
                t.text(
                    "surveys_cli_mean",
                    mean=f"{q['mean']['mean']:.3f}",
                    n=q["mean"]["n"],
                    interval=_interval(t, q["mean"], 1, ""),
                )
            )
        nps = q.get("nps")
        if nps and nps.get("score") is not None:
            typer.echo(t.text("surveys_cli_nps", score=f"{nps['score']:.1f}",
                              promoters=_share(nps["promoters"]),
                              passives=_share(nps["passives"]),
                              detractors=_share(nps["detractors"]),
                              interval=_interval(t, nps, 1, "")))  # fmt: skip
        if "open" in q:
            found = q["open"]
            typer.echo(t.text("surveys_cli_open", n=found["answers"]))
            for key in ("wishes", "complaints"):
                if key in found:
                    labels = ", ".join(x["label"] for x in found[key]["themes"])
                    typer.echo(f"  {t['surveys_cli_' + key]}: {found[key]['count']}"
                               + (f" ({labels})" if labels else ""))  # fmt: skip
    for table in result["crosstabs"]:
        typer.echo("\n" + t.text("surveys_cli_crosstab", row=table["row"], column=table["column"]))
        for cell in table["cells"]:
            typer.echo(t.text("surveys_cli_crosstab_cell", row=cell[table["row"]],
                              column=cell[table["column"]], count=cell["count"],
                              share=_share(cell["column_share"])))  # fmt: skip


@surveys_app.command("close-loop")
def close_loop(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    source: Annotated[
        str | None,
        typer.Option("--source", help="The source the results post is published on."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="es or en (default: the workspace's).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="The post's title, where needed (Reddit).")
    ] = None,
    community: Annotated[
        str | None, typer.Option("--community", help="Its subreddit or Discourse category.")
    ] = None,
    question: Annotated[
        str, typer.Option("--consent-question", help="The question whose yes means: tell me.")
    ] = "hear_back",
    by: Annotated[str, typer.Option("--by", help="Who writes the post.")] = "cli",
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Write the results post of a closed survey as a draft (guard, then approval); once it
    is published, record give:loop-closed for each respondent who asked to hear back."""
    from escucha.research.loop import close_loop as close

    ws = workspace_of(ctx)
    found = _survey(ctx, survey)
    result = close(ws, found.id, found.definition, status=found.status, title=found.title,
                   source=source, lang=lang, post_title=title, community=community,
                   question=question, by=by)  # fmt: skip
    if as_json:
        typer.echo(to_json(result))
        return
    t = words(ws)
    draft = result["draft"]
    typer.echo(t.text("surveys_cli_loop_draft", draft=draft["draft_id"], kind=draft["kind"],
                      source=draft["source"], lang=draft["lang"] or "-",
                      verdict=draft["verdict"], status=draft["status"]))  # fmt: skip
    typer.echo(draft["text"])
    for reason in draft["reasons"]:
        typer.echo(t.text("surveys_cli_loop_reason", reason=reason))
    if result["waiting"]:
        typer.echo(t.text("surveys_cli_loop_waiting", waiting=result["waiting"]))
    else:
        typer.echo(
            t.text(
                "surveys_cli_loop_recorded",
                n=len(result["recorded"]),
                agreed=result["hear_back"],
                already=result["already_recorded"],
            )
        )
