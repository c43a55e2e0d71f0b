"""The respondent's public form and /api/v1/surveys through the app: a whole response
without JavaScript, es and en, errors tied to their fields, and bad input (a closed survey,
spent, expired and tampered links, a missing form token, 1 MB answers, a flood)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from escucha.config import Brand, Config
from escucha.research.links import create_public_link
from escucha.research.responses import responses_frame
from escucha.research.surveys import set_status
from escucha.store.schema.research import survey_links
from research.survey_form import PAGE_1, PAGE_2, PAGE_3, live_survey

from .conftest import make_client

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
FORM = {"content-type": "application/x-www-form-urlencoded"}


def _workspace(root, per_minute: int):
    from escucha.workspace import init_workspace

    config = Config(
        name="survey test",
        languages=("es", "en"),
        brand=Brand("Iberia", ours=True),
        competitors=(),
        sources=(),
        extra={"research": {"form_posts_per_minute": per_minute}},
    )
    return init_workspace(root, config)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.web.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        ws = _workspace(tmp_path_factory.mktemp("survey-web"), 10_000)
        create_user(ws.engine, "ana", "correct horse battery", "analyst")
        tokens = {s: create_token(ws.engine, "ana", s)[0] for s in ("read", "write")}
        yield ws, create_app(ws), tokens


def _path(url: str) -> str:
    return url.split("127.0.0.1:8000", 1)[1]


def _post(client, path: str, fields: dict, **headers) -> object:
    page = client.get(path, headers=headers)
    assert page.status_code == 200, page.text
    token = TOKEN.search(page.text)[1]
    body = urlencode({"form_token": token, **fields}, doseq=True)
    return client.post(path, content=body, headers=FORM | headers)


def _answer(client, link: str, pages=(PAGE_1, PAGE_2, PAGE_3), **headers):
    start = _post(client, link, {"src": ""}, **headers)
    assert start.status_code == 303, start.text
    page = start.headers["location"]
    for fields in pages:
        done = _post(client, page, fields, **headers)
        assert done.status_code == 303, done.text
    return client.get(page, headers=headers)


def test_a_whole_response_without_javascript_in_spanish(site):
    ws, app, _ = site
    survey_id = live_survey(ws)
    url = create_public_link(ws, survey_id, "mastodon").url
    client = make_client(app)
    intro = client.get(_path(url), headers={"accept-language": "es-ES,es;q=0.9"})
    assert intro.status_code == 200 and '<html lang="es">' in intro.text
    for fact in ("Quién pregunta", "El equipo de comunidad de Iberia", "Para mejorar",
                 "Unos 3 minutos", "Solo de forma agregada"):  # fmt: skip
        assert fact in intro.text
    assert "<script" not in intro.text
    end = _answer(client, _path(url), **{"accept-language": "es"})
    assert "¡Gracias! Tus respuestas se han enviado." in end.text
    row = responses_frame(ws, survey_id).iloc[-1]
    assert row["source"] == "mastodon" and row["lang"] == "es" and row["status"] == "complete"
    assert row["ua_class"] == "unknown" and len(row["page_seconds"]) == 3


def test_the_page_shows_progress_and_ties_each_error_to_its_field(site):
    ws, app, _ = site
    url = _path(create_public_link(ws, live_survey(ws)).url)
    client = make_client(app)
    signed = urlencode({"form_token": TOKEN.search(client.get(url).text)[1]})
    page = client.post(url, content=signed, headers=FORM).headers["location"]
    first = client.get(page)
    assert "Page 1 of 3" in first.text and '<progress max="3" value="1"' in first.text
    assert re.search(r'<fieldset id="q-country">\s*<legend>Country', first.text)
    wrong = _post(client, page, {"country": "ES"})
    assert wrong.status_code == 400
    assert 'aria-describedby="err-customer"' in wrong.text
    assert '<p class="error" id="err-customer">This question needs an answer.' in wrong.text
    assert 'value="ES" checked' in wrong.text  # what was answered stays
    assert 'role="alert"' in wrong.text


def test_back_shows_the_previous_page_with_its_answers_and_keeps_this_pages(site):
    ws, app, _ = site
    survey_id = live_survey(ws)
    url = _path(create_public_link(ws, survey_id).url)
    client = make_client(app)
    page = _post(client, url, {}).headers["location"]
    first = client.get(page)
    assert 'value="back"' not in first.text  # nothing before the first page
    _post(client, page, PAGE_1)
    second = client.get(page)
    assert "Page 2 of 3" in second.text
    back = re.search(r'<button type="submit" name="nav" value="back"[^>]*>([^<]+)<', second.text)
    assert back and back[1] == "Back to the previous page"
    # the Save button comes first, so Enter in a field still saves and goes on
    assert second.text.index(">Save and continue<") < second.text.index('value="back"')
    # back with an age typed (kept) and a malformed answer (dropped), no required checks
    went = _post(client, page, {"nav": "back", "age": "42", "grid.grid_price": "9"})
    assert went.status_code == 303
    again = client.get(page)
    assert "Page 1 of 3" in again.text
    assert 'value="ES" checked' in again.text and 'value="yes" checked' in again.text
    _post(client, page, PAGE_1)
    forward = client.get(page)
    assert "Page 2 of 3" in forward.text and 'name="age" value="42"' in forward.text
    row = responses_frame(ws, survey_id).iloc[-1]
    assert row["status"] == "in_progress" and row["age"] == 42 and row["grid_price"] is None
    assert len(row["page_seconds"]) == 2


def test_resuming_from_the_cookie_goes_back_to_the_page_reached(site):
    ws, app, _ = site
    survey_id = live_survey(ws)
    url = _path(create_public_link(ws, survey_id).url)
    client = make_client(app)
    start = _post(client, url, {})
    page = start.headers["location"]
    _post(client, page, PAGE_1)
    assert client.get(url).headers["location"] == page
    token = TOKEN.search(make_client(app).get(url).text)[1]
    twice = client.post(url, content=urlencode({"form_token": token}), headers=FORM)
    assert twice.headers["location"] == page  # Start clicked twice: the same response
    assert len(responses_frame(ws, survey_id)) == 1
    assert "Page 2 of 3" in client.get(page).text
    assert make_client(app).get(page).headers["location"] == url  # another browser starts anew


def test_answers_posted_to_a_closed_survey_are_refused(site):
    ws, app, _ = site
    survey_id = live_survey(ws)
    url = _path(create_public_link(ws, survey_id).url)
    client = make_client(app)
    page = _post(client, url, {}).headers["location"]
    token = TOKEN.search(client.get(page).text)[1]
    set_status(ws, survey_id, "closed")
    late = client.post(page, content=urlencode({"form_token": token, **PAGE_1}, doseq=True),
                       headers=FORM)  # fmt: skip
    assert late.status_code == 410 and "This survey is closed" in late.text
    assert make_client(app).get(url).status_code == 410


def test_spent_expired_and_tampered_links_are_refused(site):
    ws, app, _ = site
    from escucha.research.links import create_personal_link

    survey_id = live_survey(ws)
    with ws.engine.begin() as conn:
        contact = conn.execute(
            sa.text("INSERT INTO contacts (name, opted_out, created_at) VALUES ('Ana', 0, :t)"),
            {"t": datetime.now(UTC)},
        ).lastrowid
        personal = create_personal_link(ws, conn, survey_id, contact)
    url = _path(personal.url)
    _answer(make_client(app), url)
    spent = make_client(app).get(url)
    assert spent.status_code == 410 and "already used" in spent.text
    public = create_public_link(ws, survey_id)
    with ws.engine.begin() as conn:
        conn.execute(
            survey_links.update()
            .where(survey_links.c.id == public.link.id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    expired = make_client(app).get(_path(public.url))
    assert expired.status_code == 410 and "has expired" in expired.text
    tampered = make_client(app).get(url[:-2] + "zz")
    assert tampered.status_code == 404 and "mistyped or altered" in tampered.text


def test_posts_without_a_valid_form_token_are_refused(site):
    ws, app, _ = site
    url = _path(create_public_link(ws, live_survey(ws)).url)
    client = make_client(app)
    assert client.post(url, content="src=x", headers=FORM).status_code == 403
    other = _path(create_public_link(ws, live_survey(ws)).url)
    token = TOKEN.search(client.get(other).text)[1]  # signed for another link
    forged = client.post(url, content=urlencode({"form_token": token}), headers=FORM)
    assert forged.status_code == 403


def test_a_megabyte_of_answers_is_refused_with_413(site):
    ws, app, _ = site
    url = _path(create_public_link(ws, live_survey(ws)).url)
    client = make_client(app)
    page = _post(client, url, {}).headers["location"]
    huge = client.post(page, content=urlencode({"story": "x" * 1_000_000}), headers=FORM)
    assert huge.status_code == 413


def test_a_flood_from_one_address_is_rate_limited(tmp_path, monkeypatch):
    from escucha.web.app import create_app

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    ws = _workspace(tmp_path / "ws", 5)
    url = _path(create_public_link(ws, live_survey(ws)).url)
    app = create_app(ws)
    token = TOKEN.search(make_client(app).get(url).text)[1]
    codes = [  # a new browser each time, all from one address
        make_client(app)
        .post(url, content=urlencode({"form_token": token}), headers=FORM)
        .status_code
        for _ in range(8)
    ]
    assert codes == [303] * 5 + [429] * 3
    assert len(responses_frame(ws, 1)) == 5


def test_the_rest_api_reads_with_a_read_token_and_makes_links_with_a_write_token(site):
    ws, app, tokens = site
    survey_id = live_survey(ws)
    client = make_client(app)
    read = {"authorization": f"Bearer {tokens['read']}"}
    write = {"authorization": f"Bearer {tokens['write']}"}
    assert client.get("/api/v1/surveys").status_code == 401
    listed = client.get("/api/v1/surveys", headers=read).json()["surveys"]
    assert survey_id in [s["id"] for s in listed]
    definition = client.get(f"/api/v1/surveys/{survey_id}", headers=read).json()
    assert definition["definition"]["name"] == "feedback"
    body = {"source": "newsletter"}
    assert (
        client.post(f"/api/v1/surveys/{survey_id}/links", json=body, headers=read).status_code
        == 403
    )
    made = client.post(f"/api/v1/surveys/{survey_id}/links", json=body, headers=write)
    assert made.status_code == 201 and made.json()["url"].endswith("?src=newsletter")
    _answer(make_client(app), _path(made.json()["url"]))
    links = client.get(f"/api/v1/surveys/{survey_id}/links", headers=read).json()["links"]
    assert [(x["source"], x["uses"]) for x in links] == [("newsletter", 1)]
    responses = client.get(f"/api/v1/surveys/{survey_id}/responses", headers=read).json()
    answer = responses["responses"][0]
    assert answer["source"] == "newsletter" and answer["status"] == "complete"
    assert answer["answers"]["uses"] == ["app", "other"] and answer["answers"]["age"] == 42
    assert client.get("/api/v1/surveys/999", headers=read).status_code == 404


def test_the_rest_api_gives_responses_with_flags_and_paradata_to_any_reader(site):
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user

    ws, app, _ = site
    survey_id = live_survey(ws)
    create_user(ws.engine, "vera", "another long password", "viewer")
    viewer = {"authorization": f"Bearer {create_token(ws.engine, 'vera', 'read')[0]}"}
    url = _path(create_public_link(ws, survey_id, "newsletter").url)
    client = make_client(app)
    page = _post(client, url, {"src": ""}).headers["location"]
    _post(client, page, {**PAGE_1, "website": "http://spam.example"})  # the honeypot
    _post(client, page, PAGE_2)
    _post(client, page, PAGE_3)
    path = f"/api/v1/surveys/{survey_id}/responses"
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"authorization": "Bearer nope"}).status_code == 401
    found = client.get(path, headers=viewer)
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["survey_id"] == survey_id and body["version"] == 1
    (answer,) = body["responses"]
    assert set(answer) == {"id", "source", "status", "submitted_at", "answers", "flags",
                           "paradata"}  # fmt: skip
    assert "honeypot" in answer["flags"] and answer["source"] == "newsletter"
    assert answer["answers"]["country"] == "ES" and answer["submitted_at"]
    paradata = answer["paradata"]
    assert paradata["honeypot"] is True and paradata["version"] == 1
    assert len(paradata["page_seconds"]) == 3 and "fingerprint" not in paradata
    assert client.get("/api/v1/surveys/9999/responses", headers=viewer).status_code == 404
    assert (
        client.post(f"/api/v1/surveys/{survey_id}/links", json={}, headers=viewer).status_code
        == 403
    )
