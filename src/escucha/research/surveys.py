"""Surveys in the store: create, read, edit (a live survey gets a new version), change status.

A draft has one version, edited in place: nobody has answered it yet. Once a survey is live,
answers are given under its current version, so an edit stores a new version and the old one
stays as it was. A closed survey is not edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, NotFound, UserError
from escucha.research.definition import Definition, check
from escucha.store.schema.research import survey_versions, surveys

if TYPE_CHECKING:
    import pandas as pd

STATUSES = ("draft", "live", "closed")
# status -> the statuses it may move to
MOVES = {"draft": {"live"}, "live": {"closed"}, "closed": set[str]()}


@dataclass(frozen=True)
class Survey:
    """A survey and its current (latest) version."""

    id: int
    name: str
    title: str
    status: str
    version: int
    definition: Definition
    created_at: dt.datetime
    ctx: Context | None = field(default=None, repr=False, compare=False)  # where it is stored

    def responses(
        self,
        *,
        targets: Path | str | None = None,
        exclude: tuple[str, ...] = (),
        include_flagged: bool = False,
    ) -> pd.DataFrame:
        """Every response as a DataFrame: paradata, one column per answer, `flags`,
        `longest_string` and, given a targets file, the raked `weight` of the complete
        responses kept (every flagged one left out unless `exclude` names the flags to
        leave out or `include_flagged`)."""
        from escucha.research.results import Choice, responses_with_weights

        if self.ctx is None:
            raise UserError(f"survey {self.id} was not read from a workspace")
        return responses_with_weights(
            self.ctx,
            self.id,
            self.definition,
            targets=None if targets is None else Path(targets),
            choice=Choice(tuple(exclude), include_flagged),
        )

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "version": self.version,
            "questions": question_count(self.definition),
            "languages": [lang.code for lang in self.definition.languages],
            "created_at": self.created_at.isoformat(),
        }


def question_count(definition: Definition) -> int:
    """Questions, notes and calculations; groups are not questions, a matrix is one."""
    return sum(1 for _ in definition.questions())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_survey(ctx: Context, definition: Definition) -> Survey:
    """Store a new draft survey with the definition as its version 1."""
    check(definition)
    now = _now()
    with ctx.engine.begin() as conn:
        survey_id = conn.execute(
            surveys.insert().values(
                name=definition.name, title=definition.title, status="draft", created_at=now
            )
        ).inserted_primary_key[0]
        conn.execute(
            survey_versions.insert().values(
                survey_id=survey_id, version=1, definition=definition.to_dict(), created_at=now
            )
        )
    return get_survey(ctx, survey_id)


def parse_survey_id(text: str | int) -> int:
    try:
        return int(str(text).strip().lstrip("#"))
    except ValueError:
        raise UserError(f"{text!r} is not a survey id (a number, e.g. 3)") from None


def get_survey(ctx: Context, survey_id: int, version: int | None = None) -> Survey:
    """The survey with its latest version (or the version asked for); NotFound if missing."""
    with ctx.engine.connect() as conn:
        head = conn.execute(sa.select(surveys).where(surveys.c.id == survey_id)).first()
        if head is None:
            raise NotFound(f"no survey {survey_id}")
        query = sa.select(survey_versions).where(survey_versions.c.survey_id == survey_id)
        if version is not None:
            query = query.where(survey_versions.c.version == version)
        row = conn.execute(query.order_by(survey_versions.c.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"survey {survey_id} has no version {version}")
    return Survey(
        id=head.id,
        name=head.name,
        title=head.title,
        status=head.status,
        version=row.version,
        definition=Definition.from_dict(row.definition),
        created_at=head.created_at,
        ctx=ctx,
    )


def list_surveys(ctx: Context) -> list[Survey]:
    with ctx.engine.connect() as conn:
        ids = conn.execute(sa.select(surveys.c.id).order_by(surveys.c.id)).scalars().all()
    return [get_survey(ctx, i) for i in ids]


def edit_survey(ctx: Context, survey_id: int, definition: Definition) -> Survey:
    """Change a survey's definition: in place for a draft, as a new version for a live survey
    (answers keep the version they were given under); a closed survey is refused."""
    check(definition)
    current = get_survey(ctx, survey_id)
    if current.status == "closed":
        raise Conflict(f"survey {survey_id} is closed: its definition cannot change")
    values = {"definition": definition.to_dict(), "created_at": _now()}
    with ctx.engine.begin() as conn:
        if current.status == "draft":
            conn.execute(
                survey_versions.update()
                .where(survey_versions.c.survey_id == survey_id)
                .where(survey_versions.c.version == current.version)
                .values(**values)
            )
        else:
            conn.execute(
                survey_versions.insert().values(
                    survey_id=survey_id, version=current.version + 1, **values
                )
            )
        conn.execute(
            surveys.update()
            .where(surveys.c.id == survey_id)
            .values(name=definition.name, title=definition.title)
        )
    return get_survey(ctx, survey_id)


def set_status(ctx: Context, survey_id: int, status: str) -> Survey:
    """Open a draft (live) or close a live survey; other moves are refused."""
    if status not in STATUSES:
        raise UserError(f"status {status!r}: expected one of {', '.join(STATUSES)}")
    current = get_survey(ctx, survey_id)
    if status not in MOVES[current.status]:
        raise Conflict(f"survey {survey_id} is {current.status}: it cannot become {status}")
    with ctx.engine.begin() as conn:
        conn.execute(surveys.update().where(surveys.c.id == survey_id).values(status=status))
    return get_survey(ctx, survey_id)


@dataclass(frozen=True)
class Imported:
    survey: Survey
    rejected: tuple[Any, ...]  # xlsform_in.RejectedRow

    def as_json(self) -> dict[str, Any]:
        return {
            "survey_id": self.survey.id,
            "questions": question_count(self.survey.definition),
            "languages": [lang.code for lang in self.survey.definition.languages],
            "rejected": [
                {"sheet": r.sheet, "row": r.row, "reason": r.reason} for r in self.rejected
            ],
        }


def import_xlsform(ctx: Context, path: Path, into: int | None = None) -> Imported:
    """Read an XLSForm into a new draft survey, or as the new definition of survey `into`."""
    from escucha.research.xlsform_in import read_xlsform

    reading = read_xlsform(path)
    if into is None:
        survey = create_survey(ctx, reading.definition)
    else:
        survey = edit_survey(ctx, into, reading.definition)
    return Imported(survey, reading.rejected)


EXPORT_FORMATS = ("xlsform", "csv", "sav", "parquet")


def export_survey(ctx: Context, survey_id: int, fmt: str, out: Path) -> list[Path]:
    """Write the survey's definition as an XLSForm, or its responses as csv (with a value
    labels file), sav or parquet; return the files written."""
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"--format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
    survey = get_survey(ctx, survey_id)
    if fmt != "xlsform":
        from escucha.research.results import export_responses

        return export_responses(ctx, survey_id, survey.definition, fmt, out)
    from escucha.research.xlsform_out import write_xlsform

    return [write_xlsform(survey.definition, out)]
