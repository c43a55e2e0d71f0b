"""Surveys in the REST API, /api/v1/surveys: definitions, links and responses.

Any token reads (a viewer's too, as the web pages and every other API route); creating a link
needs a write token of a user who may change things. Responses come as the CLI prints them
(`escucha surveys responses --json`), with their quality flags and paradata."""

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
    """A frame's value as JSON takes it: numpy scalars as Python's, missing as None."""
    if hasattr(value, "dtype") and hasattr(value, "item"):
        value = value.item()
    if hasattr(value, "isoformat"):
        return None if value != value else value.isoformat()  # NaT is not equal to itself
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


PARADATA_SHOWN = ("lang", "ua_class", "started_at", "total_seconds", "page_seconds",
                  "contact_id", "honeypot", "version")  # fmt: skip


@router.get("/{survey_id}/responses", responses=errors(404))
def survey_responses(ctx: Ctx, _who: Reader, survey_id: Id) -> dict:
    """Every response (none left out) as `escucha surveys responses --json` gives it: id,
    source, status, submitted_at, answers and quality flags; with its paradata (never the
    network fingerprint)."""
    from escucha.research.results import flagged_responses, responses_json
    from escucha.research.surveys import get_survey

    survey = get_survey(ctx.workspace, survey_id)
    frame = flagged_responses(ctx.workspace, survey_id, survey.definition)
    found = responses_json(frame, survey.definition)["responses"]
    paradata = frame.set_index("id") if len(frame) else None
    for item in found:
        row = paradata.loc[item["id"]] if paradata is not None else {}
        item["paradata"] = {k: _plain(row[k]) for k in PARADATA_SHOWN if k in row}
    return {"survey_id": survey_id, "version": survey.version, "responses": found}
