"""A stored survey's responses put to use: flagged, weighted, analysed, exported, and the
loop closed with the community. The statistics are the pure functions of `quality`,
`weighting`, `analysis` and `exports`; this module reads the store and writes the results.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, UserError
from escucha.research.columns import COMPLETE, answer_columns, is_answered, selected
from escucha.research.definition import Definition, Kind
from escucha.research.quality import Exclusion, Rules, flag, select
from escucha.research.strings import say
from escucha.store.schema.community import interactions

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from escucha.research.weighting import Diagnostics

HEAR_BACK = "hear_back"  # the question whose "yes" means: tell me what came of it
YES = frozenset({"yes", "y", "true", "1", "si", "sí", "ok"})
LOOP_KIND = "give:loop-closed"
PROPOSALS_DIR = "proposals"


@dataclass(frozen=True)
class Choice:
    """Which flagged responses an analysis leaves out (quality.select)."""

    exclude: tuple[str, ...] = ()
    include_flagged: bool = False


def flagged_responses(
    ctx: Context, survey_id: int, definition: Definition, rules: Rules | None = None
) -> pd.DataFrame:
    """The survey's responses (research/reading.py) with their quality flags."""
    from escucha.research.reading import read_responses

    return flag(definition, read_responses(ctx, survey_id, definition), rules or Rules())


def weigh(
    frame: pd.DataFrame, targets_path: Path, *, cap: float | None = None
) -> tuple[np.ndarray, Diagnostics]:
    """Rake the responses in `frame` to the targets (variables are question names or
    paradata columns such as `lang` and `source`); every response needs a value."""
    import pandas as pd

    from escucha.research.targets import read_targets
    from escucha.research.weighting import diagnose, rake

    targets = read_targets(targets_path)
    data = {}
    for variable in targets.margins:
        if variable not in frame.columns:
            raise UserError(f"{targets_path}: the survey has no question or column '{variable}'")
        values = [_category(v) for v in frame[variable]]
        for response, value in zip(frame.get("id", range(len(frame))), values, strict=True):
            if value == "":
                raise UserError(
                    f"response {response} has no answer to '{variable}', a weighting variable "
                    "(exclude it with a flag rule, or weight on other variables)"
                )
        data[variable] = values
    table = pd.DataFrame(data)
    raked = rake(table, targets, cap=cap, source="the survey's responses")
    return raked.weights, diagnose(table, raked.weights, targets)


def _category(value: Any) -> str:
    if not is_answered(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def analysed(frame: pd.DataFrame, choice: Choice) -> tuple[pd.DataFrame, Exclusion]:
    """The complete responses an analysis keeps under `choice`."""
    complete = frame[frame["status"] == COMPLETE] if "status" in frame else frame
    return select(complete, exclude=choice.exclude, include_flagged=choice.include_flagged)


def responses_with_weights(
    ctx: Context,
    survey_id: int,
    definition: Definition,
    *,
    targets: Path | None = None,
    choice: Choice = Choice(),
) -> pd.DataFrame:
    """Every response with its flags, paradata and, given targets, a `weight` column: the
    raked weight of the complete responses `choice` keeps, empty for the others."""
    import numpy as np

    frame = flagged_responses(ctx, survey_id, definition)
    if targets is None:
        return frame
    kept, _ = analysed(frame, choice)
    weights, _ = weigh(kept, targets)
    frame["weight"] = np.nan
    frame.loc[kept.index, "weight"] = weights
    return frame


def weigh_survey(
    ctx: Context, survey_id: int, definition: Definition, targets: Path, choice: Choice
) -> dict[str, Any]:
    """`escucha surveys weight`: the diagnostics of raking the analysed responses."""
    kept, exclusion = analysed(flagged_responses(ctx, survey_id, definition), choice)
    _, diagnostics = weigh(kept, targets)
    return diagnostics.as_dict() | {"excluded": exclusion.as_dict()}


def responses_json(frame: pd.DataFrame, definition: Definition) -> dict[str, Any]:
    """`escucha surveys responses --json`: each response's answers and flags."""
    columns = [c for c in answer_columns(definition) if c in frame.columns]
    out = []
    for record in frame.to_dict("records"):
        submitted = record.get("submitted_at")
        out.append(
            {
                "id": int(record["id"]),
                "source": record.get("source"),
                "status": record.get("status"),
                "submitted_at": None if _missing(submitted) else submitted.isoformat(),
                "answers": {c: _plain(record[c]) for c in columns if is_answered(record[c])},
                "flags": list(record.get("flags", [])),
            }
        )
    return {"responses": out}


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _plain(value: Any) -> Any:
    """A JSON-ready answer (numpy numbers as Python numbers)."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.item() if hasattr(value, "item") else value


def analyze_survey(
    ctx: Context,
    survey_id: int,
    definition: Definition,
    *,
    targets: Path | None = None,
    choice: Choice = Choice(),
    crosstabs: Iterable[tuple[str, str]] = (),
    read_open: bool = True,
    lang: str = "en",
) -> dict[str, Any]:
    """`escucha surveys analyze`: results, diagnostics and the AAPOR statement."""
    from escucha.research.analysis import analyze, crosstab

    kept, exclusion = analysed(flagged_responses(ctx, survey_id, definition), choice)
    weights, diagnostics = (None, None)
    if targets is not None:
        weights, found = weigh(kept, targets)
        diagnostics = found.as_dict()
    result = analyze(
        definition,
        kept,
        exclusion,
        weights=weights,
        diagnostics=diagnostics,
        reader=_reader(ctx, definition) if read_open else None,
        lang=lang,
    )
    result["crosstabs"] = [
        crosstab(definition, kept, row, column, weights=weights) for row, column in crosstabs
    ]
    return result


def _reader(ctx: Context, definition: Definition) -> Any:
    """The posts' reader (understand/) for the survey's languages it supports."""
    from escucha.understand.reader import SUPPORTED_LANGUAGES, load_reader

    wanted = [lang.code for lang in definition.languages if lang.code in SUPPORTED_LANGUAGES]
    wanted = wanted or [c for c in ctx.config.languages if c in SUPPORTED_LANGUAGES]
    return load_reader(wanted or None).read


def export_responses(
    ctx: Context, survey_id: int, definition: Definition, fmt: str, out: Path
) -> list[Path]:
    """Every response (flags included, none left out) as csv, sav or parquet."""
    from escucha.research.exports import write

    return write(definition, flagged_responses(ctx, survey_id, definition), fmt, out)


# --- closing the loop --------------------------------------------------------------------


def agreed_to_hear_back(frame: pd.DataFrame, question: str = HEAR_BACK) -> list[int]:
    """The contacts of complete responses that answered `question` with yes (a consent
    ticked, or a choice named yes / true / 1 / sí), each once, in response order."""
    if question not in frame.columns or "contact_id" not in frame.columns:
        return []
    found: dict[int, None] = {}
    for status, contact, answer in zip(
        frame["status"], frame["contact_id"], frame[question], strict=True
    ):
        if status != COMPLETE or _missing(contact):
            continue
        values = selected(answer) if isinstance(answer, list) else [_category(answer)]
        if answer is True or any(v.lower() in YES for v in values):
            found[int(contact)] = None
    return list(found)


def findings(
    result: dict[str, Any], skip: Iterable[str] = (), limit: int = 3
) -> list[dict[str, Any]]:
    """The top findings of an analysis: each single choice or rating question's most chosen
    answer, and NPS scores, in the form's order, at most `limit`; attention checks and the
    questions in `skip` (the hear-back question) are not findings."""
    out: list[dict[str, Any]] = []
    for item in result["questions"]:
        if item.get("attention_check") or item["name"] in skip:
            continue
        if item.get("nps", {}).get("score") is not None:
            out.append({"label": item["label"], "nps": item["nps"]["score"]})
        elif item["kind"] in (Kind.SINGLE, Kind.RATING) and item.get("frequencies"):
            top = max(item["frequencies"], key=lambda f: f["share"] or 0)
            if top["share"]:
                out.append({"label": item["label"], "answer": top["label"], "share": top["share"]})
    return out[:limit]


def loop_post(result: dict[str, Any], title: str, lang: str, skip: Iterable[str] = ()) -> str:
    """A short results post in `lang`: thanks with n, the top findings, the caveat."""
    from escucha.i18n import catalogue

    t = catalogue(lang)
    n = result["sample"]["analysed"]
    lines = [say(lang, "survey_loop_intro", n=t.number(n), title=title), ""]
    for found in findings(result, skip):
        if "nps" in found:
            score = t.decimal(found["nps"], 0)
            lines.append("- " + say(lang, "survey_loop_nps", label=found["label"], score=score))
        else:
            share = t.percent(found["share"])
            lines.append("- " + say(lang, "survey_loop_finding", label=found["label"],
                                    answer=found["answer"], share=share))  # fmt: skip
    lines += ["", say(lang, "survey_loop_caveat")]
    return "\n".join(lines)


def close_loop(
    ctx: Context,
    survey_id: int,
    definition: Definition,
    *,
    status: str,
    title: str,
    question: str = HEAR_BACK,
    by: str = "cli",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """After a survey closes: propose a results post (es and en, checked by the guard and
    stored for approval in the workspace's proposals folder) and record a
    `give:loop-closed` for every contact who agreed to hear back (once per survey)."""
    from escucha.community.ledger import record_in
    from escucha.engage.guard import check, load_lists

    if status != "closed":
        raise Conflict(f"survey {survey_id} is {status}: close it first (surveys status ID closed)")
    now = now or dt.datetime.now(dt.UTC)
    frame = flagged_responses(ctx, survey_id, definition)
    kept, exclusion = analysed(frame, Choice())
    from escucha.research.analysis import analyze

    brand = ctx.config.brand.name if ctx.config.brand else ""
    posts = {}
    for lang in ("es", "en"):
        result = analyze(definition, kept, exclusion, lang=lang, draws=0)
        text = loop_post(result, title, lang, skip=(question,))
        verdict = check(text, brand=brand, connection="brand_account", lang=lang,
                        settings=ctx.config.guard, lists=load_lists(ctx.path))  # fmt: skip
        posts[lang] = {"text": text, "verdict": verdict.verdict,
                       "reasons": list(verdict.reasons)}  # fmt: skip
    ref = f"survey:{survey_id}"
    contacts = agreed_to_hear_back(frame, question)
    with ctx.engine.begin() as conn:
        done = set(
            conn.execute(
                sa.select(interactions.c.contact_id).where(
                    interactions.c.kind == LOOP_KIND, interactions.c.ref == ref
                )
            ).scalars()
        )
        recorded = [c for c in contacts if c not in done]
        for contact in recorded:
            record_in(conn, LOOP_KIND, contact_id=contact, channel="survey", ref=ref,
                      note=f"results of survey {survey_id} shared", occurred_at=now,
                      recorded_by=by)  # fmt: skip
    proposal = {
        "survey_id": survey_id,
        "status": "proposed",
        "created_at": now.isoformat(),
        "created_by": by,
        "posts": posts,
    }
    path = ctx.path / PROPOSALS_DIR / f"survey-{survey_id}-loop-closed.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(proposal, ensure_ascii=False, indent=2), encoding="utf-8")
    return proposal | {
        "proposal": str(path),
        "recorded": recorded,
        "already_recorded": len(contacts) - len(recorded),
    }
