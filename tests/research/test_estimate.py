"""Design-based means and totals reproduce R survey's published numbers on its `api` data.

Published numbers reproduced (data: tests/research/data, see its README):

1. survey's own example output, `tests/testoutput/api.Rout.saved` of the survey package
   (github.com/cran/survey, version 4.5), printed to R's default 5 significant digits:
   - dstrat <- svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)
     svymean(~api00, dstrat): 662.29, SE 9.4089; svytotal(~enroll, dstrat): 3687178, SE 114642
   - dclus1 <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
     svymean(~api00, dclus1): 644.17, SE 23.542; svytotal(~enroll, dclus1): 3404940, SE 932235
   - `tests/lonely.psu.Rout.save`: svydesign(id=~1, weights=~pw, strata=~dnum, data=apiclus1)
     with options(survey.lonely.psu="fail") stops with "Stratum (413) has only one PSU".
2. The same means at 17 significant digits, as survey 4.5 computes them, pinned by the R
   package spicy's tests (github.com/amaltawfik/spicy,
   tests/testthat/test-table_continuous_svy.R): dstrat 662.28736315932076, SE
   9.4089408027845831; dclus1 644.16939890710387, SE 23.542240693781036; and its hand-checked
   two-stratum design (mean 16, SE sqrt(492)/21). We match these to 1e-6 (relative 1e-12).

3. Totals to the cent, in the R package svrep's reference for calibrate_to_sample
   (github.com/bschneidr/svrep, reference/calibrate_to_sample.md), on the JK1 replicate
   versions of dclus1 and of svydesign(id=~1, fpc=~fpc, data=apisrs). For a total of a
   one-stage design, and for the mean of a simple random sample, the JK1 jackknife variance
   equals the linearised one exactly, so these are the same numbers: dclus1
   svytotal(~enroll) 3404940.13 (SE 932235.03); apisrs svytotal(~enroll) 3621074.34
   (SE 169519.65), svymean(~api00) 656.58 (SE 9.2497).

dstrat's total is published only to R's printed digits; its full precision value below is our
own computation (the same linearisation, stated for regression).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from escucha.errors import UserError
from escucha.research.estimate import Design, estimate, estimate_file

from .helpers import run_cli

DATA = Path(__file__).parent / "data"
STRAT = Design(weights="pw", strata="stype", fpc="fpc")
CLUS1 = Design(weights="pw", cluster="dnum", fpc="fpc")


def _by_key(found):
    return {(e.stat, e.variable): (e.estimate, e.se) for e in found}


def _printed(value: float, digits: int = 5) -> float:
    """`value` as R prints it by default (`digits` significant digits)."""
    return float(f"{value:.{digits}g}")


@pytest.mark.parametrize(
    ("name", "design", "mean", "total"),
    [
        ("apistrat.csv", STRAT, (662.29, 9.4089), (3687178, 114642)),
        ("apiclus1.csv", CLUS1, (644.17, 23.542), (3404940, 932235)),
    ],
)
def test_the_printed_output_of_survey_examples(name, design, mean, total):
    found = _by_key(estimate_file(DATA / name, design, means=["api00"], totals=["enroll"]))
    got_mean, got_mean_se = found[("mean", "api00")]
    got_total, got_total_se = found[("total", "enroll")]
    assert (_printed(got_mean), _printed(got_mean_se)) == mean
    assert (round(got_total), _printed(got_total_se, 6)) == total


@pytest.mark.parametrize(
    ("name", "design", "published"),
    [
        ("apistrat.csv", STRAT, (662.28736315932076, 9.4089408027845831)),
        ("apiclus1.csv", CLUS1, (644.16939890710387, 23.542240693781036)),
    ],
)
def test_means_at_full_precision(name, design, published):
    (got,) = estimate_file(DATA / name, design, means=["api00"], totals=[])
    assert got.estimate == pytest.approx(published[0], rel=1e-12, abs=1e-6)
    assert got.se == pytest.approx(published[1], rel=1e-12, abs=1e-6)


def test_totals_to_the_cent_as_svreps_reference_prints_them():
    clus1 = _by_key(estimate_file(DATA / "apiclus1.csv", CLUS1, means=[], totals=["enroll"]))
    srs = _by_key(
        estimate_file(DATA / "apisrs.csv", Design(fpc="fpc"), means=["api00"], totals=["enroll"])
    )
    total, total_se = clus1[("total", "enroll")]
    assert (round(total, 2), round(total_se, 2)) == (3404940.13, 932235.03)
    total, total_se = srs[("total", "enroll")]
    assert (round(total, 2), round(total_se, 2)) == (3621074.34, 169519.65)
    mean, mean_se = srs[("mean", "api00")]
    assert (round(mean, 2), _printed(mean_se)) == (656.58, 9.2497)


def test_totals_at_full_precision():
    strat = _by_key(estimate_file(DATA / "apistrat.csv", STRAT, means=[], totals=["enroll"]))
    clus1 = _by_key(estimate_file(DATA / "apiclus1.csv", CLUS1, means=[], totals=["enroll"]))
    assert strat[("total", "enroll")] == pytest.approx((3687177.532438278, 114641.7161007803))
    assert clus1[("total", "enroll")] == pytest.approx((3404940.134529114, 932235.0270412151))


def test_the_two_stratum_design_of_spicys_tests():
    frame = pd.DataFrame(
        {
            "st": list("AAABBB"),
            "psu": range(1, 7),
            "y": [10, 14, 12, 22, 26, 30],
            "w": [5, 5, 5, 2, 2, 2],
        }
    )
    (got,) = estimate(frame, Design(weights="w", strata="st", cluster="psu"), means=["y"])
    assert got.estimate == pytest.approx(16, abs=1e-12)
    assert got.se == pytest.approx(math.sqrt(492) / 21, rel=1e-12)


def test_weights_follow_from_the_fpc():
    # apistrat's pw is N_h / n_h (stored in single precision): without --weights the design
    # takes N_h / n_h itself, and the estimates agree to that precision.
    given = _by_key(estimate_file(DATA / "apistrat.csv", STRAT, means=["api00"], totals=[]))
    derived = _by_key(
        estimate_file(
            DATA / "apistrat.csv", Design(strata="stype", fpc="fpc"), means=["api00"], totals=[]
        )
    )
    assert derived[("mean", "api00")] == pytest.approx(given[("mean", "api00")], rel=1e-7)
    # One-stage clusters: N / n clusters = 757 / 15 for every school.
    frame = pd.read_csv(DATA / "apiclus1.csv")
    (total,) = estimate(frame, Design(cluster="dnum", fpc="fpc"), totals=["enroll"])
    assert total.estimate == pytest.approx(frame.enroll.sum() * 757 / 15)


def test_an_fpc_given_as_sampling_fractions_is_the_same_design():
    frame = pd.read_csv(DATA / "apistrat.csv")
    frame["fraction"] = frame.groupby("stype")["stype"].transform("size") / frame.fpc
    as_sizes = estimate(frame, STRAT, means=["api00"], totals=["enroll"])
    as_fractions = estimate(
        frame,
        Design(weights="pw", strata="stype", fpc="fraction"),
        means=["api00"],
        totals=["enroll"],
    )
    for a, b in zip(as_sizes, as_fractions, strict=True):
        assert (b.estimate, b.se) == pytest.approx((a.estimate, a.se), rel=1e-12)


def test_without_weights_or_fpc_every_weight_is_one():
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0]})
    mean, total = estimate(frame, Design(), means=["y"], totals=["y"])
    assert mean.estimate == 3 and total.estimate == 12
    # with replacement, no fpc: the SE of the mean is sd / sqrt(n)
    assert mean.se == pytest.approx(frame.y.std() / 2)
    assert total.se == pytest.approx(4 * frame.y.std() / 2)  # n times the mean's


def test_a_missing_value_counts_as_r_na_rm():
    frame = pd.read_csv(DATA / "apiclus1.csv")
    holes = frame.copy()
    holes.loc[[3, 40, 41], "enroll"] = float("nan")
    zeros = frame.copy()
    zeros.loc[[3, 40, 41], "enroll"] = 0
    (with_holes,) = estimate(holes, CLUS1, totals=["enroll"])
    (with_zeros,) = estimate(zeros, CLUS1, totals=["enroll"])
    assert (with_holes.estimate, with_holes.se) == pytest.approx(
        (with_zeros.estimate, with_zeros.se), rel=1e-12
    )
    (mean,) = estimate(holes, CLUS1, means=["enroll"])
    kept = holes.dropna(subset=["enroll"])
    assert mean.estimate == pytest.approx((kept.pw * kept.enroll).sum() / kept.pw.sum())


def test_a_stratum_with_one_psu_fails_as_r_does():
    with pytest.raises(UserError, match=r"stratum '413' has only one PSU"):
        estimate_file(
            DATA / "apiclus1.csv", Design(weights="pw", strata="dnum"), means=["api00"], totals=[]
        )


def test_a_certainty_stratum_with_one_psu_adds_no_variance():
    frame = pd.DataFrame(
        {"st": ["A", "A", "A", "B"], "y": [1.0, 2.0, 4.0, 10.0], "N": [30, 30, 30, 1]}
    )
    (whole,) = estimate(frame, Design(strata="st", fpc="N"), totals=["y"])
    (part,) = estimate(frame[frame.st == "A"], Design(strata="st", fpc="N"), totals=["y"])
    assert whole.estimate == pytest.approx(part.estimate + 10)
    assert whole.se == pytest.approx(part.se)


@pytest.mark.parametrize(
    ("frame", "design", "message"),
    [
        (pd.DataFrame({"y": [1, 2], "w": [1, "x"]}), Design(weights="w"), "line 3: the weight"),
        (pd.DataFrame({"y": [1, 2], "w": [1, -1]}), Design(weights="w"), "line 3: the weight"),
        (
            pd.DataFrame({"y": [1, 2, 3], "s": ["a", "a", "a"], "N": [9, 9, 8]}),
            Design(strata="s", fpc="N"),
            "differs within the stratum 'a'",
        ),
        (
            pd.DataFrame({"y": [1, 2, 3], "N": [2, 2, 2]}),
            Design(fpc="N"),
            "fewer than the 3 sampled",
        ),
        (
            pd.DataFrame({"y": [1, 2, 3, 4], "s": list("aabb"), "c": [1, 2, 2, 3]}),
            Design(strata="s", cluster="c"),
            "c=2 is in more than one stratum",
        ),
    ],
)
def test_a_bad_design_is_refused_with_its_line(frame, design, message):
    with pytest.raises(UserError, match=message):
        estimate(frame, design, means=["y"])


def test_the_estimate_command_prints_the_contract(capsys):
    code, out, _ = run_cli(
        capsys,
        "surveys",
        "estimate",
        "--data",
        str(DATA / "apistrat.csv"),
        "--weights",
        "pw",
        "--strata",
        "stype",
        "--fpc",
        "fpc",
        "--mean",
        "api00",
        "--mean",
        "api99",
        "--total",
        "enroll",
        "--json",
    )
    assert code == 0
    found = json.loads(out)["estimates"]
    assert [(e["stat"], e["variable"]) for e in found] == [
        ("mean", "api00"),
        ("mean", "api99"),
        ("total", "enroll"),
    ]
    assert all(set(e) == {"stat", "variable", "estimate", "se"} for e in found)
    assert found[0]["estimate"] == pytest.approx(662.28736315932076, rel=1e-12)
    assert found[0]["se"] == pytest.approx(9.4089408027845831, rel=1e-12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mean", "nothere"], "has no column 'nothere'"),
        (["--mean", "api00", "--strata", "region"], "has no column 'region'"),
        (["--mean", "name"], "line 2: the variable 'name' is not numeric"),
        (["--total", "stype"], "the variable 'stype' is not numeric"),
        (["--strata", "dnum", "--mean", "api00"], "stratum '19' has only one PSU"),
        ([], "name at least one variable"),
    ],
)
def test_the_estimate_command_refuses_bad_input_in_one_line(capsys, args, message):
    path = DATA / "apistrat.csv"
    code, out, err = run_cli(capsys, "surveys", "estimate", "--data", str(path), *args, "--json")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_a_missing_data_file_is_one_line(capsys, tmp_path):
    code, _, err = run_cli(
        capsys, "surveys", "estimate", "--data", str(tmp_path / "none.csv"), "--mean", "y"
    )
    assert code == 1 and err == f"escucha: error: no data file at {tmp_path / 'none.csv'}\n"


def test_the_estimate_command_without_json_prints_a_line_a_statistic(capsys):
    code, out, _ = run_cli(
        capsys, "surveys", "estimate", "--data", str(DATA / "apiclus1.csv"), "--weights", "pw",
        "--cluster", "dnum", "--fpc", "fpc", "--mean", "api00", "--total", "enroll",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "mean   api00  644.169  (SE 23.5422)",
        "total  enroll  3.40494e+06  (SE 932235)",
    ]
