"""The labels a post can carry, in the one order every face and model uses."""

from __future__ import annotations

from typing import Literal

SENTIMENTS = ("negative", "neutral", "positive")
INTENTS = ("wish", "complaint", "question", "praise", "promo")
UNKNOWN_LANG = "unknown"  # the language of a text too short or unclear to tell

Sentiment = Literal["negative", "neutral", "positive"]
Intent = Literal["wish", "complaint", "question", "praise", "promo"]
