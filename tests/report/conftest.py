"""Posts frames for the report tests: the real demo tweets with stand-in model outputs, and a
tiny hand-made frame whose numbers can be checked by hand."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from escucha.understand.metrics import record

DEMO = Path(__file__).resolve().parents[2] / "src" / "escucha" / "demo"
COLUMNS = [
    "id",
    "source",
    "native_id",
    "author",
    "text",
    "created_at",
    "url",
    "lang",
    "sentiment",
    "negative",
    "neutral",
    "positive",
    "wish",
    "complaint",
    "question",
    "praise",
    "promo",
    "intents",
    "brands",
    "model_version",
]
COMPLAINT_WORDS = re.compile(
    r"\b(delay\w*|cancel\w*|lost|hold|rude|worst|refund\w*|wait\w*|luggage|bag\w*|stuck|"
    r"missed|broken|never|hours?|retras\w*|cancela\w*|perdid\w*|maleta\w*|peor|nunca|"
    r"espera\w*|reclama\w*|verg[uü]enza|queja\w*|horas?|equipaje)\b",
    re.IGNORECASE,
)
WISH_PATTERNS = re.compile(
    r"\b(wish|should|please add|ojal[aá]|deber[ií]an|me gustar[ií]a|estar[ií]a bien)\b",
    re.IGNORECASE,
)


def demo_brands() -> list[dict]:
    """The demo workspace's brands, ours first, as render_report receives them."""
    config = tomllib.loads((DEMO / "escucha.toml").read_text(encoding="utf-8"))
    tables = [dict(config["brand"], ours=True)]
    tables += [dict(t, ours=False) for t in config["competitors"]]
    return [
        {key: t.get(key, []) for key in ("aliases", "handles", "hashtags")}
        | {"name": t["name"], "ours": t["ours"]}
        for t in tables
    ]


def _brand_patterns(brands: list[dict]) -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for brand in brands:
        words = [re.escape(w) for w in (brand["name"], *brand["aliases"])]
        tags = [re.escape(t) for t in (*brand["handles"], *brand["hashtags"])]
        regex = r"(?<![\w@#])(?:" + "|".join(words) + r")(?!\w)|(?:" + "|".join(tags) + r")(?!\w)"
        patterns.append((brand["name"], re.compile(regex, re.IGNORECASE)))
    return patterns


def _read(name: str) -> list[dict]:
    with gzip.open(DEMO / "data" / f"{name}.jsonl.gz", "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _post(
    i: int,
    source: str,
    native_id: str,
    author,
    text: str,
    created,
    url,
    lang: str,
    sentiment: str,
    patterns,
) -> dict:
    complaint = 0.9 if sentiment == "negative" and COMPLAINT_WORDS.search(text) else 0.1
    wish = 0.9 if WISH_PATTERNS.search(text) else 0.05
    probabilities = {s: float(s == sentiment) for s in ("negative", "neutral", "positive")}
    return {
        "id": i,
        "source": source,
        "native_id": native_id,
        "author": author,
        "text": text,
        "created_at": created,
        "url": url,
        "lang": lang,
        "sentiment": sentiment,
        **probabilities,
        "wish": wish,
        "complaint": complaint,
        "question": 0.0,
        "praise": 0.0,
        "promo": 0.0,
        "intents": [k for k, v in (("wish", wish), ("complaint", complaint)) if v > 0.5],
        "brands": [name for name, regex in patterns if regex.search(text)],
        "model_version": "test-human-labels",
    }


def build_demo_posts(sample: int | None = None) -> pd.DataFrame:
    """Both demo files as a posts frame; `sample` keeps that many posts, evenly spread."""
    patterns = _brand_patterns(demo_brands())
    rows = []
    for row in _read("us_airline_tweets"):
        created = pd.to_datetime(row["created"], format="%Y-%m-%d %H:%M:%S %z", errors="coerce")
        rows.append(
            _post(
                len(rows) + 1,
                "us_airline_tweets",
                str(row["row"]),
                row["author"],
                row["text"],
                created,
                None,
                "en",
                row["sentiment"],
                patterns,
            )
        )
    for row in _read("es_airline_tweets"):
        created = pd.to_datetime(row["created"], format="%a %b %d %H:%M:%S %z %Y", errors="coerce")
        url = f"https://twitter.com/i/web/status/{row['tweet_id']}"
        rows.append(
            _post(
                len(rows) + 1,
                "es_airline_tweets",
                row["tweet_id"],
                None,
                row["text"],
                created,
                url,
                "es",
                row["sentiment"],
                patterns,
            )
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).astype(
        "datetime64[ns, UTC]"
    )
    if sample is not None and sample < len(frame):
        step = len(frame) / sample
        frame = frame.iloc[[int(k * step) for k in range(sample)]].reset_index(drop=True)
    return frame


def write_demo_sample(path: Path, name: str, id_field: str, n: int) -> None:
    """The first `n` records of a bundled demo file as a JSON Lines file to import."""
    with gzip.open(DEMO / "data" / name, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in itertools.islice(lines, n)]
    rows = [
        {"id": str(r[id_field]), "author": r.get("author"), "created_at": r["created"],
         "text": r["text"]}
        for r in records
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def demo_sources(posts: pd.DataFrame) -> list[dict]:
    """Import runs as the store would report them for `posts`."""
    runs = []
    for source, rows in posts.groupby("source", sort=True):
        runs.append(
            {
                "source": source,
                "location": f"/data/{source}.jsonl.gz",
                "accepted": len(rows),
                "duplicate": 0,
                "rejected": 6 if source.startswith("us") else 0,
                "first_post": rows["created_at"].min().to_pydatetime(),
                "last_post": rows["created_at"].max().to_pydatetime(),
                "coverage": None,
            }
        )
    return runs


DEMO_MODELS = {
    "version": "test-human-labels",
    "metrics": {
        "version": "test-human-labels",
        "records": [
            record("sentiment", "es", "macro_f1", 0.61, 324, "UMSAB val"),
            record("intent.wish", "en", "f1", 0.7, 120, ""),
            record("sentiment", "fr", "macro_f1", 0.66, 324, "UMSAB val"),
        ],
        "training": {"fr": {"rows": 1839}},
    },
}


@pytest.fixture(scope="session")
def sources_of():
    return demo_sources


@pytest.fixture(scope="session")
def demo_models() -> dict:
    return DEMO_MODELS


@pytest.fixture
def frame_of():
    """Rows (dicts with every column) -> a posts frame with the interface's column order."""
    return lambda rows: pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture(scope="session")
def demo_posts() -> pd.DataFrame:
    """3,000 demo posts from both languages."""
    return build_demo_posts(sample=3000)


@pytest.fixture(scope="session")
def brands() -> list[dict]:
    return demo_brands()


def _tiny_post(
    i: int,
    brands: list[str],
    sentiment: str,
    text: str,
    *,
    lang: str = "en",
    intents: tuple[str, ...] = (),
    author: str | None = None,
    url: str | None = None,
    day: int = 2,
    source: str = "hand",
) -> dict:
    probabilities = {s: float(s == sentiment) for s in ("negative", "neutral", "positive")}
    intent_p = {
        k: (0.9 if k in intents else 0.1)
        for k in ("wish", "complaint", "question", "praise", "promo")
    }
    return {
        "id": i,
        "source": source,
        "native_id": str(i),
        "author": author,
        "text": text,
        "created_at": datetime(2024, 3, day, 12, tzinfo=UTC),
        "url": url,
        "lang": lang,
        "sentiment": sentiment,
        **probabilities,
        **intent_p,
        "intents": list(intents),
        "brands": brands,
        "model_version": "tiny-1",
    }


@pytest.fixture
def tiny_posts() -> pd.DataFrame:
    """Acme (ours): 3 positive, 1 negative, 1 neutral. Globex: 2 negative. One post names
    both; one names none. Post 7 (Globex, es) has no date; post 8 has no brand."""
    rows = [
        _tiny_post(
            1,
            ["Acme"],
            "positive",
            "Love Acme, the app is great",
            author="ana",
            url="https://example.com/1",
        ),
        _tiny_post(2, ["Acme"], "positive", "Acme app works well", author="ana", day=3),
        _tiny_post(3, ["Acme", "Globex"], "positive", "Acme beats Globex", author="bob", day=10),
        _tiny_post(
            4,
            ["Acme"],
            "negative",
            "Acme lost my bag again",
            intents=("complaint",),
            author="bob",
            day=10,
        ),
        _tiny_post(
            5, ["Acme"], "neutral", "Acme should add wifi please", intents=("wish",), day=11
        ),
        _tiny_post(
            6,
            ["Globex"],
            "negative",
            "Globex lost my bag",
            intents=("complaint",),
            lang="es",
            day=4,
        ),
        _tiny_post(
            7, ["Globex"], "negative", "Globex refund never came", intents=("complaint",), lang="es"
        ),
        _tiny_post(8, [], "neutral", "Nice weather today", author="carla"),
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.loc[6, "created_at"] = pd.NaT
    frame["created_at"] = frame["created_at"].astype("datetime64[ns, UTC]")
    return frame


@pytest.fixture
def tiny_brands() -> list[dict]:
    return [
        {"name": "Acme", "ours": True, "aliases": [], "handles": ["@acme"], "hashtags": []},
        {
            "name": "Globex",
            "ours": False,
            "aliases": [],
            "handles": ["@globex"],
            "hashtags": ["#globex"],
        },
        {"name": "Initech", "ours": False, "aliases": [], "handles": [], "hashtags": []},
    ]


def make_quote(post_id: int, text: str, *, url: str | None = None, author: str | None = None):
    from escucha.insights.themes import ThemeQuote

    created = datetime(2024, 3, 2, 12, tzinfo=UTC)
    return ThemeQuote(post_id, str(post_id), text, url, author, created, 0.9)


def make_theme(
    theme_id: str,
    label: str,
    size: int,
    *,
    lang: str = "en",
    direction: str = "flat",
    net: float | None = None,
    brands: dict[str, int] | None = None,
    quotes: tuple = (),
    other: bool = False,
):
    """A Theme as escucha.insights.themes.find_themes makes them, with chosen values."""
    from escucha.insights.themes import Sentiment, Theme, Trend

    ids = tuple(range(1, size + 1))
    return Theme(
        id=theme_id,
        label=label,
        lang=lang,
        size=size,
        post_ids=ids,
        native_ids=tuple(str(i) for i in ids),
        terms=(),
        trend=Trend("W", (), 0.1, 0.3, direction),
        sentiment=Sentiment(0, 0, 0, net, None, None),
        brands=brands or {},
        quotes=quotes,
        other=other,
    )
