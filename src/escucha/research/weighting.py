"""Weighting a sample to population margins, and the diagnostics that say what it cost.

Raking is iterative proportional fitting: each sweep multiplies every respondent's weight by
target / weighted total of their category, one variable after the other, starting from the
base weights (1 without them), until every weighted margin is within `TOLERANCE` of its target
share. Trimming caps weights at `cap` times the mean weight after each sweep and rakes again,
so the result meets the margins and the cap together, or fails after `max_iterations`.
Post-stratification is raking on one variable (exact in one sweep).

Weights sum to the population the targets give (totals), else to the base weights' sum, else
to the number of respondents (mean weight 1).

Why our own solver rather than weightipy (the tests check the two agree): weightipy starts from
weights of 1 (no base weights), stops when the change between sweeps stops shrinking rather
than when the margins are met, and prints to standard output; balance pins older numpy and
pandas than escucha uses; samplics brings polars and statsmodels for a loop of bincounts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from escucha.errors import UserError
from escucha.research.targets import Targets, read_data, read_targets, require_columns

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

TOLERANCE = 1e-12  # largest gap allowed between a weighted share and its target share
MAX_ITERATIONS = 1000
WEIGHT_COLUMN = "weight"


@dataclass(frozen=True)
class Raked:
    weights: np.ndarray
    iterations: int


@dataclass(frozen=True)
class Margin:
    variable: str
    category: str
    target: float
    weighted: float


@dataclass(frozen=True)
class Balance:
    """Mean absolute standardised difference between the sample's category shares and the
    targets on one weighting variable, before weighting (base weights) and after."""

    variable: str
    before: float
    after: float


@dataclass(frozen=True)
class Diagnostics:
    margins: list[Margin]
    design_effect: float
    effective_sample_size: float
    max_weight: float
    respondents: int
    asmd: list[Balance] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def rake(
    frame: pd.DataFrame,
    targets: Targets,
    *,
    base_weights: np.ndarray | None = None,
    cap: float | None = None,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
    source: str = "the data",
) -> Raked:
    """Weights whose margins match `targets`; a clear error when they cannot."""
    import numpy as np

    if cap is not None and cap <= 1:
        raise UserError(f"the cap must be more than 1 times the mean weight (got {cap:g})")
    if max_iterations < 1:
        raise UserError(f"at least one iteration is needed (got {max_iterations})")
    margins = _margins(frame, targets, source)
    n = len(frame)
    start = _base(base_weights, n, source)
    _every_cell_has_weight(start, margins)
    population = targets.total or (float(start.sum()) if base_weights is not None else n)
    weights = start * (population / start.sum())
    limit = None if cap is None else cap * population / n
    goals = {v: shares * population for v, (_, _, shares) in margins.items()}
    for iteration in range(1, max_iterations + 1):
        for variable, (codes, categories, _) in margins.items():
            sums = np.bincount(codes, weights=weights, minlength=len(categories))
            factor = np.divide(goals[variable], sums, out=np.ones_like(sums), where=sums > 0)
            weights *= factor[codes]
        if limit is not None:
            np.minimum(weights, limit, out=weights)
        gap, worst = _largest_gap(weights, margins, population)
        if gap < tolerance:
            return Raked(weights, iteration)
    hint = f" with weights capped at {cap:g} times the mean" if cap is not None else ""
    raise UserError(
        f"raking did not converge after {max_iterations} iterations{hint}: the weighted "
        f"share of {worst} is still {gap:.3g} from its target (margins the sample cannot "
        "meet together, or a cap too low)"
    )


def poststratify(
    frame: pd.DataFrame,
    targets: Targets,
    variable: str,
    *,
    base_weights: np.ndarray | None = None,
    source: str = "the data",
) -> Raked:
    """Weights that give each category of one variable its target exactly."""
    return rake(frame, targets.only(variable), base_weights=base_weights, source=source)


def diagnose(
    frame: pd.DataFrame,
    weights: np.ndarray,
    targets: Targets,
    *,
    base_weights: np.ndarray | None = None,
) -> Diagnostics:
    """Margins against targets, Kish's design effect (1 + CV² of the weights, the population
    CV: n sum(w²) / sum(w)²), the effective sample size sum(w)² / sum(w²), the largest weight,
    and the standardised differences from the targets before and after weighting."""
    import numpy as np

    n = len(weights)
    total = float(weights.sum())
    squares = float((weights**2).sum())
    before = _base(base_weights, n, "the data")
    margins, balance = [], []
    for variable in targets.margins:
        values = _categories(frame, variable, "the data")
        shares = targets.shares(variable)
        differences = {"before": [], "after": []}  # type: dict[str, list[float]]
        for category, goal in targets.margins[variable].items():
            inside = (values == category).to_numpy()
            weighted = float(weights[inside].sum())
            shown = weighted / total if targets.kind == "share" else weighted
            margins.append(Margin(variable, category, goal, shown))
            share = shares[category]
            if 0 < share < 1:
                spread = np.sqrt(share * (1 - share))
                for name, w in (("before", before), ("after", weights)):
                    got = float(w[inside].sum() / w.sum())
                    differences[name].append(abs(got - share) / spread)
        if differences["after"]:
            balance.append(
                Balance(
                    variable,
                    float(np.mean(differences["before"])),
                    float(np.mean(differences["after"])),
                )
            )
    return Diagnostics(
        margins=margins,
        design_effect=n * squares / total**2,
        effective_sample_size=total**2 / squares,
        max_weight=float(weights.max()),
        respondents=n,
        asmd=balance,
    )


def rake_file(
    data: Path,
    targets_path: Path,
    out: Path,
    *,
    weights_column: str | None = None,
    cap: float | None = None,
    post_stratify: str | None = None,
    max_iterations: int = MAX_ITERATIONS,
) -> Diagnostics:
    """Weight a data CSV (the `escucha surveys rake` command): write it to `out` with a
    `weight` column (replacing one it had) and return the diagnostics."""
    import numpy as np

    targets = read_targets(targets_path)
    frame = read_data(data, as_text=True)
    source = str(data)
    if weights_column:
        require_columns(frame, [weights_column], source)
    base = _weights(frame, weights_column, source) if weights_column else None
    if post_stratify:
        targets = targets.only(post_stratify)
    raked = rake(
        frame, targets, base_weights=base, cap=cap, max_iterations=max_iterations, source=source
    )
    written = frame.copy()
    written[WEIGHT_COLUMN] = np.asarray(raked.weights)
    try:
        written.to_csv(out, index=False)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc}") from exc
    return diagnose(frame, raked.weights, targets, base_weights=base)


def _margins(
    frame: pd.DataFrame, targets: Targets, source: str
) -> dict[str, tuple[np.ndarray, list[str], np.ndarray]]:
    """Per weighting variable: each row's category number, the categories, their shares."""
    import numpy as np

    require_columns(frame, list(targets.margins), source)
    if len(frame) == 0:
        raise UserError(f"{source} has no rows to weight")
    found = {}
    for variable in targets.margins:
        values = _categories(frame, variable, source)
        shares = targets.shares(variable)
        categories = list(shares)
        number = {category: i for i, category in enumerate(categories)}
        codes = values.map(number)
        unknown = codes.isna().to_numpy().nonzero()[0]
        if unknown.size:
            row = unknown[0]
            raise UserError(
                f"{source}, line {row + 2}: {variable}={values.iloc[row]} is in the data but "
                f"not in the targets (their categories: {', '.join(categories)})"
            )
        present = set(values.unique())
        absent = [c for c in categories if c not in present and shares[c] > 0]
        if absent:
            raise UserError(
                f"the targets give {variable}={absent[0]} a share of {shares[absent[0]]:.6g}, "
                f"but no respondent in {source} has it"
            )
        found[variable] = (
            codes.to_numpy(dtype=np.int64),
            categories,
            np.array([shares[c] for c in categories]),
        )
    return found


def _every_cell_has_weight(
    start: np.ndarray, margins: dict[str, tuple[np.ndarray, list[str], np.ndarray]]
) -> None:
    """A category with a target needs respondents whose weight can be raised."""
    import numpy as np

    for variable, (codes, categories, shares) in margins.items():
        reached = np.bincount(codes, weights=start, minlength=len(categories))
        for category, share, weight in zip(categories, shares, reached, strict=True):
            if share > 0 and weight <= 0:
                raise UserError(
                    f"the cell {variable}={category} has a target of {share:.6g} but no "
                    "respondent with a weight above 0: nothing can be weighted up to it"
                )


def _categories(frame: pd.DataFrame, variable: str, source: str) -> pd.Series:
    """A weighting variable's values as trimmed text; a missing one is refused."""
    values = frame[variable].astype("string").str.strip()
    missing = (values.isna() | (values == "")).to_numpy().nonzero()[0]
    if missing.size:
        raise UserError(f"{source}, line {missing[0] + 2}: no value for '{variable}'")
    return values.astype(str)


def _largest_gap(
    weights: np.ndarray,
    margins: dict[str, tuple[np.ndarray, list[str], np.ndarray]],
    population: float,
) -> tuple[float, str]:
    import numpy as np

    gap, worst = 0.0, ""
    for variable, (codes, categories, shares) in margins.items():
        reached = np.bincount(codes, weights=weights, minlength=len(categories)) / population
        gaps = np.abs(reached - shares)
        at = int(gaps.argmax())
        if gaps[at] > gap:
            gap, worst = float(gaps[at]), f"{variable}={categories[at]}"
    return gap, worst


def _base(base_weights: np.ndarray | None, n: int, source: str) -> np.ndarray:
    import numpy as np

    if base_weights is None:
        return np.ones(n)
    weights = np.asarray(base_weights, dtype=float)
    if weights.shape != (n,):
        raise UserError(f"{len(weights)} base weights for {n} respondents")
    if not np.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
        raise UserError(f"{source}: base weights must be numbers >= 0, not all 0")
    return weights


def _weights(frame: pd.DataFrame, column: str, source: str) -> np.ndarray:
    import pandas as pd

    text = frame[column].astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = (values.isna() | (values < 0)).to_numpy().nonzero()[0]
    if bad.size:
        row = bad[0]
        raise UserError(
            f"{source}, line {row + 2}: the weight '{column}' must be a number >= 0 "
            f"(found {text.iloc[row]!r})"
        )
    return values.to_numpy(dtype=float)
