"""The web's pages read the posts frame with the columns they need (compact), and
`escucha serve` warms those pages at start-up only up to `[web] warm_frame_posts` posts."""

from __future__ import annotations

import pandas as pd
import pytest

from escucha.config import ConfigError, WebLimits, parse_config
from escucha.web.app import _warm, create_app
from escucha.web.context import WebSettings
from escucha.web.service import Insights


def _insights(workspace, **limits) -> Insights:
    app = create_app(workspace, WebSettings(limits=WebLimits(**limits)))
    return Insights(app.state.web)


def test_the_pages_from_the_narrow_frame_are_those_of_every_column(env, monkeypatch):
    narrow = _insights(env.workspace)
    full = _insights(env.workspace)
    monkeypatch.setattr(full, "insight_frame", full.frame)
    assert set(narrow.insight_frame().columns) < set(full.frame().columns)
    assert narrow.scope_themes() == full.scope_themes()
    pd.testing.assert_frame_equal(narrow.competitors(), full.competitors())
    assert narrow.opportunities() == full.opportunities()
    assert narrow.drivers(None, None) == full.drivers(None, None)
    finding = narrow.scope_themes()
    theme = finding.themes["complaint"][0]
    brand = next(iter(theme.brands))
    assert narrow.theme_post_ids(theme, brand) == full.theme_post_ids(theme, brand)


@pytest.mark.parametrize("limit, warmed", [(10**6, True), (10, False), (0, False)])
def test_the_warm_up_reads_every_post_only_up_to_the_limit(env, monkeypatch, limit, warmed):
    from escucha import frames

    read = []
    real = frames.posts_frame
    monkeypatch.setattr(frames, "posts_frame", lambda *a, **k: read.append(k) or real(*a, **k))
    insights = _insights(env.workspace, warm_frame_posts=limit)
    _warm(insights.ctx)
    assert bool(read) is warmed
    assert insights.overview()["posts"] > 10  # the SQL-based parts are warmed either way
    cached = {key[0] for key in insights.ctx.cache._values}
    assert {"overview", "charts", "intent_counts", "day_counts", "window", "honesty"} <= cached
    # each period preset against the previous one, as the overview's chips ask for it
    compared = [key for key in insights.ctx.cache._values if key[0] == "comparison"]
    assert len(compared) == 3
    assert ("competitors" in cached) is warmed
    assert ("order" in cached) is warmed  # a free-text search's order: every post's ids


def test_warm_frame_posts_is_a_whole_number_from_zero():
    assert parse_config({"web": {"warm_frame_posts": 0}}).web.warm_frame_posts == 0
    assert WebLimits().warm_frame_posts == 1_000_000
    with pytest.raises(ConfigError, match="warm_frame_posts"):
        parse_config({"web": {"warm_frame_posts": -1}})
