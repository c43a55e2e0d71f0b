"""The shipped backend: linear models over one shared hashed feature space.

All heads (sentiment per language, English intent models) are columns of one weight
matrix, so a batch is featurised once and scored with a single sparse-dense product.
Files in the model folder: ``manifest.json`` (feature config, columns, calibration,
thresholds, version), ``weights.npz`` (int8 weights with one scale per column, float32
rows for the dense extra features, biases, idf) and ``metrics.json``. No pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from escucha.understand.features import FeatureConfig, Featuriser
from escucha.understand.intents import MODEL_INTENTS, combine
from escucha.understand.reader import INTENTS, Scorer
from escucha.understand.rules import rule_scores


class BuiltinScorer(Scorer):
    def __init__(self, manifest: dict, arrays: dict[str, np.ndarray], metrics: dict) -> None:
        self.manifest = manifest
        self.version: str = manifest["version"]
        self.thresholds: dict[str, float] = manifest["thresholds"]
        self.metrics = metrics
        config = FeatureConfig(**manifest["features"])
        idf = arrays.get("idf")
        self.featuriser = Featuriser(config, None if idf is None else idf.astype(np.float32))
        size = 1 << config.bits
        weights = np.empty((config.n_features, len(manifest["columns"])), dtype=np.float32)
        np.multiply(arrays["weights_q"], arrays["scale"][None, :], out=weights[:size])
        weights[size:] = arrays["extra"]
        self.weights = weights
        self.bias = arrays["bias"].astype(np.float32)
        column = {name: j for j, name in enumerate(manifest["columns"])}
        self.sentiment = {
            lang: (
                np.array([column[f"sentiment.{lang}.{s}"] for s in spec["labels"]]),
                float(spec["temperature"]),
            )
            for lang, spec in manifest["sentiment"].items()
        }
        self.fallback = tuple(manifest["sentiment_fallback"])
        self.intent_columns = {k: column[f"intent.{k}"] for k in MODEL_INTENTS}
        self.combine_params: dict[str, float] = manifest["combine"]

    @classmethod
    def load(cls, model_dir: Path) -> BuiltinScorer:
        manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
        with np.load(model_dir / "weights.npz", allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        metrics_path = model_dir / "metrics.json"
        metrics = json.loads(metrics_path.read_text("utf-8")) if metrics_path.exists() else {}
        return cls(manifest, arrays, metrics)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        x = self.featuriser.transform(texts)
        return np.asarray(x @ self.weights) + self.bias

    def sentiment_probs(self, logits: np.ndarray, langs: Sequence[str]) -> np.ndarray:
        """Calibrated softmax of the text's language head; unknown = mean of fallbacks."""
        n = logits.shape[0]
        out = np.zeros((n, 3), dtype=np.float64)
        lang_arr = np.asarray(langs, dtype=object)
        known = np.zeros(n, dtype=bool)
        for lang, (cols, temp) in self.sentiment.items():
            rows = np.flatnonzero(lang_arr == lang)
            if rows.size:
                out[rows] = _softmax(logits[np.ix_(rows, cols)] / temp)
                known[rows] = True
        rest = np.flatnonzero(~known)
        if rest.size:
            for lang in self.fallback:
                cols, temp = self.sentiment[lang]
                out[rest] += _softmax(logits[np.ix_(rest, cols)] / temp)
            out[rest] /= len(self.fallback)
        return out

    def model_intents(self, logits: np.ndarray) -> np.ndarray:
        """Probabilities of the English-trained intent models (NaN for rule-only intents)."""
        out = np.full((logits.shape[0], len(INTENTS)), np.nan)
        for j, name in enumerate(INTENTS):
            if name in self.intent_columns:
                out[:, j] = 1.0 / (1.0 + np.exp(-logits[:, self.intent_columns[name]]))
        return out

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        logits = self.logits(texts)
        sent = self.sentiment_probs(logits, langs)
        intents = combine(
            sent, self.model_intents(logits), rule_scores(texts, INTENTS), self.combine_params
        )
        return sent, intents


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
