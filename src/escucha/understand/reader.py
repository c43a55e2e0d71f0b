"""PostReader: language, sentiment and intents for a batch of posts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

INTENTS = ("wish", "complaint", "question", "praise", "promo")
SENTIMENTS = ("negative", "neutral", "positive")
SUPPORTED_LANGUAGES = ("ar", "de", "en", "es", "fr", "hi", "it", "pt")
MODEL_DIR = Path(__file__).parent / "models"
UNKNOWN = "unknown"


@dataclass(frozen=True)
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
        metrics: dict,
    ) -> None:
        from escucha.understand.langid import LanguageDetector

        self.version = version
        self.languages = tuple(languages)
        self._detector = LanguageDetector(self.languages)
        self._scorer = scorer
        self._thresholds = {k: float(thresholds[k]) for k in INTENTS}
        self._metrics = metrics

    def read(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[Reading]:
        """Read a batch; a given lang (not None) skips language ID for that text."""
        texts = list(texts)
        if langs is not None and len(langs) != len(texts):
            raise ValueError("langs must be as long as texts")
        resolved: list[str | None] = list(langs) if langs is not None else [None] * len(texts)
        todo = [i for i, lang in enumerate(resolved) if lang is None]
        if todo:
            for i, lang in zip(todo, self._detector.detect([texts[i] for i in todo]), strict=True):
                resolved[i] = lang
        final = [str(lang) for lang in resolved]
        sent, intents = self._scorer.score(texts, final)
        thresholds = np.array([self._thresholds[k] for k in INTENTS])
        labels = intents >= thresholds
        best = sent.argmax(axis=1)
        out = []
        for i, lang in enumerate(final):
            s = sent[i].tolist()
            p = intents[i].tolist()
            out.append(
                Reading(
                    lang=lang,
                    sentiment=SENTIMENTS[best[i]],
                    sentiment_scores=dict(zip(SENTIMENTS, s, strict=True)),
                    intents=dict(zip(INTENTS, p, strict=True)),
                    intent_labels=tuple(k for k, on in zip(INTENTS, labels[i], strict=True) if on),
                )
            )
        return out

    def metrics(self) -> dict:
        return json.loads(json.dumps(self._metrics))


class Scorer:
    """Backend interface: sentiment probabilities (n x 3) and intent probabilities (n x 5)."""

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


def load_reader(
    languages: Sequence[str] | None = None,
    backend: str = "builtin",
    model_dir: str | Path | None = None,
) -> PostReader:
    """Load the reader for the workspace languages (None = all supported ones).

    backend "builtin" (the only one so far) uses the linear models shipped in
    ``understand/models``, or the same files in ``model_dir``.
    """
    langs = tuple(SUPPORTED_LANGUAGES if languages is None else dict.fromkeys(languages))
    bad = [lang for lang in langs if lang not in SUPPORTED_LANGUAGES]
    if bad or not langs:
        raise ValueError(
            f"unsupported language(s) {', '.join(bad) or '(none given)'}; "
            f"supported: {', '.join(SUPPORTED_LANGUAGES)}"
        )
    if backend != "builtin":
        raise ValueError(f"unknown backend {backend!r}; available: 'builtin'")
    from escucha.understand.builtin import BuiltinScorer

    builtin = BuiltinScorer.load(Path(model_dir) if model_dir else MODEL_DIR)
    return PostReader(builtin.version, langs, builtin, builtin.thresholds, builtin.metrics)
