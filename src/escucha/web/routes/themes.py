"""The themes pages: themes of the complaints and wishes, or of any filtered set of posts;
one theme with its posts; its posts as a download."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from escucha.auth.users import User
from escucha.i18n import catalogue
from escucha.insights.periods import PeriodChoice
from escucha.reads.posts import Selection, page
from escucha.web import format as fmt
from escucha.web import themes as views
from escucha.web.deps import check_csrf, require_user, ui_lang
from escucha.web.exports import streaming_export
from escucha.web.filters import FilterError, PostFilter, post_filter
from escucha.web.params import Id
from escucha.web.periods import period_choice, with_period
from escucha.web.render import render
from escucha.web.service import Insights, ThemeFinding, get_insights

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
QUOTED = 5  # themes per block shown with quotes; the rest in a line each
CurrentUser = Annotated[User, Depends(require_user)]
Lang = Annotated[str, Depends(ui_lang)]
Data = Annotated[Insights, Depends(get_insights)]
Filter = Annotated[PostFilter, Depends(post_filter)]
Choice = Annotated[PeriodChoice, Depends(period_choice)]


def find(data: Insights, flt: PostFilter) -> ThemeFinding:
    """The filter's themes; FilterError if its query is not valid."""
    return data.filter_themes(flt, views.theme_intents(flt))


@router.get("/themes")
def themes_page(
    request: Request, user: CurrentUser, ui: Lang, data: Data, flt: Filter, choice: Choice
) -> Response:
    t = catalogue(ui)
    pv = data.period(choice)
    flt = with_period(flt, pv.current)  # the period's posts, unless the filter names days
    error, caret, languages = None, None, []
    brand_intro, accuracy = None, []
    try:
        finding = find(data, flt)
    except FilterError as exc:
        error, caret = t.text("query_error", message=t.error_text(exc)), exc.caret
    else:
        languages = views.sections(finding, data.overview()["languages"], ui)
        brand_intro = t.text("themes_brand_intro", brand=finding.brand) if finding.brand else None
        tasks = [f"intent.{i}" for i in finding.themes if i != "any"]
        accuracy = data.accuracy_notes([s["code"] for s in languages], tasks, ui)
    return render(
        request,
        "themes.html",
        ui=ui,
        user=user,
        title=t["title_themes"],
        active="themes",
        flt=flt,
        period=pv.control(t),
        options=data.filter_options(),
        languages=languages,
        brand_intro=brand_intro,
        accuracy=accuracy,
        quoted=QUOTED,
        error=error,
        caret=caret,
        status_code=400 if error else 200,
    )


@router.get("/themes/{theme_id}")
def theme_page(
    request: Request,
    theme_id: str,
    user: CurrentUser,
    ui: Lang,
    data: Data,
    flt: Filter,
    cursor: Annotated[Id | None, Query()] = None,
) -> Response:
    t = catalogue(ui)
    finding = find(data, flt)
    intent, theme = finding.find(theme_id)
    ids = data.theme_post_ids(theme, finding.brand)
    with data.engine.connect() as conn:
        rows, next_cursor = page(
            conn,
            Selection(ids),
            data.model_version,
            cursor,
            data.ctx.settings.page_size,
        )
    return render(
        request,
        "theme.html",
        ui=ui,
        user=user,
        title=t["title_theme"].format(label=theme.label),
        active="themes",
        flt=flt,
        theme=views.detail(intent, theme, ui, finding.mine.get(theme.id)),
        rows=[fmt.post_for_page(p, ui) for p in rows],
        cursor=cursor,
        next_cursor=next_cursor,
    )


@router.get("/themes/{theme_id}/export")
def theme_export(
    theme_id: str,
    user: CurrentUser,
    data: Data,
    flt: Filter,
    format: Literal["csv", "json", "parquet"] = "csv",
) -> Response:
    finding = find(data, flt)
    _, theme = finding.find(theme_id)
    return streaming_export(data, Selection(data.theme_post_ids(theme, finding.brand)), format)
