"""The HTML report: one self-contained page (inline CSS and SVG charts, no script) that
opens offline. Post texts are hostile input: the template escapes everything it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def render_report(posts: pd.DataFrame, **inputs: Any) -> str:
    """Return the whole HTML page, written in UI language `lang` (escucha.i18n); `inputs` are
    `escucha.report.context.build_context`'s keyword arguments.

    `themes` (intent -> themes, as escucha.insights.concerns.scope_themes gives them),
    `benchmark` (competitor_benchmark) and `opportunities` (our_opportunities) are computed
    from `posts` when not given. `ideas` (escucha.ideas.list_ideas) and `alerts`
    (escucha.alerts.alert_history) are shown as given; the report reads nothing else.
    """
    from escucha.report.context import build_context

    return render_html(build_context(posts, **inputs))


def render_html(context: dict[str, Any]) -> str:
    """The page of a context built by `escucha.report.context.build_context`."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("escucha.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html.j2").render(context)
