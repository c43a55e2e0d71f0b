"""Wish: the shipped threshold rule and the English wish rules, compared by cross-validation
on training data only (forum folds; app reviews leave-one-app-out), for the chosen model
(n-grams + pattern families, app reviews at weight 1).

    python tools/intent_threshold_check.py --data ../shared/data

Transfer to the held-out app is measured at the threshold each rule would ship (chosen on the
forum's out-of-fold predictions), which tools/intent_selection.py did not do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from intent_selection import noisy_or, patterns, rules_of, sigmoid  # noqa: E402
from train_models import FEATURES, best_threshold, featurise, prior_weighted_f1, sgd  # noqa: E402

from escucha.understand import data as D  # noqa: E402
from escucha.understand.evaluate import binary_f1  # noqa: E402
from escucha.understand.features import Featuriser  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    f = Featuriser(FEATURES)
    forum, apps = (
        D.suggestions(args.data, "train_software_forum"),
        D.app_feature_requests(args.data),
    )
    ft, at = [e.text for e in forum], [e.text for e in apps]
    fy = np.array([int(e.label) for e in forum])
    ay = np.array([int(e.label) for e in apps])
    ag = np.array([e.group for e in apps])
    fx = sparse.hstack([featurise(f, ft), sparse.csr_matrix(patterns(f, ft))], "csr")
    ax = sparse.hstack([featurise(f, at), sparse.csr_matrix(patterns(f, at))], "csr")
    fr, ar = rules_of(f, ft, "wish"), rules_of(f, at, "wish")
    folds = np.random.default_rng(0).permutation(len(fy)) % 5
    oof = np.zeros(len(fy))
    for k in range(5):
        tr = folds != k
        x = sparse.vstack([fx[tr], ax], format="csr")
        y = np.concatenate([fy[tr], ay])
        oof[folds == k] = sgd(1e-5, 0).fit(x, y).decision_function(fx[folds == k])
    app_z = np.zeros(len(ay))
    for app in np.unique(ag):
        held = ag == app
        x = sparse.vstack([fx, ax[~held]], format="csr")
        y = np.concatenate([fy, ay[~held]])
        app_z[held] = sgd(1e-5, 0).fit(x, y).decision_function(ax[held])
    print(
        "| English wish rules | threshold rule | forum F1 | forum F1 reweighted to 10% | "
        "app reviews F1 (leave-one-app-out) | mean of the last two |"
    )
    print("|---|---|---|---|---|---|")
    for rules in (False, True):
        p = sigmoid(oof)
        pa = sigmoid(app_z)
        if rules:
            p, pa = noisy_or(p, fr), noisy_or(pa, ar)
        for rule, prior in (("best F1", None), ("best F1 at 10% suggestions", 0.10)):
            pred = np.zeros(len(fy), dtype=bool)
            for k in range(5):
                t = best_threshold(p[folds != k], fy[folds != k], prior)
                pred[folds == k] = p[folds == k] >= t
            f1 = binary_f1(fy, pred)
            rew = prior_weighted_f1(fy, pred, 0.10)
            t_all = best_threshold(p, fy, prior)
            app = binary_f1(ay, pa >= t_all)
            print(
                f"| {'yes' if rules else 'no'} | {rule} | {f1:.3f} | {rew:.3f} | {app:.3f} | "
                f"{(rew + app) / 2:.3f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
