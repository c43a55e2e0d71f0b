"""Themes: recovery of a known grouping, determinism, languages, quotes, trend rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from escucha.insights.themes import find_themes, trend

from .conftest import post, topic_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return topic_frame()


@pytest.fixture(scope="module")
def themes(frame):
    return find_themes(frame)


def assignment(themes, frame) -> dict[int, str]:
    return {i: t.id for t in themes for i in t.post_ids}


@pytest.mark.parametrize("concepts", [True, False])
def test_recovers_known_topics_in_both_languages(frame, concepts):
    """With the concern map (the topics are known concerns) and from the data alone: three
    themes hold the topics; the noise posts may share words enough to form their own."""
    from sklearn.metrics import adjusted_rand_score

    found_themes = find_themes(frame, concepts=concepts)
    given = assignment(found_themes, frame)
    topic = dict(zip(frame["id"], frame["topic"], strict=True))
    for lang in ("en", "es"):
        real = [t for t in found_themes if t.lang == lang and not t.other]
        topical = [
            t for t in real if sum(isinstance(topic[i], str) for i in t.post_ids) > t.size / 2
        ]
        assert len(topical) == 3, [t.label for t in real]
        if concepts:
            assert all(t.concept for t in topical)
        posts = frame[(frame["lang"] == lang) & frame["topic"].notna()]
        found = [given[i] for i in posts["id"]]
        assert adjusted_rand_score(posts["topic"], found) >= 0.8


def test_each_theme_is_mostly_one_topic(themes, frame):
    topic = dict(zip(frame["id"], frame["topic"], strict=True))
    for theme in themes:
        if not theme.other and theme.size >= 10:
            counts = pd.Series([topic[i] for i in theme.post_ids]).value_counts(dropna=False)
            assert counts.iloc[0] / theme.size >= 0.9, theme.label


def test_labels_are_in_the_posts_language(themes):
    words = {
        lang: {w for t in themes if t.lang == lang for w in t.label.replace("/", " ").split()}
        for lang in ("en", "es")
    }
    assert words["es"] & {"maleta", "retraso", "atencion", "atención", "cliente", "equipaje"}
    assert words["en"] & {"bag", "luggage", "delayed", "customer", "service", "late"}
    assert not words["es"] & words["en"]


def test_same_input_same_themes_whatever_the_order(themes, frame):
    again = find_themes(frame.sample(frac=1, random_state=7))
    assert [(t.id, t.label, t.post_ids, t.quotes) for t in again] == [
        (t.id, t.label, t.post_ids, t.quotes) for t in themes
    ]


def test_ids_come_from_labels_and_are_unique(themes):
    ids = [t.id for t in themes]
    assert len(ids) == len(set(ids))
    for theme in themes:
        assert theme.id.startswith(f"{theme.lang}-")
        if not theme.other:
            first = theme.label.split(" / ")[0].split()[0]
            assert first.lower().replace("ó", "o") in theme.id


def test_every_post_once_and_native_ids_match(themes, frame):
    ids = [i for t in themes for i in t.post_ids]
    assert sorted(ids) == sorted(frame["id"])
    native = dict(zip(frame["id"], frame["native_id"], strict=True))
    for theme in themes:
        assert theme.native_ids == tuple(native[i] for i in theme.post_ids)
        assert theme.size == len(theme.post_ids)


def test_quotes_belong_to_their_theme_and_differ(themes):
    for theme in themes:
        assert 1 <= len(theme.quotes) <= 3
        assert {q.post_id for q in theme.quotes} <= set(theme.post_ids)
        assert len({q.text for q in theme.quotes}) == len(theme.quotes)
        if len(theme.quotes) > 1:
            assert len({q.author for q in theme.quotes}) > 1


def test_sentiment_and_brands(themes):
    for theme in themes:
        assert theme.sentiment.negative == theme.size
        assert theme.sentiment.net == -1.0
        assert theme.brands == {"Iberia": theme.size}


def test_lang_filter_and_fixed_number(frame):
    only = find_themes(frame, lang="es", n_themes=2, concepts=False)
    assert {t.lang for t in only} == {"es"}
    assert len([t for t in only if not t.other]) <= 2


def test_tiny_input_goes_to_other():
    frame = pd.DataFrame([post(i, f"hola {i}", "es") for i in range(1, 4)])
    (only,) = find_themes(frame)
    assert only.other and only.size == 3 and only.label == "otros"


def test_trend_rule():
    rising = trend("D", (), earlier=10, earlier_all=200, later=40, later_all=200)
    assert rising.direction == "rising"
    assert trend("D", (), 40, 200, 10, 200).direction == "falling"
    assert trend("D", (), 20, 200, 22, 200).direction == "flat"  # within noise
    assert trend("D", (), 2, 10, 4, 10).direction == "flat"  # too few to be significant
    assert trend("D", (), 0, 0, 5, 10).direction == "flat"


def test_trend_of_a_theme_that_grows(frame):
    late = frame.copy()
    start = datetime(2024, 3, 1, tzinfo=UTC)
    hours = late["created_at"].rank(method="first").astype(int)
    late["created_at"] = [start + timedelta(hours=int(h)) for h in hours]
    bags = (late["topic"] == "luggage").to_numpy()
    # every luggage post moves to the end of the span: its share can only grow
    late.loc[bags, "created_at"] = start + timedelta(hours=len(late) + 1)
    found = find_themes(late, lang="en")
    luggage = next(t for t in found if {"bag", "luggage"} & {w for w, _ in t.terms})
    assert luggage.trend.direction == "rising"
    assert sum(n for _, n in luggage.trend.periods) == luggage.size
    others = [t for t in found if t is not luggage and not t.other]
    assert others and all(t.trend.direction != "rising" for t in others)
