"""Model selection for the wish (suggestion) and complaint intents by cross-validation on
training data only. Prints one table row per candidate; the chosen setup is frozen in
tools/train_models.py.

    python tools/intent_selection.py --data ../shared/data [--task wish|complaint]

Sets read: suggestions/semeval2019_t9/train_software_forum.jsonl, app_feedback/mekala2021
(SHAH_UNION, app-review feature requests), complaints/preotiuc2019/train.jsonl,
airlines/us_airline_tweets.jsonl (as weak complaint labels), and for complaint the English
sentiment training sources (to train P(negative) as shipped). Never read: the SemEval-2019
Task 9 trial sets (the hotel set is kept for one evaluation of the frozen model), the labels
of the annotated airline tweets (their texts only, to leave them out of the training rows as
training does), any test split.

Estimates:
- wish, forum: 5-fold CV F1 on the forum training set (threshold chosen on the pooled
  out-of-fold predictions of the training folds of each fold, so the threshold is not chosen
  on the scored fold), the spread across folds, and the same F1 reweighted to 10% suggestions;
- wish, transfer: models trained on the forum (and the other apps when app reviews are part
  of the training data) scored on each held-out app's review sentences at the threshold
  chosen on the forum: a stand-in for an unseen domain such as hotel reviews;
- complaint: the final probability as shipped (model or-ed with the rules and negative
  sentiment, weight and threshold chosen on the other folds), by 5-fold cross-validation
  grouped by dedup_key (mean ± sd over folds) and leave-one-domain-out over the nine brand
  domains of Preotiuc-Pietro et al. (the two non-complaint "random" groups are spread over
  the folds), pooled F1 and spread.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from train_models import (  # noqa: E402
    COMBINE,
    COMPLAINT_NEGATIVE_WEIGHTS,
    FEATURES,
    _complaint_choice,
    batch_rule_scores,
    featurise,
    grouped_folds,
    intent_component,
    prior_weighted_f1,
    sgd,
    train_sentiment,
)

from escucha.core.labels import INTENTS  # noqa: E402
from escucha.understand import annotated  # noqa: E402
from escucha.understand import data as D  # noqa: E402
from escucha.understand.evaluate import binary_f1  # noqa: E402
from escucha.understand.features import Featuriser  # noqa: E402
from escucha.understand.patterns import pattern_matrix  # noqa: E402
from escucha.understand.rules import rule_scores  # noqa: E402

GRID = np.round(np.concatenate([np.arange(0.05, 0.95, 0.01), np.arange(0.95, 0.999, 0.002)]), 3)


def best_threshold(probs: np.ndarray, y: np.ndarray, prior: float | None = None) -> float:
    """Threshold of the best F1 on (probs, y); with ``prior``, of the best F1 reweighted to
    that share of positives (the rate expected where the model is used)."""
    if prior is None:
        scores = [binary_f1(y, probs >= t) for t in GRID]
    else:
        scores = [prior_weighted_f1(y, probs >= t, prior) for t in GRID]
    return float(GRID[int(np.argmax(scores))])


def patterns(f: Featuriser, texts: list[str]) -> np.ndarray:
    return np.vstack(
        [pattern_matrix(f.analyse(texts[i : i + 2000])) for i in range(0, len(texts), 2000)]
    )


def rules_of(f: Featuriser, texts: list[str], intent: str) -> np.ndarray:
    j = INTENTS.index(intent)
    return np.concatenate(
        [
            rule_scores(f.analyse(texts[i : i + 2000]), INTENTS)[:, j]
            for i in range(0, len(texts), 2000)
        ]
    )


def with_patterns(x: sparse.csr_matrix, p: np.ndarray, scale: float) -> sparse.csr_matrix:
    if scale == 0:
        return x
    return sparse.hstack([x, sparse.csr_matrix(p * scale)], format="csr")


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def noisy_or(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - a) * (1.0 - b)


# (name, SGD alpha, pattern scale, noisy-OR with the rules, app reviews in training, their weight)
CANDIDATES = (
    ("words+chars", 1e-5, 0.0, False, False, 1.0),
    ("words+chars, noisy-OR rules (shipped 2026.11.4)", 1e-5, 0.0, True, False, 1.0),
    ("words+chars+patterns", 1e-5, 1.0, False, False, 1.0),
    ("words+chars+patterns x2", 1e-5, 2.0, False, False, 1.0),
    ("words+chars+patterns x3", 1e-5, 3.0, False, False, 1.0),
    ("words+chars+patterns, noisy-OR rules", 1e-5, 1.0, True, False, 1.0),
    ("words+chars+patterns, + app reviews x0.5", 1e-5, 1.0, False, True, 0.5),
    ("words+chars+patterns, + app reviews x1", 1e-5, 1.0, False, True, 1.0),
    ("words+chars+patterns, + app reviews x3", 1e-5, 1.0, False, True, 3.0),
)


def wish(data: Path, f: Featuriser, seed: int) -> None:
    forum = D.suggestions(data, "train_software_forum")
    apps = D.app_feature_requests(data)
    ft = [e.text for e in forum]
    at = [e.text for e in apps]
    fy = np.array([int(e.label) for e in forum])
    ay = np.array([int(e.label) for e in apps])
    ag = np.array([e.group for e in apps])
    fx, ax = featurise(f, ft), featurise(f, at)
    fp, ap = patterns(f, ft), patterns(f, at)
    fr, ar = rules_of(f, ft, "wish"), rules_of(f, at, "wish")
    folds = np.random.default_rng(seed).permutation(len(fy)) % 5
    print(
        "| candidate | forum CV F1 (mean ± sd over 5 folds) | forum F1 reweighted to 10% "
        "(threshold for 10%) | "
        "app reviews F1 (leave-one-app-out, forum threshold) |"
    )
    print("|---|---|---|---|")
    for name, alpha, scale, use_rules, use_apps, app_weight in CANDIDATES:
        t0 = time.time()
        fxx, axx = with_patterns(fx, fp, scale), with_patterns(ax, ap, scale)

        def fit(x, y, w=None, alpha=alpha):
            return sgd(alpha, seed).fit(x, y, sample_weight=w)

        # forum CV; with app reviews, every app sentence is in every training fold
        oof = np.zeros(len(fy))
        thr_fold = np.zeros(5)
        for k in range(5):
            tr, te = folds != k, folds == k
            if use_apps:
                x = sparse.vstack([fxx[tr], axx], format="csr")
                y = np.concatenate([fy[tr], ay])
                w = np.concatenate([np.ones(tr.sum()), np.full(len(ay), app_weight)])
            else:
                x, y, w = fxx[tr], fy[tr], None
            m = fit(x, y, w)
            oof[te] = m.decision_function(fxx[te])
        probs = sigmoid(oof)
        if use_rules:
            probs = noisy_or(probs, fr)
        # threshold of fold k: chosen on the other folds' out-of-fold predictions
        pred = np.zeros(len(fy), dtype=bool)
        for k in range(5):
            thr_fold[k] = best_threshold(probs[folds != k], fy[folds != k])
            pred[folds == k] = probs[folds == k] >= thr_fold[k]
        per_fold = [binary_f1(fy[folds == k], pred[folds == k]) for k in range(5)]
        pred10 = np.zeros(len(fy), dtype=bool)
        for k in range(5):
            t10 = best_threshold(probs[folds != k], fy[folds != k], 0.10)
            pred10[folds == k] = probs[folds == k] >= t10
        rew = [prior_weighted_f1(fy[folds == k], pred10[folds == k], 0.10) for k in range(5)]
        thr = best_threshold(probs, fy)
        # transfer to app reviews: leave one app out
        app_pred = np.zeros(len(ay), dtype=bool)
        for app in np.unique(ag):
            held = ag == app
            if use_apps:
                x = sparse.vstack([fxx, axx[~held]], format="csr")
                y = np.concatenate([fy, ay[~held]])
                w = np.concatenate([np.ones(len(fy)), np.full((~held).sum(), app_weight)])
            else:
                x, y, w = fxx, fy, None
            m = fit(x, y, w)
            p = sigmoid(m.decision_function(axx[held]))
            if use_rules:
                p = noisy_or(p, ar[held])
            app_pred[held] = p >= thr
            if not use_apps:  # the same model for every app
                app_pred = (
                    noisy_or(sigmoid(m.decision_function(axx)), ar)
                    if use_rules
                    else sigmoid(m.decision_function(axx))
                ) >= thr
                break
        per_app = [binary_f1(ay[ag == a], app_pred[ag == a]) for a in np.unique(ag)]
        print(
            f"| {name} | {np.mean(per_fold):.3f} ± {np.std(per_fold, ddof=1):.3f} | "
            f"{np.mean(rew):.3f} ± {np.std(rew, ddof=1):.3f} | "
            f"{binary_f1(ay, app_pred):.3f} (apps {np.mean(per_app):.3f} ± "
            f"{np.std(per_app, ddof=1):.3f}) |",
            flush=True,
        )
        print(f"<!-- {name}: {time.time() - t0:.0f}s, thresholds {thr_fold.round(2).tolist()} -->")


# (name, SGD alpha, class-balanced, pattern scale, weight of the airline tweets)
COMPLAINT_CANDIDATES = (
    ("alpha 3e-5, airline x0.1 (shipped 2026.12.1)", 3e-5, True, 0.0, 0.1),
    ("alpha 3e-5, no airline tweets", 3e-5, True, 0.0, 0.0),
    ("alpha 3e-5, airline x0.2", 3e-5, True, 0.0, 0.2),
    ("alpha 3e-5, airline x0.1, unbalanced", 3e-5, False, 0.0, 0.1),
    ("alpha 3e-5, airline x0.1, patterns x1", 3e-5, True, 1.0, 0.1),
    ("alpha 1e-4, airline x0.1", 1e-4, True, 0.0, 0.1),
    ("alpha 1e-5, airline x0.1", 1e-5, True, 0.0, 0.1),
    ("alpha 3e-6, airline x0.1", 3e-6, True, 0.0, 0.1),
    ("alpha 1e-6, airline x0.1", 1e-6, True, 0.0, 0.1),
    ("alpha 1e-5, airline x0.2", 1e-5, True, 0.0, 0.2),
    ("alpha 1e-5, airline x0.3", 1e-5, True, 0.0, 0.3),
    ("alpha 3e-6, airline x0.2", 3e-6, True, 0.0, 0.2),
    ("alpha 3e-6, airline x0.3", 3e-6, True, 0.0, 0.3),
)


def complaint(data: Path, f: Featuriser, seed: int) -> None:
    """Each candidate is scored as shipped: the model's probability or-ed with the complaint
    rules and w x P(negative)^2, the weight w and the threshold of each fold chosen on the
    other folds' out-of-fold predictions. Two fold schemes: 5 folds grouped by dedup_key, and
    leave-one-domain-out. P(negative) comes from an English sentiment model trained as
    shipped (no complaint tweet is in its training data)."""
    ex = D.complaints(data)
    texts = [e.text for e in ex]
    y = np.array([int(e.label) for e in ex])
    dom = np.array([e.group for e in ex])
    brands = sorted(set(dom) - {"random_reply", "random_tweet"})
    lodo = np.array([brands.index(d) if d in brands else -1 for d in dom])
    rand = lodo < 0
    lodo[rand] = np.random.default_rng(seed).permutation(rand.sum()) % len(brands)
    schemes = {"cv": grouped_folds(ex, 5), "lodo": lodo}
    x, p = featurise(f, texts), patterns(f, texts)
    rules = batch_rule_scores(f, texts)
    en = train_sentiment(data, f, "en", seed)
    z = (x @ en["coef"].T + en["intercept"]) / en["temperature"]
    sent = np.exp(z - z.max(axis=1, keepdims=True))
    sent /= sent.sum(axis=1, keepdims=True)
    # as in training: complaint tweets and the annotated English tweets left out
    banned = {D.dedup_key(t) for t in texts} | {
        D.dedup_key(r["text"]) for r in annotated.load("en")
    }
    air = D.without(D.airline(data, "en"), banned)
    air_t = [e.text for e in air]
    air_y = np.array([int(e.label == "negative") for e in air])
    air_x, air_p = featurise(f, air_t), patterns(f, air_t)
    print(
        "| candidate | grouped 5-fold CV F1 (mean ± sd; folds) | leave-one-domain-out F1 "
        "(pooled) | per-domain F1 mean ± sd |"
    )
    print("|---|---|---|---|")
    for name, alpha, balanced, scale, air_weight in COMPLAINT_CANDIDATES:
        xx, ax = with_patterns(x, p, scale), with_patterns(air_x, air_p, scale)
        cells = []
        for folds in schemes.values():
            oof = np.zeros(len(y))
            for k in np.unique(folds):
                tr, te = folds != k, folds == k
                xt = sparse.vstack([xx[tr], ax], format="csr") if air_weight else xx[tr]
                yt = np.concatenate([y[tr], air_y]) if air_weight else y[tr]
                wt = np.concatenate([np.ones(tr.sum()), np.full(len(air_y), air_weight)])
                m = sgd(alpha, seed, balanced).fit(xt, yt, sample_weight=wt[: len(yt)])
                oof[te] = m.decision_function(xx[te])
            probs = {
                w: intent_component(
                    "complaint", oof, rules, sent, {**COMBINE, "complaint_negative": w}
                )
                for w in COMPLAINT_NEGATIVE_WEIGHTS
            }
            pred = np.zeros(len(y), dtype=bool)
            for k in np.unique(folds):
                o = folds != k
                w, t = _complaint_choice({v: q[o] for v, q in probs.items()}, y[o])
                pred[~o] = probs[w][~o] >= t
            per = [binary_f1(y[folds == k], pred[folds == k]) for k in np.unique(folds)]
            cells.append((binary_f1(y, pred), per))
        (_, cv), (lodo_f1, doms) = cells
        print(
            f"| {name} | {np.mean(cv):.3f} ± {np.std(cv, ddof=1):.3f} "
            f"({', '.join(f'{v:.3f}' for v in cv)}) | {lodo_f1:.3f} | "
            f"{np.mean(doms):.3f} ± {np.std(doms, ddof=1):.3f} |",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--task", choices=("wish", "complaint", "both"), default="both")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    f = Featuriser(FEATURES)
    if args.task in ("wish", "both"):
        wish(args.data, f, args.seed)
    if args.task in ("complaint", "both"):
        complaint(args.data, f, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
