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


def test_a_tass_variant_weighs_as_tass_unless_given_its_own_weight():
    tm = _tool()
    setup = tm.SentimentSetup((("umsab", 1.0), ("tass", 1.0)), 1e-6)
    spain = setup.with_weight("tass.es", 2.0).with_weight("tass.mx", 0.0)
    assert setup.weight("tass.mx") == 1.0 and setup.weight("airline") == 0.0
    assert spain.weight("tass.es") == 2.0 and spain.weight("tass.pe") == 1.0
    assert spain.weight("tass.mx") == 0.0  # an explicit 0 stays: the variant is left out
    assert "tass.mx 0" in spain.label()


def _separable(n: int = 300) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Column c marks class c, plus noise columns."""
    rng = np.random.default_rng(2)
    y = np.arange(n) % 3
    x = (rng.random((n, 20)) < 0.1).astype(np.float32)
    x[np.arange(n), y] = 1.0
    return sparse.csr_matrix(x), y


def test_pseudo_labels_relabel_or_filter_only_the_extra_rows():
    tm = _tool()
    x, y = _separable()
    wrong = y.copy()
    extra = np.arange(len(y)) >= 200
    wrong[extra] = (y[extra] + 1) % 3  # the extra source's labels are all wrong
    w = np.ones(len(y))
    train = np.ones(len(y), dtype=bool)
    train[:40] = False  # held-out rows: untouched
    setup = tm.SentimentSetup((("umsab", 1.0),), 1e-4)
    yy, ww = tm.pseudo_labels(x, wrong, w, train, extra, tm.replace(setup, pseudo="relabel"), 0)
    kept = extra & (ww > 0)
    assert kept.sum() > 50 and (yy[kept] == y[kept]).mean() > 0.8  # given labels: all wrong
    assert (yy[~extra] == wrong[~extra]).all() and (ww[~extra] == 1.0).all()
    yy, ww = tm.pseudo_labels(x, wrong, w, train, extra, tm.replace(setup, pseudo="filter"), 0)
    assert (ww[extra] == 0.0).mean() > 0.8 and (yy == wrong).all()  # kept: the agreeing ones


def test_char_and_word_logits_are_mixed_at_a_weight_chosen_on_other_folds():
    tm = _tool()
    logits, y = _shifted_logits()
    noise = np.random.default_rng(3).normal(size=logits.shape)
    folds = np.arange(len(y)) % 5
    per_fold, _, mixed = tm.cv_mix_scores(logits, noise, y, folds)
    alone, _ = tm.cv_scores(noise, y, folds, offsets=False)
    assert np.mean(per_fold) > np.mean(alone) + 0.2 and mixed.shape == logits.shape
    # calibration: the logits' own labels are calibrated once a temperature is fitted
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    sampled = np.array([np.random.default_rng(i).choice(3, p=row) for i, row in enumerate(p)])
    assert tm.expected_calibration_error(logits, sampled) < 0.06
    assert tm.expected_calibration_error(logits * 5, sampled) < 0.06  # temperature undoes it
