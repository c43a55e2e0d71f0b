"""Closing the loop: after a survey closes, a short honest results post for the community,
and a `give:loop-closed` in the ledger for every respondent who agreed to hear back.

The post is an engage draft (an `announcement` on a source that can publish): the honest-post
guard checks it when it is written and a person approves it under the `[engage] approval`
rule, like every outgoing text (engage/drafts.py). One draft a survey
(`survey_loop_drafts`): running the command again finds it instead of writing another.

The gives are recorded when the results were really shared: once the draft is published
(`escucha drafts publish`), the next `surveys close-loop ID` records one `give:loop-closed`
for each contact who agreed, never twice. A draft still pending, or approved and not yet
published, records nothing: a promise to share is not a give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, UserError
from escucha.research.columns import COMPLETE, selected
from escucha.research.definition import Definition, Kind
from escucha.research.results import Choice, analysed, category_of, flagged_responses, missing
from escucha.research.strings import say
from escucha.store.schema.community import interactions
from escucha.store.schema.research import survey_loop_drafts

if TYPE_CHECKING:
    import pandas as pd

HEAR_BACK = "hear_back"  # the question whose "yes" means: tell me what came of it
YES = frozenset({"yes", "y", "true", "1", "si", "sí", "ok"})
LOOP_KIND = "give:loop-closed"
POST_LANGUAGES = ("es", "en")
DRAFT_FIELDS = ("draft_id", "kind", "source", "status", "verdict", "flags", "reasons", "lang",
                "text")  # fmt: skip
DRAFT_FIELDS = ("draft_id", "kind", "source", "status", "verdict", "flags", "reasons", "lang",
                "text")  # fmt: skip


def agreed_to_hear_back(frame: pd.DataFrame, question: str = HEAR_BACK) -> list[int]:
    """The contacts of complete responses that answered `question` with yes (a consent
    ticked, or a choice named yes / true / 1 / sí), each once, in response order."""
    if question not in frame.columns or "contact_id" not in frame.columns:
        return []
    found: dict[int, None] = {}
    for status, contact, answer in zip(
        frame["status"], frame["contact_id"], frame[question], strict=True
    ):
        if status != COMPLETE or missing(contact):
            continue
        values = selected(answer) if isinstance(answer, list) else [category_of(answer)]
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


def post_language(ctx: Context, lang: str | None) -> str:
    """--lang when given, else the workspace's first language the post is written in."""
    if lang is not None:
        if lang not in POST_LANGUAGES:
            raise UserError(f"--lang {lang!r}: the results post is written in es or en")
        return lang
    return next((c for c in ctx.config.languages if c in POST_LANGUAGES), "en")


def loop_draft_id(ctx: Context, survey_id: int) -> int | None:
    with ctx.engine.connect() as conn:
        return conn.scalar(
            sa.select(survey_loop_drafts.c.draft_id).where(
                survey_loop_drafts.c.survey_id == survey_id
            )
        )


def close_loop(
    ctx: Context,
    survey_id: int,
    definition: Definition,
    *,
    status: str,
    title: str,
    source: str | None = None,
    lang: str | None = None,
    post_title: str | None = None,
    community: str | None = None,
    question: str = HEAR_BACK,
    by: str = "cli",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Write the results post of a closed survey as an announcement draft on `source` (the
    first time), or find it; record the gives once it is published (see the module doc)."""
    from escucha.engage.drafts import create_post_draft, get_draft

    if status != "closed":
        raise Conflict(f"survey {survey_id} is {status}: close it first (surveys status ID closed)")
    now = now or dt.datetime.now(dt.UTC)
    frame = flagged_responses(ctx, survey_id, definition)
    existing = loop_draft_id(ctx, survey_id)
    if existing is None:
        if not source:
            raise UserError(
                "--source: name the source the results post is published on "
                "(a source in escucha.toml that can publish, e.g. your Mastodon account)"
            )
        from escucha.research.analysis import analyze

        kept, exclusion = analysed(frame, Choice())
        written = post_language(ctx, lang)
        result = analyze(definition, kept, exclusion, lang=written, draws=0)
        text = loop_post(result, title, written, skip=(question,))
        draft = create_post_draft(ctx, source, "announcement", text, title=post_title,
                                  community=community, by=by, now=now)  # fmt: skip
        with ctx.engine.begin() as conn:
            conn.execute(
                survey_loop_drafts.insert().values(
                    survey_id=survey_id, draft_id=draft["draft_id"], created_at=now
                )
            )
        created = True
    else:
        draft, created = get_draft(ctx, existing), False
    contacts = agreed_to_hear_back(frame, question)
    recorded = _record_gives(ctx, survey_id, contacts, by, now) if _shared(draft) else []
    done = _given(ctx, survey_id)
    return {
        "survey_id": survey_id,
        "draft": {k: draft[k] for k in DRAFT_FIELDS},
        "created": created,
        "hear_back": len(contacts),
        "recorded": recorded,
        "already_recorded": len(done) - len(recorded),
        "waiting": None if _shared(draft) else _waiting(draft),
    }


def _shared(draft: dict[str, Any]) -> bool:
    return draft["status"] == "published"


def _waiting(draft: dict[str, Any]) -> str:
    """What must happen before the gives are recorded."""
    number = draft["draft_id"]
    if draft["status"] == "pending":
        return f"draft {number} awaits approval (escucha drafts approve {number})"
    return f"draft {number} is approved; publish it (escucha drafts publish {number})"


def _given(ctx: Context, survey_id: int) -> set[int]:
    with ctx.engine.connect() as conn:
        return set(
            conn.scalars(
                sa.select(interactions.c.contact_id).where(
                    interactions.c.kind == LOOP_KIND, interactions.c.ref == f"survey:{survey_id}"
                )
            )
        )


def _record_gives(
    ctx: Context, survey_id: int, contacts: list[int], by: str, now: dt.datetime
) -> list[int]:
    """One `give:loop-closed` for each contact not yet given one for this survey."""
    from escucha.community.ledger import record_in

    ref = f"survey:{survey_id}"
    with ctx.engine.begin() as conn:
        done = set(
            conn.scalars(
                sa.select(interactions.c.contact_id).where(
                    interactions.c.kind == LOOP_KIND, interactions.c.ref == ref
                )
            )
        )
        recorded = [c for c in contacts if c not in done]
        for contact in recorded:
            record_in(conn, LOOP_KIND, contact_id=contact, channel="survey", ref=ref,
                      note=f"results of survey {survey_id} shared", occurred_at=now,
                      recorded_by=by)  # fmt: skip
    return recorded
