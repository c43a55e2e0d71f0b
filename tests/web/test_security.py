"""CSRF, hostile post content, the login rate limit, cookies, headers and the secret."""

from __future__ import annotations

import re
import stat
from html.parser import HTMLParser

from escucha.web.security import CSP

from .conftest import HOSTILE_MARKERS, PASSWORD, csrf_of, login, make_client


def test_csrf_is_required_on_every_browser_change(app, analyst):
    cases = [
        ("/account/tokens", {"scope": "read"}),
        ("/logout", {}),
        ("/language", {"lang": "es"}),
    ]
    for path, data in cases:
        assert analyst.post(path, data=data).status_code == 403, path
        wrong = {**data, "csrf_token": "0" * 64}
        assert analyst.post(path, data=wrong).status_code == 403, path
        header = analyst.post(path, data=data, headers={"X-CSRF-Token": "nope"})
        assert header.status_code == 403, path
    assert analyst.get("/").status_code == 200  # still logged in: the logout was refused


def test_a_csrf_token_is_bound_to_its_session(app):
    first, second = make_client(app), make_client(app)
    token_of_first = csrf_of(first)
    csrf_of(second)  # the second browser gets its own session
    response = second.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": token_of_first},
    )
    assert response.status_code == 403


def test_login_without_csrf_is_refused(client):
    client.get("/login")
    response = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 403


def test_the_csrf_header_works_for_htmx(analyst):
    token = csrf_of(analyst, "/")
    response = analyst.post("/language", data={"lang": "es"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 303
    analyst.post("/language", data={"lang": "en"}, headers={"X-CSRF-Token": token})  # as before


INSIGHT_PAGES = ["/themes", "/themes?q=maleta", "/ideas", "/ideas/1", "/alerts", "/competitors"]
INSIGHT_PAGES += ["/contacts", "/contacts?q=onload", "/contacts/suggestions", "/ledger"]


def test_hostile_posts_are_escaped_everywhere(analyst, env):
    pages = ["/explore?source=hostile", "/concerns?lang=es&brand=Iberia", *INSIGHT_PAGES]
    pages += [f"/posts/{post_id}" for post_id in env.ids.values()]
    for page in pages:
        html = analyst.get(page).text
        for marker in HOSTILE_MARKERS:
            assert marker not in html, (page, marker)
        assert "javascript:" not in re.findall(r'href="([^"]*)"', html), page
        assert not any(
            h.lower().lstrip().startswith("javascript") for h in re.findall(r'href="([^"]*)"', html)
        ), page
        assert "<script" not in html.replace('<script src="/static/vendor/htmx.min.js"', "")
    detail = analyst.get(f"/posts/{env.ids['h1']}").text
    assert "&lt;script&gt;window.__pwned=1" in detail
    hostile_link = analyst.get(f"/posts/{env.ids['h2']}").text
    assert 'href="javascript' not in hostile_link
    assert "&lt;svg onload=alert(4)&gt;" in hostile_link


def test_hostile_idea_titles_and_alerts_are_escaped(analyst):
    escaped = "&lt;img src=x onerror=&#34;window.__pwned=9;alert(9)&#34;&gt;"
    for page in ("/ideas", "/ideas/1", "/alerts"):
        html = analyst.get(page).text
        assert escaped in html, page
        assert "<img" not in html and "<script>alert(8)" not in html, page


def test_hostile_theme_labels_are_escaped(env, monkeypatch):
    """Theme labels are made of words, so the test makes them hostile."""
    from dataclasses import replace

    import escucha.insights.themes
    from escucha.web.app import create_app

    from .conftest import HOSTILE_TITLE, logged_in

    found = escucha.insights.themes.themes_of

    def hostile(*args, **kwargs):
        return [replace(t, label=HOSTILE_TITLE) for t in found(*args, **kwargs)]

    monkeypatch.setattr(escucha.insights.themes, "themes_of", hostile)
    client = logged_in(create_app(env.workspace), "vic")  # its own cache
    html = client.get("/themes").text
    theme_id = re.search(r'href="/themes/([a-z0-9-]+)\?', html)[1]
    for page in (html, client.get(f"/themes/{theme_id}").text):
        assert "&lt;img src=x onerror=&#34;window.__pwned=9;alert(9)&#34;&gt;" in page
        assert "<img" not in page and "<script>alert(8)" not in page


class _Inline(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, handlers, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag}[{n}]" for n in names if n.startswith("on") or n == "style"]
        for name, value in attrs:
            if name in ("href", "src", "action") and value and "javascript:" in value.lower():
                self.found.append(f"{tag}[{name}]={value}")


def test_every_page_has_no_inline_script_style_or_handler(admin, env):
    pages = [
        "/",
        "/explore",
        "/explore?source=hostile",
        "/competitors",
        "/concerns",
        "/sources",
        "/account/tokens",
        "/login",
        *INSIGHT_PAGES,
    ]
    pages += [f"/posts/{post_id}" for post_id in env.ids.values()]
    for page in pages:
        parser = _Inline()
        parser.feed(admin.get(page).text)
        assert parser.found == [], page


def test_security_headers_on_every_response(client, analyst):
    for response in (
        client.get("/login"),
        analyst.get("/"),
        client.get("/api/v1/posts"),
        client.get("/static/app.css"),
    ):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["x-frame-options"] == "DENY"
    assert analyst.get("/").headers["cache-control"] == "no-store"


def test_session_cookie_flags(client):
    response = client.get("/login")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("escucha_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_over_https(app):
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    assert "Secure" in client.get("/login").headers["set-cookie"]


def test_login_rotates_the_session_and_logout_ends_it(app):
    client = make_client(app)
    before = client.get("/login").cookies.get("escucha_session")
    response = login(client, "ana")
    after = response.cookies.get("escucha_session")
    assert after and after != before
    stolen = dict(client.cookies)
    token = csrf_of(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = make_client(app)
    replay.cookies.update(stolen)
    assert replay.get("/").status_code == 303  # the old session is gone on the server


def test_a_wrong_password_or_user_fails_the_same_way(client):
    wrong = login(client, "ana", "not the password")
    unknown = login(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong user name or password." in wrong.text and "Wrong user name" in unknown.text


def test_login_is_rate_limited_per_user_and_address(env):
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    app = create_app(env.workspace, WebSettings(login_limit=5, login_window=300))
    client = make_client(app)
    for _ in range(5):
        assert login(client, "ana", "wrong password!").status_code == 401
    blocked = login(client, "ana", PASSWORD)  # even the right password now waits
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert login(client, "ada").status_code == 303  # another user is not blocked


def test_login_only_redirects_to_local_paths(client):
    token = csrf_of(client)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/login",
            data={"username": "ana", "password": PASSWORD, "csrf_token": token, "next": target},
        )
        assert response.headers["location"] == "/", target
        client.cookies.clear()
        token = csrf_of(client)


def test_the_secret_is_a_private_file_and_never_in_the_config(env):
    from escucha.auth.secret import SECRET_FILE

    path = env.workspace.path / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = path.read_text().strip()
    assert secret not in (env.workspace.path / "escucha.toml").read_text()


def test_a_secret_readable_by_others_is_refused(tmp_path):
    import pytest

    from escucha.auth.secret import SECRET_FILE, load_or_create_secret
    from escucha.errors import UserError

    first = load_or_create_secret(tmp_path)
    assert load_or_create_secret(tmp_path) == first  # made once, then reused
    (tmp_path / SECRET_FILE).chmod(0o644)
    with pytest.raises(UserError, match="chmod 600"):
        load_or_create_secret(tmp_path)


def test_passwords_are_hashed_with_argon2(env):
    import sqlalchemy as sa

    from escucha.store.schema import users

    with env.workspace.engine.connect() as conn:
        hashes = conn.scalars(sa.select(users.c.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)
