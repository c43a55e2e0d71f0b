"""New posts of ours (announcements, survey invitations, tester calls) go through drafts like
replies: the guard's verdict, approval and a publish at most once; our published posts are
stored under the author the connector keys us by, so collecting them adds nothing."""

from __future__ import annotations

import warnings

import pytest
from sqlalchemy import func, select

from escucha.config import SourceConfig
from escucha.engage.drafts import Actor, approve_draft, create_post_draft, get_draft, list_drafts
from escucha.engage.inbox import refresh_inbox
from escucha.engage.publish import publish_draft
from escucha.errors import Conflict, UserError
from escucha.listen.collector import collect
from escucha.store.schema import authors, inbox_items, interactions, posts
from listen.conftest import Reply
from listen.fake_bluesky import FakeAppView
from listen.fake_mastodon import FakeMastodon

from .conftest import masto
from .helpers import add_post, mentions_us, read_as

ADMIN = Actor("marta", "admin")
NEWS = "Desde hoy, la app de Iberia enseña la puerta de embarque en cuanto se asigna."


def _mastodon(engage_ws, server, monkeypatch, **options):
    fake = FakeMastodon(server, token="tok-1")
    ws = engage_ws(masto(server.url, **options))
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    return fake, ws


def _approved(ws, source: str, kind: str = "announcement", text: str = NEWS, **kw) -> dict:
    draft = create_post_draft(ws, source, kind, text, by="luis", **kw)
    approve_draft(ws, draft["draft_id"], ADMIN)
    return draft


def _ours(ws, source: str, native_id: str):
    with ws.engine.connect() as conn:
        return conn.execute(
            select(posts, authors.c.account_id, authors.c.handle)
            .join(authors, authors.c.id == posts.c.author_id)
            .where(posts.c.source == source, posts.c.native_id == native_id)
        ).all()


@pytest.mark.parametrize("kind", ["announcement", "invitation", "tester_call"])
def test_a_mastodon_post_of_ours_is_published_once_without_a_parent(
    engage_ws, server, sleeps, monkeypatch, kind
):
    fake, ws = _mastodon(engage_ws, server, monkeypatch)
    draft = _approved(ws, "masto", kind)
    assert (draft["kind"], draft["post_id"], draft["source"]) == (kind, None, "masto")
    assert draft["verdict"] == "ok"
    done = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    (sent,) = server.hits("/api/v1/statuses")
    assert sent.fields()["status"] == NEWS and "in_reply_to_id" not in sent.fields()
    assert done["native_id"] == fake.statuses[-1]["id"] and done["again"] is False
    assert fake.statuses[-1]["in_reply_to_id"] is None
    again = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert again == done | {"again": True}
    assert len(server.hits("/api/v1/statuses")) == 1 and len(fake.statuses) == 1
    (ours,) = _ours(ws, "masto", done["native_id"])
    assert (ours.text, ours.parent_id, ours.root_id, ours.handle) == (NEWS, None, None, "iberia")
    with ws.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(interactions)) == 0
    assert get_draft(ws, draft["draft_id"])["status"] == "published"


def test_a_retry_after_a_timeout_posts_once(engage_ws, server, sleeps, monkeypatch):
    fake, ws = _mastodon(engage_ws, server, monkeypatch, timeout=0.5)
    draft = _approved(ws, "masto")
    fake.slow_posts, fake.post_delay = 1, 1.5  # accepted, answered too late
    done = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert len(server.hits("/api/v1/statuses")) == 2 and len(fake.statuses) == 1
    assert done["native_id"] == fake.statuses[0]["id"]


def test_a_bluesky_post_has_no_reply_refs_and_is_created_once(
    engage_ws, server, sleeps, monkeypatch
):
    view = FakeAppView(server)
    ws = engage_ws(
        SourceConfig("sky", "bluesky", {"allow_private_networks": True, "base_url": server.url,
                                        "timeout": 0.5})
    )  # fmt: skip
    monkeypatch.setenv("ESCUCHA_SKY_HANDLE", "iberia.com")
    monkeypatch.setenv("ESCUCHA_SKY_APP_PASSWORD", "app-pass-1")
    draft = _approved(ws, "sky", "invitation", "¿Nos cuentas cómo fue tu último vuelo? 3 minutos.")
    view.slow_creates, view.create_delay = 1, 1.5  # created, answered too late
    done = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    ((did, _), record), *more = view.records.items()
    assert more == [] and "reply" not in record and record["text"].startswith("¿Nos cuentas")
    assert done["native_id"].startswith(f"at://{did}/")
    assert publish_draft(ws, draft["draft_id"], sleep=sleeps)["native_id"] == done["native_id"]
    assert len(view.records) == 1
    (ours,) = _ours(ws, "sky", done["native_id"])
    assert (ours.account_id, ours.handle, ours.parent_id) == (did, "iberia.com", None)


def test_what_a_source_cannot_take_is_refused_in_one_line_when_written(engage_ws):
    ws = engage_ws(
        SourceConfig("blog", "rss", {"url": "https://blog.example.org/feed"}),
        SourceConfig("red", "reddit", {"subreddits": "iberia"}),
        SourceConfig("foro", "discourse", {"base_url": "https://foro.example.org"}),
        masto("https://mastodon.example"),
    )
    refused = [
        ("blog", {}, "source 'blog' (rss) cannot publish: rss sources are read-only"),
        ("red", {}, "source 'red' (reddit): a Reddit post needs a title and a subreddit"),
        ("red", {"title": "x" * 301, "community": "r/iberia"},
         "source 'red' (reddit): a Reddit title holds at most 300 characters; this one has 301"),
        ("foro", {}, "source 'foro' (discourse): a new Discourse topic needs a title"),
        ("foro", {"title": "Novedades", "community": "general"},
         "source 'foro' (discourse): a Discourse category is given by its number, not 'general'"),
        ("masto", {"title": "Novedades"},
         "source 'masto' (mastodon): a Mastodon post has no title or community"),
        ("nowhere", {}, "no source 'nowhere' in escucha.toml (sources: blog, red, foro, masto)"),
    ]  # fmt: skip
    for source, extra, message in refused:
        with pytest.raises(UserError) as error:
            create_post_draft(ws, source, "announcement", NEWS, **extra)
        assert str(error.value) == message
    with pytest.raises(UserError, match="unknown kind 'reply' for a new post"):
        create_post_draft(ws, "masto", "reply", NEWS)
    with pytest.raises(UserError, match="the draft is empty"):
        create_post_draft(ws, "masto", "announcement", "  ")
    reddit = create_post_draft(ws, "red", "tester_call", NEWS, title="Probadores",
                               community="r/iberia")  # fmt: skip
    foro = create_post_draft(ws, "foro", "announcement", NEWS, title="Novedades", community="4")
    assert (reddit["title"], reddit["community"], foro["community"]) == (
        "Probadores",
        "r/iberia",
        "4",
    )
    assert [d["draft_id"] for d in list_drafts(ws)] == [foro["draft_id"], reddit["draft_id"]]


def test_a_post_of_ours_is_published_only_once_approved(engage_ws, server, sleeps, monkeypatch):
    _, ws = _mastodon(engage_ws, server, monkeypatch)
    draft = create_post_draft(ws, "masto", "announcement", NEWS)
    with pytest.raises(Conflict, match="is pending"):
        publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert server.hits("/api/v1/statuses") == []


def test_the_guard_checks_a_post_of_ours(engage_ws):
    ws = engage_ws(masto("https://mastodon.example"))
    text = "¡Solo hoy! 30% de descuento con el código VUELA. ¡Compra ya!"
    sale = create_post_draft(ws, "masto", "announcement", text)
    assert sale["verdict"] != "ok" and "hard_sell" in sale["flags"]


def test_collecting_our_published_reply_adds_no_second_author_or_post(
    engage_ws, server, sleeps, monkeypatch
):
    fake, ws = _mastodon(engage_ws, server, monkeypatch, timelines="public")
    asked = fake.post("¿Iberia, hay wifi a bordo?", acct="ana")
    post = add_post(ws, asked, "¿Iberia, hay wifi a bordo?", author="ana")
    read_as(ws, post, "question")
    mentions_us(ws, post)
    refresh_inbox(ws)
    from escucha.engage.drafts import create_draft

    reply = create_draft(ws, post, "Sí, en los vuelos de largo radio.")
    approve_draft(ws, reply["draft_id"], ADMIN)
    done = publish_draft(ws, reply["draft_id"], sleep=sleeps)
    news = _approved(ws, "masto")
    published = publish_draft(ws, news["draft_id"], sleep=sleeps)
    account = fake.statuses[-1]["account"]["id"]
    for native_id in (done["native_id"], published["native_id"]):
        (ours,) = _ours(ws, "masto", native_id)
        assert (ours.account_id, ours.handle) == (account, "iberia")

    def counts() -> tuple[int, int]:
        with ws.engine.connect() as conn:
            ours = conn.scalar(
                select(func.count()).select_from(authors).where(authors.c.handle == "iberia")
            )
            mine = conn.scalar(
                select(func.count())
                .select_from(posts)
                .where(posts.c.native_id.in_([done["native_id"], published["native_id"]]))
            )
        return ours, mine

    assert counts() == (1, 2)
    collected = collect(ws, masto(server.url, timelines="public"), sleep=sleeps)
    assert (collected.fetched, collected.new) == (3, 0)  # ana's question and our two posts
    assert counts() == (1, 2)
    (ours,) = _ours(ws, "masto", done["native_id"])
    assert ours.parent_id == asked
    with ws.engine.connect() as conn:
        status = conn.scalar(select(inbox_items.c.status).where(inbox_items.c.post_id == post))
    assert status == "answered"


@pytest.fixture
def api(engage_ws, server, monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.web.app import create_app

    fake, ws = _mastodon(engage_ws, server, monkeypatch)
    create_user(ws.engine, "ada", "correct horse battery", "admin")
    token = create_token(ws.engine, "ada", "write")[0]
    client = TestClient(create_app(ws), follow_redirects=False)

    def call(method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {token}"}
        return client.request(method, "/api/v1" + path, headers=headers, **kw)

    call.ws, call.fake, call.client = ws, fake, client  # type: ignore[attr-defined]
    return call


def _api_draft(api, **body) -> int:
    created = api("POST", "/drafts", json={"kind": "announcement", "source": "masto",
                                           "text": NEWS, **body})  # fmt: skip
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["kind"], draft["post_id"], draft["source"], draft["verdict"]) == (
        "announcement", None, "masto", "ok")  # fmt: skip
    approved = api("POST", f"/drafts/{draft['draft_id']}/approve")
    assert approved.status_code == 200, approved.text
    return draft["draft_id"]


def test_the_api_writes_and_publishes_a_post_of_ours_once(api, server):
    draft_id = _api_draft(api)
    done = api("POST", f"/drafts/{draft_id}/publish")
    assert done.status_code == 200, done.text
    assert done.json()["native_id"] == api.fake.statuses[-1]["id"]
    again = api("POST", f"/drafts/{draft_id}/publish")
    assert again.json() == done.json() | {"again": True}
    assert len(server.hits("/api/v1/statuses")) == 1
    for body in (
        {"kind": "announcement", "text": NEWS},  # no source
        {"kind": "announcement", "source": "masto", "post_id": 1, "text": NEWS},
        {"kind": "reply", "source": "masto", "text": NEWS},  # a reply needs its post
        {"kind": "advert", "source": "masto", "text": NEWS},
    ):
        assert api("POST", "/drafts", json=body).status_code == 422, body
    unknown = api("POST", "/drafts", json={"kind": "announcement", "source": "x", "text": NEWS})
    assert unknown.status_code == 400 and unknown.json()["detail"].startswith("no source 'x'")


def test_a_platform_refusal_is_502_and_credentials_stay_400(api, server, monkeypatch):
    refused = _api_draft(api)
    api.fake.fail_next = [
        Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
    ]
    answer = api("POST", f"/drafts/{refused}/publish")
    assert answer.status_code == 502, answer.text
    detail = answer.json()["detail"]
    assert "\n" not in detail and detail.startswith("masto:") and "422" in detail
    assert get_draft(api.ws, refused)["status"] == "approved"

    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-revoked")
    expired = api("POST", f"/drafts/{refused}/publish")
    assert expired.status_code == 400 and "ESCUCHA_MASTO_ACCESS_TOKEN" in expired.json()["detail"]
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    assert api("POST", f"/drafts/{refused}/publish").status_code == 200
    assert len(api.fake.statuses) == 1

    spec = api.client.get("/api/v1/openapi.json").json()["paths"]
    publish = spec["/api/v1/drafts/{draft_id}/publish"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409", "502"} <= set(publish)
    assert "422" in publish["502"]["description"]
    assert {"201", "400", "403", "404"} <= set(spec["/api/v1/drafts"]["post"]["responses"])
