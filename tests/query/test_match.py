"""In-memory matching (`Query.matches`) and the invariant the SQL stage rests on: every text a
word matches also matches one of the word's LIKE patterns."""

from __future__ import annotations

import random
import sqlite3
import unicodedata
from datetime import datetime

import pytest

from escucha.core.text import fold
from escucha.query import parse
from escucha.query.sql import like_patterns
from escucha.query.text import word_regex


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


def test_like_patterns_admit_every_latin1_spelling() -> None:
    rng = random.Random(11)
    conn = sqlite3.connect(":memory:")
    for _ in range(3000):
        words = tuple(fold(rng.choice(WORDS)) for _ in range(rng.choice([1, 1, 2])))
        if rng.random() < 0.3:
            words = (*words[:-1], words[-1][: rng.randint(1, len(words[-1]))] + "*")
        text = " ".join(spelled(w.rstrip("*"), rng) for w in words) + rng.choice(["", "s", "!"])
        if not word_regex(words).search(fold(text)):
            continue
        patterns = like_patterns(words)
        found = [
            conn.execute("SELECT ? LIKE ? ESCAPE '\\'", (text, p)).fetchone()[0] for p in patterns
        ]
        assert not patterns or any(found), (words, text, patterns)
