"""Pure aggregate functions over a posts frame, shared by the report, CLI, web and API."""

from escucha.insights.aggregates import (
    MIN_POSTS,
    active_authors,
    competitor_table,
    count_mentions,
    coverage,
    intent_rates,
    mentions,
    net_score,
    net_sentiment,
    net_sentiment_from_counts,
    share_from_counts,
    share_of_voice,
    volume_from_counts,
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
    "count_mentions",
    "coverage",
    "intent_rates",
    "mentions",
    "net_score",
    "net_sentiment",
    "net_sentiment_from_counts",
    "share_from_counts",
    "share_of_voice",
    "top_phrases",
    "volume_from_counts",
    "volume_over_time",
]
