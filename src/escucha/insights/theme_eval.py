"""How well themes match the complaint reasons a reader gives: AMI on an annotated set.

The set (annotations/theme_reasons.jsonl, see the README there) holds negative airline posts
with one reason each. Themes are found over *all* the negative posts of the two airline
files, per language, as `find_themes` would for an analyst; each annotated post then has the
theme it landed in, and the adjusted mutual information (scikit-learn's
`adjusted_mutual_info_score`) between those themes and the reasons says how far the themes
are the reasons. Overall, a concern theme counts as the same cluster in both languages (its
concept key) and any other theme as its own.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.themes import Theme

ANNOTATIONS = Path(__file__).parent / "annotations" / "theme_reasons.jsonl"
DEMO_CONFIG = Path(__file__).parents[1] / "demo" / "escucha.toml"
FILES = {"en": ("us_airline_tweets.jsonl", "row"), "es": ("es_airline_tweets.jsonl", "tweet_id")}


@dataclass(frozen=True)
class Score:
    half: str
    n: dict[str, int]  # lang (and "all") -> annotated posts scored
    ami: dict[str, float]  # lang (and "all") -> AMI


def load_annotations(path: Path = ANNOTATIONS) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def negative_posts(data: Path) -> pd.DataFrame:
    """The posts labelled negative in the two airline files, as a posts frame."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for lang, (name, key) in sorted(FILES.items()):
        path = data / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("sentiment") != "negative":
                    continue
                rows.append(
                    {
                        "id": len(rows) + 1,
                        "native_id": f"{lang}:{record[key]}",
                        "text": " ".join(str(record["text"]).split()),
                        "lang": lang,
                        "sentiment": "negative",
                        "author": record.get("author"),
                        "created_at": pd.to_datetime(
                            record.get("created"), utc=True, errors="coerce"
                        ),
                        "brands": [],
                        "intents": [],
                    }
                )
    return pd.DataFrame(rows)


def demo_exclude() -> set[str]:
    """Brand words of the demo workspace (names, aliases, handles, initials)."""
    from escucha.insights.terms import brand_words

    config = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    return brand_words([config["brand"], *config.get("competitors", [])])


def assignment(themes: Iterable[Theme]) -> dict[str, str]:
    """native id -> the theme's cluster name (its concept key when it has one)."""
    return {native: (theme.concept or theme.id) for theme in themes for native in theme.native_ids}


def score(
    annotations: Sequence[dict[str, str]], assigned: dict[str, str], half: str = "all"
) -> Score:
    from sklearn.metrics import adjusted_mutual_info_score

    rows = [
        a
        for a in annotations
        if (half == "all" or a["half"] == half) and f"{a['lang']}:{a['id']}" in assigned
    ]
    n: dict[str, int] = {}
    ami: dict[str, float] = {}
    for lang in [*sorted({a["lang"] for a in rows}), "all"]:
        chosen = [a for a in rows if lang in ("all", a["lang"])]
        found = [assigned[f"{a['lang']}:{a['id']}"] for a in chosen]
        n[lang] = len(chosen)
        ami[lang] = float(adjusted_mutual_info_score([a["reason"] for a in chosen], found))
    return Score(half, n, ami)


def evaluate(
    data: Path, annotations: Sequence[dict[str, str]], **knobs: Any
) -> tuple[dict[str, str], list[Theme]]:
    """Themes of the negative posts in `data` with `knobs` (find_themes' keyword arguments),
    and each post's cluster."""
    from escucha.insights.themes import find_themes

    themes = find_themes(negative_posts(data), exclude=demo_exclude(), **knobs)
    return assignment(themes), themes
