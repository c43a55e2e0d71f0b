"""Every operator on SQLite and PostgreSQL: the store returns exactly what `Query.matches`
says, and both are what a reader of the corpus expects."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine

from escucha.query import parse, select_posts
from escucha.store import db
from query_corpus import CORPUS, KEYS, MODEL, Post, in_memory, load

ES = {k for k in KEYS if k.startswith("es")}
EN = {k for k in KEYS if k.startswith("en")}
NEGATIVE = {"es1", "es2", "es3", "es10", "es12", "en1", "en2", "en3", "en5", "en6", "en10"}
COMPLAINT = {"es1", "es2", "es3", "es10", "es12", "en1", "en2", "en5", "en6", "en10"}
DECEMBER_ON = {"es6", "es7", "es9", "es11"}
BEFORE_2017 = {"en1", "en2", "en3", "en4", "en5", "en6", "en7", "en8", "en9", "en10", "en12"}

# enriched (es1, es3, es7, es10, en1, en2), hinted (es8, en11) and unread (en12) posts
SOME = "(lost OR lounge OR perdido OR terrible OR vuelo)"
# operator -> (query, expected keys)
CASES = {
    "word": ("vuelo", {"es1", "es3", "es7", "es10"}),
    "word without its accent": ("avion", {"es1", "es4", "en9"}),
    "word with an accent": ("AVIÓN", {"es1", "es4", "en9"}),
    "word with ñ": ("espana OR año", {"es6", "es5"}),
    "word with ü and ç": ("pinguino OR garcon", {"es8", "es11"}),
    "word in #hashtag and @mention": ("iberia", {"es1", "es2", "es5"}),
    "hashtag": ("#iberia OR #nuncamas", {"es1", "es10"}),
    "word boundary": ("bag", {"en5", "en10"}),
    "hyphenated word": ("e-mail", {"en10"}),
    "lower-case 'and' is a word": ("and", {"en2"}),
    "wildcard": ("bag*", {"en5", "en6", "en10"}),
    "wildcard across accents and case": ("cancel*", {"es3", "es10", "en5", "en10"}),
    "phrase": ('"lost luggage"', {"en1"}),
    "phrase with accents": ('"compensacion llego"', {"es7"}),
    "phrase with wildcard": ('"creme brul*"', {"es11"}),
    "AND": ("retraso AND vuelo", {"es1", "es7"}),
    "implicit AND": ("retraso vuelo", {"es1", "es7"}),
    "OR": ("maleta OR equipaje", {"es2", "es12"}),
    "NOT": ("vuelo NOT retraso", {"es3", "es10"}),
    "-term": ("vuelo -retraso", {"es3", "es10"}),
    "parentheses": ("(maleta OR luggage) AND NOT lost", {"es2", "es12"}),
    "NEAR": ("delay* NEAR/3 refund", {"en3"}),
    "NEAR either order": ("refund NEAR/4 delay*", {"en3", "en4"}),
    "NEAR of OR groups": (
        "(retraso OR delay*) NEAR/10 (compensación OR refund)",
        {"es7", "en3", "en4"},
    ),
    "NEAR with a phrase": ('"lost luggage" NEAR/3 time', {"en1"}),
    "NEAR chained": ("lost NEAR/1 luggage NEAR/1 again", {"en1"}),
    "author": ("author:jnardino", {"en1", "en6", "en8"}),
    "author with @": ("author:@carlos_r", {"es9"}),
    "lang (model, else source hint)": ("lang:es", ES),
    "lang ignores older models": ("lang:en", EN - {"en12"}),
    "source": ("source:CSV", {"es11", "en3", "en8", "en10"}),
    "brand": ('brand:"air europa"', {"es4"}),
    "brand OR brand": ("brand:Iberia OR brand:Vueling", {"es1", "es2", "es5", "es3", "es10"}),
    "sentiment": ("sentiment:positive", {"es4", "es5", "es7", "es9", "es11", "en7"}),
    "sentiment reads one model version": ("sentiment:negative", NEGATIVE),
    "NOT sentiment": ("NOT sentiment:negative", set(KEYS) - NEGATIVE),
    "intent": ("intent:complaint", COMPLAINT),
    "intent question": ("intent:question", {"es2", "en8"}),
    "has:link": ("has:link", {"es4", "es6", "en7"}),
    "date range": (
        "date:2017-11-01..2017-11-30",
        {"es1", "es2", "es3", "es4", "es5", "es10", "es12"},
    ),
    "date day": ("date:2017-11-30", {"es10"}),
    "date >=": ("date:>=2017-12-01", DECEMBER_ON),
    "date >": ("date:>2017-11-30", DECEMBER_ON),
    "date open range": ("date:2017-12-01..", DECEMBER_ON),
    "date <": ("date:<2017-11-01", BEFORE_2017),
    "date <=": ("date:<=2017-11-01", BEFORE_2017 | {"es12"}),
    "date ..end": ("date:..2015-02-25", {"en1", "en2"}),
    "NOT date keeps undated posts": ("NOT date:2000-01-01..2030-12-31", {"es8", "en11"}),
    "fields combined": (
        "(brand:Iberia OR brand:Vueling) AND intent:complaint AND NOT lang:en",
        {"es1", "es2", "es3", "es10"},
    ),
    "field OR word": ("brand:Delta OR maleta", {"en10", "es2", "es12"}),
    # beside words, SQLite probes each post's enrichment (as PostgreSQL always does): the
    # model's language, else the source's hint (es8, en11), else none (en12, an older model's)
    "lang beside words": (f"{SOME} AND lang:es", {"es1", "es3", "es7", "es8", "es10"}),
    "NOT lang beside words": (f"{SOME} AND NOT lang:es", {"en1", "en2", "en11", "en12"}),
    "NOT lang beside words, by a hint": (
        f"{SOME} AND NOT lang:en",
        {"es1", "es3", "es7", "es8", "es10", "en12"},
    ),
    "intent and sentiment beside words": (
        "(vuelo OR luggage) AND intent:complaint AND NOT sentiment:positive",
        {"es1", "es3", "es10", "en1", "en2"},
    ),
    "NOT intent beside a brand": ("brand:Iberia AND NOT intent:complaint", {"es5"}),
    "NOT of words and fields": (
        "NOT (vuelo AND sentiment:negative)",
        set(KEYS) - {"es1", "es3", "es10"},
    ),
    "a word matching nearly anything": ("a -de", {"es2", "es5", "es6", "en8"}),
}


def stored(store: tuple[Engine, dict[int, str]], text: str, limit: int | None = None) -> list:
    engine, keys = store
    with engine.connect() as conn:
        return [keys[i] for i in select_posts(conn, parse(text), MODEL, limit=limit)]


@pytest.mark.parametrize("operator", CASES)
def test_operator(store, operator: str) -> None:
    text, expected = CASES[operator]
    assert in_memory(parse(text)) == expected
    assert set(stored(store, text)) == expected


def test_results_are_in_id_order_and_limited(store) -> None:
    everything = stored(store, "NOT nothingmatchesthis")
    assert everything == list(KEYS)
    assert stored(store, "vuelo", limit=2) == ["es1", "es3"]
    assert stored(store, "lang:es", limit=3) == ["es1", "es2", "es3"]


WORDS = [
    "vuelo", "avion", "avión", "cancel*", "bag", "bag*", "iberia", "maleta", "retraso", "lost",
    "luggage", "refund", "delay*", "espana", "#iberia", "e-mail", "the", "a", "de", "mi", "año",
    "pinguino", "garçon", "CANCELARON", "vuel*", "x", '"lost luggage"', '"mi maleta"',
    '"otra vez"', '"de mi*"',
]  # fmt: skip
FIELDS = [
    "brand:Iberia", 'brand:"United Airlines"', "lang:es", "lang:en", "source:csv",
    "author:jnardino", "sentiment:negative", "sentiment:positive", "intent:complaint",
    "intent:praise", "has:link", "date:2017-11-01..2017-11-30", "date:<2017-01-01",
    "date:2017-12-01..",
]  # fmt: skip


def random_query(rng: random.Random, depth: int = 0) -> str:
    """A random query text over the corpus's vocabulary: words, fields and every operator."""
    roll = rng.random() if depth < 3 else 0.0
    if roll < 0.35:
        return rng.choice(WORDS if rng.random() < 0.6 else FIELDS)
    if roll < 0.45:
        return rng.choice(["NOT ", "-"]) + random_query(rng, depth + 1)
    if roll < 0.55:
        n = rng.randint(1, 6)
        return f"({rng.choice(WORDS)} NEAR/{n} ({rng.choice(WORDS)} OR {rng.choice(WORDS)}))"
    op = rng.choice([" AND ", " OR ", " OR ", " "])
    return f"({random_query(rng, depth + 1)}{op}{random_query(rng, depth + 1)})"


def test_random_queries_agree_with_memory(store) -> None:
    rng = random.Random(20241126)
    for _ in range(200):
        text = random_query(rng)
        query = parse(text)
        assert set(stored(store, text)) == in_memory(query), text
        assert parse(query.explain()).root == query.root, text


def test_corpus_keys_are_unique() -> None:
    assert len(set(KEYS)) == len(CORPUS)


VOCABULARY = [
    "vuelo", "avión", "cancelación", "CANCELADO", "cancel", "retraso", "equipaje", "maleta",
    "refund", "refunds", "lost", "luggage", "bag", "baggage", "e-mail", "email", "Iberia",
    "iberia_es", "año", "ano", "pingüino", "garçon", "straße", "strasse", "𝐜𝐚𝐧𝐜𝐞𝐥", "ﬁnal",
    "final", "x_y", "29€", "de", "a", "vuel", "niño",
]  # fmt: skip
GLUE = [" ", " ", " ", ", ", "-", ". ", " #", " @", "_", "!", " (", "¿", " "]
QUERY_WORDS = [
    "cancel*", "cancel", "cancelado", "avion", "AVIÓN", "vuel*", "e-mail", "email", "iberia",
    "#iberia", "iberia_es", "iberia*", "strasse", "straße", "final", "fi*", "ano", "año",
    "nino", "x_y", "x", "29", "de", "a", "refund*", "bag", "bag*", '"lost luggage"',
    '"vuelo cancel*"', '"vuel* cancelado"', '"e-mail iberia"', '"de a*"',
]  # fmt: skip


def generated_corpus(rng: random.Random, size: int) -> list[Post]:
    """Posts of random words, spellings and punctuation: where a search index could go wrong."""
    out = []
    for n in range(size):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(1, 7))]
        words = [w.upper() if rng.random() < 0.15 else w for w in words]
        text = words[0] + "".join(rng.choice(GLUE) + w for w in words[1:])
        out.append(Post(f"g{n}", text, lang="es", brands=("Iberia",) if n % 3 else ()))
    return out


def generated_query(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random() if depth < 2 else 0.0
    if roll < 0.45:
        return rng.choice(QUERY_WORDS) if rng.random() < 0.85 else "brand:iberia"
    if roll < 0.55:
        return "NOT " + generated_query(rng, depth + 1)
    if roll < 0.62:
        return f"({rng.choice(QUERY_WORDS)} NEAR/{rng.randint(1, 4)} {rng.choice(QUERY_WORDS)})"
    op = rng.choice([" AND ", " OR ", " OR ", " "])
    return f"({generated_query(rng, depth + 1)}{op}{generated_query(rng, depth + 1)})"


def test_generated_posts_and_queries_agree_with_memory(database_url: str) -> None:
    """The index-backed store against the matcher, over 200 posts and 300 queries."""
    rng = random.Random(20261201)
    corpus = generated_corpus(rng, 200)
    engine = db.make_engine(database_url)
    try:
        keys = load(engine, corpus)
        with engine.connect() as conn:
            for _ in range(300):
                query = parse(generated_query(rng))
                found = {keys[i] for i in select_posts(conn, query, MODEL)}
                assert found == in_memory(query, corpus), query.text
    finally:
        engine.dispose()
