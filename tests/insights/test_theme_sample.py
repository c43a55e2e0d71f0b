"""Themes of many posts: found on a sample, every post then placed in chunks."""

from __future__ import annotations

import pandas as pd
import pytest

from escucha.config import ConfigError, parse_config
from escucha.insights.themes import find_themes, sample_positions

from .conftest import topic_frame

SMALL = 150  # under the 215 posts of each language of the frame below: the sampled path


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return topic_frame(per_topic=60, noise=35)  # 215 posts per language


@pytest.fixture(scope="module")
def sampled(frame):
    return find_themes(frame, sample_above=SMALL)


def dicts(themes) -> list[dict]:
    return [t.to_dict() for t in themes]


def test_at_or_under_the_threshold_nothing_changes(frame):
    full = dicts(find_themes(frame, sample_above=0))
    assert dicts(find_themes(frame)) == full  # the default is far above 215
    assert dicts(find_themes(frame, sample_above=215)) == full  # the boundary: not sampled
    assert dicts(find_themes(frame, sample_above=214)) != full


def test_same_input_same_themes_whatever_the_order(frame, sampled):
    again = find_themes(frame.sample(frac=1, random_state=3), sample_above=SMALL)
    assert dicts(again) == dicts(sampled)
    assert dicts(find_themes(frame, sample_above=SMALL, seed=1)) != dicts(sampled)


def test_chunks_do_not_change_the_result(frame, sampled):
    for chunk in (1, 7, 100):
        assert dicts(find_themes(frame, sample_above=SMALL, chunk=chunk)) == dicts(sampled)


def test_every_post_once_with_its_native_id(frame, sampled):
    ids = [i for t in sampled for i in t.post_ids]
    assert sorted(ids) == sorted(frame["id"])
    native = dict(zip(frame["id"], frame["native_id"], strict=True))
    for theme in sampled:
        assert theme.size == len(theme.post_ids)
        assert list(theme.native_ids) == [native[i] for i in theme.post_ids]
        assert sum(vars(theme.sentiment)[k] for k in ("positive", "neutral", "negative")) == (
            theme.size
        )
    assert len({t.id for t in sampled}) == len(sampled)


def test_sampled_concerns_are_the_full_paths(frame, sampled):
    """Seed words decide alone here (the noise shares no word with the topics): the known
    concerns hold the same posts as on the full path; the quotes are each theme's posts."""
    full = {t.id: t.post_ids for t in find_themes(frame, sample_above=0) if t.concept}
    mine = {t.id: t.post_ids for t in sampled if t.concept}
    assert len(mine) == 6 and mine == full
    for theme in sampled:
        for quote in theme.quotes:
            assert quote.post_id in theme.post_ids


def test_sample_is_spread_over_the_days_and_seeded():
    created = pd.Series(
        pd.date_range("2024-01-01", periods=1000, freq="36min", tz="UTC")
    )  # 25 days, 40 posts a day
    picks = sample_positions(created, 100, seed=0)
    assert len(picks) == len(set(picks.tolist())) == 100
    assert list(picks) == sorted(picks)
    per_day = created.iloc[picks].dt.floor("D").value_counts()
    assert per_day.min() >= 3 and per_day.max() <= 5  # 4 a day, give or take one
    assert (picks == sample_positions(created, 100, seed=0)).all()
    assert (picks != sample_positions(created, 100, seed=1)).any()
    assert list(sample_positions(created, 1000, seed=0)) == list(range(1000))


def test_setting():
    assert parse_config({}).themes.sample_posts == 200_000
    assert parse_config({"themes": {"sample_posts": 0}}).themes.sample_posts == 0
    with pytest.raises(ConfigError, match="sample_posts"):
        parse_config({"themes": {"sample_posts": -1}})
    with pytest.raises(ConfigError):
        parse_config({"themes": {"sample": 5}})
