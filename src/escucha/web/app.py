"""The FastAPI application: pages, API, static files, security middleware, error pages."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import escucha
from escucha.auth.secret import load_or_create_secret
from escucha.errors import Conflict, Forbidden, NotFound, Overloaded, Upstream, UserError
from escucha.i18n import Message, catalogue
from escucha.web.cache import VersionedCache
from escucha.web.context import WebContext, WebSettings
from escucha.web.deps import LoginRequired, optional_user, ui_lang
from escucha.web.filters import FilterError
from escucha.web.limits import make_limiters
from escucha.web.render import here, make_templates, render
from escucha.web.security import SecurityMiddleware, make_serializer
from escucha.workspace import Workspace

if TYPE_CHECKING:
    import pluggy

STATIC = Path(__file__).parent / "static"
API_DESCRIPTION = """The escucha REST API. Authenticate with `Authorization: Bearer TOKEN`;
create tokens with `escucha tokens create --user NAME --scope read|write` or on the
API tokens page. Filters: a boolean query `q` (docs/query-language.md) plus brand, lang,
sentiment, intent, source, date_from, date_to."""


def _warm(ctx: WebContext) -> None:
    from escucha.insights.periods import PRESETS, PREVIOUS, PeriodChoice
    from escucha.web.service import Insights

    insights = Insights(ctx)
    posts = insights.overview()["posts"]
    insights.charts("en", None, True)  # the overview's, with drill-down links
    insights.intent_counts()  # the comparison of two periods reads it
    insights.honesty()  # the overview's honesty panel: the guard's lists, 0.17 s the first time
    # each period preset against the one before, as the overview's period chips ask for it:
    # its charts and the comparison's tests (whose first call imports SciPy's statistics,
    # 1.2 s) were the first such request's 3.5 s in each worker at 10M posts
    for preset in PRESETS:
        view = insights.period(PeriodChoice(preset=preset, compare=PREVIOUS))
        insights.overview(view.current)
        insights.charts("en", view.current, True)
        if view.current is not None and view.compared is not None:
            insights.comparison(view.compared, view.current)
    # the explorer's first page: the posts per day (rollups), then one short query
    insights.window(None, "newest", 0, ctx.settings.page_size)
    insights.filter_options()  # its distinct brands, languages and sources: 20 s at 10M posts
    # these hold every post in memory (a worker peaks at 3.3 GB with them at 1M posts, most
    # of it the theme finding; docs/benchmarks.md): on a larger store, left to the first reader
    if posts <= ctx.settings.limits.warm_frame_posts:
        insights.ordered(None, "newest")  # what a free-text search's order is taken from
        insights.scope_themes()  # the themes page's, the competitors page's top concerns
        insights.competitors()
        insights.opportunities()


def create_app(
    workspace: Workspace,
    settings: WebSettings | None = None,
    plugins: pluggy.PluginManager | None = None,
) -> FastAPI:
    """The app serving `workspace`; its routers and navigation come from the plugin registry
    (`plugins`, default: the process's, escucha.plugins.manager.plugin_manager())."""
    from escucha.enrich import current_model_version
    from escucha.i18n.catalogue import add_strings
    from escucha.plugins.manager import nav_entries, plugin_manager, routers, strings

    settings = settings or WebSettings(limits=workspace.config.web)
    limits = settings.limits
    plugins = plugins or plugin_manager()
    add_strings(strings(plugins))
    secret = load_or_create_secret(workspace.path)
    _ = workspace.engine  # open and migrate the store before serving
    serializer = make_serializer(secret)
    limiters = make_limiters(limits, workspace.database_url)
    ctx = WebContext(
        workspace=workspace,
        settings=settings,
        secret=secret,
        model_version=current_model_version(workspace),
        templates=make_templates(),
        serializer=serializer,
        limiter=limiters.failures("login", settings.login_limit, settings.login_window),
        nav=nav_entries(plugins),
        cache=VersionedCache(max_bytes=limits.cache_mb * 2**20),
        answers=VersionedCache(maxsize=256, max_bytes=limits.cache_mb * 2**20 // 4),
        token_requests=limiters.bucket("token", limits.token_requests_per_minute),
        user_requests=limiters.bucket("user", limits.user_requests_per_minute),
        limiters=limiters,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if settings.warm_cache:
            threading.Thread(target=_warm, args=(ctx,), daemon=True).start()
        yield

    app = FastAPI(
        title="escucha API",
        version=escucha.__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: not offline, not CSP
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = ctx
    for router in _busiest_first(routers(plugins)):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_api_route("/healthz", _health, include_in_schema=False)
    app.add_middleware(
        SecurityMiddleware,
        serializer=serializer,
        max_age=int(settings.session_hours * 3600),
        secure=settings.secure_cookies,
    )
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    return app


def _busiest_first(found: list[APIRouter]) -> list[APIRouter]:
    """The pages' and the API's routers first, the others in the plugins' order. A request
    is matched against the routes in order, and matching one against the hundred routes
    before them cost more CPU than answering /api/v1/me; no two routers share a method and
    path (tests/web/test_plugins.py), so the order changes no answer."""
    from escucha.web.routes import api, pages

    return sorted(found, key=lambda router: router not in (pages.router, api.router))


SERVED_WORKSPACE_ENV = "ESCUCHA_SERVE_WORKSPACE"
SERVED_COOKIES_ENV = "ESCUCHA_SERVE_SECURE_COOKIES"
SERVED_WARM_ENV = "ESCUCHA_SERVE_WARM"


def served_app() -> FastAPI:
    """The app of one `escucha serve --workers N` worker process: uvicorn imports this
    factory in each process, which opens the workspace `escucha serve` named in the
    environment (`SERVED_WORKSPACE_ENV`)."""
    import os

    from escucha.workspace import open_workspace

    cookies = os.environ.get(SERVED_COOKIES_ENV, "")
    workspace = open_workspace(Path(os.environ[SERVED_WORKSPACE_ENV]))
    settings = WebSettings(
        secure_cookies={"1": True, "0": False}.get(cookies),
        warm_cache=os.environ.get(SERVED_WARM_ENV, "1") != "0",
        limits=workspace.config.web,
    )
    return create_app(workspace, settings)


def _health() -> dict:
    return {"status": "ok"}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _login_required(request: Request, exc: Exception) -> Response:
    from urllib.parse import quote

    target = "/login?next=" + quote(here(request), safe="")
    if request.headers.get("hx-request") == "true":
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _error_page(request: Request, status: int, message: str) -> Response:
    ctx = request.app.state.web
    user = optional_user(request, ctx) if hasattr(request.state, "session_key") else None
    ui = ui_lang(request, user)
    t = catalogue(ui)
    return render(
        request,
        "error.html",
        ui=ui,
        user=user,
        title=t["title_error"],
        message=message,
        status_code=status,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _is_api(request) or not hasattr(request.state, "session_key"):
        if _is_api(request):
            return await http_exception_handler(request, exc)
        detail = str(exc.detail) if isinstance(exc.detail, Message) else exc.detail
        return JSONResponse({"detail": detail}, status_code=exc.status_code)
    ctx = request.app.state.web
    user = optional_user(request, ctx)
    t = catalogue(ui_lang(request, user))
    if exc.status_code in (403, 404):
        message = t[f"error_{exc.status_code}"]
    else:
        message = t.text("error_400", detail=t.say(exc.detail))
    response = _error_page(request, exc.status_code, message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


_STATUS_OF_ERROR = (
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (Overloaded, 503),
    (Upstream, 502),
)


async def _user_error(request: Request, exc: Exception) -> Response:
    """An error the core raised on purpose: its status, answered as any HTTP error is (the
    error page, or JSON under /api/v1); bad input is a 400."""
    assert isinstance(exc, UserError)
    status = next((code for kind, code in _STATUS_OF_ERROR if isinstance(exc, kind)), 400)
    detail: object = str(exc)
    if isinstance(exc, FilterError) and _is_api(request):
        detail = {"message": exc.message, "position": exc.position}
    elif exc.translatable is not None and not _is_api(request):
        detail = exc.translatable  # the error page words it in the user's language
    return await _http_error(request, HTTPException(status, detail))


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _is_api(request) or not hasattr(request.state, "session_key"):
        return await request_validation_exception_handler(request, exc)
    t = catalogue(ui_lang(request, optional_user(request, request.app.state.web)))
    fields = dict.fromkeys(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
    details = "; ".join(t.text("invalid_field", field=field) for field in fields)
    return _error_page(request, 400, t["error_400"].format(detail=details))
