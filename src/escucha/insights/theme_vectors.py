"""The numeric half of themes: posts -> term sets -> TF-IDF -> LSA vectors -> k-means.

Kept apart from `themes.py` so that the choices about text (what counts as a term) and
about geometry (how posts are grouped) can be read, tested and tuned separately.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from typing import TYPE_CHECKING

from escucha.insights.lemmas import stem
from escucha.insights.terms import fold, post_terms_of

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer

MAX_DF = 0.3  # a term in more than this share of the posts says nothing about a theme
MIN_DF_SHARE = 0.001  # and one in fewer than this share (at least MIN_DF posts) is noise
MIN_DF = 3
COMPONENTS = 100  # LSA dimensions; short posts need few
KMEANS_INIT = 3

# Words the shared stopword list keeps (they are fine in key phrases, where they rarely win)
# but which, in a vector space, pull posts together for no reason: greetings, and words so
# general that a cluster built around one ("like", "time", "día") is about nothing.
_FILLER = """
    in if into hi hello hey thanks thank like new time day trying try need people last thing
    lot way back today really still seem look something anything anyone someone everyone guy
    hola buenas buenos gracia gracias saludo saludos puedo podeis podria ano dia vez cosa
    tiempo nuevo gente alguien quiero llevo
    flight flights airline airlines fly flying flew vuelo vuelos volar aerolinea aerolineas
    compania company
"""
# (the last two lines: the domain's own words, in nearly every post about the service and
# therefore no name for any theme: "vuelo ib" was the biggest Spanish theme with them)
FILLER = frozenset(_FILLER.split())


@cache
def filler_keys(lang: str | None) -> frozenset[str]:
    """FILLER as term keys of `lang`."""
    return frozenset(stem(w, lang) for w in FILLER) | FILLER


@dataclass(frozen=True)
class Vectors:
    """One language's posts as term sets and as unit vectors."""

    terms: tuple[str, ...]  # the vocabulary, sorted
    matrix: sp.csr_matrix  # posts x terms, 1 where the post has the term
    weighted: sp.csr_matrix  # the same, TF-IDF weighted, rows of unit length
    vectors: np.ndarray  # posts x components, unit length (zero for posts without terms)
    surfaces: tuple[dict[str, str], ...]  # per post: term -> how the post wrote it


def term_sets(
    texts: Iterable[str], exclude: frozenset[str], lang: str | None = None
) -> list[dict[str, str]]:
    """Per text, its unigrams and bigrams (the key-phrase tokeniser, words keyed by
    `lemmas.stem`, codes dropped) minus fillers."""
    key = partial(stem, lang=lang)
    filler = filler_keys(lang)
    one: dict[str, str] = {}  # one object per distinct term and spelling: a third of the memory
    docs = []
    for text in texts:
        found = post_terms_of(html.unescape(text), exclude, key=key, drop_codes=True)
        docs.append(
            {
                one.setdefault(t, t): one.setdefault(s, s)
                for t, s in found.items()
                if not filler.intersection(t.split(" "))
            }
        )
    return docs


def term_matrix(docs: Sequence[dict[str, str]]) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """Binary posts x terms matrix over the terms neither too rare nor too common."""
    n = len(docs)
    df: dict[str, int] = {}
    for doc in docs:
        for term in doc:
            df[term] = df.get(term, 0) + 1
    low = max(MIN_DF, round(MIN_DF_SHARE * n))
    terms = tuple(sorted(t for t, c in df.items() if low <= c <= max(low, MAX_DF * n)))
    return binary_rows(docs, {t: j for j, t in enumerate(terms)}), terms


def binary_rows(docs: Sequence[dict[str, str]], column: dict[str, int]) -> sp.csr_matrix:
    """Binary posts x terms matrix over a given vocabulary (term -> column)."""
    import numpy as np
    import scipy.sparse as sp

    n = len(docs)
    rows: list[int] = []
    cols: list[int] = []
    for i, doc in enumerate(docs):
        hits = sorted(column[t] for t in doc if t in column)
        rows.extend([i] * len(hits))
        cols.extend(hits)
    data = np.ones(len(rows), dtype=np.float64)
    return sp.csr_matrix((data, (rows, cols)), shape=(n, len(column)))


def embed(weighted: sp.csr_matrix, seed: int) -> np.ndarray:
    """LSA (truncated SVD) of TF-IDF rows, then unit length: cosine becomes a dot product."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    components = min(COMPONENTS, weighted.shape[1] - 1, weighted.shape[0] - 1)
    if components < 2:
        return normalize(weighted.toarray())
    reduced = TruncatedSVD(components, random_state=seed).fit_transform(weighted)
    return normalize(reduced, copy=False).astype(np.float64, copy=False)  # no copies


def vectorise(
    texts: Iterable[str], exclude: frozenset[str], seed: int, lang: str | None = None
) -> Vectors:
    import numpy as np

    docs = term_sets(texts, frozenset(fold(w) for w in exclude), lang)
    from sklearn.feature_extraction.text import TfidfTransformer

    matrix, terms = term_matrix(docs)
    if not terms:  # too few posts to share any term: nothing to group
        return Vectors(terms, matrix, matrix, np.zeros((len(docs), 1)), tuple(docs))
    weighted = TfidfTransformer().fit_transform(matrix).tocsr()
    return Vectors(terms, matrix, weighted, embed(weighted, seed), tuple(docs))


def kmeans(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Cluster labels; on unit vectors, Euclidean k-means approximates spherical k-means."""
    return kmeans_centres(vectors, k, seed)[0]


def kmeans_centres(vectors: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels and the clusters' centres (k x components)."""
    from sklearn.cluster import KMeans

    fitted = KMeans(n_clusters=k, n_init=KMEANS_INIT, random_state=seed).fit(vectors)
    return fitted.labels_, fitted.cluster_centers_


def nearest(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each row's nearest centre (squared Euclidean distance; ties to the first)."""
    import numpy as np

    distance = (centres * centres).sum(axis=1)[None, :] - 2.0 * (vectors @ centres.T)
    return np.argmin(distance, axis=1)


@dataclass(frozen=True)
class Projection:
    """What a sample's vectors were fitted with (vocabulary, IDF, LSA), to place any post of
    its language in the same space, a chunk at a time: a post's vector depends on its text
    alone, not on the posts placed with it."""

    column: dict[str, int]  # the sample's vocabulary: term -> column
    exclude: frozenset[str]  # folded
    lang: str | None
    tfidf: TfidfTransformer | None  # None: no vocabulary
    svd: TruncatedSVD | None  # None: too few terms or posts for LSA (the TF-IDF rows are used)

    def place(self, texts: Iterable[str]) -> tuple[list[dict[str, str]], Vectors]:
        """The posts' term sets and vectors in the sample's space (`Vectors.surfaces` empty)."""
        return self.place_docs(term_sets(texts, self.exclude, self.lang))

    def place_docs(self, docs: list[dict[str, str]]) -> tuple[list[dict[str, str]], Vectors]:
        import numpy as np
        from sklearn.preprocessing import normalize

        matrix = binary_rows(docs, self.column)
        terms = tuple(self.column)
        if self.tfidf is None:
            return docs, Vectors(terms, matrix, matrix, np.zeros((len(docs), 1)), ())
        weighted = self.tfidf.transform(matrix).tocsr()
        if self.svd is None:
            vectors = normalize(weighted.toarray())
        else:
            vectors = normalize(self.svd.transform(weighted), copy=False)
        return docs, Vectors(terms, matrix, weighted, vectors, ())


def fit_sample(
    texts: Iterable[str], exclude: frozenset[str], seed: int, lang: str | None = None
) -> tuple[Vectors, Projection]:
    """`vectorise` for a sample that stands for more posts: the same steps, but the sample's
    vectors are placed by the fitted projection (`Projection.place`), as every other post
    of the language will be."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer

    folded = frozenset(fold(w) for w in exclude)
    docs = term_sets(texts, folded, lang)
    matrix, terms = term_matrix(docs)
    column = {t: j for j, t in enumerate(terms)}
    if not terms:
        projection = Projection(column, folded, lang, None, None)
    else:
        tfidf = TfidfTransformer().fit(matrix)
        components = min(COMPONENTS, len(terms) - 1, len(docs) - 1)
        svd = None
        if components >= 2:
            weighted = tfidf.transform(matrix).tocsr()
            svd = TruncatedSVD(components, random_state=seed).fit(weighted)
            del weighted
        projection = Projection(column, folded, lang, tfidf, svd)
    _, placed = projection.place_docs(docs)
    return replace(placed, surfaces=tuple(docs)), projection
