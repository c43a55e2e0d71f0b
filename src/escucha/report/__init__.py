"""The HTML report: one self-contained page (inline CSS and SVG charts, no script) that
opens offline. Post texts are hostile input: the template escapes everything it shows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def render_report(
    posts: pd.DataFrame,
    *,
    workspace_name: str,
    brands: list[dict],
    sources: list[dict],
    models: dict,
    generated_at: datetime,
) -> str:
    """Return the whole HTML page."""
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
    )
    return environment.get_template("report.html.j2").render(context)
