"""The words of a comparison between two periods (escucha.insights.compare), shared by the
report and the web app: each change with its test, both sample sizes and a verdict that
claims nothing on too few posts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escucha.i18n import Catalogue
    from escucha.insights.compare import BrandChange, Change, Comparison, ThemeChange
    from escucha.insights.periods import Period

MEASURES = ("volume", "share", "net", "complaint", "wish")


def period_text(period: Period | None, t: Catalogue) -> str:
    """ "1 nov 2024 to 30 nov 2024 (30 days)" in the catalogue's language."""
    if period is None:
        return t["period_showing_all"]
    return t.text(
        "period_showing",
        start=t.long_day(period.start),
        end=t.long_day(period.end),
        days=t.number(period.days),
    )


def p_text(p: float | None, t: Catalogue) -> str:
    """A p-value without false precision: two significant digits, never below 0.001."""
    if p is None:
        return "—"
    if p < 0.001:
        return "< " + t.decimal(0.001, 3)
    return "= " + (t.decimal(p, 3) if p < 0.01 else t.decimal(p, 2))


def verdict(change: Change, t: Catalogue) -> str:
    if change.too_few or change.p_value is None:
        return t["change_too_few"]
    key = "change_significant" if change.significant else "change_not_significant"
    return t.text(key, p=p_text(change.p_value, t))


def _value(measure: str, value: float | None, t: Catalogue) -> str:
    if value is None:
        return "—"
    if measure == "volume":
        return t.number(value)
    if measure == "net":
        return t.signed(value) or "—"
    return t.percent(value) or "—"


def _delta(measure: str, change: Change, t: Catalogue) -> str:
    delta = change.delta
    if delta is None:
        return "—"
    if measure == "volume":
        sign = "+" if delta > 0 else ""
        return (sign + t.number(delta)).replace("-", "−")
    if measure == "net":
        return t.signed(delta) or "—"
    if not delta:
        return "0"
    sign = "+" if delta > 0 else "−"  # percentage points, one decimal: no false precision
    return t.text("change_points", delta=sign + t.decimal(abs(delta) * 100, 1))


def change_row(measure: str, change: Change, t: Catalogue) -> dict:
    return {
        "measure": t[f"metric_{measure}"],
        "key": measure,
        "before": _value(measure, change.before, t),
        "after": _value(measure, change.after, t),
        "delta": _delta(measure, change, t),
        "direction": "up" if (change.delta or 0) > 0 else "down" if (change.delta or 0) < 0 else "",
        "samples": f"{t.number(change.n_before)} / {t.number(change.n_after)}",
        "test": t[f"test_{change.test}"],
        "verdict": verdict(change, t),
        "significant": change.significant,
        "too_few": change.too_few,
    }


def brand_block(change: BrandChange, ours: set[str], t: Catalogue) -> dict:
    return {
        "lang": t.language_name(change.lang),
        "code": change.lang,
        "brand": change.brand,
        "ours": change.brand in ours,
        "rows": [change_row(m, getattr(change, m), t) for m in MEASURES],
    }


def theme_row(change: ThemeChange, t: Catalogue) -> dict:
    return {
        "label": change.label,
        "lang": t.language_name(change.lang),
        **change_row("share", change.share, t),
        "posts": f"{t.number(change.posts_before)} / {t.number(change.posts_after)}",
    }


def comparison_section(
    comparison: Comparison | None, ours: set[str], rank: Callable[[str], int], t: Catalogue
) -> dict | None:
    """What a face shows of a comparison: its intro, a block per brand (ours first within a
    language), and the themes that moved per intent."""
    if comparison is None:
        return None
    blocks = sorted(comparison.brands, key=lambda c: (rank(c.lang), c.brand not in ours, c.brand))
    from escucha.insights import MIN_POSTS
    from escucha.insights.compare import MIN_COUNT

    return {
        "before": period_text(comparison.before, t),
        "after": period_text(comparison.after, t),
        "intro": t.text(
            "comparison_intro",
            before=period_text(comparison.before, t),
            after=period_text(comparison.after, t),
            min=t.number(MIN_POSTS),
            count=t.number(MIN_COUNT),
        ),
        "brands": [brand_block(c, ours, t) for c in blocks],
        "themes": [
            {
                "intent": intent,
                "title": t[f"intent_{intent}"],
                "intro": t.text("theme_changes_intro", intent=t[f"intent_{intent}"].lower()),
                "rows": [theme_row(c, t) for c in changes],
            }
            for intent, changes in comparison.themes.items()
        ],
    }
