"""Levers of tools/train_models.py --select: class offsets chosen on out-of-fold logits (and
scored nested), NB-SVM log-count-ratio scaling folded into plain linear weights."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    sys.path.insert(0, str(ROOT / "tools"))  # train_models imports model_card from there
    spec = importlib.util.spec_from_file_location(
        "train_models", ROOT / "tools" / "train_models.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _shifted_logits(n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Balanced labels whose logits favour the true class, with the negative class pushed
    down by 1.2 (a training pool with too few negatives)."""
    rng = np.random.default_rng(0)
    y = np.arange(n) % 3
    logits = rng.normal(size=(n, 3))
    logits[np.arange(n), y] += 1.5
    logits[:, 0] -= 1.2
    return logits, y


def test_class_offsets_undo_a_bias_shift_and_are_scored_on_other_folds():
    tm = _tool()
    logits, y = _shifted_logits()
    shift = tm.class_offsets(logits, y)
    assert shift[1] == 0.0 and 0.6 <= shift[0] <= 1.8
    folds = np.arange(len(y)) % 5
    plain, _ = tm.cv_scores(logits, y, folds, offsets=False)
    nested, _ = tm.cv_scores(logits, y, folds, offsets=True)
    assert np.mean(nested) > np.mean(plain) + 0.05
    # with nothing to correct, the smallest shift wins ties
    assert not tm.class_offsets(np.eye(3)[y] * 5.0, y).any()


def test_nb_scaling_is_folded_into_the_weights():
    tm = _tool()
    rng = np.random.default_rng(1)
    y = np.arange(300) % 3
    x = rng.random((300, tm.FEATURES.n_features - 260_000)) < 0.05
    x[np.arange(300), y] = True  # column c marks class c
    x = sparse.csr_matrix(x.astype(np.float32))
    x = sparse.hstack([x, sparse.csr_matrix((300, 260_000))], format="csr")
    setup = tm.SentimentSetup((("umsab", 1.0),), 1e-4, nb=1.0)
    coef, intercept = tm.fit_sentiment(x, y, np.ones(300), setup, 0)
    assert coef.shape == (3, x.shape[1])
    assert (np.argmax(x @ coef.T + intercept, axis=1) == y).mean() > 0.95
    ratios = tm.nb_ratios(x, y, np.ones(300), 1.0)
    assert ratios[0, 0] > 1.0 > ratios[1, 0] and (ratios[:, -10:] == 1.0).all()
