"""Readers for the labelled data in shared/data (see its README for sources and licences)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from escucha.understand.features import unescape_literal

UMSAB_LANGUAGES = {
    "ar": "arabic",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "hi": "hindi",
    "it": "italian",
    "pt": "portuguese",
}
YOUTUBE_VIDEOS = ("eminem", "katyperry", "lmfao", "psy")

_KEY_DROP = re.compile(r"@\w+|https?://\S+|\bhttp\b|[^\w]+")


@dataclass(frozen=True)
class Example:
    text: str
    label: str | int
    source: str
    group: str = ""  # e.g. the YouTube video or the complaint domain


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def dedup_key(text: str) -> str:
    """Key that matches the same tweet across datasets (handles/URLs/punctuation dropped)."""
    return _KEY_DROP.sub("", unescape_literal(text).lower())[:80]


def text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(dedup_key(text).encode(), digest_size=8).digest(), "big")


def _examples(path: Path, source: str, label_key: str = "label", group_key: str = "") -> list:
    return [
        Example(unescape_literal(r["text"]), r[label_key], source, str(r.get(group_key, "")))
        for r in read_jsonl(path)
        if isinstance(r.get("text"), str) and r["text"].strip()
    ]


def umsab(data: Path, lang: str, split: str) -> list[Example]:
    name = UMSAB_LANGUAGES[lang]
    return _examples(data / "sentiment/umsab" / name / f"{split}.jsonl", f"umsab_{lang}_{split}")


def semeval2017_en(data: Path) -> list[Example]:
    return _examples(data / "sentiment/semeval2017_en/train.jsonl", "semeval2017_en", "label")


def tweeteval_en_val(data: Path) -> list[Example]:
    return _examples(data / "sentiment/tweeteval_en/val.jsonl", "tweeteval_en_val")


def tass2020_es(data: Path) -> list[Example]:
    base = data / "sentiment/tass2020_es"
    return _examples(base / "train.jsonl", "tass2020_es", group_key="variant") + _examples(
        base / "dev.jsonl", "tass2020_es", group_key="variant"
    )


# EmoEvent emotions read as polarity; "surprise" goes either way and is left out
EMOTION_POLARITY = {
    "joy": "positive",
    "anger": "negative",
    "disgust": "negative",
    "fear": "negative",
    "sadness": "negative",
    "others": "neutral",
}


def emoevent_es_polarity(data: Path) -> list[Example]:
    """EmoEvent (TASS 2020 Task 2) train + dev with each emotion mapped to a polarity."""
    base = data / "emotion/emoevent_es"
    return [
        Example(e.text, EMOTION_POLARITY[str(e.label)], "emoevent_es")
        for split in ("train", "dev")
        for e in _examples(base / f"{split}.jsonl", "emoevent_es")
        if e.label in EMOTION_POLARITY
    ]


def airline(data: Path, lang: str) -> list[Example]:
    name = "es_airline_tweets" if lang == "es" else "us_airline_tweets"
    key = "airline" if lang == "en" else ""
    return _examples(data / "airlines" / f"{name}.jsonl", f"airline_{lang}", "sentiment", key)


def suggestions(data: Path, split: str) -> list[Example]:
    return _examples(data / "suggestions/semeval2019_t9" / f"{split}.jsonl", f"semeval2019_{split}")


def complaints(data: Path) -> list[Example]:
    path = data / "complaints/preotiuc2019/train.jsonl"
    return _examples(path, "preotiuc2019", "label", "domain")


def youtube_spam(data: Path) -> list[Example]:
    out: list[Example] = []
    for video in YOUTUBE_VIDEOS:
        out += [
            Example(e.text, e.label, "youtube_spam", video)
            for e in _examples(data / "spam/youtube" / f"{video}.jsonl", "youtube_spam")
        ]
    return out


def without(examples: Iterable[Example], banned: set[str]) -> list[Example]:
    """Drop examples whose text also occurs in an evaluation set (by dedup_key)."""
    return [e for e in examples if dedup_key(e.text) not in banned]


def app_feature_requests(data: Path) -> list[Example]:
    """App-review sentences of seven apps (Mekala et al. 2021, ``SHAH_UNION``, CC BY 4.0):
    label 1 where an annotated aspect of the sentence is a feature request (class "R"), else
    0; group = the app. Another domain of suggestions than the software forum."""
    import xml.etree.ElementTree as ET

    out: list[Example] = []
    for path in sorted((data / "app_feedback/mekala2021/SHAH_UNION").glob("*.xml")):
        app = path.stem.lower()
        for sentence in ET.parse(path).getroot().iter("sentence"):
            text = (sentence.findtext("text") or "").strip()
            if not text:
                continue
            request = any(t.get("class") == "R" for t in sentence.iter("aspectTerm"))
            out.append(Example(text, int(request), "mekala2021_shah", app))
    return out
