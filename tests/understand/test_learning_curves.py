"""tools/learning_curves.py: the saturating curve fit recovers a known ceiling, and the
training size it gives for a target lies on the fitted curve."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    sys.path.insert(0, str(ROOT / "tools"))  # it imports the other tools from there
    spec = importlib.util.spec_from_file_location(
        "learning_curves", ROOT / "tools" / "learning_curves.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SIZES = np.array([500.0, 1000.0, 2000.0, 4000.0, 8000.0])


def test_fit_recovers_a_known_curve_and_the_size_for_a_target():
    lc = _tool()
    score = lc.power_law(SIZES / SIZES.max(), 0.80, 0.12, 0.6)
    a, b, c = lc.fit_curve(SIZES, score)
    assert abs(a - 0.80) < 1e-3 and abs(b - 0.12) < 1e-3 and abs(c - 0.6) < 1e-2
    need = lc.size_for(0.75, a, b, c, SIZES.max())
    assert need is not None and need > SIZES.max()  # 0.75 lies beyond the data (0.68 at 8000)
    assert abs(lc.power_law(need / SIZES.max(), a, b, c) - 0.75) < 1e-9
    assert lc.size_for(0.85, a, b, c, SIZES.max()) is None  # above the ceiling


def test_ceiling_interval_covers_the_truth_on_noisy_folds():
    lc = _tool()
    rng = np.random.default_rng(1)
    truth = lc.power_law(SIZES / SIZES.max(), 0.70, 0.10, 0.8)
    units = truth[:, None] + rng.normal(0.0, 0.01, (len(SIZES), 15))
    out = lc.summarise(list(SIZES), units, target=0.75)
    lo, hi = out["ceiling_90"]
    assert lo <= 0.70 <= hi and hi - lo < 0.1
    assert abs(out["ceiling"] - 0.70) < 0.02
    assert out["n_for_target"] is None  # the target is above the ceiling
    assert out["ceiling_above_target_share"] < 0.05


def test_a_flat_curve_has_its_level_as_ceiling_and_the_bound_holds():
    lc = _tool()
    a, b, _ = lc.fit_curve(SIZES, np.full(len(SIZES), 0.6))
    assert abs(a - 0.6) < 1e-9 and b < 1e-9
    steep = lc.power_law(SIZES / SIZES.max(), 1.5, 1.0, 0.05)  # would level off above 1
    assert lc.fit_curve(SIZES, steep)[0] <= 1.0
