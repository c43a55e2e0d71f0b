"""The conversation's REST API: the inbox, drafts, approval, publishing, the guard and the
disclosure watch, with the shapes the CLI gives and the same rules."""

from __future__ import annotations

import warnings

import pytest

from escucha.auth.tokens import create_token
from escucha.auth.users import create_user
from escucha.engage.guard import check
from listen.fake_mastodon import FakeMastodon

from .conftest import masto
from .helpers import add_post, asking_post, mentions_us, read_as

TEXT = "Hola Ana, lo sentimos. Escríbenos por privado con tu localizador y lo miramos."


@pytest.fixture
def api(engage_ws, server, monkeypatch):
    """A workspace answering a Mastodon question, its app, and tokens of three roles."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from escucha.web.app import create_app

    fake = FakeMastodon(server, token="tok-1")
    native = fake.post("¿Dónde está mi maleta, Iberia?", acct="ana")
    ws = engage_ws(masto(server.url))
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    post = add_post(ws, native, "¿Dónde está mi maleta, Iberia?", author="ana")
    read_as(ws, post, "question")
    mentions_us(ws, post)
    for name, role in (("ada", "admin"), ("luis", "analyst"), ("vic", "viewer")):
        create_user(ws.engine, name, "correct horse battery", role)
    tokens = {
        "admin": create_token(ws.engine, "ada", "write")[0],
        "analyst": create_token(ws.engine, "luis", "write")[0],
        "read": create_token(ws.engine, "ada", "read")[0],
        "viewer": create_token(ws.engine, "vic", "read")[0],
    }
    client = TestClient(create_app(ws), follow_redirects=False)

    def call(method: str, path: str, who: str, **kw):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        return client.request(method, "/api/v1" + path, headers=headers, **kw)

    call.ws, call.post, call.native, call.fake = ws, post, native, fake  # type: ignore[attr-defined]
    return call


def test_the_inbox_lists_filters_and_shows_the_thread(api):
    complaint = asking_post(api.ws, "c1", "Iberia perdió mi maleta", "complaint", author="eva")
    found = api("GET", "/inbox", "read")
    assert found.status_code == 200, found.text
    items = found.json()["items"]
    assert [i["post_id"] for i in items] == [complaint, api.post]
    assert {"post_id", "source", "native_id", "status", "priority", "reasons"} <= set(items[0])
    only = api("GET", "/inbox", "read", params={"intent": "question", "status": ["new"]})
    assert [i["post_id"] for i in only.json()["items"]] == [api.post]
    assert api("GET", "/inbox", "read", params={"source": "other"}).json() == {"items": []}
    assert api("GET", "/inbox", "read", params={"status": "lost"}).status_code == 422
    thread = api("GET", f"/inbox/{api.post}/thread", "read").json()["posts"]
    assert [(p["post_id"], p["selected"], p["ours"]) for p in thread] == [(api.post, True, False)]
    assert api("GET", "/inbox/999999/thread", "read").status_code == 404


def test_a_draft_is_written_approved_by_the_rule_and_published_once(api, server):
    created = api("POST", "/drafts", "analyst", json={"post_id": api.post, "text": TEXT})
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["verdict"], draft["flags"], draft["status"]) == ("ok", [], "pending")
    assert draft["created_by"] == "luis" and draft["text"] == TEXT
    draft_id = draft["draft_id"]

    early = api("POST", f"/drafts/{draft_id}/publish", "admin")
    assert early.status_code == 409 and "only once approved" in early.json()["detail"]
    refused = api("POST", f"/drafts/{draft_id}/approve", "analyst")  # approval = "admin"
    assert refused.status_code == 403 and "only an admin" in refused.json()["detail"]
    assert api("POST", f"/drafts/{draft_id}/approve", "viewer").status_code == 403
    needless = api("POST", f"/drafts/{draft_id}/approve", "admin",
                   json={"override_reason": "because"})  # fmt: skip
    assert needless.status_code == 400 and "only for a block" in needless.json()["detail"]
    approved = api("POST", f"/drafts/{draft_id}/approve", "admin")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == "ada"
    twice = api("POST", f"/drafts/{draft_id}/approve", "admin")
    assert twice.status_code == 409 and "already approved" in twice.json()["detail"]

    done = api("POST", f"/drafts/{draft_id}/publish", "analyst")
    assert done.status_code == 200, done.text
    (sent,) = server.hits("/api/v1/statuses")
    assert (sent.fields()["status"], sent.fields()["in_reply_to_id"]) == (TEXT, api.native)
    assert done.json() == {
        "published": True,
        "native_id": api.fake.statuses[-1]["id"],
        "url": api.fake.statuses[-1]["url"],
        "again": False,
    }
    again = api("POST", f"/drafts/{draft_id}/publish", "analyst")
    assert again.json() == done.json() | {"again": True}
    assert len(server.hits("/api/v1/statuses")) == 1  # no second call

    (listed,) = api("GET", "/drafts", "read", params={"status": "published"}).json()["drafts"]
    assert listed["draft_id"] == draft_id and listed["native_id"] == done.json()["native_id"]
    assert api("GET", "/drafts", "read", params={"status": "pending"}).json() == {"drafts": []}
    (item,) = api("GET", "/inbox", "read").json()["items"]
    assert item["status"] == "answered"


def test_drafts_refuse_bad_input_and_read_tokens(api):
    assert (
        api("POST", "/drafts", "read", json={"post_id": api.post, "text": TEXT}).status_code == 403
    )
    assert api("POST", "/drafts", "analyst", json={"post_id": api.post}).status_code == 422
    empty = api("POST", "/drafts", "analyst", json={"post_id": api.post, "text": "   "})
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]
    missing = api("POST", "/drafts", "analyst", json={"post_id": 999999, "text": TEXT})
    assert missing.status_code == 404
    tagged = "<b>Hola</b> Ana, te escribimos por privado."
    html = api("POST", "/drafts", "analyst", json={"post_id": api.post, "text": tagged})
    assert html.status_code == 201 and html.json()["text"] == tagged
    snippet = api("POST", "/drafts", "analyst",
                  json={"post_id": api.post, "snippet": "private_message"})  # fmt: skip
    assert snippet.status_code == 201 and snippet.json()["snippet"] == "private_message"
    assert api("POST", "/drafts/999999/approve", "admin").status_code == 404
    assert api("POST", "/drafts/999999/publish", "admin").status_code == 404


def test_the_guard_answers_as_escucha_guard_does(api):
    items = [
        {"id": 1, "text": "Me encanta Iberia, la mejor #spon", "brand": "Iberia",
         "connection": "paid", "lang": "es"},
        {"id": "b", "text": "Buy now: 30% off today only!", "brand": "Iberia",
         "connection": "brand_account"},
        {"id": 3, "text": "Gracias por escribirnos", "brand": "Iberia"},
    ]  # fmt: skip
    found = api("POST", "/guard", "analyst", json={"items": items})
    assert found.status_code == 200, found.text
    results = found.json()["results"]
    expected = [
        check(i["text"], brand=i["brand"], connection=i.get("connection", "none"),
              lang=i.get("lang")).to_json(i["id"])
        for i in items
    ]  # fmt: skip
    assert results == expected
    assert [r["verdict"] for r in results] == ["block", "review", "ok"]
    assert results[0]["flags"] == ["undisclosed_connection"]
    unknown = api("POST", "/guard", "analyst",
                  json={"items": [{"id": 1, "text": "x", "connection": "friend"}]})  # fmt: skip
    assert unknown.status_code == 422
    assert api("POST", "/guard", "read", json={"items": items}).status_code == 403


def test_the_guard_gives_its_reasons_in_the_language_asked(api):
    items = [{"id": 1, "text": "Me encanta Iberia, la mejor #spon", "brand": "Iberia",
              "connection": "paid", "lang": "es"}]  # fmt: skip
    spanish = api("POST", "/guard", "analyst", json={"items": items, "reasons_lang": "es"})
    english = api("POST", "/guard", "analyst", json={"items": items})
    said = check(items[0]["text"], brand="Iberia", connection="paid", lang="es")
    assert spanish.json()["results"][0]["reasons"] == said.reasons_in("es")
    assert english.json()["results"][0]["reasons"] == said.reasons_in("en")
    assert said.reasons_in("es") != said.reasons_in("en")
    refused = api("POST", "/guard", "analyst", json={"items": items, "reasons_lang": "fr"})
    assert refused.status_code == 422


def test_the_disclosure_list_has_the_cli_shape(api, tmp_path):
    from community.helpers import write_csv
    from escucha.community.importer import import_contacts

    post = add_post(api.ws, "p1", "Volar con Iberia es lo mejor #spon", author="ana",
                    source="red", platform="reddit")  # fmt: skip
    read_as(api.ws, post, "praise")
    mentions_us(api.ws, post)
    assert api("GET", "/disclosures", "read").json() == {"items": []}
    path = write_csv(tmp_path / "c.csv", ["name", "handle:reddit", "connection"],
                     [["Ana", "ana", "paid"]])  # fmt: skip
    import_contacts(api.ws, path, rejects_dir=tmp_path / "r")
    (item,) = api("GET", "/disclosures", "read").json()["items"]
    assert (item["post_id"], item["connection"], item["author"]) == (post, "paid", "ana")
    assert "'#spon' is not a clear disclosure" in item["reason"]
    assert item["reminder"]["verdict"] == "ok" and item["reminder"]["text"].startswith("Hola @ana")
