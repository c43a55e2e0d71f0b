"""A field-only filter counted per day from the rollups and read a span of days at a time
(reads/by_day.py) gives exactly what selecting every post and ordering them gives, on both
databases: the same total and the same ids at every position, newest and oldest first."""

from __future__ import annotations

from escucha.query import parse
from escucha.reads.by_day import FieldSelection, day_counts, page_ids
from escucha.reads.posts import select_ids, sorted_ids
from escucha_testkit import BY_DAY_HEADER, BY_DAY_QUERIES, by_day_posts

OTHER_QUERIES = ["maleta", "sentiment:negative", 'NOT brand:"Iberia"', "source:t", "intent:wish"]


def _old(conn, text: str | None, version: str, sort: str) -> list[int]:
    order = sorted_ids(conn, sort)
    if text is None:
        return list(order)
    return list(order.keep(select_ids(conn, parse(text), version).ids or ()))


def test_field_filters_by_day_equal_the_selected_posts_in_order(workspace, tmp_path):
    version = by_day_posts(workspace, tmp_path)
    with workspace.engine.connect() as conn:
        for text in BY_DAY_QUERIES:
            query = None if text is None else parse(text)
            days = day_counts(conn, query, version)
            assert days is not None, text
            for sort in ("newest", "oldest"):
                old = _old(conn, text, version, sort)
                assert sum(days.values()) == len(old), (text, sort)
                whole = page_ids(conn, query, version, days, sort, 0, len(old) + 5)
                assert whole == old, (text, sort)
                for start, stop in ((0, 7), (5, 31), (30, 60), (len(old) - 3, len(old) + 10)):
                    start = max(0, start)
                    got = page_ids(conn, query, version, days, sort, start, stop)
                    assert got == old[start:stop], (text, sort, start, stop)
        assert any(len(_old(conn, t, version, "newest")) > 10 for t in BY_DAY_QUERIES[1:])


def test_what_the_rollups_cannot_count_is_left_to_the_selection(workspace, tmp_path):
    version = by_day_posts(workspace, tmp_path)
    with workspace.engine.connect() as conn:
        for text in OTHER_QUERIES:
            assert day_counts(conn, parse(text), version) is None, text
    # a post the model has not read: its language is the source's, which the rollups lack
    (tmp_path / "late.csv").write_text(
        BY_DAY_HEADER + '900,zz,2017-11-03T10:00:00Z,"@Iberia hola"\n'
    )
    workspace.import_file(tmp_path / "late.csv", source="t")
    with workspace.engine.connect() as conn:
        assert day_counts(conn, parse("lang:es"), version) is None
        days = day_counts(conn, parse("date:2017-11-03"), version)
        assert days is not None
        old = _old(conn, "date:2017-11-03", version, "newest")
        assert page_ids(conn, parse("date:2017-11-03"), version, days, "newest", 0, 999) == old


def test_a_field_selection_pages_newest_stored_first_as_the_selected_ids(workspace, tmp_path):
    version = by_day_posts(workspace, tmp_path)
    with workspace.engine.connect() as conn:
        for text in BY_DAY_QUERIES:
            query = None if text is None else parse(text)
            chosen = FieldSelection(None, query, version)
            old = select_ids(conn, query, version)
            assert chosen.total(conn) == old.total(conn), text
            for cursor, limit in ((None, 7), (None, 500), (90, 10), (3, 5)):
                assert chosen.before(conn, cursor, limit) == old.before(conn, cursor, limit)
