"""The HTML report: one self-contained page (inline CSS and SVG charts, no script) that
opens offline. Post texts are hostile input: the template escapes everything it shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.opportunities import Opportunity
    from escucha.report.themes import Themes


def render_report(
    posts: pd.DataFrame,
    *,
    workspace_name: str,
    brands: list[dict],
    sources: list[dict],
    models: dict,
    generated_at: datetime,
    themes: Themes | None = None,
    benchmark: pd.DataFrame | None = None,
    opportunities: list[Opportunity] | None = None,
    ideas: Sequence[dict] = (),
    alerts: Sequence[dict] = (),
    lang: str = "en",
) -> str:
    """Return the whole HTML page, written in UI language `lang` (escucha.i18n).

    `themes` (intent -> themes, as escucha.insights.flagged.flagged_themes gives them),
    `benchmark` (competitor_benchmark) and `opportunities` (our_opportunities) are computed
    from `posts` when not given. `ideas` (escucha.ideas.list_ideas) and `alerts`
    (escucha.alerts.alert_history) are shown as given; the report reads nothing else.
    """
    import jinja2

    from escucha.report.context import build_context

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("escucha.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    context = build_context(
        posts,
        workspace_name=workspace_name,
        brands=brands,
        sources=sources,
        models=models,
        generated_at=generated_at,
        themes=themes,
        benchmark=benchmark,
        opportunities=opportunities,
        ideas=ideas,
        alerts=alerts,
        lang=lang,
    )
    return environment.get_template("report.html.j2").render(context)
