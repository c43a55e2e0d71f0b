"""Tweet normalisation and a vectorised hashing featuriser (numpy only).

All texts of a batch are joined into one string and handled as one flat array of code
points, so the cost per text is a handful of numpy operations instead of a Python loop
over n-grams. Only three regular expressions run per batch (URLs, handles), each starting
with a literal so that the regex engine scans for it at memchr speed; lowercasing,
repeated-letter and space squeezing and emoticon detection are table lookups on the code
points. Char n-grams are hashed with a polynomial rolling hash (arithmetic modulo 2**64,
which numpy's uint64 gives for free) and a multiplicative mixer; the hash does not depend
on Python's per-process hash seed, so features are identical across runs.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from escucha.understand import lexicon
from escucha.understand.rowsums import PackedRows
from escucha.understand.tablecache import cached_tables, file_fingerprint

if TYPE_CHECKING:
    from scipy import sparse

_URLS = (  # (literal every match contains, pattern); a URL ends at a space or SEP (NUL)
    ("http", re.compile(r"http(?:s?://[^\s\x00]+|\b)")),
    ("www.", re.compile(r"www\.[^\s\x00]+")),
    ("t.co/", re.compile(r"t\.co/[^\s\x00]+")),
)
_HANDLE = re.compile(r"@\w+")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
MAX_CHARS = 400  # longer texts are cut: tweets and comments fit
URL_MARK = "\x01"
HANDLE_MARK = "\x02"

_P = np.uint64(0x100000001B3)  # FNV prime: odd, so invertible modulo 2**64
_P_INV = np.uint64(pow(0x100000001B3, -1, 2**64))
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_SALT_CHAR = 0x9E3779B97F4A7C15
_SALT_WORD = 0x632BE59BD9B4E019
_SALT_BIGRAM = 0x85EBCA77C2B2AE63
_SALT_NEG = 0x27D4EB2F165667C5
_SALT_INTENSE = 0x165667B19E3779F9
_ELONGATED = np.uint64(0xD6E8FEB86659FD93)  # the pseudo-word of an elongated word ("holaaa")
_PUNCT = np.array(sorted(map(ord, ".,;:!?¡¿")), dtype=np.uint32)  # ends a negation scope
SEP = "\x00"  # separates the texts of a batch in joined strings
_SEP = 0
_SPACE = 32
_CHUNK = 1 << 15  # code points per step of the char n-gram hashing (256 KB of uint64)

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


def mark_links(texts: Sequence[str], max_chars: int = MAX_CHARS) -> str:
    """Join a batch into one string, texts separated by SEP, HTML entities decoded, each text
    cut to ``max_chars``; URLs become URL_MARK and @handles HANDLE_MARK (space-padded).

    The last few results are cached: language ID and the featuriser of one reader call both
    start from the same batch, so the regular expressions run once per batch.
    """
    return _mark_links(tuple(texts), max_chars)


@lru_cache(maxsize=4)
def _mark_links(texts: tuple[str, ...], max_chars: int) -> str:
    if max(map(len, texts), default=0) > max_chars:
        texts = tuple(t[:max_chars] for t in texts)
    big = SEP.join(texts)
    if big.count(SEP) != len(texts) - 1:  # a text holds NUL itself: go one by one
        big = SEP.join(t.replace(SEP, " ") for t in texts)
    if "&" in big:
        big = html.unescape(big)  # turns no entity into NUL ("&#0;" gives U+FFFD)
    for literal, pattern in _URLS:
        if literal in big:
            big = pattern.sub(f" {URL_MARK} ", big)
    return _HANDLE.sub(f" {HANDLE_MARK} ", big)


def clean_for_langid(marked: str) -> str:
    """Drop the marks of @handles and URLs and the '#' of hashtags: no language signal."""
    return marked.replace(URL_MARK, " ").replace(HANDLE_MARK, " ").replace("#", " ")


def unescape_literal(text: str) -> str:
    """Decode literal "\\u2019" style escapes found in some published tweet dumps."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "\\u" in text else text


# Code-point table: one uint64 per code point below _TABLE_SIZE, holding the lowercase code
# point, the accent-folded lowercase code point and flag bits. Code points from _TABLE_SIZE
# up are their own lowercase and folded form and count as word characters (CJK, emoji).
_TABLE_SIZE = 0x3040
_CP_BITS = 21
_CP_MASK = np.uint64((1 << _CP_BITS) - 1)
_FLAG_SHIFT = 42  # flag bits sit above the two code points; as uint16 they read 1 << i
_UPPER, _LOWER, _WORD, _EYES, _NOSE, _SMILE, _FROWN, _ALPHA, _QUESTION, _EXCLAIM, _LT, _BIG = (
    1 << i for i in range(12)
)
_CHAR_CLASSES = (
    (_EYES, ":;="),
    (_NOSE, "-'"),
    (_SMILE, ")]dDpP*"),
    (_FROWN, "([/\\|"),
    (_QUESTION, "?¿"),
    (_EXCLAIM, "!¡"),
    (_LT, "<"),
)


def _build_table() -> np.ndarray:
    table = np.zeros(_TABLE_SIZE, dtype=np.uint64)
    for cp in range(_TABLE_SIZE):
        ch = chr(cp)
        low = ch.lower() if len(ch.lower()) == 1 else ch
        if ch in "\t\n\v\f\r":
            low = " "
        fold = low
        flags = (_UPPER if ch.isupper() else 0) | (_LOWER if ch.islower() else 0)
        flags |= _ALPHA if ch.isalpha() else 0
        if ch.isalnum() or ch == "_" or unicodedata.category(ch) in ("Mn", "Mc"):
            flags |= _WORD
            base = unicodedata.normalize("NFD", low)[0]
            if base != low and ord(base) < 128:
                fold = base
        for flag, chars in _CHAR_CLASSES:
            if ch in chars:
                flags |= flag
        table[cp] = ord(low) | (ord(fold) << _CP_BITS) | (flags << _FLAG_SHIFT)
    table[_TABLE_SIZE - 1] = (_WORD | _BIG) << _FLAG_SHIFT  # every code point from here up
    return table


# built from this file's code and Python's Unicode database: cached (about 50 ms to build)
_TABLE = cached_tables(
    "codepoints",
    f"{file_fingerprint(Path(__file__))}|{unicodedata.unidata_version}|{_TABLE_SIZE}",
    ("table",),
    lambda: {"table": _build_table()},
)["table"]
_IS_ALPHA = ((_TABLE >> np.uint64(_FLAG_SHIFT)) & np.uint64(_ALPHA)) != 0
# the table's three fields as separate arrays: three 1-D gathers beat unpacking each entry
_LOWER_OF = (_TABLE & _CP_MASK).astype(np.uint32)
_FOLD_OF = ((_TABLE >> np.uint64(_CP_BITS)) & _CP_MASK).astype(np.uint32)
_FLAGS_OF = (_TABLE >> np.uint64(_FLAG_SHIFT)).astype(np.uint16)


def _lookup(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lowercase code points, folded code points, uint16 flag bits) of raw code points."""
    index = raw.astype(np.intp)  # once, not once per gather
    # "clip" maps every code point from _TABLE_SIZE - 1 up to the table's last entry
    lower = _LOWER_OF.take(index, mode="clip")
    fold = _FOLD_OF.take(index, mode="clip")
    flags = _FLAGS_OF.take(index, mode="clip")
    if raw.size and raw.max() >= _TABLE_SIZE - 1:
        big = np.flatnonzero(raw >= _TABLE_SIZE - 1)
        lower[big] = raw[big]
        fold[big] = raw[big]
    return lower, fold, flags


def _flag(flags: np.ndarray, flag: int) -> np.ndarray:
    return (flags & flag) != 0


def letter_words_per_text(joined: str) -> np.ndarray:
    """Number of runs of 2+ letters (regex ``[^\\W\\d_]{2,}``) in each SEP-separated text."""
    raw = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    alpha = np.zeros(raw.size + 2, dtype=bool)  # one non-letter before and after
    _IS_ALPHA.take(raw, out=alpha[1:-1], mode="clip")
    if raw.size and raw.max() >= _TABLE_SIZE - 1:
        big = np.flatnonzero(raw >= _TABLE_SIZE - 1)
        values, inverse = np.unique(raw[big], return_inverse=True)
        alpha[big + 1] = np.array([chr(v).isalpha() for v in values.tolist()])[inverse]
    # a run of 2+ letters starts where a letter follows a non-letter and precedes a letter
    long_runs = np.flatnonzero(alpha[1:-1] & alpha[2:] & ~alpha[:-2])
    seps = np.flatnonzero(raw == _SEP)
    return np.bincount(np.searchsorted(seps, long_runs), minlength=seps.size + 1)


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


@lru_cache(maxsize=1)
def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i (mod 2**64) for i < n, n a power of two (shared by all batches)."""
    with np.errstate(over="ignore"):
        powers = np.full(n, _P, dtype=np.uint64)
        inv = np.full(n, _P_INV, dtype=np.uint64)
        powers[0] = inv[0] = 1
        return np.cumprod(powers, dtype=np.uint64), np.cumprod(inv, dtype=np.uint64)


def _prefix_hash(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prefix sums H[i] = sum_{j<i} cp[j] * P**j (mod 2**64) and the powers P**-i."""
    n = cp.size
    powers, inv = _powers(1 << max(n - 1, 1).bit_length())
    h = np.empty(n + 1, dtype=np.uint64)
    h[0] = 0
    with np.errstate(over="ignore"):  # terms and sums in place, no temporary arrays
        h[1:] = cp
        h[1:] *= powers[:n]
        np.cumsum(h[1:], out=h[1:])
    return h, inv


def _span_hash(h: np.ndarray, inv: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Position-independent hash of cp[start:end] for each (start, end) pair."""
    with np.errstate(over="ignore"):
        return (h[end] - h[start]) * inv[start]


def word_hashes(words: Sequence[str]) -> np.ndarray:
    """Hash of each word exactly as the featuriser hashes a (lowercased, folded) word token."""
    raw = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    cp = _lookup(raw)[1]
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    end = np.cumsum(lengths)
    h, inv = _prefix_hash(cp) if cp.size else (np.zeros(1, np.uint64), np.ones(1, np.uint64))
    return _mix(_span_hash(h, inv, end - lengths, end), _SALT_WORD)


def _distinct(values: np.ndarray) -> bool:
    """Whether no value occurs twice (np.unique's plain form would import numpy.ma, about
    15 ms at every start)."""
    ordered = np.sort(values)
    return not np.any(ordered[1:] == ordered[:-1])


class HashIndex:
    """Exact lookup of 64-bit hashes in a small fixed set: a direct-address table on the top
    bits, sized so that no two keys share a slot (one gather and one compare per lookup)."""

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = np.asarray(keys, dtype=np.uint64)
        if not _distinct(self.keys):
            raise ValueError("duplicate keys")
        bits = max(int(self.keys.size).bit_length() + 3, 8)
        while True:
            slots = self.keys >> np.uint64(64 - bits)
            if _distinct(slots):
                break
            bits += 1
        self._shift = np.uint64(64 - bits)
        self._table = np.full(1 << bits, -1, dtype=np.int32)
        self._table[slots.astype(np.intp)] = np.arange(self.keys.size, dtype=np.int32)
        self._keys = np.append(self.keys, np.uint64(0))  # index -1 reads this sentinel

    def find(self, hashes: np.ndarray) -> np.ndarray:
        """Index of each hash in ``keys``, or -1."""
        idx = self._table[(hashes >> self._shift).astype(np.intp)]
        return np.where(self._keys[idx] == hashes, idx, -1)


@dataclass(frozen=True)
class FeatureConfig:
    """Shape of the feature space; stored with every model so that it can be rebuilt."""

    bits: int = 19
    char_min: int = 2
    char_max: int = 5
    char_weight: float = 1.0
    word_weight: float = 1.0
    extra_weight: float = 1.0
    max_chars: int = MAX_CHARS
    # words after a negator that get a negated feature; with negation_clause the scope also
    # ends at the next punctuation mark
    negation_scope: int = 3
    negation_clause: bool = False
    intensifiers: bool = False  # the word after an intensifier ("muy", "so") gets a feature
    elongation: bool = False  # one pseudo-word per elongated word ("holaaa", "sooo")

    @property
    def n_features(self) -> int:
        return (1 << self.bits) + len(EXTRA_NAMES)


@dataclass(frozen=True)
class Tokens:
    """Word tokens of a batch (lowercased, accent-folded), in batch order."""

    doc: np.ndarray  # text index of each token
    start: np.ndarray  # position of the token in ``Analysis.cp``
    end: np.ndarray
    hash: np.ndarray  # word_hashes() of the token
    lexicon: np.ndarray  # lexicon flag bits of the token (0 = not in the lexicon)


@dataclass(frozen=True)
class Block:
    """Hashed entries of one feature family, CSR-style: text i owns
    cols[indptr[i]:indptr[i + 1]], each entry worth scale[i]."""

    indptr: np.ndarray
    cols: np.ndarray
    scale: np.ndarray


@dataclass(frozen=True)
class HashedPart:
    """Hashed weights for the texts ``lo:hi`` of a batch: the first ``used`` columns of
    ``rows`` (int8, one row per bucket), times ``scale``, go to the output ``columns``."""

    lo: int
    hi: int
    rows: PackedRows
    used: int
    columns: np.ndarray
    scale: np.ndarray


@dataclass(frozen=True)
class Analysis:
    """One featurised batch: hashed n-gram entries (rows sorted), dense extras, tokens."""

    n_docs: int
    cp: np.ndarray  # normalised code points, texts separated by SEP
    doc: np.ndarray  # text index of each code point
    tokens: Tokens
    blocks: tuple[Block, ...]  # char n-grams (one block per width), then words
    extras: np.ndarray  # n_docs x len(EXTRA_NAMES), float32


_NEGATOR, _POSITIVE, _NEGATIVE, _URL, _USER, _INTENSIFIER = (1 << i for i in range(6))


def _lexicon_index() -> tuple[HashIndex, np.ndarray]:
    """Index of the lexicon words; flags[i] = flag bits of word i, flags[-1] = 0."""
    flags: dict[int, int] = {}
    for flag, words in (
        (_NEGATOR, lexicon.NEGATORS),
        (_POSITIVE, lexicon.POSITIVE_WORDS),
        (_NEGATIVE, lexicon.NEGATIVE_WORDS),
        (_URL, ("url",)),
        (_USER, ("user",)),
        (_INTENSIFIER, lexicon.INTENSIFIERS),
    ):
        for h in word_hashes(words).tolist():
            flags[h] = flags.get(h, 0) | flag
    keys = np.array(list(flags), dtype=np.uint64)
    return HashIndex(keys), np.array([*flags.values(), 0], dtype=np.uint16)


def dense_product(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x @ w`` summed feature by feature, in the same order whatever the number of rows: a
    post's logits do not depend on the batch it is read in (local engine, Dask partitions,
    `classify` batches). BLAS picks its kernel by the matrices' sizes (gemv for one row, other
    blockings for other row counts, per CPU type) and those round differently: on OpenBLAS's
    Haswell kernels the probabilities of one post moved by up to 1e-7 between batch sizes."""
    out = np.zeros((x.shape[0], w.shape[1]), dtype=np.result_type(x, w))
    for k in range(x.shape[1]):
        out += x[:, k, None] * w[k]
    return out


class Featuriser:
    """Turns a batch of raw texts into hashed char n-gram, word and dense features.

    A row may hold repeated column indices (one entry per n-gram occurrence) instead of
    summed counts: every consumer is linear in the matrix, so summing is left to training.
    Each block (char n-grams, words) is scaled by 1 / sqrt(number of its entries in the text).
    """

    def __init__(self, config: FeatureConfig) -> None:
        self.config = config
        self._lexicon, self._lexicon_flags = _lexicon_index()
        self._pos_emoji = np.array(sorted({ord(c) for c in lexicon.POSITIVE_EMOJI}), np.uint32)
        self._neg_emoji = np.array(sorted({ord(c) for c in lexicon.NEGATIVE_EMOJI}), np.uint32)

    def analyse(self, texts: Sequence[str], order: Sequence[int] | None = None) -> Analysis:
        """The analysis of ``texts``, or with ``order`` that of ``[texts[i] for i in order]``
        (the batch's link marks, cached for language ID, are reordered, not found again)."""
        cfg = self.config
        marked = mark_links(texts, cfg.max_chars)
        if order is None:
            padded = " " + marked.replace(SEP, f" {SEP} ") + " "
        else:
            parts = marked.split(SEP)  # marking leaves no SEP inside a text
            padded = " " + f" {SEP} ".join(map(parts.__getitem__, order)) + " "
        padded = padded.replace(URL_MARK, "url").replace(HANDLE_MARK, "@user")
        raw = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32)
        cp, fold, flags = _normalise(raw)
        is_nl = cp == _SEP
        seps = np.flatnonzero(is_nl)
        # text index of each code point (a separator opens the next text), as a cumsum of
        # is_nl would give it: one repeat per text instead of a sum per code point
        doc = np.repeat(np.arange(seps.size + 1), np.diff(seps, prepend=0, append=cp.size))
        n_docs = len(texts)
        tokens = self._tokens(fold, _flag(flags, _WORD), doc)
        text_len = np.diff(seps, prepend=-1, append=cp.size) - 1
        widths = range(cfg.char_min, cfg.char_max + 1)
        char_counts = [np.maximum(text_len - k + 1, 0) for k in widths]
        char_scale = _scale(sum(char_counts), cfg.char_weight)
        blocks = [
            Block(_indptr(counts), cols, char_scale)
            for counts, cols in zip(char_counts, self._char_ngrams(cp, is_nl), strict=True)
        ]
        word_rows, word_cols, negated = self._word_features(tokens, cp)
        if cfg.elongation:
            word_rows, word_cols = _with_elongation(raw, word_rows, word_cols, cfg.bits)
        word_counts = np.bincount(word_rows, minlength=n_docs)
        blocks.append(Block(_indptr(word_counts), word_cols, _scale(word_counts, cfg.word_weight)))
        extras = self._extras(cp, flags, doc, tokens, negated, n_docs)
        return Analysis(n_docs, cp, doc, tokens, tuple(blocks), extras)

    def logits(self, a: Analysis, extra: np.ndarray, parts: Sequence[HashedPart]) -> np.ndarray:
        """``transform(texts) @ W`` without building the full matrix (inference), where W is
        hashed weights over ``extra`` (one row per dense feature). Each part gives the rows
        ``lo:hi`` the sums of its hashed weights in its output columns; each block's weight rows
        are summed per text with numpy alone, so that reading posts does not import scipy (a
        quarter of a second at every start). Columns no part covers hold the dense part only."""
        out = dense_product(a.extras, extra)
        for b in a.blocks:
            for part in parts:
                filled = part.lo + np.flatnonzero(np.diff(b.indptr[part.lo : part.hi + 1]))
                if filled.size:
                    start = b.indptr[part.lo]
                    cols = b.cols[start : b.indptr[part.hi]]
                    sums = part.rows.segment_sums(cols, b.indptr[filled] - start)[:, : part.used]
                    out[filled[:, None], part.columns] += (sums * part.scale) * b.scale[
                        filled, None
                    ]
        return out

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The full feature matrix (training), duplicates summed."""
        from scipy import sparse

        cfg = self.config
        n = len(texts)
        if n == 0:
            return sparse.csr_matrix((0, cfg.n_features), dtype=np.float32)
        a = self.analyse(texts)
        parts = []
        for b in a.blocks:
            rows = np.repeat(np.arange(n), np.diff(b.indptr))
            parts.append((rows, b.cols, b.scale[rows]))
        e_rows, e_j = np.nonzero(a.extras)
        parts.append((e_rows, (1 << cfg.bits) + e_j, a.extras[e_rows, e_j]))
        rows, cols, vals = (np.concatenate(p) for p in zip(*parts, strict=True))
        x = sparse.csr_matrix((vals.astype(np.float32), (rows, cols)), shape=(n, cfg.n_features))
        x.sum_duplicates()
        return x

    def _tokens(self, fold: np.ndarray, word: np.ndarray, doc: np.ndarray) -> Tokens:
        edge = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
        start = np.flatnonzero(edge == 1)
        end = np.flatnonzero(edge == -1)
        h, inv = _prefix_hash(fold)
        wh = _mix(_span_hash(h, inv, start, end), _SALT_WORD)
        found = self._lexicon.find(wh)
        return Tokens(doc[start], start, end, wh, self._lexicon_flags[found])

    def _char_ngrams(self, cp: np.ndarray, is_sep: np.ndarray) -> list[np.ndarray]:
        """Hashed columns of the char n-grams that stay inside one text, in text order, one
        array per width char_min..char_max. Every window is hashed; those that hold a
        separator are dropped from the bucket numbers (the cheapest array to filter). The
        windows are hashed _CHUNK starts at a time: the dozen 64-bit temporaries of a step
        are 256 KB, not megabytes that the C allocator (glibc's defaults) maps afresh and the
        kernel zeroes page by page at every step (half the time of the char n-grams)."""
        cfg = self.config
        widths = range(cfg.char_min, cfg.char_max + 1)
        out: list[list[np.ndarray]] = [[] for _ in widths]
        wide = cp.astype(np.uint64)
        with np.errstate(over="ignore"):
            for lo in range(0, max(cp.size, 1), _CHUNK):
                hi = lo + _CHUNK + cfg.char_max - 1  # the windows starting before lo + _CHUNK
                chunk, sep = wide[lo:hi], is_sep[lo:hi]
                g, crosses = chunk, sep
                for k in range(1, cfg.char_max + 1):
                    if k > 1:
                        g = g[:-1] * _P
                        g += chunk[k - 1 :]
                        crosses = crosses[:-1] | sep[k - 1 :]
                    if k >= cfg.char_min:
                        salt = _SALT_CHAR * k % 2**64
                        buckets = _bucket(g[:_CHUNK], cfg.bits, salt)[~crosses[:_CHUNK]]
                        out[k - cfg.char_min].append(buckets)
        return [parts[0] if len(parts) == 1 else np.concatenate(parts) for parts in out]

    def _word_features(
        self, t: Tokens, cp: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Word unigrams, bigrams, words in a negation scope (and, when configured, words after
        an intensifier)."""
        cfg = self.config
        wh, w_doc = t.hash, t.doc
        n_words = wh.size
        is_negator = _flag(t.lexicon, _NEGATOR)
        negated = _in_scope(is_negator, w_doc, cfg.negation_scope)
        if cfg.negation_clause and n_words:
            clause = np.cumsum(_isin_sorted(cp, _PUNCT))[t.start]
            last = _last_before(is_negator)
            negated &= clause[np.maximum(last, 0)] == clause
        negated &= ~is_negator
        kinds = 4 if cfg.intensifiers else 3
        w_hash = np.empty((n_words, kinds), dtype=np.uint64)
        w_ok = np.ones((n_words, kinds), dtype=bool)
        w_hash[:, 0] = wh
        with np.errstate(over="ignore"):
            w_hash[:-1, 1] = wh[:-1] * _MIX1 + wh[1:] + np.uint64(_SALT_BIGRAM)
        w_ok[:-1, 1] = w_doc[1:] == w_doc[:-1]
        w_ok[-1:, 1] = False
        w_hash[:, 2] = wh ^ np.uint64(_SALT_NEG)
        w_ok[:, 2] = negated
        if cfg.intensifiers:
            w_hash[:, 3] = wh ^ np.uint64(_SALT_INTENSE)
            w_ok[:, 3] = _in_scope(_flag(t.lexicon, _INTENSIFIER), w_doc, 1)
        ok = w_ok.ravel()
        rows = np.repeat(w_doc, kinds)[ok]
        return rows, _bucket(w_hash.ravel()[ok], cfg.bits), negated

    def _extras(
        self,
        cp: np.ndarray,
        flags: np.ndarray,
        doc: np.ndarray,
        t: Tokens,
        negated: np.ndarray,
        n_docs: int,
    ) -> np.ndarray:
        """Lexicon polarity with negation flipping, emoji/emoticons, punctuation, caps."""
        w_doc = t.doc
        is_pos = _flag(t.lexicon, _POSITIVE)
        is_neg = _flag(t.lexicon, _NEGATIVE)
        # one scan finds every rare character the dense features look at
        special = np.flatnonzero(flags & (_EYES | _LT | _QUESTION | _EXCLAIM | _BIG))
        kind = flags[special]
        emo_pos, emo_neg = _emoticons(cp, flags, special[(kind & (_EYES | _LT)) != 0])
        big = special[(kind & _BIG) != 0]
        extras = np.column_stack(
            (
                _count(w_doc, (is_pos & ~negated) | (is_neg & negated), n_docs),
                _count(w_doc, (is_neg & ~negated) | (is_pos & negated), n_docs),
                np.bincount(doc[emo_pos], minlength=n_docs)
                + np.bincount(doc[big[_isin_sorted(cp[big], self._pos_emoji)]], minlength=n_docs),
                np.bincount(doc[emo_neg], minlength=n_docs)
                + np.bincount(doc[big[_isin_sorted(cp[big], self._neg_emoji)]], minlength=n_docs),
                np.bincount(doc[special[(kind & _QUESTION) != 0]], minlength=n_docs),
                np.bincount(doc[special[(kind & _EXCLAIM) != 0]], minlength=n_docs),
                _count(w_doc, _flag(t.lexicon, _URL), n_docs),
                _count(w_doc, _flag(t.lexicon, _USER), n_docs),
                _count(w_doc, _all_caps(flags, t), n_docs),
                np.bincount(w_doc, minlength=n_docs) / 10.0,
            )
        )
        return (np.log1p(extras) * self.config.extra_weight).astype(np.float32)


def _last_before(mark: np.ndarray) -> np.ndarray:
    """Index of the last marked token strictly before each token (-1: none)."""
    idx = np.where(mark, np.arange(mark.size), -1)
    return np.concatenate(([-1], np.maximum.accumulate(idx)[:-1])) if mark.size else idx


def _in_scope(mark: np.ndarray, doc: np.ndarray, scope: int) -> np.ndarray:
    """Tokens at most ``scope`` tokens after a marked token of the same text. Short scopes
    shift and compare (a tenth of the time of the general form's gathers)."""
    n = mark.size
    if scope <= 8:
        out = np.zeros(n, dtype=bool)
        for lag in range(1, min(scope, n - 1) + 1):
            out[lag:] |= mark[:-lag] & (doc[lag:] == doc[:-lag])
        return out
    last = _last_before(mark)
    at = np.maximum(last, 0)
    return (last >= 0) & (np.arange(n) - last <= scope) & (doc[at] == doc)


def _with_elongation(
    raw: np.ndarray, rows: np.ndarray, cols: np.ndarray, bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Word entries plus one pseudo-word entry per run of 3+ equal letters, rows kept sorted."""
    same = raw[1:] == raw[:-1]
    triple = np.flatnonzero(same[1:] & same[:-1] & _IS_ALPHA[np.minimum(raw[2:], _TABLE_SIZE - 1)])
    starts = triple[np.diff(triple, prepend=-2) > 1]
    doc = np.cumsum(raw == _SEP)[starts]
    col = _bucket(np.array([_ELONGATED]), bits)[0]
    rows = np.concatenate((rows, doc))
    order = np.argsort(rows, kind="stable")
    return rows[order], np.concatenate((cols, np.full(doc.size, col, np.int32)))[order]


def _count(doc: np.ndarray, mask: np.ndarray, n_docs: int) -> np.ndarray:
    """Number of True entries of ``mask`` per text."""
    return np.bincount(doc[mask], minlength=n_docs)


def _normalise(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lowercase; drop '#', the 3rd+ repeat of a word character and repeated spaces.

    Returns the normalised code points, their accent-folded form and their flag bits (case
    of the original character, word character, emoticon parts).
    """
    cp, fold, flags = _lookup(raw)
    drop = cp == 35  # '#'
    same = cp[1:] == cp[:-1]
    drop[2:] |= same[1:] & same[:-1] & _flag(flags[2:], _WORD)
    drop[1:] |= same & (cp[1:] == _SPACE)
    keep = ~drop
    return cp[keep], fold[keep], flags[keep]


def _emoticons(cp: np.ndarray, flags: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start positions of western emoticons (":)", ";-p", ":(", "=/", "<3", "</3") among the
    candidate positions ``at`` (eyes or "<"); texts always end with a space."""
    at = at[at < cp.size - 2]
    eyes = at[_flag(flags[at], _EYES)]
    nose = _flag(flags[eyes + 1], _NOSE)
    mouth = flags[eyes + 1 + nose]
    lt = at[cp[at] == 60]  # "<3", "</3"
    pos = np.concatenate((eyes[_flag(mouth, _SMILE)], lt[cp[lt + 1] == 51]))
    neg = np.concatenate((eyes[_flag(mouth, _FROWN)], lt[(cp[lt + 1] == 47) & (cp[lt + 2] == 51)]))
    return pos, neg


def _all_caps(flags: np.ndarray, t: Tokens) -> np.ndarray:
    """Tokens of 3+ characters whose first character is upper case and none lower case."""
    cand = np.flatnonzero((t.end - t.start > 2) & _flag(flags[t.start], _UPPER))
    start, end = t.start[cand], t.end[cand]
    ok = np.ones(cand.size, dtype=bool)
    for i in range(1, int((end - start).max(initial=0))):
        live = ok & (start + i < end)
        ok[live] = ~_flag(flags[start[live] + i], _LOWER)
    out = np.zeros(t.start.size, dtype=bool)
    out[cand[ok]] = True
    return out


def _bucket(h: np.ndarray, bits: int, salt: int = 0) -> np.ndarray:
    """Top ``bits`` bits of a cheap mix (xor-shift, multiply) of 64-bit n-gram hashes plus
    ``salt``, as int64 (the index type of the gathers that use them: no conversion)."""
    with np.errstate(over="ignore"):
        h = h + np.uint64(salt)
        h ^= h >> np.uint64(29)
        h *= _MIX2
        h >>= np.uint64(64 - bits)
    return h.view(np.int64)


def _indptr(counts: np.ndarray) -> np.ndarray:
    indptr = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr


def _scale(counts: np.ndarray, weight: float) -> np.ndarray:
    return (weight / np.sqrt(np.maximum(counts, 1))).astype(np.float32)


def _isin_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if sorted_set.size == 0 or values.size == 0:
        return np.zeros(values.shape, dtype=bool)
    pos = np.searchsorted(sorted_set, values).clip(0, sorted_set.size - 1)
    return sorted_set[pos] == values
