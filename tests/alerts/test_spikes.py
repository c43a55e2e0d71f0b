"""The spike rule on synthetic series: it fires at the spike, not in noise, and says why."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from escucha.alerts import spikes

END = datetime(2017, 12, 1, 10, tzinfo=UTC)
DAY = timedelta(days=1)


def series(counts: list[int], negative: list[int] | None = None) -> list[spikes.Window]:
    """counts[0] is the latest window, like spikes.windows returns."""
    negative = negative or [0] * len(counts)
    return [spikes.Window(p, n) for p, n in zip(counts, negative, strict=True)]


def test_windows_bin_posts_by_day_before_the_end():
    events = [
        (END - timedelta(minutes=1), True),  # latest window
        (END - DAY, False),  # exactly one day back: the window before
        (END, False),  # the end itself is outside
        (END - 8 * DAY - timedelta(seconds=1), False),  # older than the baseline
    ]
    found = spikes.windows(events, END, DAY, 8)
    assert found[0] == spikes.Window(1, 1)
    assert found[1] == spikes.Window(1, 0)
    assert sum(w.posts for w in found) == 2


def test_fires_at_the_spike_and_states_the_baseline():
    counts = [143, 40, 28, 52, 40, 31, 49, 40]
    base = spikes.check(series(counts), "volume", k=3, min_count=20)
    assert base is not None and round(base.mean) == 40 and round(base.sd) == 8
    text = spikes.message(
        "Iberia", "mentions", "volume", series(counts)[0], base, END, DAY, 7 * DAY, 3
    )
    assert text == (
        "Iberia: 143 mentions in the 24 h to 2017-12-01 10:00 UTC, baseline 40 ± 8.0 (7 days), k=3"
    )


def test_noise_rarely_fires_and_a_real_spike_always_does():
    rng = random.Random(5)
    noisy_alerts = spike_alerts = 0
    for _ in range(500):
        counts = [sum(rng.random() < 0.4 for _ in range(100)) for _ in range(8)]  # 40 ± 5
        noisy_alerts += spikes.check(series(counts), "volume", k=3, min_count=20) is not None
        spiked = [3 * counts[0], *counts[1:]]
        spike_alerts += spikes.check(series(spiked), "volume", k=3, min_count=20) is not None
    assert noisy_alerts < 25  # under 5% of noisy days (7 baseline days make σ itself noisy)
    assert spike_alerts == 500


def test_k_and_the_minimum_count_are_respected():
    counts = [70, 40, 30, 50, 40, 30, 50, 40]  # mean 40, σ ≈ 7.6: 70 is 3.9σ above
    assert spikes.check(series(counts), "volume", k=3, min_count=20) is not None
    assert spikes.check(series(counts), "volume", k=4, min_count=20) is None
    assert spikes.check(series(counts), "volume", k=3, min_count=71) is None
    tiny = [5, 0, 0, 0, 0, 0, 0, 0]  # from nothing to 5: a spike, but too small to matter
    assert spikes.check(series(tiny), "volume", k=3, min_count=20) is None
    assert spikes.check(series(tiny), "volume", k=3, min_count=5) is not None


def test_a_flat_baseline_needs_more_than_one_extra_post():
    flat = [41, 40, 40, 40, 40, 40, 40, 40]  # σ = 0, floored at 1 post
    assert spikes.check(series(flat), "volume", k=3, min_count=1) is None
    assert spikes.check(series([44, *flat[1:]]), "volume", k=3, min_count=1) is not None


def test_negative_share_spike():
    posts = [100, 100, 90, 110, 100, 95, 105, 100]
    negative = [60, 30, 27, 33, 30, 28, 32, 30]
    base = spikes.check(series(posts, negative), "negative_share", k=3, min_count=20)
    assert base is not None and round(base.mean, 2) == 0.30
    text = spikes.message(
        "Iberia",
        "mentions",
        "negative_share",
        series(posts, negative)[0],
        base,
        END,
        DAY,
        7 * DAY,
        3,
    )
    assert text.startswith("Iberia: 60% negative (60 of 100 mentions) in the 24 h to 2017-12-01")
    assert text.endswith("baseline 30% ± 0% (7 days), k=3")
    assert spikes.check(series(posts, negative), "negative_share", k=3, min_count=61) is None
    calm = [31, *negative[1:]]
    assert spikes.check(series(posts, calm), "negative_share", k=3, min_count=20) is None
