"""The digests section of the alerts page: everyone sees the list (webhook paths hidden),
admins add, send now and remove; in Spanish and English."""

from __future__ import annotations

import re

import pytest

from alerts.servers import Receiver
from escucha.auth.users import create_user
from escucha.digests import list_digests

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def _client(app, name: str, lang: str = "en"):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    client = TestClient(app, follow_redirects=False)
    token = CSRF.search(client.get("/login").text)[1]
    form = {"username": name, "password": PASSWORD, "csrf_token": token, "next": "/"}
    assert client.post("/login", data=form).status_code == 303
    if lang == "es":
        token = CSRF.search(client.get("/alerts").text)[1]
        client.post("/language", data={"lang": "es", "csrf_token": token, "next": "/alerts"})
    return client


@pytest.fixture
def web(tmp_path, monkeypatch):
    from escucha.config import default_config
    from escucha.web.app import create_app
    from escucha.workspace import init_workspace

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    ws = init_workspace(tmp_path / "ws", default_config("digest web"))
    create_user(ws.engine, "ada", PASSWORD, "admin")
    create_user(ws.engine, "ana", PASSWORD, "analyst")
    return ws, create_app(ws)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_admins_add_send_and_remove_a_digest_others_only_see_it(web, lang):
    ws, app = web
    admin, analyst = _client(app, "ada", lang), _client(app, "ana", lang)
    words = {
        "en": ("Digests", "Add digest", "sent.", "removed."),
        "es": ("Resúmenes", "Añadir resumen", "enviado.", "quitado."),
    }[lang]
    page = admin.get("/alerts").text
    assert words[0] in page and words[1] in page
    token = CSRF.search(page)[1]
    with Receiver(200) as hook:
        url = hook.url("/hook/s3cret-path")
        form = {"csrf_token": token, "every": "daily", "to": f"webhook:{url}", "lang": lang}
        added = admin.post("/alerts/digests", data=form)
        assert added.status_code == 200
        (digest,) = list_digests(ws)
        assert f'action="/alerts/digests/{digest.id}/send"' in added.text
        assert "s3cret-path" not in added.text
        sent = admin.post(f"/alerts/digests/{digest.id}/send", data={"csrf_token": token})
        assert sent.status_code == 200 and words[2] in sent.text
    assert len(hook.bodies) == 1 and hook.bodies[0]["lang"] == lang

    seen = analyst.get("/alerts").text
    assert f"{digest.shown_target}" in seen and "/alerts/digests/" not in seen
    assert words[1] not in seen
    assert (
        analyst.post(
            f"/alerts/digests/{digest.id}/remove", data={"csrf_token": CSRF.search(seen)[1]}
        ).status_code
        == 403
    )

    bad = admin.post("/alerts/digests", data=form | {"to": "sms:1"})
    assert bad.status_code == 400 and "email:ADDRESS or webhook:URL" in bad.text
    removed = admin.post(f"/alerts/digests/{digest.id}/remove", data={"csrf_token": token})
    assert removed.status_code == 200 and words[3] in removed.text
    assert list_digests(ws) == []
