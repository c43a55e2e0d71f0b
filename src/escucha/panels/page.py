"""The test report as one offline HTML page (Jinja2, autoescaped: testers' words are
hostile text), in es or en; the web app serves the same page."""

from __future__ import annotations

from typing import Any


def render_report(result: dict[str, Any], lang: str) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from escucha.i18n import catalogue
    from escucha.i18n.catalogue import add_strings
    from escucha.panels.strings import STRINGS

    add_strings(STRINGS)  # a no-op once the plugins added them
    env = Environment(
        loader=PackageLoader("escucha.panels", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    return env.get_template("report.html").render(r=result, t=catalogue(lang), ui=lang)
