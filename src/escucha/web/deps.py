"""FastAPI dependencies: the context, the workspace, the current user (session or token),
role and scope checks, CSRF, and the UI language."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from escucha.auth.roles import can_change
from escucha.auth.users import User
from escucha.i18n import LANGUAGES, negotiate
from escucha.web.context import WebContext
from escucha.web.limits import take_both
from escucha.web.security import CSRF_FIELD, CSRF_HEADER, LANG_COOKIE, UNSAFE_METHODS, csrf_valid

TOUCH_EVERY = 60.0  # seconds between two writes of a token's last use


class LoginRequired(Exception):
    """Raised for a page that needs a login; the app turns it into a redirect to /login."""


def get_ctx(request: Request) -> WebContext:
    return request.app.state.web


Ctx = Annotated[WebContext, Depends(get_ctx)]


def optional_user(request: Request, ctx: Ctx) -> User | None:
    """The logged-in user of this browser session, if any (looked up once per request)."""
    if "user" not in request.state._state:
        from escucha.auth.sessions import session_user

        key = getattr(request.state, "session_key", None)
        request.state.user = session_user(ctx.engine, key) if key else None
    return request.state.user


def require_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


def require_changer(user: Annotated[User, Depends(require_user)]) -> User:
    """Analysts and admins; viewers only read."""
    if not can_change(user.role):
        raise HTTPException(403, "your role cannot change anything")
    return user


def require_admin(user: Annotated[User, Depends(require_user)]) -> User:
    if user.role != "admin":
        raise HTTPException(403, "only admins can do this")
    return user


async def check_csrf(request: Request, ctx: Ctx) -> None:
    """Every browser request that changes something carries the session's CSRF token, in a
    form field or (htmx) a header; checked before any handler runs."""
    if request.method not in UNSAFE_METHODS:
        return
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
    key = getattr(request.state, "session_key", None)
    if not csrf_valid(ctx.secret, key, presented):
        raise HTTPException(403, "missing or wrong CSRF token; reload the page and try again")


@dataclass(frozen=True)
class Principal:
    """Who calls the API: a user through one of their tokens."""

    user: User
    token_id: int
    scope: str

    @property
    def can_change(self) -> bool:
        return can_change(self.user.role, self.scope)


_bearer = HTTPBearer(auto_error=False, description="An API token: escucha tokens create")


def api_principal(
    ctx: Ctx,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    from escucha.auth.tokens import lookup_token, touch_token

    unauthorised = HTTPException(
        401, "a valid API token is needed", headers={"WWW-Authenticate": "Bearer"}
    )
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorised
    found = lookup_token(ctx.engine, credentials.credentials)
    if found is None:
        raise unauthorised
    user, token = found
    wait = take_both(ctx.token_requests, token.id, ctx.user_requests, user.id)
    if wait:
        raise HTTPException(
            429,
            f"too many requests for this token or user; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    now = time.monotonic()
    if now - ctx.token_touched.get(token.id, -TOUCH_EVERY) >= TOUCH_EVERY:
        ctx.token_touched[token.id] = now
        touch_token(ctx.engine, token.id)
    return Principal(user, token.id, token.scope)


def api_writer(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    if not principal.can_change:
        raise HTTPException(403, "this token (or its user's role) cannot change anything")
    return principal


def ui_lang(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> str:
    """The user's choice, else the language cookie, else the browser's, else English."""
    if user is not None and user.ui_lang in LANGUAGES:
        return user.ui_lang
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return negotiate(request.headers.get("accept-language", ""))


def api_admin(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    """An admin's token, of either scope: reads only admins may make (a person's export)."""
    if principal.user.role != "admin":
        raise HTTPException(403, "only admins can do this")
    return principal


def api_admin_writer(principal: Annotated[Principal, Depends(api_writer)]) -> Principal:
    """An admin's write token: merges, unmerges, erasures."""
    if principal.user.role != "admin":
        raise HTTPException(403, "only admins can do this")
    return principal
