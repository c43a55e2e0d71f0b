"""Brand mentions: accent- and case-insensitive, on word boundaries, @handles and #hashtags."""

from __future__ import annotations

import pytest

from escucha.brands import BrandMatcher
from escucha.config import Brand
from escucha.core.text import fold

BRANDS = [
    Brand("Iberia", ("Iberia Express",), ("@Iberia", "@IberiaExpress"), ("#Iberia",), ours=True),
    Brand("Air Europa", (), ("@AirEuropa",), ()),
    Brand("United Airlines", ("United",), ("@united",), ()),
    Brand("Ryanair", (), ("@Ryanair_ES",), ("#RyanairFail",)),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Volé con IBERIA ayer", ["Iberia"]),
        ("vuelo con Ibéria", ["Iberia"]),  # accents do not matter
        ("@iberia ¿dónde está mi maleta?", ["Iberia"]),
        ("#Iberia mola", ["Iberia"]),
        ("iberiano no es una marca", []),  # word boundary
        ("@Iberia_en hola", []),  # another account
        ("me gusta AIR   europa", ["Air Europa"]),  # an alias of two words, any spacing
        ("@united lost my bag", ["United Airlines"]),
        ("#ryanairfail otra vez", ["Ryanair"]),
        ("#Ryanair sin más", ["Ryanair"]),  # a name also matches as a hashtag
        ("#RyanairES", []),  # but not inside a longer one
        ("Ryanair, @AirEuropa e Iberia", ["Iberia", "Air Europa", "Ryanair"]),
        ("", []),
    ],
)
def test_matches(text, expected):
    assert BrandMatcher(BRANDS).match(text) == expected


def test_fold_removes_accents_and_case():
    assert fold("ÁVILA Pingüino Ñandú") == "avila pinguino nandu"


def test_fingerprint_changes_with_the_rules():
    assert BrandMatcher(BRANDS).fingerprint == BrandMatcher(list(BRANDS)).fingerprint
    changed = [*BRANDS[:-1], Brand("Ryanair", (), ("@Ryanair",), ())]
    assert BrandMatcher(changed).fingerprint != BrandMatcher(BRANDS).fingerprint


def test_no_brands_match_nothing():
    assert BrandMatcher([]).match("Iberia") == []
