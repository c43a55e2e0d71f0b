"""The test's results and closing the loop.

`panel_results` gathers what the report shows: who took part (per quota cell, dropouts and
why), the reports' themes (the themes engine) with quotes, the complaints and wishes the
models read, issues by severity, participation scores, and the honest caveats. `close_panel`
drafts a thank-you to the testers and a "you asked, we tested" note to everyone who asked
for the idea, each through the honest-post guard, records `give:loop-closed` in the ledger
and moves the idea along the backlog.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from escucha.core.context import Context
from escucha.errors import Conflict, UserError
from escucha.panels.define import OUTCOMES, get_panel
from escucha.panels.feedback import SEVERITIES, feedback_rows
from escucha.panels.phases import phase_results
from escucha.panels.quality import scores
from escucha.panels.testers import STATUSES, list_testers
from escucha.store.schema.panels import panels

CAVEATS = ("caveat_self_selected", "caveat_no_margin", "caveat_small")


def _themes(reports: list[dict]) -> list[dict]:
    """The reports grouped by the themes engine, each theme with up to three quotes."""
    if not reports:
        return []
    import pandas as pd

    from escucha.insights.themes import themes_of

    frame = pd.DataFrame(
        {
            "id": [r["id"] for r in reports],
            "native_id": [str(r["id"]) for r in reports],
            "text": [r["text"] for r in reports],
            "lang": [r["lang"] or "unknown" for r in reports],
            "intents": [r["intents"] for r in reports],
            "sentiment": ["neutral" for _ in reports],  # not read: themes group by words
            "brands": [[] for _ in reports],
            "author": None,
            "url": None,
            "created_at": pd.NaT,
        }
    )
    out = []
    for theme in themes_of(frame, "any"):
        out.append(
            {
                "label": theme.label,
                "size": theme.size,
                "other": theme.other,
                "quotes": [q.text for q in theme.quotes[:3]],
            }
        )
    return out


def panel_results(ctx: Context, panel_id: int) -> dict[str, Any]:
    panel = get_panel(ctx, panel_id)
    testers = list_testers(ctx, panel_id)
    reports = feedback_rows(ctx, panel_id)
    by_status = Counter(t["status"] for t in testers)
    cells: dict[str, Counter[str]] = {}
    for quota in panel["quotas"]:
        cells[f"{quota['attribute']}={quota['value']}"] = Counter()
    cells.setdefault("-", Counter())
    for t in testers:
        cells.setdefault(t["cell"] or "-", Counter())[t["status"]] += 1
    per_cell = [
        {
            "cell": cell,
            "selected": c.total(),
            "took_part": sum(
                c[s] for s in ("accepted", "shipped", "active", "completed", "dropped")
            ),
            "completed": c["completed"],
            "dropped": c["dropped"],
        }
        for cell, c in cells.items()
        if cell != "-" or c.total()
    ]
    dropouts = Counter(t["drop_reason"] or "-" for t in testers if t["status"] == "dropped")
    severity = Counter(r["severity"] for r in reports if r["severity"])
    issues = [
        {
            "severity": level,
            "count": severity[level],
            "reports": [
                {"id": r["id"], "kind": r["kind"], "text": r["text"], "steps": r["steps"]}
                for r in reports
                if r["severity"] == level
            ],
        }
        for level in reversed(SEVERITIES)
        if severity[level]
    ]
    took_part = sum(by_status[s] for s in ("accepted", "shipped", "active", "completed", "dropped"))
    quality = scores(ctx, panel_id)
    return {
        "panel": {
            k: panel[k]
            for k in (
                "id",
                "name",
                "product",
                "idea_id",
                "size",
                "status",
                "seed",
                "receives",
                "outcome",
            )
        },
        "statuses": {s: by_status[s] for s in STATUSES},
        "took_part": took_part,
        "cells": per_cell,
        "dropouts": [{"reason": r, "count": n} for r, n in dropouts.most_common()],
        "reports": {
            "total": len(reports),
            "by_kind": dict(Counter(r["kind"] for r in reports)),
            "complaints": sum(1 for r in reports if "complaint" in r["intents"]),
            "wishes": sum(1 for r in reports if "wish" in r["intents"]),
        },
        "phases": phase_results(ctx, panel_id),
        "themes": _themes(reports),
        "issues": issues,
        "quality": sorted(quality.values(), key=lambda q: -q["score"]),
        "caveats": list(CAVEATS),
    }


THANKS = {
    "es": "¡Gracias por probar {product}! Con lo que nos contasteis ({reports} informes) "
    "hemos aprendido mucho; en breve compartimos los resultados.",
    "en": "Thank you for testing {product}! What you told us ({reports} reports) taught us a "
    "lot; we will share the results soon.",
}
ASKED = {
    "es": "Nos pedisteis {idea} y lo hemos probado con {testers} personas de la comunidad. "
    "Resultado: {outcome}. Gracias por pedirlo.",
    "en": "You asked for {idea}, and we tested it with {testers} people from the community. "
    "Outcome: {outcome}. Thank you for asking.",
}
OUTCOME_WORDS = {
    "es": {"shipped": "sale adelante", "declined": "no sale por ahora"},
    "en": {"shipped": "it ships", "declined": "it does not ship for now"},
}


def close_panel(
    ctx: Context,
    panel_id: int,
    outcome: str,
    *,
    lang: str = "es",
    source: str | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """Close the test: guarded texts (drafts on `source` when given), `give:loop-closed` per
    tester and per asker, the idea to completed (shipped) or declined."""
    from escucha.community.ledger import record_in
    from escucha.panels.recruit import idea_askers
    from escucha.research.invitations import check_invitation

    if outcome not in OUTCOMES:
        raise UserError(f"--outcome must be one of {', '.join(OUTCOMES)}")
    if lang not in THANKS:
        raise UserError("--lang must be es or en")
    now = now or datetime.now(UTC)
    panel = get_panel(ctx, panel_id)
    if panel["status"] == "closed":
        raise Conflict(f"product test {panel_id} is closed already")
    result = panel_results(ctx, panel_id)
    product = panel["product"] or panel["name"]
    thanks = THANKS[lang].format(product=product, reports=result["reports"]["total"])
    texts = {"thanks": thanks}
    idea_title = None
    if panel["idea_id"] is not None:
        from escucha.ideas.common import idea_row

        with ctx.engine.connect() as conn:
            idea_title = idea_row(conn, panel["idea_id"])["title"]
        texts["asked"] = ASKED[lang].format(
            idea=idea_title, testers=result["took_part"], outcome=OUTCOME_WORDS[lang][outcome]
        )
    guard = {}
    for key, text in texts.items():
        verdict = check_invitation(ctx, text, lang)
        if verdict.refused:
            raise UserError(f"the guard refuses the {key} note: " + "; ".join(verdict.reasons))
        guard[key] = verdict.verdict
    drafts = {}
    if source:
        from escucha.engage.drafts import create_post_draft

        for key, text in texts.items():
            drafts[key] = create_post_draft(ctx, source, "announcement", text, by=by, now=now)
    testers = [
        t["contact_id"]
        for t in list_testers(ctx, panel_id)
        if t["contact_id"] is not None and t["status"] not in ("selected", "declined")
    ]
    askers = sorted(idea_askers(ctx, panel["idea_id"]) - set(testers))
    with ctx.engine.begin() as conn:
        if not conn.execute(
            panels.update()
            .where(panels.c.id == panel_id, panels.c.status != "closed")
            .values(status="closed", outcome=outcome, closed_at=now)
        ).rowcount:
            raise Conflict(f"product test {panel_id} is closed already")
        for contact_id in [*testers, *askers]:
            record_in(
                conn,
                "give:loop-closed",
                contact_id=contact_id,
                channel="panel",
                note=f"product test {panel_id} closed: {outcome}",
                ref=f"panel:{panel_id}",
                occurred_at=now,
                recorded_by=by,
            )
    if panel["idea_id"] is not None:
        from escucha.ideas.curation import set_status

        set_status(ctx, panel["idea_id"], "completed" if outcome == "shipped" else "declined")
    return {
        "panel_id": panel_id,
        "outcome": outcome,
        "texts": texts,
        "guard": guard,
        "drafts": {k: d["draft_id"] for k, d in drafts.items()},
        "loop_closed": {"testers": testers, "askers": askers},
    }
