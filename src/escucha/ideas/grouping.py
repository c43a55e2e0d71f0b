"""Group wish posts into ideas: TF-IDF over folded content words and bigrams, cosine to centroids.

Pure functions over post terms; `escucha.ideas.backlog` reads and writes the store. Posts are
taken one at a time in a fixed order; each joins the idea whose centroid (the sum of its
posts' unit vectors) is most similar, if the cosine reaches the threshold, else it founds a
new idea. Ties go to the older idea, so the same input always gives the same ideas.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from escucha.core.text import fold
from escucha.insights.stopwords import words
from escucha.insights.terms import post_terms_of

THRESHOLD = 0.25  # tuned by eye on the demo's wishes: lower merges unrelated asks
BIGRAM_WEIGHT = 0.5
CLOSE_ENOUGH = 0.75  # share of the most central request's fit that still may name the idea
ACTION_VERBS = words(
    """
    add allow bring build change consider create expand extend get give have improve include
    install introduce keep let lower make move offer open provide put reduce remove restore
    show start stop update upgrade use
    poned pongan anadid anadan ofreced ofrezcan traed traigan dejad dejen permitid permitan
    volved vuelvan abrid abran incluid incluyan mejorad mejoren pusierais pusieran
    """
)


# Words that say that someone asks, not what for: they would pull unrelated wishes together.
ASKING = words(
    """
    need like love idea suggest suggestion suggestions hi hello hey thanks thank guy team
    necesitamos necesito necesita necesitan sugerencia sugiero propongo propuesta gracias hola
    buenos buenas dia dias tarde tardes noche noches gustaria encantaria
    """
)

Terms = dict[str, str]  # folded term -> how the post wrote it


def post_terms(text: str, exclude: Collection[str] = ()) -> Terms:
    """Folded content words and bigrams of a post (the key-phrase tokeniser), minus `exclude`."""
    return post_terms_of(html.unescape(text), frozenset(exclude) | ASKING)


def idf_weights(documents: Iterable[Collection[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of every term: ln((1 + n) / (1 + df)) + 1."""
    df: Counter[str] = Counter()
    n = 0
    for terms in documents:
        df.update(set(terms))
        n += 1
    return {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}


def unit_vector(terms: Collection[str], idf: Mapping[str, float]) -> dict[str, float]:
    """Binary term frequency times idf (a bigram's halved), scaled to length 1 (empty for a
    post without terms). Halving keeps a post's many one-off bigrams from outweighing the
    words it shares with others, while a shared bigram still counts."""
    weights = {t: idf.get(t, 1.0) * (BIGRAM_WEIGHT if " " in t else 1.0) for t in terms}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


@dataclass
class Cluster:
    """An idea while grouping: `idea_id` is None for one founded in this run."""

    idea_id: int | None
    members: list[int] = field(default_factory=list)
    total: dict[str, float] = field(default_factory=dict)  # sum of the members' unit vectors
    norm2: float = 0.0

    def add(self, post_id: int, vector: Mapping[str, float]) -> None:
        dot = sum(w * self.total.get(t, 0.0) for t, w in vector.items())
        self.norm2 += 2 * dot + sum(w * w for w in vector.values())
        for term, weight in vector.items():
            self.total[term] = self.total.get(term, 0.0) + weight
        self.members.append(post_id)


class Grouper:
    """Clusters of one language; `assign` places new posts, in the order given."""

    def __init__(self, idf: Mapping[str, float], threshold: float = THRESHOLD) -> None:
        self.idf = idf
        self.threshold = threshold
        self.clusters: list[Cluster] = []
        self._index: dict[str, set[int]] = {}  # term -> positions of clusters containing it

    def _add(self, position: int, post_id: int, vector: Mapping[str, float]) -> None:
        self.clusters[position].add(post_id, vector)
        for term in vector:
            self._index.setdefault(term, set()).add(position)

    def seed(self, idea_id: int, posts: Iterable[tuple[int, Collection[str]]]) -> None:
        """An existing idea with its posts (post id, terms)."""
        self.clusters.append(Cluster(idea_id))
        for post_id, terms in posts:
            self._add(len(self.clusters) - 1, post_id, unit_vector(terms, self.idf))

    def assign(self, post_id: int, terms: Collection[str], *, found: bool = True) -> Cluster | None:
        """The cluster the post joins or founds; None if it has no content words, or if it
        joins none and may not `found` one."""
        vector = unit_vector(terms, self.idf)
        if not vector:
            return None
        candidates = sorted({p for t in vector for p in self._index.get(t, ())})
        best, best_score = None, self.threshold
        for position in candidates:
            cluster = self.clusters[position]
            if cluster.norm2 <= 0:
                continue
            dot = sum(w * cluster.total.get(t, 0.0) for t, w in vector.items())
            score = dot / math.sqrt(cluster.norm2)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = position, score
        if best is None:
            if not found:
                return None
            self.clusters.append(Cluster(None))
            best = len(self.clusters) - 1
        self._add(best, post_id, vector)
        return self.clusters[best]


def request_title(requests: Sequence[str], idf: Mapping[str, float]) -> str:
    """The request that best stands for the idea's: among those close to the others (the sum
    of their cosines to every request at least CLOSE_ENOUGH of the best), one that opens with
    a verb ("offer free wifi on board" reads as a request; "the wifi was free" does not),
    then the shortest, then the earliest."""
    vectors = [unit_vector(post_terms(r).keys(), idf) for r in requests]
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    fits = [sum(w * total[t] for t, w in vector.items()) for vector in vectors]
    best = max(fits)
    close = [i for i, fit in enumerate(fits) if fit >= CLOSE_ENOUGH * best]
    return requests[min(close, key=lambda i: (not _opens_with_verb(requests[i]),
                                               len(requests[i]), i))]  # fmt: skip


def _opens_with_verb(request: str) -> bool:
    first = fold(request.split()[0]) if request.split() else ""
    return first in ACTION_VERBS or (len(first) > 3 and first.endswith(("ar", "er", "ir")))


def title(members: Iterable[Terms], idf: Mapping[str, float]) -> str:
    """The idea's most distinctive phrase, as its posts most often write it.

    Terms rank by the number of posts holding them, then by summed TF-IDF weight, then
    alphabetically. The best bigram wins over the best word if it is in at least half as many
    posts (and in two, unless the idea has one post): "boarding pass" reads better than "pass".
    """
    posts = [terms for terms in members if terms]
    if not posts:
        return "(no words)"
    score: Counter[str] = Counter()
    found_in: Counter[str] = Counter()
    for terms in posts:
        score.update(unit_vector(terms.keys(), idf))
        found_in.update(terms.keys())

    def rank(term: str) -> tuple:
        return (-found_in[term], -round(score[term], 9), term)

    best = min((t for t in score if " " not in t), key=rank, default=None)
    bigram = min((t for t in score if " " in t), key=rank, default=None)
    if best is None or (
        bigram is not None
        and found_in[bigram] >= min(2, len(posts))
        and 2 * found_in[bigram] >= found_in[best]
    ):
        best = bigram
    spans = Counter(terms[best] for terms in posts if best in terms)
    return min(spans.items(), key=lambda item: (-item[1], item[0]))[0]
