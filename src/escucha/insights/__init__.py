"""Pure aggregate functions over a posts frame, shared by the report, CLI, web and API."""

from escucha.insights.aggregates import (
    MIN_POSTS,
    active_authors,
    competitor_table,
    coverage,
    intent_rates,
    mentions,
    net_score,
    net_sentiment,
    share_of_voice,
    volume_over_time,
)
from escucha.insights.keyphrases import Phrase, PhraseIndex, Quote, top_phrases
from escucha.insights.terms import brand_words

__all__ = [
    "MIN_POSTS",
    "Phrase",
    "PhraseIndex",
    "Quote",
    "active_authors",
    "brand_words",
    "competitor_table",
    "coverage",
    "intent_rates",
    "mentions",
    "net_score",
    "net_sentiment",
    "share_of_voice",
    "top_phrases",
    "volume_over_time",
]
