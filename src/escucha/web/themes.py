"""The themes page: which groups a filter's themes come in, and how they are shown (the
report's theme views, worded by the UI catalogue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escucha.report.formatting import number, percent, signed
from escucha.report.themes import KINDS, language_blocks, quote_view, theme_view
from escucha.web.i18n import catalogue, language_name

if TYPE_CHECKING:
    from escucha.insights.themes import Theme
    from escucha.web.filters import PostFilter
    from escucha.web.service import ThemeFinding

TITLES = {"complaint": "concerns", "wish": "wishes"}  # other intents: "themes_matching"


def theme_intents(flt: PostFilter) -> tuple[str, ...]:
    """As `escucha themes` does: the filter's intent; with a query every matching post
    ("any"); else the complaints and the wishes, each on its own."""
    if flt.intent:
        return (flt.intent,)
    if flt.q:
        return ("any",)
    return tuple(intent for _, intent in KINDS)


def sections(finding: ThemeFinding, languages: list[str], ui: str) -> list[dict]:
    """Per language (the overview's order, then the others): a block per intent."""
    t = catalogue(ui)
    kinds = [(TITLES.get(i, "themes_matching"), i) for i in finding.themes]
    present = set(finding.flagged)
    order = [c for c in languages if c in present] + sorted(present - set(languages))
    return [
        {
            "code": code,
            "name": language_name(ui, code),
            "blocks": language_blocks(
                finding.themes, code, finding.flagged[code], t, kinds=kinds, shown=None
            ),
        }
        for code in order
    ]


def detail(intent: str, theme: Theme, ui: str) -> dict:
    """Everything about one theme, for its page."""
    t = catalogue(ui)
    view = theme_view(theme, t)
    s = theme.sentiment
    net = signed(s.net)
    if net is not None and s.ci_low is not None:
        net += f" ({signed(s.ci_low)} … {signed(s.ci_high)})"
    return {
        **view,
        "group": t[TITLES.get(intent, "themes_matching")],
        "lang": language_name(ui, theme.lang),
        "brands": ", ".join(f"{b} ({number(n)})" for b, n in theme.brands.items()) or t["none"],
        "net": net or t["none"],
        "sentiment": t["sentiment_counts"].format(
            positive=number(s.positive), neutral=number(s.neutral), negative=number(s.negative)
        ),
        "shares": t["trend_shares"].format(
            earlier=percent(theme.trend.earlier_share), later=percent(theme.trend.later_share)
        ),
        "terms": ", ".join(term for term, _ in theme.terms) or t["none"],
        "quotes": [quote_view(q, t) for q in theme.quotes],
        "periods": [(period.strftime("%Y-%m-%d"), number(n)) for period, n in theme.trend.periods],
    }
