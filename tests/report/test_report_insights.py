"""Exact values of the aggregate functions on the tiny hand-made frame."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from escucha.insights import (
    active_authors,
    competitor_table,
    coverage,
    intent_rates,
    mentions,
    net_score,
    net_sentiment,
    share_of_voice,
    volume_over_time,
)


def test_mentions_has_one_row_per_post_and_brand(tiny_posts):
    rows = mentions(tiny_posts)
    assert sorted(zip(rows["id"], rows["brand"], strict=True)) == [
        (1, "Acme"), (2, "Acme"), (3, "Acme"), (3, "Globex"), (4, "Acme"), (5, "Acme"),
        (6, "Globex"), (7, "Globex"),
    ]  # fmt: skip


def test_mentions_does_not_change_its_input(tiny_posts):
    before = tiny_posts.copy()
    mentions(tiny_posts)
    pd.testing.assert_frame_equal(tiny_posts, before)


def test_share_of_voice_per_language(tiny_posts):
    share = share_of_voice(tiny_posts)
    got = {(r.lang, r.brand): (r.mentions, r.share) for r in share.itertuples()}
    assert got == {
        ("en", "Acme"): (5, pytest.approx(5 / 6)),
        ("en", "Globex"): (1, pytest.approx(1 / 6)),
        ("es", "Globex"): (2, pytest.approx(1.0)),
    }
    assert list(share["brand"]) == ["Acme", "Globex", "Globex"]  # per language, most first


def test_share_of_voice_overall(tiny_posts):
    share = share_of_voice(tiny_posts, by_lang=False)
    assert list(share["brand"]) == ["Acme", "Globex"]
    assert list(share["mentions"]) == [5, 3]
    assert share["share"].tolist() == pytest.approx([5 / 8, 3 / 8])


def _with_counts(posts: pd.DataFrame) -> pd.DataFrame:
    """ana (posts 1, 2) has 100 followers then 300; bob (3, 4) 1,000; post 5 no count; Globex's
    Spanish posts 6 and 7 have 50 followers. Engagement: post 1 has 7, post 4 has 2."""
    followers = {1: 100, 2: 300, 3: 1000, 4: 1000, 6: 50, 7: 50}
    engagement = {1: 7, 4: 2, 6: 0}
    return posts.assign(
        followers=[followers.get(i) for i in posts["id"]],
        engagement=[engagement.get(i) for i in posts["id"]],
    )


def test_share_of_voice_by_reach_counts_only_known_followers(tiny_posts):
    share = share_of_voice(_with_counts(tiny_posts)).set_index(["lang", "brand"])
    # en: Acme 100 + 300 + 1000 + 1000 (post 5 unknown), Globex 1000 (post 3 names both)
    assert share.loc[("en", "Acme"), "reach"] == 2400
    assert share.loc[("en", "Acme"), "reach_known"] == 4
    assert share.loc[("en", "Acme"), "mentions"] == 5
    assert share.loc[("en", "Acme"), "reach_share"] == pytest.approx(2400 / 3400)
    assert share.loc[("en", "Globex"), "reach_share"] == pytest.approx(1000 / 3400)
    assert share.loc[("es", "Globex"), "reach_share"] == pytest.approx(1.0)
    assert share.loc[("en", "Acme"), "share"] == pytest.approx(5 / 6)  # by mentions unchanged


def test_share_by_reach_is_empty_where_no_follower_count_is_known(tiny_posts):
    share = share_of_voice(tiny_posts)
    assert share["reach_known"].tolist() == [0, 0, 0]
    assert share["reach_share"].isna().all()


def test_top_authors_by_reach_and_by_engagement(tiny_posts):
    posts = _with_counts(tiny_posts)
    by_reach = active_authors(posts, by="reach")
    assert by_reach[["author", "followers"]].values.tolist() == [["bob", 1000], ["ana", 300]]
    by_engagement = active_authors(posts, by="engagement")
    assert by_engagement[["author", "engagement"]].values.tolist() == [["ana", 7], ["bob", 2]]
    assert "carla" not in set(active_authors(posts, by="reach")["author"])  # no count known
    with pytest.raises(ValueError, match="authors by 'likes'"):
        active_authors(posts, by="likes")


def test_net_score_and_its_interval():
    net, low, high = net_score(3, 1)
    assert net == 0.5
    assert -1 <= low < 0.5 < high <= 1
    assert net_score(30, 10)[2] - net_score(30, 10)[1] < high - low  # more posts, narrower
    assert all(math.isnan(v) for v in net_score(0, 0))


def test_net_sentiment_counts_and_small_brands(tiny_posts):
    table = net_sentiment(tiny_posts, by_lang=False).set_index("brand")
    acme = table.loc["Acme"]
    assert (acme["posts"], acme["positive"], acme["neutral"], acme["negative"]) == (5, 3, 1, 1)
    assert acme["net"] == 0.5
    assert bool(acme["too_few"])  # 4 opinionated posts < 30
    assert table.loc["Globex", "net"] == pytest.approx(-1 / 3)
    assert (
        not net_sentiment(tiny_posts, by_lang=False, min_posts=4)
        .set_index("brand")
        .loc["Acme", "too_few"]
    )


def test_net_sentiment_ignores_posts_not_analysed(tiny_posts):
    posts = tiny_posts.copy()
    posts.loc[posts["id"] == 1, "sentiment"] = None
    acme = net_sentiment(posts, by_lang=False).set_index("brand").loc["Acme"]
    assert (acme["posts"], acme["positive"], acme["net"]) == (5, 2, pytest.approx(1 / 3))


def test_volume_daily_fills_gaps_and_skips_undated(tiny_posts):
    volume = volume_over_time(tiny_posts)  # 2 to 11 March: daily bins
    en_acme = volume[(volume["lang"] == "en") & (volume["brand"] == "Acme")]
    assert set(en_acme["freq"]) == {"D"}
    assert len(en_acme) == 10 and en_acme["mentions"].sum() == 5
    assert en_acme["period"].iloc[0] == pd.Timestamp("2024-03-02", tz="UTC")
    es = volume[volume["lang"] == "es"]
    assert es[["brand", "mentions"]].values.tolist() == [["Globex", 1]]  # post 7 has no date


def test_volume_weekly_bins_start_on_monday(tiny_posts):
    volume = volume_over_time(tiny_posts, freq="W")
    en_acme = volume[(volume["lang"] == "en") & (volume["brand"] == "Acme")]
    assert [str(p.date()) for p in en_acme["period"]] == ["2024-02-26", "2024-03-04", "2024-03-11"]
    assert en_acme["mentions"].tolist() == [2, 2, 1]
    monthly = volume_over_time(tiny_posts, freq="M")
    assert monthly[monthly["lang"] == "en"]["mentions"].tolist() == [5, 1]  # Acme, Globex
    assert set(monthly["period"]) == {pd.Timestamp("2024-03-01", tz="UTC")}


def test_volume_picks_bins_per_language(demo_posts):
    volume = volume_over_time(demo_posts)
    assert volume.groupby("lang")["freq"].first().to_dict() == {"en": "D", "es": "W"}


def test_intent_rates(tiny_posts):
    rates = intent_rates(tiny_posts).set_index(["lang", "brand"])
    assert rates.loc[("en", "Acme"), "complaint_rate"] == pytest.approx(0.2)
    assert rates.loc[("en", "Acme"), "wish_rate"] == pytest.approx(0.2)
    assert rates.loc[("es", "Globex"), "complaint_rate"] == 1.0


def test_active_authors(tiny_posts):
    authors = active_authors(tiny_posts, n=2)
    assert authors[["author", "posts", "negative"]].values.tolist() == [
        ["ana", 2, 0],
        ["bob", 2, 1],
    ]
    assert authors["negative_share"].tolist() == [0.0, 0.5]


def test_active_authors_empty_without_authors(tiny_posts):
    authors = active_authors(tiny_posts.assign(author=None))
    assert authors.empty
    assert list(authors.columns) == [
        "author",
        "source",
        "posts",
        "negative",
        "negative_share",
        "followers",
        "engagement",
    ]


def test_coverage(tiny_posts):
    rows = coverage(tiny_posts).set_index("lang")
    assert rows.loc["en", "posts"] == 6 and rows.loc["es", "posts"] == 2
    assert rows.loc["en", "first"] == pd.Timestamp("2024-03-02 12:00", tz="UTC")
    assert rows.loc["es", "last"] == pd.Timestamp("2024-03-04 12:00", tz="UTC")


def test_competitor_table(tiny_posts, tiny_brands):
    table = competitor_table(tiny_posts, tiny_brands)
    assert table[["lang", "brand", "mentions"]].values.tolist() == [
        ["en", "Acme", 5],
        ["en", "Globex", 1],
        ["es", "Globex", 2],
        [None, "Initech", 0],
    ]
    acme = table.iloc[0]
    assert bool(acme["ours"]) and acme["net"] == 0.5 and acme["share"] == pytest.approx(5 / 6)
    assert acme["complaint_rate"] == pytest.approx(0.2)
    assert table.iloc[2]["complaint_rate"] == 1.0
    assert table.iloc[3]["too_few"]


def test_missing_enrichments_are_tolerated(tiny_posts):
    posts = tiny_posts.assign(lang=None, intents=None)
    assert set(share_of_voice(posts)["lang"]) == {"unknown"}
    assert intent_rates(posts)["complaint_rate"].eq(0).all()


def test_volume_axis_ignores_a_stray_date(tiny_posts):
    """One post dated years away (a wrong date, a misread language) must not stretch the axis."""
    many = pd.concat([tiny_posts] * 60, ignore_index=True)
    stray = tiny_posts.iloc[[0]].assign(created_at=pd.Timestamp("2019-01-01", tz="UTC"))
    volume = volume_over_time(pd.concat([many, stray], ignore_index=True))
    en = volume[volume["lang"] == "en"]
    assert en["period"].min() >= pd.Timestamp("2024-01-01", tz="UTC")
    assert set(en["freq"]) == {"D"}


def test_post_counts(tiny_posts):
    from escucha.insights import post_counts

    counts = post_counts(tiny_posts)
    assert (counts.total, counts.undated, counts.with_author) == (8, 1, 5)
    assert counts.per_language == {"en": 6, "es": 2}
    assert counts.outside(["en"]) == 2 and counts.outside(["en", "es"]) == 0
    assert post_counts(tiny_posts.drop(columns=["author"])).with_author == 0


def test_language_order_and_periods(tiny_posts):
    from escucha.insights import language_order, language_periods
    from escucha.insights.common import normalised

    posts = normalised(tiny_posts)
    share = share_of_voice(posts)
    assert language_order(share, posts, {"Acme"}) == ["en", "es"]
    assert language_order(share, posts, {"Globex"}) == ["es", "en"]  # ours mentioned most
    assert language_order(share, posts, set()) == ["en", "es"]  # then the most posts
    periods = language_periods(coverage(posts))
    assert periods.loc["en", "posts"] == 6
    assert periods.loc["es", "first"] == pd.Timestamp("2024-03-04 12:00", tz="UTC")


def test_flagged_counts_per_language_and_intent(tiny_posts):
    from escucha.insights.common import normalised
    from escucha.insights.flagged import flagged_counts

    counts = flagged_counts(normalised(tiny_posts), ["complaint", "wish", "any"])
    assert counts == {"en": {"complaint": 1, "wish": 1, "any": 6}, "es": {"complaint": 2, "any": 2}}


def test_top_theme_of_a_brand():
    from escucha.insights.concerns import brand_themes, concern_rows
    from escucha.insights.concerns import top_theme as top_theme_of

    from .conftest import make_theme

    themes = [
        make_theme("en-a", "lost bag", 9, brands={"Acme": 3, "Globex": 6}),
        make_theme("en-b", "refund", 4, brands={"Acme": 3}),
        make_theme("en-c", "other", 20, brands={"Acme": 20}, other=True),
        make_theme("es-a", "maleta", 5, lang="es", brands={"Acme": 5}),
    ]
    assert top_theme_of(themes, "en", "Acme") == ("lost bag", 3)  # a tie: the bigger theme
    assert top_theme_of(themes, "en", "Globex") == ("lost bag", 6)
    assert top_theme_of(themes, "es", "Acme") == ("maleta", 5)
    assert top_theme_of(themes, "en", "Initech") is None
    assert brand_themes(themes, "en", "Acme") == [("lost bag", 3), ("refund", 3)]
    rows = concern_rows({"complaint": themes}, ["Acme", "Globex"])
    assert [(r.lang, r.brand, r.rank, r.label, r.posts) for r in rows] == [
        ("en", "Acme", 1, "lost bag", 3),
        ("en", "Acme", 2, "refund", 3),
        ("en", "Globex", 1, "lost bag", 6),
        ("es", "Acme", 1, "maleta", 5),
    ]


def test_flagged_themes_are_the_complaints_and_the_wishes(tiny_posts, tiny_brands):
    from escucha.insights.common import normalised
    from escucha.insights.concerns import FLAGGED_INTENTS, scope_themes

    found = scope_themes(normalised(tiny_posts), tiny_brands)
    assert tuple(found) == FLAGGED_INTENTS == ("complaint", "wish")
    assert all(t.id.startswith("complaint-") for t in found["complaint"])
    assert sum(t.size for t in found["complaint"]) == 3  # too few for a theme: all "other"


def test_benchmark_with_intent_rates(tiny_posts, tiny_brands):
    from escucha.insights.opportunities import competitor_benchmark, with_intent_rates

    benchmark = competitor_benchmark(tiny_posts, tiny_brands)
    table = with_intent_rates(benchmark, tiny_posts).set_index(["lang", "brand"])
    assert table.loc[("en", "Acme"), "complaint_rate"] == pytest.approx(0.2)
    assert table.loc[("es", "Globex"), "complaint_rate"] == 1.0
    assert len(table) == len(benchmark)
    empty = benchmark.iloc[0:0]
    assert with_intent_rates(empty, tiny_posts) is empty


def test_our_opportunities_need_a_brand_of_ours_and_enough_posts(tiny_posts, tiny_brands):
    from escucha.insights.opportunities import (
        Opportunity,
        our_brand,
        our_opportunities,
        with_min_side,
    )

    assert our_brand(tiny_brands) == "Acme"
    theirs = [dict(b, ours=False) for b in tiny_brands]
    assert our_brand(theirs) is None and our_opportunities(tiny_posts, theirs) == []
    assert our_opportunities(tiny_posts, tiny_brands) == []  # 1 critical post about Acme
    found = [
        Opportunity("en", label, (), "Acme", ours, theirs, {}, label, (), (), ())
        for label, ours, theirs in (("a", 5, 9), ("b", 4, 9), ("c", 9, 5))
    ]
    assert [o.label for o in with_min_side(found, 5)] == ["a", "c"]
