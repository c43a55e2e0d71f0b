"""Render a page with what every page shows: the user, the navigation, the language switch
and the CSRF token."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from escucha.auth.users import User
from escucha.i18n import LANGUAGES, NATIVE_NAMES, catalogue
from escucha.plugins.nav import nav_for
from escucha.web.periods import period_suffix
from escucha.web.security import csrf_token

if TYPE_CHECKING:
    from escucha.web.service import Insights

TEMPLATES = Path(__file__).parent / "templates"
BODY_LAYOUT = "_body.html"  # a page template extending it renders its content block only
_BODY_MARK = "\x00escucha-page-body\x00"  # where the cached body goes in the layout


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.autoescape = True  # every value is escaped, whatever the file's name
    return templates


def here(request: Request) -> str:
    """This page's path and query, for "come back here" links (always a local path)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _layout_context(
    request: Request, ui: str, user: User | None, title: str, active: str | None
) -> dict[str, Any]:
    """What the layout (base.html) shows: the user's name, navigation and CSRF token."""
    ctx = request.app.state.web
    key = getattr(request.state, "new_session_key", None) or request.state.session_key
    t = catalogue(ui)
    return {
        "t": t,
        "ui": ui,
        "ui_languages": [(code, NATIVE_NAMES[code]) for code in LANGUAGES],
        "user": user,
        "nav": nav_for(ctx.nav, user.role if user else None),
        "active": active,
        "page_title": title,
        "csrf": csrf_token(ctx.secret, key),
        "here": here(request),
        "workspace_name": ctx.workspace.config.name if user else None,
        "lang_name": t.language_name,
        "period_suffix": period_suffix(request.query_params),
    }


def render(
    request: Request,
    template: str,
    *,
    ui: str,
    user: User | None,
    title: str,
    active: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    ctx = request.app.state.web
    return ctx.templates.TemplateResponse(
        request,
        template,
        {**_layout_context(request, ui, user, title, active), **context},
        status_code=status_code,
        headers=headers,
    )


@dataclass(frozen=True)
class Body:
    """What a shared body is rendered from, and the answer's status and headers."""

    context: dict[str, Any]
    status_code: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def render_shared(
    request: Request,
    template: str,
    *,
    data: Insights,
    key: tuple[Hashable, ...],
    body: Callable[[], Body],
    ui: str,
    user: User | None,
    title: str,
    active: str | None = None,
    fragment: bool = False,
) -> HTMLResponse:
    """A page whose body (the content block of `template`, which extends the layout named
    by its `layout` variable; all of it for a `fragment`) is the same for every user:
    rendered from `body()` once per data version, UI language, period links and `key`
    (everything else it depends on; never the user) and reused as bytes by every request.
    The layout around it (the user, the navigation, the CSRF token) is rendered for each
    request."""
    ctx = request.app.state.web
    t = catalogue(ui)
    suffix = period_suffix(request.query_params)

    def compute() -> tuple[bytes, int, dict[str, str]]:
        found = body()
        values = {"t": t, "ui": ui, "lang_name": t.language_name, "period_suffix": suffix}
        page = ctx.templates.get_template(template)
        html = page.render({**values, **found.context, "layout": BODY_LAYOUT})
        return html.encode(), found.status_code, found.headers

    shared, status_code, headers = data.shared_answer(
        ("page body", template, ui, suffix, *key), compute
    )
    if fragment:
        return HTMLResponse(shared, status_code=status_code, headers=headers)
    layout = ctx.templates.get_template("base.html").render(
        {**_layout_context(request, ui, user, title, active), "body": Markup(_BODY_MARK)}
    )
    before, after = layout.split(_BODY_MARK)
    return HTMLResponse(
        b"".join((before.encode(), shared, after.encode())),
        status_code=status_code,
        headers=headers,
    )
