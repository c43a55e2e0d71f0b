"""Surveys in the REST API, /api/v1/surveys: definitions, links and responses.

Any token reads; creating a link needs a write token (as every other API route)."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from escucha.web.deps import Ctx, Principal, api_principal, api_writer
from escucha.web.params import Id
from escucha.web.responses import AUTHENTICATED, errors

router = APIRouter(prefix="/api/v1/surveys", responses=AUTHENTICATED, tags=["surveys"])
Reader = Annotated[Principal, Depends(api_principal)]
Writer = Annotated[Principal, Depends(api_writer)]


class NewLink(BaseModel):
    source: str | None = Field(None, max_length=64, description="the channel, e.g. mastodon")
    anonymous: bool = Field(False, description="answers never linked to anyone")


@router.get("")
def list_surveys(ctx: Ctx, _who: Reader) -> dict:
    from escucha.research.surveys import list_surveys as surveys

    return {"surveys": [s.summary() for s in surveys(ctx.workspace)]}


@router.get("/{survey_id}", responses=errors(404))
def survey_definition(ctx: Ctx, _who: Reader, survey_id: Id) -> dict:
    from escucha.research.surveys import get_survey

    survey = get_survey(ctx.workspace, survey_id)
    return survey.summary() | {"definition": survey.definition.to_dict()}


@router.get("/{survey_id}/links", responses=errors(404))
def survey_links(ctx: Ctx, _who: Reader, survey_id: Id) -> dict:
    from escucha.research.links import list_links

    return {"links": list_links(ctx.workspace, survey_id)}


@router.post("/{survey_id}/links", status_code=201, responses=errors(400, 403, 404))
def new_link(ctx: Ctx, _who: Writer, survey_id: Id, body: NewLink) -> dict:
    from escucha.research.links import create_public_link

    made = create_public_link(ctx.workspace, survey_id, body.source, anonymous=body.anonymous)
    return {"url": made.url, "link_id": made.link.id}


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return None if value != value else value.isoformat()  # NaT is not equal to itself
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@router.get("/{survey_id}/responses", responses=errors(404))
def survey_responses(ctx: Ctx, _who: Reader, survey_id: Id) -> dict:
    """Every response with its paradata and answers (the columns of `responses_frame`)."""
    from escucha.research.columns import PARADATA as FRAME_COLUMNS
    from escucha.research.responses import responses_frame

    frame = responses_frame(ctx.workspace, survey_id)
    out = []
    for record in frame.to_dict(orient="records"):
        row = {k: _plain(record[k]) for k in FRAME_COLUMNS}
        row["answers"] = {k: _plain(v) for k, v in record.items() if k not in FRAME_COLUMNS}
        out.append(row)
    return {"responses": out}
