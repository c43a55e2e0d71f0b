"""Product tests on the web: the tester's page at /t/{token} (terms in es and en with their
version, no JavaScript, a signed form token, accept, reports stored once, leaving the test),
the staff pages (hostile text escaped) and /api/v1/panels (write tokens change, read tokens
read)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from .conftest import HOSTILE_TITLE, bearer, community_workspace, contact_named, make_client

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from escucha.panels.define import create_panel
    from escucha.panels.invite import invite
    from escucha.panels.recruit import recruit
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        ws = community_workspace(tmp_path_factory)
        from escucha.community.rights import record_consent

        ana = contact_named(ws, "Ana García")
        record_consent(ws, ana, True, channel="form", text_version="v1")
        panel = create_panel(
            ws, HOSTILE_TITLE, "all", 3, seed=1, product=HOSTILE_TITLE, phases=["unboxing"]
        )
        drawn = recruit(ws, panel["id"])
        assert drawn["selected"] == [ana], drawn["left_out"]  # no consent, or asked enough
        token = invite(ws, panel["id"])["invited"][0]["url"].split("/t/")[1]
        app = create_app(ws, WebSettings(compute_wait=600))
        yield ws, app, panel["id"], token


def _form_token(page: str) -> str:
    return FORM_TOKEN.search(page).group(1)


def test_the_tester_page_lifecycle(setup):
    from escucha.store.schema.panels import panel_consents, panel_feedback

    ws, app, panel_id, token = setup
    client = make_client(app)
    es = client.get(f"/t/{token}", headers={"accept-language": "es"})
    en = client.get(f"/t/{token}?lang=en")
    assert es.status_code == en.status_code == 200
    assert "Acepto las condiciones" in es.text and "I accept the terms" in en.text
    assert "panel-terms-1" in es.text and "<script" not in es.text
    assert "&lt;script&gt;" in es.text  # the product's hostile name, escaped
    # no form token, or a token of another link: refused
    assert client.post(f"/t/{token}", data={"action": "accepted"}).status_code == 403
    accepted = client.post(
        f"/t/{token}?lang=en", data={"action": "accepted", "form_token": _form_token(en.text)}
    )
    assert accepted.status_code == 303
    page = client.get(f"/t/{token}?lang=en").text
    assert "Send a report" in page and "Leave the test" in page
    form = {
        "action": "report",
        "form_token": _form_token(page),
        "kind": "bug",
        "severity": "high",
        "text": "The cap leaks <b>badly</b>",
        "steps": "fill; shake",
    }
    assert client.post(f"/t/{token}", data=form).status_code == 303
    assert client.post(f"/t/{token}", data=form).status_code == 303  # the same form again
    with ws.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(panel_feedback)) == 1
        assert list(conn.scalars(sa.select(panel_consents.c.lang))) == ["en"]
    staff = make_client(app)
    from .conftest import login

    assert login(staff, "vic").status_code == 303
    detail = staff.get(f"/panels/{panel_id}")
    assert detail.status_code == 200 and "The cap leaks &lt;b&gt;badly&lt;/b&gt;" in detail.text
    assert HOSTILE_TITLE not in detail.text
    report = staff.get(f"/panels/{panel_id}/report?lang=es")
    assert report.status_code == 200 and "autoseleccionada" in report.text
    assert "<b>badly</b>" not in report.text
    # leaving the test
    page = client.get(f"/t/{token}").text
    left = client.post(f"/t/{token}", data={"action": "withdraw", "form_token": _form_token(page)})
    assert left.status_code == 303
    assert "You have left the test" in client.get(f"/t/{token}?lang=en").text


def test_an_unknown_link_is_a_plain_404(setup):
    _ws, app, _panel_id, _token = setup
    response = make_client(app).get("/t/not-a-real-token")
    assert response.status_code == 404 and "form" not in response.text


def test_the_api_creates_and_recruits_with_a_write_token_only(setup):
    ws, app, panel_id, _token = setup
    client = make_client(app)
    body = {"name": "API test", "segment": "all", "size": 2, "seed": 5}
    refused = client.post("/api/v1/panels", json=body, headers=bearer(ws.tokens["vic-read"]))
    assert refused.status_code == 403
    made = client.post("/api/v1/panels", json=body, headers=bearer(ws.tokens["ana-write"]))
    assert made.status_code == 201, made.text
    new_id = made.json()["panel_id"]
    drawn = client.post(f"/api/v1/panels/{new_id}/recruit", headers=bearer(ws.tokens["ana-write"]))
    assert drawn.status_code == 200 and drawn.json()["seed"] == 5
    testers = client.get(
        f"/api/v1/panels/{panel_id}/testers", headers=bearer(ws.tokens["vic-read"])
    )
    assert testers.status_code == 200 and len(testers.json()["testers"]) == 1
    bad = client.post(
        "/api/v1/panels", json=body | {"segment": "lang:("}, headers=bearer(ws.tokens["ana-write"])
    )
    assert bad.status_code == 400
    missing = client.get("/api/v1/panels/999", headers=bearer(ws.tokens["vic-read"]))
    assert missing.status_code == 404
