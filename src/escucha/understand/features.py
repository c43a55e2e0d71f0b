"""Tweet normalisation and a vectorised hashing featuriser (numpy only).

All texts of a batch are joined into one string and handled as one flat array of
code points, so the cost per text is a handful of numpy operations instead of a Python
loop over n-grams. N-grams are hashed with a polynomial rolling hash (arithmetic modulo
2**64, which numpy's uint64 gives for free) followed by a bit mixer; the hash does not
depend on Python's per-process hash seed, so features are identical across runs.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from escucha.understand import lexicon

# starts with literal characters so that the regex engine can skip ahead quickly
URL_PATTERN = re.compile(r"h(?:ttps?://\S+|ttp\b)|www\.\S+|t\.co/\S+", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w)")
_REPEAT = re.compile(r"(\w)\1{2,}")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_EMO_POS = re.compile(r"(?:[:;=][-']?[)\]dp*]|\( ?[-']?[:;=]|<3|\^_?\^|xd+\b)", re.IGNORECASE)
_EMO_NEG = re.compile(r"(?:[:;=][-']?[(\[/\\|]|:'\(|\)[-']?:|</3)")
_SPACES = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")

_P = np.uint64(0x100000001B3)  # FNV prime: odd, so invertible modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_SALT_CHAR = 0x9E3779B97F4A7C15
_SALT_WORD = 0x632BE59BD9B4E019
_SALT_BIGRAM = 0x85EBCA77C2B2AE63
_SALT_NEG = 0x27D4EB2F165667C5
_TABLE_SIZE = 0x3000  # word-character / accent tables cover Latin, Greek, Arabic, Devanagari

EXTRA_NAMES = (
    "lex_pos",
    "lex_neg",
    "emoji_pos",
    "emoji_neg",
    "question",
    "exclaim",
    "url",
    "handles",
    "upper_words",
    "length",
)


def clean_for_langid(text: str) -> str:
    """Drop @handles and URLs and the '#' of hashtags: they carry no language signal."""
    text = URL_PATTERN.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    return text.replace("#", " ")


def normalise_batch(texts: Sequence[str]) -> str:
    """Normalise a batch and return it joined by newlines (one text per line).

    @handles become "@user", URLs "url", emoticons "emopos"/"emoneg"; HTML entities
    are decoded, letters repeated 3+ times are cut to two and everything is lowercased.
    """
    big = "\n".join(
        (html.unescape(t) if "&" in t else t).replace("\n", " ").replace("\r", " ") for t in texts
    )
    big = URL_PATTERN.sub(" url ", big)
    big = _HANDLE.sub(" @user ", big)
    big = _HASHTAG.sub(r"\1", big)
    big = _EMO_POS.sub(" emopos ", big)
    big = _EMO_NEG.sub(" emoneg ", big)
    big = _REPEAT.sub(r"\1\1", big.lower())
    return _SPACES.sub(" ", big)


def unescape_literal(text: str) -> str:
    """Decode literal "\\u2019" style escapes found in some published tweet dumps."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "\\u" in text else text


def _build_tables() -> tuple[np.ndarray, np.ndarray]:
    is_word = np.zeros(_TABLE_SIZE, dtype=bool)
    fold = np.arange(_TABLE_SIZE, dtype=np.uint32)
    for cp in range(_TABLE_SIZE):
        ch = chr(cp)
        if ch.isalnum() or ch == "_" or unicodedata.category(ch) in ("Mn", "Mc"):
            is_word[cp] = True
            base = unicodedata.normalize("NFD", ch)[0]
            if base != ch and ord(base) < 128:
                fold[cp] = ord(base)
    return is_word, fold


_IS_WORD, _FOLD = _build_tables()


def _mix(h: np.ndarray, salt: int) -> np.ndarray:
    """Finalise polynomial hashes into well-spread 64-bit values (murmur3 fmix64)."""
    with np.errstate(over="ignore"):
        h = h ^ np.uint64(salt)
        h ^= h >> np.uint64(33)
        h *= _MIX1
        h ^= h >> np.uint64(33)
        h *= _MIX2
        h ^= h >> np.uint64(33)
    return h


def _prefix_hash(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prefix sums H[i] = sum_{j<i} cp[j] * P**j (mod 2**64) and the powers P**-i."""
    n = cp.size
    with np.errstate(over="ignore"):
        powers = np.empty(n, dtype=np.uint64)
        inv = np.empty(n, dtype=np.uint64)
        powers[0] = 1
        inv[0] = 1
        if n > 1:
            powers[1:] = _P
            inv[1:] = _P_INV
        powers = np.cumprod(powers, dtype=np.uint64)
        inv = np.cumprod(inv, dtype=np.uint64)
        h = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(cp.astype(np.uint64) * powers, out=h[1:])
    return h, inv


def _span_hash(h: np.ndarray, inv: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Position-independent hash of cp[start:end] for each (start, end) pair."""
    with np.errstate(over="ignore"):
        return (h[end] - h[start]) * inv[start]


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """Hash of each word exactly as the featuriser hashes a (folded) word token."""
    cp = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    cp = np.where(cp < _TABLE_SIZE, _FOLD[np.minimum(cp, _TABLE_SIZE - 1)], cp)
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    end = np.cumsum(lengths)
    start = end - lengths
    h, inv = _prefix_hash(cp) if cp.size else (np.zeros(1, np.uint64), np.ones(1, np.uint64))
    return _mix(_span_hash(h, inv, start, end), _SALT_WORD)


@dataclass(frozen=True)
class FeatureConfig:
    """Shape of the feature space; stored with every model so that it can be rebuilt."""

    bits: int = 19
    char_min: int = 2
    char_max: int = 5
    char_weight: float = 1.0
    word_weight: float = 1.0
    extra_weight: float = 1.0
    max_chars: int = 400  # longer texts are cut: tweets and comments fit

    @property
    def n_features(self) -> int:
        return (1 << self.bits) + len(EXTRA_NAMES)


class Featuriser:
    """Turns a batch of raw texts into a sparse matrix (texts x n_features).

    The rows may hold repeated column indices (one entry per n-gram occurrence) instead of
    summed counts: every consumer is linear in the matrix, so summing is left to whoever
    needs it (training calls ``sum_duplicates``) and inference skips a sort per batch.
    Each block (char n-grams, words) is scaled by 1 / sqrt(sum of squared idf weights of
    its entries), which is the L2 norm when no n-gram repeats within a text.
    """

    def __init__(self, config: FeatureConfig, idf: np.ndarray | None = None) -> None:
        self.config = config
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float32)
        self._neg = np.sort(word_hashes(lexicon.NEGATORS))
        self._pos_words = np.sort(word_hashes(lexicon.POSITIVE_WORDS))
        self._neg_words = np.sort(word_hashes(lexicon.NEGATIVE_WORDS))
        self._pos_emoji = np.array(sorted({ord(c) for c in lexicon.POSITIVE_EMOJI}), np.uint32)
        self._neg_emoji = np.array(sorted({ord(c) for c in lexicon.NEGATIVE_EMOJI}), np.uint32)
        self._url_user = word_hashes(["url", "user"])

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        cfg = self.config
        n_docs = len(texts)
        if n_docs == 0:
            return sparse.csr_matrix((0, cfg.n_features), dtype=np.float32)
        size = 1 << cfg.bits
        shift = np.uint64(64 - cfg.bits)
        cut = [t[: cfg.max_chars] for t in texts]
        big = " \n ".join(normalise_batch(cut).split("\n"))
        cp = np.frombuffer((" " + big + " ").encode("utf-32-le"), dtype=np.uint32)
        n = cp.size
        is_sep = cp == 10
        doc = np.cumsum(is_sep)
        h, inv = _prefix_hash(cp)

        # char n-grams over the accented text; spaces stay in as word boundaries
        widths = range(cfg.char_min, cfg.char_max + 1)
        c_hash = np.zeros((n, len(widths)), dtype=np.uint64)
        c_ok = np.zeros((n, len(widths)), dtype=bool)
        for j, k in enumerate(widths):
            m = max(n - k + 1, 0)
            start = np.arange(m)
            c_ok[:m, j] = (doc[start] == doc[start + k - 1]) & ~is_sep[start]
            c_hash[:m, j] = _mix(_span_hash(h, inv, start, start + k), _SALT_CHAR + k)
        c_ok = c_ok.ravel()
        c_rows = np.repeat(doc, len(widths))[c_ok]
        c_cols = (c_hash.ravel()[c_ok] >> shift).astype(np.int32)

        # words (accent-folded view), word bigrams and words in a negation scope
        small = cp < _TABLE_SIZE
        idx = np.minimum(cp, _TABLE_SIZE - 1)
        wmask = np.where(small, _IS_WORD[idx], cp >= 0x3040) & ~is_sep
        hf, invf = _prefix_hash(np.where(small, _FOLD[idx], cp))
        edge = np.diff(np.concatenate(([False], wmask, [False])).astype(np.int8))
        w_start = np.flatnonzero(edge == 1)
        w_doc = doc[w_start]
        wh = _mix(_span_hash(hf, invf, w_start, np.flatnonzero(edge == -1)), _SALT_WORD)
        n_words = wh.size
        is_negator = _isin_sorted(wh, self._neg)
        negated = np.zeros(n_words, dtype=bool)
        for lag in (1, 2, 3):
            if n_words > lag:
                negated[lag:] |= is_negator[:-lag] & (w_doc[lag:] == w_doc[:-lag])
        negated &= ~is_negator
        w_hash = np.empty((n_words, 3), dtype=np.uint64)
        w_ok = np.ones((n_words, 3), dtype=bool)
        w_hash[:, 0] = wh
        with np.errstate(over="ignore"):
            w_hash[:-1, 1] = _mix(wh[:-1] * _MIX1 + wh[1:], _SALT_BIGRAM)
        w_ok[:-1, 1] = w_doc[1:] == w_doc[:-1]
        w_ok[-1:, 1] = False
        w_hash[:, 2] = _mix(wh, _SALT_NEG)
        w_ok[:, 2] = negated
        w_ok = w_ok.ravel()
        w_rows = np.repeat(w_doc, 3)[w_ok]
        w_cols = (w_hash.ravel()[w_ok] >> shift).astype(np.int32)

        c_vals = self._block_values(c_rows, c_cols, n_docs, cfg.char_weight)
        w_vals = self._block_values(w_rows, w_cols, n_docs, cfg.word_weight)

        # dense extras: lexicon polarity with negation flipping, emoji, punctuation
        is_pos = _isin_sorted(wh, self._pos_words)
        is_neg = _isin_sorted(wh, self._neg_words)
        doc_cp = doc[~is_sep]
        cp_ns = cp[~is_sep]
        extras = np.column_stack(
            (
                np.bincount(w_doc, (is_pos & ~negated) | (is_neg & negated), n_docs),
                np.bincount(w_doc, (is_neg & ~negated) | (is_pos & negated), n_docs),
                np.bincount(doc_cp, _isin_sorted(cp_ns, self._pos_emoji), n_docs),
                np.bincount(doc_cp, _isin_sorted(cp_ns, self._neg_emoji), n_docs),
                np.bincount(doc_cp, (cp_ns == 63) | (cp_ns == 191), n_docs),
                np.bincount(doc_cp, (cp_ns == 33) | (cp_ns == 161), n_docs),
                np.bincount(w_doc, wh == self._url_user[0], n_docs),
                np.bincount(w_doc, wh == self._url_user[1], n_docs),
                np.fromiter((_upper_words(t) for t in cut), dtype=np.float64, count=n_docs),
                np.bincount(w_doc, minlength=n_docs) / 10.0,
            )
        )
        extras = (np.log1p(extras) * cfg.extra_weight).astype(np.float32)
        e_rows, e_j = np.nonzero(extras)

        rows = np.concatenate((c_rows, w_rows, e_rows))
        order = np.argsort(rows, kind="stable")  # three sorted runs: a linear-time merge
        cols = np.concatenate((c_cols, w_cols, (size + e_j).astype(np.int32)))[order]
        vals = np.concatenate((c_vals, w_vals, extras[e_rows, e_j]))[order]
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
        return sparse.csr_matrix((vals, cols, indptr), shape=(n_docs, cfg.n_features))

    def _block_values(
        self, rows: np.ndarray, cols: np.ndarray, n_docs: int, weight: float
    ) -> np.ndarray:
        w = np.ones(cols.size, dtype=np.float32) if self.idf is None else self.idf[cols]
        norm = np.sqrt(np.bincount(rows, w * w, n_docs))
        norm[norm == 0] = 1.0
        return (w * (weight / norm)[rows]).astype(np.float32)


def _upper_words(text: str) -> int:
    return sum(1 for w in text.split() if len(w) > 2 and w.isupper())


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if sorted_set.size == 0 or values.size == 0:
        return np.zeros(values.shape, dtype=bool)
    pos = np.searchsorted(sorted_set, values).clip(0, sorted_set.size - 1)
    return sorted_set[pos] == values
