"""The labels a post can carry, in the one order every face and model uses."""

from __future__ import annotations

from typing import Literal

SENTIMENTS = ("negative", "neutral", "positive")
INTENTS = ("wish", "complaint", "question", "praise", "promo")

Sentiment = Literal["negative", "neutral", "positive"]
Intent = Literal["wish", "complaint", "question", "praise", "promo"]
