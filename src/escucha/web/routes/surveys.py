"""The respondent's form, public at /s/{token}: no login, es and en, no JavaScript needed.

A first page says who asks, why, how long it takes and how the answers are used; starting
sets a resume cookie (scoped to the link's path, only its hash is stored) and every page is
saved when posted; Back (a second submit button, no JavaScript) saves what is on the page and
shows the previous one with its answers. There is no session to tie a CSRF token to, so
each form carries a token signed with the workspace secret: the start form's names the link,
a page's names the response and the page; its timestamp also gives the seconds spent on the
page. Posts are rate-limited per client address, capped at 64 KB, and carry a honeypot field.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from escucha.errors import Conflict, NotFound
from escucha.i18n import LANGUAGES, catalogue, negotiate
from escucha.research.links import LinkRefused, hash_token, open_link
from escucha.research.responses import (
    Paradata,
    State,
    about,
    choose_language,
    go_back,
    load_response,
    page_view,
    save_page,
    start_response,
)
from escucha.research.settings import research_settings
from escucha.research.surveys import get_survey
from escucha.web.context import WebContext
from escucha.web.limits import FailureLimiter
from escucha.web.security import cookie_header, use_secure_cookies

router = APIRouter(include_in_schema=False)
COOKIE = "escucha_survey"
MAX_BODY = 64 * 1024
FORM_MAX_AGE = 24 * 3600  # a page left open longer than a day is served again
HONEYPOT = "website"
REFUSAL_STATUS = {"unknown": 404, "revoked": 410, "expired": 410, "spent": 410,
                  "closed": 410, "draft": 404}  # fmt: skip


def _ctx(request: Request) -> WebContext:
    return request.app.state.web


def _serializer(ctx: WebContext) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.secret, salt="escucha-survey-form")


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _limiter(request: Request) -> FailureLimiter:
    """Posts per client address and minute (`[research] form_posts_per_minute`)."""
    limiter = getattr(request.app.state, "survey_limiter", None)
    if limiter is None:
        per_minute = research_settings(_ctx(request).workspace.config).form_posts_per_minute
        limiter = _ctx(request).limiters.failures("survey-form", per_minute, 60.0)
        request.app.state.survey_limiter = limiter
    return limiter


async def _posted(request: Request) -> dict[str, list[str]]:
    """The posted form, after the rate limit and the size cap (413 past 64 KB)."""
    limiter, address = _limiter(request), _address(request)
    if limiter.blocked("survey-form", address):
        wait = limiter.retry_after("survey-form", address)
        raise HTTPException(429, "too many answers from this address; wait a minute",
                            headers={"Retry-After": str(wait)})  # fmt: skip
    limiter.failed("survey-form", address)  # counts the post
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, "the answers are too long (64 KB at most)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, "the answers are too long (64 KB at most)")
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise HTTPException(415, "the form is sent as application/x-www-form-urlencoded")
    try:
        text = body.decode("utf-8")
        return parse_qs(text, keep_blank_values=True, max_num_fields=1000)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "the form could not be read") from None


def _first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def _ui(request: Request, content_lang: str | None = None) -> str:
    """?lang=, else the survey's language when the UI has it, else the browser's."""
    asked = request.query_params.get("lang", "")
    for code in (asked, content_lang or ""):
        if code in LANGUAGES:
            return code
    return negotiate(request.headers.get("accept-language", ""))


def _preferred(request: Request) -> tuple[str, ...]:
    asked = request.query_params.get("lang", "")
    browser = [
        part.split(";")[0].strip().split("-")[0].lower()
        for part in request.headers.get("accept-language", "").split(",")[:10]
    ]
    return tuple(c for c in (asked, *browser) if c)


def _page(request: Request, template: str, ui: str, head: str, status: int = 200,
          **context: Any) -> Response:  # fmt: skip
    t = catalogue(ui)
    return _ctx(request).templates.TemplateResponse(
        request,
        template,
        {"t": t, "ui": ui, "page_title": head, **context},
        status_code=status,
    )


def _refused(request: Request, error: LinkRefused) -> Response:
    ui = _ui(request)
    t = catalogue(ui)
    return _page(request, "survey_end.html", ui, t["survey_title"],
                 REFUSAL_STATUS.get(error.code, 400),
                 message=t[f"survey_refused_{error.code}"])  # fmt: skip


def _resumed(request: Request, token: str) -> State | None:
    resume = request.cookies.get(COOKIE)
    if not resume:
        return None
    try:
        return load_response(_ctx(request).workspace, resume, token)
    except NotFound:
        return None


def _end(request: Request, state: State) -> Response:
    ui = _ui(request, state.lang)
    t = catalogue(ui)
    key = "survey_thanks" if state.status == "complete" else f"survey_end_{state.status}"
    return _page(request, "survey_end.html", ui, state.title, message=t[key], title=state.title)


@router.get("/s/{token}")
def survey_intro(request: Request, token: str) -> Response:
    """The first page: who asks, why, how long, how the answers are used; then Start."""
    ctx = _ctx(request)
    try:
        state = _resumed(request, token)
        if state is not None:
            return RedirectResponse(f"/s/{token}/page", status_code=303)
        link = open_link(ctx.workspace, token)
    except LinkRefused as error:
        return _refused(request, error)
    survey = get_survey(ctx.workspace, link.survey_id)
    lang = choose_language(survey.definition, _preferred(request))
    ui = _ui(request, lang)
    config = ctx.workspace.config
    facts = about(survey.definition, lang)
    facts["asker"] = facts["asker"] or (config.brand.name if config.brand else config.name)
    return _page(
        request,
        "survey_intro.html",
        ui,
        survey.title,
        title=survey.title,
        content_lang=lang,
        about=facts,
        anonymous=link.anonymous,
        token=token,
        form_token=_serializer(ctx).dumps(["start", hash_token(token)[:16]]),
        src=request.query_params.get("src", "")[:64],
        lang=lang,
    )


@router.post("/s/{token}")
async def survey_start(request: Request, token: str) -> Response:
    ctx = _ctx(request)
    form = await _posted(request)
    try:
        signed = _serializer(ctx).loads(_first(form, "form_token"), max_age=FORM_MAX_AGE)
    except (BadSignature, SignatureExpired):
        signed = None
    if signed != ["start", hash_token(token)[:16]]:
        raise HTTPException(403, "missing or wrong form token; reload the page and try again")
    try:
        if _resumed(request, token) is not None:  # started already (a second click on Start)
            return RedirectResponse(f"/s/{token}/page", status_code=303)
    except LinkRefused as error:
        return _refused(request, error)
    src = _first(form, "src")[:64] or None
    paradata = Paradata(
        address=_address(request),
        user_agent=request.headers.get("user-agent", "")[:512],
        source=src
        if src and src.replace("_", "").replace("-", "").replace(".", "").isalnum()
        else None,
        languages=tuple(c for c in (_first(form, "lang")[:16], *_preferred(request)) if c),
    )
    try:
        started = start_response(ctx.workspace, token, paradata)
    except LinkRefused as error:
        return _refused(request, error)
    response = RedirectResponse(f"/s/{token}/page", status_code=303)
    secure = use_secure_cookies(request.scope, ctx.settings.secure_cookies)
    cookie = cookie_header(COOKIE, started.resume_token, max_age=30 * 86400, secure=secure)
    response.headers.append(
        "set-cookie", cookie.decode("latin-1").replace("Path=/", f"Path=/s/{token}")
    )
    return response


def _show(request: Request, token: str, state: State, errors: dict[str, str] | None = None,
          values: dict[str, Any] | None = None, status: int = 200) -> Response:  # fmt: skip
    ctx = _ctx(request)
    ui = _ui(request, state.lang)
    total = max(1, len(state.pages))
    return _page(
        request,
        "survey_page.html",
        ui,
        state.title,
        status,
        title=state.title,
        content_lang=state.lang,
        token=token,
        questions=page_view(state),
        errors=errors or {},
        values=values if values is not None else state.answers,
        number=state.page + 1,
        total=total,
        form_token=_serializer(ctx).dumps([state.id, state.page]),
        honeypot=HONEYPOT,
    )


@router.get("/s/{token}/page")
def survey_page(request: Request, token: str) -> Response:
    try:
        state = _resumed(request, token)
    except LinkRefused as error:
        return _refused(request, error)
    if state is None:
        return RedirectResponse(f"/s/{token}", status_code=303)
    if state.status != "in_progress":
        return _end(request, state)
    return _show(request, token, state)


@router.post("/s/{token}/page")
async def survey_save(request: Request, token: str) -> Response:
    ctx = _ctx(request)
    form = await _posted(request)
    try:
        state = _resumed(request, token)
    except LinkRefused as error:
        return _refused(request, error)
    if state is None:
        raise HTTPException(403, "this browser has not started the survey; open its link again")
    try:
        signed, served = _serializer(ctx).loads(
            _first(form, "form_token"), max_age=FORM_MAX_AGE, return_timestamp=True
        )
    except (BadSignature, SignatureExpired):
        signed = served = None
    if not isinstance(signed, list) or signed[:1] != [state.id] or len(signed) != 2:
        raise HTTPException(403, "missing or wrong form token; reload the page and try again")
    seconds = max(0.0, time.time() - served.timestamp()) if served else 0.0
    if _first(form, "nav") == "back":
        try:
            go_back(ctx.workspace, request.cookies.get(COOKIE, ""), int(signed[1]), form,
                    seconds=seconds, token=token, state=state)  # fmt: skip
        except LinkRefused as error:
            return _refused(request, error)
        except Conflict:
            pass  # an old page posted again: show the current one
        return RedirectResponse(f"/s/{token}/page", status_code=303)
    try:
        outcome = save_page(
            ctx.workspace,
            request.cookies.get(COOKIE, ""),
            int(signed[1]),
            form,
            seconds=seconds,
            honeypot=bool(_first(form, HONEYPOT).strip()),
            token=token,
            state=state,
        )
    except LinkRefused as error:
        return _refused(request, error)
    except Conflict:
        return RedirectResponse(f"/s/{token}/page", status_code=303)
    if outcome.errors:
        state.answers = state.answers | outcome.values  # a question this page's answers reveal
        return _show(request, token, state, outcome.errors, outcome.values | _raw(form), 400)
    return RedirectResponse(f"/s/{token}/page", status_code=303)


def _raw(form: dict[str, list[str]]) -> dict[str, Any]:
    """What was typed, to show again next to its error (malformed numbers included)."""
    return {
        k: v if len(v) > 1 else v[0] for k, v in form.items() if k not in ("form_token", HONEYPOT)
    }
