"""The user's API tokens: list them; analysts and admins create and revoke their own."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from escucha.auth.roles import can_change
from escucha.auth.users import User
from escucha.i18n import catalogue
from escucha.web.deps import Ctx, check_csrf, require_changer, require_user, ui_lang
from escucha.web.params import Id
from escucha.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Lang = Annotated[str, Depends(ui_lang)]


def _page(request: Request, ctx: Ctx, user: User, ui: str, new_token: str | None = None):
    from escucha.auth.tokens import list_tokens

    t = catalogue(ui)
    tokens = [
        {
            "id": tok.id,
            "prefix": tok.prefix,
            "label": tok.label,
            "scope": tok.scope,
            "created": tok.created_at.strftime("%Y-%m-%d %H:%M"),
            "last_used": tok.last_used_at.strftime("%Y-%m-%d %H:%M") if tok.last_used_at else None,
            "revoked": tok.revoked_at is not None,
        }
        for tok in list_tokens(ctx.engine, user.id)
    ]
    return render(
        request,
        "tokens.html",
        ui=ui,
        user=user,
        title=t["title_tokens"],
        active="tokens",
        tokens=tokens,
        can_change=can_change(user.role),
        new_token=new_token,
    )


@router.get("/account/tokens")
def tokens_page(
    request: Request, ctx: Ctx, user: Annotated[User, Depends(require_user)], ui: Lang
) -> Response:
    return _page(request, ctx, user, ui)


@router.post("/account/tokens")
def create_token_form(
    request: Request,
    ctx: Ctx,
    user: Annotated[User, Depends(require_changer)],
    ui: Lang,
    scope: Annotated[Literal["read", "write"], Form()] = "read",
    label: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    from escucha.auth.tokens import create_token

    token, _ = create_token(ctx.engine, user.name, scope, label.strip() or None)
    return _page(request, ctx, user, ui, new_token=token)  # shown once, in this response only


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token_form(
    ctx: Ctx, token_id: Id, user: Annotated[User, Depends(require_changer)]
) -> Response:
    from escucha.auth.tokens import revoke_token

    if not revoke_token(ctx.engine, token_id, user_id=user.id):
        raise HTTPException(404)
    return RedirectResponse("/account/tokens", status_code=303)
