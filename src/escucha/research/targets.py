"""The files weighting and estimates read: population targets (`variable,category,share` or
`variable,category,total` rows) and survey data CSVs. Every refusal names the file and line."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from escucha.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

SHARE_TOLERANCE = 1e-6  # how far a variable's shares may be from summing to 1

Kind = Literal["share", "total"]


@dataclass(frozen=True)
class Targets:
    """Population margins: for each weighting variable, its categories' shares or totals.

    `total` is the population size the totals imply (every variable's totals sum to it);
    None when the file gives shares."""

    kind: Kind
    margins: dict[str, dict[str, float]]
    total: float | None = None

    def shares(self, variable: str) -> dict[str, float]:
        """The variable's categories as shares of the population."""
        margin = self.margins[variable]
        if self.kind == "share":
            return dict(margin)
        size = sum(margin.values())
        return {category: value / size for category, value in margin.items()}

    def only(self, variable: str) -> Targets:
        """These targets reduced to one variable (post-stratification)."""
        if variable not in self.margins:
            raise UserError(f"the targets have no rows for the variable '{variable}'")
        return Targets(self.kind, {variable: self.margins[variable]}, self.total)


def read_targets(path: Path) -> Targets:
    """Read and check a targets file: one kind of value, no duplicate rows, non-negative
    numbers, shares summing to 1 per variable, totals summing to one population size."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the targets file {path}: {exc}") from exc
    header = [name.strip().lower() for name in rows[0]] if rows else []
    if header not in (["variable", "category", "share"], ["variable", "category", "total"]):
        raise UserError(
            f"{path}: the first line must be 'variable,category,share' or "
            f"'variable,category,total' (found {','.join(header) or 'nothing'})"
        )
    kind: Kind = "share" if header[2] == "share" else "total"
    margins: dict[str, dict[str, float]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise UserError(f"{path}, line {line}: expected 3 values, found {len(row)}")
        variable, category, text = (cell.strip() for cell in row)
        if not variable or not category:
            raise UserError(f"{path}, line {line}: the variable and the category must be named")
        value = _number(text)
        if value is None or value < 0:
            raise UserError(f"{path}, line {line}: the {kind} '{text}' is not a number >= 0")
        margin = margins.setdefault(variable, {})
        if category in margin:
            raise UserError(f"{path}, line {line}: '{variable}={category}' is given twice")
        margin[category] = value
    if not margins:
        raise UserError(f"{path}: no targets")
    if kind == "share":
        for variable, margin in margins.items():
            total = sum(margin.values())
            if abs(total - 1) > SHARE_TOLERANCE:
                raise UserError(f"{path}: the shares of '{variable}' sum to {total:.6g}, not 1")
        return Targets(kind, margins)
    sums = {variable: sum(margin.values()) for variable, margin in margins.items()}
    size = next(iter(sums.values()))
    for variable, total in sums.items():
        if total <= 0 or not math.isclose(total, size, rel_tol=SHARE_TOLERANCE):
            raise UserError(
                f"{path}: the totals of '{variable}' sum to {total:.10g}, but those of "
                f"'{next(iter(sums))}' to {size:.10g}: every variable must add up to the "
                "same population"
            )
    return Targets(kind, margins, size)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_data(path: Path, *, as_text: bool = False) -> pd.DataFrame:
    """A survey data CSV as a DataFrame (every column as text when `as_text`, so categories
    keep their spelling: "01" stays "01")."""
    import pandas as pd

    try:
        if as_text:
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        return pd.read_csv(path)
    except FileNotFoundError as exc:
        raise UserError(f"no data file at {path}") from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UserError(f"cannot read the data file {path}: {exc}") from exc
    except pd.errors.EmptyDataError as exc:
        raise UserError(f"the data file {path} is empty") from exc


def require_columns(frame: pd.DataFrame, columns: list[str], path: Path | str) -> None:
    """Refuse a data file that lacks one of `columns`, naming them all."""
    missing = [name for name in dict.fromkeys(columns) if name not in frame.columns]
    if missing:
        raise UserError(f"{path} has no column {', '.join(repr(m) for m in missing)}")
