"""Validation metrics of a PostReader on the labelled data (no training involved).

Used by tools/train_models.py to write metrics.json and by ``escucha eval`` to reproduce it.
Cross-validation numbers need retraining and are only produced by the training script.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.understand import data as D
from escucha.understand.metrics import MetricRecord, record
from escucha.understand.reader import PostReader


def macro_f1(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> float:
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    scores = []
    for c in range(n_classes):
        tp = np.sum((t == c) & (p == c))
        denom = np.sum(t == c) + np.sum(p == c)
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores))


def binary_f1(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    denom = t.sum() + p.sum()
    return float(2 * np.sum(t & p) / denom) if denom else 0.0


def expected_calibration_error(probs: np.ndarray, y_true: np.ndarray, bins: int = 10) -> float:
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y_true
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(ece)


def sentiment_scores(reader: PostReader, texts: list[str], lang: str) -> np.ndarray:
    readings = reader.read(texts, [lang] * len(texts))
    return np.array([[r.sentiment_scores[s] for s in SENTIMENTS] for r in readings])


def evaluate_validation(reader: PostReader, data_dir: Path) -> list[MetricRecord]:
    """Sentiment on UMSAB val per language, language ID on the same tweets, the suggestion
    (wish) intent on the SemEval-2019 Task 9 trial sets, and the five intents on the es/en
    airline tweets annotated for escucha (shipped with the package; see ``annotated``)."""
    from escucha.understand.annotated import evaluate_annotated

    out: list[MetricRecord] = []
    for lang in reader.languages:
        if lang not in D.UMSAB_LANGUAGES:
            continue
        path = f"sentiment/umsab/{D.UMSAB_LANGUAGES[lang]}/val.jsonl"
        val = D.umsab(data_dir, lang, "val")
        texts = [e.text for e in val]
        y = np.array([SENTIMENTS.index(e.label) for e in val])
        probs = sentiment_scores(reader, texts, lang)
        pred = probs.argmax(axis=1)
        out.append(record("sentiment", lang, "macro_f1", macro_f1(y, pred, 3), len(y), path))
        out.append(record("sentiment", lang, "accuracy", float(np.mean(pred == y)), len(y), path))
        out.append(
            record("sentiment", lang, "ece", expected_calibration_error(probs, y), len(y), path)
        )
        detected = [r.lang for r in reader.read(texts)]
        out.append(
            record(
                "language_id",
                lang,
                "accuracy_incl_unknown",
                float(np.mean([d == lang for d in detected])),
                len(y),
                path,
            )
        )
        out.append(
            record(
                "language_id",
                lang,
                "unknown_rate",
                float(np.mean([d == "unknown" for d in detected])),
                len(y),
                path,
            )
        )
    if "en" in reader.languages:
        for split in ("trial_software_forum", "trial_hotel_reviews"):
            ex = D.suggestions(data_dir, split)
            readings = reader.read([e.text for e in ex], ["en"] * len(ex))
            pred = ["wish" in r.intent_labels for r in readings]
            out.append(
                record(
                    "intent.wish",
                    "en",
                    "f1",
                    binary_f1([e.label for e in ex], pred),
                    len(ex),
                    f"suggestions/semeval2019_t9/{split}.jsonl",
                )
            )
    return out + evaluate_annotated(reader)


def intent_probabilities(reader: PostReader, texts: list[str], langs: list[str]) -> np.ndarray:
    return np.array([[r.intents[k] for k in INTENTS] for r in reader.read(texts, langs)])
