"""Pure aggregate functions over a posts frame, shared by the report, CLI, web and API."""

from escucha.insights.aggregates import (
    MIN_POSTS,
    PostCounts,
    active_authors,
    count_mentions,
    coverage,
    intent_rates,
    language_order,
    language_periods,
    mentions,
    net_score,
    net_sentiment,
    net_sentiment_from_counts,
    post_counts,
    share_from_counts,
    share_of_voice,
    too_few,
    volume_from_counts,
    volume_over_time,
)
from escucha.insights.competitors import competitor_table
from escucha.insights.terms import brand_words

__all__ = [
    "MIN_POSTS",
    "PostCounts",
    "active_authors",
    "brand_words",
    "competitor_table",
    "count_mentions",
    "coverage",
    "intent_rates",
    "language_order",
    "language_periods",
    "mentions",
    "net_score",
    "net_sentiment",
    "net_sentiment_from_counts",
    "post_counts",
    "share_from_counts",
    "share_of_voice",
    "too_few",
    "volume_from_counts",
    "volume_over_time",
]
