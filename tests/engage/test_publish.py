"""Publishing approved drafts through the source that collected the post, at most once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from escucha.config import SourceConfig
from escucha.engage.drafts import Actor, approve_draft, create_draft, get_draft
from escucha.engage.inbox import InboxFilters, list_inbox, refresh_inbox
from escucha.engage.publish import publish_draft
from escucha.errors import Conflict, Upstream, UserError
from escucha.store.schema import contact_identities, interactions, posts, publications
from listen.conftest import Reply
from listen.fake_bluesky import FakeAppView
from listen.fake_mastodon import FakeMastodon

from .conftest import masto
from .helpers import add_post, mentions_us, read_as

ADMIN = Actor("marta", "admin")
TEXT = "Hola Ana, lo sentimos. Escríbenos por privado con tu localizador y lo miramos."


def _setup(engage_ws, server, monkeypatch, token="tok-1", **options):
    fake = FakeMastodon(server, token="tok-1")
    native = fake.post("¿Dónde está mi maleta, Iberia?", acct="ana")
    ws = engage_ws(masto(server.url, **options))
    if token:
        monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", token)
    else:
        monkeypatch.delenv("ESCUCHA_MASTO_ACCESS_TOKEN", raising=False)
    post = add_post(ws, native, "¿Dónde está mi maleta, Iberia?", author="ana")
    read_as(ws, post, "question")
    mentions_us(ws, post)
    refresh_inbox(ws)
    return fake, ws, post, native


def _approved(ws, post, text=TEXT) -> dict:
    draft = create_draft(ws, post, text, by="luis")
    approve_draft(ws, draft["draft_id"], ADMIN)
    return get_draft(ws, draft["draft_id"]) | {"key": _key(ws, draft["draft_id"])}


def _key(ws, draft_id: int) -> str:
    from escucha.store.schema import drafts

    with ws.engine.connect() as conn:
        return conn.scalar(select(drafts.c.idempotency_key).where(drafts.c.id == draft_id))


def test_a_reply_is_published_once_stored_in_the_thread_answered_and_given(
    engage_ws, server, sleeps, monkeypatch
):
    fake, ws, post, native = _setup(engage_ws, server, monkeypatch)
    draft = _approved(ws, post)
    done = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    (sent,) = server.hits("/api/v1/statuses")
    assert sent.headers["Idempotency-Key"] == draft["key"]
    assert (sent.fields()["status"], sent.fields()["in_reply_to_id"]) == (TEXT, native)
    assert done == {
        "published": True,
        "native_id": fake.statuses[-1]["id"],
        "url": fake.statuses[-1]["url"],
        "again": False,
    }
    with ws.engine.connect() as conn:
        ours = conn.execute(
            select(posts).where(posts.c.native_id == done["native_id"], posts.c.source == "masto")
        ).one()
        contact = conn.scalar(
            select(contact_identities.c.contact_id).where(
                contact_identities.c.author_id
                == select(posts.c.author_id).where(posts.c.id == post).scalar_subquery()
            )
        )
        (give,) = conn.execute(select(interactions)).all()
    assert (ours.text, ours.parent_id, ours.author_handle) == (TEXT, native, "iberia")
    assert (give.kind, give.contact_id, give.ref) == ("give:answer", contact, f"post:{ours.id}")
    (item,) = list_inbox(ws, InboxFilters())
    assert item["status"] == "answered" and item["response_seconds"] is not None
    assert get_draft(ws, draft["draft_id"])["status"] == "published"

    again = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert again == done | {"again": True}
    assert len(server.hits("/api/v1/statuses")) == 1  # no API call
    refresh_inbox(ws)  # our stored reply is found in the thread too: nothing changes
    with ws.engine.connect() as conn:
        assert len(conn.execute(select(interactions)).all()) == 1


def test_a_timeout_after_the_server_accepted_does_not_post_twice(
    engage_ws, server, sleeps, monkeypatch
):
    fake, ws, post, _ = _setup(engage_ws, server, monkeypatch, timeout=0.5)
    draft = _approved(ws, post)
    fake.slow_posts, fake.post_delay = 1, 1.5  # accepted, answered too late
    done = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert len(server.hits("/api/v1/statuses")) == 2 and len(fake.statuses) == 2
    assert done["native_id"] == fake.statuses[-1]["id"]


def test_a_publish_that_gave_up_is_retried_with_the_same_key(
    engage_ws, server, sleeps, monkeypatch
):
    fake, ws, post, _ = _setup(engage_ws, server, monkeypatch, timeout=0.5, max_retries=0)
    draft = _approved(ws, post)
    fake.slow_posts, fake.post_delay = 1, 1.5
    with pytest.raises(Upstream, match="may or may not be published"):
        publish_draft(ws, draft["draft_id"], sleep=sleeps)
    with ws.engine.connect() as conn:
        sending = conn.execute(select(publications)).one()
    assert (sending.state, sending.idempotency_key, sending.attempts) == (
        "sending",
        draft["key"],
        1,
    )
    assert len(fake.statuses) == 2  # the instance made it; we do not know yet
    done = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert len(fake.statuses) == 2 and done["native_id"] == fake.statuses[-1]["id"]
    keys = {s.headers["Idempotency-Key"] for s in server.hits("/api/v1/statuses")}
    assert keys == {draft["key"]}


def test_a_403_names_the_variable_too(engage_ws, server, sleeps, monkeypatch):
    fake, ws, post, _ = _setup(engage_ws, server, monkeypatch)
    draft = _approved(ws, post)
    fake.fail_next = [Reply(403, {"error": "This action is outside the authorized scopes"})]
    with pytest.raises(UserError, match="ESCUCHA_MASTO_ACCESS_TOKEN"):
        publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert sleeps == [] and len(fake.statuses) == 1


@pytest.mark.parametrize("token", ["tok-old-123", None])
def test_refused_credentials_name_the_variable(engage_ws, server, sleeps, monkeypatch, token):
    fake, ws, post, _ = _setup(engage_ws, server, monkeypatch, token=token)
    draft = _approved(ws, post)
    with pytest.raises(UserError) as refused:
        publish_draft(ws, draft["draft_id"], sleep=sleeps)
    message = str(refused.value)
    assert "\n" not in message and "ESCUCHA_MASTO_ACCESS_TOKEN" in message
    assert "tok-old-123" not in message  # the token itself is never shown
    assert len(fake.statuses) == 1 and sleeps == []
    assert get_draft(ws, draft["draft_id"])["status"] == "approved"


def test_a_parent_deleted_upstream_is_a_clear_error(engage_ws, server, sleeps, monkeypatch):
    fake, ws, post, native = _setup(engage_ws, server, monkeypatch)
    draft = _approved(ws, post)
    fake.statuses.clear()  # the author deleted it
    with pytest.raises(Upstream, match=f"has no post {native} to reply to"):
        publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert get_draft(ws, draft["draft_id"])["status"] == "approved"


def test_html_is_sent_as_plain_text(engage_ws, server, sleeps, monkeypatch):
    _, ws, post, _ = _setup(engage_ws, server, monkeypatch)
    text = "<b>Hola</b> <a href='javascript:x'>aquí</a> &amp; gracias"
    draft = _approved(ws, post, text)
    publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert server.hits("/api/v1/statuses")[0].fields()["status"] == text


def test_only_approved_drafts_are_published(engage_ws, server, sleeps, monkeypatch):
    _, ws, post, _ = _setup(engage_ws, server, monkeypatch)
    draft = create_draft(ws, post, TEXT)
    with pytest.raises(Conflict, match=f"draft {draft['draft_id']} is pending"):
        publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert server.hits("/api/v1/statuses") == []


def test_sources_that_cannot_write_are_refused_in_one_line(engage_ws, sleeps):
    ws = engage_ws(SourceConfig("blog", "rss", {"url": "https://blog.example.org/feed"}))
    from_feed = add_post(ws, "e1", "¿Iberia vuela a Lima?", source="blog", platform="rss")
    imported = add_post(ws, "f1", "¿Iberia vuela a Quito?", source="tweets", platform="tweets")
    for post in (from_feed, imported):
        read_as(ws, post, "question")
    feed_draft = _approved(ws, from_feed)
    file_draft = _approved(ws, imported)
    with pytest.raises(UserError, match="source 'blog' \\(rss\\) cannot publish: rss sources"):
        publish_draft(ws, feed_draft["draft_id"], sleep=sleeps)
    with pytest.raises(UserError, match="came from 'tweets', which is not a configured source"):
        publish_draft(ws, file_draft["draft_id"], sleep=sleeps)


def test_bluesky_a_reply_in_the_thread_once_and_a_deleted_parent(
    engage_ws, server, sleeps, monkeypatch
):
    view = FakeAppView(server)
    root = view.post("¿Hay huelga mañana, Iberia?", handle="ana.bsky.social")
    gone = view.post("Iberia, ¿y mi vuelo?", handle="luis.bsky.social", reply_to=root)
    ws = engage_ws(
        SourceConfig("sky", "bluesky", {"allow_private_networks": True, "base_url": server.url,
                                        "timeout": 0.5})
    )  # fmt: skip
    monkeypatch.setenv("ESCUCHA_SKY_HANDLE", "iberia.com")
    monkeypatch.setenv("ESCUCHA_SKY_APP_PASSWORD", "app-pass-1")
    asked = add_post(ws, root, "¿Hay huelga mañana, Iberia?", source="sky", platform="bluesky")
    other = add_post(ws, gone, "Iberia, ¿y mi vuelo?", source="sky", platform="bluesky",
                     author="luis", parent=root, root=root)  # fmt: skip
    for post in (asked, other):
        read_as(ws, post, "question")
    draft = _approved(ws, asked, "No, operamos con normalidad.")
    view.slow_creates, view.create_delay = 1, 1.5  # created, answered too late
    done = publish_draft(ws, draft["draft_id"], sleep=sleeps)
    assert len(view.records) == 1
    (record,) = view.records.values()
    assert record["reply"]["root"]["uri"] == root and record["reply"]["parent"]["uri"] == root
    assert done["native_id"].startswith("at://")
    assert publish_draft(ws, draft["draft_id"], sleep=sleeps)["native_id"] == done["native_id"]
    view.posts = [p for p in view.posts if p["uri"] != gone]  # deleted upstream
    orphan = _approved(ws, other, "Lo miramos, Luis.")
    with pytest.raises(Upstream, match=rf"Bluesky has no post {re.escape(gone)} \(deleted"):
        publish_draft(ws, orphan["draft_id"], sleep=sleeps)
    assert len(view.records) == 1
