"""Product tests in the REST API, /api/v1/panels. Any token reads; creating, recruiting,
inviting, marking and closing need a write token (as for surveys)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from escucha.web.deps import Ctx, Principal, api_principal, api_writer
from escucha.web.params import Id
from escucha.web.responses import AUTHENTICATED, errors

router = APIRouter(prefix="/api/v1/panels", responses=AUTHENTICATED, tags=["panels"])
Reader = Annotated[Principal, Depends(api_principal)]
Writer = Annotated[Principal, Depends(api_writer)]


class NewPanel(BaseModel):
    name: str = Field(..., max_length=255)
    segment: str = Field(..., max_length=2000, description="a saved segment, 'all' or a query")
    size: int = Field(..., ge=1, le=10_000)
    quotas: list[str] = Field(default_factory=list, description="attribute=VALUE:N each")
    seed: int | None = Field(None, ge=0, le=2**31 - 1)
    product: str | None = Field(None, max_length=1024)
    idea_id: int | None = None
    phases: list[str] = Field(default_factory=list)
    lang: str | None = Field(None, max_length=16)
    country: str | None = Field(None, max_length=64)
    internal: bool = False
    rest_months: int = Field(6, ge=0, le=120)
    receives: str = "gift"


class Mark(BaseModel):
    contact_id: int
    status: str
    reason: str | None = Field(None, max_length=1000)
    received: str | None = Field(None, max_length=1000)
    phase: int | None = None


class Close(BaseModel):
    outcome: str
    lang: str = "es"
    source: str | None = None


def _plain(rows: list[dict]) -> list[dict]:
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows
    ]


@router.get("")
def list_panels(ctx: Ctx, _who: Reader) -> dict:
    from escucha.panels.define import list_panels as found

    return {"panels": _plain(found(ctx.workspace))}


@router.post("", status_code=201, responses=errors(400, 403, 404))
def create(ctx: Ctx, who: Writer, body: NewPanel) -> dict:
    from escucha.panels.define import create_panel

    data = body.model_dump()
    panel = create_panel(
        ctx.workspace,
        data.pop("name"),
        data.pop("segment"),
        data.pop("size"),
        by=f"api:{who.user.name}",
        **data,
    )
    return {"panel_id": panel["id"], "seed": panel["seed"]}


@router.get("/{panel_id}", responses=errors(404))
def panel(ctx: Ctx, _who: Reader, panel_id: Id) -> dict:
    from escucha.panels.define import get_panel

    found: dict[str, Any] = get_panel(ctx.workspace, panel_id)
    return _plain([found])[0]


@router.post("/{panel_id}/recruit", responses=errors(403, 404))
def recruit(ctx: Ctx, who: Writer, panel_id: Id) -> dict:
    from escucha.panels.recruit import recruit as run

    return run(ctx.workspace, panel_id, by=f"api:{who.user.name}")


@router.post("/{panel_id}/invite", responses=errors(400, 403, 404, 409))
def invite(ctx: Ctx, who: Writer, panel_id: Id) -> dict:
    from escucha.panels.invite import invite as run

    return run(ctx.workspace, panel_id, by=f"api:{who.user.name}")


@router.post("/{panel_id}/mark", responses=errors(400, 403, 404, 409))
def mark(ctx: Ctx, who: Writer, panel_id: Id, body: Mark) -> dict:
    from escucha.panels.testers import mark as run

    return run(
        ctx.workspace,
        panel_id,
        body.contact_id,
        body.status,
        reason=body.reason,
        received=body.received,
        phase=body.phase,
        by=f"api:{who.user.name}",
    )


@router.get("/{panel_id}/testers", responses=errors(404))
def testers(ctx: Ctx, _who: Reader, panel_id: Id) -> dict:
    from escucha.panels.testers import list_testers

    return {"testers": list_testers(ctx.workspace, panel_id)}


@router.get("/{panel_id}/feedback", responses=errors(404))
def feedback(ctx: Ctx, _who: Reader, panel_id: Id) -> dict:
    from escucha.panels.define import get_panel
    from escucha.panels.feedback import feedback_rows

    get_panel(ctx.workspace, panel_id)
    return {"feedback": _plain(feedback_rows(ctx.workspace, panel_id))}


@router.get("/{panel_id}/report", responses=errors(404))
def report(ctx: Ctx, _who: Reader, panel_id: Id) -> dict:
    from escucha.panels.results import panel_results

    return panel_results(ctx.workspace, panel_id)


@router.post("/{panel_id}/close", responses=errors(400, 403, 404, 409))
def close(ctx: Ctx, who: Writer, panel_id: Id, body: Close) -> dict:
    from escucha.panels.results import close_panel

    return close_panel(
        ctx.workspace,
        panel_id,
        body.outcome,
        lang=body.lang,
        source=body.source,
        by=f"api:{who.user.name}",
    )
