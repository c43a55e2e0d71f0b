"""Model selection for the wish (suggestion) and complaint intents by cross-validation on
training data only. Prints one table row per candidate; the chosen setup is frozen in
tools/train_models.py.

    python tools/intent_selection.py --data ../shared/data [--task wish|complaint]
    python tools/intent_selection.py --data ../shared/data --task complaint --levers [--only "a;b"]

``--levers`` scores the third round of complaint candidates (COMPLAINT_LEVERS: ensembles of
word and char models, feature variants, losses, domain copies, self-training, SGD seeds),
each the shipped setup with one thing changed; ``--only`` keeps the candidates whose name holds
one of the ';'-separated strings.

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
import dataclasses
import sys
import time
from dataclasses import dataclass
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
from escucha.understand.features import EXTRA_NAMES, Featuriser  # noqa: E402
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


@dataclass(frozen=True)
class Lever:
    """One complaint candidate. Defaults are the shipped setup (builtin-2026.12.2)."""

    name: str
    alpha: float = 1e-5
    balanced: bool = True
    patterns: float = 0.0  # pattern families as features, at this scale
    airline: float = 0.3  # weight of the US airline tweets (negative = complaint)
    loss: str = "log_loss"  # or "modified_huber"
    # feature matrix: "shared" (as shipped), "split" (char and word n-grams in separate
    # columns), "sublinear" (log1p of each n-gram count), "binary", "char25" (char 2-5-grams),
    # "bits19" (2^19 buckets), "words" / "chars" (one family only, plus the extras)
    features: str = "shared"
    extras: float = 1.0  # scale of the dense extras when training (weights rescaled back)
    # ensemble: the average of two models' probabilities (families of ``features``
    # names), the mix chosen with the threshold on the other folds
    ensemble: tuple[str, ...] = ()
    domains: float = 0.0  # a per-domain copy of the features at this scale (shared part scored)
    self_train: float = 0.0  # weight of the airline tweets pseudo-labelled by the fold's model
    self_train_conf: float = 0.0  # keep pseudo-labels with |p - 0.5| >= this
    solver_c: float = 0.0  # when set: logistic regression by liblinear at this C, not SGD
    model_seed: int = 0  # SGD's seed (the folds keep --seed): the noise of one SGD run
    bag: int = 1  # SGD runs (seeds model_seed...) whose weights are averaged: one linear model
    drop_neutral: bool = False  # leave the neutral airline tweets out of the weak labels
    air_other: float = 0.0  # when set: weight of the non-negative airline tweets


# (name, SGD alpha, class-balanced, pattern scale, weight of the airline tweets)
COMPLAINT_CANDIDATES = tuple(
    Lever(*c)
    for c in (
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
)

# New levers (issue 14, third round), all against the shipped setup (alpha 1e-5, airline x0.3)
COMPLAINT_LEVERS = (
    Lever("shipped 2026.12.2 (alpha 1e-5, airline x0.3)"),
    Lever("modified Huber loss", loss="modified_huber"),
    Lever("unbalanced", balanced=False),
    Lever("extras x3", extras=3.0),
    Lever("extras x0.3", extras=0.3),
    Lever("char and word n-grams in separate columns", features="split"),
    Lever("sublinear counts", features="sublinear"),
    Lever("binary n-grams", features="binary"),
    Lever("char 2-5-grams", features="char25"),
    Lever("2^19 buckets", features="bits19"),
    Lever("words only", features="words"),
    Lever("chars only", features="chars"),
    Lever("ensemble words + chars", ensemble=("words", "chars")),
    Lever("ensemble shared + char 2-5", ensemble=("shared", "char25")),
    Lever("domain copies x1", domains=1.0),
    Lever("self-training x0.3", airline=0.3, self_train=0.3),
    Lever("self-training x0.3, confident only", airline=0.3, self_train=0.3, self_train_conf=0.3),
    Lever("shipped, SGD seed 1", model_seed=1),
    Lever("shipped, SGD seed 2", model_seed=2),
    Lever("weights of 5 SGD seeds averaged", bag=5),
    Lever("neutral airline tweets left out", drop_neutral=True),
    Lever("5 seeds averaged, non-negative airline x0.6", bag=5, air_other=0.6),
    Lever("5 seeds averaged, non-negative airline x1", bag=5, air_other=1.0),
    Lever("5 seeds averaged, non-negative airline x0.15", bag=5, air_other=0.15),
    Lever("5 seeds averaged, negative airline x0.5", bag=5, airline=0.5, air_other=0.3),
    Lever("liblinear logistic C=3", solver_c=3.0),
    Lever("liblinear logistic C=10", solver_c=10.0),
    Lever("liblinear logistic C=30", solver_c=30.0),
)


def family_matrix(f: Featuriser, texts: list[str], kind: str) -> sparse.csr_matrix:
    """Feature matrix of one variant of the shared featurisation (see Lever.features)."""
    if kind == "shared":
        return featurise(f, texts)
    nb = 1 << f.config.bits
    width = 2 * nb if kind == "split" else nb
    out = []
    for i in range(0, len(texts), 2000):
        a = f.analyse(texts[i : i + 2000])
        n = a.n_docs
        shape = (n, width + len(EXTRA_NAMES))
        e_rows, e_j = np.nonzero(a.extras)
        m = sparse.csr_matrix((a.extras[e_rows, e_j], (e_rows, width + e_j)), shape=shape)
        families = ["chars"] * (len(a.blocks) - 1) + ["words"]
        for family, b in zip(families, a.blocks, strict=True):
            if kind in ("words", "chars") and family != kind:
                continue
            rows = np.repeat(np.arange(n), np.diff(b.indptr))
            cols = b.cols + (nb if kind == "split" and family == "words" else 0)
            c = sparse.csr_matrix((np.ones(rows.size, np.float32), (rows, cols)), shape=shape)
            c.sum_duplicates()
            if kind == "sublinear":
                c.data = np.log1p(c.data)
            elif kind == "binary":
                c.data[:] = 1.0
            m = m + sparse.diags(b.scale) @ c
        out.append(m.tocsr())
    return sparse.vstack(out, format="csr")


def scale_extras(x: sparse.csr_matrix, scale: float) -> sparse.csr_matrix:
    """The dense extras (last columns) times ``scale``: the same model class with their
    weights divided by ``scale``, only the regularisation differs."""
    if scale == 1.0:
        return x
    d = np.ones(x.shape[1], dtype=np.float32)
    d[x.shape[1] - len(EXTRA_NAMES) :] = scale
    return (x @ sparse.diags(d)).tocsr()


def domain_copies(x: sparse.csr_matrix, dom: np.ndarray, n_dom: int, scale: float):
    """[x, scale * x in the block of the row's domain] (Daume's feature augmentation); rows
    with domain -1 get no copy (scored rows: the domain is unknown at inference)."""
    w = x.shape[1]
    coo = x.tocoo()
    d = dom[coo.row]
    keep = d >= 0
    copy = sparse.csr_matrix(
        (coo.data[keep] * scale, (coo.row[keep], coo.col[keep] + w * (d[keep] + 1))),
        shape=(x.shape[0], w * (n_dom + 1)),
    )
    base = sparse.csr_matrix((x.data, x.indices, x.indptr), shape=copy.shape)
    return (base + copy).tocsr()


class Averaged:
    """The mean of linear models' weights (their decision functions averaged)."""

    def __init__(self, models: list) -> None:
        self.models = models

    def decision_function(self, x: sparse.csr_matrix) -> np.ndarray:
        return np.mean([m.decision_function(x) for m in self.models], axis=0)


def fit_model(lever: Lever, x, y, w, seed: int):
    if lever.bag > 1:
        one = dataclasses.replace(lever, bag=1)
        return Averaged([fit_model(one, x, y, w, seed + i) for i in range(lever.bag)])
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    if lever.solver_c:
        balanced = "balanced" if lever.balanced else None
        return LogisticRegression(
            C=lever.solver_c, solver="liblinear", class_weight=balanced, max_iter=200
        ).fit(x, y, sample_weight=w)
    return SGDClassifier(
        loss=lever.loss,
        alpha=lever.alpha,
        class_weight="balanced" if lever.balanced else None,
        max_iter=30,
        tol=None,
        random_state=seed,
        average=True,
    ).fit(x, y, sample_weight=w)


MIXES = (0.25, 0.5, 0.75)  # weight of the first model of an ensemble


class ComplaintData:
    """Texts, labels, folds and cached feature matrices of the complaint selection."""

    def __init__(self, data: Path, f: Featuriser, seed: int) -> None:
        ex = D.complaints(data)
        self.f, self.seed = f, seed
        self.texts = [e.text for e in ex]
        self.y = np.array([int(e.label) for e in ex])
        dom = np.array([e.group for e in ex])
        brands = sorted(set(dom) - {"random_reply", "random_tweet"})
        lodo = np.array([brands.index(d) if d in brands else -1 for d in dom])
        rand = lodo < 0
        lodo[rand] = np.random.default_rng(seed).permutation(rand.sum()) % len(brands)
        self.schemes = {"cv": grouped_folds(ex, 5), "lodo": lodo}
        names = sorted(set(dom))
        self.dom = np.array([names.index(d) for d in dom])
        self.n_dom = len(names) + 1  # the airline tweets are one more domain
        self.rules = batch_rule_scores(f, self.texts)
        en = train_sentiment(data, f, "en", seed)
        z = (featurise(f, self.texts) @ en["coef"].T + en["intercept"]) / en["temperature"]
        sent = np.exp(z - z.max(axis=1, keepdims=True))
        self.sent = sent / sent.sum(axis=1, keepdims=True)
        # as in training: complaint tweets and the annotated English tweets left out
        banned = {D.dedup_key(t) for t in self.texts} | {
            D.dedup_key(r["text"]) for r in annotated.load("en")
        }
        air = D.without(D.airline(data, "en"), banned)
        self.air_texts = [e.text for e in air]
        self.air_y = np.array([int(e.label == "negative") for e in air])
        self.air_keep = np.array([e.label != "neutral" for e in air])
        self._x: dict[str, tuple[sparse.csr_matrix, sparse.csr_matrix]] = {}

    def matrices(self, kind: str, patterns_scale: float) -> tuple:
        key = f"{kind}/{patterns_scale}"
        if key not in self._x:
            f = self.f
            if kind in ("char25", "bits19"):
                cfg = dataclasses.replace(
                    FEATURES,
                    **({"char_min": 2, "char_max": 5} if kind == "char25" else {"bits": 19}),
                )
                f, kind = Featuriser(cfg), "shared"
            x = family_matrix(f, self.texts, kind)
            ax = family_matrix(f, self.air_texts, kind)
            if patterns_scale:
                x = with_patterns(x, patterns(f, self.texts), patterns_scale)
                ax = with_patterns(ax, patterns(f, self.air_texts), patterns_scale)
            self._x[key] = (x, ax)
        return self._x[key]

    def oof(
        self,
        lever: Lever,
        kind: str,
        folds: np.ndarray,
        subset: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Out-of-fold logits of the complaint rows for one fold scheme. ``subset``: masks of
        the complaint rows and airline tweets that may be training rows (learning curves);
        every complaint row is still scored in its fold."""
        x, ax = self.matrices(kind, lever.patterns)
        x, ax = scale_extras(x, lever.extras), scale_extras(ax, lever.extras)
        y, air_y = self.y, self.air_y
        own, air = (
            subset if subset is not None else (np.ones(len(y), bool), np.ones(len(air_y), bool))
        )
        if subset is not None:
            ax, air_y = ax[air], air_y[air]
        air_keep = self.air_keep[air]
        out = np.zeros(len(y))
        for k in np.unique(folds):
            tr, te = (folds != k) & own, folds == k
            parts = [(x[tr], y[tr], np.ones(tr.sum()), self.dom[tr])]
            if lever.airline and lever.drop_neutral:
                air_dom = np.full(int(air_keep.sum()), self.n_dom - 1)
                w_air = np.full(air_dom.size, lever.airline)
                parts.append((ax[air_keep], air_y[air_keep], w_air, air_dom))
            elif lever.airline:
                air_dom = np.full(len(air_y), self.n_dom - 1)
                w_air = np.where(air_y == 1, lever.airline, lever.air_other or lever.airline)
                parts.append((ax, air_y, w_air, air_dom))
            xt, yt, wt, dt = (
                sparse.vstack([p[0] for p in parts], format="csr"),
                *(np.concatenate([p[i] for p in parts]) for i in (1, 2, 3)),
            )
            xs = x[te]
            if lever.domains:
                xt = domain_copies(xt, dt, self.n_dom, lever.domains)
                xs = domain_copies(xs, np.full(te.sum(), -1), self.n_dom, lever.domains)
            m = fit_model(lever, xt, yt, wt, self.seed + lever.model_seed)
            if lever.self_train:
                # pseudo-labels of the airline tweets by this fold's model (never the scored
                # fold's labels), in place of the negative = complaint weak labels
                axx = ax
                if lever.domains:
                    axx = domain_copies(ax, np.full(ax.shape[0], -1), self.n_dom, lever.domains)
                p = sigmoid(m.decision_function(axx))
                keep = np.abs(p - 0.5) >= lever.self_train_conf
                n_own = tr.sum()
                xt2 = sparse.vstack([xt[:n_own], xt[n_own:][keep]], format="csr")
                yt2 = np.concatenate([yt[:n_own], (p[keep] >= 0.5).astype(int)])
                wt2 = np.concatenate([wt[:n_own], np.full(keep.sum(), lever.self_train)])
                m = fit_model(lever, xt2, yt2, wt2, self.seed + lever.model_seed)
            out[te] = m.decision_function(xs)
        return out


def _logit_of(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def score_lever(
    cd: ComplaintData, lever: Lever, subset: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[list[float], float, list[float]]:
    """Per-fold grouped CV F1, pooled leave-one-domain-out F1 and per-domain F1, each fold
    scored at the P(negative) weight, threshold (and ensemble mix) chosen on the other
    folds' out-of-fold predictions. ``subset``: see ComplaintData.oof."""
    y = cd.y
    cells = []
    for folds in cd.schemes.values():
        if lever.ensemble:
            a, b = (sigmoid(cd.oof(lever, kind, folds, subset)) for kind in lever.ensemble)
            logits = {m: _logit_of(m * a + (1 - m) * b) for m in MIXES}
        else:
            logits = {1.0: cd.oof(lever, lever.features, folds, subset)}
        probs = {
            (w, m): intent_component(
                "complaint", z, cd.rules, cd.sent, {**COMBINE, "complaint_negative": w}
            )
            for w in COMPLAINT_NEGATIVE_WEIGHTS
            for m, z in logits.items()
        }
        pred = np.zeros(len(y), dtype=bool)
        for k in np.unique(folds):
            o = folds != k
            key, t = _complaint_choice({v: q[o] for v, q in probs.items()}, y[o])
            pred[~o] = probs[key][~o] >= t
        per = [binary_f1(y[folds == k], pred[folds == k]) for k in np.unique(folds)]
        cells.append((binary_f1(y, pred), per))
    (_, cv), (lodo_f1, doms) = cells
    return cv, lodo_f1, doms


def complaint(data: Path, f: Featuriser, seed: int, levers: tuple[Lever, ...], only: str) -> None:
    """Each candidate is scored as shipped: the model's probability or-ed with the complaint
    rules and w x P(negative)^2, the weight w and the threshold of each fold chosen on the
    other folds' out-of-fold predictions. Two fold schemes: 5 folds grouped by dedup_key, and
    leave-one-domain-out. P(negative) comes from an English sentiment model trained as
    shipped (no complaint tweet is in its training data)."""
    cd = ComplaintData(data, f, seed)
    print(
        "| candidate | grouped 5-fold CV F1 (mean ± sd; folds) | leave-one-domain-out F1 "
        "(pooled) | per-domain F1 mean ± sd |"
    )
    print("|---|---|---|---|")
    for lever in levers:
        if only and not any(part in lever.name for part in only.split(";")):
            continue
        t0 = time.time()
        cv, lodo_f1, doms = score_lever(cd, lever)
        print(
            f"| {lever.name} | {np.mean(cv):.3f} ± {np.std(cv, ddof=1):.3f} "
            f"({', '.join(f'{v:.3f}' for v in cv)}) | {lodo_f1:.3f} | "
            f"{np.mean(doms):.3f} ± {np.std(doms, ddof=1):.3f} |",
            flush=True,
        )
        print(f"<!-- {lever.name}: {time.time() - t0:.0f}s -->", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--task", choices=("wish", "complaint", "both"), default="both")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--levers",
        action="store_true",
        help="complaint: the third round of levers (issue 14) instead of the alpha/airline grid",
    )
    parser.add_argument(
        "--only",
        default="",
        help="complaint: candidates whose name has one of these ';'-separated strings",
    )
    args = parser.parse_args()
    f = Featuriser(FEATURES)
    if args.task in ("wish", "both"):
        wish(args.data, f, args.seed)
    if args.task in ("complaint", "both"):
        levers = COMPLAINT_LEVERS if args.levers else COMPLAINT_CANDIDATES
        complaint(args.data, f, args.seed, levers, args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
