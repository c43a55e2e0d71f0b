"""The report's themes: the complaints and the wishes grouped into named themes, per language
(escucha.insights.themes finds them; this module only picks and words what is shown)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from escucha.report.formatting import day, number, safe_url, signed

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.themes import Theme, ThemeQuote

KINDS = (("concerns", "complaint"), ("wishes", "wish"))  # section key, intent
SHOWN = 8  # themes per language and kind
QUOTES = 2
TOP_BRANDS = 3

Themes = Mapping[str, Sequence["Theme"]]  # intent -> its themes, every language


def find_report_themes(posts: pd.DataFrame, brands: list[dict]) -> dict[str, list[Theme]]:
    """The themes of the complaints and of the wishes, brand words excluded."""
    from escucha.insights import brand_words
    from escucha.insights.themes import themes_of

    exclude = brand_words(brands)
    return {intent: themes_of(posts, intent, exclude=exclude) for _, intent in KINDS}


def quote_view(quote: ThemeQuote, t: dict[str, str]) -> dict:
    return {
        "post_id": quote.post_id,
        "text": quote.text,
        "url": safe_url(quote.url),
        "author": t["quote_by"].format(author=quote.author) if quote.author else None,
        "date": day(quote.created_at),
    }


def theme_view(theme: Theme, t: dict[str, str]) -> dict:
    brands = list(theme.brands.items())[:TOP_BRANDS]
    return {
        "id": theme.id,
        "label": theme.label,
        "size": t["theme_posts"].format(n=number(theme.size)),
        "trend": t[f"trend_{theme.trend.direction}"],
        "trend_key": theme.trend.direction,
        "net": signed(theme.sentiment.net) or t["none"],
        "brands": ", ".join(f"{b} ({number(n)})" for b, n in brands) or t["none"],
        "quotes": [quote_view(q, t) for q in theme.quotes[:QUOTES]],
    }


def flagged_counts(posts: pd.DataFrame, intents: Sequence[str]) -> dict[str, dict[str, int]]:
    """Language -> intent -> posts flagged with it ("any": every post) in a normalised frame."""
    counts: dict[str, dict[str, int]] = {}
    for lang, flags in zip(posts["lang"], posts["intents"], strict=True):
        for intent in intents:
            if intent == "any" or intent in flags:
                per_lang = counts.setdefault(lang, {})
                per_lang[intent] = per_lang.get(intent, 0) + 1
    return counts


def language_blocks(
    themes: Themes,
    lang: str,
    flagged: Mapping[str, int],
    t: dict[str, str],
    *,
    kinds: Sequence[tuple[str, str]] = KINDS,
    shown: int | None = SHOWN,
) -> list[dict]:
    """One block per (title key, intent) of `kinds` for one language: its biggest themes
    (`shown`, None: all) and what the rest holds. `flagged` is intent -> posts of the
    language flagged with it ("any": all its posts)."""
    blocks = []
    for kind, intent in kinds:
        found = [th for th in themes.get(intent, ()) if th.lang == lang]
        real = [th for th in found if not th.other]
        other = sum(th.size for th in found if th.other)
        limit = len(real) if shown is None else shown
        hidden = real[limit:]
        n = flagged.get(intent, 0)
        note = t["no_flagged"]
        if n:
            key = "themes_note_any" if intent == "any" else "themes_note"
            note = t[key].format(n=number(n), other=number(other))
        blocks.append(
            {
                "key": kind,
                "intent": intent,
                "title": t[kind],
                "note": note,
                "themes": [theme_view(th, t) for th in real[:limit]],
                "more": t["themes_more"].format(
                    n=number(len(hidden)), posts=number(sum(th.size for th in hidden))
                )
                if hidden
                else None,
                "empty": t["no_themes"] if n and not real else None,
            }
        )
    return blocks


def top_theme_of(themes: Sequence[Theme], lang: str, brand: str) -> tuple[str, int] | None:
    """The theme of `lang` with most posts mentioning `brand`: its label and that count."""
    counted = [
        (th.brands.get(brand, 0), th.size, th.id, th.label)
        for th in themes
        if th.lang == lang and not th.other
    ]
    counted = [c for c in counted if c[0]]
    if not counted:
        return None
    best = min(counted, key=lambda c: (-c[0], -c[1], c[2]))
    return best[3], best[0]
