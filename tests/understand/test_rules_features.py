"""Phrase rules, batch featurisation details, the hash index and the annotated sets."""

from __future__ import annotations

import numpy as np
import pytest

from escucha.core.labels import INTENTS
from escucha.understand.annotated import load
from escucha.understand.features import (
    SEP,
    FeatureConfig,
    Featuriser,
    HashIndex,
    letter_words_per_text,
    mark_links,
    word_hashes,
)
from escucha.understand.rules import RuleMatcher, rule_scores


@pytest.fixture(scope="module")
def featuriser() -> Featuriser:
    return Featuriser(FeatureConfig(bits=18, char_min=3, char_max=4))


def _rules(featuriser: Featuriser, texts: list[str]) -> list[dict[str, float]]:
    scores = rule_scores(featuriser.analyse(texts), INTENTS)
    return [dict(zip(INTENTS, row, strict=True)) for row in scores.tolist()]


def test_phrases_match_whole_words_accents_folded(featuriser):
    wish, not_wish, folded, question, promo, no_promo = _rules(
        featuriser,
        [
            "Ojala pusieran más vuelos",
            "wishful thinking",
            "OJALÁ!!",
            "@Iberia @vueling ¿cómo reclamo?",
            "hoy 20 % de descuento en vuelos",
            "the light is off",
        ],
    )
    assert wish["wish"] == 0.85 and folded["wish"] == 0.3  # "ojalá" alone is weak
    assert not_wish["wish"] == 0.0
    assert question["question"] == 0.9  # "¿"
    assert promo["promo"] == 0.7 and no_promo["promo"] == 0.0


def test_sentence_start_rule_skips_handles(featuriser):
    start, middle, after_dot = _rules(
        featuriser,
        ["@united @delta how do I get a refund", "I know how it works", "Great. When is it"],
    )
    assert start["question"] == 0.7
    assert middle["question"] == 0.0
    assert after_dot["question"] == 0.7


def test_rules_never_cross_texts(featuriser):
    first, second = _rules(featuriser, ["I", "wish it were sunny"])
    assert first["wish"] == 0.0 and second["wish"] == 0.9


def test_a_longer_phrase_is_an_exception_to_a_shorter_one_inside_it(featuriser):
    asks, wishes, thanks, sympathy, counterfactual, forward = _rules(
        featuriser,
        [
            "Me gustaría saber el horario del vuelo",
            "Me gustaría que pusieran wifi",
            "Gracias por la sugerencia",
            "Ojalá encuentres pronto tu maleta",
            "Deberían haberme avisado",
            "Deberían poner enchufes",
        ],
    )
    assert asks["wish"] == 0.05 and wishes["wish"] == 0.8
    assert thanks["wish"] == 0.05 and sympathy["wish"] == 0.05
    assert counterfactual["wish"] == 0.05 and forward["wish"] == 0.7


def test_exceptions_only_cover_their_own_span():
    matcher = RuleMatcher(
        (("wish", 0.8, "any", ("sería genial",)), ("wish", 0.05, "any", ("sería genial que no",)))
    )
    f = Featuriser(FeatureConfig(bits=18, char_min=3, char_max=4))
    scores = matcher.scores(f.analyse(["sería genial que no. Y sería genial más wifi"]), ["wish"])
    assert scores[0, 0] == 0.8  # the second "sería genial" is outside the exception


def test_spanish_wishes_need_the_company_as_the_doer(featuriser):
    scores = _rules(
        featuriser,
        [
            "Ojalá tuvieran wifi en los vuelos largos",
            "@Iberia ojalá lo renovasen pronto",
            "@Iberia Para cuándo vuelos directos a Málaga?",
            "Ojalá se fundan, ladrones",
            "Ojalá tenga suerte en el sorteo",
            "Me gustaría haceros una consulta",
            "Todo lo que me propongo",
            "Ya no hace falta, gracias",
        ],
    )
    assert [s["wish"] for s in scores] == [0.85, 0.85, 0.7, 0.05, 0.3, 0.3, 0.05, 0.05]


def test_spanish_complaint_forms(featuriser):
    scores = _rules(
        featuriser,
        [
            "Habéis perdido mi maleta otra vez",
            "Siempre rompéis las maletas",
            "Nos dejaron tirados en Barajas",
            "Me la perdieron en Bogotá",
            "Nadie me atiende en el teléfono",
            "Me cobraron de más por la maleta",
            "Ryanair y Vueling, a la cabeza de los retrasos",
            "not happy with the delay",
        ],
    )
    assert [s["complaint"] for s in scores] == [0.75] * 6 + [0.0, 0.85]


def test_advice_to_other_customers_reads_as_a_suggestion(featuriser):
    advice = _rules(
        featuriser,
        [
            "Make sure to ask for a room at the back.",
            "Great hotel. Avoid the breakfast though",
            "No te pierdas la terraza del hotel",
            "I recommend the tapas bar next door",
        ],
    )
    # Spanish advice to other customers is weak evidence (in posts to brands it is mostly
    # praise or a warning, not a request to the company): below the wish threshold alone
    assert [a["wish"] for a in advice] == [0.7, 0.6, 0.25, 0.7]


def test_spanish_punishments_and_sympathy_are_not_wishes(featuriser):
    scores = _rules(
        featuriser,
        [
            "Deberían quitarles la licencia a estos",
            "ojalá encuentres pronto tu maleta",
            "No deberían dejar subir a la gente sin mascarilla",
            "Deberían poner más vuelos a Bilbao",
        ],
    )
    assert [s["wish"] for s in scores] == [0.05, 0.05, 0.6, 0.7]


def test_a_rule_applies_to_its_own_language_and_to_posts_of_other_languages(featuriser):
    matcher = RuleMatcher(
        (("wish", 0.6, "start", ("reserve",)), ("wish", 0.8, "any", ("deberían poner",))),
        ("en", "es"),
    )
    texts = ["Reserve a seat for me", "Reservé y deberían poner wifi", "Reserve deberían poner"]
    a = featuriser.analyse(texts)
    wish = INTENTS.index("wish")
    by_lang = matcher.scores(a, INTENTS, ["en", "es", "fr"])[:, wish].tolist()
    assert by_lang == [0.6, 0.8, 0.8]  # "fr": every rule
    # "Reservé" folds to "reserve": read as English it is the English rule's match
    assert matcher.scores(a, INTENTS, ["es", "en", "unknown"])[:, wish].tolist() == [0, 0.6, 0.8]
    assert matcher.scores(a, INTENTS)[:, wish].tolist() == [0.6, 0.8, 0.8]  # no languages
    with pytest.raises(ValueError, match="one language per rule"):
        RuleMatcher((("wish", 0.6, "any", ("reserve",)),), ("en", "es"))


def test_shipped_rules_are_split_by_language(featuriser):
    texts = [
        "@Iberia Reserve dos vuelos",
        "@united please add wifi",
        "@Iberia por favor poned wifi",
    ]
    a = featuriser.analyse(texts)
    wish = INTENTS.index("wish")
    assert rule_scores(a, INTENTS, ["es", "es", "en"])[:, wish].tolist() == [0, 0, 0]
    assert rule_scores(a, INTENTS, ["en", "en", "es"])[:, wish].tolist() == [0.6, 0.85, 0.85]


def test_duplicate_phrase_is_refused():
    with pytest.raises(ValueError, match="two rules"):
        RuleMatcher((("wish", 0.9, "any", ("ojalá",)), ("praise", 0.5, "any", ("ojala",))))


def test_features_do_not_depend_on_the_batch(featuriser):
    texts = ["Hola :) ¿qué tal?", "SOOOO GOOD http://t.co/x", "", "no me gusta nada"]
    whole = featuriser.transform(texts).toarray()
    for i, text in enumerate(texts):
        np.testing.assert_allclose(whole[i], featuriser.transform([text]).toarray()[0], atol=1e-6)


def test_mark_links_and_letter_words():
    marked = mark_links(["a &amp; b\nc http://x.y/z", "@joe hi", "t.co/abc", "x\x00y"])
    parts = marked.split(SEP)
    assert len(parts) == 4
    assert "&" in parts[0] and "http" not in parts[0] and "joe" not in parts[1]
    assert letter_words_per_text(SEP.join(["hola que tal", "a 12 b", "", "él va"])).tolist() == [
        3,
        0,
        0,
        2,
    ]


def test_hash_index():
    keys = word_hashes(["uno", "dos", "tres"])
    index = HashIndex(keys)
    assert index.find(word_hashes(["dos", "cuatro", "uno"])).tolist() == [1, -1, 0]
    with pytest.raises(ValueError):
        HashIndex(np.concatenate((keys, keys[:1])))


@pytest.mark.parametrize(
    ("lang", "name", "n"),
    [
        ("es", None, 330),
        ("en", None, 235),
        ("es", "es_airline_intents_2.jsonl", 525),
        ("es", "es_airline_intents_4.jsonl", 500),
    ],
)
def test_annotated_sets(lang, name, n):
    rows = load(lang, name)
    assert len(rows) == n
    assert len({r["id"] for r in rows}) == n
    for r in rows:
        assert set(r["labels"]) == set(INTENTS)
        assert set(r["labels"].values()) <= {0, 1}


def test_second_spanish_set_is_new_and_split_in_halves_per_stratum():
    first = {r["id"] for r in load("es")}
    rows = load("es", "es_airline_intents_2.jsonl")
    assert not first & {r["id"] for r in rows}
    for stratum in {r["stratum"] for r in rows}:
        splits = [r["split"] for r in rows if r["stratum"] == stratum]
        assert set(splits) == {"dev", "sealed"}
        assert abs(splits.count("dev") - splits.count("sealed")) <= 1


def test_fourth_spanish_set_is_new_and_split_by_stratum():
    earlier = {
        r["id"] for n in ("", "_2", "_3") for r in load("es", f"es_airline_intents{n}.jsonl")
    }
    rows = load("es", "es_airline_intents_4.jsonl")
    assert not earlier & {r["id"] for r in rows}
    assert all(r["split"] == r["stratum"] for r in rows)
    assert {r["split"] for r in rows} == {"cue", "random"}


def test_batch_language_id_matches_py3langid():
    import unicodedata

    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from escucha.understand.langid import LanguageDetector

    texts = [
        "Hola, me gustaría saber si el vuelo de mañana sale a su hora",
        "Thanks for nothing, the flight was late again",
        "Bonjour, je voudrais changer mon billet",
        "ÉL NO VIENE",
        "",
        "ok 👍",
        "Ich möchte meinen Flug umbuchen, bitte",
    ]
    langs = ["es", "en", "fr", "de"]
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(langs)
    detector = LanguageDetector(langs)
    mine = detector.probabilities(texts)
    for text, row in zip(texts, mine, strict=True):
        encoded = unicodedata.normalize("NFC", text.lower() if text.isupper() else text)
        ref = dict(ident.rank(encoded.encode("utf-8")[:320]))
        np.testing.assert_allclose(row, [ref[k] for k in detector.languages], atol=1e-5)


def test_phrase_keys_that_would_overflow_int64_are_refused():
    words = tuple(f"w{i}" for i in range(2000))
    phrases = (" ".join(words[:6]), *words)  # 2,000 words, base 2,001, a 6-word phrase
    with pytest.raises(ValueError, match="overflow"):
        RuleMatcher((("wish", 0.5, "any", phrases),))


def test_a_cached_matcher_has_the_built_tables(tmp_path, monkeypatch):
    """RuleMatcher.cached builds the tables once and reads them back equal, dtypes included."""
    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(tmp_path))
    built = RuleMatcher()._state()
    for _ in range(2):
        state = RuleMatcher.cached()._state()
        assert state.keys() == built.keys()
        for name, arr in built.items():
            assert state[name].dtype == arr.dtype and np.array_equal(state[name], arr), name
    assert len(list(tmp_path.glob("rules-*"))) == 1


def _word_entries(config: FeatureConfig, texts: list[str]) -> list[set[int]]:
    block = Featuriser(config).analyse(texts).blocks[-1]  # words come last
    return [
        set(block.cols[block.indptr[i] : block.indptr[i + 1]].tolist()) for i in range(len(texts))
    ]


def test_negation_scope_can_end_at_punctuation():
    base = FeatureConfig(bits=18, char_min=3, char_max=4)
    clause = FeatureConfig(bits=18, char_min=3, char_max=4, negation_clause=True)
    long = FeatureConfig(bits=18, char_min=3, char_max=4, negation_scope=99, negation_clause=True)
    texts = ["no me gusta, bien", "no me gusta el vuelo de hoy"]
    (b_cut, b_long), (c_cut, c_long), (l_cut, l_long) = (
        _word_entries(cfg, texts) for cfg in (base, clause, long)
    )
    assert c_cut < b_cut and len(b_cut - c_cut) == 1  # "bien" is no longer negated
    assert c_long == b_long  # no punctuation: the 3-word scope as before
    assert l_cut == c_cut and len(l_long - b_long) == 3  # "vuelo de hoy" negated too


def test_intensified_and_elongated_words_get_their_own_entries():
    base = FeatureConfig(bits=18, char_min=3, char_max=4)
    more = FeatureConfig(bits=18, char_min=3, char_max=4, intensifiers=True, elongation=True)
    texts = ["muy bueno", "bueno muy", "holaaa", "hola", "sooo good"]
    before, after = _word_entries(base, texts), _word_entries(more, texts)
    added = [a - b for a, b in zip(after, before, strict=True)]
    assert [len(a) for a in added] == [1, 0, 1, 0, 1]
    assert added[2] == added[4]  # one pseudo-word for every elongated word


@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_char_ngrams_hashed_in_chunks_are_those_of_one_pass(monkeypatch, chunk):
    """The char n-grams of a batch are hashed a chunk of code points at a time: the same
    entries, in the same order, wherever the chunks end (inside windows, at separators)."""
    from escucha.understand import features

    texts = ["hola qué tal", "", "I  LOVE it!!! 😀", "a", "ab", "tres días sin maleta @iberia"]
    config = FeatureConfig(bits=18, char_min=2, char_max=5)
    whole = Featuriser(config).analyse(texts)
    monkeypatch.setattr(features, "_CHUNK", chunk)
    chunked = Featuriser(config).analyse(texts)
    for a, b in zip(whole.blocks, chunked.blocks, strict=True):
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.cols, b.cols)
