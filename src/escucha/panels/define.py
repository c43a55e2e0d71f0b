"""Defining a product test: its name, segment, size, quotas, criteria and seed.

A quota is `attribute=VALUE:N`: N of the selected testers have that contact attribute value.
Without a seed one is chosen at random and recorded, so every draw can be reproduced.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import NotFound, UserError
from escucha.store.schema.panels import panel_phases, panels

STATUSES = ("draft", "recruited", "running", "closed")
RECEIVES = ("gift", "loan", "nothing")
OUTCOMES = ("shipped", "declined")
TERMS_VERSION = "panel-terms-1"
MAX_SIZE = 10_000
MAX_SEED = 2**31 - 1
QUOTA_RE = re.compile(r"^\s*([^=\s][^=]*?)\s*=\s*(.+?)\s*:\s*(\d+)\s*$")


@dataclass(frozen=True)
class Quota:
    attribute: str
    value: str
    count: int

    @property
    def cell(self) -> str:
        return f"{self.attribute}={self.value}"


def parse_quota(text: str) -> Quota:
    """`attribute=VALUE:N`, or one line naming what is wrong."""
    found = QUOTA_RE.match(text or "")
    if not found:
        raise UserError(f"--quota {text!r}: write attribute=VALUE:N (e.g. --quota age=18-34:5)")
    attribute, value, count = found.group(1), found.group(2), int(found.group(3))
    if len(attribute) > 255 or len(value) > 255:
        raise UserError(f"--quota {text!r}: attribute and value are at most 255 characters")
    if count < 1:
        raise UserError(f"--quota {text!r}: N must be at least 1")
    return Quota(attribute.lower(), value, count)


def create_panel(
    ctx: Context,
    name: str,
    segment: str,
    size: int,
    *,
    quotas: list[str] | None = None,
    seed: int | None = None,
    product: str | None = None,
    idea_id: int | None = None,
    goals: str | None = None,
    phases: list[str] | None = None,
    lang: str | None = None,
    country: str | None = None,
    internal: bool = False,
    rest_months: int = 6,
    receives: str = "gift",
    disclosure: str | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """Store a product test in draft; return it (with the seed recorded)."""
    name = (name or "").strip()
    if not name or len(name) > 255:
        raise UserError("--name: a product test needs a name of 1 to 255 characters")
    segment = (segment or "").strip()
    if not segment or len(segment) > 2000:
        raise UserError("--segment: give a saved segment's name or a query (1 to 2000 characters)")
    from escucha.panels.segment import check_segment

    check_segment(ctx, segment)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
        raise UserError(f"--size must be a whole number from 1 to {MAX_SIZE}")
    parsed = [parse_quota(q) for q in quotas or []]
    cells = [q.cell for q in parsed]
    if len(set(cells)) != len(cells):
        raise UserError("--quota: the same cell is given twice")
    if sum(q.count for q in parsed) > size:
        raise UserError(
            f"--quota: the quotas add up to {sum(q.count for q in parsed)}, more than --size {size}"
        )
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    elif not 0 <= seed <= MAX_SEED:
        raise UserError(f"--seed must be from 0 to {MAX_SEED}")
    if receives not in RECEIVES:
        raise UserError(f"--receives must be one of {', '.join(RECEIVES)}")
    if not 0 <= rest_months <= 120:
        raise UserError("--rest-months must be from 0 to 120")
    if idea_id is not None:
        from escucha.ideas.common import idea_row

        with ctx.engine.connect() as conn:
            idea_row(conn, idea_id)  # NotFound names the id
    now = now or datetime.now(UTC)
    row: dict[str, Any] = {
        "name": name,
        "product": (product or "").strip() or None,
        "idea_id": idea_id,
        "goals": goals,
        "segment": segment,
        "size": size,
        "quotas": [{"attribute": q.attribute, "value": q.value, "count": q.count} for q in parsed],
        "criteria": {
            "lang": (lang or "").strip().lower() or None,
            "country": (country or "").strip().upper() or None,
            "internal": bool(internal),
            "rest_months": rest_months,
        },
        "seed": seed,
        "status": "draft",
        "receives": receives,
        "disclosure": (disclosure or "").strip() or None,
        "terms_version": TERMS_VERSION,
        "created_at": now,
        "created_by": by,
    }
    with ctx.engine.begin() as conn:
        row["id"] = conn.execute(sa.insert(panels).returning(panels.c.id), row).scalar_one()
        for position, phase in enumerate(phases or [], start=1):
            phase = phase.strip()
            if not phase or len(phase) > 255:
                raise UserError(f"--phase {position}: a phase needs a name of 1 to 255 characters")
            conn.execute(
                sa.insert(panel_phases).values(panel_id=row["id"], position=position, name=phase)
            )
    return get_panel(ctx, row["id"])


def parse_panel_id(text: str | int) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise UserError(
            f"product test id {text!r}: give a whole number (escucha panels list)"
        ) from None
    if value < 1:
        raise UserError(f"product test id {text!r}: ids start at 1")
    return value


def get_panel(ctx: Context, panel_id: int, conn: sa.Connection | None = None) -> dict:
    """The product test with its phases, or NotFound naming the id."""

    def read(c: sa.Connection) -> dict:
        row = c.execute(sa.select(panels).where(panels.c.id == panel_id)).first()
        if row is None:
            raise NotFound(f"no product test {panel_id} (escucha panels list)")
        found = dict(row._mapping)
        found["phases"] = [
            dict(p._mapping)
            for p in c.execute(
                sa.select(panel_phases)
                .where(panel_phases.c.panel_id == panel_id)
                .order_by(panel_phases.c.position)
            )
        ]
        return found

    if conn is not None:
        return read(conn)
    with ctx.engine.connect() as c:
        return read(c)


def list_panels(ctx: Context) -> list[dict]:
    with ctx.engine.connect() as conn:
        return [
            dict(r._mapping) for r in conn.execute(sa.select(panels).order_by(panels.c.id.desc()))
        ]


def quotas_of(panel: dict) -> list[Quota]:
    return [Quota(q["attribute"], q["value"], int(q["count"])) for q in panel["quotas"]]
