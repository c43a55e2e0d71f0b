"""Breakdowns of the posts of a period: by the analysts' custom categories (share of posts,
sentiment, share of voice within each) and by author (top authors by posts, by reach and by
engagement). Both take the shared period control and need a login; neither changes anything."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from escucha.auth.users import User
from escucha.i18n import catalogue
from escucha.insights.periods import PeriodChoice
from escucha.web.deps import check_csrf, require_user, ui_lang
from escucha.web.periods import PeriodView, period_choice
from escucha.web.render import render
from escucha.web.service import Insights, get_insights

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
Lang = Annotated[str, Depends(ui_lang)]
Data = Annotated[Insights, Depends(get_insights)]
Choice = Annotated[PeriodChoice, Depends(period_choice)]


def _explore(pv: PeriodView, **params: str) -> str:
    """The explorer with these filters, in the period shown."""
    if pv.current is not None:
        params = {
            **params,
            "date_from": pv.current.start.isoformat(),
            "date_to": pv.current.end.isoformat(),
        }
    return "/explore?" + urlencode(params)


def _computing(request: Request, ready: bool, ui: str, user: User, title: str) -> Response | None:
    """The "being computed" answer while a page's numbers are computed in the background."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Refresh": "true"} if ready else None)
    if not ready:
        return render(request, "computing.html", ui=ui, user=user, title=title, active="")
    return None


@router.get("/categories")
def categories_page(
    request: Request, user: CurrentUser, ui: Lang, data: Data, choice: Choice
) -> Response:
    from escucha.insights.categories import category_tables

    t = catalogue(ui)
    pv = data.period(choice)

    def compute():
        with data.engine.connect() as conn:
            return category_tables(conn, data.model_version, pv.current)

    ready, found = data.ready_or_start(("categories_page", pv.current), compute)
    waiting = _computing(request, ready, ui, user, t["title_categories"])
    if waiting is not None:
        return waiting
    table, voices = found
    rows = []
    for r in table.itertuples(index=False):
        brands = voices[voices["category"] == r.category]
        rows.append(
            {
                "name": r.category,
                "query": r.query if isinstance(r.query, str) else None,
                "posts": t.number(int(r.posts)),
                "share": None if r.share != r.share else t.percent(float(r.share)),
                "tagged": t.number(int(r.tagged)),
                "positive": t.number(int(r.positive)),
                "neutral": t.number(int(r.neutral)),
                "negative": t.number(int(r.negative)),
                "net": None if r.net != r.net else t.signed(float(r.net)),
                "n": t.number(int(r.positive) + int(r.negative)),
                "too_few": bool(r.too_few),
                "link": _explore(pv, category=r.category),
                "brands": [
                    {
                        "brand": b.brand,
                        "mentions": t.number(int(b.mentions)),
                        "share": t.percent(float(b.share)),
                    }
                    for b in brands.itertuples(index=False)
                ],
            }
        )
    return render(
        request,
        "categories.html",
        ui=ui,
        user=user,
        title=t["title_categories"],
        active="categories",
        period=pv.control(t),
        rows=rows,
    )


@router.get("/authors")
def authors_page(
    request: Request, user: CurrentUser, ui: Lang, data: Data, choice: Choice
) -> Response:
    """The top authors of the period by posts, by reach (followers when collected) and by
    engagement, each with their share of negative posts and a link to their posts."""
    from escucha.i18n.format import missing
    from escucha.insights import active_authors
    from escucha.insights.aggregates import AUTHOR_ORDERS
    from escucha.insights.periods import in_period

    t = catalogue(ui)
    pv = data.period(choice)

    def compute():
        frame = in_period(data.frame(), pv.current)
        return {by: active_authors(frame, n=15, by=by) for by in AUTHOR_ORDERS}

    ready, found = data.ready_or_start(("authors_page", pv.current), compute)
    waiting = _computing(request, ready, ui, user, t["title_authors"])
    if waiting is not None:
        return waiting
    tables = []
    for by in AUTHOR_ORDERS:
        rows = [
            {
                "author": r.author,
                "source": r.source,
                "posts": t.number(int(r.posts)),
                "negative_share": t.percent(float(r.negative_share)),
                "followers": None if missing(r.followers) else t.number(int(r.followers)),
                "engagement": None if missing(r.engagement) else t.number(int(r.engagement)),
                "link": _explore(pv, q=f'author:"{r.author}"', source=r.source),
            }
            for r in found[by].itertuples(index=False)
        ]
        tables.append({"by": by, "title": t[f"top_authors_{by}"], "rows": rows})
    return render(
        request,
        "authors.html",
        ui=ui,
        user=user,
        title=t["title_authors"],
        active="overview",
        period=pv.control(t),
        tables=tables,
    )
