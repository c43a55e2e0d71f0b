"""How intent probabilities are put together from models, rules and sentiment.

Each component is read as an independent piece of evidence and they are merged with a
noisy-OR, 1 - prod(1 - p_i). The weights in ``params`` are set by tools/train_models.py.
"""

from __future__ import annotations

import numpy as np

from escucha.core.labels import INTENTS

MODEL_INTENTS = ("wish", "complaint", "promo")  # intents with an English-trained model


def noisy_or(*parts: np.ndarray) -> np.ndarray:
    keep = np.ones_like(parts[0])
    for p in parts:
        keep = keep * (1.0 - np.nan_to_num(p, nan=0.0))
    return np.clip(1.0 - keep, 0.0, 1.0)


def combine(
    sentiment: np.ndarray, model: np.ndarray, rules: np.ndarray, params: dict[str, float]
) -> np.ndarray:
    """sentiment: n x (neg, neu, pos); model, rules: n x INTENTS (model NaN = no model)."""
    neg, pos = sentiment[:, 0], sentiment[:, 2]
    col = {name: j for j, name in enumerate(INTENTS)}
    out = np.empty_like(rules)
    out[:, col["wish"]] = noisy_or(model[:, col["wish"]], rules[:, col["wish"]])
    out[:, col["complaint"]] = noisy_or(
        model[:, col["complaint"]] * params["complaint_model"],
        rules[:, col["complaint"]] * (1.0 - pos),
        params["complaint_negative"] * neg**2,
    )
    out[:, col["question"]] = rules[:, col["question"]]
    out[:, col["praise"]] = noisy_or(
        rules[:, col["praise"]] * (1.0 - neg), params["praise_positive"] * pos**2
    )
    out[:, col["promo"]] = noisy_or(model[:, col["promo"]], rules[:, col["promo"]])
    return out
