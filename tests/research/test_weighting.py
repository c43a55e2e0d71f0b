"""Raking, trimming, post-stratification and their diagnostics.

Three checks of the solver besides its own invariants: it agrees with weightipy (a second IPF
implementation, unit base weights) and with raking written as calibration (Deville and
Särndal's raking-ratio distance, solved by Newton's method below) to 1e-6; and on R survey's
`api` data it reproduces the published output of survey's tests/rakecheck.Rout.save (survey
4.5, github.com/cran/survey): dclus1 raked to stype (E 4421, H 755, M 1018) and sch.wide
(No 1072, Yes 5122) gives svymean(~api00) 641.23 and svytotal(~enroll) 3647280 (printed
digits; R's standard errors there also account for the calibration, which ours do not claim).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from escucha.errors import UserError
from escucha.research.targets import Targets, read_targets
from escucha.research.weighting import diagnose, poststratify, rake

from .helpers import run_cli

DATA = Path(__file__).parent / "data"
SHARES = {
    "age": {"18-34": 0.3, "35-54": 0.35, "55+": 0.35},
    "sex": {"f": 0.51, "m": 0.49},
    "region": {"n": 0.25, "s": 0.25, "e": 0.2, "w": 0.3},
}


def sample(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """A sample skewed away from SHARES (young, male, western)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.choice(["18-34", "35-54", "55+"], n, p=[0.5, 0.3, 0.2]),
            "sex": rng.choice(["f", "m"], n, p=[0.4, 0.6]),
            "region": rng.choice(["n", "s", "e", "w"], n, p=[0.1, 0.2, 0.3, 0.4]),
            "base": rng.uniform(0.5, 2.0, n),
        }
    )


def weighted_shares(frame: pd.DataFrame, weights: np.ndarray, variable: str) -> pd.Series:
    return pd.Series(weights).groupby(frame[variable].to_numpy()).sum() / weights.sum()


def calibrate_raking(frame, shares, base, total):
    """Raking as calibration: w = d exp(x'λ) with sum w x = population totals (Newton)."""
    columns, goals = [], []
    for i, (variable, margin) in enumerate(shares.items()):
        for j, (category, share) in enumerate(margin.items()):
            if i and not j:
                continue  # one category per further variable is implied by the first
            columns.append((frame[variable] == category).to_numpy(dtype=float))
            goals.append(share * total)
    x, goal, lam = np.column_stack(columns), np.array(goals), np.zeros(len(goals))
    for _ in range(100):
        w = base * np.exp(x @ lam)
        step = np.linalg.solve(x.T @ (w[:, None] * x), goal - x.T @ w)
        lam += step
        if np.abs(step).max() < 1e-14:
            break
    return base * np.exp(x @ lam)


def test_margins_match_the_targets():
    frame = sample()
    raked = rake(frame, Targets("share", SHARES))
    for variable, margin in SHARES.items():
        got = weighted_shares(frame, raked.weights, variable)
        for category, share in margin.items():
            assert abs(got[category] - share) < 1e-6
    assert raked.weights.sum() == pytest.approx(len(frame))  # mean weight 1


def test_agrees_with_weightipy():
    import weightipy

    frame = sample()
    scheme = weightipy.Rim("escucha")
    scheme.set_targets([{v: {c: s * 100 for c, s in m.items()}} for v, m in SHARES.items()])
    theirs = weightipy.weight(frame[list(SHARES)], scheme).to_numpy()
    ours = rake(frame, Targets("share", SHARES)).weights
    assert np.abs(theirs - ours).max() < 1e-6


def test_with_base_weights_agrees_with_raking_as_calibration():
    frame = sample()
    base = frame.base.to_numpy()
    ours = rake(frame, Targets("share", SHARES), base_weights=base).weights
    theirs = calibrate_raking(frame, SHARES, base, base.sum())
    assert np.abs(theirs - ours).max() < 1e-6
    assert ours.sum() == pytest.approx(base.sum())  # the base weights' scale is kept


def test_reproduces_r_surveys_rakecheck_on_apiclus1(tmp_path):
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "variable,category,total\nstype,E,4421\nstype,H,755\nstype,M,1018\n"
        "sch.wide,No,1072\nsch.wide,Yes,5122\n"
    )
    frame = pd.read_csv(DATA / "apiclus1.csv")
    raked = rake(frame, read_targets(targets), base_weights=frame.pw.to_numpy())
    w = raked.weights
    assert round(float((w * frame.api00).sum() / w.sum()), 2) == 641.23
    assert round(float((w * frame.enroll).sum())) == 3647280
    assert w.sum() == pytest.approx(6194, abs=1e-6)
    by_type = pd.Series(w).groupby(frame.stype).sum()
    assert by_type.to_dict() == pytest.approx({"E": 4421, "H": 755, "M": 1018}, abs=1e-6)


def test_trimming_caps_the_weights_and_still_meets_the_margins():
    frame = sample()
    targets = Targets("share", SHARES)
    free = rake(frame, targets).weights
    assert free.max() > 4.5
    capped = rake(frame, targets, cap=3.5).weights
    assert capped.max() <= 3.5 * capped.mean() * (1 + 1e-9)
    for variable, margin in SHARES.items():
        got = weighted_shares(frame, capped, variable)
        assert all(abs(got[c] - s) < 1e-6 for c, s in margin.items())
    diagnostics = [diagnose(frame, w, targets) for w in (free, capped)]
    assert diagnostics[1].design_effect < diagnostics[0].design_effect


def test_post_stratification_gives_each_cell_its_share():
    frame = sample()
    weights = poststratify(frame, Targets("share", SHARES), "region").weights
    counts = frame.region.value_counts()
    expected = frame.region.map(lambda c: SHARES["region"][c] * len(frame) / counts[c])
    assert np.allclose(weights, expected.to_numpy(), rtol=1e-12)


def test_diagnostics():
    frame = sample(400)
    weights = rake(frame, Targets("share", SHARES)).weights
    found = diagnose(frame, weights, Targets("share", SHARES))
    n = len(weights)
    cv = weights.std() / weights.mean()  # the population standard deviation (ddof 0)
    assert found.design_effect == pytest.approx(1 + cv**2)
    assert found.effective_sample_size == pytest.approx(n / found.design_effect)
    assert found.max_weight == weights.max()
    assert {(m.variable, m.category) for m in found.margins} == {
        (v, c) for v, m in SHARES.items() for c in m
    }
    assert all(abs(m.weighted - m.target) < 1e-6 for m in found.margins)
    age = next(b for b in found.asmd if b.variable == "age")
    young = (frame.age == "18-34").mean()
    assert age.before >= abs(young - 0.3) / np.sqrt(0.3 * 0.7) / 3
    assert all(b.before > 0.05 and b.after < 1e-6 for b in found.asmd)


def test_unweighted_diagnostics_are_those_of_equal_weights():
    frame = sample(50)
    found = diagnose(frame, np.ones(50), Targets("share", SHARES))
    assert (found.design_effect, found.effective_sample_size, found.max_weight) == (1, 50, 1)


# ---- bad input ----------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "variable,category,share\nsex,f,0.5\nsex,m,0.4\n",
            "the shares of 'sex' sum to 0.9, not 1",
        ),
        ("variable,category,share\nsex,f,half\n", "line 2: the share 'half' is not a number"),
        ("variable,category,share\nsex,f,0.5\nsex,f,0.5\n", "line 3: 'sex=f' is given twice"),
        (
            "variable,category,total\nsex,f,50\nsex,m,50\nage,young,90\n",
            "the totals of 'age' sum to 90, but those of 'sex' to 100",
        ),
        ("var,cat,share\n", "the first line must be 'variable,category,share'"),
        ("variable,category,share\n", "no targets"),
    ],
)
def test_bad_targets_files(tmp_path, text, message):
    with pytest.raises(UserError, match=message):
        read_targets(write(tmp_path / "t.csv", text))


def test_a_target_category_no_respondent_has():
    frame = sample(100)
    shares = {**SHARES, "sex": {"f": 0.5, "m": 0.4, "x": 0.1}}
    with pytest.raises(UserError, match=r"sex=x a share of 0.1, but no respondent"):
        rake(frame, Targets("share", shares))


def test_a_sample_category_missing_from_the_targets():
    frame = sample(100)
    shares = {**SHARES, "region": {"n": 0.4, "s": 0.3, "e": 0.3}}
    with pytest.raises(UserError, match=r"line \d+: region=w is in the data but not in the"):
        rake(frame, Targets("share", shares))


def test_a_cell_with_no_respondents_to_weight_up():
    frame = sample(100)
    base = np.where(frame.sex == "f", 0.0, 1.0)  # every woman has weight 0
    with pytest.raises(UserError, match=r"the cell sex=f has a target of 0.51 but no respondent"):
        rake(frame, Targets("share", SHARES), base_weights=base)


def test_margins_that_cannot_be_met_fail_after_the_last_iteration():
    # Every woman is young: the targets want 60% women but 20% young people.
    frame = pd.DataFrame(
        {"sex": ["f"] * 4 + ["m"] * 6, "age": ["young"] * 4 + ["young", "old"] * 3}
    )
    shares = {"sex": {"f": 0.6, "m": 0.4}, "age": {"young": 0.2, "old": 0.8}}
    with pytest.raises(UserError, match="raking did not converge after 50 iterations"):
        rake(frame, Targets("share", shares), max_iterations=50)


def test_a_cap_too_low_fails_after_the_last_iteration():
    with pytest.raises(UserError, match=r"capped at 1\.1 times the mean"):
        rake(sample(), Targets("share", SHARES), cap=1.1)


def test_missing_columns_and_values():
    frame = sample(20).drop(columns=["region"])
    with pytest.raises(UserError, match="has no column 'region'"):
        rake(frame, Targets("share", SHARES))
    frame = sample(20)
    frame.loc[4, "sex"] = None
    with pytest.raises(UserError, match="line 6: no value for 'sex'"):
        rake(frame, Targets("share", SHARES))


# ---- the command --------------------------------------------------------------------------


def _files(tmp_path: Path, frame: pd.DataFrame) -> tuple[Path, Path]:
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    rows = [f"{v},{c},{s}" for v, m in SHARES.items() for c, s in m.items()]
    targets = write(tmp_path / "targets.csv", "variable,category,share\n" + "\n".join(rows))
    return data, targets


def test_the_rake_command_writes_weights_and_prints_the_contract(tmp_path, capsys):
    frame = sample(500)
    data, targets = _files(tmp_path, frame)
    out = tmp_path / "weighted.csv"
    code, printed, _ = run_cli(
        capsys,
        "surveys",
        "rake",
        "--data",
        str(data),
        "--targets",
        str(targets),
        "--weights",
        "base",
        "--out",
        str(out),
        "--json",
    )
    assert code == 0
    found = json.loads(printed)
    assert {"margins", "design_effect", "effective_sample_size", "max_weight"} <= set(found)
    assert all(set(m) == {"variable", "category", "target", "weighted"} for m in found["margins"])
    assert all(abs(m["weighted"] - m["target"]) < 1e-6 for m in found["margins"])
    written = pd.read_csv(out)
    assert list(written.columns) == [*frame.columns, "weight"]
    assert written.drop(columns="weight").equals(frame)
    expected = rake(frame, Targets("share", SHARES), base_weights=frame.base.to_numpy())
    assert np.allclose(written.weight, expected.weights, rtol=1e-12)
    assert found["max_weight"] == pytest.approx(written.weight.max(), rel=1e-12)
    assert found["design_effect"] == pytest.approx(
        len(written) * (written.weight**2).sum() / written.weight.sum() ** 2
    )


def test_the_rake_command_post_stratifies_on_one_variable(tmp_path, capsys):
    data, targets = _files(tmp_path, sample(300))
    out = tmp_path / "weighted.csv"
    code, printed, _ = run_cli(
        capsys,
        "surveys",
        "rake",
        "--data",
        str(data),
        "--targets",
        str(targets),
        "--post-stratify",
        "sex",
        "--out",
        str(out),
        "--json",
    )
    assert code == 0
    assert {m["variable"] for m in json.loads(printed)["margins"]} == {"sex"}
    written = pd.read_csv(out)
    assert written.groupby("sex").weight.nunique().to_dict() == {"f": 1, "m": 1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("share_sum", "the shares of 'sex' sum to 1.1, not 1"),
        ("unknown_category", "but no respondent in"),
        ("category_not_targeted", "is in the data but not in the targets"),
        ("missing_column", "has no column 'region'"),
        ("bad_weight", "line 4: the weight 'base' must be a number >= 0"),
        ("no_convergence", "raking did not converge after 3 iterations"),
        ("post_stratify_unknown", "the targets have no rows for the variable 'city'"),
    ],
)
def test_the_rake_command_refuses_bad_input_in_one_line(tmp_path, capsys, change, message):
    frame = sample(200)
    data, targets = _files(tmp_path, frame)
    args = ["--weights", "base"]
    text = targets.read_text()
    if change == "share_sum":
        write(targets, text.replace("sex,f,0.51", "sex,f,0.61"))
    elif change == "unknown_category":
        write(targets, text.replace("region,w,0.3", "region,w,0.2\nregion,x,0.1"))
    elif change == "category_not_targeted":
        write(targets, text.replace("region,w,0.3", "region,e2,0.3"))
    elif change == "missing_column":
        frame.drop(columns="region").to_csv(data, index=False)
    elif change == "bad_weight":
        frame.astype({"base": object}).assign(
            base=lambda f: f.base.where(f.index != 2, "x")
        ).to_csv(data, index=False)
    elif change == "no_convergence":
        args += ["--max-iterations", "3", "--cap", "1.3"]
    elif change == "post_stratify_unknown":
        args += ["--post-stratify", "city"]
    out = tmp_path / "weighted.csv"
    code, printed, err = run_cli(
        capsys,
        "surveys",
        "rake",
        "--data",
        str(data),
        "--targets",
        str(targets),
        "--out",
        str(out),
        "--json",
        *args,
    )
    assert code == 1 and printed == "" and not out.exists()
    assert err.count("\n") == 1 and message in err, err


def test_the_rake_command_without_json_says_what_it_did(tmp_path, capsys):
    data, targets = _files(tmp_path, sample(300))
    out = tmp_path / "weighted.csv"
    code, printed, _ = run_cli(
        capsys, "surveys", "rake", "--data", str(data), "--targets", str(targets),
        "--out", str(out),
    )  # fmt: skip
    assert code == 0 and "sex=f  target 0.51  weighted 0.51" in printed
    assert "300 respondents; design effect" in printed and str(out) in printed
