"""Every key the templates use exists, and the switch works for visitors (a cookie) and
users (their preference). The catalogues themselves: tests/i18n."""

from __future__ import annotations

import re
from pathlib import Path

from escucha.i18n import LANGUAGES, catalogue
from escucha.i18n.catalogue import Catalogue
from escucha.plugins.manager import plugin_manager

from .conftest import csrf_of, logged_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "escucha" / "web" / "templates"


def test_every_key_used_by_a_template_exists():
    # The features' own sentences join the catalogues when the registry is built, as the app does.
    plugin_manager()
    catalogues = {code: catalogue(code) for code in LANGUAGES}
    used = set()
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z_0-9]+)", text))
        used |= set(re.findall(r"\bt\['([a-z_0-9]+)'\]", text))
    used -= {name for name in dir(Catalogue) if not name.startswith("_")}  # t.text(...), t.get
    assert used and used <= set(catalogues["en"]), used - set(catalogues["en"])
    prefixes = ("nav_", "role_", "sentiment_", "intent_", "scope_", "health_", "run_")
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in catalogues["en"]), prefix


def test_a_visitor_switches_language_with_a_cookie(client):
    assert '<html lang="en">' in client.get("/login").text
    token = csrf_of(client)
    response = client.post("/language", data={"lang": "es", "next": "/login", "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    page = client.get("/login").text
    assert '<html lang="es">' in page and "Contraseña" in page


def test_a_user_preference_follows_the_user(app):
    client = logged_in(app, "ada")
    token = csrf_of(client, "/")
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    again = logged_in(app, "ada")  # another browser, no cookie
    html = again.get("/explore").text
    assert '<html lang="es">' in html and "Explorador de menciones" in html
    token = csrf_of(again, "/")
    again.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert "Mentions explorer" in again.get("/explore").text


def test_unknown_languages_are_ignored(client):
    token = csrf_of(client)
    client.post("/language", data={"lang": "xx", "csrf_token": token})
    assert '<html lang="en">' in client.get("/login").text


def _spanish(app, name: str):
    client = logged_in(app, name)
    token = csrf_of(client, "/")
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    return client, token


def test_query_errors_read_in_the_user_language(app):
    client, token = _spanish(app, "ana")
    try:
        page = client.get("/explore", params={"q": "(retraso"})
        assert page.status_code == 400
        assert "La consulta tiene un problema: paréntesis sin pareja en la posición 0" in page.text
        themes = client.get("/themes", params={"q": 'maleta "perdida'}).text
        assert "La consulta tiene un problema: comillas sin cerrar en la posición 7" in themes
        too_long = client.get("/explore", params={"q": "a" * 1001}).text
        assert "la consulta tiene más de 1000 caracteres" in too_long
        theme = client.get("/themes/any-theme", params={"q": "NOT"})
        assert theme.status_code == 400
        assert "La petición no es válida: NOT necesita un término después" in theme.text
    finally:
        client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    english = client.get("/explore", params={"q": "(retraso"}).text
    assert "The query has a problem: unbalanced parenthesis at position 0" in english


def test_a_refused_idea_change_reads_in_the_user_language(app):
    client, token = _spanish(app, "ana")
    try:
        page = client.post("/ideas/2/merge", data={"csrf_token": token, "into": "2"})
        assert page.status_code == 400
        assert "Sin cambios: una idea no se puede fusionar consigo misma" in page.text
    finally:
        client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})


def test_a_post_page_writes_numbers_in_the_user_language(app, env):
    client, token = _spanish(app, "ana")
    post_id = next(iter(env.ids.values()))
    try:
        spanish = client.get(f"/posts/{post_id}").text
    finally:
        client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    english = client.get(f"/posts/{post_id}").text
    cells = re.compile(r'<td class="num">([^<]+)</td>')
    assert cells.findall(spanish) and all(
        re.fullmatch(r"[01],\d\d", c) for c in cells.findall(spanish)
    )
    assert all(re.fullmatch(r"[01]\.\d\d", c) for c in cells.findall(english))
