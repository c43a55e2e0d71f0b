"""`escucha train --from-labels`: adapt the shipped models to a workspace with its own
analysts' labels (post_labels), without touching the shipped package model.

The adaptation is a small correction model stacked on the shipped model's probabilities
(stored with every post's enrichment, so nothing is re-read): per language with enough
labels (else one model over every language), a multinomial logistic regression from the
log-probabilities of negative / neutral / positive to the analysts' sentiment; and for each
intent, a logistic regression from the log-odds of its probability to whether the analysts
flag it. It learns what this workspace's analysts mean (where they draw the line between
neutral and negative, how readily they call something a complaint), not new words.

The labels are split once, seeded and stratified (by language and label), into a training
part and a held-out part; the held-out macro-F1 of the shipped model's labels and of the
corrected ones is reported per language. The model and its card are written into the
workspace (models/workspace-model.json, models/MODEL_CARD.md); `escucha analyze` uses them
only when enabled (docs/labels.md).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, and_, select

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.errors import UserError
from escucha.store.schema import LIVE_POSTS, enrichments, post_labels, posts
from escucha.understand.evaluate import binary_f1, macro_f1

MIN_LABELS = 40  # posts with an analyst's sentiment needed to train at all
MIN_LANGUAGE = 30  # ... in one language for a model of its own (else the pooled one)
HELD_OUT = 0.25
SEED = 15
MODEL_FILE = "workspace-model.json"
CARD_FILE = "MODEL_CARD.md"
_EPS = 1e-4


@dataclass(frozen=True)
class Example:
    lang: str
    probs: tuple[float, ...]  # negative, neutral, positive, then INTENTS
    model_sentiment: str
    model_intents: tuple[str, ...]
    sentiment: str | None  # the analyst's (None: not set)
    intents: tuple[str, ...] | None


def labelled_examples(engine: Engine, model_version: str) -> list[Example]:
    """Every live post an analyst labelled that the model has read, in id order."""
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    query = (
        select(
            enrichments.c.lang,
            *(enrichments.c[n] for n in (*SENTIMENTS, *INTENTS)),
            enrichments.c.sentiment,
            enrichments.c.intents,
            post_labels.c.sentiment.label("own_sentiment"),
            post_labels.c.intents.label("own_intents"),
        )
        .select_from(
            post_labels.join(posts, posts.c.id == post_labels.c.post_id).join(enrichments, join)
        )
        .where(LIVE_POSTS)
        .order_by(posts.c.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        Example(
            lang=str(r.lang),
            probs=tuple(float(r[1 + i]) for i in range(len(SENTIMENTS) + len(INTENTS))),
            model_sentiment=str(r.sentiment),
            model_intents=tuple(r.intents or ()),
            sentiment=r.own_sentiment,
            intents=None if r.own_intents is None else tuple(r.own_intents),
        )
        for r in rows
    ]


def split(keys: Sequence[str], held_out: float = HELD_OUT, seed: int = SEED) -> np.ndarray:
    """A held-out mask, stratified: each key (language and label) keeps about `held_out` of
    its examples out, at least one when it has two or more."""
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(keys), dtype=bool)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[key].append(i)
    for key in sorted(groups):
        members = np.array(groups[key])
        if len(members) < 2:
            continue
        k = max(1, round(len(members) * held_out))
        mask[rng.choice(members, size=k, replace=False)] = True
    return mask


def _fit_softmax(x: np.ndarray, y: np.ndarray, classes: int, l2: float = 1.0) -> np.ndarray:
    """Multinomial logistic regression (weights with a bias row), L2-penalised, by Newton-free
    gradient descent on a handful of features: deterministic, no library needed."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros((xb.shape[1], classes))
    onehot = np.eye(classes)[y]
    step = 0.5
    for _ in range(3000):
        z = xb @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = xb.T @ (p - onehot) / len(x)
        grad[:-1] += l2 * w[:-1] / len(x)
        w -= step * grad
    return w


def _softmax_predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    z = np.hstack([x, np.ones((len(x), 1))]) @ w
    return z.argmax(axis=1)


def _sentiment_x(probs: np.ndarray) -> np.ndarray:
    return np.log(np.clip(probs[:, : len(SENTIMENTS)], _EPS, 1.0))


def _intent_x(probs: np.ndarray, j: int) -> np.ndarray:
    p = np.clip(probs[:, len(SENTIMENTS) + j], _EPS, 1 - _EPS)
    return np.log(p / (1 - p))[:, None]


@dataclass
class Adapted:
    """The trained correction model and its held-out report."""

    sentiment: dict[str, list[list[float]]]  # lang (or "*") -> weights
    intents: dict[str, list[list[float]]]  # intent -> weights (2 classes)
    report: dict[str, Any]

    def predict_sentiment(self, lang: str, probs: np.ndarray) -> np.ndarray:
        w = np.array(self.sentiment.get(lang, self.sentiment["*"]))
        return _softmax_predict(w, _sentiment_x(probs))

    def predict_intent(self, intent: str, probs: np.ndarray) -> np.ndarray | None:
        if intent not in self.intents:
            return None
        j = INTENTS.index(intent)
        return _softmax_predict(np.array(self.intents[intent]), _intent_x(probs, j)) == 1


def train_from_labels(
    examples: Sequence[Example], seed: int = SEED, held_out: float = HELD_OUT
) -> Adapted:
    """Split, fit, and measure before (the shipped model's labels) and after (corrected) on
    the held-out part. UserError (one line) when there are too few labels."""
    rated = [e for e in examples if e.sentiment is not None]
    if len(rated) < MIN_LABELS or len({e.sentiment for e in rated}) < 2:
        raise UserError(
            f"too few labels to train: {len(rated)} posts with an analyst's sentiment "
            f"(at least {MIN_LABELS} needed, of at least two sentiments); relabel more posts "
            "on their pages or with the REST API"
        )
    y = np.array([SENTIMENTS.index(str(e.sentiment)) for e in rated])
    probs = np.array([e.probs for e in rated])
    langs = [e.lang for e in rated]
    out = split([f"{lang}|{s}" for lang, s in zip(langs, y, strict=True)], held_out, seed)
    train = ~out
    weights: dict[str, list[list[float]]] = {}
    k = len(SENTIMENTS)
    weights["*"] = _fit_softmax(_sentiment_x(probs[train]), y[train], k).tolist()
    for lang in sorted(set(langs)):
        mine = train & (np.array(langs) == lang)
        if mine.sum() >= MIN_LANGUAGE and len(set(y[mine])) >= 2:
            weights[lang] = _fit_softmax(_sentiment_x(probs[mine]), y[mine], k).tolist()
    intent_weights: dict[str, list[list[float]]] = {}
    flagged = [e for e in examples if e.intents is not None]
    intent_out = split([e.lang for e in flagged], held_out, seed) if flagged else np.array([])
    iprobs = np.array([e.probs for e in flagged]) if flagged else np.zeros((0, 8))
    for j, intent in enumerate(INTENTS):
        truth = np.array([intent in (e.intents or ()) for e in flagged], dtype=int)
        fit = ~intent_out if flagged else np.array([], dtype=bool)
        if len(flagged) >= MIN_LABELS and len(set(truth[fit])) == 2:
            intent_weights[intent] = _fit_softmax(_intent_x(iprobs[fit], j), truth[fit], 2).tolist()
    adapted = Adapted(weights, intent_weights, {})
    adapted.report = _report(adapted, rated, y, probs, out, flagged, iprobs, intent_out)
    adapted.report.update({"n_train": int(train.sum()), "n_heldout": int(out.sum()), "seed": seed})
    return adapted


def _report(
    adapted: Adapted,
    rated: list[Example],
    y: np.ndarray,
    probs: np.ndarray,
    out: np.ndarray,
    flagged: list[Example],
    iprobs: np.ndarray,
    intent_out: np.ndarray,
) -> dict[str, Any]:
    """Held-out macro-F1 of sentiment, before and after, per language and over all."""
    k = len(SENTIMENTS)
    before_all = np.array([SENTIMENTS.index(e.model_sentiment) for e in rated])
    after_all = np.empty(len(rated), dtype=int)
    langs = np.array([e.lang for e in rated])
    for lang in set(langs):
        m = langs == lang
        after_all[m] = adapted.predict_sentiment(lang, probs[m])
    per_language = {}
    for lang in sorted(set(langs[out])):
        m = out & (langs == lang)
        per_language[lang] = {
            "n_heldout": int(m.sum()),
            "before": round(macro_f1(y[m], before_all[m], k), 4),
            "after": round(macro_f1(y[m], after_all[m], k), 4),
            "own_model": lang in adapted.sentiment,
        }
    agree = float(np.mean(before_all == y))
    report: dict[str, Any] = {
        "agreement": round(agree, 4),  # share of the labels that confirm the model's
        "before": round(macro_f1(y[out], before_all[out], k), 4),
        "after": round(macro_f1(y[out], after_all[out], k), 4),
        "per_language": per_language,
        "metric": "sentiment macro-F1 on the held-out labels",
    }
    if flagged and adapted.intents and intent_out.any():
        before_f, after_f = [], []
        held = [e for e, o in zip(flagged, intent_out, strict=True) if o]
        hp = iprobs[intent_out]
        for intent in adapted.intents:
            truth = [intent in (e.intents or ()) for e in held]
            before_f.append(binary_f1(truth, [intent in e.model_intents for e in held]))
            predicted = adapted.predict_intent(intent, hp)
            after_f.append(binary_f1(truth, predicted if predicted is not None else []))
        report["intents"] = {
            "n_heldout": len(held),
            "before": round(float(np.mean(before_f)), 4),
            "after": round(float(np.mean(after_f)), 4),
            "metric": "mean F1 of the intents with a model, on the held-out labels",
        }
    return report


def save(adapted: Adapted, folder: Path, base_version: str) -> Path:
    """Write the model and its card into the workspace's `models/` folder; return the file."""
    folder.mkdir(parents=True, exist_ok=True)
    body = {"sentiment": adapted.sentiment, "intents": adapted.intents}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]
    document = {
        "kind": "escucha workspace correction model",
        "base_version": base_version,
        "version": f"{base_version}+ws.{digest}",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "report": adapted.report,
        **body,
    }
    path = folder / MODEL_FILE
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    (folder / CARD_FILE).write_text(model_card(document), encoding="utf-8")
    return path


def model_card(document: dict[str, Any]) -> str:
    r = document["report"]
    lines = [
        "# Workspace model card",
        "",
        f"- Version: `{document['version']}`, trained {document['trained_at']}.",
        f"- Base: the shipped models `{document['base_version']}` (unchanged); this is a "
        "correction stacked on their probabilities, trained on this workspace's analysts' "
        "labels (`escucha train --from-labels`).",
        f"- Labels: {r['n_train']} for training, {r['n_heldout']} held out (seeded "
        f"{r['seed']}, stratified by language and sentiment).",
        f"- {r['metric']}: {_f(r['before'])} with the shipped model, {_f(r['after'])} corrected.",
        "",
        "| language | held out | before | after | own model |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for lang, m in r["per_language"].items():
        own = "yes" if m["own_model"] else "no (all languages pooled)"
        lines.append(
            f"| {lang} | {m['n_heldout']} | {_f(m['before'])} | {_f(m['after'])} | {own} |"
        )
    if "intents" in r:
        i = r["intents"]
        lines += ["", f"- Intents ({i['metric']}, {i['n_heldout']} held out): "
                  f"{_f(i['before'])} before, {_f(i['after'])} after."]  # fmt: skip
    lines += [
        "",
        "- Used by `escucha analyze` only when enabled: `escucha analyze "
        "--use-workspace-model`, or `use_workspace_model = true` under `[models]` in "
        "escucha.toml. Posts read with it are recorded under the version above.",
        "- Small held-out sets give noisy numbers: read them with their n.",
        "",
    ]
    return "\n".join(lines)


def _f(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.3f}"


def load(folder: Path) -> dict[str, Any] | None:
    """The workspace model's document, or None when there is none."""
    path = folder / MODEL_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def enabled(ctx: Any) -> bool:
    """Whether the workspace asks for its own model: `use_workspace_model = true` under
    `[models]` in escucha.toml."""
    table = ctx.config.extra.get("models", {})
    value = table.get("use_workspace_model", False) if isinstance(table, dict) else False
    if not isinstance(value, bool):
        raise UserError("escucha.toml [models]: 'use_workspace_model' must be true or false")
    return value


def workspace_version(ctx: Any) -> str | None:
    """The version of the workspace model in use (None: the shipped models are)."""
    if not enabled(ctx):
        return None
    document = load(Path(ctx.path) / "models")
    if document is None:
        raise UserError(
            "escucha.toml asks for the workspace model ([models] use_workspace_model) but "
            "there is none: run escucha train --from-labels first"
        )
    return str(document["version"])


class CorrectedReader:
    """The shipped reader with the workspace's correction applied to what it reads: the
    sentiment (its probabilities and label) and the intents that have a correction. Posts
    read with it are recorded under the workspace model's version."""

    def __init__(self, reader: Any, document: dict[str, Any]) -> None:
        self.reader = reader
        self.languages = reader.languages
        self.version = str(document["version"])
        self.adapted = Adapted(document["sentiment"], document["intents"], document["report"])

    def read(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Any]:
        from dataclasses import replace

        readings = self.reader.read(texts, langs)
        if not readings:
            return readings
        probs = np.array(
            [[r.sentiment_scores[s] for s in SENTIMENTS] + [r.intents[i] for i in INTENTS]
             for r in readings]
        )  # fmt: skip
        out = []
        for n, r in enumerate(readings):
            w = np.array(self.adapted.sentiment.get(r.lang, self.adapted.sentiment["*"]))
            z = np.append(_sentiment_x(probs[n : n + 1])[0], 1.0) @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            labels = set(r.intent_labels)
            for intent in self.adapted.intents:
                flagged = self.adapted.predict_intent(intent, probs[n : n + 1])
                if flagged is not None:
                    labels.discard(intent)
                    if bool(flagged[0]):
                        labels.add(intent)
            out.append(
                replace(
                    r,
                    sentiment=SENTIMENTS[int(p.argmax())],
                    sentiment_scores={s: float(p[i]) for i, s in enumerate(SENTIMENTS)},
                    intent_labels=tuple(i for i in INTENTS if i in labels),
                )
            )
        return out


def choose_model(workspace: Any, use: bool) -> Any:
    """Save in escucha.toml whether the workspace reads with its own model (`[models]
    use_workspace_model`); return the configuration written. Refused when there is no
    workspace model to use."""
    import dataclasses

    from escucha.config import CONFIG_FILE, render_config

    if use and load(Path(workspace.path) / "models") is None:
        raise UserError("no workspace model yet: run escucha train --from-labels first")
    extra = dict(workspace.config.extra)
    models = dict(extra.get("models", {}))
    models["use_workspace_model"] = use
    extra["models"] = models
    config = dataclasses.replace(workspace.config, extra=extra)
    path = Path(workspace.path) / CONFIG_FILE
    partial = path.with_name(path.name + ".partial")
    partial.write_text(render_config(config), encoding="utf-8")
    partial.replace(path)
    return config
