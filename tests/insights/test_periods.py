"""Periods (parse once, resolve against the newest post) and the comparison statistics."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from scipy.stats import binomtest, chi2_contingency

from escucha.errors import UserError
from escucha.i18n import catalogue
from escucha.insights.compare import (
    MIN_COUNT,
    compare_posts,
    count_change,
    net_change,
    proportion_change,
)
from escucha.insights.drivers import find_drivers
from escucha.insights.periods import (
    PREVIOUS,
    Period,
    PeriodChoice,
    choice_from_cli,
    counts_in,
    in_period,
)

NEWEST = date(2024, 3, 31)


def test_a_preset_ends_on_the_newest_post_day_and_the_previous_period_touches_it() -> None:
    periods = PeriodChoice.parse("30d", compare="previous").resolve(NEWEST)
    assert periods.current == Period(date(2024, 3, 2), NEWEST)
    assert periods.current.days == 30
    assert periods.compared == Period(date(2024, 2, 1), date(2024, 3, 1))
    assert periods.compared.days == 30


def test_a_preset_wins_over_days_left_in_the_form_and_params_round_trip() -> None:
    choice = PeriodChoice.parse("7d", "2020-01-01", "2020-02-01", "2024-01-01:2024-01-07")
    assert choice.start is None and choice.end is None
    assert choice.compare == Period(date(2024, 1, 1), date(2024, 1, 7))
    assert PeriodChoice.parse(**choice.params()) == choice


def test_open_ends_take_the_posts_first_or_last_day() -> None:
    got = PeriodChoice.parse(date_from="2024-03-10").resolve(NEWEST, date(2023, 1, 1))
    assert got.current == Period(date(2024, 3, 10), NEWEST)
    got = PeriodChoice.parse(date_to="2023-06-30").resolve(NEWEST, date(2023, 1, 1))
    assert got.current == Period(date(2023, 1, 1), date(2023, 6, 30))


def test_no_period_means_every_post_and_no_previous_period() -> None:
    got = PeriodChoice.parse(compare="previous").resolve(NEWEST)
    assert got.current is None and got.compared is None
    assert PeriodChoice.parse("30d").resolve(None).current is None  # no dated post


def test_a_custom_comparison_needs_both_days() -> None:
    choice = PeriodChoice.parse(
        "30d", compare="custom", compare_from="2023-03-01", compare_to="2023-03-30"
    )
    assert choice.resolve(NEWEST).compared == Period(date(2023, 3, 1), date(2023, 3, 30))
    with pytest.raises(UserError) as caught:
        PeriodChoice.parse("30d", compare="custom", compare_from="2023-03-01")
    assert "first and last day" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"period": "week"}, "period: 'week'"),
        ({"date_from": "2024-13-01"}, "date_from: '2024-13-01' is not a day"),
        ({"date_from": "20240101"}, "date_from: '20240101' is not a day"),
        ({"date_from": "2024-02-01", "date_to": "2024-01-01"}, "after its last day"),
        ({"period": "30d", "compare": "2024-01-01"}, "compare: '2024-01-01' is not a range"),
    ],
)
def test_bad_values_name_what_and_where(kwargs: dict, says: str) -> None:
    with pytest.raises(UserError) as caught:
        PeriodChoice.parse(**kwargs)
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_errors_read_in_spanish() -> None:
    with pytest.raises(UserError) as caught:
        PeriodChoice.parse(date_from="ayer")
    assert "no es un día" in catalogue("es").error_text(caught.value)


def test_cli_options() -> None:
    choice = choice_from_cli("2024-03-01", "2024-03-31", "previous")
    assert choice.compare == PREVIOUS
    assert choice.resolve(NEWEST).compared == Period(
        date(2024, 1, 30), date(2024, 2, 29)
    )  # 31 days
    with pytest.raises(UserError, match="--to"):
        choice_from_cli(None, "31/03/2024", None)
    with pytest.raises(UserError, match="--compare"):
        choice_from_cli("2024-03-01", None, "last month")


def test_frames_and_counts_are_kept_to_the_period_undated_rows_never_inside() -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "created_at": [
                datetime(2024, 3, 1, 23, 59, tzinfo=UTC),
                datetime(2024, 3, 2, 0, 0, tzinfo=UTC),
                datetime(2024, 3, 31, 23, 59, tzinfo=UTC),
                None,
            ],
        }
    )
    period = Period(date(2024, 3, 2), NEWEST)
    assert list(in_period(frame, period)["id"]) == [2, 3]
    assert len(in_period(frame, None)) == 4
    counts = pd.DataFrame({"day": ["2024-03-01", "2024-03-02", None], "mentions": [5, 6, 7]})
    assert list(counts_in(counts, period)["mentions"]) == [6]


def test_proportion_change_agrees_with_a_chi_square_test_without_correction() -> None:
    change = proportion_change(30, 200, 60, 220)
    table = [[30, 170], [60, 160]]
    expected = chi2_contingency(table, correction=False).pvalue
    assert change.p_value == pytest.approx(expected, rel=1e-9)
    assert change.delta == pytest.approx(60 / 220 - 30 / 200)
    assert change.significant and not change.too_few
    assert (change.n_before, change.n_after) == (200, 220)


def test_small_samples_are_flagged_and_never_significant() -> None:
    change = proportion_change(0, 4, 4, 4)
    assert change.too_few and not change.significant
    net = net_change(1, 0, 0, 1)  # +1.00 then -1.00 on one post each
    assert net.delta == pytest.approx(-2.0)
    assert net.too_few and not net.significant


def test_net_change_is_twice_the_change_of_the_positive_share() -> None:
    net = net_change(60, 40, 30, 70)
    share = proportion_change(60, 100, 30, 100)
    assert net.before == pytest.approx(0.2) and net.after == pytest.approx(-0.4)
    assert net.p_value == pytest.approx(share.p_value)
    assert net.significant


def test_volume_change_is_the_exact_poisson_test_weighted_by_length() -> None:
    change = count_change(20, 45, days_before=30, days_after=30)
    assert change.p_value == pytest.approx(binomtest(45, 65, 0.5).pvalue)
    assert change.significant
    longer = count_change(20, 45, days_before=30, days_after=60)  # twice the days
    assert longer.p_value == pytest.approx(binomtest(45, 65, 2 / 3).pvalue)
    assert not longer.significant
    assert count_change(2, MIN_COUNT - 3).too_few


def _posts(n: int, start: datetime, **columns) -> list[dict]:
    return [
        {
            "id": None,
            "text": columns.get("text", "a plain post"),
            "author": columns.get("author", f"user{i % 50}"),
            "created_at": start + timedelta(hours=i),
            "lang": "en",
            "sentiment": columns.get("sentiment", "neutral"),
            "intents": columns.get("intents", []),
            "brands": columns.get("brands", ["Iberia"]),
            "model_version": "test",
        }
        for i in range(n)
    ]


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["id"] = range(1, len(frame) + 1)
    return frame


def test_compare_posts_per_brand() -> None:
    march = datetime(2024, 3, 1, tzinfo=UTC)
    feb = datetime(2024, 2, 1, tzinfo=UTC)
    before = _frame(
        _posts(40, feb, sentiment="positive")
        + _posts(40, feb, brands=["Ryanair"])
        + _posts(10, feb, intents=["complaint"], sentiment="negative")
    )
    after = _frame(
        _posts(20, march, sentiment="positive")
        + _posts(40, march, brands=["Ryanair"])
        + _posts(40, march, intents=["complaint"], sentiment="negative")
    )
    rows = {(c.lang, c.brand): c for c in compare_posts(before, after)}
    ours = rows[("en", "Iberia")]
    assert (ours.volume.before, ours.volume.after) == (50, 60)
    assert ours.share.before == pytest.approx(50 / 90)
    assert ours.share.after == pytest.approx(60 / 100)
    assert ours.complaint.before == pytest.approx(10 / 50)
    assert ours.complaint.after == pytest.approx(40 / 60)
    assert ours.complaint.significant
    assert ours.net.before == pytest.approx(30 / 50)
    assert ours.net.after == pytest.approx(-20 / 60)
    theirs = rows[("en", "Ryanair")]
    assert theirs.net.too_few  # no positive or negative post at all
    assert not theirs.volume.significant


def test_drivers_find_what_a_spike_adds_with_counts() -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    baseline = _frame(_posts(200, start, text="the flight was fine thanks"))
    spike = _frame(
        _posts(30, start, text="lost luggage again #lostbag 😡", author="angry")
        + _posts(30, start, text="the flight was fine thanks")
    )
    found = find_drivers(spike, baseline, exclude={"iberia"})
    terms = {d.item: d for d in found.found["terms"]}
    assert terms["luggage"].chosen == 30 and terms["luggage"].baseline == 0
    assert terms["luggage"].lift is None
    assert "flight" not in terms  # as frequent in the baseline: not a driver
    assert found.found["hashtags"][0].item == "#lostbag"
    assert found.found["emoji"][0].item == "😡"
    assert found.found["authors"][0].item == "@angry"
    assert (found.chosen, found.baseline) == (60, 200)
    assert math.isclose(found.found["authors"][0].change.after or 0, 0.5)
