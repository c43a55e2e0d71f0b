"""The themes page: which groups a filter's themes come in, and how they are shown (the
report's theme views, worded by the UI catalogue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escucha.i18n import catalogue
from escucha.i18n.format import day
from escucha.report.themes import KINDS, language_blocks, quote_view, theme_view

if TYPE_CHECKING:
    from escucha.insights.concerns import BrandTheme
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
            "name": t.language_name(code),
            "blocks": language_blocks(
                finding.themes,
                code,
                finding.flagged[code],
                t,
                kinds=kinds,
                shown=None,
                mine=finding.mine if finding.brand else None,
            ),
        }
        for code in order
    ]


def detail(intent: str, theme: Theme, ui: str, mine: BrandTheme | None = None) -> dict:
    """Everything about one theme, for its page (`mine`: as one brand's view shows it)."""
    t = catalogue(ui)
    view = theme_view(theme, t, mine)
    s = theme.sentiment
    net = t.signed(s.net)
    if net is not None and s.ci_low is not None:
        net += f" ({t.signed(s.ci_low)} … {t.signed(s.ci_high)})"
    return {
        **view,
        "size": t.text("n_posts", n=t.number(theme.size)),
        "mine": view["size"] if mine is not None else None,
        "group": t[TITLES.get(intent, "themes_matching")],
        "lang": t.language_name(theme.lang),
        "brands": ", ".join(f"{b} ({t.number(n)})" for b, n in theme.brands.items()) or t["none"],
        "net": net or t["none"],
        "sentiment": t.text(
            "sentiment_counts",
            positive=t.number(s.positive),
            neutral=t.number(s.neutral),
            negative=t.number(s.negative),
        ),
        "shares": t.text(
            "trend_shares",
            earlier=t.percent(theme.trend.earlier_share),
            later=t.percent(theme.trend.later_share),
        ),
        "terms": ", ".join(term for term, _ in theme.terms) or t["none"],
        "quotes": [quote_view(q, t) for q in theme.quotes],
        "periods": [(day(period), t.number(n)) for period, n in theme.trend.periods],
    }
