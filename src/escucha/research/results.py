"""A stored survey's responses put to use: flagged, weighted, analysed, exported (closing
the loop with the community is `loop.py`). The statistics are the pure functions of `quality`,
`weighting`, `analysis` and `exports`; this module reads the store and writes the results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escucha.core.context import Context
from escucha.errors import UserError
from escucha.research.columns import COMPLETE, answer_columns, is_answered
from escucha.research.definition import Definition
from escucha.research.quality import Exclusion, Rules, flag, select

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from escucha.research.weighting import Diagnostics


@dataclass(frozen=True)
class Choice:
    """Which flagged responses an analysis leaves out (quality.select)."""

    exclude: tuple[str, ...] = ()
    include_flagged: bool = False


def flagged_responses(
    ctx: Context, survey_id: int, definition: Definition, rules: Rules | None = None
) -> pd.DataFrame:
    """The survey's responses (research/reading.py) with their quality flags."""
    from escucha.research.reading import read_responses

    return flag(definition, read_responses(ctx, survey_id, definition), rules or Rules())


def weigh(
    frame: pd.DataFrame, targets_path: Path, *, cap: float | None = None
) -> tuple[np.ndarray, Diagnostics]:
    """Rake the responses in `frame` to the targets (variables are question names or
    paradata columns such as `lang` and `source`); every response needs a value."""
    import pandas as pd

    from escucha.research.targets import read_targets
    from escucha.research.weighting import diagnose, rake

    targets = read_targets(targets_path)
    data = {}
    for variable in targets.margins:
        if variable not in frame.columns:
            raise UserError(f"{targets_path}: the survey has no question or column '{variable}'")
        values = [category_of(v) for v in frame[variable]]
        for response, value in zip(frame.get("id", range(len(frame))), values, strict=True):
            if value == "":
                raise UserError(
                    f"response {response} has no answer to '{variable}', a weighting variable "
                    "(exclude it with a flag rule, or weight on other variables)"
                )
        data[variable] = values
    table = pd.DataFrame(data)
    raked = rake(table, targets, cap=cap, source="the survey's responses")
    return raked.weights, diagnose(table, raked.weights, targets)


def category_of(value: Any) -> str:
    """An answer as a category's name: "" when unanswered, 2.0 as "2"."""
    if not is_answered(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def analysed(frame: pd.DataFrame, choice: Choice) -> tuple[pd.DataFrame, Exclusion]:
    """The complete responses an analysis keeps under `choice`."""
    complete = frame[frame["status"] == COMPLETE] if "status" in frame else frame
    return select(complete, exclude=choice.exclude, include_flagged=choice.include_flagged)


def responses_with_weights(
    ctx: Context,
    survey_id: int,
    definition: Definition,
    *,
    targets: Path | None = None,
    choice: Choice = Choice(),
) -> pd.DataFrame:
    """Every response with its flags, paradata and, given targets, a `weight` column: the
    raked weight of the complete responses `choice` keeps, empty for the others."""
    import numpy as np

    frame = flagged_responses(ctx, survey_id, definition)
    if targets is None:
        return frame
    kept, _ = analysed(frame, choice)
    weights, _ = weigh(kept, targets)
    frame["weight"] = np.nan
    frame.loc[kept.index, "weight"] = weights
    return frame


def weigh_survey(
    ctx: Context, survey_id: int, definition: Definition, targets: Path, choice: Choice
) -> dict[str, Any]:
    """`escucha surveys weight`: the diagnostics of raking the analysed responses."""
    kept, exclusion = analysed(flagged_responses(ctx, survey_id, definition), choice)
    _, diagnostics = weigh(kept, targets)
    return diagnostics.as_dict() | {"excluded": exclusion.as_dict()}


def responses_json(frame: pd.DataFrame, definition: Definition) -> dict[str, Any]:
    """`escucha surveys responses --json`: each response's answers and flags."""
    columns = [c for c in answer_columns(definition) if c in frame.columns]
    out = []
    for record in frame.to_dict("records"):
        submitted = record.get("submitted_at")
        out.append(
            {
                "id": int(record["id"]),
                "source": record.get("source"),
                "status": record.get("status"),
                "submitted_at": None if missing(submitted) else submitted.isoformat(),
                "answers": {c: _plain(record[c]) for c in columns if is_answered(record[c])},
                "flags": list(record.get("flags", [])),
            }
        )
    return {"responses": out}


def missing(value: Any) -> bool:
    """None, NaN or NaT."""
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _plain(value: Any) -> Any:
    """A JSON-ready answer (numpy numbers as Python numbers)."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.item() if hasattr(value, "item") else value


def analyze_survey(
    ctx: Context,
    survey_id: int,
    definition: Definition,
    *,
    targets: Path | None = None,
    choice: Choice = Choice(),
    crosstabs: Iterable[tuple[str, str]] = (),
    read_open: bool = True,
    lang: str = "en",
) -> dict[str, Any]:
    """`escucha surveys analyze`: results, diagnostics and the AAPOR statement."""
    from escucha.research.analysis import analyze, crosstab

    kept, exclusion = analysed(flagged_responses(ctx, survey_id, definition), choice)
    weights, diagnostics = (None, None)
    if targets is not None:
        weights, found = weigh(kept, targets)
        diagnostics = found.as_dict()
    result = analyze(
        definition,
        kept,
        exclusion,
        weights=weights,
        diagnostics=diagnostics,
        reader=_reader(ctx, definition) if read_open else None,
        lang=lang,
    )
    result["crosstabs"] = [
        crosstab(definition, kept, row, column, weights=weights) for row, column in crosstabs
    ]
    return result


def _reader(ctx: Context, definition: Definition) -> Any:
    """The posts' reader (understand/) for the survey's languages it supports."""
    from escucha.understand.reader import SUPPORTED_LANGUAGES, load_reader

    wanted = [lang.code for lang in definition.languages if lang.code in SUPPORTED_LANGUAGES]
    wanted = wanted or [c for c in ctx.config.languages if c in SUPPORTED_LANGUAGES]
    return load_reader(wanted or None).read


def export_responses(
    ctx: Context, survey_id: int, definition: Definition, fmt: str, out: Path
) -> list[Path]:
    """Every response (flags included, none left out) as csv, sav or parquet."""
    from escucha.research.exports import write

    return write(definition, flagged_responses(ctx, survey_id, definition), fmt, out)
