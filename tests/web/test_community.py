"""The community's pages and API on a workspace of their own (merges, rejections and erasures
change it): contacts with filters and readiness, a contact's timeline, the merge queue, the
ledger's health, the API's shapes and roles, CSRF, hostile names and notes, Spanish."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import (
    HOSTILE_MARKERS,
    HOSTILE_TITLE,
    bearer,
    community_workspace,
    contact_named,
    csrf_of,
    logged_in,
)
from .test_security import _Inline

ESCAPED_TITLE = "&lt;img src=x onerror=&#34;window.__pwned=9;alert(9)&#34;&gt;"
CONTRACT = {"id", "name", "emails", "identities", "gives", "asks", "ready", "reasons",
            "opted_out", "attributes"}  # fmt: skip


@pytest.fixture(scope="module")
def cws(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        yield community_workspace(tmp_path_factory)


@pytest.fixture(scope="module")
def capp(cws):
    from escucha.web.app import create_app

    return create_app(cws)


def _api(capp, cws, who: str):
    from .conftest import make_client

    client = make_client(capp)
    client.headers.update(bearer(cws.tokens[who]))
    return client


def _suggested(client) -> list[list[int]]:
    return [s["contacts"] for s in client.get("/api/v1/contacts/suggestions").json()["suggestions"]]


def _pair(client, handle: str) -> list[int]:
    return next(p for p in _suggested(client) if _handle_of(client, p[0]) == handle)


def _handle_of(client, contact_id: int) -> str:
    return client.get(f"/api/v1/contacts/{contact_id}").json()["identities"][0]["handle"]


def test_the_contacts_page_filters_and_gives_every_reason(capp, cws):
    viewer = logged_in(capp, "vic")
    html = viewer.get("/contacts").text
    assert "anagarcia" in html and "luisperez.bsky.social" in html
    assert "no consent to be contacted on record" in html  # the authors' reason
    assert "2 asks in the last 90 days (cap 2)" in html  # Marta's, with its numbers
    assert 'aria-current="page"' in html and 'href="/contacts"' in html  # in the navigation
    searched = viewer.get("/contacts", params={"q": "LUISPEREZ"}).text
    assert "luisperez.bsky.social" in searched and "anagarcia" not in searched
    assert "anagarcia" not in viewer.get("/contacts", params={"lang": "es"}).text
    assert "No contact matches" in viewer.get("/contacts", params={"opted_out": "yes"}).text
    assert "No contact matches" in viewer.get("/contacts", params={"ready": "yes"}).text
    assert viewer.get("/contacts", params={"ready": "maybe"}).status_code == 400


def test_a_contact_page_shows_the_timeline_identities_emails_and_consent(capp, cws):
    marta = contact_named(cws, HOSTILE_TITLE)
    ana = _api(capp, cws, "vic-read").get("/api/v1/contacts", params={"q": "anagarcia"})
    reddit = next(c for c in ana.json()["items"] if c["identities"][0]["platform"] == "reddit")
    viewer = logged_in(capp, "vic")
    html = viewer.get(f"/contacts/{reddit['id']}").text
    assert "Iberia perdió mi maleta" in html and "reddit" in html
    html = viewer.get(f"/contacts/{marta}").text
    assert "marta@example.org" in html and "marta_r" in html
    assert "yes, on " in html and "(text version unspecified)" in html
    assert "give: help" in html and "ask: survey" in html and "recorded by cli" in html
    assert "Record" not in html and "Unmerge" not in html  # a viewer sees no forms
    assert viewer.get("/contacts/999999").status_code == 404


def test_hostile_names_attributes_and_notes_are_escaped(capp, cws):
    marta = contact_named(cws, HOSTILE_TITLE)
    admin = logged_in(capp, "ada")
    for page in ("/contacts", f"/contacts/{marta}", "/ledger", "/contacts/suggestions"):
        html = admin.get(page).text
        for marker in (*HOSTILE_MARKERS, "<img", "<script>window", "<svg onload"):
            assert marker not in html, (page, marker)
        parser = _Inline()
        parser.feed(html)
        assert parser.found == [], page
    detail = admin.get(f"/contacts/{marta}").text
    assert ESCAPED_TITLE in detail and "&lt;svg onload=alert(13)&gt;" in detail
    assert "&lt;script&gt;window.__pwned=11" in admin.get("/ledger").text


def test_the_forms_need_a_csrf_token(capp, cws):
    reader = _api(capp, cws, "vic-read")
    before = reader.get("/api/v1/ledger").json()
    suggested = _suggested(reader)
    a, b = suggested[0]
    admin = logged_in(capp, "ada")
    admin.get("/contacts")
    for path, data in [
        ("/contacts/suggestions/accept", {"a": str(a), "b": str(b), "reason": "x"}),
        ("/contacts/suggestions/reject", {"a": str(a), "b": str(b)}),
        (f"/contacts/{a}/unmerge", {"identity": "reddit:anagarcia"}),
        (f"/contacts/{a}/interactions", {"kind": "give:help"}),
    ]:
        assert admin.post(path, data=data).status_code == 403, path
        assert admin.post(path, data={**data, "csrf_token": "0" * 64}).status_code == 403, path
    assert reader.get("/api/v1/ledger").json() == before  # nothing was recorded,
    assert _suggested(reader) == suggested  # merged or rejected


def test_analysts_record_gives_and_asks_admins_merge(capp, cws):
    marta = contact_named(cws, HOSTILE_TITLE)
    analyst = logged_in(capp, "ana")
    token = csrf_of(analyst, f"/contacts/{marta}")
    done = analyst.post(
        f"/contacts/{marta}/interactions",
        data={"csrf_token": token, "kind": "give:thanks", "note": "gracias", "channel": "dm"},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/contacts/{marta}"
    assert "give: thanks" in analyst.get(f"/contacts/{marta}").text
    bad = analyst.post(
        f"/contacts/{marta}/interactions", data={"csrf_token": token, "kind": "give:bribe"}
    )
    assert bad.status_code == 400 and "unknown kind" in bad.text
    refused = analyst.post(
        "/contacts/suggestions/accept",
        data={"csrf_token": token, "a": "1", "b": "2", "reason": "x"},
    )
    assert refused.status_code == 403


def test_a_merge_accepted_from_the_queue_and_unmerged_restores_the_state(capp, cws):
    reader = _api(capp, cws, "ada-read")
    a, b = _pair(reader, "anagarcia")
    before = {c: reader.get(f"/api/v1/contacts/{c}").json() for c in (a, b)}
    admin = logged_in(capp, "ada")
    token = csrf_of(admin, "/contacts/suggestions")
    queue = admin.get("/contacts/suggestions").text
    reason = re.search(
        rf'name="a" value="{a}"><input type="hidden" name="b" value="{b}">\s*'
        r'<input type="hidden" name="reason" value="([^"]+)"',
        queue,
    )[1]
    accepted = admin.post(
        "/contacts/suggestions/accept",
        data={"csrf_token": token, "a": str(a), "b": str(b), "reason": reason},
    )
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/contacts/{a}"
    merged = reader.get(f"/api/v1/contacts/{a}").json()
    assert {i["platform"] for i in merged["identities"]} == {"reddit", "bluesky"}
    assert reader.get(f"/api/v1/contacts/{b}").status_code == 404  # folded into a
    assert [a, b] not in _suggested(reader)
    again = admin.post(
        "/contacts/suggestions/accept",
        data={"csrf_token": token, "a": str(a), "b": str(b), "reason": reason},
    )
    assert again.status_code == 400 and "was merged into contact" in again.text

    undone = admin.post(
        f"/contacts/{a}/unmerge",
        data={"csrf_token": token, "identity": "bluesky:anagarcia.bsky.social"},
    )
    assert undone.status_code == 303
    after = {c: reader.get(f"/api/v1/contacts/{c}").json() for c in (a, b)}
    assert after == before
    refused = admin.post(
        f"/contacts/{a}/unmerge", data={"csrf_token": token, "identity": "reddit:anagarcia"}
    )
    assert refused.status_code == 400 and "never merged" in refused.text


def test_a_rejected_suggestion_leaves_the_queue_for_good(capp, cws):
    reader = _api(capp, cws, "vic-read")
    a, b = _pair(reader, "luisperez")
    admin = logged_in(capp, "ada")
    token = csrf_of(admin, "/contacts/suggestions")
    done = admin.post(
        "/contacts/suggestions/reject", data={"csrf_token": token, "a": str(a), "b": str(b)}
    )
    assert done.status_code == 303 and done.headers["location"] == "/contacts/suggestions"
    assert [a, b] not in _suggested(reader)
    assert f'name="a" value="{a}"><input type="hidden" name="b" value="{b}"' not in (
        admin.get("/contacts/suggestions").text
    )


def test_the_ledger_page_warns_when_asks_outrun_gives(capp, cws):
    html = logged_in(capp, "vic").get("/ledger").text
    assert '<div class="chart-svg" role="img"' in html and "<svg" in html
    assert 'id="ledger-warning"' in html and "Asks outran gives in" in html


def test_the_pages_read_in_spanish(capp, cws):
    viewer = logged_in(capp, "vic")
    token = csrf_of(viewer, "/contacts")
    viewer.post("/language", data={"csrf_token": token, "lang": "es", "next": "/contacts"})
    try:
        html = viewer.get("/contacts").text
        assert "<h1>Contactos</h1>" in html and "no consta su consentimiento" in html
        assert "2 peticiones en los últimos 90 días (máximo 2)" in html
        assert "<h1>Fusiones propuestas</h1>" in viewer.get("/contacts/suggestions").text
        ledger = viewer.get("/ledger").text
        assert "<h1>Dar y pedir</h1>" in ledger and "pedimos más de lo que dimos" in ledger
        marta = contact_named(cws, HOSTILE_TITLE)
        assert "dar: ayuda" in viewer.get(f"/contacts/{marta}").text
    finally:
        viewer.post("/language", data={"csrf_token": token, "lang": "en", "next": "/"})


def test_the_api_gives_contacts_in_the_cli_shape_page_by_page(capp, cws):
    reader = _api(capp, cws, "vic-read")
    first = reader.get("/api/v1/contacts", params={"limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"items", "next_cursor"} and len(body["items"]) == 2
    for contact in body["items"]:
        assert set(contact) >= CONTRACT
        assert all(set(i) == {"platform", "handle"} for i in contact["identities"])
        assert isinstance(contact["reasons"], list) and contact["ready"] == (not contact["reasons"])
    seen, cursor = [], None
    while True:
        page = reader.get("/api/v1/contacts", params={"limit": 2, "cursor": cursor} if cursor
                          else {"limit": 2}).json()  # fmt: skip
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    everyone = reader.get("/api/v1/contacts", params={"limit": 500}).json()["items"]
    assert seen == [c["id"] for c in everyone] and len(seen) >= 5
    one = everyone[0]
    assert reader.get(f"/api/v1/contacts/{one['id']}").json() == one
    assert reader.get("/api/v1/contacts", params={"ready": "true"}).json()["items"] == []
    assert reader.get("/api/v1/contacts", params={"ready": "maybe"}).status_code == 422
    assert reader.get("/api/v1/contacts", params={"cursor": "x"}).status_code == 422
    assert reader.get("/api/v1/contacts/999999").json() == {"detail": "no contact 999999"}
    (suggestion, *_rest) = reader.get("/api/v1/contacts/suggestions").json()["suggestions"]
    assert set(suggestion) == {"contacts", "reason", "confidence"}
    months = reader.get("/api/v1/community/balance", params={"months": 3}).json()["months"]
    assert len(months) == 3 and set(months[-1]) == {"month", "gives", "asks", "ratio", "warning"}
    schema = reader.get("/api/v1/openapi.json").json()
    assert {"/api/v1/contacts", "/api/v1/ledger", "/api/v1/community/balance"} <= set(
        schema["paths"]
    )
    assert set(schema["components"]["schemas"]["Contact"]["properties"]) >= CONTRACT


def test_the_api_roles(capp, cws):
    marta = contact_named(cws, HOSTILE_TITLE)
    analyst = _api(capp, cws, "ana-write")
    recorded = analyst.post(
        "/api/v1/ledger",
        json={"kind": "give:loop-closed", "contact_id": marta, "ref": "idea:7", "note": "hecho"},
    )
    assert recorded.status_code == 201
    body = recorded.json()
    assert (body["kind"], body["direction"], body["recorded_by"]) == ("give:loop-closed", "give",
                                                                      "ana")  # fmt: skip
    listed = analyst.get("/api/v1/ledger", params={"contact_id": marta, "kind": "give"}).json()
    assert body["id"] in [i["id"] for i in listed["interactions"]]
    assert 'href="/ideas/7"' in logged_in(capp, "vic").get(f"/contacts/{marta}").text
    assert analyst.post("/api/v1/ledger", json={"kind": "give:bribe"}).status_code == 422
    missing = analyst.post("/api/v1/ledger", json={"kind": "give:help", "contact_id": 999999})
    assert missing.status_code == 404
    viewer = _api(capp, cws, "vic-read")
    assert viewer.post("/api/v1/ledger", json={"kind": "give:help"}).status_code == 403
    for client in (analyst, viewer, _api(capp, cws, "ada-read")):
        merge = client.post("/api/v1/contacts/merge", json={"keep": 1, "merged": 2, "reason": "x"})
        assert merge.status_code == 403
        assert client.delete(f"/api/v1/contacts/{marta}").status_code == 403
    assert analyst.get(f"/api/v1/contacts/{marta}/export").status_code == 403
    export = _api(capp, cws, "ada-read").get(f"/api/v1/contacts/{marta}/export")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert "marta@example.org" in json.dumps(export.json())


def test_merge_and_unmerge_through_the_api(capp, cws):
    admin = _api(capp, cws, "ada-write")
    a, b = (
        contact_named(cws, "Luis"),
        contact_named(cws, "Luis P"),
    )
    before = admin.get(f"/api/v1/contacts/{a}").json()
    done = admin.post("/api/v1/contacts/merge", json={"keep": a, "merged": b, "reason": "same"})
    assert done.status_code == 200 and done.json()["merged_by"] == "ada"
    assert (
        admin.post(
            "/api/v1/contacts/merge", json={"keep": a, "merged": a, "reason": "x"}
        ).status_code
        == 400
    )
    undone = admin.post(
        f"/api/v1/contacts/{a}/unmerge", json={"identity": "bluesky:luisperez.bsky.social"}
    )
    assert undone.json() == {"merge": done.json()["id"], "kept_id": a, "restored_id": b}
    assert admin.get(f"/api/v1/contacts/{a}").json() == before


def test_forget_through_the_api_removes_the_person(capp, cws):
    admin = _api(capp, cws, "ada-write")
    (ana,) = [
        c for c in admin.get("/api/v1/contacts", params={"q": "anagarcia.bsky"}).json()["items"]
    ]
    gone = admin.delete(f"/api/v1/contacts/{ana['id']}")
    assert gone.status_code == 200, gone.text
    assert gone.json() == {"id": ana["id"], "identities": 1, "posts": 1, "scrubbed": True}
    assert admin.get(f"/api/v1/contacts/{ana['id']}").status_code == 404
    assert admin.get("/api/v1/contacts", params={"q": "anagarcia.bsky"}).json()["items"] == []
    assert admin.delete(f"/api/v1/contacts/{ana['id']}").status_code == 404
    assert "vuelo con retraso" not in logged_in(capp, "ada").get("/explore").text


def test_a_forget_held_up_by_a_reader_is_done_and_says_so(capp, cws):
    import sqlite3

    admin = _api(capp, cws, "ada-write")
    luis = contact_named(cws, "Luis P")
    reader = sqlite3.connect(cws.path / "escucha.db")
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM contacts").fetchall()
        gone = admin.delete(f"/api/v1/contacts/{luis}")
    finally:
        reader.rollback()
        reader.close()
    assert gone.status_code == 200
    assert gone.json() == {"id": luis, "identities": 1, "posts": 1, "scrubbed": False}
    assert admin.get(f"/api/v1/contacts/{luis}").status_code == 404
