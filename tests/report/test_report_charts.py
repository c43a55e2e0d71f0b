"""The volume chart's time axis: one label per day (or week, month) on short periods, in the
reader's language."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from escucha.i18n import catalogue
from escucha.insights import volume_over_time
from escucha.report.charts import volume_chart

AXIS_LABEL = re.compile(r">(\d{1,2} [^<]{3,4})</text>")


def _posts(days: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lang": "es",
            "brands": [["Iberia"]] * len(days),
            "created_at": pd.to_datetime(days, utc=True),
        }
    )


def _labels(days: list[str], ui: str) -> list[str]:
    volume = volume_over_time(_posts(days), freq="D")
    chart = volume_chart(
        volume, {"Iberia": "#c8102e"}, {"Iberia"}, [{"code": "es", "name": "es"}], catalogue(ui)
    )
    return AXIS_LABEL.findall(str(chart.svg))


@pytest.mark.parametrize(
    ("ui", "expected"),
    [("en", ["20 Nov", "21 Nov", "22 Nov"]), ("es", ["20 nov", "21 nov", "22 nov"])],
)
def test_a_short_period_labels_each_day_once(ui, expected):
    days = ["2017-11-20T10:00Z", "2017-11-20T18:00Z", "2017-11-21T09:00Z", "2017-11-22T23:00Z"]
    assert _labels(days, ui) == expected


def test_a_long_period_keeps_its_labels_few_and_unique():
    days = [f"2017-11-{d:02d}T12:00Z" for d in range(1, 31)]
    labels = _labels(days, "en")
    assert 3 <= len(labels) <= 10 and len(set(labels)) == len(labels)
