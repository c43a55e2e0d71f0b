"""Small intent evaluation sets annotated for escucha from the airline tweets (es and en).

The files in ``understand/annotations/`` hold, per tweet, its id in the source file, its text
and five 0/1 labels (wish, complaint, question, praise, promo). They were annotated by an AI
assistant session (single annotator, no adjudication) following the guidelines in
docs/model-card.md, and are used ONLY for evaluation: never for training or for choosing
thresholds. ``sample`` documents and reproduces how the tweets were drawn.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import NotRequired, TypedDict

import numpy as np

from escucha.core.labels import INTENTS
from escucha.understand import data as D
from escucha.understand.metrics import MetricRecord, record
from escucha.understand.reader import PostReader

ANNOTATION_DIR = Path(__file__).parent / "annotations"
SEED = 20261126
SOURCES = {
    "es": ("airlines/es_airline_tweets.jsonl", "tweet_id"),
    "en": ("airlines/us_airline_tweets.jsonl", "row"),
}
# (stratum, number of tweets, cue on the text or the source's sentiment label). Cues only
# enrich the sample in rare intents; every tweet is then labelled by reading it in full.
STRATA = {
    "es": (
        ("random", 150, None),
        ("question_mark", 35, r"[?¿]"),
        (
            "wish_cue",
            35,
            r"ojal|deber|ser[ií]a|estar[ií]a|podr[ií]an|por favor|pongan|"
            r"quisiera|gustar[ií]a|necesit|hace falta|suger|propon",
        ),
        ("promo_cue", 25, r"oferta|descuento|promo|sorteo|gana|€|reserva|empleo|desde \d"),
        ("positive_label", 30, "positive"),
        ("negative_label", 25, "negative"),
        (
            "wish_cue_2",
            30,
            r"ojal[aá]|deber[ií]an|deber[ií]ais|estar[ií]a bien|ser[ií]a (genial|"
            r"bueno|mejor|ideal)|pongan|a[nñ]adan|sugerencia|propongo|para cu[aá]ndo|"
            r"quiero que|gustar[ií]a que|volved a|vuelvan a|pod[ií]an (poner|hacer)",
        ),
    ),
    "en": (
        ("random", 100, None),
        ("question_mark", 25, r"\?"),
        ("wish_cue", 25, r"wish|should|would be|please add|hope|could you|suggest|need to"),
        ("promo_cue", 15, r"deal|fare|sale|offer|promo|% off|win|giveaway|contest"),
        ("positive_label", 20, "positive"),
        ("negative_label", 15, "negative"),
        (
            "wish_cue_2",
            20,
            r"you should|should (add|have|offer|make|bring|consider)|would be (great|"
            r"nice|awesome)|please (add|bring|make|offer|start|fly)|wish you|"
            r"bring back|why don'?t you|need more",
        ),
        (
            "promo_cue_2",
            15,
            r"fare sale|book now|giveaway|contest|sweepstakes|promo code|use code|"
            r"win |free |check out|deal",
        ),
    ),
}


# The second Spanish set (es_airline_intents_2.jsonl): a new seed, tweets of the first set
# excluded, a larger random stratum and strata enriched for wish, complaint and question.
# Each stratum is split in halves: "dev" (looked at while writing rules) and "sealed"
# (evaluated once, after the rules were frozen).
SEED_2 = 20261130
STRATA_2 = (
    ("random", 330, None),
    ("question_cue", 60, r"[?¿]|quisiera saber|alguien sabe|c[oó]mo puedo"),
    (
        "wish_cue",
        70,
        r"ojal[aá]|deber[ií]an|deber[ií]ais|estar[ií]a bien|ser[ií]a (genial|bueno|mejor|"
        r"ideal)|pongan|pon[eé]is|a[nñ]adan|sugerencia|propongo|para cu[aá]ndo|quiero que|"
        r"gustar[ií]a|volved a|vuelvan a|hace falta|por qu[eé] no|tendr[ií]an que",
    ),
    (
        "complaint_cue",
        70,
        r"perd|romp|rot[oa]s?\b|retras|cancel|tirad|verg[uü]enza|esperando|maleta|equipaje|"
        r"devuelv|cobr|atiend|reclam|avis|p[eé]sim|nadie|queja|ni caso|desastre",
    ),
)


# The third Spanish set (es_airline_intents_3.jsonl): a fresh seed, tweets of the first two
# sets excluded; drawn and written down (split "final") before any model output on it was
# seen, annotated blind to the models, and used for one final evaluation only.
SEED_3 = 20261201
STRATA_3 = (
    ("random", 200, None),
    ("question_cue", 20, STRATA_2[1][2]),
    # every tweet matching the second set's wish cue is already in the first two sets: a
    # broader cue (requests, modals of obligation and possibility)
    (
        "wish_cue_broad",
        40,
        r"podr[ií]an|pod[eé]is|por favor|necesit|quisiera|me gustar|ojal|deber|ser[ií]a",
    ),
    ("complaint_cue", 40, STRATA_2[3][2]),
)
# The fourth Spanish set (es_airline_intents_4.jsonl), for wish precision: tweets of the
# first three sets excluded; the cue below (requests, hopes and modals addressed to someone,
# fixed before any model output on the set was seen) is matched by only 227 of the remaining
# tweets, so the "cue" stratum takes all of them (a census) and the "random" stratum is a
# simple random sample of the remaining tweets that do not match the cue; each tweet's split
# is its stratum, so the two are scored apart.
SEED_4 = 20261205
WISH_CUE_4 = (
    r"ojal|\bespero\b|esperemos|esperamos|deber[ií]a|podr[ií]a|pod[eé]is|por favor|a ver si|"
    r"a ver cu[aá]ndo|estar[ií]a (bien|genial)|ser[ií]a|me gustar[ií]a|nos gustar[ií]a|"
    r"me encantar[ií]a|para cu[aá]ndo|queremos|quiero que|hace falta|por qu[eé] no|"
    r"tendr[ií]an que|tendr[ií]ais que"
)
STRATA_4 = (("cue", 250, WISH_CUE_4), ("random", 273, None))
# Inter-annotator agreement: a seeded sample of the first two Spanish sets, labelled again
# by a second annotator who did not see the first labels (es_airline_intents_agreement.jsonl).
AGREEMENT_SEED = 20261201
AGREEMENT_SIZE = 160
# The fourth set's agreement sample: 50 tweets of each stratum, seeded, in a shuffled order
AGREEMENT_4_SEED = 20261206
AGREEMENT_4_PER_STRATUM = 50

# (language, file in ANNOTATION_DIR, split or None for the whole file)
ANNOTATED_SETS: tuple[tuple[str, str, str | None], ...] = (
    ("es", "es_airline_intents.jsonl", None),
    ("es", "es_airline_intents_2.jsonl", "dev"),
    ("es", "es_airline_intents_2.jsonl", "sealed"),
    ("es", "es_airline_intents_3.jsonl", None),
    # the random half last: it is the one the reports quote (report.accuracy picks the last)
    ("es", "es_airline_intents_4.jsonl", "cue"),
    ("es", "es_airline_intents_4.jsonl", "random"),
    ("en", "en_airline_intents.jsonl", None),
)


class PostToAnnotate(TypedDict):
    id: str
    stratum: str  # which draw picked the post: "random", "negative", a cue's name...
    split: NotRequired[str]  # second Spanish set only: "dev" or "sealed"
    text: str


class AnnotatedPost(PostToAnnotate):
    labels: dict[str, int]  # intent -> 1 if the post expresses it, else 0


def _source_rows(data: Path, lang: str) -> list[dict]:
    path, id_key = SOURCES[lang]
    rows, seen = [], set()
    for r in D.read_jsonl(data / path):
        key = D.dedup_key(r["text"])
        if key in seen or not r["text"].strip():
            continue
        seen.add(key)
        rows.append({"id": str(r[id_key]), "text": r["text"], "sentiment": r["sentiment"]})
    return rows


def sample(data: Path, lang: str) -> list[PostToAnnotate]:
    """The tweets to annotate: distinct texts, drawn per stratum with a fixed seed."""
    rows = _source_rows(data, lang)
    rng = random.Random(SEED)
    rng.shuffle(rows)
    taken: set[str] = set()
    out: list[PostToAnnotate] = []
    for stratum, n, cue in STRATA[lang]:
        if cue is None:
            pool = rows
        elif cue in ("positive", "negative"):
            pool = [r for r in rows if r["sentiment"] == cue]
        else:
            pool = [r for r in rows if re.search(cue, r["text"], re.IGNORECASE)]
        picked = [r for r in pool if r["id"] not in taken][:n]
        taken.update(r["id"] for r in picked)
        out += [{"id": r["id"], "stratum": stratum, "text": r["text"]} for r in picked]
    return out


def sample_later(
    data: Path,
    seed: int,
    strata: tuple[tuple[str, int, str | None], ...],
    excluded: tuple[str, ...],
    splits: tuple[str, ...],
) -> list[PostToAnnotate]:
    """A later Spanish set: distinct texts, the tweets of the `excluded` annotation files left
    out, drawn per stratum (a cue on the text, or None) with `seed`. Each stratum's tweets,
    already in a seeded random order, take the `splits` in turn."""
    old = {r["id"] for name in excluded for r in load("es", name)}
    rows = [r for r in _source_rows(data, "es") if r["id"] not in old]
    rng = random.Random(seed)
    rng.shuffle(rows)
    taken: set[str] = set()
    out: list[PostToAnnotate] = []
    for stratum, n, cue in strata:
        pool = rows if cue is None else [r for r in rows if re.search(cue, r["text"], re.I)]
        picked = [r for r in pool if r["id"] not in taken][:n]
        taken.update(r["id"] for r in picked)
        out += [
            {"id": r["id"], "stratum": stratum, "split": splits[i % len(splits)], "text": r["text"]}
            for i, r in enumerate(picked)
        ]
    return out


def sample_second(data: Path) -> list[PostToAnnotate]:
    """The tweets of the second Spanish set, first-set tweets excluded, halved: dev, sealed."""
    return sample_later(data, SEED_2, STRATA_2, ("es_airline_intents.jsonl",), ("dev", "sealed"))


def sample_third(data: Path) -> list[PostToAnnotate]:
    """The tweets of the third Spanish set, tweets of the first two sets excluded."""
    earlier = ("es_airline_intents.jsonl", "es_airline_intents_2.jsonl")
    return sample_later(data, SEED_3, STRATA_3, earlier, ("final",))


def sample_fourth(data: Path) -> list[PostToAnnotate]:
    """The tweets of the fourth Spanish set (500), tweets of the first three sets excluded:
    every remaining tweet matching WISH_CUE_4, then a random sample of the others."""
    earlier = tuple(f"es_airline_intents{s}.jsonl" for s in ("", "_2", "_3"))
    out = sample_later(data, SEED_4, STRATA_4, earlier, ("",))
    for r in out:
        r["split"] = r["stratum"]
    return out


def agreement_sample() -> list[PostToAnnotate]:
    """The posts of the first two Spanish sets that a second annotator labels again (ids and
    texts only: the second annotator works from this list, not from the labelled files)."""
    rows = load("es") + load("es", "es_airline_intents_2.jsonl")
    rng = random.Random(AGREEMENT_SEED)
    picked = rng.sample(rows, AGREEMENT_SIZE)
    return [{"id": r["id"], "stratum": r["stratum"], "text": r["text"]} for r in picked]


def agreement_sample_fourth() -> list[PostToAnnotate]:
    """The fourth set's posts that are labelled a second time (ids and texts only): 50 per
    stratum, in a seeded shuffled order so the strata are not read in blocks."""
    rows = load("es", "es_airline_intents_4.jsonl")
    rng = random.Random(AGREEMENT_4_SEED)
    picked = [
        r
        for stratum in ("cue", "random")
        for r in rng.sample([r for r in rows if r["stratum"] == stratum], AGREEMENT_4_PER_STRATUM)
    ]
    rng.shuffle(picked)
    return [{"id": r["id"], "stratum": r["stratum"], "text": r["text"]} for r in picked]


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two annotators' 0/1 labels on the same posts."""
    a, b = a.astype(bool), b.astype(bool)
    observed = float(np.mean(a == b))
    pa, pb = float(a.mean()), float(b.mean())
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def agreement(
    name: str = "es_airline_intents_agreement.jsonl",
    first_files: tuple[str, ...] = ("es_airline_intents.jsonl", "es_airline_intents_2.jsonl"),
) -> dict[str, dict[str, float]]:
    """Per intent: Cohen's kappa, raw agreement and positives of each annotator, between the
    first labels (in ``first_files``) and the second annotation file ``name``."""
    first = {r["id"]: r["labels"] for f in first_files for r in load("es", f)}
    second = load("es", name)
    out = {}
    for k in INTENTS:
        a = np.array([first[r["id"]][k] for r in second])
        b = np.array([r["labels"][k] for r in second])
        out[k] = {
            "kappa": round(cohen_kappa(a, b), 3),
            "agreement": round(float(np.mean(a == b)), 3),
            "positives_first": int(a.sum()),
            "positives_second": int(b.sum()),
            "n": len(second),
        }
    return out


def load(lang: str, name: str | None = None) -> list[AnnotatedPost]:
    """The annotated posts of a file in understand/annotations (default: `lang`'s first set)."""
    path = ANNOTATION_DIR / (name or f"{lang}_airline_intents.jsonl")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _scores(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(y & p))
    prec = tp / float(p.sum()) if p.sum() else 0.0
    rec = tp / float(y.sum()) if y.sum() else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def evaluate_annotated(reader: PostReader) -> list[MetricRecord]:
    """Per-intent precision, recall and F1 on each annotated set whose language is loaded;
    the second and fourth Spanish sets are reported per half ("...jsonl#dev", "#sealed";
    "#cue", "#random")."""
    out: list[MetricRecord] = []
    for lang, name, split in ANNOTATED_SETS:
        if lang not in reader.languages:
            continue
        rows = [r for r in load(lang, name) if split is None or r.get("split") == split]
        readings = reader.read([D.unescape_literal(r["text"]) for r in rows], [lang] * len(rows))
        path = f"understand/annotations/{name}" + (f"#{split}" if split else "")
        for k in INTENTS:
            y = np.array([r["labels"][k] for r in rows], dtype=bool)
            p = np.array([k in x.intent_labels for x in readings])
            for metric, value in zip(("precision", "recall", "f1"), _scores(y, p), strict=True):
                out.append(record(f"intent.{k}", lang, metric, value, len(rows), path))
            out.append(record(f"intent.{k}", lang, "positives", float(y.sum()), len(rows), path))
    return out
