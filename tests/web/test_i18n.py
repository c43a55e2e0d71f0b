"""Both UI catalogues have every key, every key the templates use exists, and the switch
works for visitors (a cookie) and users (their preference)."""

from __future__ import annotations

import re
import string
from pathlib import Path

from escucha.web.i18n import CATALOGUES, negotiate

from .conftest import csrf_of, logged_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "escucha" / "web" / "templates"


def test_catalogues_have_the_same_keys_and_placeholders():
    en, es = CATALOGUES["en"], CATALOGUES["es"]
    assert set(en) == set(es)
    fields = string.Formatter()
    for key in en:
        assert {f for _, f, _, _ in fields.parse(en[key]) if f} == {
            f for _, f, _, _ in fields.parse(es[key]) if f
        }, key


def test_every_key_used_by_a_template_exists():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z_0-9]+)", text))
        used |= set(re.findall(r"\bt\['([a-z_0-9]+)'\]", text))
    used -= {"format", "get"}
    assert used and used <= set(CATALOGUES["en"]), used - set(CATALOGUES["en"])
    prefixes = ("nav_", "role_", "sentiment_", "intent_", "scope_", "health_", "run_")
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in CATALOGUES["en"]), prefix


def test_accept_language_picks_a_known_language():
    assert negotiate("es-ES,es;q=0.9,en;q=0.8") == "es"
    assert negotiate("fr-FR,fr;q=0.9,en;q=0.5,es;q=0.4") == "en"
    assert negotiate("de") == "en"
    assert negotiate("en;q=0.2, es;q=0.8") == "es"


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
