"""Sentiment from a local Hugging Face sequence-classification model (optional backend).

``load_reader(languages, backend="transformers", model_dir=PATH)``: PATH is a folder written
by ``save_pretrained`` (config, weights, tokenizer). Its labels are mapped to escucha's
sentiments through the model's ``id2label`` (names such as "negative", "NEG", "Positive"); a
model without a neutral label gives neutral probability 0. Language ID, intent models and
rules stay the built-in ones, fed with this model's sentiment. torch and transformers are
imported only here (optional extra ``transformers``). Runs on CPU, no network access.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from escucha.core.labels import SENTIMENTS
from escucha.understand.builtin import BuiltinScorer
from escucha.understand.scorer import Scorer

_LABEL_NAMES = {
    "negative": ("negative", "neg"),
    "neutral": ("neutral", "neu", "neut"),
    "positive": ("positive", "pos"),
}


def sentiment_columns(id2label: dict) -> list[int | None]:
    """For each of SENTIMENTS, the model's output index (None: no such label)."""
    index: dict[str, int] = {}
    for i, label in id2label.items():
        name = str(label).strip().lower()
        for sentiment, aliases in _LABEL_NAMES.items():
            if name in aliases:
                if sentiment in index:
                    raise ValueError(f"two labels mean {sentiment!r}: {id2label}")
                index[sentiment] = int(i)
    if "negative" not in index or "positive" not in index:
        raise ValueError(
            f"cannot map id2label {id2label} to negative/neutral/positive; "
            "label names must be e.g. 'negative', 'neutral', 'positive'"
        )
    return [index.get(s) for s in SENTIMENTS]


class TransformersScorer(Scorer):
    def __init__(
        self, model_dir: Path, builtin: BuiltinScorer, batch_size: int = 32, max_length: int = 128
    ) -> None:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "backend 'transformers' needs torch and transformers: "
                "pip install 'escucha[transformers]'"
            ) from exc
        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        self.model = AutoModelForSequenceClassification.from_pretrained(
            model_dir, local_files_only=True
        ).eval()
        self.columns = sentiment_columns(self.model.config.id2label)
        self.builtin = builtin
        self.batch_size = batch_size
        self.max_length = max_length
        self.version = f"transformers:{model_dir.resolve().name}+{builtin.version}"

    def sentiment(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(SENTIMENTS)))
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            enc = self.tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            with self._torch.inference_mode():
                logits = self.model(**enc).logits
            probs = self._torch.softmax(logits.float(), dim=-1).numpy()
            for j, col in enumerate(self.columns):
                if col is not None:
                    out[start : start + len(batch), j] = probs[:, col]
        return out / out.sum(axis=1, keepdims=True)

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return self.builtin.score_with(texts, langs, self.sentiment(texts))
