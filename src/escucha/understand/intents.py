"""How intent probabilities are put together from models, rules and sentiment.

Each component is read as an independent piece of evidence and they are merged with a
noisy-OR, 1 - prod(1 - p_i). The weights in ``params`` are set by tools/train_models.py.

The intent models are trained on English data only. On posts in other languages their
hashed word and character features are noise (the English complaint model fires on neutral
Spanish questions), so there a post's wish comes from the rules alone and its complaint from
the rules and the post's own-language negative sentiment (``*_other`` parameters). On
English posts the wish phrases are features of the model (escucha.understand.patterns) and
the wish rules count with weight ``wish_rules_en`` (0 since builtin-2026.12.1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from escucha.core.labels import INTENTS

MODEL_INTENTS = ("wish", "complaint", "promo")  # intents with an English-trained model
MODEL_LANGUAGES = frozenset({"en", "unknown"})  # posts read with the English intent models
# Non-English posts: weight of the English complaint model and of P(negative) (power 1).
# Chosen on the Spanish dev annotations (first set and the second set's dev half), see
# docs/model-card.md; the sealed half and the third set were not looked at while choosing.
# The decision threshold of that evidence (0.6) is mapped onto the shipped complaint
# threshold (``complaint_threshold``, written by the training run), so that retraining the
# English model does not move the other languages' operating point.
OTHER_LANGUAGE_PARAMS = {
    "complaint_model_other": 0.0,
    "complaint_negative_other": 1.0,
    "complaint_threshold_other": 0.6,
}


def noisy_or(*parts: np.ndarray) -> np.ndarray:
    keep = np.ones_like(parts[0])
    for p in parts:
        keep = keep * (1.0 - np.nan_to_num(p, nan=0.0))
    return np.clip(1.0 - keep, 0.0, 1.0)


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(p, 1e-9, 1.0 - 1e-9)
    return np.asarray(np.log(q / (1.0 - q)))


def english_rows(langs: Sequence[str]) -> np.ndarray:
    """Mask of the posts read with the English intent models."""
    return np.fromiter(map(MODEL_LANGUAGES.__contains__, langs), bool, len(langs))


def combine(
    sentiment: np.ndarray,
    model: np.ndarray,
    rules: np.ndarray,
    params: dict[str, float],
    english: np.ndarray | None = None,
) -> np.ndarray:
    """sentiment: n x (neg, neu, pos); model, rules: n x INTENTS (model NaN = no model);
    english: per post, whether the English intent models apply (default: every post)."""
    neg, pos = sentiment[:, 0], sentiment[:, 2]
    col = {name: j for j, name in enumerate(INTENTS)}
    en = np.ones(len(rules), dtype=bool) if english is None else english
    p = {**OTHER_LANGUAGE_PARAMS, **params}
    out = np.empty_like(rules)
    wish_rules = rules[:, col["wish"]] * np.where(en, p.get("wish_rules_en", 1.0), 1.0)
    out[:, col["wish"]] = noisy_or(np.where(en, model[:, col["wish"]], 0.0), wish_rules)
    complaint_model = np.where(en, p["complaint_model"], p["complaint_model_other"])
    negative = np.where(en, p["complaint_negative"] * neg**2, p["complaint_negative_other"] * neg)
    complaint = noisy_or(
        model[:, col["complaint"]] * complaint_model,
        rules[:, col["complaint"]] * (1.0 - pos),
        negative,
    )
    if not en.all():
        shift = _logit(p.get("complaint_threshold", p["complaint_threshold_other"])) - _logit(
            p["complaint_threshold_other"]
        )
        other = 1.0 / (1.0 + np.exp(-(_logit(complaint) + shift)))
        complaint = np.where(en, complaint, other)
    out[:, col["complaint"]] = complaint
    out[:, col["question"]] = rules[:, col["question"]]
    out[:, col["praise"]] = noisy_or(
        rules[:, col["praise"]] * (1.0 - neg), p["praise_positive"] * pos**2
    )
    out[:, col["promo"]] = noisy_or(model[:, col["promo"]], rules[:, col["promo"]])
    return out
