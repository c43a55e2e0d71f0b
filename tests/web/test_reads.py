"""The read layer: one column list, one health decision (the import rules that keep faces off
the tables are in tests/architecture)."""

from __future__ import annotations

from datetime import UTC, datetime

from escucha.reads.posts import EXPORT_COLUMNS, POST_COLUMNS
from escucha.reads.sources import Health, ImportRun, SourceState, decide_health

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def _state(last_ok_at=None, last_error=None) -> SourceState:
    return SourceState("s", "rss", last_ok_at, last_error, 0)


def _run(status: str, message: str | None = None) -> ImportRun:
    return ImportRun(1, "s", "f.csv", NOW, NOW, status, 0, 0, 0, None, message)


def test_the_health_of_a_source():
    assert decide_health(_state(NOW, "timed out"), _run("done")) == Health("failing", "timed out")
    assert decide_health(_state(NOW), _run("failed", "bad file")) == Health("ok")
    assert decide_health(None, _run("done")) == Health("ok")
    assert decide_health(_state(), _run("failed", "bad file")) == Health("failing", "bad file")
    assert decide_health(None, _run("running")) == Health("unknown")
    assert decide_health(None, None) == Health("unknown")


def test_every_face_shows_columns_of_the_one_list(env, client):
    frame = env.workspace.posts()
    assert list(frame.columns) == list(POST_COLUMNS)
    assert set(EXPORT_COLUMNS) <= set(POST_COLUMNS)
    token = env.tokens["vic-read"]
    body = client.get("/api/v1/posts?limit=1", headers={"Authorization": f"Bearer {token}"})
    assert list(body.json()["items"][0]) == list(EXPORT_COLUMNS)


def test_the_frame_counts_its_mentions_as_the_store_does(env):
    from pandas.testing import assert_frame_equal

    from escucha.enrich import current_model_version
    from escucha.insights import count_mentions
    from escucha.reads.mentions import REACH_COLUMNS, mention_counts

    keys = ["lang", "brand", "sentiment"]
    with env.workspace.engine.connect() as conn:
        stored = mention_counts(conn, current_model_version())
    stored = stored.groupby(keys)[["mentions", *REACH_COLUMNS]].sum().reset_index()
    assert_frame_equal(stored, count_mentions(env.workspace.posts()), check_dtype=False)


def test_an_order_of_posts_keeps_a_selection_in_its_order():
    from escucha.reads.posts import PostOrder

    order = PostOrder([7, 3, 9, 1, 5])
    assert len(order) == 5 and order[0] == 7 and order[1:3] == (3, 9)
    assert order.keep((1, 5, 7, 8, 12))[:] == (7, 1, 5)  # 8 and 12: not in the order
    assert len(order.keep(())) == 0 and len(PostOrder(()).keep((1,))) == 0


def test_the_explorer_orders_a_query_as_the_frame_does(env, analyst):
    import re

    frame = env.workspace.posts()
    dated = frame.dropna(subset=["created_at"])
    chosen = dated[dated["lang"] == "en"]
    newest = list(chosen.sort_values(["created_at", "id"], ascending=False)["id"])
    assert 25 < len(newest) < len(dated)
    page = analyst.get("/explore", params={"lang": "en"}).text
    assert [int(i) for i in re.findall(r'href="/posts/(\d+)"', page)] == newest[:25]
