"""PostReader: language, sentiment and intents for a batch of posts."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.understand.metrics import ModelMetrics
from escucha.understand.scorer import Scorer
from escucha.understand.shipped import MODEL_DIR

SUPPORTED_LANGUAGES = ("ar", "de", "en", "es", "fr", "hi", "it", "pt")
BACKENDS = ("builtin", "transformers")
_LABEL_BITS = 1 << np.arange(len(INTENTS))
# intent_labels for each subset of INTENTS, indexed by its bit mask
_LABELS = [
    tuple(k for j, k in enumerate(INTENTS) if mask >> j & 1) for mask in range(1 << len(INTENTS))
]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch of Readings is built: tens of
    thousands of new objects would otherwise trigger many collections (~7% of read time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class BatchReading:
    """A batch read as arrays (what `escucha classify` writes without building Readings)."""

    langs: list[str]
    sentiment: np.ndarray  # n x len(SENTIMENTS), rows sum to 1
    intents: np.ndarray  # n x len(INTENTS), each in [0, 1]
    label_masks: np.ndarray  # bit j set: INTENTS[j] passes its threshold (see label_sets)


def label_sets() -> list[tuple[str, ...]]:
    """intent_labels for each value of a BatchReading label mask."""
    return list(_LABELS)


@dataclass(frozen=True, slots=True)
class Reading:
    lang: str  # ISO 639-1 code or "unknown"
    sentiment: str  # one of SENTIMENTS
    sentiment_scores: dict[str, float]  # keys SENTIMENTS, sum to 1
    intents: dict[str, float]  # keys INTENTS, each in [0, 1]
    intent_labels: tuple[str, ...]  # intents whose probability >= the shipped threshold


class PostReader:
    """Reads posts with a scoring backend; language ID and intent rules are shared."""

    version: str
    languages: tuple[str, ...]

    def __init__(
        self,
        version: str,
        languages: Sequence[str],
        scorer: Scorer,
        thresholds: dict[str, float],
        metrics: ModelMetrics,
    ) -> None:
        from escucha.understand.langid import LanguageDetector

        self.version = version
        self.languages = tuple(languages)
        self._detector = LanguageDetector(self.languages)
        self._scorer = scorer
        self._thresholds = np.array([float(thresholds[k]) for k in INTENTS])
        self._metrics = metrics

    def read(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[Reading]:
        """Read a batch; a given lang (not None) skips language ID for that text."""
        if not texts:
            return []
        batch = self.read_batch(texts, langs)
        return self.readings(batch.langs, batch.sentiment, batch.intents)

    def read_batch(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> BatchReading:
        """``read`` as arrays, for callers that serialise many posts at once."""
        texts = list(texts)
        if langs is not None and len(langs) != len(texts):
            raise ValueError("langs must be as long as texts")
        if not texts:
            empty = np.zeros((0, len(SENTIMENTS)))
            return BatchReading([], empty, np.zeros((0, len(INTENTS))), np.zeros(0, np.int64))
        final = self._languages(texts, langs)
        sent, intents = self._scorer.score(texts, final)
        masks = (intents >= self._thresholds) @ _LABEL_BITS
        return BatchReading(final, sent, intents, masks)

    def readings(self, langs: list[str], sent: np.ndarray, intents: np.ndarray) -> list[Reading]:
        """Reading objects from languages and the scorer's probability arrays."""
        best = sent.argmax(axis=1).tolist()
        label_sets = ((intents >= self._thresholds) @ _LABEL_BITS).tolist()
        with _gc_paused():
            return [
                Reading(
                    lang,
                    SENTIMENTS[b],
                    dict(zip(SENTIMENTS, s, strict=False)),
                    dict(zip(INTENTS, p, strict=False)),
                    _LABELS[m],
                )
                for lang, b, s, p, m in zip(
                    langs, best, sent.tolist(), intents.tolist(), label_sets, strict=True
                )
            ]

    def _languages(self, texts: list[str], langs: Sequence[str | None] | None) -> list[str]:
        if langs is None or langs.count(None) == len(langs):
            return self._detector.detect(texts)
        resolved = [str(lang) if lang is not None else "" for lang in langs]
        todo = [i for i, lang in enumerate(langs) if lang is None]
        if todo:
            for i, lang in zip(todo, self._detector.detect([texts[i] for i in todo]), strict=True):
                resolved[i] = lang
        return resolved

    def metrics(self) -> ModelMetrics:
        """A copy of the models' measured accuracy (metrics.json)."""
        return cast(ModelMetrics, json.loads(json.dumps(self._metrics)))


def load_reader(
    languages: Sequence[str] | None = None,
    backend: str = "builtin",
    model_dir: str | Path | None = None,
) -> PostReader:
    """Load the reader for the workspace languages (None = all supported ones).

    backend "builtin" uses the linear models shipped in ``understand/models``, or the same
    files in ``model_dir``. backend "transformers" takes sentiment from the Hugging Face
    sequence-classification model saved in ``model_dir`` (needs the optional extra
    ``transformers``); language ID and intents stay built-in.
    """
    langs = tuple(SUPPORTED_LANGUAGES if languages is None else dict.fromkeys(languages))
    bad = [lang for lang in langs if lang not in SUPPORTED_LANGUAGES]
    if bad or not langs:
        raise ValueError(
            f"unsupported language(s) {', '.join(bad) or '(none given)'}; "
            f"supported: {', '.join(SUPPORTED_LANGUAGES)}"
        )
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")
    from escucha.understand.builtin import BuiltinScorer

    if backend == "builtin":
        builtin = BuiltinScorer.load(Path(model_dir) if model_dir else MODEL_DIR, langs)
        return PostReader(builtin.version, langs, builtin, builtin.thresholds, builtin.metrics)
    if model_dir is None:
        raise ValueError("backend 'transformers' needs model_dir (a save_pretrained folder)")
    from escucha.understand.hf import TransformersScorer

    builtin = BuiltinScorer.load(MODEL_DIR, langs)
    scorer = TransformersScorer(Path(model_dir), builtin)
    metrics: ModelMetrics = {"version": scorer.version, "records": []}
    return PostReader(scorer.version, langs, scorer, builtin.thresholds, metrics)
