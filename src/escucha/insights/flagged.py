"""How many posts each language has flagged as complaints and as wishes (their themes, and a
brand's top theme, are escucha.insights.concerns')."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from escucha.insights.concerns import FLAGGED_INTENTS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FLAGGED_INTENTS", "flagged_counts"]


def flagged_counts(posts: pd.DataFrame, intents: Sequence[str]) -> dict[str, dict[str, int]]:
    """Language -> intent -> posts flagged with it ("any": every post) in a normalised frame."""
    counts: dict[str, dict[str, int]] = {}
    for lang, flags in zip(posts["lang"], posts["intents"], strict=True):
        for intent in intents:
            if intent == "any" or intent in flags:
                per_lang = counts.setdefault(lang, {})
                per_lang[intent] = per_lang.get(intent, 0) + 1
    return counts
