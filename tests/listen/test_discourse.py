"""Discourse against a local fake forum: every page to the end, resumable, bad posts rejected."""

from __future__ import annotations

import sqlalchemy as sa

from escucha.config import SourceConfig
from escucha.listen.collector import collect, load_cursor
from escucha.store.schema import source_rejects, source_state

from .conftest import Reply, stored
from .fake_discourse import FakeForum


def forum_config(url: str, **options) -> SourceConfig:
    return SourceConfig(
        "forum", "discourse", {"base_url": url, "allow_private_networks": True, **options}
    )


def test_every_listing_page_and_every_post_is_collected(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=5, posts=25, per_page=2)  # 3 listing pages, chunked posts
    config = forum_config(server.url)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new, result.rejected) == ("ok", 125, 0)
    assert [r[0] for r in stored(ws)] == forum.all_ids()
    assert {s.query.get("page", ["0"])[0] for s in server.hits("/latest.json")} == {"0", "1", "2"}
    assert len(server.hits("/t/1/posts.json")) == 1  # posts 21-25 in one post_ids[] request
    cursor = load_cursor(ws.engine, "forum")
    assert cursor["topics"] == {str(t): 25 for t in range(1, 6)}
    assert cursor["bumped_since"] == max(p[-1]["created_at"] for p in forum.topics.values())

    server.seen.clear()
    again = collect(ws, config, sleep=sleeps)
    assert (again.new, again.fetched) == (0, 0)
    assert [s.path for s in server.seen] == ["/latest.json"]  # stops at the last sweep's top


def test_new_replies_get_parent_and_root_ids(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=2, posts=3)
    config = forum_config(server.url)
    ws = ws_factory(config)
    collect(ws, config, sleep=sleeps)
    root = forum.topics[1][0]["id"]
    second = forum.topics[1][1]["id"]
    reply = forum.add_post(1, reply_to=2)
    plain = forum.add_post(1)
    result = collect(ws, config, sleep=sleeps)
    assert result.new == 2
    rows = {r[0]: r for r in stored(ws)}
    assert rows[str(reply)][2:] == (str(second), str(root))
    assert rows[str(plain)][2:] == (str(root), str(root))
    assert rows[str(root)][2:] == (None, None)
    assert rows[str(reply)][1] == "Topic 1 post 4: Iberia news"


def test_one_invalid_post_is_rejected_and_the_rest_kept(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=2, posts=3)
    bad = forum.topics[2][1]["id"]
    forum.bad_posts.add(bad)
    config = forum_config(server.url)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.new, result.rejected) == (5, 1)
    assert str(bad) not in [r[0] for r in stored(ws)]
    with ws.engine.connect() as conn:
        reject = conn.execute(sa.select(source_rejects)).one()
    assert reject.reason == "post: 'post_number'"
    assert reject.location == f"{server.url}/t/2.json"
    assert f'"id": {bad}' in reject.payload


def test_a_malformed_page_is_retried_then_a_clear_error(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=2, posts=2)
    forum.malformed_listing_pages = 1
    config = forum_config(server.url)
    ws = ws_factory(config)
    assert collect(ws, config, sleep=sleeps).new == 4
    assert len(sleeps) == 1

    forum.add_post(1)
    forum.malformed_listing_pages = 100
    failed = collect(ws, config, sleep=sleeps)
    assert failed.status == "error"
    assert "malformed JSON from" in failed.message and "/latest.json" in failed.message
    with ws.engine.connect() as conn:
        state = conn.execute(sa.select(source_state)).one()
    assert state.last_error == failed.message and state.collected == 4
    forum.malformed_listing_pages = 0
    assert collect(ws, config, sleep=sleeps).new == 1  # nothing was lost


def test_an_expired_api_key_is_a_clear_error(server, ws_factory, sleeps, monkeypatch):
    server.route("/latest.json", Reply(403, {"errors": ["You are not permitted to view this."]}))
    config = forum_config(server.url)
    ws = ws_factory(config)
    monkeypatch.setenv("ESCUCHA_FORUM_API_KEY", "k-123")
    monkeypatch.setenv("ESCUCHA_FORUM_API_USERNAME", "bot")
    result = collect(ws, config, sleep=sleeps)
    assert result.status == "error"
    assert result.message.startswith(f"forum: {server.url}/latest.json answered 403")
    assert "k-123" not in result.message
    sent = server.hits("/latest.json")
    assert len(sent) == 1 and sent[0].headers["Api-Key"] == "k-123"
    assert sent[0].headers["Api-Username"] == "bot"


def test_an_interrupted_run_resumes_from_the_cursor(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=6, posts=3, per_page=2)
    config = forum_config(server.url)
    ws = ws_factory(config)
    first = collect(ws, config, max_pages=2, sleep=sleeps)
    assert first.new == 6
    assert len(load_cursor(ws.engine, "forum")["topics"]) == 2
    calls = iter([False, True])
    second = collect(ws, config, stop=lambda: next(calls), sleep=sleeps)
    assert (second.status, second.new) == ("stopped", 6)
    third = collect(ws, config, sleep=sleeps)
    assert third.new == 6 and third.duplicate == 0
    assert [r[0] for r in stored(ws)] == forum.all_ids()


def test_search_collects_matching_posts_newest_first_once(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=3, posts=4)
    forum.add_post(2, text="<p>Que alguien hable de <em>Vueling</em></p>")
    forum.add_post(3, text="<p>Vueling otra vez</p>")
    config = forum_config(server.url, q="vueling")
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert result.new == 2
    assert [r[1] for r in stored(ws)] == ["Que alguien hable de Vueling", "Vueling otra vez"]
    assert server.hits("/search.json")[0].query["q"] == ["vueling order:latest"]
    assert load_cursor(ws.engine, "forum") == {"since_id": forum.next_id - 1}
    newest = forum.add_post(1, text="<p>Vueling me gusta</p>")
    assert collect(ws, config, sleep=sleeps).new == 1
    assert str(newest) in [r[0] for r in stored(ws)]


def test_a_topic_answering_404_is_rejected_and_the_run_goes_on(server, ws_factory, sleeps):
    forum = FakeForum(server, topics=3, posts=2)
    gone = forum.topics.pop(2)  # still in /latest (as Discourse lists it), its page answers 404
    latest = forum.latest

    def listing_with_the_deleted_topic(seen):
        reply = latest(seen)
        if "page" not in seen.query:  # the first page lists it, as recently bumped
            topics = reply.body["topic_list"]["topics"]
            summary = {**topics[0], "id": 2, "slug": "topic-2", "highest_post_number": len(gone)}
            topics.insert(1, summary)
        return reply

    server.route("/latest.json", listing_with_the_deleted_topic)
    config = forum_config(server.url)
    ws = ws_factory(config)
    result = collect(ws, config, sleep=sleeps)
    assert (result.status, result.new, result.rejected) == ("ok", 4, 1), result.message
    assert [r[0] for r in stored(ws)] == forum.all_ids()
    with ws.engine.connect() as conn:
        reason = conn.scalar(sa.select(source_rejects.c.reason))
    assert reason == f"topic 2 skipped: forum: {server.url}/t/2.json answered 404"

    forum.add_post(1)
    again = collect(ws, config, sleep=sleeps)
    assert (again.status, again.new, again.rejected) == ("ok", 1, 0)  # not asked for again
    assert len(server.hits("/t/2.json")) == 1
