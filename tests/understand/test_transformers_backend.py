"""backend="transformers": a tiny randomly initialised BERT saved to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.understand import load_reader

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

WORDS = ["gracias", "vuelo", "retraso", "thanks", "flight", "delay", "great", "awful"]
TEXTS = ["Gracias por el vuelo", "flight delay again, awful", "great thanks", "xyz"]


def _save_tiny_model(folder: Path, id2label: dict[int, str]) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
    )
    fast.save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    BertForSequenceClassification(config).eval().save_pretrained(folder)


def _direct_probs(folder: Path, texts: list[str]) -> np.ndarray:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    rows = []
    for text in texts:  # one at a time: no padding involved
        with torch.inference_mode():
            logits = model(**tokenizer([text], return_tensors="pt")).logits
        rows.append(torch.softmax(logits, dim=-1)[0].numpy())
    return np.array(rows)


def test_sentiment_comes_from_the_model_with_labels_mapped(tmp_path):
    id2label = {0: "Positive", 1: "NEGATIVE", 2: "neutral"}  # not escucha's order
    _save_tiny_model(tmp_path, id2label)
    reader = load_reader(["es", "en"], backend="transformers", model_dir=tmp_path)
    readings = reader.read(TEXTS)
    expected = _direct_probs(tmp_path, TEXTS)[:, [1, 2, 0]]  # -> negative, neutral, positive
    got = np.array([[r.sentiment_scores[s] for s in SENTIMENTS] for r in readings])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert reader.version.startswith("transformers:")
    for r in readings:
        assert r.sentiment == max(r.sentiment_scores, key=r.sentiment_scores.get)
        assert tuple(r.intents) == INTENTS
        assert all(0.0 <= v <= 1.0 for v in r.intents.values())
    assert readings[0].lang == "es" and readings[1].lang == "en"
    assert "question" in reader.read(["¿Sale el vuelo a su hora?"])[0].intent_labels


def test_two_label_model_and_bad_labels(tmp_path):
    _save_tiny_model(tmp_path / "two", {0: "neg", 1: "pos"})
    r = load_reader(["en"], backend="transformers", model_dir=tmp_path / "two").read(TEXTS)
    assert all(x.sentiment_scores["neutral"] == 0.0 for x in r)
    assert all(sum(x.sentiment_scores.values()) == pytest.approx(1.0) for x in r)
    _save_tiny_model(tmp_path / "bad", {0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(ValueError, match="id2label"):
        load_reader(["en"], backend="transformers", model_dir=tmp_path / "bad")
    with pytest.raises(ValueError, match="model_dir"):
        load_reader(["en"], backend="transformers")
