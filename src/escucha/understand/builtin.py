"""The shipped backend: linear models over one shared hashed feature space.

All heads (sentiment per language, English intent models) are columns of one weight
matrix, so a batch is featurised once and scored with a single sparse-dense product.
Files in the model folder: ``manifest.json`` (feature config, columns, calibration,
thresholds, version), ``weights.npz`` (int8 weights with one scale per column, float32
rows for the dense extra features, biases, idf) and ``metrics.json``. No pickle.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.understand.features import (
    Analysis,
    FeatureConfig,
    Featuriser,
    HashedPart,
    dense_product,
)
from escucha.understand.intents import MODEL_INTENTS, combine, english_rows
from escucha.understand.metrics import ModelMetrics
from escucha.understand.patterns import NAMES as PATTERN_NAMES
from escucha.understand.patterns import pattern_matrix
from escucha.understand.rowsums import PackedRows
from escucha.understand.rules import rule_scores
from escucha.understand.scorer import Scorer
from escucha.understand.shipped import shipped_metrics
from escucha.understand.tablecache import cached_tables, file_fingerprint


class BuiltinScorer(Scorer):
    def __init__(
        self,
        manifest: dict,
        arrays: dict[str, np.ndarray],
        metrics: ModelMetrics,
        languages: Sequence[str] | None = None,
    ) -> None:
        """Keeps only the sentiment heads of ``languages`` and the fallback ones (None = all):
        the cost of scoring grows with the number of weight columns."""
        self.manifest = manifest
        self.version: str = manifest["version"]
        self.thresholds: dict[str, float] = manifest["thresholds"]
        self.metrics = metrics
        config = FeatureConfig(**manifest["features"])
        self.featuriser = Featuriser(config)
        self.fallback = tuple(manifest["sentiment_fallback"])
        wanted = set(manifest["sentiment"]) if languages is None else set(languages)
        wanted |= set(self.fallback)
        heads = {lang: spec for lang, spec in manifest["sentiment"].items() if lang in wanted}
        if any(tuple(spec["labels"]) != SENTIMENTS for spec in heads.values()):
            raise ValueError(f"sentiment heads must be ordered {SENTIMENTS}")
        column = {name: j for j, name in enumerate(manifest["columns"])}
        picked: list[int] = []
        self.sentiment: dict[str, tuple[int, float]] = {}
        for lang, spec in heads.items():
            self.sentiment[lang] = (len(picked), float(spec["temperature"]))
            picked += [column[f"sentiment.{lang}.{s}"] for s in SENTIMENTS]
        self.intent_columns = {k: len(picked) + i for i, k in enumerate(MODEL_INTENTS)}
        picked += [column[f"intent.{k}"] for k in MODEL_INTENTS]
        self.col_scale = arrays["scale"][picked].astype(np.float32)
        # The int8 weights are kept as shipped (one scale per column), eight columns to a
        # 64-bit word, and summed as integers (rowsums): small tables, exact sums. One table
        # per sentiment head, with the intent columns: a text's n-grams are looked up in its
        # language's table only (one word per n-gram in a 2 MB table, where one table of every
        # head took three words of 6 MB), texts of other languages in the fallback heads' ones.
        self._tables: dict[str, tuple[PackedRows, np.ndarray]] = {}
        for lang, (j, _) in self.sentiment.items():
            out = np.array([j, j + 1, j + 2, *self.intent_columns.values()])
            rows = np.ascontiguousarray(arrays["weights_q"][:, [picked[c] for c in out]])
            self._tables[lang] = (PackedRows(rows), out)
        self.extra = np.ascontiguousarray(arrays["extra"][:, picked], dtype=np.float32)
        self.bias = arrays["bias"][picked].astype(np.float32)
        self.combine_params: dict[str, float] = manifest["combine"]
        # weights of the linguistic pattern families (patterns.NAMES) per intent model
        spec = manifest.get("patterns") or {}
        self.pattern_weights: np.ndarray | None = None
        if spec:
            if tuple(spec["names"]) != PATTERN_NAMES:
                raise ValueError("the model's pattern families differ from patterns.NAMES")
            self.pattern_weights = np.column_stack(
                [
                    np.asarray(spec["weights"].get(k, [0.0] * len(PATTERN_NAMES)))
                    for k in MODEL_INTENTS
                ]
            ).astype(np.float32)

    @classmethod
    def load(cls, model_dir: Path, languages: Sequence[str] | None = None) -> BuiltinScorer:
        manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
        arrays = _load_weights(model_dir / "weights.npz")
        return cls(manifest, arrays, shipped_metrics(model_dir), languages)

    def group_order(self, langs: Sequence[str]) -> np.ndarray:
        """The texts in the order ``logits`` reads fastest: grouped by sentiment head (stable),
        those of languages without a head last."""
        return np.argsort(self._head_codes(langs), kind="stable")

    def _head_codes(self, langs: Sequence[str]) -> np.ndarray:
        """Per text, the index of its sentiment head; len(self.sentiment): none (fallback)."""
        code = {lang: i for i, lang in enumerate(self.sentiment)}
        return np.fromiter(map(code.get, langs, itertools.repeat(len(code))), np.int64, len(langs))

    def logits(self, analysis: Analysis, langs: Sequence[str]) -> np.ndarray:
        """Per text, the logits of its own sentiment head (or of the fallback heads) and of the
        intent models; the other heads' columns are NaN. Fastest on texts in group_order."""
        codes = self._head_codes(langs)
        heads = list(self.sentiment)
        bounds = [0, *(np.flatnonzero(np.diff(codes)) + 1).tolist(), codes.size]
        parts = []
        for lo, hi in itertools.pairwise(bounds if codes.size else []):
            code = int(codes[lo])
            for i, lang in enumerate(heads[code : code + 1] or self.fallback):
                rows, out = self._tables[lang]
                used = out.size if i == 0 else 3  # the intent columns once
                parts.append(HashedPart(lo, hi, rows, used, out[:used], self.col_scale[out[:used]]))
        logits = self.featuriser.logits(analysis, self.extra, parts)
        unused = np.ones(logits.shape, dtype=bool)
        for part in parts:
            unused[part.lo : part.hi, part.columns] = False
        logits[unused] = np.nan
        return logits + self.bias

    def sentiment_probs(self, logits: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """Calibrated softmax of the text's language head; languages without a head (unknown,
        or not loaded) get the mean of the fallback heads."""
        n = logits.shape[0]
        out = np.zeros((n, 3), dtype=np.float64)
        heads = list(self.sentiment)
        code = {lang: i for i, lang in enumerate(heads)}
        codes = np.fromiter(map(code.get, langs, itertools.repeat(-1)), np.int64, len(langs))
        for i, lang in enumerate(heads):
            rows = np.flatnonzero(codes == i)
            if rows.size:
                out[rows] = self._head_probs(logits[rows], lang)
        known = codes >= 0
        rest = np.flatnonzero(~known)
        if rest.size:
            for lang in self.fallback:
                out[rest] += self._head_probs(logits[rest], lang)
            out[rest] /= len(self.fallback)
        return out

    def _head_probs(self, logits: np.ndarray, lang: str) -> np.ndarray:
        j, temp = self.sentiment[lang]
        return _softmax(logits[:, j : j + 3].astype(np.float64) / temp)

    def model_intents(self, logits: np.ndarray, analysis: Analysis | None = None) -> np.ndarray:
        """Probabilities of the English-trained intent models (NaN for rule-only intents);
        with ``analysis``, the pattern families' weights are added to the logits."""
        out = np.full((logits.shape[0], len(INTENTS)), np.nan)
        extra = None
        if analysis is not None and self.pattern_weights is not None:
            extra = dense_product(pattern_matrix(analysis), self.pattern_weights)
        for i, name in enumerate(MODEL_INTENTS):
            z = logits[:, self.intent_columns[name]]
            if extra is not None:
                z = z + extra[:, i]
            out[:, INTENTS.index(name)] = 1.0 / (1.0 + np.exp(-z))
        return out

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return self.score_with(texts, langs, None)

    def score_with(
        self, texts: Sequence[str], langs: Sequence[str], sentiment: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sentiment and intents; ``sentiment`` (n x 3), when given, replaces the built-in
        sentiment heads (another backend's probabilities) and feeds the intent combination."""
        order = self.group_order(langs)
        at = order.tolist()
        langs = list(map(langs.__getitem__, at))
        analysis = self.featuriser.analyse(texts, at)
        logits = self.logits(analysis, langs)
        sent = self.sentiment_probs(logits, langs) if sentiment is None else sentiment[order]
        intents = combine(
            sent,
            self.model_intents(logits, analysis),
            rule_scores(analysis, INTENTS, langs),
            self.combine_params,
            english_rows(langs),
        )
        return _in_order(sent, order), _in_order(intents, order)


def _in_order(rows: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``rows`` computed for the texts in ``order``, back in the texts' own order."""
    out = np.empty_like(rows)
    out[order] = rows
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _npz_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}


def _load_weights(path: Path) -> dict[str, np.ndarray]:
    """The arrays of weights.npz. The file is compressed (about 50 ms to inflate at every
    start): its arrays are read back from the uncompressed cache after the first start."""
    with np.load(path, allow_pickle=False) as npz:  # reads the zip directory only
        names = tuple(npz.files)
    return cached_tables("weights", file_fingerprint(path), names, lambda: _npz_arrays(path))
