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
    (
        "suggestions/semeval2019_t9/trial_*.jsonl",
        "wish validation only (hotel: one evaluation of the frozen model)",
        "same",
    ),
    (
        "app_feedback/mekala2021/SHAH_UNION/*.xml",
        "wish model (feature requests in app reviews, another domain; weight 1)",
        "Mekala et al., RE 2021, CC BY 4.0",
    ),
    (
        "complaints/preotiuc2019/train.jsonl",
        "complaint model (model selection: leave-one-domain-out); non-promo tweets for promo",
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

Third Spanish set, `es_airline_intents_3.jsonl` (300 tweets, split `final`;
`annotated.sample_third`, seed 20261201, distinct texts, the first two sets' tweets excluded):
a random stratum of 200 plus cue strata for questions (20), wishes (40; every tweet matching
the second set's wish cue was already annotated, so a broader cue of requests and modals:
"podrían", "por favor", "necesit", "me gustar", "ojal", "deber", "sería") and complaints (40).
The sample was drawn and committed before any model output on it was seen, annotated in one
pass by an AI assistant session (each tweet read in full, guidelines above, without model
output), and evaluated once, after the builtin-2026.12.1 rules and parameters were frozen:
it is the Spanish number to quote.

Agreement: a seeded sample of 160 tweets of the first two Spanish sets
(`annotated.agreement_sample`, seed 20261201) was labelled again by a second annotator, an
AI assistant session that saw only the ids and texts, not the first labels
(`es_airline_intents_agreement.jsonl`; `annotated.agreement` computes the figures). Cohen's
kappa (raw agreement; positives first / second annotator): wish 1.00 (1.00; 6 / 6),
complaint 0.94 (0.97; 73 / 72), question 0.86 (0.97; 23 / 18), praise 0.94 (0.99; 8 / 9),
promo 1.00 (1.00; 7 / 7). Both annotators are AI assistant sessions following the same
written guidelines, so this agreement is an upper bound of what two people would reach;
wish and promo kappas rest on 6-7 positives.

Fourth Spanish set, `es_airline_intents_4.jsonl` (500 tweets; `annotated.sample_fourth`, seed
20261205, distinct texts, the first three sets' tweets excluded), drawn to measure Spanish
wish precision. How it is sampled was fixed before any model output on it was seen: a cue
of requests, hopes and modals (`annotated.WISH_CUE_4`: "ojal", "espero", "esperemos",
"deberí(a)", "podrí(a)", "podéis", "por favor", "a ver si", "a ver cuándo", "estaría
bien/genial", "sería", "me/nos gustaría", "me encantaría", "para cuándo", "queremos",
"quiero que", "hace falta", "por qué no", "tendrían/tendríais que") matches only 227 of the
5,566 tweets left, so the `cue` stratum is all of them (a census), and the `random` stratum
is a simple random sample of 273 of the 5,339 tweets that do not match it. Each tweet's split
is its stratum and the halves are reported apart: cue-enriched sampling inflates precision
relative to a random sample (the cue words are the rules' trigger words, so rule hits
concentrate there), so the random half is the representative one; an estimate for all
5,566 tweets weights each random-half tweet by 5,339 / 273 = 19.6. Annotated in one pass by
an AI assistant session (each tweet read in full, guidelines above, no model output shown)
and committed before any model ran on it. The same session then changed the Spanish wish
rules (after builtin-2026.12.2; looking only at the first set, the second set's `dev` half and
unannotated tweets) and scored the set once after freezing them; having read the set while
annotating it, that tuning was not blind to it. One of the 7 correct wish predictions there
comes from a phrase added then ("actualizad", the imperative of a verb already in the
company-verb list); the rules before those changes predict the other 6 (a diagnostic run
after the single scoring, not used for any choice).

Second pass on the fourth set: 100 of its tweets (`annotated.agreement_sample_fourth`, seed
20261206, 50 per stratum, shuffled) were labelled again from ids and texts, in a separate
step without looking at the first labels (`es_airline_intents_4_agreement.jsonl`), but by
the same session that made them, shortly after: it measures self-consistency, not agreement
between two annotators. Cohen's kappa (`annotated.agreement(...)`) is 1.00 for all five
labels (positives: wish 3, complaint 47, question 12, praise 5, promo 5). An independent
second annotator, another AI assistant session given only the guidelines above and the 100
ids and texts (no repository, no labels, no model output), labelled the same sample
(`es_airline_intents_4_agreement_independent.jsonl`). Cohen's kappa (raw agreement;
positives first / independent): wish 1.00 (1.00; 3 / 3), complaint 0.92 (0.96; 47 / 51),
question 0.91 (0.98; 12 / 14), praise 0.90 (0.99; 5 / 6), promo 1.00 (1.00; 5 / 5). Both are
AI sessions following the same guidelines, so this is an upper bound of what two people would
reach, and the wish figure rests on 3 positives.
"""


INTENT_SELECTION = """\
## Intent model selection (cross-validation on training data only)

How the wish and complaint setups of builtin-2026.12.1 were chosen, by `python
tools/intent_selection.py --data DATA` (2026-12-01, 2 shared cores, AMD EPYC, Python 3.11;
about 10 minutes on a loaded machine). Only training data were read: the forum training set,
the app-review sentences of Mekala et al. (a second domain of feature requests), the
complaint training set and the US airline tweets' sentiment labels. Not read while choosing:
the SemEval-2019 Task 9 trial sets (the hotel trial set is the unseen-domain test; it was
evaluated once, by the training run of the frozen model, below), the annotated airline
tweets, any test split.

Wish: 5-fold cross-validation on the forum set, each fold's threshold chosen on the other
folds' out-of-fold predictions (so no threshold is chosen on the fold it is scored on); the
forum F1 reweighted to 10% suggestions uses the threshold of the best reweighted F1 on the
other folds; transfer: the model trained on the forum (and the other apps, where app
reviews are training data) scored on each held-out app at the forum threshold, a stand-in
for an unseen domain. Mean ± standard deviation across folds (apps).

The candidates and their numbers: `docs/intent-selection.md`.

Chosen: word and character n-grams plus the pattern families at scale 1, with the app
reviews at weight 1 (rule: the best mean of the reweighted forum F1 and the app transfer F1,
0.533 against 0.525 at weight 0.5 and 0.530 at weight 3). The app reviews cost about 2.5
points of reweighted forum F1 and bring about 11 points on unseen apps. Then (second table
of `docs/intent-selection.md`) the English wish rules stay or-ed with the model and the
threshold is the one of the best F1 at 10% suggestions (mean 0.525 against 0.522 without the
rules at the best-F1 threshold). That second comparison was run only after a first frozen
setup without the English wish rules scored F1 0.03 on the hotel trial set: the hotel
number below is therefore not an unseen-domain test any more. The two targets (0.72 on a
forum where one sentence in ten is a suggestion, 0.70 on an unseen domain) are not reached
by any light candidate. Since builtin-2026.12.2 (third table of `docs/intent-selection.md`,
`python tools/wish_transfer.py --data DATA`): forum folds are grouped by forum post, and the
SGD alpha is 3e-5 (was 1e-5) by the same rule, on grouped folds, leave-one-app-out and
leave-the-forum-out scores at the shipped threshold rule (0.473 against 0.464; every
candidate there, four extra request families and pattern scale 2 included, is within one
standard deviation of the others).

Complaint: every candidate is scored as shipped (the model or-ed with the complaint rules
and w x P(negative)^2, the weight w and the threshold of each fold chosen on the other folds'
out-of-fold predictions), with two fold schemes: 5 folds grouped by `dedup_key`, and
leave-one-domain-out over the nine brand domains of Preotiuc-Pietro et al. (the two
non-complaint "random" groups spread over the folds). "Airline" = the US airline tweets,
negative ones as weak complaint positives and the others as negatives, at the given weight,
in every training fold, never scored (the annotated English airline tweets left out).

The candidates and their numbers: `docs/intent-selection.md`.

Chosen (rule: the best grouped 5-fold CV mean): the class-balanced logistic model on the
n-grams with SGD alpha 1e-5 (was 3e-5) and the airline tweets at weight 0.3 (was 0.1), no
pattern features: grouped CV F1 0.78 ± 0.02 (was 0.75 ± 0.03 by the same procedure),
leave-one-domain-out 0.77 (was 0.76). The candidates near the top differ by less than one
standard deviation across folds, and the best of about 15 candidates carries some selection
optimism. Tried and not kept (exploratory runs of the same procedure and folds, not repeated
by the tool): the English sentiment model's P(negative) and P(positive), or their log-odds,
as features of the complaint model, 0.2-0.9 points lower; SemEval-2017 tweets (negative =
complaint) at weight 0.03, 1 point lower; at alpha 1e-5, pattern features (0.7 lower),
unbalanced classes and 60 SGD epochs instead of 30 (+0.2, within the noise).

Third round (`python tools/intent_selection.py --data DATA --task complaint --levers`, same
procedure and folds; numbers in `docs/intent-selection.md`), each the shipped setup with one
thing changed; no lever gained clearly and the recipe is unchanged. The shipped setup scores
0.780 ± 0.015 (folds 0.774, 0.772, 0.806, 0.777, 0.772; leave-one-domain-out 0.772) with SGD
seed 0, but 0.770 ± 0.025 and 0.765 ± 0.022 with seeds 1 and 2 (LODO 0.773, 0.764): the
estimate to quote is about 0.77 (three-seed mean 0.772), and a single-seed difference under
about one point is noise. Averaging the weights of five SGD seeds (one linear model, same
inference) gives 0.777 ± 0.020 (LODO 0.775). Lower or within the noise: modified Huber loss
0.770; unbalanced classes 0.773; the dense emoji / punctuation / negation / lexicon features
scaled x3 or x0.3 when training 0.755 / 0.769; char and word n-grams in separate columns
0.776; 2^19 buckets 0.775 (LODO 0.781); binary n-grams 0.774; sublinear counts 0.763; char
2-5-grams 0.767; a word model and a char model averaged (mix chosen on the other folds) 0.768
(words alone 0.745, chars alone 0.759); the shared model averaged with a char 2-5-gram model
0.774; per-domain feature copies (Daume's augmentation, shared part scored) 0.687;
self-training on the US airline tweets with each fold's pseudo-labels 0.766 (confident ones
only 0.753); liblinear logistic regression (C = 3) 0.769. Leaving the neutral airline tweets
out of the weak labels costs 3 points (0.742): they are probably the useful non-complaint
examples;
weighting the airline tweets by class (non-negative 0.15 / 0.6 / 1, or negative 0.5, five
seeds averaged) gives 0.764-0.770, below equal weights. The 0.80 target is not reached.

Spanish (no training data): the rule changes and the two parameters of non-English complaint
(no English model; P(negative) at weight 1, power 1) were chosen looking only at errors on
the first Spanish set and the second set's `dev` half: on those, complaint recall rose from
0.71 / 0.70 to 0.79 / 0.82 at precision 0.75 / 0.87 (was 0.78 / 0.83), wish precision from
0.56 / 1.00 to 0.82 / 1.00 (with the 2026.11.4 thresholds). `sealed` and the third set were
not looked at until the single evaluation below.

Spanish wishes (builtin-2026.12.2 rules): a trigger of hope or request, a modal or an
imperative followed by a verb of what a company does ("espero que mejoren", "me gustaría que
pusieran", "a ver si abrís", "por qué no ponéis", "deberían poner", "ya podríais volar a",
"por favor @x dejad de"), with exceptions for the author's own case ("me encantaría que me
devuelvan", "me podríais cambiar"), past regrets ("tendrían que haber") and, as before,
sympathy and curses addressed to a person ("ojalá encuentres", "ojalá os"). Written from
unlabelled Spanish airline tweets outside every annotated set (6,637 distinct texts: the
rules mark 17 of them as wishes, 10 before) and checked on the first set and the second
set's `dev` half (wish precision / recall 0.83 / 0.67 and 1.00 / 0.62, before 0.82 / 0.60 and
1.00 / 0.62); the sealed half and the third set were then scored once (below: unchanged).
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
annotated positives; `#dev` and `#sealed` are the halves of the second Spanish set; the
third Spanish set and the fourth set's `#cue` and `#random` halves were each evaluated once,
after everything was frozen; the fourth set's random half is the Spanish number the reports
quote), recomputed by `escucha eval --data DATA`:

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
        "| lang | lever | recipe | macro-F1 mean | sd across folds | pooled | folds | ECE |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        pooled = f"{r['pooled']:.3f}" if r.get("pooled") is not None else "-"
        folds_text = ", ".join(f"{v:.3f}" for v in r.get("folds", [])) or "-"
        ece = f"{r['ece']:.3f}" if r.get("ece") is not None else "-"
        lines.append(
            f"| {r['lang']} | {r['lever']} | {r['setup']} | {r['mean']:.3f} | {r['sd']:.3f} | "
            f"{pooled} | {folds_text} | {ece} |"
        )
    notes = "\n\n".join(
        f"{lang}: {v['note']}" for lang, v in sorted(saved.items()) if v.get("note")
    )
    section = f"""{SELECT_START}
Produced by `python tools/train_models.py --data DATA --select` ({minutes:.0f} min on 2 shared
cores): {folds} folds grouped by `dedup_key` over the language's UMSAB train rows; every other
source is a training row in every fold. Each lever is tried around the current best recipe and
a value is kept when its mean macro-F1 across folds is higher. A run limited to some levers
(`--levers`) starts from the shipped recipe and adds its rows below the earlier ones. ECE:
expected calibration error of the out-of-fold probabilities of the UMSAB rows (top class, 10
bins) after one temperature fitted on them, as the shipped model's temperature is fitted.

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
- **Intents**: English logistic models for `wish` (SemEval-2019 Task 9 forum suggestions
  plus app-review feature requests), `complaint` (Preotiuc-Pietro et al. complaints) and
  `promo` (YouTube spam plus customer tweets as non-promotional examples), combined by
  noisy-OR with transparent es/en phrase rules (`understand/rules.py`, matched on word tokens)
  and with sentiment. The `wish` model also has {len(manifest.get("patterns", {}).get("names", []))}
  linguistic pattern features (`understand/patterns.py`: "should", "it would be nice", "I
  suggest", "please add", "why not", "could use", a sentence-initial imperative, advice to
  the reader...), one 0/1 column per family with a weight learned next to the n-grams, so
  how people ask counts apart from what they talk about; on English posts the wish phrase
  rules are still or-ed with the model (weight {manifest["combine"].get("wish_rules_en", 1.0)}).
  The complaint model also learns from the US airline tweets' sentiment labels (negative =
  complaint) at weight 0.3. The English models read English posts (and posts of unknown
  language) only. English complaint adds
  {manifest["combine"]["complaint_negative"]} x P(negative)^2; in other languages the
  English models' n-grams are noise (the complaint model fired on neutral Spanish questions),
  so wish comes from the rules alone and complaint from the rules or-ed with the post's
  own-language P(negative) (weight 1, power 1, decision point 0.6, chosen on the Spanish dev
  annotations, mapped onto the shipped complaint threshold so that retraining the English
  model does not move it). Praise
  is {manifest["combine"]["praise_positive"]} x P(positive)^2 or-ed with thanks/praise rules.
  `question` and `praise` have no training data: they are rule- and sentiment-based, with
  hand-set thresholds. No Spanish intent training data exist: in Spanish the intents rest on
  the rules and the Spanish sentiment model. Spanish and English intent accuracy is measured
  on small annotated airline-tweet sets (below).
- **Other backend**: `load_reader(languages, backend="transformers", model_dir=PATH)` takes
  sentiment from a local Hugging Face sequence-classification model (labels mapped through
  its `id2label`); language ID and intents stay as above. Its accuracy is whatever that
  model's is: the numbers on this card are for the built-in models only.
- Shipped thresholds: {", ".join(f"{k} {v}" for k, v in manifest["thresholds"].items())}
  (complaint, promo: the F1-best threshold on out-of-fold predictions; wish: 0.5, the scale of
  the Spanish wish rules, with the model's bias shifted so that the model or-ed with the
  English wish rules gives the best out-of-fold F1 reweighted to 10% suggestions, the rate
  expected where suggestions are rare).

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
all. In English the SemEval-2017 pool is worth 0.12.

Model levers (`--levers`, tried from the shipped recipe): NB-SVM log-count-ratio scaling
(Spanish 0.617 ± 0.018 against 0.621 ± 0.026; English, with class offsets, 0.706 ± 0.028 against
0.706 ± 0.036, although it gained 0.02 on a 30% subsample: no gain) and class offsets, a bias
shift per class chosen on out-of-fold logits for the best macro-F1 and scored nested (each
fold's offsets chosen on the other folds): no gain in Spanish (0.619), +0.013 in English (0.706
± 0.036 against 0.693 ± 0.047, better in 3 folds of 5, worse in 2: within the spread). A model
trained with them was scored once on English UMSAB val: macro-F1 0.715 against 0.733 and expected
calibration error 0.069 against 0.035 (the offsets move the calibrated probabilities the app
shows), so English does not ship them; that check used the val file for a decision, so the
English val row below is no longer an untouched estimate. Tried outside this table on the
Spanish pool, none beyond the spread:
separate char and word models with probabilities or logits averaged (0.625 / 0.620, the weight
chosen on the other folds), a smaller alpha (3e-7: 0.616, 1e-7: 0.611), 2**20 hash buckets
(0.619); in English (30% of the other sources) averaging did not beat the joint model either.
With the spread seen here (0.02-0.05 across folds) and a cross-validated 0.62 in Spanish against
the 0.64 target on UMSAB test (where the previous model lost 0.05 from val to test), the Spanish
target is not reached by a linear model on these features; English (0.71 cross-validated;
builtin-2026.11.2 scored 0.647 on test) may be below its 0.67 target too.

More levers (all in `--levers`, so repeatable; rows with an ECE in the table below; each row
stacks on the best recipe so far, as the coordinate search does). First, the noise floor: the
shipped Spanish recipe scores 0.621 with SGD seed 0 and 0.611 with seeds 1 and 2 on the same
folds, so a difference under about 0.01 in one run is not evidence. Spanish, from 0.621 ±
0.026 (ECE 0.022):

- **TASS 2020 per variant.** UMSAB's Spanish train tweets are copies of TASS 2020 tweets of the
  es, pe and cr variants only (416, 392 and 278 of them; none of mx or uy), a fact read from
  the training data. `weight of tass.es` (Spain's variant at 2 or 3 where the others stay 1):
  0.626 ± 0.028 at 2 (0.623 at 3); over SGD seeds 0, 1, 2 the gain is +0.005, +0.007, +0.005,
  3, 3 and 4 folds of 5 up, ECE 0.027 / 0.025 / 0.021 against 0.022 / 0.022 / 0.029 (equal on
  average). Shipped (the only change of this round; a training-recipe change, nothing at
  inference). The other variants lower (`weight of tass latam` 0.25: 0.616; 0.5: 0.626 ± 0.018)
  or mx and uy left out (`weight of tass mx uy` 0: 0.616) do not add to it.
- **Negation scope to punctuation** (`negation to punctuation`: every word after a negator up
  to the next `.,;:!?¡¿`, against 3 words today; `negation 6 words or punctuation`): 0.621 and
  0.619 against 0.626. English 0.694 ± 0.036 against 0.693 ± 0.047 (3 folds up, 2 down).
- **Intensifiers** (`intensifiers`: the word after "muy", "tan", "demasiado", "so", "very",
  "really"... gets its own feature): 0.623 (English 0.694, unchanged).
- **Elongation** (`elongation`: one pseudo-word per word with a letter three times or more,
  "holaaa"): 0.620 (English 0.694). Emoji, emoticons, "!" and "?" were already features (the
  dense `emoji_pos`, `emoji_neg`, `exclaim`, `question` columns, from the project's emoji list in
  `lexicon.py`; emoji are also word tokens and char n-grams): nothing new to add there.
- **Pseudo-labels** (`pseudo-labels`): in each fold a teacher trained on that fold's training
  rows without the airline and EmoEvent rows re-reads those rows; "relabel" trains on the
  teacher's labels where its softmax (before temperature) gives at least 0.6 (the airline
  tweets used as unlabelled data),
  0.606 (ECE 0.012); "filter" keeps the rows whose given label the teacher agrees with, 0.612.
  In English (the US airline tweets re-read) "relabel" is the one lever of this round above
  the noise line: 0.699 ± 0.031 against 0.693 ± 0.047 from the shipped recipe, 4 folds of 5
  up, but ECE 0.017 against 0.012; with SGD seed 1 (run outside `--select`, same folds) 0.699 ±
  0.040 against 0.693 ± 0.051, 3 folds of 5 up, ECE 0.025 against 0.021. A steady +0.006,
  about an eighth of the fold spread, with calibration worse at both seeds (after the temperature):
  not shipped. It is the lever to try first with a calibration fix (it would need the teacher
  step in `train_sentiment`, a training-only change).
- **Char model and word model mixed** (`char + word models`: a char-only and a word-only model,
  logits mixed at a weight chosen on the other folds, nested): 0.616.

The featurisation levers cost CPU time in `Featuriser.analyse` (22,507 airline tweets in
batches of 1,000, best of 9, CPU time, 2-core Intel Xeon under load 14): shipped 0.154 s,
negation to punctuation +23%, 6 words or punctuation +21%, elongation +13%, intensifiers +3%
(`negation_scope`, `negation_clause`, `intensifiers`, `elongation` in `FeatureConfig`, all off
by default). None ships. With the defaults the features are today's: checked side by side
against the code before this change, `analyse` 0.136-0.138 s against 0.133-0.146 s, and the
whole `escucha classify --languages es,en` process on 30,000 airline tweets 0.88-0.90 s of CPU
against 0.89-1.03 s (four runs each, alternating, load 9-12), with byte-identical output.

With the one small gain, the Spanish estimate is 0.626 ± 0.028 with seed 0 (0.620 averaged
over seeds 0-2, where the recipe before it averages 0.614), against the 0.64 target on UMSAB
test; the model picked on val before builtin-2026.11.5 scored 0.610 in this cross-validation
and 0.588 on test. This linear model on these features does not reach the Spanish target; in
English no lever of this round passed the bar either (relabelling: +0.006, calibration worse),
and the English cross-validated 0.693 (0.706 with class offsets) sits near the 0.67 target
only if the drop from cross-validation to test is smaller than the 0.02-0.05 seen in Spanish.

The recipe with TASS's Spain variant at 2 was frozen, then trained once (`train_models.py
--languages en,es` into a scratch folder) and scored once on UMSAB val: Spanish macro-F1 0.653
(accuracy 0.654, ECE 0.031) against 0.647 (0.648, 0.027) for builtin-2026.12.2, on 324 tweets
(one tweet is 0.003); 3-fold out-of-fold on UMSAB train 0.618 against 0.620. English is the same
model (0.733). UMSAB val had been scored before for earlier Spanish recipes, never used to
choose this one.

{select}

## Validation results (shipped model)

Computed on validation files never used for training, scored once after the sentiment recipes
were frozen (see above). The wish, complaint and promo rows are as described in their sections.

{_table(val)}

{_annotated_section(annotated)}

## Cross-validation results (from the training run)

{_table(cv)}

Complaint and promo thresholds were chosen on the same out-of-fold predictions, so the
"threshold chosen on it" F1 values carry a small optimism; each wish fold is scored at the
threshold chosen on the other folds, and so is each complaint fold in the complaint row
"chosen on the other folds" (threshold and weight of P(negative)^2): that row is the
complaint estimate.

{INTENT_SELECTION}
## Known shortfalls and risks

- Targets and training data size (`docs/learning-curves.md`, `python
  tools/learning_curves.py --data DATA`): cross-validated scores of the shipped recipes
  trained on 1/16 to all of their training data. Wish: the forum F1 reweighted to 10% levels
  off near 0.63 (90% interval 0.60-0.91) against the 0.72 target, and trained on the forum the
  model stays 0.04 lower on app reviews than on the forum (both at 10% suggestions) at every
  size: both wish targets are out of reach of this model family whatever the amount of data
  of the same kind. Spanish sentiment (0.620 over 3 seeds) and complaint (0.772) still gain
  0.03 and 0.02 per doubling of the data, with no ceiling in sight: out of reach at this data
  size, within reach only with some 2-5x more labelled data of the same mix (an optimistic
  extrapolation). English sentiment (0.692 in cross-validation) is above its 0.67 target
  before the drop to the test set, which decides it.
- Hindi UMSAB tweets are mostly romanised Hindi/English: py3langid labels them English (or
  unknown), and the Hindi sentiment model is near chance on val. Treat `hi` as unsupported.
- `wish` on a forum where suggestions are rare: the cross-validated forum F1 reweighted to
  10% suggestions is the estimate to expect there (0.59 ± 0.02 across folds grouped by forum
  post for builtin-2026.12.2; the held-out test measured 0.570 for builtin-2026.11.4, whose
  estimate was 0.544 or, with its threshold rule chosen per fold, about 0.57-0.61): the
  target of 0.72 is not met by any light candidate (`docs/intent-selection.md`). Transfer at
  the shipped threshold rule: F1 0.36 ± 0.11 on an unseen app (trained on the forum and six
  apps), 0.48 reweighted to 10% on the forum when trained on the apps alone
  (`tools/wish_transfer.py`; the earlier 0.43-0.45 was pooled over apps at the plain forum
  threshold). The hotel trial set was evaluated once for a first frozen setup (F1 0.03: no
  English wish rules); the shipped setup was chosen after that by a training-data check, so
  its hotel row is not an unseen-domain estimate: expect less on a new domain, and use the
  app-review transfer figure.
- Spanish intents are rule-based (the English models are not applied to Spanish posts), and
  since builtin-2026.12.3 each language's phrase rules read only posts of
  that language (posts of other or unknown languages get all of them): folded to ASCII,
  Spanish written without accents read as English rule words ("Reservé" as the English advice
  "reserve", "Plan de viernes..." as "plan"), which gave 2 wishes, 2 complaints and 1 praise
  among the 7,867 Spanish airline tweets, all wrong by the guidelines; no annotated set
  changed. Spanish wish on the fourth set (500 tweets, scored once after the rules were
  frozen): precision 1.00 on 7 predicted (95% interval 0.59-1.00), recall 0.44 of 16 wishes;
  by half, the cue half (227) 1.00 / 0.50 of 14 and the random half (273) no prediction, 2
  wishes missed. Weighted to all the remaining tweets, precision stays 1.00 but recall is
  about 0.13: most Spanish wishes carry none of the cue words and the rules find none of
  those. Pooled over the three sets evaluated once (the second set's sealed half, the third
  and the fourth set): 11 correct of 15 predicted (0.73), 11 of 32 wishes found (0.34). So the
  target of 0.60 precision on 500 annotated posts holds on the fourth set, on few predictions,
  and recall is low. Complaint with builtin-2026.12.3 (its Spanish sentiment recipe gives
  TASS's Spain variant weight 2, chosen by cross-validation without these sets): the fourth
  set's random half 0.76 / 0.83 (0.78 / 0.85 with builtin-2026.12.2's sentiment), the third set
  0.82 / 0.83 (was 0.83 / 0.84), the second set's sealed half 0.81 / 0.89 (was 0.83 / 0.91);
  English on its annotated set 0.81 / 0.89, so Spanish complaint recall is within 10 points of
  English on every set scored once. Spanish complaint rests on the Spanish sentiment model's
  P(negative): with the previous Spanish sentiment recipe the same rules gave 0.84 / 0.71 on
  the third set (13 points below English) and 0.87 / 0.78 on the sealed half; the new recipe
  was chosen by cross-validation on sentiment training data, without looking at these sets,
  and both numbers are on record because the third set was scored once with each model. Wish:
  none of the 7 annotated wishes was found and no wish was predicted (precision undefined). On
  the sealed half, wish precision is 0.50 on 8 predicted (was 0.40). The broader Spanish wish
  constructions of builtin-2026.12.2 (section "Intent model selection") and the own-case
  exceptions added after it left both numbers unchanged: the annotated wishes there are
  phrased in ways the rules do not cover. Spanish wishes are rare (7-17 per set) and the rules
  recognise only explicit request phrases. Spanish `promo` is weak (few phrases cover deal
  announcements such as "vuelos desde 9,99 EUR", and the English promo model does not read
  Spanish posts). The annotated sets are small, single-annotator (agreement measured on a
  sample by a second AI annotator only) and partly sampled with keyword cues, so their numbers
  have wide error bars; English `promo` has almost no positives in customer tweets. Reports
  state each language's measured accuracy next to every comparison between languages.
- `promo` on tweets is trained on YouTube comments. Adding customer tweets as
  non-promotional examples stops brand tweets ("Thanks @united, great crew!") from scoring
  as spam but lowers the leave-one-video-out spam F1 (about 0.93 without them). Requests
  such as "please add wifi" can still score as promo ("please subscribe" spam).
- Speed: the benchmark below runs `escucha classify` and a VADER script as whole processes
  on the same JSON Lines file (startup, parsing and writing included); the ratio moves with
  machine load. escucha's startup (Python, numpy, the models) is about a tenth of a second
  on a quiet machine; the first run on a machine also decompresses py3langid's model and
  keeps the derived tables (about 50 MB) in `~/.cache/escucha` (`$ESCUCHA_CACHE_DIR`,
  `$XDG_CACHE_HOME`), which later runs read.
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
