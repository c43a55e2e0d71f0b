"""The pages: overview, mentions explorer (with exports), post, competitors (with the
opportunities), sources; /concerns, retired, leads to the themes. All need a login; none
changes anything."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from escucha.auth.users import User
from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.i18n import catalogue
from escucha.insights import MIN_POSTS
from escucha.insights.periods import PeriodChoice
from escucha.reads.posts import SORTS, detail, fetch
from escucha.web import format as fmt
from escucha.web.deps import check_csrf, require_changer, require_user, ui_lang
from escucha.web.exports import streaming_export
from escucha.web.filters import FilterError, PostFilter, post_filter
from escucha.web.params import Id
from escucha.web.periods import PeriodView, explore_link, period_choice, with_period
from escucha.web.render import Body, render, render_shared
from escucha.web.service import Insights, get_insights

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
Changer = Annotated[User, Depends(require_changer)]
Lang = Annotated[str, Depends(ui_lang)]
Data = Annotated[Insights, Depends(get_insights)]
Filter = Annotated[PostFilter, Depends(post_filter)]
Choice = Annotated[PeriodChoice, Depends(period_choice)]
COMPARED_TASKS = ("sentiment", "intent.complaint", "intent.wish")  # the competitor table's


@router.get("/")
def overview(request: Request, user: CurrentUser, ui: Lang, data: Data, choice: Choice) -> Response:
    from escucha.web.engage import honesty_panel

    # the page's body depends on the data version, the language, the period and the honesty
    # figures only: rendered once, then reused by every request until one of them changes
    honesty = honesty_panel(data.honesty(), ui)
    return render_shared(
        request,
        "overview.html",
        data=data,
        key=(choice, tuple(honesty.items())),
        body=lambda: Body({**_overview_parts(data, ui, choice), "honesty": honesty}),
        ui=ui,
        user=user,
        title=catalogue(ui)["title_overview"],
        active="overview",
    )


def _overview_parts(data: Insights, ui: str, choice: PeriodChoice) -> dict:
    """The overview's numbers, charts, rows and comparison as the template shows them."""
    from escucha.insights.compare_text import comparison_section
    from escucha.web.routes.report import download_links

    t = catalogue(ui)
    pv = data.period(choice)
    view = data.overview(pv.current)
    ours = {b.name for b in data.ctx.workspace.config.brands if b.ours}
    rank = {code: i for i, code in enumerate(view["languages"])}
    comparison = None
    if pv.current is not None and pv.compared is not None:
        from escucha.insights.compare import Comparison

        changes = data.comparison(pv.compared, pv.current)
        found = Comparison(pv.compared, pv.current, changes, {})
        comparison = comparison_section(found, ours, lambda c: rank.get(c, len(rank)), t)
        for block in comparison["brands"]:
            flt = PostFilter(brand=block["brand"], lang=block["code"])
            block["before_link"] = explore_link(flt, pv.compared)
            block["after_link"] = explore_link(flt, pv.current)
            block["drivers_link"] = _drivers_link(flt, pv)
    return {
        "totals": {
            "posts": t.number(view["posts"]),
            "enriched": t.number(view["enriched"]),
            "mentions": t.number(view["mentions"]),
            "languages": t.number(len(view["languages"])),
        },
        "periods": fmt.periods(view, ui),
        "charts": data.charts(ui, pv.current, links=True),
        "rows": [
            {
                **row,
                "posts_link": explore_link(
                    PostFilter(brand=row["brand"], lang=row["code"]), pv.current
                ),
                "drivers_link": _drivers_link(PostFilter(brand=row["brand"], lang=row["code"]), pv),
            }
            for row in fmt.overview_rows(view, ours, ui)
        ],
        "period": pv.control(t),
        "downloads": download_links(pv.query()),
        "comparison": comparison,
        "min_posts": MIN_POSTS,
        "sentiment_accuracy": data.accuracy_notes(view["languages"], ("sentiment",), ui),
        "labelled": t.text("labels_overview", n=t.number(view["labelled"]))
        if view["labelled"]
        else None,
    }


def _drivers_link(flt: PostFilter, pv: PeriodView) -> str | None:
    """What drove a brand's mentions in the period (against the compared one or the
    previous period of the same length); None without a period."""
    if pv.current is None:
        return None
    flt = with_period(flt, pv.current)
    baseline = pv.compared or pv.current.previous()
    return "/drivers?" + flt.params(compare=baseline.text())


def _is_partial(request: Request) -> bool:
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-history-restore-request") != "true"
        and headers.get("hx-target") == "results"
    )


@router.get("/explore")
def explore(
    request: Request,
    user: CurrentUser,
    ui: Lang,
    data: Data,
    flt: Filter,
    choice: Choice,
    sort: Literal["newest", "oldest", "engagement", "reach"] = "newest",
    number: Annotated[Id, Query(alias="page")] = 1,
) -> Response:
    partial = _is_partial(request)
    # the results depend on the data version, the language and the query only: rendered
    # once, then reused by every request and user until the data changes
    return render_shared(
        request,
        "_results.html" if partial else "explore.html",
        data=data,
        key=(flt, choice, sort, number, partial),
        body=lambda: _explore_body(data, ui, flt, choice, sort, number, partial),
        ui=ui,
        user=user,
        title=catalogue(ui)["title_explore"],
        active="explore",
        fragment=partial,
    )


def _explore_body(
    data: Insights,
    ui: str,
    flt: PostFilter,
    choice: PeriodChoice,
    sort: str,
    number: int,
    partial: bool,
) -> Body:
    """The explorer's results (or the query's error), its form and links, and the answer's
    status and headers."""
    t = catalogue(ui)
    pv = data.period(choice)
    if choice.preset:  # the preset's days; links keep the preset, not the days
        flt = replace(flt, date_from=None, date_to=None)
    shown = with_period(flt, pv.current) if choice.preset else flt
    error = caret = None
    rows: list[dict] = []
    total = pages = 0
    try:
        query = shown.compile()
    except FilterError as exc:
        query = None
        error, caret = t.text("query_error", message=t.error_text(exc)), exc.caret
    if error is None:
        total = data.selected(query, sort)  # before taking a connection: it may need its own
        size = data.ctx.settings.page_size
        pages = max(1, -(-total // size))
        number = min(number, pages)
        shown_ids = data.window(query, sort, (number - 1) * size, number * size)
        with data.engine.connect() as conn:
            found = fetch(conn, shown_ids, data.model_version)
        rows = [fmt.post_for_page(p, ui) for p in found]
    # what every link of the page keeps: the sort and the period control's other values
    keep: dict[str, object] = {"sort": sort if sort != "newest" else None}
    keep.update({k: v for k, v in choice.params().items() if k not in ("date_from", "date_to")})
    link = {n: flt.params(**keep, page=n if n > 1 else None) for n in (number - 1, number + 1)}
    headers = {"Vary": "HX-Request, HX-Target"}
    if partial:  # the address bar shows the filtered view, so it can be shared and reloaded
        here = flt.params(**keep, page=number if number > 1 else None)
        headers["HX-Push-Url"] = "/explore" + (f"?{here}" if here else "")
    context = {
        "flt": flt,
        "keep": keep,
        "period": pv.control(t),
        "drivers_link": _explore_drivers(shown, pv),
        "options": data.filter_options(),
        "sort": sort,
        "sorts": SORTS,
        "rows": rows,
        "error": error,
        "caret": caret,
        "summary": t.text(
            "results_summary",
            n=t.number(total),
            page=t.number(number),
            pages=t.number(pages),
            sort=t[f"sort_{sort}"].lower(),
        )
        if error is None
        else "",
        "total": total,
        "prev_link": link[number - 1] if number > 1 else None,
        "next_link": link[number + 1] if number < pages else None,
    }
    status = 400 if error and not partial else 200  # htmx swaps only 2xx answers
    return Body(context, status, headers)


def _explore_drivers(flt: PostFilter, pv: PeriodView) -> str | None:
    """What drove the posts shown, when they are a span of days (a chart's bin, a period):
    against the compared period, else the previous one of the same length."""
    if flt.date_from is None or flt.date_to is None:
        return None
    from escucha.insights.periods import Period

    days = Period(flt.date_from, flt.date_to)
    baseline = pv.compared or days.previous()
    return "/drivers?" + flt.params(compare=baseline.text())


@router.get("/explore/export")
def explore_export(
    user: CurrentUser,
    data: Data,
    flt: Filter,
    choice: Choice,
    format: Literal["csv", "json", "parquet"] = "csv",
) -> Response:
    pv = data.period(choice)
    shown = with_period(flt, pv.current) if choice.preset else flt
    return streaming_export(data, data.selection(shown.compile()), format)


@router.get("/posts/{post_id}")
def post_page(
    request: Request,
    post_id: Id,
    user: CurrentUser,
    ui: Lang,
    data: Data,
) -> Response:
    from escucha.auth.roles import can_change
    from escucha.understand.categories import list_categories, post_categories_of
    from escucha.understand.corrections import history

    t = catalogue(ui)
    with data.engine.connect() as conn:
        found = detail(conn, post_id, data.model_version)
        changes = history(conn, post_id)
        member = post_categories_of(conn, post_id, data.model_version)
        defined = [c["name"] for c in list_categories(conn)]
    post = fmt.post_for_page(found, ui)
    names = ("negative", "neutral", "positive", "complaint", "wish", "question", "praise", "promo")
    labels = {n: t[f"sentiment_{n}"] if f"sentiment_{n}" in t else t[f"intent_{n}"] for n in names}
    probabilities = [  # label, value, and both as the UI language writes them
        (labels[n], float(post[n]), t.decimal(float(post[n]), 2), t.percent(float(post[n])))
        for n in names
        if post.get(n) is not None
    ]
    return render(
        request,
        "post.html",
        ui=ui,
        user=user,
        title=t["title_post"].format(id=post_id),
        active="explore",
        post=post,
        probabilities=probabilities,
        can_change=can_change(user.role),
        sentiments=SENTIMENTS,
        intents=INTENTS,
        changes=[fmt.label_change(c, ui) for c in changes],
        member=member,
        defined=defined,
        tagged={c["name"] for c in member if c["by_hand"]},
    )


@router.post("/posts/{post_id}/categories")
def tag_post(
    post_id: Id,
    user: Changer,
    data: Data,
    category: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """The post's hand-tagged custom categories become exactly the ones checked (audited)."""
    from escucha.understand.categories import set_tags

    set_tags(data.engine, post_id, user.name, category or ())
    return RedirectResponse(f"/posts/{post_id}#categories-h", status_code=303)


@router.post("/posts/{post_id}/labels")
def relabel_post(
    request: Request,
    post_id: Id,
    user: Changer,
    ui: Lang,
    data: Data,
    sentiment: Annotated[Literal["", "negative", "neutral", "positive"], Form()] = "",
    intent: Annotated[
        list[Literal["wish", "complaint", "question", "praise", "promo"]] | None, Form()
    ] = None,
    restore: Annotated[str | None, Form()] = None,
) -> Response:
    """An analyst's labels for the post (they override the model's everywhere), or
    `restore`: the model's again. Both are audited."""
    from escucha.understand.corrections import clear_labels, relabel

    if restore:
        clear_labels(data.engine, post_id, user.name, data.model_version)
    else:
        relabel(
            data.engine,
            post_id,
            user.name,
            data.model_version,
            sentiment=sentiment or None,
            intents=list(intent or ()),
        )
    return RedirectResponse(f"/posts/{post_id}#labels-h", status_code=303)


@router.get("/competitors")
def competitors(
    request: Request, user: CurrentUser, ui: Lang, data: Data, choice: Choice
) -> Response:
    t = catalogue(ui)
    pv = data.period(choice)
    ready, view = data.ready_or_start(
        ("competitors_page", ui, pv.current), lambda: _competitors(data, ui, pv)
    )
    polling = request.headers.get("hx-request") == "true"  # an htmx poll, not a navigation
    if polling:  # the "being computed" page asking again: reload it once the numbers are ready
        return Response(status_code=204, headers={"HX-Refresh": "true"} if ready else None)
    return render(
        request,
        "competitors.html" if ready else "computing.html",
        ui=ui,
        user=user,
        title=t["title_competitors"],
        active="competitors",
        period=pv.control(t),
        **(view if ready else {}),
    )


def _competitors(data: Insights, ui: str, pv: PeriodView) -> dict:
    """Everything the competitors page shows for the period; slow on a cold cache (computed
    in the background, see `competitors`)."""
    from escucha.report.competition import opportunity_section

    t = catalogue(ui)
    view = data.overview(pv.current)
    rank = {code: i for i, code in enumerate(view["languages"])}
    return {
        "rows": fmt.competitor_rows(data.competitors(pv.current), view["languages"], ui),
        "periods": fmt.periods(view, ui),
        "accuracy": data.accuracy_notes(view["languages"], COMPARED_TASKS, ui),
        "sentiment_chart": data.charts(ui, pv.current)["sentiment"],
        "sentiment_accuracy": data.accuracy_notes(view["languages"], ("sentiment",), ui),
        "min_posts": MIN_POSTS,
        "opportunities": opportunity_section(
            data.opportunities(pv.current),
            data.brand_dicts(),
            lambda code: rank.get(code, len(rank)),
            t,
        ),
    }


@router.get("/concerns")
def concerns(user: CurrentUser, lang: str | None = None, brand: str | None = None) -> Response:
    """Retired: concerns and wishes are the themes (one answer per question, the report's and
    the competitor table's); old links land on the themes page, of the language they named."""
    from urllib.parse import urlencode

    query = urlencode({"lang": lang}) if lang else ""
    return RedirectResponse("/themes" + (f"?{query}" if query else ""), status_code=303)


@router.get("/sources")
def sources(request: Request, user: CurrentUser, ui: Lang, data: Data) -> Response:
    t = catalogue(ui)
    from escucha.reads.sources import runs, source_overview

    with data.engine.connect() as conn:
        found_runs = runs(conn, newest_first=True)
        overview = source_overview(conn, found_runs)
    rows = [
        {
            "source": o.coverage.source,
            "posts": t.number(o.coverage.posts),
            "first": _day(o.coverage.first_post),
            "last": _day(o.coverage.last_post),
            "health": o.health.status,
            "detail": o.health.detail,
        }
        for o in overview
    ]
    run_rows = [
        {
            "id": r.id,
            "source": r.source,
            "location": fmt.location(r.location),
            "started": r.started_at.strftime("%Y-%m-%d %H:%M") if r.started_at else "",
            "status": r.status,
            "accepted": t.number(r.accepted or 0),
            "duplicate": t.number(r.duplicate or 0),
            "rejected": t.number(r.rejected or 0),
            "message": r.message,
        }
        for r in found_runs
    ]
    return render(
        request,
        "sources.html",
        ui=ui,
        user=user,
        title=t["title_sources"],
        active="sources",
        sources=rows,
        runs=run_rows,
    )


def _day(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


@router.get("/drivers")
def drivers(
    request: Request, user: CurrentUser, ui: Lang, data: Data, flt: Filter, choice: Choice
) -> Response:
    """What drove a set of posts (a chart's bin, a brand's period): the terms, hashtags,
    emoji, authors and intents over-represented in them against the baseline period."""
    from escucha.insights.drivers import MIN_POSTS as MIN_DRIVER_POSTS

    t = catalogue(ui)
    pv = data.period(choice)
    if pv.current is None:  # no period chosen: what is trending in the last 7 days
        pv = data.period(PeriodChoice("7d"))
    current = pv.current
    if current is None:  # no dated post at all
        from escucha.errors import UserError
        from escucha.i18n import Message

        raise UserError(Message("period_compare_needs_period"))
    baseline = pv.compared or current.previous()
    chosen = replace(flt, date_from=current.start, date_to=current.end)
    base = replace(flt, date_from=baseline.start, date_to=baseline.end)
    chosen_query, base_query = chosen.compile(), base.compile()
    ready, found = data.ready_or_start(
        ("drivers_page", chosen.query_text(), base.query_text()),
        lambda: data.drivers(chosen_query, base_query),
    )
    if request.headers.get("hx-request") == "true":  # the "being computed" page polling
        return Response(status_code=204, headers={"HX-Refresh": "true"} if ready else None)
    if not ready:
        return render(
            request, "computing.html", ui=ui, user=user, title=t["title_drivers"], active="explore"
        )
    from escucha.insights.compare_text import period_text

    groups = []
    for kind, items in found.found.items():
        rows = []
        for d in items:
            narrowed = _driver_filter(chosen, kind, d.item)
            rows.append(
                {
                    "item": d.item,
                    "chosen": t.number(d.chosen),
                    "baseline": t.number(d.baseline),
                    "lift": "—" if d.lift is None else f"×{t.decimal(d.lift, 1)}",
                    "verdict": _driver_verdict(d.change, t),
                    "link": "/explore?" + narrowed.params() if narrowed else None,
                }
            )
        groups.append({"kind": kind, "title": t[f"drivers_{kind}"], "rows": rows})
    return render(
        request,
        "drivers.html",
        ui=ui,
        user=user,
        title=t["title_drivers"],
        active="explore",
        intro=t.text(
            "drivers_intro",
            chosen=t.text("drivers_chosen", n=t.number(found.chosen))
            + " · "
            + period_text(current, t),
            baseline=t.text("drivers_chosen", n=t.number(found.baseline))
            + " · "
            + period_text(baseline, t),
            min=t.number(MIN_DRIVER_POSTS),
        ),
        posts_link="/explore?" + chosen.params(),
        baseline_link="/explore?" + base.params(),
        groups=groups,
    )


def _driver_filter(flt: PostFilter, kind: str, item: str) -> PostFilter | None:
    """The explorer's filter for the chosen posts that have a driver (None when the query
    language cannot say it: an emoji is not a word)."""
    if kind == "themes":
        return replace(flt, intent=item)
    if kind == "emoji":
        return None
    word = item.lstrip("@#")
    if not word or not all(c.isalnum() or c == "_" for c in word):
        return None
    # a term is folded onto its singular: `word*` finds its plural too
    terms = {"authors": f"author:{word}", "terms": f"{word}*"}
    term = terms.get(kind, item)
    q = f"({flt.q}) AND {term}" if flt.q else term
    return replace(flt, q=q)


def _driver_verdict(change, t) -> str:
    from escucha.insights.compare_text import verdict

    return verdict(change, t)
