"""In-memory matching (`Query.matches`) and the invariant the SQL stage rests on: the index
condition of a word or phrase (FTS5 on SQLite, LIKE over `posts.words` on PostgreSQL) holds
for every text the word matches, and for no other when the condition says it is exact."""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime

import pytest
import sqlalchemy as sa
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from escucha.core.text import fold, folded_words
from escucha.query import QuerySyntaxError, parse
from escucha.query.ast import Term
from escucha.query.sql import fts_query, like_pattern, word_chunks
from escucha.query.text import word_regex
from escucha.store.search import create_word_index


def hit(query: str, text: str, **post) -> bool:
    return parse(query).matches({"text": text, **post})


def whole_string_fold(text: str) -> str:
    """Folding the whole string at once: the per-character table must give the same result."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_fold_per_character_equals_whole_string_fold() -> None:
    rng = random.Random(7)
    pools = [(0x20, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0xFB00, 0xFB07), (0x1D400, 0x1D500)]
    for _ in range(3000):
        text = "".join(chr(rng.randrange(*rng.choice(pools))) for _ in range(rng.randrange(12)))
        assert fold(text) == whole_string_fold(text), ascii(text)


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("avion", "Avión", True),
        ("avión", "AVION", True),
        ("pinguino", "PINGÜINO", True),
        ("bag", "baggage", False),
        ("bag*", "Baggage", True),
        ("cancel*", "Cancelación", True),
        ("cancel*", "cancel", True),
        ("cancel*", "precancel", False),
        ("iberia", "@Iberia_en", False),  # another account, not the word
        ("iberia", "#Iberia", True),
        ("#iberia", "@iberia", False),
        ("vuelo", "vuelo123", False),
        ('"lost luggage"', "lost, luggage", True),
        ('"lost luggage"', "lost my luggage", False),
        ("cancel*", "𝐜𝐚𝐧𝐜𝐞𝐥𝐥𝐞𝐝", True),  # folded like brands.fold (NFKD)
        ("a NEAR/1 b", "b a", True),
        ("a NEAR/1 b", "a x b", False),
        ("a NEAR/2 b", "a x b", True),
        ("a NEAR/2 b", "b, x. a", True),
        ("flight NEAR/3 flight", "flight", False),  # two occurrences needed
        ("flight NEAR/3 flight", "flight to flight", True),
        ('"lost luggage" NEAR/1 again', "again lost luggage", True),
        ('"lost luggage" NEAR/1 again', "lost luggage, again", True),
        ("x NEAR/1 (y OR z)", "z x", True),
        ("has:link", "see HTTPS://t.co/x", True),
        ("has:link", "see t.co/x", False),
    ],
)
def test_text_matching(query: str, text: str, expected: bool) -> None:
    assert hit(query, text) is expected


def test_post_dicts_may_use_naive_or_iso_dates_and_omit_keys() -> None:
    naive = datetime(2017, 11, 30, 23, 59)
    assert hit("date:2017-11-30", "x", created_at=naive)
    assert hit("date:2017-11-30", "x", created_at="2017-11-30T23:30:00-01:00") is False
    assert hit("NOT date:2017-11-30", "x")
    assert hit("NOT brand:x NOT intent:promo NOT author:a NOT lang:es NOT source:s", "")
    assert hit("author:Ana", "", author="@ANA")
    assert hit("lang:en", "", lang="en-GB") and not hit("lang:en", "", lang="eng")
    assert hit("intent:wish sentiment:positive", "", intents=["wish"], sentiment="positive")


ACCENTED = {"a": "áàâäãÁÀÂÄÃ", "e": "éèêëÉÈÊË", "i": "íìîïÍÌÎÏ", "o": "óòôöõÓÒÔÖÕ"}
ACCENTED |= {"u": "úùûüÚÙÛÜ", "n": "ñÑ", "c": "çÇ", "y": "ýÿÝ"}
WORDS = ["cancelacion", "avion", "espana", "nino", "accion", "pinguino", "yo", "cana", "n"]
WORDS += ["mañana", "100%_off", "a\\b", "e-mail"]


def spelled(word: str, rng: random.Random) -> str:
    """The word as a post might write it: accents and capitals anywhere."""
    out = []
    for ch in word:
        if ch in ACCENTED and rng.random() < 0.4:
            ch = rng.choice(ACCENTED[ch])
        out.append(ch.upper() if rng.random() < 0.3 else ch)
    return "".join(out)


class WordIndex:
    """One post in an in-memory SQLite store with the FTS5 index the migrations build."""

    def __init__(self) -> None:
        self.engine = sa.create_engine("sqlite://")
        self.conn = self.engine.connect()
        self.conn.exec_driver_sql("CREATE TABLE posts (id INTEGER PRIMARY KEY, words TEXT)")
        create_word_index(self.conn)

    def finds(self, words: tuple[str, ...], text: str) -> tuple[bool, bool, bool]:
        """(FTS5 finds it, PostgreSQL's LIKEs find it, the condition is exact)."""
        self.conn.exec_driver_sql("DELETE FROM posts")
        stored = folded_words(text)
        self.conn.exec_driver_sql("INSERT INTO posts VALUES (1, ?)", (stored,))
        chunks, exact = word_chunks(words)
        fts = self.conn.exec_driver_sql(
            "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH ?", (fts_query(chunks),)
        ).scalar()
        like = all(  # LIKE as PostgreSQL's (case-sensitive): the words are folded already
            self.conn.exec_driver_sql(
                "SELECT ? GLOB ?", (stored, _glob(like_pattern(c, p)))
            ).scalar()
            for c, p in chunks
        )
        return bool(fts), like, exact


def _glob(pattern: str) -> str:
    """A LIKE pattern of `like_pattern` (only '%' wild, '\\_' escaped) as a GLOB pattern."""
    out = pattern.replace("\\_", "_").replace("[", "[[]").replace("?", "[?]").replace("*", "[*]")
    return out.replace("%", "*")


@pytest.fixture(scope="module")
def index() -> WordIndex:
    return WordIndex()


def check(index: WordIndex, words: tuple[str, ...], text: str) -> None:
    matched = word_regex(words).search(fold(text)) is not None
    fts, like, exact = index.finds(words, text)
    if matched or exact:
        assert fts == matched and like == matched, (words, text, fts, like, exact)


def test_index_admits_every_latin1_spelling(index: WordIndex) -> None:
    rng = random.Random(11)
    for _ in range(3000):
        words = tuple(fold(rng.choice(WORDS)) for _ in range(rng.choice([1, 1, 2])))
        if rng.random() < 0.3:
            words = (*words[:-1], words[-1][: rng.randint(1, len(words[-1]))] + "*")
        text = " ".join(spelled(w.rstrip("*"), rng) for w in words) + rng.choice(["", "s", "!"])
        check(index, words, text)


@pytest.mark.parametrize(
    ("query", "exact"),
    [("vuelo", True), ("cancel*", True), ('"lost luggage"', True), ('"lost lugg*"', True),
     ("e-mail", False), ("#iberia", False), ('"vuel* cancelado"', False), ("foo_bar", True)],
)  # fmt: skip
def test_which_words_the_index_decides_alone(query: str, exact: bool) -> None:
    root = parse(query).root
    assert isinstance(root, Term)
    assert word_chunks(root.words)[1] is exact


LETTERS = "aeiouncyáÁéñÑçÇüÜßﬁ𝐜Ωω_1"
TEXT = st.text(alphabet=LETTERS + " -.,'#@*\u00a8\u0301😀", max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    query=st.text(alphabet=LETTERS + "-#@'*\u0301", min_size=1, max_size=8),
    phrase=st.booleans(),
    text=TEXT,
)
def test_index_agrees_with_the_matcher(index: WordIndex, query: str, phrase: bool, text: str):
    """Any word or phrase against any text: the index never misses, and when it says it
    decides alone it never finds too much."""
    source = f'"{query.replace(chr(34), "")}"' if phrase else query
    try:
        root = parse(source).root
    except QuerySyntaxError:
        assume(False)
        return
    assume(isinstance(root, Term))
    assert isinstance(root, Term)
    check(index, root.words, text)
    check(index, root.words, " ".join([text, *(w.rstrip("*") for w in root.words)]))
