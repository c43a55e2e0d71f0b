"""A tester's participation quality: effort, never opinion.

The score is the mean of four parts, each from 0 to 1:
- completion: the share of the test's phases they completed (no phases: 1 when completed);
- timeliness: 1 less the share of the reminder cap they needed;
- depth: their reports' length (up to 60 words) and specificity (distinct terms, up to 20;
  steps to reproduce count), averaged over reports, 0 without reports;
- confirmed: the share of their reports another tester confirmed.

Nothing here reads a sentiment, a rating or whether they liked the product: two testers
with the same effort and opposite opinions get the same score (tests/panels check it).
"""

from __future__ import annotations

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.panels.testers import MAX_REMINDERS
from escucha.store.schema.panels import panel_feedback, panel_phases, panel_testers

LENGTH_WORDS = 60
SPECIFIC_TERMS = 20


def depth(text: str, steps: str | None) -> float:
    """How much a report says: length and distinct terms (steps included)."""
    from escucha.insights.terms import post_terms_of

    whole = f"{text}\n{steps or ''}"
    words = len(whole.split())
    terms = [t for t in post_terms_of(whole, frozenset()) if " " not in t]
    length = min(1.0, words / LENGTH_WORDS)
    specific = min(1.0, len(terms) / SPECIFIC_TERMS)
    return (length + specific) / 2


def scores(ctx: Context, panel_id: int) -> dict[int, dict]:
    """Tester id -> {"score", "completion", "timeliness", "depth", "confirmed"}."""
    with ctx.engine.connect() as conn:
        phases = (
            conn.scalar(sa.select(sa.func.count()).where(panel_phases.c.panel_id == panel_id)) or 0
        )
        testers = conn.execute(
            sa.select(panel_testers).where(
                panel_testers.c.panel_id == panel_id,
                panel_testers.c.status.not_in(("selected", "invited", "declined")),
            )
        ).all()
        reports = conn.execute(
            sa.select(
                panel_feedback.c.id,
                panel_feedback.c.tester_id,
                panel_feedback.c.text,
                panel_feedback.c.steps,
                panel_feedback.c.confirms,
            ).where(panel_feedback.c.panel_id == panel_id)
        ).all()
    author = {r.id: r.tester_id for r in reports}
    confirmed = {
        r.confirms
        for r in reports
        if r.confirms is not None and author.get(r.confirms) not in (None, r.tester_id)
    }
    found: dict[int, dict] = {}
    for tester in testers:
        own = [r for r in reports if r.tester_id == tester.id]
        if phases:
            completion = len(set(tester.phases_done or [])) / phases
        else:
            completion = 1.0 if tester.status == "completed" else 0.0
        timeliness = 1 - min(1.0, tester.reminders / MAX_REMINDERS)
        deep = sum(depth(r.text, r.steps) for r in own) / len(own) if own else 0.0
        share = sum(1 for r in own if r.id in confirmed) / len(own) if own else 0.0
        parts = {
            "completion": completion,
            "timeliness": timeliness,
            "depth": deep,
            "confirmed": share,
        }
        found[tester.id] = {k: round(v, 3) for k, v in parts.items()} | {
            "score": round(sum(parts.values()) / len(parts), 3),
            "contact_id": tester.contact_id,
        }
    return found


def best_scores(ctx: Context, exclude_panel: int | None = None) -> dict[int, float]:
    """Contact -> their best participation score in earlier tests (to choose testers)."""
    with ctx.engine.connect() as conn:
        ids = list(
            conn.scalars(
                sa.select(panel_testers.c.panel_id)
                .where(panel_testers.c.status.in_(("completed", "dropped", "active", "shipped")))
                .distinct()
            )
        )
    best: dict[int, float] = {}
    for panel_id in ids:
        if panel_id == exclude_panel:
            continue
        for item in scores(ctx, panel_id).values():
            contact = item["contact_id"]
            if contact is not None:
                best[contact] = max(best.get(contact, 0.0), item["score"])
    return best
