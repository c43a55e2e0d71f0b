"""Synthetic posts frames whose right grouping is known."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pandas as pd


def words(text: str) -> list[str]:
    return text.split()


TOPICS = {
    "en": {
        "luggage": words("lost bag luggage missing baggage claim suitcase found carousel"),
        "delay": words("delayed late departure hours waiting gate delay runway"),
        "service": words("customer service rude agent phone hold answer call"),
    },
    "es": {
        "maleta": words("maleta perdida equipaje extraviado cinta recogida facturada bolsa"),
        "retraso": words("retraso horas salida puerta embarque retrasado demora pista"),
        "atencion": words("atencion cliente telefono grosero agente espera llamada respuesta"),
    },
}
NOISE = {
    "en": words("sunny morning coffee music weekend friends movie garden pizza city"),
    "es": words("playa verano musica amigos cena fiesta ciudad libro cafe montana"),
}
START = datetime(2024, 1, 1, tzinfo=UTC)


def post(i: int, text: str, lang: str, **columns) -> dict:
    row = {
        "id": i,
        "source": "test",
        "native_id": f"n{i:05d}",
        "author": f"user{i % 17}",
        "text": text,
        "created_at": START + timedelta(hours=i),
        "url": f"https://example.org/{i}",
        "lang": lang,
        "sentiment": "negative",
        "intents": ["complaint"],
        "brands": ["Iberia"],
        "model_version": "test",
        "complaint": 0.9,
        "praise": 0.0,
    }
    row.update(columns)
    return row


def topic_frame(per_topic: int = 40, noise: int = 15, seed: int = 1) -> pd.DataFrame:
    """3 topics x 2 languages; each post has 3 of its topic's words and 2 noise words;
    `noise` posts per language have only noise words (topic None)."""
    rng = random.Random(seed)
    rows = []
    for lang, topics in TOPICS.items():
        for topic, words in topics.items():
            for _ in range(per_topic):
                text = " ".join(rng.sample(words, 3) + rng.sample(NOISE[lang], 2))
                rows.append((lang, topic, text))
        for _ in range(noise):
            rows.append((lang, None, " ".join(rng.sample(NOISE[lang], 3))))
    rng.shuffle(rows)
    frame = pd.DataFrame([post(i + 1, text, lang) for i, (lang, _, text) in enumerate(rows)])
    frame["topic"] = [topic for _, topic, _ in rows]
    return frame
