"""Batch language identification with py3langid's model, restricted to the configured languages.

py3langid walks a byte-level automaton one text at a time in Python. Here the same
automaton runs over a whole batch at once (one numpy step per byte position, all texts in
parallel), then scores with py3langid's own naive Bayes tables after ``set_languages``.
Up to ``max_bytes`` bytes of each cleaned text are used.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from escucha.understand.features import clean_for_langid

UNKNOWN = "unknown"
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


class LanguageDetector:
    """Detects one of ``languages`` or answers "unknown" for short or unclear text."""

    def __init__(
        self,
        languages: Sequence[str],
        min_words: int = 2,
        min_confidence: float = 0.6,
        max_bytes: int = 320,
    ) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        ident.set_languages(list(languages))
        self.languages = tuple(ident.nb_classes)
        self.min_words = min_words
        self.min_confidence = min_confidence
        self.max_bytes = max_bytes
        self._next = np.frombuffer(ident.tk_nextmove, dtype=np.uint32)
        self._rowbase = np.asarray(ident.tk_row, dtype=np.int64) << 8
        self._output = np.asarray(ident.tk_output, dtype=np.int64)
        self._ptc = np.asarray(ident.nb_ptc, dtype=np.float32)
        self._pc = np.asarray(ident.nb_pc, dtype=np.float32)

    def detect(self, texts: Sequence[str]) -> list[str]:
        return [lang for lang, _ in self.detect_with_confidence(texts)]

    def detect_with_confidence(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        cleaned = clean_for_langid("\n".join(t.replace("\n", " ") for t in texts)).split("\n")
        probs = self.probabilities(cleaned)
        best = probs.argmax(axis=1)
        conf = probs[np.arange(len(texts)), best]
        out = []
        for text, b, c in zip(cleaned, best.tolist(), conf.tolist(), strict=True):
            if len(_LETTER_WORD.findall(text)) < self.min_words or c < self.min_confidence:
                out.append((UNKNOWN, c))
            else:
                out.append((self.languages[b], c))
        return out

    def probabilities(self, cleaned: Sequence[str]) -> np.ndarray:
        """Posterior over ``self.languages`` for texts already passed through cleaning."""
        encoded = [
            unicodedata.normalize("NFC", t.lower() if t.isupper() else t).encode("utf-8")[
                : self.max_bytes
            ]
            for t in cleaned
        ]
        n = len(encoded)
        lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=n)
        width = int(lengths.max()) if n else 0
        flat = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        grid = np.zeros((n, max(width, 1)), dtype=np.int64)
        mask = np.arange(grid.shape[1])[None, :] < lengths[:, None]
        grid[mask] = flat
        state = np.zeros(n, dtype=np.uint32)
        rows, feats = [], []
        for pos in range(width):
            active = np.flatnonzero(mask[:, pos])
            if active.size < n:
                state_a = self._next[self._rowbase[state[active]] + grid[active, pos]]
                state[active] = state_a
            else:
                state = self._next[self._rowbase[state] + grid[:, pos]]
                state_a = state
            f = self._output[state_a]
            hit = f >= 0
            rows.append(active[hit])
            feats.append(f[hit])
        rows_a = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        feats_a = np.concatenate(feats) if feats else np.zeros(0, np.int64)
        counts = sparse.csr_matrix(
            (np.ones(rows_a.size, np.float32), (rows_a, feats_a)), shape=(n, self._ptc.shape[0])
        )
        counts.sum_duplicates()
        counts.data = np.log1p(counts.data)
        scores = np.asarray(counts @ self._ptc) + self._pc
        has = np.diff(counts.indptr) > 0
        scores[~has] = 0.0  # no features: uniform, as py3langid does
        scores /= np.sqrt(np.maximum(lengths, 1))[:, None]
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores
