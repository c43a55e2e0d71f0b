"""Contacts as the faces show them: identities, emails, attributes, engagement, the ledger's
counts and ask-readiness with every reason listed.

Readiness (may we ask this contact for a favour now?) is never a black box: `ready` is true
exactly when `reasons` is empty, and each reason says which rule of `[community]` holds it
back. Reasons come with stable codes (`reason_codes`) the web app translates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, Row, ScalarSelect, Select, case, func, select

from escucha.community.handles import REACHABLE
from escucha.config import CommunitySettings
from escucha.core.context import Context
from escucha.core.timeutil import as_utc
from escucha.errors import NotFound, UserError
from escucha.query.fields import ascii_lower
from escucha.query.sql import AsciiLower
from escucha.store.schema import (
    authors,
    brand_mentions,
    consent_records,
    contact_attributes,
    contact_emails,
    contact_identities,
    contacts,
    interactions,
    posts,
)

if TYPE_CHECKING:
    import pandas as pd

WINDOW_DAYS = 90
CONSENT_PURPOSE = "contact"
_CHUNK = 500


def first_email(contact_id: ColumnElement[int]) -> ScalarSelect[str]:
    """The first email address added for the contact `contact_id` names (a column of the
    outer query), as a scalar subquery: the one the invitations are sent to."""
    return (
        select(contact_emails.c.email)
        .where(contact_emails.c.contact_id == contact_id)
        .order_by(contact_emails.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "-"


def readiness(record: dict, settings: CommunitySettings, now: datetime) -> list[tuple[str, str]]:
    """(code, sentence) for every rule that keeps us from asking this contact now."""
    reasons = []
    if record["opted_out"]:
        reasons.append(("opted_out", "opted out of being contacted"))
    consent = record["consent"]
    if settings.require_consent and not (consent and consent["granted"]):
        reasons.append(
            ("no_consent", "no consent to be contacted on record (required by [community])")
        )
    last_ask = record["last_ask"]
    if last_ask and now - last_ask < timedelta(days=settings.cooldown_days):
        reasons.append(
            (
                "cooldown",
                f"asked on {_day(last_ask)}, within the {settings.cooldown_days}-day cooldown",
            )
        )
    if record["asks_90d"] >= settings.max_asks_90d:
        reasons.append(
            (
                "ask_cap",
                f"{record['asks_90d']} asks in the last {WINDOW_DAYS} days "
                f"(cap {settings.max_asks_90d})",
            )
        )
    last_give = record["last_give"]
    if settings.require_give_since_ask and last_ask and not (last_give and last_give > last_ask):
        reasons.append(
            ("no_give_since_ask", f"we have not given since the last ask on {_day(last_ask)}")
        )
    reachable = record["emails"] or any(i["platform"] in REACHABLE for i in record["identities"])
    if not reachable:
        reasons.append(("no_channel", "no channel to reach them (no email, no reachable account)"))
    return reasons


def _chunks(ids: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _rows(
    conn: Connection, query: Select, column: ColumnElement[int], ids: Sequence[int] | None
) -> Iterator[Row]:
    for chunk in _chunks(ids):
        yield from conn.execute(query if chunk is None else query.where(column.in_(chunk)))


def contact_records(
    conn: Connection,
    ids: Sequence[int] | None,
    settings: CommunitySettings,
    our_brand: str | None,
    now: datetime | None = None,
    our_handles: Sequence[str] = (),
) -> list[dict]:
    """The contacts with these ids (None: all), in id order, each as the faces show it.
    `our_handles`: our brand's accounts, whose posts' replies count as replies to us."""
    now = now or datetime.now(UTC)
    since = now - timedelta(days=WINDOW_DAYS)
    records: dict[int, dict] = {}
    base = select(contacts).order_by(contacts.c.id)
    for row in _rows(conn, base, contacts.c.id, ids):
        records[row.id] = {
            "id": row.id,
            "name": row.name,
            "emails": [],
            "identities": [],
            "gives": 0,
            "asks": 0,
            "ready": False,
            "reasons": [],
            "opted_out": bool(row.opted_out),
            "attributes": {},
            "lang": row.lang,
            "country": row.country,
            "reason_codes": [],
            "gives_90d": 0,
            "asks_90d": 0,
            "last_give": None,
            "last_ask": None,
            "consent": None,
            "posts": 0,
            "posts_about_us": 0,
            "replies_to_us": 0,
            "last_seen": None,
            "created_at": row.created_at,
        }
    if ids is not None:
        ids = [i for i in ids if i in records]
    emails = select(contact_emails.c.contact_id, contact_emails.c.email).order_by(
        contact_emails.c.id
    )
    for cid, email in _rows(conn, emails, contact_emails.c.contact_id, ids):
        records[cid]["emails"].append(email)
    idents = select(
        contact_identities.c.contact_id, contact_identities.c.platform, contact_identities.c.handle
    ).order_by(contact_identities.c.id)
    for cid, platform, handle in _rows(conn, idents, contact_identities.c.contact_id, ids):
        records[cid]["identities"].append({"platform": platform, "handle": handle})
    attrs = select(
        contact_attributes.c.contact_id, contact_attributes.c.name, contact_attributes.c.value
    ).order_by(contact_attributes.c.name)
    for cid, name, value in _rows(conn, attrs, contact_attributes.c.contact_id, ids):
        records[cid]["attributes"][name] = value
    ledger = select(
        interactions.c.contact_id,
        interactions.c.direction,
        func.count(),
        func.sum(case((interactions.c.occurred_at >= since, 1), else_=0)),
        func.max(interactions.c.occurred_at),
    ).group_by(interactions.c.contact_id, interactions.c.direction)
    for cid, direction, total, recent, last in _rows(conn, ledger, interactions.c.contact_id, ids):
        if cid is None or cid not in records:
            continue
        record = records[cid]
        record[f"{direction}s"] = total
        record[f"{direction}s_90d"] = int(recent or 0)
        record[f"last_{direction}"] = as_utc(last) if last else None
    consent = (
        select(
            consent_records.c.contact_id,
            consent_records.c.granted,
            consent_records.c.recorded_at,
            consent_records.c.channel,
            consent_records.c.text_version,
        )
        .where(consent_records.c.purpose == CONSENT_PURPOSE)
        .order_by(consent_records.c.recorded_at, consent_records.c.id)
    )
    for cid, granted, at, channel, version in _rows(
        conn, consent, consent_records.c.contact_id, ids
    ):
        records[cid]["consent"] = {
            "granted": bool(granted),
            "recorded_at": at,
            "channel": channel,
            "text_version": version,
        }
    _engagement(conn, records, ids, our_brand, our_handles)
    for record in records.values():
        reasons = readiness(record, settings, now)
        record["reasons"] = [text for _code, text in reasons]
        record["reason_codes"] = [code for code, _text in reasons]
        record["ready"] = not reasons
    return list(records.values())


def _engagement(
    conn: Connection,
    records: dict[int, dict],
    ids: Sequence[int] | None,
    our_brand: str | None,
    our_handles: Sequence[str] = (),
) -> None:
    """Posts by each contact, those that mention our brand, their replies to our accounts'
    posts, and when they were last seen."""
    joined = contact_identities.join(posts, posts.c.author_id == contact_identities.c.author_id)
    seen = (
        select(
            contact_identities.c.contact_id,
            func.count(posts.c.id),
            func.max(func.coalesce(posts.c.created_at, posts.c.fetched_at)),
        )
        .select_from(joined)
        .group_by(contact_identities.c.contact_id)
    )
    for cid, count, last in _rows(conn, seen, contact_identities.c.contact_id, ids):
        records[cid]["posts"] = count
        records[cid]["last_seen"] = as_utc(last) if last else None
    if our_handles:
        ours = select(authors.c.id).where(
            func.ltrim(AsciiLower(authors.c.handle), "@").in_(
                [ascii_lower(h).lstrip("@") for h in our_handles]
            )
        )
        our_posts = select(posts.c.native_id).where(posts.c.author_id.in_(ours))
        replies = (
            select(contact_identities.c.contact_id, func.count(posts.c.id))
            .select_from(joined)
            .where(posts.c.parent_id.in_(our_posts))
            .group_by(contact_identities.c.contact_id)
        )
        for cid, count in _rows(conn, replies, contact_identities.c.contact_id, ids):
            records[cid]["replies_to_us"] = count
    if not our_brand:
        return
    about = (
        select(contact_identities.c.contact_id, func.count(posts.c.id.distinct()))
        .select_from(joined.join(brand_mentions, brand_mentions.c.post_id == posts.c.id))
        .where(brand_mentions.c.brand == our_brand)
        .group_by(contact_identities.c.contact_id)
    )
    for cid, count in _rows(conn, about, contact_identities.c.contact_id, ids):
        records[cid]["posts_about_us"] = count


def _our_brand(ctx: Context) -> str | None:
    return ctx.config.brand.name if ctx.config.brand else None


def _our_handles(ctx: Context) -> tuple[str, ...]:
    return ctx.config.brand.handles if ctx.config.brand else ()


def list_contacts(
    ctx: Context,
    *,
    ready: bool | None = None,
    lang: str | None = None,
    country: str | None = None,
    attributes: dict[str, str] | None = None,
    ids: Sequence[int] | None = None,
    limit: int = 0,
    now: datetime | None = None,
) -> list[dict]:
    """Contacts in id order, filtered; `ready=True` keeps only those we may ask now.

    Reads the contacts as they are: a face calls `build_contacts` first when new authors
    should become contacts.
    """
    query = select(contacts.c.id).order_by(contacts.c.id)
    if lang:
        query = query.where(contacts.c.lang == lang)
    if country:
        query = query.where(contacts.c.country == country)
    for name, value in (attributes or {}).items():
        query = query.where(
            contacts.c.id.in_(
                select(contact_attributes.c.contact_id).where(
                    contact_attributes.c.name == name, contact_attributes.c.value == value
                )
            )
        )
    filtered = bool(lang or country or attributes or ids is not None)
    if limit and ready is None and ids is None:
        query = query.limit(limit)
    with ctx.engine.connect() as conn:
        chosen = list(conn.scalars(query)) if filtered or (limit and ready is None) else None
        if ids is not None and chosen is not None:
            wanted = set(ids)
            chosen = [i for i in chosen if i in wanted]
        found = contact_records(
            conn, chosen, ctx.config.community, _our_brand(ctx), now, _our_handles(ctx)
        )
    if ready is not None:
        found = [c for c in found if c["ready"] == ready]
    return found[:limit] if limit else found


def show_contact(ctx: Context, contact_id: int, now: datetime | None = None) -> dict:
    """One contact in the same shape as a `list_contacts` entry."""
    with ctx.engine.connect() as conn:
        found = contact_records(
            conn, [contact_id], ctx.config.community, _our_brand(ctx), now, _our_handles(ctx)
        )
    if not found:
        raise NotFound(f"no contact {contact_id}")
    return found[0]


def parse_contact_id(text: str) -> int:
    """A contact id as typed on the command line; a one-line error otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise UserError(f"{text!r} is not a contact id (a whole number)") from None
    if value <= 0:
        raise UserError(f"{text!r} is not a contact id (a whole number)")
    return value


def contacts_frame(ctx: Context) -> pd.DataFrame:
    """`ws.contacts()`: one row per contact, lists and attributes as columns' values."""
    import pandas as pd

    from escucha.community.build import build_contacts

    build_contacts(ctx)
    rows = list_contacts(ctx)
    columns = [
        "id", "name", "lang", "country", "emails", "identities", "attributes", "opted_out",
        "gives", "asks", "gives_90d", "asks_90d", "last_give", "last_ask", "posts",
        "posts_about_us", "replies_to_us", "last_seen", "ready", "reasons",
    ]  # fmt: skip
    return pd.DataFrame([{k: r[k] for k in columns} for r in rows], columns=columns)


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def browse_contacts(
    ctx: Context,
    *,
    lang: str | None = None,
    country: str | None = None,
    ready: bool | None = None,
    opted_out: bool | None = None,
    search: str | None = None,
    after: int | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> tuple[list[dict], int | None]:
    """One page of contacts in id order after the id `after`, and the cursor of the next page
    (None on the last). `search` finds a part of a name, a handle or an email (case-insensitive).

    Readiness is computed a chunk of contacts at a time until the page is full, so a page
    without the `ready` filter reads only its own rows; with `ready=True`, only contacts not
    opted out (and with a consent granted, where consent is required) are read.
    """
    query = select(contacts.c.id).order_by(contacts.c.id)
    if lang:
        query = query.where(contacts.c.lang == lang)
    if country:
        query = query.where(contacts.c.country == country)
    if opted_out is not None:
        query = query.where(contacts.c.opted_out == opted_out)
    if search and search.strip():
        pattern = _like(ascii_lower(search.strip()).lstrip("@"))
        query = query.where(
            AsciiLower(contacts.c.name).like(pattern, escape="\\")
            | contacts.c.id.in_(
                select(contact_identities.c.contact_id).where(
                    contact_identities.c.handle_key.like(pattern, escape="\\")
                )
            )
            | contacts.c.id.in_(
                select(contact_emails.c.contact_id).where(
                    contact_emails.c.email_key.like(pattern, escape="\\")
                )
            )
        )
    if ready:  # what readiness needs and SQL can tell: the rules decide on what is left
        query = query.where(contacts.c.opted_out == False)  # noqa: E712
        if ctx.config.community.require_consent:
            query = query.where(
                contacts.c.id.in_(
                    select(consent_records.c.contact_id).where(
                        consent_records.c.purpose == CONSENT_PURPOSE,
                        consent_records.c.granted == True,  # noqa: E712
                    )
                )
            )
    if after is not None:
        query = query.where(contacts.c.id > after)
    found: list[dict] = []
    with ctx.engine.connect() as conn:
        while len(found) <= limit:
            want = limit + 1 - len(found)
            chunk = list(conn.scalars(query.limit(want if ready is None else max(want, _CHUNK))))
            if not chunk:
                break
            records = contact_records(
                conn, chunk, ctx.config.community, _our_brand(ctx), now, _our_handles(ctx)
            )
            found += [r for r in records if ready is None or r["ready"] == ready]
            query = query.where(contacts.c.id > chunk[-1])
    page = found[:limit]
    return page, (page[-1]["id"] if len(found) > limit else None)


def contact_posts(ctx: Context, contact_id: int, limit: int = 100) -> list[dict]:
    """The contact's posts, newest first: id, created_at, source, handle, text, url."""
    query = (
        select(
            posts.c.id,
            func.coalesce(posts.c.created_at, posts.c.fetched_at).label("created_at"),
            posts.c.source,
            authors.c.platform,
            posts.c.author_handle.label("handle"),
            posts.c.text,
            posts.c.url,
        )
        .join(contact_identities, contact_identities.c.author_id == posts.c.author_id)
        .join(authors, authors.c.id == posts.c.author_id)
        .where(contact_identities.c.contact_id == contact_id)
        .order_by(func.coalesce(posts.c.created_at, posts.c.fetched_at).desc(), posts.c.id.desc())
        .limit(limit)
    )
    with ctx.engine.connect() as conn:
        return [
            {**r._mapping, "created_at": as_utc(r.created_at) if r.created_at else None}
            for r in conn.execute(query)
        ]
