"""Render a page with what every page shows: the user, the navigation, the language switch
and the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from escucha.auth.users import User
from escucha.i18n import LANGUAGES, NATIVE_NAMES, catalogue
from escucha.plugins.nav import nav_for
from escucha.web.periods import period_suffix
from escucha.web.security import csrf_token

TEMPLATES = Path(__file__).parent / "templates"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.autoescape = True  # every value is escaped, whatever the file's name
    return templates


def here(request: Request) -> str:
    """This page's path and query, for "come back here" links (always a local path)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


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
    key = getattr(request.state, "new_session_key", None) or request.state.session_key
    t = catalogue(ui)
    return ctx.templates.TemplateResponse(
        request,
        template,
        {
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
            **context,
        },
        status_code=status_code,
        headers=headers,
    )
