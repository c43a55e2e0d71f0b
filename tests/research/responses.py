"""A survey definition and response frames in the shape `research/reading.py` gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from escucha.research.columns import PARADATA
from escucha.research.definition import Choice, Definition, Kind, Language, Question, Row


def _choices(*names: str) -> tuple[Choice, ...]:
    return tuple(Choice(n, {"en": f"{n} (en)", "es": f"{n} (es)"}) for n in names)


AGREE = _choices("1", "2", "3", "4", "5")
DEFINITION = Definition(
    name="club",
    title="Club survey",
    languages=(Language("en", "English"), Language("es", "Español")),
    default_language="en",
    children=(
        Question("region", Kind.SINGLE, {"en": "Region"}, choices=_choices("north", "south")),
        Question("uses", Kind.MULTIPLE, {"en": "Uses"}, choices=_choices("app", "web", "shop")),
        Question("grid", Kind.MATRIX, {"en": "Rate"}, choices=AGREE,
                 rows=tuple(Row(f"g{i}", {"en": f"Item {i}"}) for i in range(1, 6))),
        Question("check", Kind.SINGLE, {"en": "Pick 2"}, choices=AGREE, attention_answer="2"),
        Question("recommend", Kind.NPS, {"en": "Recommend?"},
                 choices=tuple(Choice(str(n), {"en": str(n)}) for n in range(11))),
        Question("age", Kind.INTEGER, {"en": "Age"}),
        Question("story", Kind.LONG_TEXT, {"en": "Tell us"}),
        Question("hear_back", Kind.SINGLE, {"en": "Hear back?"}, choices=_choices("yes", "no")),
    ),
)  # fmt: skip

START = dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)


def response(i: int, **values: Any) -> dict[str, Any]:
    """A plausible complete response (id i); keyword arguments override any column."""
    seconds = values.pop("seconds", 300.0)
    row: dict[str, Any] = {
        "id": i, "source": "mastodon", "lang": "en", "ua_class": "phone", "status": "complete",
        "started_at": START + dt.timedelta(minutes=i),
        "submitted_at": START + dt.timedelta(minutes=i, seconds=seconds),
        "total_seconds": seconds, "page_seconds": [seconds / 2, seconds / 2],
        "contact_id": None, "fingerprint": f"fp{i}", "honeypot": False, "version": 1,
        "region": "north" if i % 2 else "south", "uses": ["app"] if i % 3 else ["web", "shop"],
        "check": "2", "recommend": str(i % 11), "age": 20 + i % 50,
        "story": None, "hear_back": "no",
    }  # fmt: skip
    for n in range(1, 6):
        row[f"g{n}"] = str((i + n) % 5 + 1)
    row.update(values)
    return row


def frame(rows: list[dict[str, Any]]):
    import pandas as pd

    columns = list(PARADATA) + [c for c in rows[0] if c not in PARADATA]
    return pd.DataFrame.from_records(rows, columns=columns)
