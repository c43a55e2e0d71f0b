"""Counts read by SQL give the same metrics as a posts frame's own counts."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from escucha.insights import (
    net_sentiment,
    net_sentiment_from_counts,
    share_from_counts,
    share_of_voice,
    volume_from_counts,
    volume_over_time,
)
from escucha.reads.mentions import mention_counts
from escucha.reads.versions import data_version
from escucha.web.cache import VersionedCache


def _counts(env):
    from escucha.enrich import current_model_version

    with env.workspace.engine.connect() as conn:
        return mention_counts(conn, current_model_version())


def test_share_of_voice_and_net_sentiment_match(env):
    counts, frame = _counts(env), env.workspace.posts()
    for by_lang in (True, False):
        assert_frame_equal(
            share_from_counts(counts, by_lang=by_lang),
            share_of_voice(frame, by_lang=by_lang),
            check_dtype=False,
        )
        assert_frame_equal(
            net_sentiment_from_counts(counts, by_lang=by_lang),
            net_sentiment(frame, by_lang=by_lang),
            check_dtype=False,
        )


def test_volume_matches_when_no_stray_date_is_trimmed(env):
    """Under 200 mentions per language the 0.5% trim drops nothing: exactly equal."""
    from escucha.enrich import current_model_version

    frame = env.workspace.posts()
    subset = frame[frame["id"] % 4 == 0]
    with env.workspace.engine.connect() as conn:
        counts = mention_counts(conn, current_model_version(), list(subset["id"]))
    for freq in ("auto", "D", "W"):
        ours = volume_from_counts(counts, freq=freq)
        theirs = volume_over_time(subset, freq=freq)
        assert_frame_equal(ours, theirs, check_dtype=False)


def test_volume_trims_whole_days_so_it_differs_at_most_on_the_edges(env):
    counts, frame = _counts(env), env.workspace.posts()
    ours = volume_from_counts(counts, freq="D")
    theirs = volume_over_time(frame, freq="D")
    assert len(ours) == len(theirs)
    assert abs(ours["mentions"].sum() - theirs["mentions"].sum()) <= 0.01 * len(frame)


def test_counts_of_a_selection_add_up_across_chunks(env):
    from escucha.enrich import current_model_version
    from escucha.reads.posts import Selection

    with env.workspace.engine.connect() as conn:
        every = tuple(conn.scalars(__import__("sqlalchemy").text("select id from posts")))
        selection = Selection(every)
        chunked = mention_counts(conn, current_model_version(), selection.ids)
    whole = _counts(env)
    keys = ["lang", "brand", "sentiment", "day"]
    assert_frame_equal(
        chunked.sort_values(keys).reset_index(drop=True),
        whole.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
    )


def test_empty_store_gives_empty_tables(tmp_path, monkeypatch):
    from escucha.enrich import current_model_version
    from escucha.workspace import init_workspace

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    ws = init_workspace(tmp_path / "empty")
    with ws.engine.connect() as conn:
        counts = mention_counts(conn, current_model_version())
    assert share_from_counts(counts).empty
    assert net_sentiment_from_counts(counts).empty
    assert volume_from_counts(counts).empty


def test_the_cache_recomputes_only_when_the_data_changes():
    cache, calls = VersionedCache(maxsize=2), []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.get("k", 1, compute) == 1
    assert cache.get("k", 1, compute) == 1
    assert cache.get("k", 2, compute) == 2
    cache.get("a", 2, compute), cache.get("b", 2, compute)  # evicts "k"
    assert cache.get("k", 2, compute) == 5


def test_the_data_version_moves_with_new_posts(env, tmp_path):
    from escucha.enrich import current_model_version

    with env.workspace.engine.connect() as conn:
        before = data_version(conn, current_model_version())
    assert before == data_version(env.workspace.engine.connect(), current_model_version())
    assert isinstance(pd.DataFrame(), pd.DataFrame)


POSTS = """id,author,created_at,text
1,ana,2017-11-03T10:00:00Z,"@Iberia me habéis perdido la maleta otra vez, es una vergüenza"
2,bob,2017-11-03T23:30:00-02:00,"@Ryanair ojalá pusierais más vuelos a Santander, sería genial"
3,cy,2015-02-24T10:00:00Z,"@united I wish you had more legroom, please add it to the app"
4,di,2015-02-25T11:00:00Z,"@united worst customer service ever, lost my bag and nobody answers"
5,ed,2015-03-24T12:00:00Z,"Thanks @united and @Iberia, the crew was wonderful!"
6,fa,,"@united no date on this one, still counts"
"""


def test_reading_every_post_again_moves_the_data_version(workspace, tmp_path):
    """`analyze --all` replaces this model version's readings in place (no new enrichment
    id): the generation moves, so the pages' kept values are computed again."""
    from escucha.enrich import current_model_version

    (tmp_path / "posts.csv").write_text(POSTS)
    workspace.import_file(tmp_path / "posts.csv", source="t")
    workspace.analyze()
    with workspace.engine.connect() as conn:
        before = data_version(conn, current_model_version())
    workspace.analyze(everything=True)
    with workspace.engine.connect() as conn:
        after = data_version(conn, current_model_version())
    assert after[:3] == before[:3]  # the same model, the same top post and enrichment ids
    assert after != before


def test_sql_aggregates_agree_on_each_database(workspace, tmp_path):
    """The day of a post is its UTC day on SQLite and PostgreSQL alike."""
    from escucha.enrich import current_model_version

    (tmp_path / "posts.csv").write_text(POSTS)
    workspace.import_file(tmp_path / "posts.csv", source="t")
    workspace.analyze()
    frame = workspace.posts()
    with workspace.engine.connect() as conn:
        counts = mention_counts(conn, current_model_version())
    assert "2017-11-04" in set(counts["day"])  # 23:30 at UTC-2 is the next UTC day
    assert_frame_equal(share_from_counts(counts), share_of_voice(frame), check_dtype=False)
    assert_frame_equal(net_sentiment_from_counts(counts), net_sentiment(frame), check_dtype=False)
    assert_frame_equal(volume_from_counts(counts), volume_over_time(frame), check_dtype=False)
