"""Recruitment that can be audited: the eligible pool, ranked by fit with reasons, and a
seeded random draw within the quota cells.

Eligibility: the segment (panels/segment.py: a saved segment, `all`, contact filters, or a
query over the contacts' posts),
then the test's criteria: ask-ready (opt-outs, consent, cooldown, the cap on asks: the
community's rules), language, country, no employee or affiliate unless the test is internal,
not taking part in another test now, not tested in the last N months. Being drawn is not
taking part: only an invited tester of a test that is not closed is "in a test now".

The ranking (fit: asked for the idea, talks about us, earlier participation quality) is shown
so people can see who the pool is; it never weights the draw. The draw: each quota cell first,
`random.Random(seed).sample` over its eligible members sorted by id, then the remaining places
from the eligible contacts outside every quota cell. Same seed and same data give the same
draw. Fewer eligible contacts than places: all are selected and the draw says so.

A draw happens once per test: the panel's status moves draft -> recruited by a compare-and-set
in the same transaction that stores the draw (unique per panel) and the testers (unique per
panel and contact). Two people recruiting at the same moment get the same, single draw.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from escucha.core.context import Context
from escucha.errors import Conflict
from escucha.panels.define import Quota, get_panel, quotas_of
from escucha.panels.segment import segment_contacts
from escucha.panels.testers import record_event
from escucha.store.schema.panels import panel_draws, panel_testers, panels

IN_TEST = ("invited", "accepted", "shipped", "active")
TOOK_PART = ("accepted", "shipped", "active", "completed", "dropped")
EXCLUDED_CONNECTIONS = ("employee", "affiliate")


def participation(ctx: Context, panel_id: int, now: datetime, months: int) -> tuple[dict, dict]:
    """Contacts in another test now (contact -> panel id), and tested recently (same)."""
    since = now - timedelta(days=30 * months)
    now_in: dict[int, int] = {}
    recent: dict[int, int] = {}
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                panel_testers.c.contact_id,
                panel_testers.c.status,
                panel_testers.c.updated_at,
                panels.c.id,
                panels.c.status.label("panel_status"),
                panels.c.closed_at,
            )
            .join(panels, panels.c.id == panel_testers.c.panel_id)
            .where(panel_testers.c.panel_id != panel_id, panel_testers.c.contact_id.is_not(None))
        ).all()
    for row in rows:
        if row.status in IN_TEST and row.panel_status != "closed":
            now_in[row.contact_id] = row.id
        ended = row.closed_at or row.updated_at
        if months and row.status in TOOK_PART and ended is not None and ended >= since:
            recent[row.contact_id] = row.id
    return now_in, recent


def idea_askers(ctx: Context, idea_id: int | None) -> set[int]:
    """Contacts with a post in the idea (they asked for it)."""
    if idea_id is None:
        return set()
    from escucha.store.schema import contact_identities, idea_posts, posts

    with ctx.engine.connect() as conn:
        return set(
            conn.scalars(
                sa.select(contact_identities.c.contact_id)
                .join(posts, posts.c.author_id == contact_identities.c.author_id)
                .join(idea_posts, idea_posts.c.post_id == posts.c.id)
                .where(idea_posts.c.idea_id == idea_id)
            )
        )


def _attr(contact: dict, name: str) -> str | None:
    for key, value in contact["attributes"].items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _in_cell(contact: dict, quota: Quota) -> bool:
    value = _attr(contact, quota.attribute)
    return value is not None and value.strip().casefold() == quota.value.strip().casefold()


def ineligible(contact: dict, criteria: dict, now_in: dict, recent: dict) -> list[str]:
    """Why a segment member may not be drawn (empty: eligible)."""
    reasons: list[str] = []
    if contact["opted_out"]:
        reasons.append("opted out of being contacted")
    elif not contact["ready"]:
        reasons.append("not ask-ready: " + "; ".join(contact["reasons"] or ["not ask-ready"]))
    lang = criteria.get("lang")
    if lang and (contact["lang"] or "").lower() != lang:
        reasons.append(f"language {contact['lang'] or 'unknown'}, the test asks for {lang}")
    country = criteria.get("country")
    if country and (contact["country"] or "").upper() != country:
        reasons.append(f"country {contact['country'] or 'unknown'}, the test asks for {country}")
    connection = (_attr(contact, "connection") or "").strip().lower()
    if connection in EXCLUDED_CONNECTIONS and not criteria.get("internal"):
        reasons.append(f"{connection} of the brand (the test is not internal)")
    if contact["id"] in now_in:
        reasons.append(f"taking part in product test {now_in[contact['id']]} now")
    elif contact["id"] in recent:
        months = criteria.get("rest_months", 0)
        reasons.append(
            f"tested in product test {recent[contact['id']]} in the last {months} months"
        )
    return reasons


def fit(contact: dict, askers: set[int], scores: dict[int, float]) -> tuple[float, list[str]]:
    """The fit score shown in the pool, with its reasons (it never weights the draw)."""
    score, reasons = 0.0, []
    if contact["id"] in askers:
        score += 3
        reasons.append("asked for the idea")
    about = int(contact.get("posts_about_us") or 0)
    if about:
        score += min(2.0, about / 2)
        reasons.append(f"{about} posts about us")
    replies = int(contact.get("replies_to_us") or 0)
    if replies:
        score += min(1.0, replies / 2)
        reasons.append(f"{replies} replies to us")
    if contact["id"] in scores:
        score += scores[contact["id"]]
        reasons.append(f"earlier test participation quality {scores[contact['id']]:.2f}")
    if not reasons:
        reasons.append("in the segment")
    return round(score, 3), reasons


def draw(
    eligible: list[dict], size: int, quotas: list[Quota], seed: int
) -> tuple[dict[int, str | None], list[dict], dict[int, str]]:
    """(selected contact -> quota cell or None, per-quota fill, not drawn contact -> reason)."""
    rng = random.Random(seed)
    pool = sorted(eligible, key=lambda c: c["id"])
    selected: dict[int, str | None] = {}
    fills: list[dict] = []
    not_drawn: dict[int, str] = {}
    in_cells: set[int] = set()
    for quota in quotas:
        cell = [c["id"] for c in pool if _in_cell(c, quota) and c["id"] not in selected]
        in_cells.update(c["id"] for c in pool if _in_cell(c, quota))
        picks = rng.sample(cell, min(quota.count, len(cell), size - len(selected)))
        for contact_id in picks:
            selected[contact_id] = quota.cell
        for contact_id in cell:
            if contact_id not in selected:
                not_drawn[contact_id] = f"quota cell {quota.cell} full ({quota.count} places)"
        fills.append(
            {
                "cell": quota.cell,
                "wanted": quota.count,
                "got": len(picks),
                "eligible": len(cell),
                "filled": len(picks) >= quota.count,
            }
        )
    rest = [c["id"] for c in pool if c["id"] not in in_cells and c["id"] not in selected]
    places = max(0, size - len(selected))
    for contact_id in rng.sample(rest, min(places, len(rest))):
        selected[contact_id] = None
    for contact_id in rest:
        if contact_id not in selected:
            not_drawn[contact_id] = f"not drawn ({len(rest)} eligible for {places} places)"
    return selected, fills, not_drawn


def recruit(ctx: Context, panel_id: int, *, by: str = "cli", now: datetime | None = None) -> dict:
    """Draw the test's testers once (a second call shows the recorded draw)."""
    panel = get_panel(ctx, panel_id)
    if panel["status"] != "draft":
        return recorded_draw(ctx, panel_id)
    now = now or datetime.now(UTC)
    computed = compute_draw(ctx, panel, now)
    try:
        with ctx.engine.begin() as conn:
            claimed = conn.execute(
                panels.update()
                .where(panels.c.id == panel_id, panels.c.status == "draft")
                .values(status="recruited")
            ).rowcount
            if not claimed:
                raise _AlreadyDrawn
            conn.execute(
                panel_draws.insert().values(
                    panel_id=panel_id,
                    seed=panel["seed"],
                    pool=computed["pool"],
                    selected=computed["selected"],
                    left_out=computed["left_out"],
                    quotas=computed["quotas"],
                    notes=computed["notes"],
                    drawn_at=now,
                    drawn_by=by,
                )
            )
            cells = computed["cells"]
            for contact_id in computed["selected"]:
                tester_id = conn.execute(
                    panel_testers.insert()
                    .returning(panel_testers.c.id)
                    .values(
                        panel_id=panel_id,
                        contact_id=contact_id,
                        status="selected",
                        cell=cells.get(contact_id),
                        phases_done=[],
                        reminders=0,
                        updated_at=now,
                    )
                ).scalar_one()
                record_event(
                    conn, tester_id, "selected", f"drawn with seed {panel['seed']}", now, by
                )
    except (_AlreadyDrawn, IntegrityError):
        return recorded_draw(ctx, panel_id)
    return recorded_draw(ctx, panel_id)


class _AlreadyDrawn(Exception):
    """Someone else's recruit claimed the draft first."""


def compute_draw(ctx: Context, panel: dict, now: datetime) -> dict[str, Any]:
    """The pool, the draw and who was left out and why (nothing is written)."""
    from escucha.panels.quality import best_scores

    criteria = panel["criteria"]
    members = segment_contacts(ctx, panel["segment"])
    now_in, recent = participation(ctx, panel["id"], now, int(criteria.get("rest_months", 0)))
    askers = idea_askers(ctx, panel["idea_id"])
    scores = best_scores(ctx, exclude_panel=panel["id"])
    left_out: dict[int, str] = {}
    eligible: list[dict] = []
    for contact in members:
        reasons = ineligible(contact, criteria, now_in, recent)
        if reasons:
            left_out[contact["id"]] = "; ".join(reasons)
        else:
            eligible.append(contact)
    pool = []
    for contact in eligible:
        score, why = fit(contact, askers, scores)
        # ids only: the log keeps no name, so erasing a person leaves nothing of them here
        pool.append({"contact": contact["id"], "fit": score, "reasons": why})
    pool.sort(key=lambda p: (-p["fit"], p["contact"]))
    quotas = quotas_of(panel)
    selected, fills, not_drawn = draw(eligible, panel["size"], quotas, panel["seed"])
    left_out.update(not_drawn)
    notes = []
    if len(eligible) < panel["size"]:
        notes.append(
            f"only {len(eligible)} eligible contacts for {panel['size']} places: "
            f"all {len(eligible)} selected"
        )
    for fill in fills:
        if not fill["filled"]:
            notes.append(
                f"quota {fill['cell']} cannot be filled: {fill['got']} of "
                f"{fill['wanted']} ({fill['eligible']} eligible)"
            )
    return {
        "pool": pool,
        "selected": sorted(selected),
        "cells": selected,
        "left_out": [{"contact": c, "reason": r} for c, r in sorted(left_out.items())],
        "quotas": fills,
        "notes": notes,
        "segment_size": len(members),
        "eligible": len(eligible),
    }


def recorded_draw(ctx: Context, panel_id: int) -> dict:
    """The draw as stored (the recruitment log)."""
    panel = get_panel(ctx, panel_id)
    with ctx.engine.connect() as conn:
        row = conn.execute(sa.select(panel_draws).where(panel_draws.c.panel_id == panel_id)).first()
    if row is None:
        raise Conflict(
            f"product test {panel_id} has not been recruited yet "
            f"(escucha panels recruit {panel_id})"
        )
    return {
        "panel_id": panel_id,
        "seed": row.seed,
        "size": panel["size"],
        "selected": list(row.selected),
        "left_out": list(row.left_out),
        "pool": list(row.pool),
        "quotas": list(row.quotas),
        "notes": list(row.notes),
        "drawn_at": row.drawn_at.isoformat(),
        "drawn_by": row.drawn_by,
    }
