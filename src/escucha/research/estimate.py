"""Design-based means and totals of a probability sample, with R `survey`'s conventions.

The design is one stage: strata (optional), clusters or elements as primary sampling units
(PSUs), weights, and a finite population correction. As `svydesign(id=~cluster,
strata=~strata, weights=~weights, fpc=~fpc)`:

- `fpc` is the population size of the stratum (or, with clusters, its number of clusters);
  values all <= 1 are sampling fractions instead. Without weights, they follow from it:
  N_h / n_h (n_h the PSUs sampled in stratum h); with neither, every weight is 1.
- The mean is the ratio sum(w y) / sum(w), the total sum(w y) (Horvitz-Thompson).
- The variance is the Taylor linearisation `svyrecvar` computes: the linearised values
  z_i (w_i (y_i - mean) / sum(w) for a mean, w_i y_i for a total) are added up per PSU, and
  V = sum_h (1 - n_h/N_h) n_h / (n_h - 1) sum_c (z_hc - mean_h z)^2.
- A stratum with one PSU fails, as R's default `options(survey.lonely.psu = "fail")`,
  unless it is a certainty stratum (all its PSUs sampled: no variance).
- A missing value of the variable counts as `na.rm = TRUE` does in R: its row keeps its
  place in the design (its PSU still counts in n_h) and adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from escucha.errors import UserError
from escucha.research.targets import read_data, require_columns

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

Stat = Literal["mean", "total"]
CERTAINTY = 1e-7  # a stratum whose 1 - n/N is below this has been sampled whole (as R)


@dataclass(frozen=True)
class Design:
    """The columns that describe how the sample was drawn (None: not part of the design)."""

    weights: str | None = None
    strata: str | None = None
    cluster: str | None = None
    fpc: str | None = None

    def columns(self) -> list[str]:
        return [c for c in (self.weights, self.strata, self.cluster, self.fpc) if c]


@dataclass(frozen=True)
class Estimate:
    stat: Stat
    variable: str
    estimate: float
    se: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class _Prepared:
    """The design as arrays: each row's weight, PSU and the PSUs' strata and 1 - n/N."""

    weights: np.ndarray
    psu: np.ndarray  # row -> PSU number
    psu_stratum: np.ndarray  # PSU number -> stratum number
    stratum_names: list[str]
    psus_per_stratum: np.ndarray
    complement: np.ndarray  # stratum number -> 1 - n_h / N_h (1 without fpc)


def estimate(
    frame: pd.DataFrame,
    design: Design,
    *,
    means: Sequence[str] = (),
    totals: Sequence[str] = (),
    source: str = "the data",
) -> list[Estimate]:
    """Means and totals of numeric variables with their linearised standard errors."""
    import numpy as np

    if not means and not totals:
        raise UserError("name at least one variable to estimate (--mean or --total)")
    require_columns(frame, [*design.columns(), *means, *totals], source)
    prepared = _prepare(frame, design, source)
    found = []
    jobs: tuple[tuple[Stat, Sequence[str]], ...] = (("mean", means), ("total", totals))
    for stat, names in jobs:
        for name in names:
            y = _numeric(frame, name, source, "variable")
            present = ~np.isnan(y)
            if not present.any():
                raise UserError(f"{source}: the variable '{name}' has no values")
            w = np.where(present, prepared.weights, 0.0)
            y0 = np.where(present, y, 0.0)
            if stat == "mean":
                weight_sum = w.sum()
                if weight_sum <= 0:
                    raise UserError(f"{source}: the rows with '{name}' have no weight")
                value = float((w * y0).sum() / weight_sum)
                scores = w * (y0 - value) / weight_sum
            else:
                value = float((w * y0).sum())
                scores = w * y0
            se = float(np.sqrt(_variance(scores, prepared)))
            found.append(Estimate(stat, name, value, se))
    return found


def estimate_file(
    path: Path, design: Design, *, means: list[str], totals: list[str]
) -> list[Estimate]:
    """`estimate` over a CSV file (the `escucha surveys estimate` command)."""
    return estimate(read_data(path), design, means=means, totals=totals, source=str(path))


def _variance(scores: np.ndarray, design: _Prepared) -> float:
    import numpy as np

    psu_totals = np.bincount(design.psu, weights=scores, minlength=len(design.psu_stratum))
    strata = len(design.stratum_names)
    n = design.psus_per_stratum
    stratum_means = np.bincount(design.psu_stratum, weights=psu_totals, minlength=strata) / n
    deviations = (psu_totals - stratum_means[design.psu_stratum]) ** 2
    squares = np.bincount(design.psu_stratum, weights=deviations, minlength=strata)
    total = 0.0
    for h in range(strata):
        if design.complement[h] < CERTAINTY:
            continue
        if n[h] < 2:
            raise UserError(
                f"stratum '{design.stratum_names[h]}' has only one PSU, so its variance "
                'cannot be estimated (R survey\'s default, survey.lonely.psu = "fail"): '
                "merge it with a similar stratum"
            )
        total += design.complement[h] * n[h] / (n[h] - 1) * squares[h]
    return total


def _prepare(frame: pd.DataFrame, design: Design, source: str) -> _Prepared:
    import numpy as np
    import pandas as pd

    rows = len(frame)
    if rows == 0:
        raise UserError(f"{source} has no rows")
    if design.strata:
        _no_missing(frame, design.strata, source)
        stratum, names = pd.factorize(frame[design.strata], sort=True)
        stratum_names = [str(name) for name in names]
    else:
        stratum, stratum_names = np.zeros(rows, dtype=np.int64), ["(all)"]
    if design.cluster:
        _no_missing(frame, design.cluster, source)
        clusters = frame[design.cluster].astype(str)
        _nested(clusters, stratum, stratum_names, source, design.cluster)
        psu, _ = pd.factorize(pd.Series(stratum).astype(str) + "\x1f" + clusters.to_numpy())
    else:
        psu = np.arange(rows)
    psu_count = int(psu.max()) + 1
    psu_stratum = np.zeros(psu_count, dtype=np.int64)
    psu_stratum[psu] = stratum
    n = np.bincount(psu_stratum, minlength=len(stratum_names)).astype(float)
    population = _population(frame, design, stratum, n, stratum_names, source)
    complement = np.ones(len(stratum_names)) if population is None else 1 - n / population
    if design.weights:
        weights = _numeric(frame, design.weights, source, "weight column")
        bad = np.flatnonzero(np.isnan(weights) | (weights < 0))
        if bad.size:
            raise UserError(
                f"{source}, line {bad[0] + 2}: the weight '{design.weights}' must be a number >= 0"
            )
    elif population is not None:
        weights = (population / n)[stratum]
    else:
        weights = np.ones(rows)
    return _Prepared(weights, psu, psu_stratum, stratum_names, n, complement)


def _population(
    frame: pd.DataFrame,
    design: Design,
    stratum: np.ndarray,
    n: np.ndarray,
    names: list[str],
    source: str,
) -> np.ndarray | None:
    """Each stratum's population size N_h from the fpc column (None without one)."""
    import numpy as np

    if not design.fpc:
        return None
    fpc = _numeric(frame, design.fpc, source, "fpc column")
    bad = np.flatnonzero(np.isnan(fpc) | (fpc <= 0))
    if bad.size:
        raise UserError(f"{source}, line {bad[0] + 2}: the fpc '{design.fpc}' must be > 0")
    _, first_rows = np.unique(stratum, return_index=True)
    first = fpc[first_rows]  # each stratum's value on its first row
    varies = np.flatnonzero(fpc != first[stratum])
    if varies.size:
        row = varies[0]
        raise UserError(
            f"{source}, line {row + 2}: the fpc '{design.fpc}' differs within the stratum "
            f"'{names[stratum[row]]}' ({fpc[row]:g}, not {first[stratum[row]]:g})"
        )
    population = n / first if (fpc <= 1).all() else first
    small = np.flatnonzero(population < n - 1e-9)
    if small.size:
        h = small[0]
        raise UserError(
            f"{source}: the fpc of stratum '{names[h]}' says {population[h]:g} PSUs in the "
            f"population, fewer than the {int(n[h])} sampled"
        )
    return population


def _nested(
    clusters: pd.Series, stratum: np.ndarray, names: list[str], source: str, column: str
) -> None:
    """A cluster belongs to one stratum (R's svydesign refuses otherwise, without nest)."""
    import pandas as pd

    pairs = pd.DataFrame({"cluster": clusters.to_numpy(), "stratum": stratum})
    spread = pairs.drop_duplicates().groupby("cluster")["stratum"].nunique()
    if (spread > 1).any():
        cluster = spread[spread > 1].index[0]
        found = sorted(names[s] for s in pairs.loc[pairs.cluster == cluster, "stratum"].unique())
        raise UserError(
            f"{source}: the cluster {column}={cluster} is in more than one stratum "
            f"({', '.join(found)}); give clusters ids unique across strata"
        )


def _no_missing(frame: pd.DataFrame, column: str, source: str) -> None:
    missing = frame[column].isna().to_numpy().nonzero()[0]
    if missing.size:
        raise UserError(f"{source}, line {missing[0] + 2}: no value for '{column}'")


def _numeric(frame: pd.DataFrame, column: str, source: str, what: str) -> np.ndarray:
    """The column as floats (missing values NaN); text that is not a number is refused."""
    import pandas as pd

    values = frame[column]
    converted = pd.to_numeric(values, errors="coerce")
    wrong = (converted.isna() & values.notna()).to_numpy().nonzero()[0]
    if wrong.size:
        row = wrong[0]
        raise UserError(
            f"{source}, line {row + 2}: the {what} '{column}' is not numeric "
            f"(found {str(values.iloc[row])!r})"
        )
    return converted.to_numpy(dtype=float)
