"""Key phrases: what they pick, how they quote, and that they are deterministic."""

from __future__ import annotations

import pandas as pd

from escucha.insights import PhraseIndex, brand_words, top_phrases
from escucha.insights.terms import fold, plural_key


def _rows(texts: list[tuple[str, bool, float]], lang: str = "en") -> list[dict]:
    """Posts from (text, flagged as complaint, complaint probability); all mention Acme."""
    rows = []
    for i, (text, flagged, probability) in enumerate(texts, start=1):
        rows.append({
            "id": i, "source": "hand", "native_id": str(i), "author": None, "text": text,
            "created_at": pd.Timestamp("2024-03-01", tz="UTC"),
            "url": f"https://example.com/{i}", "lang": lang, "sentiment": "negative",
            "negative": 1.0, "neutral": 0.0, "positive": 0.0, "wish": 0.0,
            "complaint": probability, "question": 0.0, "praise": 0.0, "promo": 0.0,
            "intents": ["complaint"] if flagged else [], "brands": ["Acme"],
            "model_version": "t",
        })  # fmt: skip
    return rows


LUGGAGE = [
    ("@Acme lost my luggage again!! https://t.co/x", True, 0.95),
    ("RT @bob: @Acme lost my luggage again!! https://t.co/y", True, 0.99),
    ("Acme lost my luggage in Madrid, third time", True, 0.80),
    ("The Acme app lost my luggage claim", True, 0.70),
    ("Acme lost the luggage of my kids", True, 0.60),
    ("Waited hours at the gate, Acme delayed again", True, 0.90),
    ("Delayed flight, waited hours for Acme", True, 0.85),
    ("Acme delayed us hours on the tarmac", True, 0.50),
]
NEUTRAL = [(f"Flying Acme to Paris today with my family number {i}", False, 0.1) for i in range(30)]


def test_fold_plural_and_brand_words():
    assert fold("Atención") == "atencion" and fold("Didn't") == "didnt"
    assert [plural_key(w) for w in ("bags", "maletas", "business", "bus", "this")] == [
        "bag", "maleta", "business", "bus", "this",
    ]  # fmt: skip
    words = brand_words([{"name": "Air Europa", "handles": ["@AirEuropa"], "hashtags": ["#AE"]}])
    assert words == {"air", "europa", "aireuropa", "ae"}


def test_distinctive_phrases_with_counts_and_quotes(frame_of):
    phrases = top_phrases(frame_of(_rows(LUGGAGE + NEUTRAL)), "complaint", "en", exclude={"acme"})
    assert [(p.label, p.count) for p in phrases] == [("lost my luggage", 5), ("delayed", 3)]
    lost = phrases[0]  # "hours" shares its posts with "delayed": only one is kept
    assert lost.share == 5 / 8
    # highest probability first; the retweet of the same text is not quoted again
    assert [q.post_id for q in lost.quotes] == [2, 3, 4]
    assert lost.quotes[0].url == "https://example.com/2"
    assert all("acme" not in p.term for p in phrases)


def test_phrases_are_deterministic_whatever_the_row_order(frame_of):
    posts = frame_of(_rows(LUGGAGE + NEUTRAL))
    shuffled = posts.sample(frac=1, random_state=7)
    assert top_phrases(posts, "complaint", "en") == top_phrases(shuffled, "complaint", "en")


def test_quotes_already_shown_come_last(frame_of):
    index = PhraseIndex(frame_of(_rows(LUGGAGE + NEUTRAL)), "en", {"acme"})
    lost = index.top("complaint", quotes=2, shown={2, 3})[0]
    assert [q.post_id for q in lost.quotes] == [1, 4]


def test_no_flagged_posts_no_phrases(frame_of):
    index = PhraseIndex(frame_of(_rows(NEUTRAL)), "en")
    assert index.top("complaint") == [] and index.flagged("complaint") == []
    assert PhraseIndex(frame_of(_rows(LUGGAGE)), "es").top("complaint") == []  # other language


def test_demo_quotes_contain_their_phrase(demo_posts, brands):
    index = PhraseIndex(demo_posts, "en", brand_words(brands))
    phrases = index.top("complaint", brand="United Airlines")
    assert len(phrases) == 5
    counts = [p.count for p in phrases]
    assert counts == sorted(counts, reverse=True)
    for phrase in phrases:
        assert 1 <= len(phrase.quotes) <= 3
        for quote in phrase.quotes:
            assert all(token in fold(quote.text) for token in phrase.term.split())
    assert sum(counts) <= len(index.flagged("complaint", brand="United Airlines"))
