"""Intent evidence: pattern features, which posts the English intent models read, and the
provenance of the annotated Spanish sets (third set, second annotator's agreement)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escucha.core.labels import INTENTS
from escucha.understand import annotated
from escucha.understand.features import FeatureConfig, Featuriser
from escucha.understand.intents import combine, english_rows
from escucha.understand.patterns import NAMES, pattern_matrix


def _families(texts: list[str]) -> list[set[str]]:
    m = pattern_matrix(Featuriser(FeatureConfig(bits=18, char_min=3, char_max=4)).analyse(texts))
    return [{n for n, v in zip(NAMES, row, strict=True) if v} for row in m]


def test_pattern_families_describe_how_people_ask():
    ask, imperative, report, none = _families(
        [
            "It would be nice to have a dark mode. Please add it",
            "Add an export button to the settings page!",
            "You lost my bag and I was delayed 3 hours",
            "The weather is fine today",
        ]
    )
    assert {"would_be_good", "please_request"} <= ask
    assert "imperative_start" in imperative
    assert {"accuse_you", "bag_problem", "delay"} <= report
    assert none == set()


def test_english_models_read_english_and_unknown_posts_only():
    assert english_rows(["en", "es", "unknown", "fr"]).tolist() == [True, False, True, False]
    n = 2
    sentiment = np.tile([0.1, 0.8, 0.1], (n, 1))
    model = np.full((n, len(INTENTS)), np.nan)
    model[:, INTENTS.index("complaint")] = 0.99
    model[:, INTENTS.index("wish")] = 0.99
    rules = np.zeros((n, len(INTENTS)))
    params = {"complaint_model": 1.0, "complaint_negative": 0.3, "praise_positive": 0.5}
    out = combine(sentiment, model, rules, params, np.array([True, False]))
    complaint, wish = out[:, INTENTS.index("complaint")], out[:, INTENTS.index("wish")]
    assert complaint[0] > 0.98 and wish[0] > 0.98  # English: the models count
    # Spanish: no English model; complaint is the post's own P(negative) (weight 1, power 1)
    assert complaint[1] == pytest.approx(0.1)
    assert wish[1] == 0.0


def test_english_wish_rules_can_give_way_to_the_models_pattern_features():
    sentiment = np.tile([0.1, 0.8, 0.1], (2, 1))
    model = np.full((2, len(INTENTS)), np.nan)
    rules = np.zeros((2, len(INTENTS)))
    rules[:, INTENTS.index("wish")] = 0.8
    params = {
        "complaint_model": 1.0,
        "complaint_negative": 0.3,
        "praise_positive": 0.5,
        "wish_rules_en": 0.0,
    }
    wish = combine(sentiment, model, rules, params, np.array([True, False]))[
        :, INTENTS.index("wish")
    ]
    assert wish.tolist() == [0.0, pytest.approx(0.8)]


def test_cohen_kappa():
    a = np.array([1, 1, 0, 0, 1, 0, 0, 0])
    assert annotated.cohen_kappa(a, a) == 1.0
    b = np.array([1, 0, 0, 0, 1, 0, 0, 1])
    # observed 6/8; expected 3/8*3/8 + 5/8*5/8 = 34/64
    assert annotated.cohen_kappa(a, b) == pytest.approx((0.75 - 34 / 64) / (1 - 34 / 64))


def test_second_annotator_labelled_the_seeded_sample_of_the_first_two_sets():
    sample = annotated.agreement_sample()
    second = annotated.load("es", "es_airline_intents_agreement.jsonl")
    assert [r["id"] for r in second] == [r["id"] for r in sample]
    assert len(second) == annotated.AGREEMENT_SIZE >= 150
    agreement = annotated.agreement()
    assert set(agreement) == set(INTENTS)
    for k in INTENTS:
        assert agreement[k]["n"] == len(second)
        assert -1.0 <= agreement[k]["kappa"] <= 1.0


@pytest.mark.parametrize(
    "name",
    ["es_airline_intents_4_agreement.jsonl", "es_airline_intents_4_agreement_independent.jsonl"],
)
def test_second_labels_of_the_fourth_set_are_its_seeded_sample(name):
    sample = annotated.agreement_sample_fourth()
    second = annotated.load("es", name)
    assert [r["id"] for r in second] == [r["id"] for r in sample]
    assert [r["text"] for r in second] == [r["text"] for r in sample]
    assert [r["stratum"] for r in second].count("cue") == annotated.AGREEMENT_4_PER_STRATUM
    agreement = annotated.agreement(name, ("es_airline_intents_4.jsonl",))
    assert {k: v["n"] for k, v in agreement.items()} == dict.fromkeys(INTENTS, 100)


def test_third_spanish_set_is_fresh():
    third = annotated.load("es", "es_airline_intents_3.jsonl")
    earlier = {r["id"] for r in annotated.load("es")}
    earlier |= {r["id"] for r in annotated.load("es", "es_airline_intents_2.jsonl")}
    assert len(third) == 300 and len({r["id"] for r in third}) == 300
    assert not earlier & {r["id"] for r in third}
    assert {r["split"] for r in third} == {"final"}
    assert {r["stratum"] for r in third} == {s for s, _, _ in annotated.STRATA_3}
    assert all(set(r["labels"]) == set(INTENTS) for r in third)


SOURCE_DATA = Path("/work/shared/data")  # the airline tweets the sets were drawn from


@pytest.mark.skipif(not (SOURCE_DATA / "airlines").is_dir(), reason="no airline tweets here")
@pytest.mark.parametrize(
    "draw, name",
    [
        (annotated.sample_second, "es_airline_intents_2.jsonl"),
        (annotated.sample_third, "es_airline_intents_3.jsonl"),
        (annotated.sample_fourth, "es_airline_intents_4.jsonl"),
    ],
)
def test_the_later_spanish_sets_are_what_their_sampling_draws(draw, name):
    drawn = draw(SOURCE_DATA)
    stored = annotated.load("es", name)
    assert [{k: r[k] for k in ("id", "stratum", "split", "text")} for r in stored] == drawn
