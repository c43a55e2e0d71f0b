"""The explorer's and the API's pages of a field-only filter, counted from the rollups and
read a span of days at a time, are those of the order of every selected post, on both
databases (reads/by_day.py; tests/foundation/test_by_day.py checks the read layer)."""

from __future__ import annotations

import pytest

from escucha.query import parse
from escucha.web.app import create_app
from escucha.web.context import WebSettings
from escucha.web.service import Insights
from escucha_testkit import BY_DAY_QUERIES, by_day_posts


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_the_explorer_and_the_api_show_the_same_pages_as_before(workspace, tmp_path, sort):
    by_day_posts(workspace, tmp_path)
    app = create_app(workspace, WebSettings(limits=workspace.config.web))
    insights = Insights(app.state.web)
    for text in BY_DAY_QUERIES:
        query = None if text is None else parse(text)
        assert insights.day_counts(query) is not None
        order = insights.ordered(query, sort)
        assert insights.selected(query, sort) == len(order)
        assert insights.window(query, sort, 3, 40) == order[3:40]
        assert insights.window(query, sort, 0, 10_000) == order[0:10_000]


def test_the_api_lists_a_field_filter_as_its_selected_posts(workspace, tmp_path):
    by_day_posts(workspace, tmp_path)
    app = create_app(workspace, WebSettings(limits=workspace.config.web))
    insights = Insights(app.state.web)
    for text in BY_DAY_QUERIES:
        query = None if text is None else parse(text)
        listed, total = insights.listing(query)
        selection = insights.selection(query)
        assert total == insights.total(selection)
        with workspace.engine.connect() as conn:
            for cursor in (None, 120, 40):
                assert listed.before(conn, cursor, 30) == selection.before(conn, cursor, 30)
