"""What the posts flagged as complaints and as wishes hold: their themes, how many posts each
language has flagged, and the theme a brand is most talked about in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.themes import Theme

FLAGGED_INTENTS = ("complaint", "wish")  # concerns and wishes


def flagged_themes(posts: pd.DataFrame, brands: Sequence[dict]) -> dict[str, list[Theme]]:
    """Intent -> the themes of the complaints and of the wishes, brand words excluded."""
    from escucha.insights.terms import brand_words
    from escucha.insights.themes import themes_of

    exclude = brand_words(brands)
    return {intent: themes_of(posts, intent, exclude=exclude) for intent in FLAGGED_INTENTS}


def flagged_counts(posts: pd.DataFrame, intents: Sequence[str]) -> dict[str, dict[str, int]]:
    """Language -> intent -> posts flagged with it ("any": every post) in a normalised frame."""
    counts: dict[str, dict[str, int]] = {}
    for lang, flags in zip(posts["lang"], posts["intents"], strict=True):
        for intent in intents:
            if intent == "any" or intent in flags:
                per_lang = counts.setdefault(lang, {})
                per_lang[intent] = per_lang.get(intent, 0) + 1
    return counts


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
