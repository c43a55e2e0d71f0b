"""Authorisation over EVERY route of the app, found by iterating app.routes: nothing that
shows data is reachable without a login or a token, and viewers (and read tokens) change
nothing. A new route is covered the day it is added, or this test fails until it is."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from .conftest import bearer, csrf_of, make_client

# Reachable by anyone: they show no data.
PUBLIC = {"/login", "/healthz", "/api/v1/openapi.json"}
# The respondent's survey form: no login; it shows a survey only to a valid link's holder,
# and its posts need the form's own signed token (tests/web/test_survey_form.py).
PUBLIC |= {"/s/{token}", "/s/{token}/page"}
# The tester's page of a product test: the same, for a tester's personal link
# (tests/web/test_panels_web.py).
PUBLIC |= {"/t/{token}"}
# Browser routes that only act on the caller's own session or preference: anyone may post
# to them (with a CSRF token), viewers included.
SELF_SERVICE = {"/login", "/logout", "/language"}
# retired pages that lead to another (for every role that may see the target)
REDIRECTS = {"/concerns": "/themes"}
# Admins only (403 for analysts and viewers): the dead-letter list of background jobs, and
# managing the digests (they send the workspace's numbers outside it).
ADMIN_ONLY = {"/jobs", "/jobs/{job_id}/retry", "/jobs/{job_id}/discard"}
ADMIN_ONLY |= {"/alerts/digests", "/alerts/digests/{digest_id}/remove"}
ADMIN_ONLY |= {"/alerts/digests/{digest_id}/send"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _flat_routes(app) -> list:
    """Every route with its full path; newer FastAPI keeps included routers nested."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI < 0.16x: app.routes is already flat
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def _routes(app) -> list[tuple[str, str]]:
    found = []
    for route in _flat_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            assert route.path == "/static", f"unexpected mount {route.path}: add it here"
            continue
        assert isinstance(original, (APIRoute, Route)), original
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path))
    return found


@pytest.fixture(scope="module")
def ids(app, env) -> dict[str, str]:
    """A real value for each path parameter: a hostile post, a theme, idea #1."""
    from escucha.web.service import Insights

    finding = Insights(app.state.web).themes(None, ("complaint", "wish"))
    theme = next(th for found in finding.themes.values() for th in found)
    return {"post_id": str(env.ids["h1"]), "theme_id": theme.id, "idea_id": "1"}


def _concrete(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m[1], "1"), path)


def test_the_app_has_the_routes_this_test_expects_to_cover(app):
    routes = _routes(app)
    assert len(routes) >= 20
    assert ("GET", "/api/v1/posts") in routes and ("POST", "/account/tokens") in routes
    changes = [
        ("POST", "/ideas/{idea_id}/status"),
        ("POST", "/ideas/{idea_id}/merge"),
        ("POST", "/ideas/{idea_id}/unmerge"),
        ("POST", "/alerts/run"),
        ("PATCH", "/api/v1/ideas/{idea_id}"),
        ("POST", "/contacts/suggestions/accept"),
        ("POST", "/contacts/suggestions/reject"),
        ("POST", "/contacts/{contact_id}/unmerge"),
        ("POST", "/contacts/{contact_id}/interactions"),
        ("POST", "/api/v1/ledger"),
        ("POST", "/api/v1/contacts/merge"),
        ("POST", "/api/v1/contacts/suggestions/reject"),
        ("POST", "/api/v1/contacts/{contact_id}/unmerge"),
        ("DELETE", "/api/v1/contacts/{contact_id}"),
        ("POST", "/api/v1/drafts"),
        ("POST", "/api/v1/drafts/{draft_id}/approve"),
        ("POST", "/api/v1/drafts/{draft_id}/publish"),
        ("POST", "/api/v1/guard"),
        ("POST", "/api/v1/panels"),
        ("POST", "/api/v1/panels/{panel_id}/recruit"),
        ("POST", "/api/v1/panels/{panel_id}/invite"),
        ("POST", "/api/v1/panels/{panel_id}/mark"),
        ("POST", "/api/v1/panels/{panel_id}/close"),
        ("POST", "/posts/{post_id}/labels"),
        ("POST", "/posts/{post_id}/categories"),
        ("PATCH", "/api/v1/posts/{post_id}/labels"),
    ]
    assert set(changes) <= set(routes)  # so the viewer and read-token tests below cover them
    pages = [
        ("GET", "/panels"),
        ("GET", "/panels/{panel_id}"),
        ("GET", "/panels/{panel_id}/report"),
        ("GET", "/report.pdf"),
        ("GET", "/report/tables.zip"),
        ("GET", "/report/tables.xlsx"),
        ("GET", "/categories"),
        ("GET", "/authors"),
        ("GET", "/api/v1/categories"),
    ]
    assert set(pages) <= set(routes)  # every role reads them (test_every_page_works_...)


def test_no_data_without_a_login_or_a_token(app, ids):
    client = make_client(app)
    for method, path in _routes(app):
        if path in PUBLIC:
            continue
        url = _concrete(path, ids)
        if method in UNSAFE and not path.startswith("/api/"):
            continue  # covered by the CSRF and viewer tests below
        response = client.request(method, url)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/login?next="), (method, path)
        assert "Iberia" not in response.text, (method, path)


def test_static_files_hold_no_data(client):
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/../escucha.db").status_code == 404
    assert client.get("/static/%2e%2e/web-secret.key").status_code == 404


def test_htmx_requests_without_a_login_are_sent_to_login(client):
    response = client.get("/explore", headers={"HX-Request": "true", "HX-Target": "results"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/login")


def test_a_viewer_can_change_nothing(app, ids, viewer):
    token = csrf_of(viewer, "/")
    for method, path in _routes(app):
        if method not in UNSAFE or path in SELF_SERVICE:
            continue
        url = _concrete(path, ids)
        if path.startswith("/api/"):
            continue  # a viewer's session gives no API access; tokens are checked below
        response = viewer.request(
            method, url, data={"csrf_token": token, "scope": "read", "label": "x"}
        )
        assert response.status_code == 403, (method, path, response.status_code)


def test_read_tokens_can_change_nothing(app, env, ids, client):
    for name in ("ana-read", "vic-read"):
        for method, path in _routes(app):
            if method not in UNSAFE or not path.startswith("/api/"):
                continue
            response = client.request(
                method, _concrete(path, ids), headers=bearer(env.tokens[name])
            )
            assert response.status_code == 403, (name, method, path, response.status_code)


def test_api_routes_ignore_browser_sessions(app, ids, admin):
    for method, path in _routes(app):
        if path.startswith("/api/") and path not in PUBLIC:
            response = admin.request(method, _concrete(path, ids))
            assert response.status_code == 401, (method, path)


@pytest.mark.parametrize("user", ["ada", "ana", "vic"])
def test_every_page_works_for_every_role(app, ids, user):
    from .conftest import logged_in

    client = logged_in(app, user)
    for method, path in _routes(app):
        if method == "GET" and not path.startswith("/api/") and path not in PUBLIC:
            response = client.get(_concrete(path, ids))
            if path in REDIRECTS:
                assert response.status_code == 303, (user, path)
                assert response.headers["location"] == REDIRECTS[path], (user, path)
                continue
            allowed = user == "ada" or path not in ADMIN_ONLY
            assert response.status_code == (200 if allowed else 403), (user, path)


def test_admin_only_routes_refuse_analysts(app, ids, analyst):
    routes = [(m, p) for m, p in _routes(app) if p in ADMIN_ONLY]
    assert {p for _, p in routes} == ADMIN_ONLY
    token = csrf_of(analyst, "/")
    for method, path in routes:
        response = analyst.request(method, _concrete(path, ids), data={"csrf_token": token})
        assert response.status_code == 403, (method, path, response.status_code)


def test_analysts_create_tokens_viewers_cannot(analyst, viewer):
    token = csrf_of(analyst, "/account/tokens")
    response = analyst.post(
        "/account/tokens", data={"csrf_token": token, "scope": "read", "label": "ci"}
    )
    assert response.status_code == 200
    shown = re.search(r'value="(esk_[A-Za-z0-9_-]+)"', response.text)
    assert shown, "the new token is shown once"
    assert shown[1] not in analyst.get("/account/tokens").text  # and never again
    token = csrf_of(viewer, "/account/tokens")
    denied = viewer.post("/account/tokens", data={"csrf_token": token, "scope": "read"})
    assert denied.status_code == 403
