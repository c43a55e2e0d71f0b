"""Theme labels people would write: no handles, brands, codes or artefacts; concerns
comparable across languages; the same posts give the same themes; the AMI command runs."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from escucha.insights.concepts import CONCEPTS, concept_of
from escucha.insights.lemmas import repair, stem
from escucha.insights.stopwords import NOT_A_NAME
from escucha.insights.terms import brand_words, fold, post_terms_of
from escucha.insights.themes import find_themes

ROOT = Path(__file__).resolve().parents[2]
BRANDS = [
    {"name": "United Airlines", "handles": ["@united"], "hashtags": ["#UnitedAirlines"]},
    {"name": "American Airlines", "handles": ["@AmericanAir"]},
    {"name": "Iberia", "aliases": ["Iberia Express"], "handles": ["@Iberia", "@iberiaexpress"]},
    {"name": "Vueling", "handles": ["@vueling"]},
]
HANDLES = {"en": ["@united", "@AmericanAir"], "es": ["@Iberia", "@vueling"]}
CODES = {"en": ["UA922", "AA1344", "JFK", "DFW", "ua", "aa"], "es": ["IB6409", "IB3176", "MAD"]}
# Complaints as customers write them, per reason; {h} a handle, {c} a flight or airport code.
TEMPLATES = {
    "en": {
        "cancelled_flight": [
            "{h} my flight {c} was Cancelled Flightled, now what",
            "{h} Cancelled Flighted again from {c}, stranded tonight",
            "{h} why cancel my flight {c} with no notice",
        ],
        "late_flight": [
            "{h} flight {c} delayed three hours at the gate",
            "{h} {c} is Late Flight again, another delay",
            "{h} stuck on the tarmac at {c}, delayed forever",
        ],
        "luggage": [
            "{h} you lost my bag on {c}, baggage claim has no idea",
            "{h} my luggage never arrived from {c}",
            "{h} damaged suitcase after {c}, the bag is broken",
        ],
        "customer_service": [
            "{h} on hold for two hours, customer service is useless {c}",
            "{h} nobody answers the phone, customer service hung up {c}",
            "{h} still no response to my email about {c}",
        ],
    },
    "es": {
        "cancelled_flight": [
            "{h} me han cancelado el vuelo {c} sin avisar",
            "{h} vuelo {c} cancelado otra vez, nos dejan tirados",
            "{h} la cancelación del {c} nos arruina el viaje",
        ],
        "late_flight": [
            "{h} tres horas de retraso en el {c}",
            "{h} el vuelo {c} sale con retraso otra vez",
            "{h} retrasado el {c}, llevamos horas en la puerta",
        ],
        "luggage": [
            "{h} me habéis perdido la maleta en el {c}",
            "{h} mi equipaje no ha llegado del {c}",
            "{h} la maleta llegó rota del {c}, equipaje destrozado",
        ],
        "customer_service": [
            "{h} nadie contesta el teléfono de atención al cliente {c}",
            "{h} sin respuesta a mi reclamación del {c}, atención al cliente pésima",
            "{h} una hora al teléfono con atención al cliente por el {c}",
        ],
    },
}
START = datetime(2024, 3, 1, tzinfo=UTC)


def airline_posts(per_reason: int = 30, seed: int = 3) -> pd.DataFrame:
    """Complaints in es and en with handles, codes, links and the artefacts of the US data."""
    rng = random.Random(seed)
    rows = []
    for lang, reasons in TEMPLATES.items():
        for reason, templates in reasons.items():
            for n in range(per_reason):
                text = rng.choice(templates).format(
                    h=rng.choice(HANDLES[lang]), c=rng.choice(CODES[lang])
                )
                if n % 3 == 0:
                    text += f" https://t.co/x{n}{reason[:3]}"
                rows.append((lang, reason, text))
    rng.shuffle(rows)
    return pd.DataFrame(
        [
            {
                "id": i + 1,
                "native_id": f"p{i + 1}",
                "text": text,
                "lang": lang,
                "reason": reason,
                "author": f"user{i % 23}",
                "created_at": START + timedelta(hours=i),
                "sentiment": "negative",
                "brands": [],
                "intents": ["complaint"],
            }
            for i, (lang, reason, text) in enumerate(rows)
        ]
    )


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return airline_posts()


@pytest.fixture(scope="module")
def themes(posts):
    return find_themes(posts, exclude=brand_words(BRANDS))


def test_repair_undoes_the_us_data_artefacts():
    assert repair("my flight was Cancelled Flightled today") == "my flight was cancelled today"
    assert repair("Late Flightr we are still here") == "later we are still here"
    assert repair("1 day Late Flight at sfo") == "1 day late at sfo"
    assert repair("reFlight Booking Problems now") == "rebooking now"
    assert repair("Cancelled Flight my reservation") == "cancel my reservation"
    assert repair("Ya hay fecha para la nueva política") == "Ya hay fecha para la nueva política"


def test_stems_join_the_forms_of_a_word():
    for forms in (["delay", "delayed", "delays"], ["cancel", "cancelled", "cancellation"]):
        assert len({stem(w, "en") for w in forms}) == 1, forms
    for forms in (["retraso", "retrasos", "retrasado"], ["cancelado", "cancelacion", "cancelan"]):
        assert len({stem(w, "es") for w in forms}) == 1, forms
    assert stem("maletas", "es") == stem("maleta", "es") != stem("retraso", "es")


def test_codes_handles_urls_and_brand_initials_are_not_terms():
    exclude = frozenset(brand_words(BRANDS))
    assert {"ua", "aa", "united", "american", "iberia"} <= exclude
    text = "@united UA922 from JFK ua was Cancelled Flightled http://t.co/abc #UnitedAirlines"
    terms = post_terms_of(text, exclude, drop_codes=True)
    words = {w for t in terms for w in t.split()}
    assert words == {"cancelled"}, terms


def test_labels_have_no_handles_brands_codes_or_artefacts(themes):
    banned = {fold(w) for w in brand_words(BRANDS)} | {
        fold(c) for codes in CODES.values() for c in codes
    }
    assert any(not t.other for t in themes)
    for theme in themes:
        words = set(re.findall(r"[^\W_]+", fold(theme.label)))
        assert not words & banned, theme.label
        assert not re.search(r"[@#\d]|http|flightl|flightr", theme.label.lower()), theme.label


def test_labels_are_noun_phrases_in_the_posts_language(themes):
    labels = {
        lang: {t.label for t in themes if t.lang == lang and not t.other} for lang in ("es", "en")
    }
    assert {"flight cancellations", "flight delays", "customer service"} <= labels["en"]
    assert {"vuelos cancelados", "retrasos de vuelos", "atención al cliente"} <= labels["es"]
    for theme in themes:
        words = {fold(w) for w in re.findall(r"[^\W_]+", theme.label)}
        assert words - NOT_A_NAME, theme.label  # some word names a thing


def test_concerns_are_separate_and_comparable_across_languages(themes, posts):
    reason = dict(zip(posts["id"], posts["reason"], strict=True))
    keys = {
        lang: {t.concept for t in themes if t.lang == lang and t.concept} for lang in ("es", "en")
    }
    assert keys["es"] == keys["en"] == set(TEMPLATES["en"])
    for theme in themes:
        if theme.concept:
            own = sum(reason[i] == theme.concept for i in theme.post_ids)
            assert own / theme.size >= 0.9, (theme.label, theme.size, own)


def test_every_concept_has_labels_and_seeds_in_both_languages():
    for concept in CONCEPTS:
        assert set(concept.labels) == set(concept.seeds) == {"es", "en"}
    assert concept_of({stem("maleta", "es")}, "es") == "luggage"
    assert concept_of({stem("bag", "en")}, "en") == "luggage"


def test_same_posts_same_themes(posts, themes):
    again = find_themes(posts.sample(frac=1, random_state=11), exclude=brand_words(BRANDS))
    assert [(t.id, t.label, t.post_ids, t.concept) for t in again] == [
        (t.id, t.label, t.post_ids, t.concept) for t in themes
    ]


def test_the_ami_command_runs_on_a_tiny_set(tmp_path, posts):
    data = tmp_path / "airlines"
    data.mkdir()
    files = {
        "en": ("us_airline_tweets.jsonl", "row"),
        "es": ("es_airline_tweets.jsonl", "tweet_id"),
    }
    annotations = []
    for lang, (name, key) in files.items():
        mine = posts[posts["lang"] == lang]
        with open(data / name, "w", encoding="utf-8") as handle:
            for n, row in enumerate(mine.itertuples()):
                record = {key: row.native_id, "text": row.text, "sentiment": "negative"}
                handle.write(json.dumps(record) + "\n")
                if n < 40:
                    half = "tune" if n % 2 == 0 else "sealed"
                    annotations.append(
                        {"lang": lang, "id": row.native_id, "half": half, "reason": row.reason}
                    )
    path = tmp_path / "reasons.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in annotations), encoding="utf-8")
    result = subprocess.run(
        [
            *(sys.executable, "bench_themes.py", "--ami", "--half", "all"),
            *("--data", str(data), "--annotations", str(path)),
        ],
        cwd=ROOT / "bench",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "AMI" in x)
    overall = float(re.search(r"all (\d\.\d+)", line).group(1))
    assert overall >= 0.8, result.stdout
    assert "stable across runs: yes" in result.stdout
