"""The models' measured accuracy as every face quotes it: the report's method table
(`metric_rows`) and, next to every table or chart that compares languages, one sentence per
task with each language's numbers (`accuracy_notes`), from the records of the models'
metrics.json. The report and the web pages call these, so both quote the same numbers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from escucha.core.labels import INTENTS
from escucha.i18n import DEFAULT, catalogue
from escucha.i18n.format import Locale, decimal, number

if TYPE_CHECKING:
    from escucha.i18n import Catalogue


def accuracy_notes(
    records: Sequence[Mapping[str, Any]], langs: Sequence[str], tasks: Sequence[str], t: Catalogue
) -> list[str]:
    """Per task, the measured accuracy in each of `langs` (`accuracy_by_language`), when they
    are two or more (a comparison across languages); empty otherwise."""
    if len(langs) < 2:
        return []
    return [accuracy_by_language(records, langs, task, t) for task in tasks]


def _format_metric(value: Any, locale: Locale) -> str:
    if value is None:  # a metric the records lack
        return "—"
    if isinstance(value, float):
        return decimal(value, 2, locale)
    if isinstance(value, int):
        return number(value, locale)
    return str(value)


def metric_rows(
    records: Sequence[Mapping[str, Any]],
    langs: Sequence[str],
    lang_name: Callable[[str], str],
    not_measured: str,
    *,
    locale: Locale | None = None,
    task_name: Callable[[str], str] = str,
) -> list[dict]:
    """Rows (task, language, measured) from the models' metric records (metrics.json).

    Records of one task, language and data file share a row ("macro_f1 0.64 · accuracy
    0.65 · n 324 · sentiment/umsab/spanish/val.jsonl"). Only the report's languages get rows;
    sentiment and the five intents get one for each of them, "not measured" when no record
    exists. Numbers are written as `locale` writes them (English by default), and each part of
    a task's name ("intents", "wish") as `task_name` names it.
    """
    locale = locale or catalogue(DEFAULT).locale
    grouped: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for rec in records:
        if rec.get("language") in langs and rec.get("task") and rec.get("metric"):
            key = (str(rec["task"]), str(rec["language"]), str(rec.get("data") or ""))
            grouped.setdefault(key, []).append(rec)
    rows: dict[tuple[str, str, str], str] = {}
    for key, recs in grouped.items():
        scores = [f"{r['metric']} {_format_metric(r.get('value'), locale)}" for r in recs]
        n = recs[0].get("n")
        details = [f"n {_format_metric(n, locale)}"] if isinstance(n, int) else []
        rows[key] = " · ".join(scores + details + ([key[2]] if key[2] else []))
    tasks = ["sentiment", *(f"intent.{i}" for i in INTENTS)]
    for task in tasks:
        for lang in langs:
            if not any(k[0] == task and k[1] == lang for k in rows):
                rows[(task, lang, "")] = not_measured
    task_order = {task: i for i, task in enumerate(tasks)}
    lang_order = {lang: i for i, lang in enumerate(langs)}
    ordered = sorted(
        rows, key=lambda k: (task_order.get(k[0], len(tasks)), k[0], lang_order[k[1]], k[2])
    )
    return [
        {
            "task": " / ".join(task_name(part) for part in _task_parts(task)),
            "lang": lang_name(lang),
            "value": rows[(task, lang, data)],
            "measured": rows[(task, lang, data)] != not_measured,
        }
        for task, lang, data in ordered
    ]


def _task_parts(task: str) -> list[str]:
    """A task's parts as the catalogue names them: "intent.wish" is intents / wish."""
    head, _, rest = task.partition(".")
    return ["intents", rest] if head == "intent" and rest else [task]


def _pick(records: Sequence[Mapping[str, Any]], task: str, lang: str) -> dict[str, Any]:
    """The metrics of `task` in `lang` that the report quotes next to comparisons: for
    intents, the newest annotated airline-tweet set of the language (the last listed: the one
    evaluated once, after the rules were frozen; for Spanish, the fourth set's random half,
    not its cue-enriched half); for sentiment, the validation records."""
    mine = [r for r in records if r.get("task") == task and r.get("language") == lang]
    if task.startswith("intent."):
        mine = [r for r in mine if str(r.get("data", "")).startswith("understand/annotations/")]
    else:
        mine = [r for r in mine if str(r.get("command", "")).startswith("escucha eval")]
    if not mine:
        return {}
    data = mine[-1].get("data")
    picked = {str(r["metric"]): r.get("value") for r in mine if r.get("data") == data}
    picked["n"] = mine[-1].get("n")
    return picked


def accuracy_by_language(
    records: Sequence[Mapping[str, Any]], langs: Sequence[str], task: str, t: Catalogue
) -> str:
    """One sentence: how accurate `task` is in each language ("complaint, measured accuracy
    by language: English F1 0.80 (precision 0.82, recall 0.78; n 235) · Spanish ...")."""
    parts = []
    for lang in langs:
        m = _pick(records, task, lang)
        name = t.language_name(lang)
        if task.startswith("intent.") and "f1" in m:
            parts.append(
                t.text(
                    "accuracy_intent",
                    lang=name,
                    f1=_format_metric(m["f1"], t.locale),
                    precision=_format_metric(m.get("precision"), t.locale),
                    recall=_format_metric(m.get("recall"), t.locale),
                    n=_format_metric(m.get("n"), t.locale),
                )
            )
        elif "macro_f1" in m:
            parts.append(
                t.text(
                    "accuracy_sentiment",
                    lang=name,
                    f1=_format_metric(m["macro_f1"], t.locale),
                    n=_format_metric(m.get("n"), t.locale),
                )
            )
        else:
            parts.append(f"{name}: {t['not_measured']}")
    task_label = " / ".join(t.get(f"task_{part}", part) for part in _task_parts(task))
    return t.text("accuracy_by_language", task=task_label, values=" · ".join(parts))


def measured_languages(records: Sequence[Mapping[str, Any]], task: str) -> set[str]:
    """The languages with at least one record of `task`."""
    return {str(r["language"]) for r in records if r.get("task") == task and r.get("language")}
