"""A stored survey's responses as a DataFrame, read straight from `survey_responses`.

One row per response: the paradata columns (`PARADATA`) and one column per question name
(a multiple choice answer is a list of choice names; a matrix row is a column of its own,
by the row's name). The quality flags, weighting, analysis and exports are pure functions of
this frame and the survey's definition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.research.columns import PARADATA, answer_columns
from escucha.research.definition import Definition, Kind
from escucha.store.schema.research import survey_responses

if TYPE_CHECKING:
    import pandas as pd


def read_responses(ctx: Context, survey_id: int, definition: Definition) -> pd.DataFrame:
    """Every response of the survey (any status), oldest first."""
    import pandas as pd

    query = (
        sa.select(survey_responses)
        .where(survey_responses.c.survey_id == survey_id)
        .order_by(survey_responses.c.id)
    )
    with ctx.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    columns = answer_columns(definition)
    # the form stores a matrix's answer as {row: choice} under the matrix's name
    matrix_of = {
        row.name: question.name
        for question in definition.questions()
        if question.kind is Kind.MATRIX
        for row in question.rows
    }
    records: list[dict[str, Any]] = []
    for row in rows:
        pages = [float(s) for s in (row["page_seconds"] or [])]
        record = {name: row[name] for name in PARADATA if name in row}
        record["page_seconds"] = pages
        record["total_seconds"] = sum(pages) if pages else _elapsed(row)
        answers = row["answers"] or {}
        for name in columns:
            value = answers.get(name)
            if value is None and name in matrix_of:
                value = (answers.get(matrix_of[name]) or {}).get(name)
            record[name] = value
        records.append(record)
    return pd.DataFrame.from_records(records, columns=[*PARADATA, *columns])


def _elapsed(row: Any) -> float | None:
    if row["submitted_at"] is None:
        return None
    return float((row["submitted_at"] - row["started_at"]).total_seconds())
