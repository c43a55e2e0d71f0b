"""Batch language identification with py3langid's model, restricted to the configured languages.

py3langid walks a byte-level automaton (one feature per state) one text at a time in Python.
Here the same automaton runs over a whole batch at once: texts are sorted by length so that
at byte position ``i`` the texts still running are a prefix of the batch, and each step is a
few numpy operations on contiguous slices. Scores then use py3langid's own naive Bayes tables
after ``set_languages``. Up to ``max_bytes`` bytes of each cleaned text are used.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from itertools import compress
from pathlib import Path

import numpy as np

from escucha.core.labels import UNKNOWN_LANG
from escucha.understand.features import (
    SEP,
    clean_for_langid,
    letter_words_per_text,
    mark_links,
)
from escucha.understand.tablecache import cached_tables, file_fingerprint

_LOW32 = np.uint64(0xFFFFFFFF)
_TABLES = ("next", "state_info", "ptc", "pc", "languages")


def _load_tables(languages: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The automaton and naive Bayes tables for ``languages``.

    py3langid ships its model LZMA-compressed: decompressing it takes most of a second at
    every start. The tables derived from it are kept uncompressed in the cache folder (one
    folder per model file and language set, about 45 MB) and memory-mapped on later starts
    (a one-post run reads a few pages of them, not 40 MB).
    """
    from py3langid.langid import MODEL_FILE

    model = Path(MODEL_FILE)
    if not model.is_absolute():
        import py3langid.langid as pl

        model = Path(pl.MODEL_DIR) / model
    fingerprint = f"{file_fingerprint(model)}|{','.join(languages)}|1"
    return cached_tables(
        "langid", fingerprint, _TABLES, lambda: _build_tables(languages), mmap=True
    )


def _build_tables(languages: tuple[str, ...]) -> dict[str, np.ndarray]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(languages))
    rowbase = np.asarray(ident.tk_row, dtype=np.uint64) << np.uint64(8)
    output = (np.asarray(ident.tk_output, dtype=np.int64) + 1).astype(np.uint64)
    return {
        "next": np.frombuffer(ident.tk_nextmove, dtype=np.uint32),
        "state_info": rowbase | (output << np.uint64(32)),
        "ptc": np.asarray(ident.nb_ptc, dtype=np.float32),
        "pc": np.asarray(ident.nb_pc, dtype=np.float32),
        "languages": np.array(list(ident.nb_classes)),
    }


class LanguageDetector:
    """Detects one of ``languages`` or answers "unknown" for short or unclear text."""

    def __init__(
        self,
        languages: Sequence[str],
        min_words: int = 2,
        min_confidence: float = 0.6,
        max_bytes: int = 320,
    ) -> None:
        self.min_words = min_words
        self.min_confidence = min_confidence
        self.max_bytes = max_bytes
        tables = _load_tables(tuple(languages))
        self.languages = tuple(tables["languages"].tolist())
        # state_info, per state: its row offset in the transition table (low 32 bits) and
        # its output feature + 1 (high 32 bits, 0 = none); split in two for the walk
        self._next = tables["next"]
        info = tables["state_info"]
        # uint32 throughout the walk: half the bytes of intp, and numpy's take is faster
        self._row_of = (info & _LOW32).astype(np.uint32)
        self._output_of = (info >> np.uint64(32)).astype(np.uint32)
        self._start_row = int(self._row_of[0])
        self._ptc = tables["ptc"]
        # bits of a feature number in a sort key (py3langid's model: 100,053 features, 17)
        self._feature_bits = max(int(self._ptc.shape[0]) - 1, 1).bit_length()
        self._pc = tables["pc"]
        self._log1p = np.log1p(np.arange(max_bytes + 1)).astype(np.float32)

    def detect(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        best, _, known = self._decide(texts)
        names = np.array([*self.languages, UNKNOWN_LANG], dtype=object)
        return names[np.where(known, best, len(self.languages))].tolist()

    def detect_with_confidence(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        best, conf, known = self._decide(texts)
        return [
            (self.languages[b], c) if ok else (UNKNOWN_LANG, c)
            for b, c, ok in zip(best.tolist(), conf.tolist(), known.tolist(), strict=True)
        ]

    def _decide(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per text: the most probable language, its probability, and whether it is told
        (enough words and confidence; else the text's language is unknown)."""
        cleaned = clean_for_langid(mark_links(texts))  # the batch, SEP-separated
        probs = self._probabilities(cleaned)
        best = probs.argmax(axis=1)
        conf = probs[np.arange(len(texts)), best]
        enough = letter_words_per_text(cleaned) >= self.min_words
        return best, conf, enough & (conf >= self.min_confidence)

    def probabilities(self, cleaned: Sequence[str]) -> np.ndarray:
        """Posterior over ``self.languages`` for texts already passed through cleaning."""
        if not cleaned:
            return np.zeros((0, len(self.languages)))
        return self._probabilities(SEP.join(cleaned))

    def _probabilities(self, joined: str) -> np.ndarray:
        """``probabilities`` of the cleaned texts of a batch joined by SEP."""
        cleaned = joined.split(SEP)
        n = len(cleaned)
        upper = list(compress(range(n), map(str.isupper, cleaned)))
        if upper:
            for i in upper:
                cleaned[i] = cleaned[i].lower()
            joined = SEP.join(cleaned)
        data = np.frombuffer(unicodedata.normalize("NFC", joined).encode("utf-8"), np.uint8)
        ends = np.append(np.flatnonzero(data == 0), data.size)  # SEP
        starts = np.concatenate(([0], ends[:-1] + 1))
        lengths = np.minimum(ends - starts, self.max_bytes)
        keys = self._walk(data, starts, lengths)  # sorted
        new = np.empty(keys.size, dtype=bool)
        new[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=new[1:])
        first = np.flatnonzero(new)
        unique = keys[first]
        bits = self._feature_bits
        feats = (unique & ((1 << bits) - 1)).astype(np.intp)
        # log1p(count), looked up: a feature occurs at most once per byte of a text
        weight = self._log1p.take(np.diff(first, append=keys.size))
        # rows are sorted: sum each text's weighted feature log-probabilities in one pass
        first_of_row = np.searchsorted(unique, np.arange(n, dtype=unique.dtype) << bits)
        per_row = np.diff(first_of_row, append=unique.size)
        contrib = self._ptc.take(feats, axis=0)
        contrib *= weight[:, None]
        scores = np.zeros((n, self._pc.size))
        has = per_row > 0
        if contrib.size:
            scores[has] = np.add.reduceat(contrib, first_of_row[has], axis=0)
        scores += self._pc
        scores[~has] = 0.0  # no features: uniform, as py3langid
        scores /= np.sqrt(np.maximum(lengths, 1))[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def _walk(self, data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Run the automaton over all texts: (text << feature bits) | feature per emission,
        sorted, as uint32 when that fits (a batch of up to 2**15 texts; sorting them is then
        about twice as fast as sorting 64-bit keys).

        Texts are sorted by length, longest first, so the texts still running at byte
        position ``pos`` are the first ``running[pos]``. Their bytes are row ``pos`` of a
        position-by-text matrix (each text's bytes read as one window of the batch), and the
        states of step ``pos`` sit contiguously at ``offsets[pos]`` in one flat array, next
        to their text's key prefix. Positions that emit nothing get a key of all ones, which
        sorts last and is cut off, so no step of the walk needs a mask.
        """
        n = lengths.size
        order = np.argsort(-lengths, kind="stable")
        len_o = lengths[order]
        width = int(len_o[0]) if n else 0
        bits = self._feature_bits
        dtype = np.dtype(np.uint32 if (n - 1).bit_length() + bits <= 32 else np.uint64)
        if not width:
            return np.zeros(0, dtype=dtype)
        running = np.searchsorted(-len_o, -np.arange(width), side="left")  # len > pos
        offsets = np.zeros(width + 1, dtype=np.intp)
        np.cumsum(running, out=offsets[1:])
        padded = np.zeros(data.size + width, dtype=np.uint8)
        padded[: data.size] = data
        windows = np.lib.stride_tricks.sliding_window_view(padded, width)
        by_pos = np.ascontiguousarray(windows[starts[order]].T)  # width x n
        prefix = order.astype(dtype) << bits
        keys = np.empty(offsets[-1], dtype=dtype)
        states = np.empty(offsets[-1], dtype=np.uint32)
        row = np.full(n, self._start_row, dtype=np.uint32)
        at = np.empty(n, dtype=np.uint32)
        # every index is in range (a row offset plus a byte; a state), so "clip" only skips
        # the bounds checks
        for pos, (o, m) in enumerate(zip(offsets[:-1].tolist(), running.tolist(), strict=True)):
            np.add(row[:m], by_pos[pos, :m], out=at[:m])
            self._next.take(at[:m], out=states[o : o + m], mode="clip")
            self._row_of.take(states[o : o + m], out=row[:m], mode="clip")
            keys[o : o + m] = prefix[:m]
        feature = self._output_of.take(states).astype(dtype, copy=False)  # feature + 1, 0 = none
        emitted = np.count_nonzero(feature)
        feature -= 1  # none: all ones (unsigned wrap-around)
        keys |= feature
        keys.sort()
        return keys[:emitted]
