"""Draw the seeded sample of negative airline posts annotated with a complaint reason.

    python tools/theme_annotation_sample.py [--data /work/shared/data/airlines] [--per-lang 250]

Per language, the posts labelled sentiment=negative, exact-duplicate texts dropped (a
retweet counts once), shuffled with random.Random(SEED); the first `per-lang` are taken.
They alternate between halves: positions 0, 2, 4... are "tune" (knobs are chosen on it),
1, 3, 5... "sealed" (measured once, at the end). Writes
src/escucha/insights/annotations/theme_reasons.jsonl with an empty `reason` for the
annotator to fill; an existing file's reasons are kept.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

SEED = 14
FILES = {"en": ("us_airline_tweets.jsonl", "row"), "es": ("es_airline_tweets.jsonl", "tweet_id")}
OUT = Path(__file__).resolve().parents[1] / "src/escucha/insights/annotations/theme_reasons.jsonl"


def sample(data: Path, per_lang: int) -> list[dict]:
    rows = []
    for lang, (name, key) in FILES.items():
        seen: set[str] = set()
        negative = []
        with open(data / name, encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                text = " ".join(record["text"].split())
                if record.get("sentiment") != "negative" or text in seen:
                    continue
                seen.add(text)
                negative.append({"lang": lang, "id": str(record[key]), "text": text})
        random.Random(SEED).shuffle(negative)
        for position, record in enumerate(negative[:per_lang]):
            rows.append({**record, "half": "tune" if position % 2 == 0 else "sealed", "reason": ""})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/airlines"))
    parser.add_argument("--per-lang", type=int, default=250)
    args = parser.parse_args()
    known = {}
    if OUT.exists():
        for line in OUT.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            known[(record["lang"], record["id"])] = record["reason"]
    rows = sample(args.data, args.per_lang)
    with open(OUT, "w", encoding="utf-8") as handle:
        for row in rows:
            row["reason"] = known.get((row["lang"], row["id"]), "")
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} posts -> {OUT}")


if __name__ == "__main__":
    main()
