"""Logging in and out, and choosing the UI language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from escucha.auth.users import User
from escucha.i18n import LANGUAGES, catalogue
from escucha.web.deps import Ctx, check_csrf, optional_user, ui_lang
from escucha.web.render import render
from escucha.web.security import LANG_COOKIE, cookie_header, use_secure_cookies

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
OptionalUser = Annotated[User | None, Depends(optional_user)]
Lang = Annotated[str, Depends(ui_lang)]


def safe_next(target: str | None) -> str:
    """A local path to go to after logging in; anything else (another site) becomes /."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 32 for c in target):
        return "/"
    return target


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_page(request: Request, user: OptionalUser, ui: Lang, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    t = catalogue(ui)
    return render(
        request,
        "login.html",
        ui=ui,
        user=None,
        title=t["title_login"],
        next=safe_next(next),
        error=None,
        username="",
    )


@router.post("/login")
def login(
    request: Request,
    ctx: Ctx,
    ui: Lang,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    from escucha.auth.sessions import start_session
    from escucha.auth.users import authenticate

    t = catalogue(ui)
    address = client_address(request)
    limiter = ctx.limiter

    def again(error: str, status: int, headers: dict[str, str] | None = None) -> Response:
        return render(
            request,
            "login.html",
            ui=ui,
            user=None,
            title=t["title_login"],
            next=safe_next(next),
            error=error,
            username=username,
            status_code=status,
            headers=headers,
        )

    if limiter.blocked(username, address):
        wait = limiter.retry_after(username, address)
        return again(t["login_throttled"].format(seconds=wait), 429, {"Retry-After": str(wait)})
    user = authenticate(ctx.engine, username, password)
    if user is None:
        limiter.failed(username, address)
        return again(t["login_failed"], 401)
    limiter.succeeded(username, address)
    key = start_session(ctx.engine, user.id, lifetime=ctx.session_lifetime)
    request.state.new_session_key = key  # a new key at login: no session fixation
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, ctx: Ctx) -> Response:
    from escucha.auth.sessions import end_session, new_key

    end_session(ctx.engine, request.state.session_key)
    request.state.new_session_key = new_key()
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
def choose_language(
    request: Request,
    ctx: Ctx,
    user: OptionalUser,
    lang: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    from escucha.auth.users import set_ui_lang

    response = RedirectResponse(safe_next(next), status_code=303)
    if lang not in LANGUAGES:
        return response
    if user is not None:
        set_ui_lang(ctx.engine, user.id, lang)
    secure = use_secure_cookies(request.scope, ctx.settings.secure_cookies)
    cookie = cookie_header(LANG_COOKIE, lang, max_age=365 * 86400, secure=secure)
    response.headers.append("set-cookie", cookie.decode("latin-1"))
    return response
