"""Learning curves of the shipped light models: how the cross-validated score grows with the
amount of training data, and where a saturating curve fitted to it levels off.

    python tools/learning_curves.py --data ../shared/data [--tasks ...] [--seeds ...]
    python tools/learning_curves.py --plot-only   # charts and table from the JSON

For each task the shipped recipe (tools/train_models.py, via the selection tools' own
pools, folds, featurisers and scorers) is trained on nested fractions of its training rows
(FRACTIONS; a seeded permutation of the whole training pool, each fraction a prefix of it,
so every smaller set is inside the larger one) and scored by the same cross-validation the
selection used, on held-out folds that do not shrink:

- sentiment es / en: 5 folds grouped by dedup_key over the language's UMSAB train rows, every
  other source a training row in every fold (train_models.py --select); macro-F1 per fold;
- wish: 5 folds grouped by forum post, app reviews in every training fold (weight 1), the
  model or-ed with the English wish rules, the bias shift of each fold chosen on the other
  folds for the best F1 reweighted to 10% suggestions (wish_transfer.py); F1 and F1
  reweighted to 10% per fold. Cross-domain: the same folds trained on the forum fraction
  alone, each fold's model scored on every app-review sentence (another domain, pooled) at
  that fold's shift;
- complaint: 5 folds grouped by dedup_key, the US airline tweets as weak labels (x0.3) in
  every training fold, P(negative) weight and threshold chosen on the other folds
  (intent_selection.py); F1 per fold. Two curves: all training rows subsampled
  ("complaint"), and only the annotated complaint tweets, every airline tweet kept
  ("complaint_annotated"); ``--tasks complaints`` runs both.

Each (seed, fold) is one unit; the curve score(n) = a - b * n^-c is fitted by least squares
to the mean over units at each training size, and the ceiling ``a`` gets a percentile
interval from refitting on units resampled with replacement (the same units at every size,
as they are paired). Read: the training files only. Never read: any test split, the UMSAB
val files' labels, the SemEval-2019 Task 9 trial sets, the annotated airline tweets' labels.
Charts need matplotlib (not a project dependency: ``pip install matplotlib``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from intent_selection import COMPLAINT_LEVERS, ComplaintData, score_lever  # noqa: E402
from train_models import (  # noqa: E402
    FEATURES,
    FORUM,
    INTENT_ALPHA,
    PATTERN_SCALE,
    SELECT_FOLDS,
    WISH_APP_WEIGHT,
    WISH_PRIOR,
    batch_patterns,
    batch_rule_scores,
    cv_logits,
    cv_scores,
    default_setup,
    featurise,
    forum_post_folds,
    grouped_folds,
    prior_weighted_f1,
    sentiment_pool,
)
from wish_transfer import best_shift, fit_logits, shifted  # noqa: E402

from escucha.core.labels import INTENTS, SENTIMENTS  # noqa: E402
from escucha.understand import data as D  # noqa: E402
from escucha.understand.evaluate import binary_f1  # noqa: E402
from escucha.understand.features import Featuriser  # noqa: E402

FRACTIONS = (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0)
OUT = ROOT / "tools" / "learning_curves.json"
FIGURES = ROOT / "docs" / "figures"
# targets on the held-out test sets (issue 14); the curves are cross-validated estimates
TARGETS = {
    "sentiment_es": 0.64,
    "sentiment_en": 0.67,
    "wish_forum_10pct": 0.72,
    "wish_app_transfer": 0.70,
    "wish_app_transfer_10pct": 0.70,
    "complaint": 0.80,
    "complaint_annotated": 0.80,
}
CURVE_LABELS = {
    "sentiment_es": "sentiment es: macro-F1, UMSAB train folds",
    "sentiment_en": "sentiment en: macro-F1, UMSAB train folds",
    "wish_forum": "wish: forum F1 (shipped recipe)",
    "wish_forum_10pct": "wish: forum F1 reweighted to 10% suggestions (shipped recipe)",
    "wish_forum_only": "wish, forum only: forum F1",
    "wish_forum_only_10pct": "wish, forum only: forum F1 reweighted to 10%",
    "wish_app_transfer": "wish, forum only: F1 on the app reviews (another domain, 3% wishes)",
    "wish_app_transfer_10pct": "wish, forum only: F1 on the app reviews reweighted to 10%",
    "complaint": "complaint: F1, grouped folds (all training rows subsampled)",
    "complaint_annotated": "complaint: F1, annotated complaint tweets subsampled, airline kept",
}
BOOTSTRAP = 1000


def power_law(n: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    """score(n) = a - b * n^-c, with n in units of the largest training size."""
    return a - b * np.power(n, -c)


C_GRID = np.geomspace(0.05, 3.0, 4000)  # exponents tried by fit_curve


def fit_curve(n: np.ndarray, score: np.ndarray) -> tuple[float, float, float]:
    """Least-squares (a, b, c) of power_law through (n, score), n rescaled by its maximum.
    For a fixed c the curve is linear in (a, b), so each c of C_GRID gets the exact least
    squares under the bounds a <= 1 (F1 scores) and b >= 0 (a rising curve), and the c of
    the smallest residual wins: no starting point, no failed fits."""
    x = np.asarray(n, float) / float(np.max(n))
    y = np.asarray(score, float)
    u = -np.power(x[None, :], -C_GRID[:, None])  # y = a + b * u, one row per c
    du, dy = u - u.mean(axis=1, keepdims=True), y - y.mean()
    b = np.maximum((du @ dy) / np.einsum("ij,ij->i", du, du), 0.0)
    a = y.mean() - b * u.mean(axis=1)
    high = a > 1.0  # a at its bound: b by least squares of y - 1 on u
    b_high = np.maximum((u @ (y - 1.0)) / np.einsum("ij,ij->i", u, u), 0.0)
    a, b = np.where(high, 1.0, a), np.where(high, b_high, b)
    sse = np.sum((a[:, None] + b[:, None] * u - y) ** 2, axis=1)
    k = int(np.argmin(sse))
    return float(a[k]), float(b[k]), float(C_GRID[k])


def size_for(target: float, a: float, b: float, c: float, n_max: float) -> float | None:
    """Training size at which the fitted curve reaches ``target`` (None if its ceiling is
    not above it)."""
    if a <= target or b <= 0:
        return None
    return float(n_max * ((a - target) / b) ** (-1.0 / c))


def summarise(n: list[float], units: np.ndarray, target: float | None, seed: int = 0) -> dict:
    """Means and spreads per size, the fitted curve, the bootstrap interval of its ceiling
    (units resampled with replacement, all sizes together) and the size for ``target``."""
    units = np.asarray(units, float)  # sizes x units
    mean = units.mean(axis=1)
    a, b, c = fit_curve(np.array(n), mean)
    rng = np.random.default_rng(seed)
    ceilings = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, units.shape[1], units.shape[1])
        ceilings.append(fit_curve(np.array(n), units[:, pick].mean(axis=1))[0])
    ceilings_arr = np.array(ceilings)
    out = {
        "n": [round(v, 1) for v in n],
        "mean": [round(float(v), 4) for v in mean],
        "sd": [round(float(v), 4) for v in units.std(axis=1, ddof=1)],
        "units": [[round(float(v), 4) for v in row] for row in units],
        "fit": {"a": round(a, 4), "b": round(b, 4), "c": round(c, 4)},
        "ceiling": round(a, 4),
        "ceiling_90": [round(float(v), 4) for v in np.percentile(ceilings_arr, [5, 95])],
        "ceiling_at_bound": round(float(np.mean(ceilings_arr >= 0.999)), 3),
        "fitted_at_2x": round(float(power_law(np.array([2.0]), a, b, c)[0]), 4),
        "fitted_at_10x": round(float(power_law(np.array([10.0]), a, b, c)[0]), 4),
    }
    # the optimistic reading: the gain per doubling of the last three sizes kept for ever
    slope = float(np.polyfit(np.log2(np.array(n[-3:])), mean[-3:], 1)[0])
    out["gain_per_doubling"] = round(slope, 4)
    if target is not None:
        need = size_for(target, a, b, c, max(n))
        out["target"] = target
        out["ceiling_above_target_share"] = round(float(np.mean(ceilings_arr > target)), 3)
        out["n_for_target"] = None if need is None else round(need)
        gap = target - float(mean[-1])
        out["n_for_target_log_linear"] = (
            round(max(n)) if gap <= 0 else round(max(n) * 2 ** (gap / slope)) if slope > 0 else None
        )
    return out


def nested(n_rows: int, seed: int) -> np.ndarray:
    """Rank of each row in a seeded permutation: fraction q keeps the rows of rank < q * n."""
    rank = np.empty(n_rows, dtype=int)
    rank[np.random.default_rng(seed).permutation(n_rows)] = np.arange(n_rows)
    return rank


def sentiment_curve(data: Path, f: Featuriser, lang: str, seeds: list[int]) -> dict:
    """Shipped recipe, --select's folds; rows left out of a fraction get weight 0 (name
    "unused"), so they never train but UMSAB rows are still scored in their fold."""
    setup = default_setup(lang)
    sources = tuple(dict.fromkeys(k.split(".")[0] for k, w in setup.weights if k != "umsab" and w))
    examples, names, info = sentiment_pool(data, lang, sources)
    x = featurise(f, [e.text for e in examples])
    y = np.array([SENTIMENTS.index(e.label) for e in examples])
    n_umsab = info["umsab_train"]
    folds = np.full(len(y), -1)
    folds[:n_umsab] = grouped_folds(examples[:n_umsab], SELECT_FOLDS)
    used = np.array([setup.weight(s) > 0 for s in names])
    units: list[list[float]] = [[] for _ in FRACTIONS]
    sizes: list[list[int]] = [[] for _ in FRACTIONS]
    for seed in seeds:
        rank = nested(len(y), seed)
        for i, q in enumerate(FRACTIONS):
            keep = rank < round(q * len(y))
            sub = np.where(keep, names, "unused")
            t0 = time.time()
            logits = cv_logits(x, y, sub, folds, setup, seed)
            per_fold = cv_scores(logits, y, folds, setup.offsets)[0]
            units[i] += per_fold
            for k in np.unique(folds[folds >= 0]):
                sizes[i].append(int((keep & used & (folds != k)).sum()))
            print(
                f"sentiment {lang} seed {seed} fraction {q:g}: {np.mean(per_fold):.3f} "
                f"({time.time() - t0:.0f}s)",
                flush=True,
            )
    n = [float(np.mean(s)) for s in sizes]
    return {
        f"sentiment_{lang}": summarise(n, np.array(units), TARGETS[f"sentiment_{lang}"]),
        "_rows": {"pool": len(y), "umsab_train": n_umsab, "recipe": setup.label()},
    }


def wish_curves(data: Path, f: Featuriser, seeds: list[int]) -> dict:
    """Shipped wish recipe on the forum folds; and the forum alone, scored on the forum folds
    and on the app reviews (cross-domain)."""
    rows = [
        r
        for r in D.read_jsonl(data / FORUM)
        if isinstance(r.get("text"), str) and r["text"].strip()
    ]
    apps = D.app_feature_requests(data)
    texts = [D.unescape_literal(r["text"]) for r in rows] + [e.text for e in apps]
    y = np.array([int(r["label"]) for r in rows] + [int(e.label) for e in apps])
    n_f = len(rows)
    x = featurise(f, texts)
    scale = PATTERN_SCALE["wish"]
    x = sparse.hstack([x, sparse.csr_matrix(batch_patterns(f, texts) * scale)], format="csr")
    rules = batch_rule_scores(f, texts)[:, INTENTS.index("wish")]
    w = np.concatenate((np.ones(n_f), np.full(len(apps), WISH_APP_WEIGHT)))
    alpha = INTENT_ALPHA["wish"]
    fy, fr = y[:n_f], rules[:n_f]
    names = (
        "wish_forum",
        "wish_forum_10pct",
        "wish_forum_only",
        "wish_forum_only_10pct",
        "wish_app_transfer",
        "wish_app_transfer_10pct",
    )
    units: dict[str, list[list[float]]] = {k: [[] for _ in FRACTIONS] for k in names}
    sizes: dict[str, list[list[int]]] = {k: [[] for _ in FRACTIONS] for k in ("all", "forum")}
    for seed in seeds:
        ffold = forum_post_folds(data, 5, seed)
        rank = nested(len(y), seed)
        for i, q in enumerate(FRACTIONS):
            t0 = time.time()
            keep = rank < round(q * len(y))
            oof, oof_f = np.zeros(n_f), np.zeros(n_f)
            z_apps = []
            for k in range(5):
                held = np.zeros(len(y), dtype=bool)
                held[:n_f] = ffold == k
                tr = ~held & keep
                oof[held[:n_f]] = fit_logits(x[tr], y[tr], w[tr], x[held], seed, alpha)
                tr_f = tr.copy()
                tr_f[n_f:] = False
                z = fit_logits(
                    x[tr_f], y[tr_f], w[tr_f], x[held | (np.arange(len(y)) >= n_f)], seed, alpha
                )
                n_held = int(held.sum())
                oof_f[held[:n_f]] = z[:n_held]
                z_apps.append(z[n_held:])
                sizes["all"][i].append(int(tr.sum()))
                sizes["forum"][i].append(int(tr_f.sum()))
            for k in range(5):
                te = ffold == k
                s = best_shift(oof[~te], fr[~te], fy[~te], WISH_PRIOR)
                pred = shifted(oof[te], s, fr[te]) >= 0.5
                units["wish_forum"][i].append(binary_f1(fy[te], pred))
                units["wish_forum_10pct"][i].append(prior_weighted_f1(fy[te], pred, 0.10))
                s = best_shift(oof_f[~te], fr[~te], fy[~te], WISH_PRIOR)
                pred = shifted(oof_f[te], s, fr[te]) >= 0.5
                units["wish_forum_only"][i].append(binary_f1(fy[te], pred))
                units["wish_forum_only_10pct"][i].append(prior_weighted_f1(fy[te], pred, 0.10))
                app_pred = shifted(z_apps[k], s, rules[n_f:]) >= 0.5
                units["wish_app_transfer"][i].append(binary_f1(y[n_f:], app_pred))
                units["wish_app_transfer_10pct"][i].append(
                    prior_weighted_f1(y[n_f:], app_pred, 0.10)
                )
            print(
                f"wish seed {seed} fraction {q:g}: "
                + ", ".join(f"{k} {np.mean(units[k][i][-5:]):.3f}" for k in names)
                + f" ({time.time() - t0:.0f}s)",
                flush=True,
            )
    n_all = [float(np.mean(s)) for s in sizes["all"]]
    n_forum = [float(np.mean(s)) for s in sizes["forum"]]
    out: dict = {}
    for k in names:
        n = n_all if k in ("wish_forum", "wish_forum_10pct") else n_forum
        out[k] = summarise(n, np.array(units[k]), TARGETS.get(k))
    out["_rows"] = {
        "forum": n_f,
        "apps": len(apps),
        "app_suggestion_rate": round(float(y[n_f:].mean()), 3),
    }
    return out


COMPLAINT_CURVES = ("complaint", "complaint_annotated")


def complaint_curve(
    data: Path, f: Featuriser, seeds: list[int], names: tuple[str, ...] = COMPLAINT_CURVES
) -> dict:
    """The shipped complaint setup (intent_selection.py's first COMPLAINT_LEVERS row), on
    fractions of all its training rows ("complaint"), and on fractions of the annotated
    complaint tweets alone with every airline tweet kept ("complaint_annotated"; its sizes
    count the annotated rows only)."""
    cd = ComplaintData(data, f, 0)
    lever = COMPLAINT_LEVERS[0]
    n_own, n_air = len(cd.y), len(cd.air_y)
    folds = cd.schemes["cv"]
    out = {}
    for name in names:
        units: list[list[float]] = [[] for _ in FRACTIONS]
        sizes: list[list[int]] = [[] for _ in FRACTIONS]
        for seed in seeds:
            cd.seed = seed  # SGD seed; the folds stay those of seed 0
            rank = nested(n_own + n_air, seed)
            own_rank = nested(n_own, seed)
            for i, q in enumerate(FRACTIONS):
                t0 = time.time()
                if name == "complaint":
                    keep = rank < round(q * (n_own + n_air))
                else:
                    keep = np.concatenate((own_rank < round(q * n_own), np.ones(n_air, bool)))
                per_fold = score_lever(cd, lever, (keep[:n_own], keep[n_own:]))[0]
                units[i] += per_fold
                for k in np.unique(folds):
                    own = int((keep[:n_own] & (folds != k)).sum())
                    sizes[i].append(own + (int(keep[n_own:].sum()) if name == "complaint" else 0))
                print(
                    f"{name} seed {seed} fraction {q:g}: {np.mean(per_fold):.3f} "
                    f"({time.time() - t0:.0f}s)",
                    flush=True,
                )
        n = [float(np.mean(v)) for v in sizes]
        out[name] = summarise(n, np.array(units), TARGETS[name])
    out["_rows"] = {"complaint": n_own, "airline": n_air}
    return out


# chart name: (title, curves drawn)
CHARTS = {
    "sentiment_es": ("Spanish sentiment, shipped recipe", ("sentiment_es",)),
    "sentiment_en": ("English sentiment, shipped recipe", ("sentiment_en",)),
    "wish": ("Wish (suggestions) on the forum, shipped recipe", ("wish_forum", "wish_forum_10pct")),
    "wish_transfer": (
        "Wish trained on the forum alone: forum vs app reviews",
        ("wish_forum_only_10pct", "wish_app_transfer_10pct", "wish_app_transfer"),
    ),
    "complaint": ("Complaint, shipped recipe", ("complaint", "complaint_annotated")),
}


def plot(result: dict, out_dir: Path) -> list[Path]:
    """One PNG per chart: CV means with ± 1 sd bars, the fitted curve out to 10x the data,
    the ceiling and the target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    curves = result["curves"]
    for chart, (title, keys) in CHARTS.items():
        keys = tuple(k for k in keys if k in curves)
        if not keys:
            continue
        fig, ax = plt.subplots(figsize=(6.4, 5.6), dpi=110)
        targets: dict[float, list[str]] = {}
        for key, colour in zip(keys, ("tab:blue", "tab:orange", "tab:green"), strict=False):
            c = curves[key]
            n = np.array(c["n"])
            ax.errorbar(
                n,
                c["mean"],
                yerr=c["sd"],
                fmt="o",
                color=colour,
                capsize=3,
                label=CURVE_LABELS[key],
            )
            grid = np.geomspace(n.min(), n.max() * 10, 200)
            fit = c["fit"]
            ax.plot(
                grid,
                power_law(grid / n.max(), fit["a"], fit["b"], fit["c"]),
                "-",
                color=colour,
                alpha=0.7,
            )
            lo, hi = c["ceiling_90"]
            if c["ceiling_at_bound"] < 0.5:
                ax.axhspan(lo, hi, color=colour, alpha=0.07, label=None)
                ax.axhline(
                    c["ceiling"],
                    color=colour,
                    ls=":",
                    lw=1,
                    label=f"fitted ceiling {c['ceiling']:.3f} (90% {lo:.3f}-{hi:.3f})",
                )
            else:
                name = colour.removeprefix("tab:")
                ax.plot(
                    [], [], " ", label=f"{name} curve: no ceiling below 1, it does not bend yet"
                )
            if "target" in c:
                targets.setdefault(c["target"], []).append(colour.removeprefix("tab:"))
            ax.axvline(n.max(), color="grey", lw=0.8)
        for value, colours in targets.items():
            ax.axhline(
                value,
                color="tab:red",
                ls="--",
                lw=1.2,
                label=f"target {value:.2f} on the test set, for the {' and '.join(colours)} curve",
            )
        ax.set_xscale("log")
        ax.set_xlabel("training rows (log scale; grey line: all the training data)")
        ax.set_ylabel("cross-validated score")
        ax.set_title(title)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=1)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        path = out_dir / f"learning-curve-{chart.replace('_', '-')}.png"
        fig.savefig(path, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    return written


def _times(rows: float | None, n_max: float) -> str:
    """A training size as a multiple of today's."""
    if rows is None:
        return "never"
    x = rows / n_max
    return f"{rows:,.0f} ({x:.1f}x)" if x < 1000 else "> 1000x today's"


def table(result: dict) -> str:
    """Markdown table of every curve."""
    lines = [
        "| curve | training rows (mean per fold) | CV mean ± sd per size | gain per doubling "
        "(last 3 sizes) | fitted ceiling a (90% bootstrap) | fitted at 2x / 10x data | target "
        "(share of bootstrap ceilings above it) | rows for the target: fitted curve / gain "
        "per doubling kept |",
        "|---|---|---|---|---|---|---|---|",
    ]
    curves = result["curves"]
    for key in (k for k in CURVE_LABELS if k in curves):
        c = curves[key]
        sizes = ", ".join(f"{v:,.0f}" for v in c["n"])
        scores = ", ".join(f"{m:.3f} ± {s:.3f}" for m, s in zip(c["mean"], c["sd"], strict=True))
        lo, hi = c["ceiling_90"]
        ceiling = f"{c['ceiling']:.3f} ({lo:.3f}-{hi:.3f})"
        if c["ceiling_at_bound"] >= 0.5:  # the curve does not bend: no ceiling below 1
            ceiling = f"none found: a = 1 in {c['ceiling_at_bound']:.0%} of resamples"
        target, need = "-", "-"
        if "target" in c:
            target = f"{c['target']:.2f} ({c['ceiling_above_target_share']:.0%})"
            fitted = _times(c["n_for_target"], max(c["n"]))
            need = f"{fitted} / {_times(c['n_for_target_log_linear'], max(c['n']))}"
        lines.append(
            f"| {CURVE_LABELS[key]} | {sizes} | {scores} | {c['gain_per_doubling']:+.3f} "
            f"| {ceiling} "
            f"| {c['fitted_at_2x']:.3f} / {c['fitted_at_10x']:.3f} | {target} | {need} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--tasks", default="sentiment_es,sentiment_en,wish,complaints")
    parser.add_argument("--seeds", default="0,1,2", help="seeds of the subsamples and of SGD")
    parser.add_argument("--seeds-en", default="0", help="seeds for sentiment en (slow)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--plot-only", action="store_true")
    args = parser.parse_args(argv)
    if args.plot_only:  # summaries recomputed from the stored per-unit scores
        result = json.loads(args.out.read_text())
        for key, c in result["curves"].items():
            result["curves"][key] = summarise(c["n"], np.array(c["units"]), TARGETS.get(key))
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    else:
        seeds = [int(s) for s in args.seeds.split(",")]
        result = json.loads(args.out.read_text()) if args.out.exists() else {"curves": {}}
        result.setdefault("runs", {})
        f = Featuriser(FEATURES)
        for task in args.tasks.split(","):
            t0 = time.time()
            if task.startswith("sentiment_"):
                lang = task.split("_")[1]
                s = [int(v) for v in args.seeds_en.split(",")] if lang == "en" else seeds
                part = sentiment_curve(args.data, f, lang, s)
            elif task == "wish":
                s = seeds
                part = wish_curves(args.data, f, s)
            elif task in (*COMPLAINT_CURVES, "complaints"):
                s = seeds
                which = COMPLAINT_CURVES if task == "complaints" else (task,)
                part = complaint_curve(args.data, f, s, which)
            else:
                raise SystemExit(f"unknown task {task}")
            rows = part.pop("_rows")
            result["curves"].update(part)
            result["runs"][task] = {
                "seeds": s,
                "rows": rows,
                "seconds": round(time.time() - t0),
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "load_average": [round(v, 1) for v in os.getloadavg()],
            }
            result["fractions"] = list(FRACTIONS)
            result["machine"] = f"{platform.machine()}, Python {platform.python_version()}"
            args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(table(result))
    try:
        for path in plot(result, FIGURES):
            print(f"wrote {path.relative_to(ROOT)}")
    except ImportError:
        print("matplotlib not installed: no charts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
