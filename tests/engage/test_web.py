"""The conversation's pages: the inbox with its filters, paging and actions, a thread with the
reply form and the guard's verdict fragment, the drafts queue (approve, override, publish and
its errors), the disclosure watch, the overview's honesty panel and its API; roles, CSRF,
hostile text, English and Spanish."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from escucha.store.schema import drafts, inbox_items
from web.conftest import bearer, csrf_of, logged_in, make_client

from .web_site import HOSTILE, build_site

HARD_SELL = "Compra ya con un 50% de descuento y envío gratis, solo hoy: últimas unidades"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        yield from build_site(tmp_path_factory.mktemp("conversation"), mp)


def _language(client, lang: str, path: str = "/inbox") -> None:
    """Switch the user's language (kept with the user: switch back at the end)."""
    token = csrf_of(client, path)
    client.post("/language", data={"csrf_token": token, "lang": lang, "next": path})


def _item(site, key: str) -> dict:
    with site.ws.engine.connect() as conn:
        row = conn.execute(select(inbox_items).where(inbox_items.c.post_id == site.ids[key])).one()
    return dict(row._mapping)


def _set_item(site, key: str, **values) -> None:
    with site.ws.engine.begin() as conn:
        conn.execute(
            update(inbox_items).where(inbox_items.c.post_id == site.ids[key]).values(**values)
        )


def _all_pages(client, path: str) -> list[str]:
    """The post ids of every page of an inbox view, following its "next" links."""
    found = []
    while path:
        html = client.get(path).text
        found += re.findall(r'<tr id="item-(\d+)">', html)
        link = re.search(r'<a href="([^"]+)" rel="next">', html)
        path = link[1].replace("&amp;", "&") if link else None
    return found


def test_the_inbox_lists_open_items_by_priority_with_their_reasons(site):
    viewer = logged_in(site.app, "vic")
    html = viewer.get("/inbox").text
    assert '<a href="/inbox" aria-current="page">Inbox</a>' in html
    assert 'href="/drafts"' in html and 'href="/disclosures"' in html  # the navigation
    first = re.search(r'<tr id="item-(\d+)">', html)[1]
    assert int(first) == site.ids["hostile"]  # complaint, reach and waiting: highest
    assert "complaint (+3)" in html and "reach: 20,000 followers (+2)" in html
    assert re.search(r"waiting \d+ h \(\+0\.5\)", html)
    opened = _all_pages(viewer, "/inbox")
    wanted = {site.ids[k] for k in ("maleta", "vuelo", "hostile", "wish")}
    assert sorted(map(int, opened)) == sorted(wanted)  # every open item once, two per page
    maleta = viewer.get("/inbox", params={"intent": "question", "lang": "es"}).text
    assert re.search(r"waiting 1 d \d+ h \(\+2\)", maleta)
    assert "repeated asker: 2 posts in the inbox (+1)" in maleta
    assert "Assign to me" not in html  # a viewer sees no actions


def test_the_inbox_filters(site):
    viewer = logged_in(site.app, "vic")

    def shown(**params) -> set[int]:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return {int(i) for i in _all_pages(viewer, f"/inbox?{query}")}

    ids = site.ids
    assert shown(status="answered") == {ids["answered"]}
    assert ids["answered"] in shown(status="all")
    assert shown(intent="wish") == {ids["wish"]}
    assert shown(intent="complaint") == {ids["hostile"]}
    assert shown(lang="en", status="all") == {ids["hostile"], ids["wish"]}
    assert shown(source="masto", intent="wish") == {ids["wish"]}
    assert shown(source="red") == set()
    assert "No item matches these filters." in viewer.get("/inbox?source=red").text
    assert shown(assignee="nobody-here") == set()
    answered = viewer.get("/inbox?status=answered").text
    assert "first response after 2 h" in answered
    assert viewer.get("/inbox?status=maybe").status_code == 400
    assert viewer.get("/inbox?page=0").status_code == 400


def test_the_inbox_reads_in_spanish(site):
    viewer = logged_in(site.app, "vic")
    _language(viewer, "es")
    html = viewer.get("/inbox").text
    assert "<h1>Bandeja de entrada</h1>" in html and ">Bandeja</a>" in html
    assert "queja (+3)" in html and "alcance: 20.000 seguidores (+2)" in html
    assert re.search(r"espera \d+ h \(\+0,5\)", html)
    maleta = viewer.get("/inbox", params={"intent": "question", "lang": "es"}).text
    assert "pregunta de nuevo: 2 publicaciones en la bandeja (+1)" in maleta
    assert "primera respuesta tras 2 h" in viewer.get("/inbox?status=answered").text
    thread = viewer.get(f"/inbox/{site.ids['answered']}").text
    assert '<h2 id="thread-h">Conversación</h2>' in thread and "nuestra cuenta" in thread
    assert "<h1>Borradores de respuesta</h1>" in viewer.get("/drafts").text
    assert "<h1>Falta indicar la relación</h1>" in viewer.get("/disclosures").text
    _language(viewer, "en")


def test_the_api_keeps_the_reasons_in_english(site):
    api = make_client(site.app)
    api.headers.update(bearer(site.token))
    items = {i["post_id"]: i for i in api.get("/api/v1/inbox").json()["items"]}
    assert "reach: 20,000 followers (+2)" in items[site.ids["hostile"]]["reasons"]


def test_assign_close_and_no_reply_from_the_inbox(site):
    analyst = logged_in(site.app, "ana")
    token = csrf_of(analyst, "/inbox")
    post = site.ids["vuelo"]
    done = analyst.post(
        f"/inbox/{post}/status",
        data={"csrf_token": token, "action": "assign_me", "next": "/inbox?intent=question"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/inbox?intent=question"
    assert (_item(site, "vuelo")["status"], _item(site, "vuelo")["assignee"]) == ("assigned", "ana")
    assert {int(i) for i in _all_pages(analyst, "/inbox?assignee=ana")} == {post}
    analyst.post(f"/inbox/{post}/status",
                 data={"csrf_token": token, "action": "assign", "assignee": "luis"})  # fmt: skip
    assert _item(site, "vuelo")["assignee"] == "luis"
    away = analyst.post(
        f"/inbox/{post}/status",
        data={"csrf_token": token, "action": "close", "next": "https://evil.example/"},
    )
    assert away.headers["location"] == f"/inbox/{post}"  # never sent off the site
    assert _item(site, "vuelo")["status"] == "closed"
    analyst.post(f"/inbox/{post}/status", data={"csrf_token": token, "action": "no_reply"})
    assert _item(site, "vuelo")["status"] == "no_reply_needed"
    blank = analyst.post(
        f"/inbox/{post}/status", data={"csrf_token": token, "action": "assign", "assignee": " "}
    )
    assert blank.status_code == 400 and "assign needs a person" in blank.text
    _set_item(site, "vuelo", status="new", assignee=None)


def test_inbox_actions_need_a_csrf_token_and_a_role_that_changes(site):
    post = site.ids["vuelo"]
    analyst = logged_in(site.app, "ana")
    analyst.get("/inbox")
    for data in ({"action": "close"}, {"action": "close", "csrf_token": "0" * 64}):
        assert analyst.post(f"/inbox/{post}/status", data=data).status_code == 403
    viewer = logged_in(site.app, "vic")
    token = csrf_of(viewer, "/inbox")
    refused = viewer.post(f"/inbox/{post}/status", data={"csrf_token": token, "action": "close"})
    assert refused.status_code == 403
    assert _item(site, "vuelo")["status"] == "new"


def test_the_thread_page_shows_the_conversation_and_the_reply_form(site):
    analyst = logged_in(site.app, "ana")
    html = analyst.get(f"/inbox/{site.ids['answered']}").text
    assert "¿Iberia admite mascotas en cabina?" in html and "hasta 8 kg en cabina" in html
    assert 'data-ours="1"' in html and "our account" in html
    assert 'id="item-status">answered<' in html
    assert 'hx-trigger="keyup changed delay:500ms"' in html
    assert f'hx-post="/inbox/{site.ids["answered"]}/guard"' in html
    assert '<option value="thanks">thanks: ' in html  # the snippet picker
    viewer = logged_in(site.app, "vic")
    assert "reply-form" not in viewer.get(f"/inbox/{site.ids['answered']}").text
    assert viewer.get("/inbox/999999").status_code == 404


def test_the_guard_fragment_judges_the_text_being_typed(site):
    analyst = logged_in(site.app, "ana")
    post = site.ids["maleta"]
    token = csrf_of(analyst, f"/inbox/{post}")
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    selling = analyst.post(f"/inbox/{post}/guard", data={"text": HARD_SELL}, headers=headers)
    assert selling.status_code == 200 and "<html" not in selling.text  # a fragment
    assert 'data-flag="hard_sell"' in selling.text and "hard sell" in selling.text
    assert re.search(r'data-verdict="(review|block)"', selling.text)
    assert "Words:" in selling.text and "50%" in selling.text
    clean = analyst.post(
        f"/inbox/{post}/guard",
        data={"text": "Hola Ana, lo sentimos. Escríbenos por privado y lo miramos."},
        headers=headers,
    )
    assert 'data-verdict="ok"' in clean.text and "data-flag" not in clean.text
    empty = analyst.post(f"/inbox/{post}/guard", data={"text": "  "}, headers=headers)
    assert "Write the reply to see the guard" in empty.text
    assert analyst.post(f"/inbox/{post}/guard", data={"text": HARD_SELL}).status_code == 403
    viewer = logged_in(site.app, "vic")
    vtoken = csrf_of(viewer, f"/inbox/{post}")
    refused = viewer.post(
        f"/inbox/{post}/guard", data={"text": HARD_SELL}, headers={"X-CSRF-Token": vtoken}
    )
    assert refused.status_code == 403
    _language(analyst, "es", f"/inbox/{post}")
    spanish = analyst.post(f"/inbox/{post}/guard", data={"text": HARD_SELL}, headers=headers)
    _language(analyst, "en", f"/inbox/{post}")
    assert "venta agresiva" in spanish.text and "Palabras:" in spanish.text
    assert "el texto es una venta inmediata" in spanish.text  # the reason, worded in Spanish
    assert "the text is a sale now" in selling.text


def test_a_reply_becomes_a_draft_shown_on_the_thread_page(site):
    analyst = logged_in(site.app, "ana")
    post = site.ids["maleta"]
    token = csrf_of(analyst, f"/inbox/{post}")
    hostile = '<script>window.__pwned=5</script> Hola Ana, "lo miramos" & te escribimos.'
    done = analyst.post(f"/inbox/{post}/reply", data={"csrf_token": token, "text": hostile})
    assert done.status_code == 303
    draft_id = int(
        re.fullmatch(rf"/inbox/{post}\?draft=(\d+)#draft-\1", done.headers["location"])[1]
    )
    html = analyst.get(done.headers["location"]).text
    assert f"Draft #{draft_id} saved: it waits for approval." in html
    assert "&lt;script&gt;window.__pwned=5&lt;/script&gt;" in html
    assert "<script>window.__pwned" not in html
    with site.ws.engine.connect() as conn:
        row = conn.execute(select(drafts).where(drafts.c.id == draft_id)).one()
    assert (row.text, row.created_by, row.status) == (hostile, "ana", "pending")
    empty = analyst.post(f"/inbox/{post}/reply", data={"csrf_token": token, "text": " "})
    assert empty.status_code == 400 and "the draft is empty" in empty.text
    kept = analyst.post(
        f"/inbox/{post}/reply", data={"csrf_token": token, "text": "x", "snippet": "nope"}
    )
    assert kept.status_code == 400 and "no snippet" in kept.text and ">x</textarea>" in kept.text
    assert analyst.post(f"/inbox/{post}/reply", data={"text": "hola"}).status_code == 403
    viewer = logged_in(site.app, "vic")
    vtoken = csrf_of(viewer, f"/inbox/{post}")
    assert viewer.post(f"/inbox/{post}/reply",
                       data={"csrf_token": vtoken, "text": "hola"}).status_code == 403  # fmt: skip


def _draft(site, key: str, text: str, by: str = "ana") -> int:
    from escucha.engage.drafts import create_draft

    return create_draft(site.ws, site.ids[key], text, by=by)["draft_id"]


def test_the_drafts_queue_approves_and_a_block_needs_an_admins_reason(site):
    draft = _draft(site, "maleta", HARD_SELL)
    with site.ws.engine.begin() as conn:
        conn.execute(update(drafts).where(drafts.c.id == draft).values(verdict="block"))
    analyst = logged_in(site.app, "ana")
    html = analyst.get("/drafts").text
    assert f'id="draft-{draft}"' in html and 'data-flag="hard_sell"' in html
    assert 'name="override_reason"' not in html  # only an admin may override
    assert f'action="/drafts/{draft}/approve"' not in html  # approval = "admin"
    token = csrf_of(analyst, "/drafts")
    refused = analyst.post(f"/drafts/{draft}/approve", data={"csrf_token": token})
    assert refused.status_code == 403 and "only an admin approves drafts" in refused.text
    admin = logged_in(site.app, "ada")
    assert 'name="override_reason"' in admin.get("/drafts").text
    token = csrf_of(admin, "/drafts")
    assert admin.post(f"/drafts/{draft}/approve", data={}).status_code == 403  # no CSRF token
    unexplained = admin.post(f"/drafts/{draft}/approve", data={"csrf_token": token})
    assert unexplained.status_code == 400 and "blocked by the guard" in unexplained.text
    done = admin.post(
        f"/drafts/{draft}/approve",
        data={"csrf_token": token, "override_reason": "<b>a refund we owe her</b>"},
    )
    assert done.status_code == 303 and done.headers["location"].startswith(
        "/drafts?status=approved"
    )
    approved = admin.get("/drafts?status=approved").text
    assert "Approved by ada" in approved
    assert "Block overridden by ada: &lt;b&gt;a refund we owe her&lt;/b&gt;" in approved
    again = admin.post(f"/drafts/{draft}/approve", data={"csrf_token": token})
    assert again.status_code == 409 and "already approved" in again.text


def test_publish_posts_once_and_errors_are_one_clear_message(site, monkeypatch):
    admin = logged_in(site.app, "ada")
    assert admin.get("/inbox").status_code == 200  # viewing refreshes it (the test may run alone)
    token = csrf_of(admin, "/drafts")
    reply = _draft(site, "maleta", "Hola Ana, ya la hemos localizado: te llega mañana.")
    gone = _draft(site, "wish", "Thanks Eva, we passed it on to our catering team.")
    for draft in (reply, gone):
        admin.post(f"/drafts/{draft}/approve", data={"csrf_token": token})
    monkeypatch.delenv("ESCUCHA_MASTO_ACCESS_TOKEN")
    missing = admin.post(f"/drafts/{reply}/publish", data={"csrf_token": token})
    assert missing.status_code == 400 and "ESCUCHA_MASTO_ACCESS_TOKEN" in missing.text
    assert 'role="alert"' in missing.text and "Traceback" not in missing.text
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    upstream = len(site.fake.statuses)
    done = admin.post(f"/drafts/{reply}/publish", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"].startswith(
        "/drafts?status=published"
    )
    assert len(site.fake.statuses) == upstream + 1
    published = admin.get("/drafts?status=published").text
    assert f"Published as {site.fake.statuses[-1]['id']}." in published
    assert _item(site, "maleta")["status"] == "answered"
    parent_gone = admin.post(f"/drafts/{gone}/publish", data={"csrf_token": token})
    assert parent_gone.status_code == 400
    assert "to reply to" in parent_gone.text and "Not done:" in parent_gone.text
    failed = admin.get("/drafts?status=failed").text
    assert f'id="draft-{gone}"' in failed and "The last attempt failed:" in failed
    assert f'id="draft-{reply}"' not in failed
    viewer = logged_in(site.app, "vic")
    vtoken = csrf_of(viewer, "/drafts")
    assert viewer.post(f"/drafts/{gone}/publish", data={"csrf_token": vtoken}).status_code == 403
    assert len(site.fake.statuses) == upstream + 1


def test_the_disclosure_list_turns_a_reminder_into_a_draft(site):
    viewer = logged_in(site.app, "vic")
    html = viewer.get("/disclosures").text
    assert "Volar con Iberia es lo mejor" in html and "paid partner" in html
    assert "&#39;#spon&#39; is not a clear disclosure" in html
    assert "Hola @tom_r," in html and "#publicidad" in html
    assert "Draft this reminder" not in html
    analyst = logged_in(site.app, "ana")
    token = csrf_of(analyst, "/disclosures")
    post = site.ids["paid"]
    assert analyst.post(f"/disclosures/{post}/draft", data={}).status_code == 403
    done = analyst.post(f"/disclosures/{post}/draft", data={"csrf_token": token})
    assert done.status_code == 303
    draft_id = int(re.fullmatch(r"/drafts#draft-(\d+)", done.headers["location"])[1])
    with site.ws.engine.connect() as conn:
        row = conn.execute(select(drafts).where(drafts.c.id == draft_id)).one()
    assert row.post_id == post and row.text.startswith("Hola @tom_r,") and row.status == "pending"
    # the guard checked it as any draft (Tom is not ready to be asked a favour: review)
    assert row.verdict in ("ok", "review")
    queued = analyst.get("/drafts").text
    assert f'id="draft-{draft_id}"' in queued and f'data-verdict="{row.verdict}"' in queued
    missing = analyst.post(f"/disclosures/{site.ids['maleta']}/draft", data={"csrf_token": token})
    assert missing.status_code == 404


def test_the_overview_shows_the_brand_honesty_panel_and_the_api_the_same(site):
    viewer = logged_in(site.app, "vic")
    html = viewer.get("/").text
    assert "Brand honesty" in html
    assert "1 of our 2 posts in the last 30 days promote a sale (50%" in html
    assert 'id="honesty-promotional-warn"' in html
    assert "Last 3 months: 1 gives, 2 asks (0.50 gives per ask)." in html
    assert 'id="honesty-give-ask-warn"' in html
    api = make_client(site.app)
    assert api.get("/api/v1/honesty").status_code == 401
    api.headers.update(bearer(site.token))
    assert api.get("/api/v1/honesty").json() == {
        "promotional": {"posts": 2, "promotional": 1, "share": 0.5, "threshold": 0.2,
                        "window_days": 30, "warn": True},
        "give_ask": {"months": 3, "gives": 1, "asks": 2, "ratio": 0.5, "warn": True},
    }  # fmt: skip
    _language(viewer, "es", "/")
    spanish = viewer.get("/").text
    _language(viewer, "en", "/")
    assert "Honestidad de la marca" in spanish
    assert "Últimos 3 meses: dimos 1, pedimos 2 (0,50 por cada petición)." in spanish
    assert "1 de nuestras 2 publicaciones de los últimos 30 días promocionan" in spanish


def test_the_honesty_panel_follows_the_ledger_at_the_next_request(site):
    """The overview's body is kept per data version: a give logged (or removed) in the ledger
    is not a change of the posts, and still shows at the next request."""
    from sqlalchemy import delete

    from escucha.community.ledger import record_interaction
    from escucha.store.schema import interactions

    viewer = logged_in(site.app, "vic")
    assert "Last 3 months: 1 gives, 2 asks" in viewer.get("/").text
    given = record_interaction(site.ws, "give:help", channel="mastodon")
    try:
        assert "Last 3 months: 2 gives, 2 asks (1.00 gives per ask)." in viewer.get("/").text
    finally:
        with site.ws.engine.begin() as conn:
            conn.execute(delete(interactions).where(interactions.c.id == given["id"]))
    assert "Last 3 months: 1 gives, 2 asks" in viewer.get("/").text


def test_hostile_text_is_escaped_everywhere(site):
    admin = logged_in(site.app, "ada")
    for path in ("/inbox", f"/inbox/{site.ids['hostile']}", "/drafts", "/disclosures"):
        html = admin.get(path).text
        assert "<script>window" not in html and "<img src=x" not in html, path
    assert "&lt;script&gt;window.__pwned=1" in admin.get("/inbox").text
    assert HOSTILE not in admin.get(f"/inbox/{site.ids['hostile']}").text


def test_draft_actions_refuse_without_a_csrf_token_or_for_a_viewer(site):
    draft = _draft(site, "hostile", "We are sorry about your bag; please write to us in private.")
    paths = [f"/drafts/{draft}/approve", f"/drafts/{draft}/publish",
             f"/disclosures/{site.ids['paid']}/draft"]  # fmt: skip
    admin = logged_in(site.app, "ada")
    admin.get("/drafts")
    viewer = logged_in(site.app, "vic")
    token = csrf_of(viewer, "/drafts")
    with site.ws.engine.connect() as conn:
        before = conn.execute(select(drafts.c.id, drafts.c.status)).all()
    for path in paths:
        assert admin.post(path, data={"csrf_token": "0" * 64}).status_code == 403, path
        assert viewer.post(path, data={"csrf_token": token}).status_code == 403, path
    with site.ws.engine.connect() as conn:
        assert conn.execute(select(drafts.c.id, drafts.c.status)).all() == before
