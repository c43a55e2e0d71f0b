"""Themes: a set of posts (the complaints, the wishes, a query's result) grouped into named
groups of posts about the same thing, per language.

Method (docs/themes.md says why): per language, posts become sets of unigrams and bigrams
(the key-phrase tokeniser: no @handles, URLs, codes, brand words or stopwords; accents
folded, words keyed by a light stemmer). Posts whose terms hit the seeds of a known concern
(`concepts.py`: cancellations, delays, luggage, customer service...) form that concern's
theme, labelled in the posts' language. The other posts are TF-IDF weighted and reduced by
LSA to unit vectors, and k-means over-clusters them;
clusters whose centres point the same way, or nearly and with a keyword stem in common,
are merged; small clusters, clusters with little cohesion and posts far from their centre go
to an "other" bucket. A theme is labelled by its most distinctive phrases against the
language's other posts. Posts are sorted by id first and every tie is broken explicitly,
so the same posts give the same themes. A language with more than SAMPLE_ABOVE posts has all
of this done on a sample, and every post then placed in the sample's themes, a chunk at a
time (`_sampled_language_themes`), so that the memory does not grow with the posts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Literal

from escucha.core.text import fold
from escucha.insights.aggregates import TRIM, net_score, pick_freq
from escucha.insights.common import normalised
from escucha.insights.concepts import concept_of
from escucha.insights.concepts import label as concept_label
from escucha.insights.lemmas import stem
from escucha.insights.stopwords import NOT_A_NAME
from escucha.insights.terms import NEAR_COPY, clean_quote_text, quote_tokens, text_or_none
from escucha.insights.theme_vectors import (
    Vectors,
    fit_sample,
    kmeans,
    kmeans_centres,
    nearest,
    vectorise,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_K = 40  # k-means clusters per language before merging
MIN_SIZE = 5  # a theme has at least this many posts ...
MIN_SHARE = 0.004  # ... and this share of its language's posts
MIN_COHESION = 0.3  # mean cosine to the centre below which a cluster is not a theme
MIN_SIMILARITY = 0.25  # a post further than this from its centre goes to "other"
KEY_LIFT = 2.0  # ... and so does a post without a term this much more frequent in its cluster
MERGE_COSINE = 0.4  # clusters whose centres are this close are one theme ...
RELATED_COSINE = 0.2  # ... and so are clusters this close that share a keyword's stem
KEYWORDS = 2
STEM = 5
LABEL_PHRASES = 2
SECOND_PHRASE_SHARE = 0.1  # the second label phrase must be in this share of the posts
BIGRAM_COVER = 0.5  # a bigram holding this share of a word's posts reads better than it
N_TERMS = 10
N_QUOTES = 3
TREND_RATIO = 1.25  # the later half's share must differ by this factor ...
TREND_Z = 1.96  # ... and significantly (two-proportion z-test)
OTHER_LABEL = {"es": "otros", "en": "other"}
UNNAMED = "?"  # the label of a cluster with no word to name it: its posts go to "other"
EXPAND_COSINE = 0.5  # a post without seed words joins the concern whose centre is this close
THEME_COLUMNS = ("id", "native_id", "author", "text", "created_at", "url", "lang", "sentiment")
THEME_COLUMNS += ("brands", "intents")  # what a theme reads of a post
# Above this many posts in a language, its themes are found on a sample of this many (spread
# over the days, seeded) and every post is then placed in them, CHUNK posts at a time: the
# memory no longer grows with the posts (docs/themes.md, "Many posts"). 0: never sample.
SAMPLE_ABOVE = 200_000
CHUNK = 20_000

Direction = Literal["rising", "falling", "flat"]


@dataclass(frozen=True)
class ThemeQuote:
    post_id: int
    native_id: str
    text: str
    url: str | None
    author: str | None
    created_at: datetime | None
    similarity: float  # cosine to the theme's centre


@dataclass(frozen=True)
class Trend:
    """Posts per period, and whether the theme's share of its language's posts grew.

    `direction` compares the theme's share of the posts in the later half of the language's
    time span with its share in the earlier half: "rising" when the later share is at least
    TREND_RATIO times the earlier one and a two-proportion z-test gives |z| >= TREND_Z,
    "falling" the other way round, "flat" otherwise (also when a half has no posts).
    """

    freq: str  # "D", "W" or "M"
    periods: tuple[tuple[datetime, int], ...]
    earlier_share: float
    later_share: float
    direction: Direction


@dataclass(frozen=True)
class Sentiment:
    positive: int
    neutral: int
    negative: int
    net: float | None  # (pos - neg) / (pos + neg), None without either
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Theme:
    id: str  # from the language and the label's words: the same theme keeps its id
    label: str
    lang: str
    size: int
    post_ids: tuple[int, ...]
    native_ids: tuple[str, ...]
    terms: tuple[tuple[str, float], ...]  # folded term, weight; most distinctive first
    trend: Trend
    sentiment: Sentiment
    brands: dict[str, int] = field(hash=False)
    quotes: tuple[ThemeQuote, ...]
    other: bool = False  # the bucket of posts that fit no theme
    concept: str | None = None  # the key of a known concern (concepts.py), same in every language

    def to_dict(self) -> dict:
        """JSON-ready; `post_ids` are the posts' native ids (as imported or fetched)."""
        return {
            "id": self.id,
            "label": self.label,
            "size": self.size,
            "post_ids": list(self.native_ids),
            "lang": self.lang,
            "other": self.other,
            "concept": self.concept,
            "terms": [{"term": t, "weight": round(w, 4)} for t, w in self.terms],
            "trend": {
                "freq": self.trend.freq,
                "direction": self.trend.direction,
                "earlier_share": round(self.trend.earlier_share, 4),
                "later_share": round(self.trend.later_share, 4),
                "periods": [{"period": p.isoformat(), "posts": n} for p, n in self.trend.periods],
            },
            "sentiment": {
                k: (round(v, 4) if isinstance(v, float) else v)
                for k, v in vars(self.sentiment).items()
            },
            "brands": dict(self.brands),
            "quotes": [
                {
                    "post_id": q.native_id,
                    "text": q.text,
                    "url": q.url,
                    "author": q.author,
                    "created_at": q.created_at.isoformat() if q.created_at else None,
                }
                for q in self.quotes
            ],
        }


def find_themes(
    posts: pd.DataFrame,
    *,
    lang: str | None = None,
    n_themes: int | Literal["auto"] = "auto",
    seed: int = 0,
    exclude: Iterable[str] = (),
    concepts: bool = True,
    expand: float | None = EXPAND_COSINE,
    among: np.ndarray | None = None,
    sample_above: int = SAMPLE_ABOVE,
    chunk: int = CHUNK,
) -> list[Theme]:
    """Themes of `posts` (only the rows `among` says, a boolean per row, if given), per
    language (only `lang` if given), biggest first; each language's "other" bucket, if
    any, comes last.

    `n_themes` is the number of k-means clusters per language ("auto": one for every ~50 to
    ~250 posts, up to MAX_K); merging and the "other" bucket can leave fewer themes.
    `exclude` adds words never to use (brand words; the brands the posts mention are
    always excluded). `concepts` groups the posts about a known concern (concepts.py) by
    its seed words before the data-driven clustering of the rest; a post without seed words
    joins the concern whose centre is at least `expand` close (cosine; None: never).
    A language with more than `sample_above` posts (0: no limit) has its themes found on a
    sample of that many, then every post placed in them `chunk` posts at a time.
    """
    import numpy as np

    narrow = posts[[c for c in THEME_COLUMNS if c in posts.columns]]
    frame = normalised(narrow if among is None else narrow[among])
    has_text = [isinstance(t, str) and bool(t.strip()) for t in frame["text"]]
    kept = np.flatnonzero(np.array(has_text, dtype=bool))
    kept = kept[np.argsort(frame["id"].to_numpy()[kept], kind="stable")]
    codes, of_row = np.unique(frame["lang"].to_numpy()[kept].astype(str), return_inverse=True)
    kept = kept[np.argsort(of_row, kind="stable")]  # each language's posts in a row, by id
    frame = frame.take(kept).reset_index(drop=True)  # the one copy kept: every slice is a view
    langs = frame["lang"].to_numpy().astype(str)
    starts, ends = np.searchsorted(langs, codes), np.searchsorted(langs, codes, side="right")
    brand_names = {b for names in frame["brands"] for b in names}
    words = set(exclude) | {w for b in brand_names for w in re.findall(r"[^\W_]+", b)}
    themes: list[Theme] = []
    for code, start, end in zip(codes, starts, ends, strict=True):
        if lang is None or code == lang:
            rows = frame.iloc[start:end].reset_index(drop=True)
            args = (rows, str(code), n_themes, seed, frozenset(words), concepts, expand)
            if sample_above and len(rows) > sample_above:
                themes.extend(_sampled_language_themes(*args, size=sample_above, chunk=chunk))
            else:
                themes.extend(_language_themes(*args))
    return themes


def auto_k(n: int) -> int:
    """Deliberately more clusters than themes (merging follows): sqrt(n / 5), in [2, MAX_K]."""
    return max(2, min(MAX_K, round(math.sqrt(n / 5))))


def _language_themes(
    rows: pd.DataFrame,
    lang: str,
    n_themes: int | str,
    seed: int,
    exclude: frozenset[str],
    concepts: bool = True,
    expand: float | None = EXPAND_COSINE,
) -> list[Theme]:
    import numpy as np

    vec = vectorise(rows["text"], exclude, seed, lang)
    min_size = max(MIN_SIZE, math.ceil(MIN_SHARE * len(rows)))
    known = _concept_groups(vec, lang, min_size) if concepts else {}
    known = _expanded(known, vec, expand)
    in_concept = {i for members in known.values() for i in members}
    with_terms = np.array(
        [i for i in np.flatnonzero((vec.vectors != 0).any(axis=1)) if int(i) not in in_concept],
        dtype=np.int64,
    )
    groups: list[list[int]] = []
    if len(with_terms) >= 2 * min_size:
        k = auto_k(len(with_terms)) if n_themes == "auto" else int(n_themes)
        k = max(1, min(k, len(with_terms) // min_size))
        labels = kmeans(vec.vectors[with_terms], k, seed)
        clusters = [with_terms[labels == c].tolist() for c in range(k)]
        groups = _cohesive(_merged(clusters, vec), vec, min_size)
    context = _Context(rows, vec, lang)
    found = [context.theme(g) for g in groups]
    named = [t.label != UNNAMED for t in found]
    groups = [g for g, ok in zip(groups, named, strict=True) if ok]
    found = [t for t, ok in zip(found, named, strict=True) if ok]
    found += [context.theme(members, concept=key) for key, members in known.items()]
    themes = _unique_ids(sorted(found, key=lambda t: (-t.size, t.id)))
    grouped = {i for g in groups for i in g} | in_concept
    rest = [i for i in range(len(rows)) if i not in grouped]
    if rest:
        themes.append(context.theme(rest, other=True))
    return themes


def sample_positions(created: pd.Series, size: int, seed: int) -> np.ndarray:
    """`size` rows (positions, ascending) spread over the days: the rows in order of day
    (then position) cut into `size` runs of equal length, one row drawn from each (seeded).
    The same posts give the same sample; each day has its share of it, give or take one."""
    import numpy as np

    n = len(created)
    if size >= n:
        return np.arange(n)
    naive = created.dt.tz_convert("UTC").dt.tz_localize(None)
    days = naive.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)
    order = np.lexsort((np.arange(n), days))
    bounds = (np.arange(size + 1, dtype=np.int64) * n) // size
    drawn = (np.random.default_rng(seed).random(size) * np.diff(bounds)).astype(np.int64)
    return np.sort(order[bounds[:-1] + drawn])


@dataclass(frozen=True)
class _Placing:
    """What a post of the language must pass to join a theme found on the sample: the
    themes' order is the rules' (data-driven themes, then the concerns), "other" after."""

    concepts: bool
    keys: tuple[str, ...]  # the concerns that are themes
    concern_centres: np.ndarray | None  # None: no expansion
    expand: float | None
    cluster_centres: np.ndarray | None  # k-means' centres; None: no clustering
    slot_of_cluster: np.ndarray  # cluster -> its theme's index, -1: none
    centres: tuple[np.ndarray, ...]  # per data-driven theme: its cluster's centre ...
    key_terms: tuple[frozenset[str], ...]  # ... and key terms

    @property
    def other(self) -> int:
        return len(self.centres) + len(self.keys)

    def assign(self, docs: list[dict[str, str]], vectors: np.ndarray, lang: str) -> np.ndarray:
        """Each post's theme index, by the rules the sample's posts went through: a concern
        by seed words, a concern by nearness, the nearest k-means cluster's theme if close
        enough and with a key term, else "other"."""
        import numpy as np

        slot = np.full(len(docs), self.other, dtype=np.int64)
        first = len(self.centres)
        concern = {k: first + j for j, k in enumerate(self.keys)}
        if self.concepts:
            for i, doc in enumerate(docs):
                key = concept_of(doc, lang)
                if key in concern:
                    slot[i] = concern[key]
        if self.concern_centres is not None and self.expand is not None:
            free = np.flatnonzero((slot == self.other) & np.array([bool(d) for d in docs]))
            if len(free):
                similarity = vectors[free] @ self.concern_centres.T
                best = similarity.argmax(axis=1)
                close = similarity[np.arange(len(free)), best] >= self.expand
                slot[free[close]] = first + best[close]
        if self.cluster_centres is not None:
            free = np.flatnonzero((slot == self.other) & (vectors != 0).any(axis=1))
            if len(free):
                themes = self.slot_of_cluster[nearest(vectors[free], self.cluster_centres)]
                for i, s in zip(free.tolist(), themes.tolist(), strict=True):
                    if (
                        s >= 0
                        and float(vectors[i] @ self.centres[s]) >= MIN_SIMILARITY
                        and any(t in docs[i] for t in self.key_terms[s])
                    ):
                        slot[i] = s
        return slot


def _sampled_language_themes(
    rows: pd.DataFrame,
    lang: str,
    n_themes: int | str,
    seed: int,
    exclude: frozenset[str],
    concepts: bool,
    expand: float | None,
    *,
    size: int,
    chunk: int,
) -> list[Theme]:
    """`_language_themes` of many posts in bounded memory: the vocabulary, the LSA, the
    concerns' centres, k-means, merging and the cohesion rules come from a sample of `size`
    posts (`sample_positions`), as do the labels and the quotes; then every post is placed
    (`_Placing.assign`) `chunk` posts at a time, keeping only its theme and the terms'
    counts per theme. Sizes, post ids, terms, trends, sentiment and brands are of all posts."""
    import numpy as np
    import scipy.sparse as sp

    sample = rows.iloc[sample_positions(rows["created_at"], size, seed)].reset_index(drop=True)
    vec, projection = fit_sample(sample["text"], exclude, seed, lang)
    placing, found = _sample_model(sample, vec, lang, n_themes, seed, concepts, expand)
    slot = np.empty(len(rows), dtype=np.int64)
    inside = np.zeros((placing.other + 1, len(vec.terms)))
    for start in range(0, len(rows), chunk):
        docs, placed = projection.place(rows["text"].iloc[start : start + chunk])
        got = placing.assign(docs, placed.vectors, lang)
        slot[start : start + len(got)] = got
        which = sp.csr_matrix(
            (np.ones(len(got)), (got, np.arange(len(got)))), shape=(placing.other + 1, len(got))
        )
        inside += (which @ placed.matrix).toarray()
        del docs, placed
    overall = inside.sum(axis=0)
    context = _Context(rows, vec, lang)
    themes = []
    for s, like in enumerate(found[: placing.other]):
        members = np.flatnonzero(slot == s).tolist()
        if members and like is not None:
            themes.append(context.placed(like, members, inside[s], overall))
    themes = _unique_ids(sorted(themes, key=lambda t: (-t.size, t.id)))
    rest = np.flatnonzero(slot == placing.other).tolist()
    if rest:
        like = found[placing.other]
        themes.append(context.placed(like, rest, inside[placing.other], overall, other=True))
    return themes


def _sample_model(
    sample: pd.DataFrame,
    vec: Vectors,
    lang: str,
    n_themes: int | str,
    seed: int,
    concepts: bool,
    expand: float | None,
) -> tuple[_Placing, list[Theme | None]]:
    """`_language_themes` on the sample, keeping the rules (`_Placing`) and the sample's
    themes in the rules' order ("other" last; None where the sample had no such post)."""
    import numpy as np

    min_size = max(MIN_SIZE, math.ceil(MIN_SHARE * len(sample)))
    seeded = _concept_groups(vec, lang, min_size) if concepts else {}
    keys = tuple(sorted(seeded))
    known = _expanded(seeded, vec, expand)
    concern_centres = None
    if keys and expand is not None:
        concern_centres = np.array([_centre(vec.vectors, seeded[k]) for k in keys])
    in_concept = {i for members in known.values() for i in members}
    with_terms = np.array(
        [i for i in np.flatnonzero((vec.vectors != 0).any(axis=1)) if int(i) not in in_concept],
        dtype=np.int64,
    )
    context = _Context(sample, vec, lang)
    cluster_centres = None
    slot_of_cluster = np.zeros(0, dtype=np.int64)
    groups: list[list[int]] = []
    centres: list[np.ndarray] = []
    key_terms: list[frozenset[str]] = []
    found: list[Theme | None] = []
    if len(with_terms) >= 2 * min_size:
        k = auto_k(len(with_terms)) if n_themes == "auto" else int(n_themes)
        k = max(1, min(k, len(with_terms) // min_size))
        labels, cluster_centres = kmeans_centres(vec.vectors[with_terms], k, seed)
        clusters = [with_terms[labels == c].tolist() for c in range(k)]
        merged = _merged(clusters, vec)
        group_of = {i: g for g, members in enumerate(merged) for i in members}
        slot_of_group = {}
        for g, members in enumerate(merged):
            kept = _cohesion(members, vec, min_size)
            if kept is None:
                continue
            theme = context.theme(kept[0])
            if theme.label != UNNAMED:
                slot_of_group[g] = len(groups)
                groups.append(kept[0])
                centres.append(kept[1])
                key_terms.append(frozenset(kept[2]))
                found.append(theme)
        slot_of_cluster = np.array(
            [slot_of_group.get(group_of[c[0]], -1) if c else -1 for c in clusters], dtype=np.int64
        )
    found += [context.theme(known[key], concept=key) for key in keys]
    grouped = {i for g in groups for i in g} | in_concept
    rest = [i for i in range(len(sample)) if i not in grouped]
    found.append(context.theme(rest, other=True) if rest else None)
    placing = _Placing(
        concepts,
        keys,
        concern_centres,
        expand,
        cluster_centres,
        slot_of_cluster,
        tuple(centres),
        tuple(key_terms),
    )
    return placing, found


@cache
def _not_a_name(lang: str) -> frozenset[str]:
    return frozenset(stem(w, lang) for w in NOT_A_NAME)


def _concept_groups(vec: Vectors, lang: str, min_size: int) -> dict[str, list[int]]:
    """Posts per known concern (by seed words), the concerns with at least `min_size`."""
    found: dict[str, list[int]] = {}
    for i, terms in enumerate(vec.surfaces):
        key = concept_of(terms, lang)
        if key is not None:
            found.setdefault(key, []).append(i)
    return {k: v for k, v in sorted(found.items()) if len(v) >= min_size}


def _expanded(
    known: dict[str, list[int]], vec: Vectors, cosine: float | None
) -> dict[str, list[int]]:
    """Each post in no concern, with terms, joins the concern whose centre (in LSA space) is
    nearest if its cosine is at least `cosine`: "stuck on the runway for two hours" has no
    seed word but sits among the delays."""
    import numpy as np

    if not known or cosine is None:
        return known
    keys = sorted(known)
    centres = np.array([_centre(vec.vectors, known[k]) for k in keys])
    taken = {i for members in known.values() for i in members}
    free = [i for i in range(len(vec.surfaces)) if i not in taken and vec.surfaces[i]]
    grown = {k: list(known[k]) for k in keys}
    if free:
        similarity = vec.vectors[free] @ centres.T
        best = similarity.argmax(axis=1)
        for row, i in enumerate(free):
            if similarity[row, best[row]] >= cosine:
                grown[keys[best[row]]].append(i)
    return {k: sorted(v) for k, v in grown.items()}


def _centre(vectors: np.ndarray, members: list[int]) -> np.ndarray:
    import numpy as np

    centre = vectors[members].mean(axis=0)
    norm = np.linalg.norm(centre)
    return centre / norm if norm > 0 else centre


def _merged(clusters: list[list[int]], vec: Vectors) -> list[list[int]]:
    """Join the closest pair of clusters that are one theme, until none is left: their
    centres' cosine is >= MERGE_COSINE, or >= RELATED_COSINE and their keywords share a
    stem (k-means splits "delayed" from "delay", "on hold for hours" from "on hold for
    minutes"; a word alone would chain unrelated clusters through "hour")."""
    import numpy as np

    groups = sorted((sorted(c) for c in clusters if c), key=lambda c: (-len(c), c[0]))
    stems: dict[tuple[int, ...], set[str]] = {}
    while len(groups) > 1:
        centres = np.array([_centre(vec.vectors, g) for g in groups])
        cosine = centres @ centres.T
        for g in groups:
            if tuple(g) not in stems:
                stems[tuple(g)] = _keyword_stems(_ranked_terms(vec, g))
        keys = [stems[tuple(g)] for g in groups]
        pairs = [
            (float(cosine[a, b]), a, b)
            for a in range(len(groups))
            for b in range(a + 1, len(groups))
            if cosine[a, b] >= MERGE_COSINE
            or (cosine[a, b] >= RELATED_COSINE and keys[a] & keys[b])
        ]
        if not pairs:
            break
        _, a, b = max(pairs, key=lambda p: (p[0], -p[1], -p[2]))
        joined = sorted(groups[a] + groups[b])
        groups = [g for i, g in enumerate(groups) if i not in (a, b)] + [joined]
        groups.sort(key=lambda c: (-len(c), c[0]))
    return groups


def _keyword_stems(ranked: list[tuple[str, float]]) -> set[str]:
    """The first letters of a cluster's top KEYWORDS single words: a poor man's stemmer."""
    words = [t for t, _ in ranked if " " not in t][:KEYWORDS]
    return {w[:STEM] for w in words}


def _cohesive(groups: list[list[int]], vec: Vectors, min_size: int) -> list[list[int]]:
    """Drop the posts far from their centre or without a key term (one the cluster uses
    KEY_LIFT times as often as the language's posts), then clusters too loose or too small."""
    found = (_cohesion(members, vec, min_size) for members in groups)
    return [f[0] for f in found if f is not None]


def _cohesion(
    members: list[int], vec: Vectors, min_size: int
) -> tuple[list[int], np.ndarray, list[str]] | None:
    """`_cohesive` for one cluster: the posts kept, the centre and the key terms that kept
    them (the rule a post placed later must pass too), or None for a cluster dropped."""
    import numpy as np

    centre = _centre(vec.vectors, members)
    similarity = vec.vectors[members] @ centre
    if float(np.mean(similarity)) < MIN_COHESION:
        return None
    key = _key_terms(vec, members)
    close = [
        i
        for i, s in zip(members, similarity, strict=True)
        if s >= MIN_SIMILARITY and any(t in vec.surfaces[i] for t in key)
    ]
    return (close, centre, key) if len(close) >= min_size else None


def _key_terms(vec: Vectors, members: list[int]) -> list[str]:
    import numpy as np

    inside = np.asarray(vec.matrix[members].sum(axis=0)).ravel() / len(members)
    overall = np.asarray(vec.matrix.sum(axis=0)).ravel() / vec.matrix.shape[0]
    return [vec.terms[j] for j in np.flatnonzero((inside > 0) & (inside >= KEY_LIFT * overall))]


def _ranked_terms(vec: Vectors, members: list[int]) -> list[tuple[str, float]]:
    """Terms by how much more often the members use them than the language's posts do:
    p_c * log(p_c / p), the term's share of the KL divergence (frequent *and* distinctive)."""
    import numpy as np

    inside = np.asarray(vec.matrix[members].sum(axis=0)).ravel()
    overall = np.asarray(vec.matrix.sum(axis=0)).ravel()
    return _ranked_counts(vec.terms, inside, overall, len(members), vec.matrix.shape[0])


def _ranked_counts(
    terms: tuple[str, ...], inside: np.ndarray, overall: np.ndarray, n_c: int, n: int
) -> list[tuple[str, float]]:
    """`_ranked_terms` from the posts per term: among `n_c` members, among all `n` posts."""
    import numpy as np

    p_c = inside / n_c
    p = (overall + 1) / (n + 1)
    floor = max(2, 0.05 * n_c)
    ranked = [
        (terms[j], float(p_c[j] * math.log(p_c[j] / p[j])))
        for j in np.flatnonzero((inside >= floor) & (p_c > p))
    ]
    return sorted(ranked, key=lambda tw: (-tw[1], tw[0]))


def _unique_ids(themes: list[Theme]) -> list[Theme]:
    from dataclasses import replace

    seen: Counter[str] = Counter()
    result = []
    for theme in themes:
        seen[theme.id] += 1
        n = seen[theme.id]
        result.append(theme if n == 1 else replace(theme, id=f"{theme.id}-{n}"))
    return result


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", fold(text))) or "theme"


class _Context:
    """What every theme of one language is measured against."""

    def __init__(self, rows: pd.DataFrame, vec: Vectors, lang: str) -> None:
        self.rows = rows
        self.vec = vec
        self.lang = lang
        self.ids = rows["id"].to_numpy()
        self.created = rows["created_at"]
        self.freq, self.periods, self.midpoint = _time_axis(self.created)

    def theme(self, members: list[int], other: bool = False, concept: str | None = None) -> Theme:
        members = sorted(members)
        ranked = [] if other else _ranked_terms(self.vec, members)
        if other:
            label = OTHER_LABEL.get(self.lang, "other")
        elif concept is not None:
            label = concept_label(concept, self.lang)
        else:
            label = self._label(members, ranked)
        ident = f"{self.lang}-{'other' if other else slug(label)}"
        return self._made(members, ident, label, ranked, self._quotes(members), other, concept)

    def placed(
        self,
        like: Theme | None,
        members: list[int],
        inside: np.ndarray,
        overall: np.ndarray,
        other: bool = False,
    ) -> Theme:
        """A theme found on a sample (`like`: its id, label, concern and quotes) with the
        posts placed in it: `members` of these rows, `inside` its posts per term and
        `overall` the language's (None `like`: an "other" bucket the sample did not have)."""
        n = len(self.rows)
        ranked = [] if other else _ranked_counts(self.vec.terms, inside, overall, len(members), n)
        if like is None:
            label = OTHER_LABEL.get(self.lang, "other")
            return self._made(members, f"{self.lang}-other", label, ranked, (), other, None)
        return self._made(members, like.id, like.label, ranked, like.quotes, other, like.concept)

    def _made(
        self,
        members: list[int],
        ident: str,
        label: str,
        ranked: list[tuple[str, float]],
        quotes: tuple[ThemeQuote, ...],
        other: bool,
        concept: str | None,
    ) -> Theme:
        """The theme of `members` (of these rows) under a given id, label and quotes."""
        rows = self.rows.iloc[members]
        return Theme(
            id=ident,
            label=label,
            lang=self.lang,
            size=len(members),
            post_ids=tuple(int(i) for i in rows["id"]),
            native_ids=tuple(str(i) for i in rows["native_id"]),
            terms=tuple((t, round(w, 6)) for t, w in ranked[:N_TERMS]),
            trend=self._trend(members),
            sentiment=_sentiment(rows["sentiment"]),
            brands=_brand_counts(rows["brands"]),
            quotes=quotes,
            other=other,
            concept=concept,
        )

    def _label(self, members: list[int], ranked: list[tuple[str, float]]) -> str:
        """The top phrases that share no word, a bigram instead of a word it mostly holds
        ("first class", not "first / class")."""
        posts_with = self._posts_with(members)
        known = {t for t, _ in ranked}
        chosen: list[str] = []
        unnamed = _not_a_name(self.lang)
        for term, _ in ranked:
            if set(term.split(" ")) <= unnamed:
                continue
            phrase = self._readable(term, ranked, posts_with)
            if set(phrase.split(" ")) <= unnamed:
                phrase = term
            if any(set(phrase.split(" ")) & set(c.split(" ")) for c in chosen):
                phrase = term  # "vuelo cancelado" after "vuelo": "cancelado" alone
            if any(set(phrase.split(" ")) & set(c.split(" ")) for c in chosen):
                continue
            if len(posts_with(phrase)) < SECOND_PHRASE_SHARE * len(members):
                continue
            if chosen and " " not in chosen[-1] + phrase:
                pair = self._pair(chosen[-1], phrase, known, posts_with)
                if pair is not None:
                    chosen[-1] = pair
                    continue
            chosen.append(phrase)
            if len(chosen) == LABEL_PHRASES:
                break
        return " / ".join(self._surface(p, posts_with(p)) for p in chosen) or UNNAMED

    @staticmethod
    def _pair(a: str, b: str, known: set[str], posts_with) -> str | None:
        """The bigram of two words, if it holds most posts of the rarer one."""
        fewer = min(len(posts_with(a)), len(posts_with(b)))
        for bigram in (f"{a} {b}", f"{b} {a}"):
            if bigram in known and len(posts_with(bigram)) >= BIGRAM_COVER * fewer:
                return bigram
        return None

    def _posts_with(self, members: list[int]):
        cache: dict[str, list[int]] = {}

        def posts_with(term: str) -> list[int]:
            if term not in cache:
                cache[term] = [i for i in members if term in self.vec.surfaces[i]]
            return cache[term]

        return posts_with

    @staticmethod
    def _readable(term: str, ranked: list[tuple[str, float]], posts_with) -> str:
        if " " in term:
            return term
        own = len(posts_with(term))
        bigrams = [b for b, _ in ranked if " " in b and term in b.split(" ")]
        best = max(bigrams, key=lambda b: (len(posts_with(b)), b), default=None)
        if best is not None and len(posts_with(best)) >= BIGRAM_COVER * own:
            return best
        return term

    def _surface(self, term: str, members: list[int]) -> str:
        spans = Counter(self.vec.surfaces[i][term] for i in members)
        return min(spans.items(), key=lambda item: (-item[1], item[0]))[0]

    def _quotes(self, members: list[int]) -> tuple[ThemeQuote, ...]:
        """The posts nearest the centre, no near-copies, a new author first when possible.

        Nearness is measured on TF-IDF, not LSA, vectors: there a post with several of the
        theme's words beats one that only has its main word.
        """
        import numpy as np

        rows = self.vec.weighted[members]
        centre = np.asarray(rows.mean(axis=0)).ravel()
        norm = np.linalg.norm(centre)
        similarity = rows @ (centre / norm) if norm > 0 else np.zeros(len(members))
        order = sorted(
            zip(members, similarity, strict=True), key=lambda m: (-round(float(m[1]), 9), m[0])
        )
        chosen: list[tuple[int, float]] = []
        seen: list[frozenset[str]] = []
        for pass_ in ("new author", "any"):
            for i, sim in order:
                if len(chosen) == N_QUOTES:
                    break
                tokens = quote_tokens(self.rows.at[i, "text"])
                if any(i == c for c, _ in chosen) or not tokens:
                    continue
                if any(len(tokens & o) >= NEAR_COPY * len(tokens | o) for o in seen):
                    continue
                author = text_or_none(self.rows.at[i, "author"])
                authors = {text_or_none(self.rows.at[c, "author"]) for c, _ in chosen}
                if pass_ == "new author" and author is not None and author in authors:
                    continue
                seen.append(tokens)
                chosen.append((i, float(sim)))
        return tuple(quote_of(self.rows.iloc[i], sim) for i, sim in chosen)

    def _trend(self, members: list[int]) -> Trend:
        created = self.created.iloc[members].dropna()
        if self.freq is None:
            return Trend("D", (), 0.0, 0.0, "flat")
        naive = created.dt.tz_convert("UTC").dt.tz_localize(None)
        counts = naive.dt.to_period(self.freq).value_counts()
        periods = tuple(
            (p.start_time.tz_localize("UTC").to_pydatetime(), int(counts.get(p, 0)))
            for p in self.periods
        )
        everyone = self.created.dropna()
        earlier_all = int((everyone < self.midpoint).sum())
        later_all = len(everyone) - earlier_all
        earlier = int((created < self.midpoint).sum())
        later = len(created) - earlier
        return trend(self.freq, periods, earlier, earlier_all, later, later_all)


def quote_of(row: pd.Series, similarity: float) -> ThemeQuote:
    """A post (a row of a normalised posts frame) as a quote."""
    import html

    import pandas as pd

    created = row["created_at"]
    return ThemeQuote(
        post_id=int(row["id"]),
        native_id=str(row["native_id"]),
        text=clean_quote_text(html.unescape(row["text"])),
        url=text_or_none(row.get("url")),
        author=text_or_none(row.get("author")),
        created_at=None if pd.isna(created) else created.to_pydatetime(),
        similarity=round(similarity, 6),
    )


def trend(
    freq: str,
    periods: tuple[tuple[datetime, int], ...],
    earlier: int,
    earlier_all: int,
    later: int,
    later_all: int,
) -> Trend:
    """The Trend of a theme with `earlier` of `earlier_all` posts in the first half of the
    span and `later` of `later_all` in the second."""
    if not earlier_all or not later_all:
        return Trend(freq, periods, 0.0, 0.0, "flat")
    before, after = earlier / earlier_all, later / later_all
    pooled = (earlier + later) / (earlier_all + later_all)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / earlier_all + 1 / later_all))
    z = (after - before) / spread if spread > 0 else 0.0
    direction: Direction = "flat"
    if z >= TREND_Z and after >= TREND_RATIO * before:
        direction = "rising"
    elif z <= -TREND_Z and before >= TREND_RATIO * after:
        direction = "falling"
    return Trend(freq, periods, before, after, direction)


def _time_axis(created: pd.Series) -> tuple[str | None, list, pd.Timestamp | None]:
    """Period size, the periods and the midpoint of the central 99% of the dates (as the
    volume chart does: a few misdated posts would otherwise stretch the axis)."""
    import pandas as pd

    dates = created.dropna().dt.tz_convert("UTC").dt.tz_localize(None)
    if dates.empty:
        return None, [], None
    low = dates.quantile(TRIM, interpolation="lower")
    high = dates.quantile(1 - TRIM, interpolation="higher")
    freq = pick_freq(low, high)
    periods = list(pd.period_range(low.to_period(freq), high.to_period(freq), freq=freq))
    midpoint = (low + (high - low) / 2).tz_localize("UTC")
    return freq, periods, midpoint


def _sentiment(values: pd.Series) -> Sentiment:
    counts = Counter(values)
    pos, neu, neg = counts["positive"], counts["neutral"], counts["negative"]
    net, low, high = net_score(pos, neg)
    nan_free = [None if math.isnan(v) else round(v, 6) for v in (net, low, high)]
    return Sentiment(pos, neu, neg, *nan_free)


def _brand_counts(values: pd.Series) -> dict[str, int]:
    counts = Counter(b for names in values for b in names)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def themes_of(
    posts: pd.DataFrame,
    intent: str,
    *,
    lang: str | None = None,
    exclude: Iterable[str] = (),
    concepts: bool = True,
    among: np.ndarray | None = None,
    sample_above: int = SAMPLE_ABOVE,
) -> list[Theme]:
    """Themes of the posts flagged `intent` ("any": all of them), ids prefixed by the intent
    so that a complaint theme and a wish theme never share one. `among` (a boolean per row)
    keeps only those rows too; `sample_above` as find_themes'."""
    from dataclasses import replace

    if intent != "any":
        flagged = flagged_with(posts, intent)
        among = flagged if among is None else among & flagged
    found = find_themes(
        posts,
        lang=lang,
        exclude=exclude,
        concepts=concepts,
        among=among,
        sample_above=sample_above,
    )
    return found if intent == "any" else [replace(t, id=f"{intent}-{t.id}") for t in found]


def flagged_with(posts: pd.DataFrame, intent: str) -> np.ndarray:
    """Which posts are flagged `intent` (a boolean per row)."""
    import numpy as np

    from escucha.insights.common import as_list

    return np.array([intent in as_list(i) for i in posts["intents"]], dtype=bool)
