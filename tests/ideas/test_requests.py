"""The request inside a wish post, in English and Spanish, and service requests told apart."""

from __future__ import annotations

import pytest

from escucha.ideas.requests import MAX_WORDS, find_request

PRODUCT = [  # (language, post, the request cut from it)
    (
        "en",
        "@united you should offer free wifi on board. Other airlines do",
        "offer free wifi on board",
    ),
    (
        "en",
        "It would be great if the app kept my boarding pass offline",
        "the app kept my boarding pass offline",
    ),
    (
        "en",
        "More legroom in economy please! 6 hours is torture",
        "More legroom in economy",
    ),
    (
        "en",
        "@SouthwestAir Please start charging for carryon luggage. #CarryOnBagsSlowEverybodyDown",
        "start charging for carryon luggage",
    ),
    (
        "en",
        "Bring back the free snacks on short flights",
        "Bring back the free snacks on short flights",
    ),
    (
        "en",
        "why don't you de-ice while the plane sits there empty",
        "de-ice while the plane sits there empty",
    ),
    (
        "es",
        "@Iberia deberían poner enchufes en todos los asientos",
        "poner enchufes en todos los asientos",
    ),
    (
        "es",
        "Ojalá pusierais wifi gratis en los vuelos largos",
        "pusierais wifi gratis en los vuelos largos",
    ),
    (
        "es",
        "Estaría bien que la app avisara de los retrasos",
        "la app avisara de los retrasos",
    ),
    (
        "es",
        "Me gustaría que hubiera comida vegetariana a bordo",
        "hubiera comida vegetariana a bordo",
    ),
    (
        "es",
        "Necesitamos un Ryanair en Colombia.",
        "un Ryanair en Colombia",
    ),
]

SERVICE = [
    ("en", "@united can you please follow me so I can DM you"),
    ("en", "@AmericanAir please help me, my flight was Cancelled Flightled"),
    ("en", "@JetBlue please call me at 555-0100"),
    ("en", "@united please fix my seat assignment"),
    ("es", "@Iberia por favor ayudadme con mi maleta"),
    ("es", "@Iberia me encantaría que me devuelvan el dinero"),
]

NONE = [
    ("en", "seats in Row 8 don't recline #soreback"),
    ("en", "@SouthwestAir might be the worst airline ever"),
    ("es", "Todavía estáis a tiempo de visitar la exposición"),
    ("fr", "s'il vous plaît ajoutez du wifi"),  # a language without cues
    ("en", ""),
]


@pytest.mark.parametrize(("lang", "text", "request_text"), PRODUCT)
def test_a_product_request_is_cut_from_the_post_as_written(lang, text, request_text):
    found = find_request(text, lang)
    assert found is not None and (found.text, found.kind) == (request_text, "product")


@pytest.mark.parametrize(("lang", "text"), SERVICE)
def test_a_request_about_the_persons_own_case_is_a_service_request(lang, text):
    found = find_request(text, lang)
    assert found is not None and found.kind == "service", found


@pytest.mark.parametrize(("lang", "text"), NONE)
def test_a_post_without_a_cue_has_no_request(lang, text):
    assert find_request(text, lang) is None


def test_a_request_is_at_most_max_words_and_skips_handles_and_links():
    found = find_request(
        "@united please add " + " ".join(f"word{i}" for i in range(30)) + " https://t.co/x", "en"
    )
    assert found is not None and len(found.text.split()) == MAX_WORDS
    assert "@" not in found.text and "http" not in found.text
