"""Writes docs/model-card.md from metrics.json (called by tools/train_models.py).

The benchmark section is kept from the existing card: bench/bench_classify.py rewrites it.
So is the honest-post guard's section, measured by tools/guard_eval.py (docs/guard.md).
"""

from __future__ import annotations

import json
from pathlib import Path

BENCH_START = "<!-- bench:start -->"
BENCH_END = "<!-- bench:end -->"
SELECT_START = "<!-- select:start -->"
SELECT_END = "<!-- select:end -->"
GUARD_START = "<!-- guard:start -->"
GUARD_END = "<!-- guard:end -->"

DATASETS = (
    (
        "sentiment/umsab/<lang>/train.jsonl",
        "sentiment training, all 8 languages",
        "XLM-T UMSAB (Barbieri et al., LREC 2022): Apache-2.0 repo, tweets under X terms, research",
    ),
    (
        "sentiment/umsab/<lang>/val.jsonl",
        "sentiment validation: scored once after the recipe was frozen; never trained on, and "
        "(since builtin-2026.11.5) not used for any choice",
        "same",
    ),
    (
        "sentiment/semeval2017_en/train.jsonl",
        "English sentiment training",
        "SemEval-2017 Task 4A pool (Rosenthal et al. 2017), research data",
    ),
    (
        "sentiment/tweeteval_en/val.jsonl",
        "English sentiment training",
        "TweetEval (Barbieri et al. 2020), research data",
    ),
    (
        "sentiment/tass2020_es/{train,dev}.jsonl",
        "Spanish sentiment training",
        "TASS 2020 Task 1, SEPLN research licence; not redistributed (only hashed weights ship)",
    ),
    (
        "emotion/emoevent_es/{train,dev}.jsonl",
        "Spanish sentiment training when its recipe weight is > 0 (joy = positive; anger, "
        "disgust, fear, sadness = negative; others = neutral; surprise left out)",
        "EmoEvent (Plaza-del-Arco et al. LREC 2020), research use",
    ),
    (
        "airlines/us_airline_tweets.jsonl",
        "en sentiment (weight in the recipe below); non-promo tweets for promo",
        "Twitter US Airline Sentiment, CrowdFlower 2015, CC BY-NC-SA 4.0",
    ),
    (
        "airlines/es_airline_tweets.jsonl",
        "es sentiment (weight in the recipe below); non-promo tweets for promo",
        "Spanish airline tweets (Kaggle InClass), no licence stated: research use",
    ),
    (
        "suggestions/semeval2019_t9/train_software_forum.jsonl",
        "wish model",
        "SemEval-2019 Task 9 (Negi et al. 2019), CC BY-NC-SA 4.0",
    ),
    ("suggestions/semeval2019_t9/trial_*.jsonl", "wish validation only", "same"),
    (
        "complaints/preotiuc2019/train.jsonl",
        "complaint model; non-promo tweets for promo",
        "Preotiuc-Pietro et al., ACL 2019, no licence stated: research use",
    ),
    (
        "spam/youtube/*.jsonl",
        "promo model",
        "YouTube Spam Collection (Alberto et al. 2015), UCI, CC BY 4.0",
    ),
)


def _datasets() -> str:
    rows = ["| data (in shared/data) | used for | licence / origin |", "|---|---|---|"]
    rows += [f"| `{path}` | {use} | {licence} |" for path, use, licence in DATASETS]
    return "\n".join(rows)


def _table(records: list[dict]) -> str:
    lines = ["| task | lang | metric | value | n | data | command |", "|---" * 7 + "|"]
    for r in records:
        lines.append(
            f"| {r['task']} | {r['language']} | {r['metric']} | {r['value']:.3f} | {r['n']} "
            f"| `{r['data']}` | `{r['command']}` |"
        )
    return "\n".join(lines)


ANNOTATION_GUIDELINES = """\
Each tweet was read in full and given any number of the five labels (multi-label); a tweet
may have none. Judged from the author's point of view, about the brand(s) addressed:

- **wish**: the author asks for, suggests or hopes for a change or an addition to the
  product or service ("deberíais poner wifi", "you should board first class first", "para
  cuándo vuelos a Colombia"). Not: requests for support on the author's own case ("me
  podéis ayudar con mi reserva"), wishes unrelated to the company ("ojalá pudiera viajar"),
  or curses ("ojalá se fundan", which is a complaint).
- **complaint**: the author reports a problem or expresses dissatisfaction with a company's
  product, service or staff, including sarcasm ("Gracias @Iberia por un retraso de una
  hora"). Not: neutral news about strikes or losses, sympathy for someone else's problem.
- **question**: the author asks for information or an answer, directly or indirectly
  ("quisiera saber si...", "how do I merge my miles?"). Not: purely rhetorical questions
  that are really complaints or jokes ("¿algún día podéis salir a la hora?").
- **praise**: sincere appreciation of a company, its service or staff, including thanks
  for help received. Not: sarcasm, or a formulaic "gracias" closing a request before any
  help ("Enviado. Gracias.").
- **promo**: the tweet advertises or spreads an offer, fare, product, job ad, contest or the
  author's own service ("Vuelos desde 9,99 EUR...", "#Empleo: tripulantes de cabina",
  "Puedes reclamar con nosotros aquí"). Not: news about a company's results or routes,
  or a user mentioning an offer in passing.

Sampling (`escucha.understand.annotated.sample`, seed 20261126, distinct texts): a random
stratum (150 es / 100 en) plus strata enriched for rare intents by keyword cues ("?", wish
words such as "ojalá", "deberían", "you should", deal words such as "oferta", "deal") and by
the dataset's positive / negative labels. The cues overlap with some rule phrases, so rule
recall on these sets is optimistic. Annotated by an AI assistant session (single annotator,
no adjudication); used only for evaluation, never for training or thresholds. Source:
`airlines/es_airline_tweets.jsonl` (Spanish airline tweets, Kaggle InClass, no licence
stated: research use) and `airlines/us_airline_tweets.jsonl` (Twitter US Airline Sentiment,
CrowdFlower 2015, CC BY-NC-SA 4.0); ids are the source's `tweet_id` (es) and `row` (en).
Files: `src/escucha/understand/annotations/{es,en}_airline_intents.jsonl`.

Second Spanish set, `es_airline_intents_2.jsonl` (525 tweets; `annotated.sample_second`, seed
20261130, distinct texts, the first set's tweets excluded): a random stratum of 330 plus
strata enriched by cues for questions (60), wishes (65: "ojalá", "deberían", "para cuándo",
"me gustaría"...) and complaints (70: "perd", "retras", "cancel", "maleta", "vergüenza"...).
Each stratum is split in alternate halves of its seeded order, `dev` (263) and `sealed`
(262), before any model output was seen. Annotated by an AI assistant session (single pass,
single annotator, no adjudication, no agreement measured), each tweet read in full, with the
guidelines above. The Spanish rules of builtin-2026.11.4 were written looking only at the
errors on the first set and on `dev`; `sealed` was evaluated once, after the rules were
frozen. One leak: a helper script printed the whole second set's wish precision (dev and
sealed together) once before that; the wish rules were not changed afterwards.
"""


def _annotated_section(records: list[dict]) -> str:
    if not records:
        return ""
    value = {(r["data"], r["task"], r["metric"]): r for r in records}
    lines = ["| set | lang | n | intent | P | R | F1 | pos |", "|---|---|---|---|---|---|---|---|"]
    for data in dict.fromkeys(r["data"] for r in records):
        first = next(r for r in records if r["data"] == data)
        for task in dict.fromkeys(r["task"] for r in records if r["data"] == data):
            got = [
                value[(data, task, m)]["value"] for m in ("precision", "recall", "f1", "positives")
            ]
            lines.append(
                f"| `{data.rsplit('/', 1)[1]}` | {first['language']} | {first['n']} | "
                f"{task.split('.', 1)[1]} | {got[0]:.2f} | {got[1]:.2f} | {got[2]:.2f} | "
                f"{int(got[3])} |"
            )
    return f"""## Intent evaluation on annotated airline tweets (es and en)

Per-intent precision, recall and F1 of the shipped thresholds on each annotated set ("pos" =
annotated positives; `#dev` and `#sealed` are the halves of the second Spanish set),
recomputed by `escucha eval --data DATA`:

{chr(10).join(lines)}

Annotation guidelines and provenance:

{ANNOTATION_GUIDELINES}"""


def _kept(old: str, start: str, end: str) -> str:
    return old[old.index(start) : old.index(end) + len(end)] if start in old and end in old else ""


def write_selection(card: Path, saved: dict, folds: int) -> None:
    """Put the sentiment selection table (tools/train_models.py --select) into the card."""
    rows = [r for lang in sorted(saved) for r in saved[lang]["rows"]]
    minutes = sum(v["minutes"] for v in saved.values())
    lines = [
        "| lang | lever | recipe | macro-F1 mean | sd across folds | pooled | folds |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        pooled = f"{r['pooled']:.3f}" if r.get("pooled") is not None else "-"
        folds_text = ", ".join(f"{v:.3f}" for v in r.get("folds", [])) or "-"
        lines.append(
            f"| {r['lang']} | {r['lever']} | {r['setup']} | {r['mean']:.3f} | {r['sd']:.3f} | "
            f"{pooled} | {folds_text} |"
        )
    notes = "\n\n".join(
        f"{lang}: {v['note']}" for lang, v in sorted(saved.items()) if v.get("note")
    )
    section = f"""{SELECT_START}
Produced by `python tools/train_models.py --data DATA --select` ({minutes:.0f} min on 2 shared
cores): {folds} folds grouped by `dedup_key` over the language's UMSAB train rows; every other
source is a training row in every fold. Each lever is tried around the current best recipe and
a value is kept when its mean macro-F1 across folds is higher.

{chr(10).join(lines)}

{notes}
{SELECT_END}"""
    text = card.read_text(encoding="utf-8")
    if SELECT_START in text and SELECT_END in text:
        start, end = text.index(SELECT_START), text.index(SELECT_END) + len(SELECT_END)
        text = text[:start] + section + text[end:]
    else:
        text += "\n" + section + "\n"
    card.write_text(text, encoding="utf-8")


def write(card: Path, model_dir: Path, metrics: dict) -> None:
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    sizes = {p.name: p.stat().st_size for p in sorted(model_dir.iterdir()) if p.is_file()}
    bench = guard = select = ""
    if card.exists():
        old = card.read_text(encoding="utf-8")
        select = _kept(old, SELECT_START, SELECT_END)
        if BENCH_START in old and BENCH_END in old:
            bench = old[old.index(BENCH_START) : old.index(BENCH_END) + len(BENCH_END)]
        if GUARD_START in old and GUARD_END in old:
            guard = old[old.index(GUARD_START) : old.index(GUARD_END) + len(GUARD_END)]
    if not bench:
        bench = (
            f"{BENCH_START}\nNot measured yet: run `python bench/bench_classify.py`.\n{BENCH_END}"
        )
    records = metrics["records"]
    annotated = [r for r in records if r["data"].startswith("understand/annotations/")]
    records = [r for r in records if r not in annotated]
    val = [r for r in records if r["command"].startswith("escucha eval")]
    cv = [r for r in records if not r["command"].startswith("escucha eval")]
    training = "\n".join(
        f"| {lang} | {info['rows']} | {info['temperature']} | "
        + ", ".join(
            f"{name}: {v['rows'] - v['dropped_as_in_umsab_val'] - v['dropped_as_in_umsab_train']}"
            f" of {v['rows']}"
            if isinstance(v, dict)
            else f"{name}: {v}"
            for name, v in info["sources"].items()
        )
        + " |"
        for lang, info in metrics["training"].items()
    )
    recipes = "; ".join(
        f"{lang}: {info['setup']}"
        for lang, info in metrics["training"].items()
        if info.get("setup") and lang in ("en", "es")
    )
    if not select:
        select = (
            f"{SELECT_START}\nNot run yet: `python tools/train_models.py --select`.\n{SELECT_END}"
        )
    env = metrics["environment"]
    text = f"""# escucha `understand` models — model card

Version **{manifest["version"]}**. Generated by `python tools/train_models.py --data DATA`
(seed {env["seed"]}, Python {env["python"]}, numpy {env["numpy"]}, scikit-learn
{env["scikit-learn"]}; training took {metrics["training_seconds"]} s on 2 cores). Do not edit by
hand: rerun the command. `escucha eval --data DATA` recomputes every validation number below
from the shipped files.

## What it does

`escucha.understand.load_reader(languages)` returns a `PostReader` whose `read(texts)` gives,
for each post, its language, sentiment (negative / neutral / positive, calibrated
probabilities) and five intent probabilities (`wish`, `complaint`, `question`, `praise`,
`promo`) with the labels that pass the shipped thresholds.

- **Language**: py3langid's naive Bayes model restricted with `set_languages` to the
  configured languages, its byte automaton run over the whole batch at once (same scores
  as py3langid on the first 320 bytes). @handles, URLs and the `#` of hashtags are removed
  first. The answer is `unknown` when fewer than 2 words of 2+ letters remain or the top
  probability is < 0.6.
- **Sentiment**: one multinomial logistic regression per language (SGD, log loss, averaged,
  class-balanced) over a shared hashed feature space of {1 << manifest["features"]["bits"]:,}
  buckets: char {manifest["features"]["char_min"]}-{manifest["features"]["char_max"]}-grams
  of the normalised text (lowercase, `@user`, `url`, `#` dropped, letters repeated 3+ times
  cut to 2), accent-folded word unigrams and bigrams, words in a 3-word negation scope, plus
  10 dense features (hits in a bilingual es/en polarity lexicon written for escucha with
  negation flipping, positive / negative emoji and emoticons, `?`, `!`, URLs, handles,
  all-caps words, length). Probabilities are calibrated by a temperature per language fitted
  on 3-fold out-of-fold predictions of the UMSAB train rows. Texts whose language is unknown
  or not loaded get the mean of the en and es models. In a workspace, `escucha analyze` then
  settles the language of posts too short to tell from the evidence around them (the post
  they reply to, the author's usual language, a source that is 90% one language:
  `src/escucha/langsettle.py`) and reads them again with that language's model; the rest are
  shown as "too short to tell the language", outside comparisons between languages.
- **Intents**: English logistic models for `wish` (SemEval-2019 Task 9 forum suggestions),
  `complaint` (Preotiuc-Pietro et al. complaints) and `promo` (YouTube spam plus customer
  tweets as non-promotional examples), combined by noisy-OR with transparent es/en phrase
  rules (`understand/rules.py`, matched on word tokens) and with sentiment: complaint adds
  {manifest["combine"]["complaint_negative"]} x P(negative)^2, praise is
  {manifest["combine"]["praise_positive"]} x P(positive)^2 or-ed with thanks/praise rules.
  `question` and `praise` have no training data: they are rule- and sentiment-based, with
  hand-set thresholds. No Spanish intent training data exist: in Spanish the intents rest on
  the rules and the Spanish sentiment model. Spanish and English intent accuracy is measured
  on small annotated airline-tweet sets (below).
- **Other backend**: `load_reader(languages, backend="transformers", model_dir=PATH)` takes
  sentiment from a local Hugging Face sequence-classification model (labels mapped through
  its `id2label`); language ID and intents stay as above. Its accuracy is whatever that
  model's is: the numbers on this card are for the built-in models only.
- Shipped thresholds: {", ".join(f"{k} {v}" for k, v in manifest["thresholds"].items())}
  (complaint, promo: the F1-best threshold on out-of-fold predictions; wish: the lowest
  threshold whose out-of-fold F1 is within one standard error across folds of the best, because
  the forum F1 is flat over a wide range and a low threshold lets the advice and request phrase
  rules decide on their own in other domains).

## Files and sizes

Folder `src/escucha/understand/models/` (no pickle; numpy `.npz` + JSON):

{chr(10).join(f"- `{name}`: {size / 1e6:.2f} MB" for name, size in sizes.items())}
- total: {sum(sizes.values()) / 1e6:.2f} MB. Weights are int8 with one scale per column.

## Training data

{_datasets()}
Rows per sentiment model (texts also present in the language's UMSAB val, or duplicating a
UMSAB train tweet, are removed from the other sources; "x of y" = kept of rows):

| lang | rows | temperature | sources |
|---|---|---|---|
{training}

Recipes (sample weight per source, SGD alpha): {recipes}.

## How the sentiment models were chosen

Up to builtin-2026.11.4 the SGD alpha and the source weights were picked by looking at UMSAB
val, and that model scored 0.588 (es) and 0.647 (en) macro-F1 on the held-out UMSAB test
against 0.636 / 0.733 on val. Since builtin-2026.11.5 the choice uses training data only:

1. `python tools/train_models.py --data DATA --select` builds, per language, the pool of the
   language's UMSAB train rows plus every source it may use (texts of UMSAB val and copies of
   UMSAB train tweets removed from the other sources; only val's texts are read for that,
   never its labels).
2. 5 folds over the UMSAB train rows, grouped by `escucha.understand.data.dedup_key` (the same
   tweet in two forms never sits on both sides); the other sources are training rows in every
   fold. Score: macro-F1 on the held-out UMSAB train rows, the same kind of tweets as the
   UMSAB test.
3. Coordinate search from the previous recipe: each lever in turn (the weight of each extra
   source, the weight of UMSAB train, alpha, class balancing), keeping a value when its mean
   across folds is higher. The winner is copied into `SENTIMENT_SETUP` in the script, frozen.
4. `python tools/train_models.py --data DATA` trains on the whole pool and scores UMSAB val
   once (the validation table below). TweetEval val is an English training source, so it
   is not a validation set here.

The estimate to quote is the cross-validated mean with its spread across folds, in the table
below (row "chosen"); differences smaller than the spread are noise, not progress.

What the levers did (Spanish, mean macro-F1 over 5 grouped folds, previous recipe 0.610 ±
0.025): TASS 2020 is the one source that matters (without it 0.550); the airline tweets and
EmoEvent mapped to polarity move the mean by less than 0.01, within the spread; a lower UMSAB
weight, a smaller alpha (1e-6) and no class balancing each add a little, to 0.621 ± 0.026 in
all. In English the SemEval-2017 pool is worth 0.12. Not tried for lack of time: separate char
and word models averaged, NB-SVM log-count-ratio features, a wider negation scope, more emoji
and punctuation features, self-training on the unlabelled airline posts. With the spread seen
here (0.02-0.05 across folds) and a cross-validated 0.62 in Spanish against the 0.64 target
on UMSAB test (where the previous model lost 0.05 from val to test), the Spanish target is not
reached by a linear model on these features; English (0.69 cross-validated; builtin-2026.11.2 scored
0.647 on test) is below its 0.67 target too.

{select}

## Validation results (shipped model)

Computed on validation files never used for training, scored once after the sentiment recipes
were frozen (see above). The wish, complaint and promo rows are as described in their sections.

{_table(val)}

{_annotated_section(annotated)}

## Cross-validation results (from the training run)

{_table(cv)}

Thresholds for wish/complaint/promo were chosen on the same out-of-fold predictions, so those
F1 values carry a small optimism (one parameter each).

## Known shortfalls and risks

- Hindi UMSAB tweets are mostly romanised Hindi/English: py3langid labels them English (or
  unknown), and the Hindi sentiment model is near chance on val. Treat `hi` as unsupported.
- `wish` on a forum where suggestions are rare: the out-of-fold F1 reweighted to 10%
  suggestions (the rate of SemEval-2019 Task 9's test description) is the estimate to expect
  there, well below the balanced trial set's; the target of 0.72 is not met. Transfer to hotel
  reviews comes from phrase rules for advice to other customers ("I recommend", "make sure
  to", "avoid", "no te pierdas", sentence-initial imperatives), written from general knowledge
  of advice language; the trial_hotel_reviews row was measured after them, but earlier sessions
  and three of its sentences were seen while writing them, and the threshold rule above was
  compared on it, so treat that row as optimistic. The rules cost about 2.5 points of the
  reweighted forum F1 (0.571 before, 0.544 after).
- Spanish intents are rule-based; on the annotated airline tweets Spanish `wish` and
  `promo` are weak (few phrases cover Spanish deal announcements such as "vuelos desde
  9,99 EUR", and the English promo model does not transfer). On the sealed half of the second
  Spanish set, wish precision (0.40 on 10 predicted) misses the 0.60 target and complaint
  recall (0.58) is 20 points below English (0.78): the `dev` numbers, tuned on, are
  optimistic. The English complaint model also fires on neutral Spanish questions. The
  annotated sets are small (330 + 525 es, 235 en), single-annotator and partly sampled with
  keyword cues, so their numbers have wide error bars (9-17 wish positives per Spanish set);
  English `promo` has almost no positives in customer tweets.
- `promo` on tweets is trained on YouTube comments. Adding customer tweets as
  non-promotional examples stops brand tweets ("Thanks @united, great crew!") from scoring
  as spam but lowers the leave-one-video-out spam F1 (about 0.93 without them). Requests
  such as "please add wifi" can still score as promo ("please subscribe" spam).
- Speed: the benchmark below runs `escucha classify` and a VADER script as whole processes
  on the same JSON Lines file (startup, parsing and writing included). The margin over the
  2x target is small and moves with machine load. escucha's startup (Python, the CLI
  framework, numpy, the models) is about half a second on a quiet machine; the first run on
  a machine also decompresses py3langid's model and keeps the derived tables (about 40 MB)
  in `~/.cache/escucha` (`$ESCUCHA_CACHE_DIR`, `$XDG_CACHE_HOME`), which later runs read.
- The feature space was shrunk for speed (char 3-4-grams instead of 2-5-grams, 2^18 instead
  of 2^19 buckets): en/es sentiment stayed within 0.01 macro-F1, but the small-data languages
  (de, fr, it, pt: 1,839 training tweets each) lost about 0.01-0.02 on UMSAB val.
- Contamination risk for later test evaluation: UMSAB en train/val are almost entirely
  contained in the SemEval-2017 pool and TweetEval val, and 69% of UMSAB es train/val also
  occur in TASS 2020 train/dev, so the UMSAB *test* tweets very likely occur in those
  training sources too. Before publishing UMSAB test numbers, remove test tweets from the
  training sources (`escucha.understand.data.dedup_key`) and retrain.

## Speed and memory

{bench}
""" + (f"\n{guard}\n" if guard else "")
    card.parent.mkdir(parents=True, exist_ok=True)
    card.write_text(text, encoding="utf-8")
