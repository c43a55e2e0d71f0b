"""Competitor benchmark and opportunities on a hand-made market with a known answer."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from escucha.insights.opportunities import competitor_benchmark, in_period, opportunities

from .conftest import post

BRANDS = [
    {"name": "Iberia", "ours": True, "handles": ["@Iberia"]},
    {"name": "Vueling", "ours": False, "handles": ["@vueling"]},
]
SERVICE_BAD = "el servicio de atencion al cliente de Iberia es lamentable, nadie contesta {n}"
SERVICE_GOOD = "la atencion al cliente de Vueling fue excelente, rapida y amable {n}"
BAGS_BAD = "Iberia perdio mi maleta en Barajas y la cinta no devuelve equipaje {n}"
PRICE_GOOD = "Vueling tiene precios baratos, billetes de oferta geniales {n}"
LATE_BAD = "Iberia otra vez con retraso, tres horas esperando en la puerta {n}"
WEB_BAD = "la web de Iberia no funciona, imposible hacer la reserva online {n}"
CREW_GOOD = "la tripulacion de Vueling muy simpatica y atenta durante todo el trayecto {n}"
SNACK_GOOD = "Vueling los bocadillos a bordo estaban deliciosos {n}"
CS_BAD = "Iberia customer service is awful, on hold for hours {n}"
CS_GOOD = "Vueling customer service was wonderful, friendly and quick {n}"
EN_BAD = (
    "Iberia lost my luggage in Madrid, suitcase still missing {n}",
    "Iberia wifi broken again on the transatlantic leg {n}",
    "Iberia meal was cold and tasteless {n}",
)
EN_GOOD = (
    "Vueling seats are comfortable with plenty of legroom {n}",
    "Vueling landed early, punctual departure {n}",
    "Vueling boarding was smooth and organised {n}",
)


def market() -> pd.DataFrame:
    """Each side has four aspects, enough posts for k-means to give each its cluster.

    Spanish: Iberia criticised on customer service, lost bags, delays and its website;
    Vueling praised on customer service, prices, crew and snacks. English: customer service
    on both sides, other aspects on each. The only aspect praised for the competitor and
    criticised for us is customer service, in each language. Praise arrives in January,
    criticism in January and March. (No aspect holds more than 30% of a side's posts: a
    term in more posts than that is too common to make a theme.)"""
    rows = []

    def add(template: str, lang: str, brand: str, good: bool, n: int, month: int) -> None:
        for k in range(n):
            i = len(rows) + 1
            columns = {
                "brands": [brand],
                "sentiment": "positive" if good else "negative",
                "intents": ["praise"] if good else ["complaint"],
                "praise": 0.9 if good else 0.0,
                "complaint": 0.0 if good else 0.9,
                "created_at": pd.Timestamp(f"2024-{month:02d}-{1 + k % 27:02d}", tz="UTC"),
            }
            rows.append(post(i, template.format(n=f"#{k}"), lang, **columns))

    add(SERVICE_BAD, "es", "Iberia", False, 11, 1)
    add(SERVICE_BAD, "es", "Iberia", False, 6, 3)
    for template in (BAGS_BAD, LATE_BAD, WEB_BAD):
        add(template, "es", "Iberia", False, 20, 1)
    for template in (SERVICE_GOOD, PRICE_GOOD, CREW_GOOD, SNACK_GOOD):
        add(template, "es", "Vueling", True, 20, 1)
    add(CS_BAD, "en", "Iberia", False, 20, 1)
    add(CS_GOOD, "en", "Vueling", True, 16, 1)
    for bad, good in zip(EN_BAD, EN_GOOD, strict=True):
        add(bad, "en", "Iberia", False, 20, 1)
        add(good, "en", "Vueling", True, 20, 1)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return market()


def test_opportunity_is_customer_service_in_each_language(posts):
    found = opportunities(posts, BRANDS, "Iberia")
    assert sorted(o.lang for o in found) == ["en", "es"]
    es = next(o for o in found if o.lang == "es")
    assert {"atencion", "cliente", "atencion cliente"} & set(es.terms)
    assert es.our_posts == 17 and es.competitor_posts == 20
    assert es.competitors == {"Vueling": 20}
    assert all("atenci" in q.text for q in es.our_quotes + es.competitor_quotes)
    assert all("Iberia" in q.text for q in es.our_quotes)
    assert all("Vueling" in q.text for q in es.competitor_quotes)
    en = next(o for o in found if o.lang == "en")
    assert en.our_posts == 20 and en.competitor_posts == 16
    assert "customer service" in en.terms or "customer" in en.terms


def test_opportunities_respect_the_period(posts):
    march = opportunities(posts, BRANDS, "Iberia", since="2024-03-01")
    assert march == []  # no competitor praise in March
    january = opportunities(posts, BRANDS, "Iberia", until="2024-02-01")
    es = next(o for o in january if o.lang == "es")
    assert es.our_posts == 11


def test_in_period_bounds(posts):
    frame = in_period(posts, since="2024-01-05", until=pd.Timestamp("2024-03-01"))
    assert frame["created_at"].min() >= pd.Timestamp("2024-01-05", tz="UTC")
    assert frame["created_at"].max() < pd.Timestamp("2024-03-01", tz="UTC")
    assert len(in_period(posts)) == len(posts)


def test_benchmark_per_brand_and_language(posts):
    table = competitor_benchmark(posts, BRANDS, min_posts=1)
    es = table[table["lang"] == "es"].set_index("brand")
    assert list(table[table["lang"] == "es"]["brand"]) == ["Iberia", "Vueling"]  # ours first
    assert es.loc["Iberia", "mentions"] == 77 and es.loc["Vueling", "mentions"] == 80
    assert es.loc["Iberia", "share"] == pytest.approx(77 / 157)
    assert es.loc["Iberia", "net"] == -1.0 and es.loc["Vueling", "net"] == 1.0
    assert es.loc["Iberia", "complaints"] == 77
    assert es.loc["Iberia", "top_theme_posts"] == [20, 20, 20]
    assert es.loc["Vueling", "top_themes"] == []
    march = competitor_benchmark(posts, BRANDS, since="2024-03-01", min_posts=1)
    assert list(march["brand"]) == ["Iberia"] and march.loc[0, "mentions"] == 6


def test_both_sides_key_their_terms_as_the_themes_do(posts):
    """Themes match on shared terms only if both sides' terms are keyed by the language's
    stemmer, as the themes' are ("service" is "servic" in English)."""
    from escucha.insights.opportunities import _exclude, _Sides
    from escucha.insights.themes import find_themes

    exclude = frozenset(_exclude(BRANDS))
    for lang in ("es", "en"):
        rows = posts[posts["lang"] == lang]
        known = set().union(*_Sides(rows, exclude, lang).terms.values())
        terms = {t for theme in find_themes(rows, exclude=exclude) for t, _ in theme.terms}
        assert terms and terms <= known, (lang, sorted(terms - known))
    texts = " | ".join(posts["text"]).lower()
    found = opportunities(posts, BRANDS, "Iberia")
    shown = [t for o in found for t in o.terms]  # as the posts write them, not the keys
    assert shown and all(re.search(rf"\b{re.escape(t)}\b", texts) for t in shown), shown
