"""Mastodon: profiles and publishing, against the local fake instance."""

from __future__ import annotations

import pytest

from escucha.errors import UserError
from escucha.listen.http import AuthFailed, SourceError
from escucha.listen.sources import make_source
from escucha.listen.sources.base import Profile
from escucha.listen.sources.writing import can_publish

from .conftest import Reply
from .fake_mastodon import FakeMastodon
from .test_mastodon import masto


def source(server, sleeps, token: str | None = "tok-1", **options):
    config = masto(server.url, **options)
    credentials = {"access_token": token} if token else {}
    return make_source(config, credentials, sleep=sleeps)


def test_a_reply_is_published_once_with_its_id_url_and_time(server, sleeps):
    fake = FakeMastodon(server, token="tok-1")
    parent = fake.post("¿Dónde está mi maleta?", acct="ana")
    masto_source = source(server, sleeps)
    assert can_publish(masto_source)
    published = masto_source.reply(parent, "Te escribimos por privado.", "key-1")
    sent = server.hits("/api/v1/statuses")
    assert len(sent) == 1 and sent[0].headers["Idempotency-Key"] == "key-1"
    fields = sent[0].fields()
    assert (fields["status"], fields["in_reply_to_id"]) == ("Te escribimos por privado.", parent)
    assert published.native_id == fake.statuses[-1]["id"]
    assert published.url == fake.statuses[-1]["url"]
    assert published.created_at is not None and published.created_at.tzinfo is not None


def test_a_retry_after_a_timeout_does_not_post_twice(server, sleeps):
    fake = FakeMastodon(server, token="tok-1")
    parent = fake.post("hola", acct="ana")
    fake.slow_posts, fake.post_delay = 1, 1.5  # published, but the answer comes too late
    masto_source = source(server, sleeps, timeout=0.5)
    published = masto_source.reply(parent, "Gracias por avisar", "key-7")
    assert len(server.hits("/api/v1/statuses")) == 2 and len(sleeps) == 1
    assert [s["id"] for s in fake.statuses].count(published.native_id) == 1
    assert len(fake.statuses) == 2  # the parent and one reply
    again = masto_source.reply(parent, "Gracias por avisar", "key-7")
    assert again == published and len(fake.statuses) == 2


def test_refusals_are_one_clear_error(server, sleeps):
    fake = FakeMastodon(server, token="tok-1")
    parent = fake.post("hola", acct="ana")
    with pytest.raises(AuthFailed) as refused:
        source(server, sleeps, token="old").reply(parent, "hola", "k")
    assert str(refused.value) == (
        f"masto: {server.url} refused the access token (401/403): it is missing, expired or "
        "lacks the read scope"
    )
    with pytest.raises(AuthFailed, match="publishing needs an access token"):
        source(server, sleeps, token=None).reply(parent, "hola", "k")
    with pytest.raises(SourceError) as invalid:
        source(server, sleeps, max_post_chars=600).reply(parent, "x" * 550, "k")
    assert str(invalid.value) == (
        f"masto: {server.url} refused the request (422): "
        "Validation failed: Text character limit of 500 exceeded"
    )
    assert sleeps == [] and len(fake.statuses) == 1


def test_the_size_limit_is_checked_before_sending(server, sleeps):
    FakeMastodon(server, token="tok-1")
    with pytest.raises(UserError) as too_long:
        source(server, sleeps).post("á" * 501, "k")
    assert str(too_long.value) == (
        "masto: a mastodon post holds at most 500 characters; this one has 501"
    )
    with pytest.raises(UserError, match="empty"):
        source(server, sleeps).post("   ", "k")
    assert server.hits("/api/v1/statuses") == []


def test_a_new_post_and_a_profile(server, sleeps):
    fake = FakeMastodon(server, token="tok-1")
    published = source(server, sleeps).post("Nuevas rutas este verano", "key-2")
    assert fake.statuses[-1]["in_reply_to_id"] is None
    assert published.native_id == fake.statuses[-1]["id"]
    profile = source(server, sleeps).profile("@luis@otra.example")
    assert profile == Profile(
        platform="mastodon",
        instance="127.0.0.1",
        account_id="42",
        handle="luis@otra.example",
        display_name="Luis",
        followers=10,
        profile_url="https://mastodon.example/@luis@otra.example",
    )
    with pytest.raises(SourceError, match="answered 404"):
        source(server, sleeps).profile("nadie")


def test_a_write_that_never_gets_an_answer_gives_up_saying_so(server, sleeps):
    fake = FakeMastodon(server, token="tok-1")
    fake.fail_next = [Reply(503, "<html>down</html>"), Reply(502, "<html>down</html>")]
    with pytest.raises(SourceError) as unknown:
        source(server, sleeps, max_retries=1).post("Hola a todos", "key-3")
    assert str(unknown.value) == (
        "masto: server error 502; the post may or may not be published (gave up after 2 "
        "attempts; retry with the same idempotency key)"
    )
    assert len(server.hits("/api/v1/statuses")) == 2 and len(sleeps) == 1
