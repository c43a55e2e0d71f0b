"""The PostReader contract and behaviour on clear-cut Spanish and English posts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.understand import Reading, load_reader

TEXTS = [
    "@Iberia me habéis perdido la maleta y nadie contesta, vergonzoso",
    "I wish you had wifi on board, please add it",
    "Muchas gracias a la tripulación de Vueling, un servicio excelente",
    "@united worst airline ever, 5 hours delayed and no answer",
    "¿A qué hora sale el vuelo a Bilbao?",
    "Check out my channel and subscribe http://my.channel.example",
    "ok",
    "",
]


def test_shapes_and_probabilities(reader):
    readings = reader.read(TEXTS)
    assert len(readings) == len(TEXTS)
    for r in readings:
        assert isinstance(r, Reading)
        assert r.sentiment in SENTIMENTS
        assert tuple(r.sentiment_scores) == SENTIMENTS
        assert sum(r.sentiment_scores.values()) == pytest.approx(1.0, abs=1e-6)
        assert all(0.0 <= v <= 1.0 for v in r.sentiment_scores.values())
        assert r.sentiment == max(r.sentiment_scores, key=r.sentiment_scores.get)
        assert tuple(r.intents) == INTENTS
        assert all(0.0 <= v <= 1.0 for v in r.intents.values())
        assert set(r.intent_labels) <= set(INTENTS)


def test_labels_follow_shipped_thresholds(reader):
    thresholds = json.loads((reader_model_dir() / "manifest.json").read_text(encoding="utf-8"))[
        "thresholds"
    ]
    for r in reader.read(TEXTS):
        expected = tuple(k for k in INTENTS if r.intents[k] >= thresholds[k])
        assert r.intent_labels == expected


def reader_model_dir():
    from escucha.understand.shipped import MODEL_DIR

    return MODEL_DIR


def test_deterministic_and_batch_independent(reader):
    whole = reader.read(TEXTS)
    assert reader.read(TEXTS) == whole
    one_by_one = [reader.read([t])[0] for t in TEXTS]
    for a, b in zip(whole, one_by_one, strict=True):
        assert a.lang == b.lang and a.sentiment == b.sentiment
        for k in SENTIMENTS:
            assert a.sentiment_scores[k] == pytest.approx(b.sentiment_scores[k], abs=1e-5)
        for k in INTENTS:
            assert a.intents[k] == pytest.approx(b.intents[k], abs=1e-5)


def test_texts_are_scored_by_their_own_heads_in_any_order(reader):
    """The scorer groups a batch by sentiment head (es, en, fallback) and puts the results
    back in the texts' order: the same bits whatever the order of the batch."""
    import numpy as np

    langs = ["es", "en", "es", "en", "es", "en", "unknown", "fr"]
    sent, intents = reader._scorer.score(TEXTS, langs)
    back = list(reversed(range(len(TEXTS))))
    sent_r, intents_r = reader._scorer.score([TEXTS[i] for i in back], [langs[i] for i in back])
    assert np.array_equal(sent_r[back], sent) and np.array_equal(intents_r[back], intents)
    scorer = reader._scorer
    logits = scorer.logits(scorer.featuriser.analyse(TEXTS[:2]), ["es", "en"])
    es, en = (range(j, j + 3) for j, _ in (scorer.sentiment["es"], scorer.sentiment["en"]))
    assert np.isnan(logits[0, list(en)]).all() and np.isfinite(logits[0, list(es)]).all()
    assert np.isnan(logits[1, list(es)]).all() and np.isfinite(logits[1, list(en)]).all()
    assert np.isfinite(logits[:, list(scorer.intent_columns.values())]).all()
    empty = scorer.score([], [])
    assert empty[0].shape == (0, len(SENTIMENTS)) and empty[1].shape == (0, len(INTENTS))


def test_deterministic_across_processes(reader):
    code = (
        "from escucha.understand import load_reader;"
        f"r = load_reader(['es', 'en']).read({TEXTS!r});"
        "print([(x.lang, round(x.sentiment_scores['negative'], 5),"
        " round(x.intents['wish'], 5)) for x in r])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", **_env()},
    ).stdout
    mine = [
        (x.lang, round(x.sentiment_scores["negative"], 5), round(x.intents["wish"], 5))
        for x in reader.read(TEXTS)
    ]
    assert out.strip() == str(mine)


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}


def test_language_id(reader):
    langs = [
        r.lang
        for r in reader.read(
            [
                "Hola, me gustaría saber si el vuelo de mañana sale a su hora",
                "Hello, I would like to know whether tomorrow's flight leaves on time",
                "@Iberia http://t.co/abc",
                "ok",
                "#fail",
            ]
        )
    ]
    assert langs == ["es", "en", "unknown", "unknown", "unknown"]


def test_handles_urls_and_hashtags_do_not_decide_language(reader):
    text = "@BritishAirways @EnglishAirline #BestAirline el vuelo llegó con horas de retraso"
    assert reader.read([text])[0].lang == "es"


def test_given_lang_skips_language_id(reader):
    r = reader.read(["ok", "thanks a lot for the help"], ["es", None])
    assert r[0].lang == "es"
    assert r[1].lang == "en"
    with pytest.raises(ValueError):
        reader.read(["a", "b"], ["es"])


def test_clear_spanish_cases(reader):
    complaint, praise, question = reader.read(
        [
            "@Iberia me habéis perdido la maleta, llevo tres días esperando y nadie contesta. "
            "Vergonzoso",
            "Muchas gracias a la tripulación de Vueling, un servicio excelente y muy amables",
            "¿Alguien sabe si Ryanair deja llevar la maleta de mano gratis?",
        ]
    )
    assert complaint.sentiment == "negative"
    assert "complaint" in complaint.intent_labels
    assert "praise" not in complaint.intent_labels
    assert praise.sentiment == "positive"
    assert "praise" in praise.intent_labels
    assert "complaint" not in praise.intent_labels
    assert "question" in question.intent_labels
    # "ojalá" is a wish to the company when the company is the doer; of sympathy, it is not
    wish, sympathy = reader.read(
        [
            "@Iberia ojalá pusierais más vuelos directos a Bilbao",
            "@Iberia ojalá encuentres pronto tu maleta, qué mala suerte",
        ]
    )
    assert "wish" in wish.intent_labels
    assert "wish" not in sympathy.intent_labels


def test_clear_english_cases(reader):
    wish, complaint, promo, praise = reader.read(
        [
            "I wish the app had a dark mode, please add it",
            "@united you lost my bag again and nobody answers the phone. Worst airline ever",
            "Check out my new channel and subscribe!! http://example.com/channel",
            "Thank you @JetBlue, the crew was amazing and the flight was perfect",
        ]
    )
    assert "wish" in wish.intent_labels and "complaint" not in wish.intent_labels
    assert complaint.sentiment == "negative" and "complaint" in complaint.intent_labels
    assert "promo" in promo.intent_labels
    assert praise.sentiment == "positive" and "praise" in praise.intent_labels
    assert "promo" not in praise.intent_labels and "complaint" not in praise.intent_labels


def test_other_languages_and_fallback():
    reader = load_reader(None)
    assert set(reader.languages) == {"ar", "de", "en", "es", "fr", "hi", "it", "pt"}
    r = reader.read(["Che bella giornata, sono felicissimo!", "xx"])
    assert r[0].lang == "it"
    assert r[1].lang == "unknown"
    assert sum(r[1].sentiment_scores.values()) == pytest.approx(1.0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unsupported"):
        load_reader(["xx"])
    with pytest.raises(ValueError, match="backend"):
        load_reader(["es"], backend="nope")


def test_version_and_metrics(reader):
    assert reader.version.startswith("builtin-")
    metrics = reader.metrics()
    assert metrics["version"] == reader.version
    tasks = {(m["task"], m["language"]) for m in metrics["records"]}
    assert ("sentiment", "es") in tasks and ("sentiment", "en") in tasks
    for m in metrics["records"]:
        assert {"metric", "value", "n", "data", "command"} <= set(m)


def test_empty_batch(reader):
    assert reader.read([]) == []


def test_shipped_version_is_the_loaded_readers_version():
    from escucha.understand import load_reader, shipped_version

    assert shipped_version() == load_reader(["es", "en"]).version


def test_annotated_evaluation_reports_each_set_and_half(reader):
    from escucha.understand.annotated import evaluate_annotated

    records = evaluate_annotated(reader)
    sizes = {r["data"]: r["n"] for r in records}
    assert sizes == {
        "understand/annotations/es_airline_intents.jsonl": 330,
        "understand/annotations/es_airline_intents_2.jsonl#dev": 263,
        "understand/annotations/es_airline_intents_2.jsonl#sealed": 262,
        "understand/annotations/es_airline_intents_3.jsonl": 300,
        "understand/annotations/es_airline_intents_4.jsonl#cue": 227,
        "understand/annotations/es_airline_intents_4.jsonl#random": 273,
        "understand/annotations/en_airline_intents.jsonl": 235,
    }
    wish = [r for r in records if r["task"] == "intent.wish" and r["metric"] == "positives"]
    assert sum(r["value"] for r in wish if "_2.jsonl" in r["data"]) == 17


def test_language_tables_cache(tmp_path, monkeypatch):
    """The language-ID tables are rebuilt once, then read from the cache folder with the same
    answers; an unwritable cache folder only means rebuilding each time."""
    from escucha.understand import langid

    texts = ["me habéis perdido la maleta otra vez", "thanks for the great crew today", "ok"]
    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(tmp_path / "cache"))
    first = langid.LanguageDetector(["es", "en"]).detect_with_confidence(texts)
    assert len(list((tmp_path / "cache").glob("langid-*/*.npy"))) == 5
    assert langid.LanguageDetector(["es", "en"]).detect_with_confidence(texts) == first
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(blocked))
    assert langid.LanguageDetector(["es", "en"]).detect_with_confidence(texts) == first


def test_startup_tables_come_back_from_the_cache_unchanged(tmp_path, monkeypatch):
    """The model's weights are inflated once, then read back uncompressed and equal; the
    code-point table read from the cache at import equals a freshly built one."""
    import numpy as np

    from escucha.understand import builtin, features
    from escucha.understand.shipped import MODEL_DIR

    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(tmp_path / "cache"))
    with np.load(MODEL_DIR / "weights.npz", allow_pickle=False) as npz:
        expected = {name: npz[name] for name in npz.files}
    for _ in range(2):
        arrays = builtin._load_weights(MODEL_DIR / "weights.npz")
        assert arrays.keys() == expected.keys()
        for name, arr in expected.items():
            assert arrays[name].dtype == arr.dtype and np.array_equal(arrays[name], arr)
    assert len(list((tmp_path / "cache").glob("weights-*/*.npy"))) == len(expected)
    assert np.array_equal(features._TABLE, features._build_table())


def test_a_post_reads_the_same_bits_in_any_batch():
    """A post's probabilities do not depend on the batch it is read in (the local engine,
    Dask's partitions and `classify` batch differently). Run on OpenBLAS's Haswell kernels
    (any x86-64 CPU with AVX2 runs them), whose matrix products round differently for other
    row counts; elsewhere OPENBLAS_CORETYPE is ignored and the check runs on the BLAS there."""
    code = (
        "import json, sys\n"
        "from escucha.understand import annotated, load_reader\n"
        "texts = [r['text'] for n in ('es_airline_intents_2.jsonl', 'en_airline_intents.jsonl')"
        " for r in annotated.load('es', n)]\n"
        "r = load_reader(['es', 'en'])\n"
        "def read(size):\n"
        "    out = []\n"
        "    for i in range(0, len(texts), size):\n"
        "        b = r.read_batch(texts[i : i + size])\n"
        "        out += [[*s, *p] for s, p in zip(b.sentiment.tolist(), b.intents.tolist())]\n"
        "    return out\n"
        "whole = read(len(texts))\n"
        "print(json.dumps([len(whole), read(1) == whole, read(3) == whole, read(64) == whole]))"
    )
    env = {**_env(), "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert json.loads(out) == [760, True, True, True]
