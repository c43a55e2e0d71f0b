"""Key phrases of the posts flagged with an intent, for the web's concerns page and the
competitor table's top concern.

Not a theme system: the report's concerns and wishes are themes (insights/themes.py). This
labels the flagged posts of one language (optionally only those mentioning one brand) with
their most distinctive phrase: every term of insights/terms.py is counted once per post and
scored by its log-odds ratio against the other posts of that language, with an informative
Dirichlet prior from all posts of the language (Monroe, Colaresi & Quinn, 2008). The most
distinctive phrases that do not describe the same posts are kept; every flagged post is
attached to its best phrase; a phrase's quotes are its posts with the highest intent
probability, without retweets or near-copies. Everything is ordered explicitly, so the
same input always gives the same output.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from escucha.insights.common import normalised
from escucha.insights.terms import (
    NEAR_COPY,
    clean_quote_text,
    fold,
    post_terms_of,
    quote_tokens,
    text_or_none,
)

if TYPE_CHECKING:
    import pandas as pd

PRIOR_WEIGHT = 0.1  # the background prior counts as a tenth of the language's terms
SAME_POSTS = 0.5  # a phrase found mostly in the posts of a better one adds nothing


@dataclass(frozen=True)
class Quote:
    post_id: int
    text: str
    url: str | None
    author: str | None
    created_at: datetime | None
    probability: float


@dataclass(frozen=True)
class Phrase:
    label: str  # the most common way the posts write it, e.g. "lost my bag"
    term: str  # folded tokens, e.g. "lost bag"
    count: int  # flagged posts attached to this phrase
    share: float  # of all flagged posts in scope
    score: float  # log-odds z-score: how distinctive
    quotes: tuple[Quote, ...]


class PhraseIndex:
    """The tokenised posts of one language, built once and queried per intent and brand."""

    def __init__(self, posts: pd.DataFrame, lang: str, exclude: Iterable[str] = ()) -> None:
        frame = normalised(posts)
        self._posts = frame[frame["lang"] == lang].reset_index(drop=True)
        stop = frozenset(fold(w) for w in exclude)
        self._texts = [html.unescape(t) if isinstance(t, str) else "" for t in self._posts["text"]]
        self._terms = [post_terms_of(t, stop, drop_codes=True) for t in self._texts]
        self._background: Counter[str] = Counter()
        for terms in self._terms:
            self._background.update(terms.keys())

    def flagged(self, intent: str, brand: str | None = None) -> list[int]:
        """Positions of the posts flagged with `intent` (and mentioning `brand`)."""
        rows = zip(self._posts["intents"], self._posts["brands"], strict=True)
        return [
            i
            for i, (intents, brands) in enumerate(rows)
            if intent in intents and (brand is None or brand in brands)
        ]

    def _scores(self, target: list[int], min_count: int) -> dict[str, float]:
        counts: Counter[str] = Counter()
        for i in target:
            counts.update(self._terms[i].keys())
        n_all = sum(self._background.values())
        n_target = sum(counts.values())
        n_rest = n_all - n_target
        strength = PRIOR_WEIGHT * n_all
        scores = {}
        for term, y_target in counts.items():
            if y_target < min_count:
                continue
            y_rest = self._background[term] - y_target
            prior = strength * self._background[term] / n_all
            odds_target = (y_target + prior) / (n_target + strength - y_target - prior)
            odds_rest = (y_rest + prior) / (n_rest + strength - y_rest - prior)
            variance = 1 / (y_target + prior) + 1 / (y_rest + prior)
            scores[term] = (math.log(odds_target) - math.log(odds_rest)) / math.sqrt(variance)
        return scores

    def top(
        self,
        intent: str,
        *,
        brand: str | None = None,
        n: int = 5,
        quotes: int = 3,
        min_count: int = 3,
        min_score: float = 1.96,
        shown: Collection[int] = (),
    ) -> list[Phrase]:
        """Up to `n` phrases, most posts first, each with up to `quotes` quotes.

        Posts whose ids are in `shown` (already quoted elsewhere) are quoted last.
        """
        target = self.flagged(intent, brand)
        if not target:
            return []
        scores = self._scores(target, min_count)
        docs: dict[str, set[int]] = {}

        def posts_with(term: str) -> set[int]:
            if term not in docs:
                docs[term] = {i for i in target if term in self._terms[i]}
            return docs[term]

        def readable(term: str) -> str:
            """A bigram that holds most of a unigram's posts reads better: "customer service"."""
            if " " in term:
                return term
            own = posts_with(term)
            bigrams = [
                b for b, s in scores.items() if s >= min_score and term in b.split(" ") and " " in b
            ]
            best = max(bigrams, key=lambda b: (len(posts_with(b)), scores[b], b), default=None)
            if best is not None and len(posts_with(best)) >= SAME_POSTS * len(own):
                return best
            return term

        picked: list[str] = []
        ranked = sorted(
            (t for t, s in scores.items() if s >= min_score), key=lambda t: (-scores[t], t)
        )
        for candidate in ranked:
            term = readable(candidate)
            mine = posts_with(term)
            if term in picked or any(
                len(mine & posts_with(p)) >= SAME_POSTS * len(mine) for p in picked
            ):
                continue
            picked.append(term)
            if len(picked) == 2 * n:
                break
        attached = self._attach(target, picked, scores)
        kept = sorted(picked, key=lambda t: (-len(attached[t]), -scores[t], t))[:n]
        attached = self._attach(target, kept, scores)
        phrases = [
            Phrase(
                label=self._label(term, attached[term]),
                term=term,
                count=len(attached[term]),
                share=len(attached[term]) / len(target),
                score=round(scores[term], 6),
                quotes=self._quotes(attached[term], intent, quotes, shown),
            )
            for term in kept
            if attached[term]
        ]
        return sorted(phrases, key=lambda p: (-p.count, -p.score, p.term))

    def _attach(
        self, target: list[int], terms: list[str], scores: dict[str, float]
    ) -> dict[str, list[int]]:
        """Each post goes to the most distinctive of the phrases it contains, if any."""
        attached: dict[str, list[int]] = {t: [] for t in terms}
        by_score = sorted(terms, key=lambda t: (-scores[t], t))
        for i in target:
            best = next((t for t in by_score if t in self._terms[i]), None)
            if best is not None:
                attached[best].append(i)
        return attached

    def _label(self, term: str, rows: list[int]) -> str:
        spans = Counter(self._terms[i][term] for i in rows)
        return min(spans.items(), key=lambda item: (-item[1], item[0]))[0]

    def _quotes(
        self, rows: list[int], intent: str, limit: int, shown: Collection[int]
    ) -> tuple[Quote, ...]:
        ids = self._posts["id"].to_numpy()
        probability = self._posts[intent].to_numpy()
        shown = set(shown)
        ranked = sorted(
            rows, key=lambda i: (int(ids[i]) in shown, -float(probability[i]), int(ids[i]))
        )
        chosen: list[Quote] = []
        seen: list[frozenset[str]] = []
        for i in ranked:
            if len(chosen) == limit:
                break
            tokens = quote_tokens(self._texts[i])
            if not tokens or any(
                len(tokens & other) >= NEAR_COPY * len(tokens | other) for other in seen
            ):
                continue
            seen.append(tokens)
            chosen.append(self._quote(i, intent))
        return tuple(chosen)

    def _quote(self, i: int, intent: str) -> Quote:
        import pandas as pd

        row = self._posts.iloc[i]
        created = row["created_at"]
        return Quote(
            post_id=int(row["id"]),
            text=clean_quote_text(self._texts[i]),
            url=text_or_none(row.get("url")),
            author=text_or_none(row.get("author")),
            created_at=None if pd.isna(created) else created.to_pydatetime(),
            probability=float(row[intent]),
        )


def top_phrases(
    posts: pd.DataFrame,
    intent: str,
    lang: str,
    *,
    brand: str | None = None,
    exclude: Iterable[str] = (),
    n: int = 5,
    quotes: int = 3,
    min_count: int = 3,
) -> list[Phrase]:
    """Key phrases of the `intent` posts in `lang`; build a PhraseIndex to ask many times."""
    index = PhraseIndex(posts, lang, exclude)
    return index.top(intent, brand=brand, n=n, quotes=quotes, min_count=min_count)
