"""The give/ask ledger: what we gave a contact or the community, and what we asked of them.

Other features record through `record_interaction` (a published reply is a `give:answer`, a
survey invitation an `ask:survey`); people record through `escucha ledger add`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from escucha.core.context import Context
from escucha.errors import NotFound, UserError
from escucha.i18n import Message
from escucha.store.schema import contacts, interactions

GIVES = ("give:help", "give:answer", "give:thanks", "give:share", "give:loop-closed", "give:gift")
ASKS = ("ask:survey", "ask:test", "ask:opinion", "ask:favour")
KINDS = GIVES + ASKS


def record_interaction(
    ctx: Context,
    kind: str,
    *,
    contact_id: int | None = None,
    channel: str = "manual",
    note: str | None = None,
    ref: str | None = None,
    occurred_at: datetime | None = None,
    recorded_by: str = "cli",
) -> dict:
    """Record one give or ask (`contact_id` None: the community at large); return it."""
    with ctx.engine.begin() as conn:
        return record_in(
            conn,
            kind,
            contact_id=contact_id,
            channel=channel,
            note=note,
            ref=ref,
            occurred_at=occurred_at,
            recorded_by=recorded_by,
        )


def record_in(
    conn: Connection,
    kind: str,
    *,
    contact_id: int | None,
    channel: str,
    note: str | None,
    ref: str | None,
    occurred_at: datetime | None,
    recorded_by: str,
) -> dict:
    """`record_interaction` inside the caller's transaction."""
    if kind not in KINDS:
        raise UserError(
            Message("ledger_unknown_kind", {"kind": repr(kind), "kinds": ", ".join(KINDS)})
        )
    channel = channel.strip()
    if not channel or len(channel) > 64:
        raise UserError(Message("ledger_channel_length"))
    if ref is not None and len(ref) > 2000:
        raise UserError(Message("ledger_ref"))
    if (
        contact_id is not None
        and conn.scalar(select(contacts.c.id).where(contacts.c.id == contact_id)) is None
    ):
        raise NotFound(Message("contact_missing", {"id": contact_id}))
    now = datetime.now(UTC)
    row = {
        "contact_id": contact_id,
        "direction": kind.split(":", 1)[0],
        "kind": kind,
        "occurred_at": occurred_at or now,
        "channel": channel,
        "note": note,
        "ref": ref,
        "recorded_by": recorded_by,
        "recorded_at": now,
    }
    row["id"] = conn.execute(insert(interactions).returning(interactions.c.id), row).scalar_one()
    return row


def list_interactions(
    ctx: Context, contact_id: int | None = None, kind: str | None = None, limit: int = 0
) -> list[dict]:
    """Interactions, newest first; of one contact, or of one kind ("give", "ask" or a kind)."""
    query = select(interactions).order_by(
        interactions.c.occurred_at.desc(), interactions.c.id.desc()
    )
    if contact_id is not None:
        query = query.where(interactions.c.contact_id == contact_id)
    if kind in ("give", "ask"):
        query = query.where(interactions.c.direction == kind)
    elif kind is not None:
        if kind not in KINDS:
            raise UserError(f"unknown kind {kind!r}; kinds are give, ask, {', '.join(KINDS)}")
        query = query.where(interactions.c.kind == kind)
    if limit:
        query = query.limit(limit)
    with ctx.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def give_ask_by_month(ctx: Context, months: int = 12, now: datetime | None = None) -> list[dict]:
    """The brand's health as an honest member: gives and asks per month, oldest first, with
    `warning` set when asks outran gives that month."""
    now = now or datetime.now(UTC)
    year, month = now.year, now.month
    keys = []
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    start = datetime(int(keys[0][:4]), int(keys[0][5:]), 1, tzinfo=UTC)
    counts = {key: {"give": 0, "ask": 0} for key in keys}
    with ctx.engine.connect() as conn:
        for direction, at in conn.execute(
            select(interactions.c.direction, interactions.c.occurred_at).where(
                interactions.c.occurred_at >= start
            )
        ):
            key = f"{at.year:04d}-{at.month:02d}"
            if key in counts:
                counts[key][direction] += 1
    return [
        {
            "month": key,
            "gives": c["give"],
            "asks": c["ask"],
            "ratio": round(c["give"] / c["ask"], 2) if c["ask"] else None,
            "warning": c["ask"] > c["give"],
        }
        for key, c in counts.items()
    ]
