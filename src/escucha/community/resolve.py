"""Which contacts are one person: automatic pairs and suggestions, by blocking.

Blocking: candidates are only contacts sharing a normalised key (an email, a handle, the name
part of a handle, a full name), never all pairs, so a million identities take seconds. A block
bigger than `MAX_BLOCK` is a common name, not evidence, and is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, Table, and_, func, insert, select, update

from escucha.community.handles import user_part
from escucha.community.links import cross_links
from escucha.core.context import Context
from escucha.core.text import fold
from escucha.errors import NotFound, UserError
from escucha.i18n import Message
from escucha.store.schema import contact_emails, contact_identities, contacts, merge_evidence

MAX_BLOCK = 10
SAME_EMAIL = "same email address (compared case-insensitively)"


def _verified(domain: str) -> str:
    return f"verified cross-link: a Mastodon profile verified to {domain}, a Bluesky handle"


def _same_handle(platform: str) -> str:
    return f"same {platform} handle (written in different forms)"


def _shared(conn: Connection, table: Table, key_columns: list[Column]) -> dict[tuple, list[int]]:
    """key -> contact ids, for keys that more than one contact holds."""
    dup = (
        select(*key_columns)
        .group_by(*key_columns)
        .having(func.count(table.c.contact_id.distinct()) > 1)
        .subquery()
    )
    rows = conn.execute(
        select(*key_columns, table.c.contact_id)
        .join(dup, and_(*[c == dup.c[c.name] for c in key_columns]))
        .distinct()
    )
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        groups[tuple(row[:-1])].append(row[-1])
    return groups


def automatic_pairs(conn: Connection) -> list[tuple[int, int, str]]:
    """(kept, merged, reason) for contacts sharing an email or a handle on one platform; the
    oldest contact of a group is kept; each contact appears once as merged."""
    pairs: dict[int, tuple[int, int, str]] = {}
    for (_email,), ids in _shared(conn, contact_emails, [contact_emails.c.email_key]).items():
        keep = min(ids)
        for other in ids:
            if other != keep:
                pairs.setdefault(other, (keep, other, SAME_EMAIL))
    handles = _shared(
        conn, contact_identities, [contact_identities.c.platform, contact_identities.c.handle_key]
    )
    for (platform, _key), ids in handles.items():
        keep = min(ids)
        for other in ids:
            if other != keep:
                pairs.setdefault(other, (keep, other, _same_handle(platform)))
    for link in cross_links(conn):
        if link.verified:
            keep, other = sorted((link.mastodon_contact, link.bluesky_contact))
            pairs.setdefault(other, (keep, other, _verified(link.domain)))
    merged = set(pairs)
    return [p for p in pairs.values() if p[0] not in merged]


def _pairs(ids: Iterable[int]) -> Iterable[tuple[int, int]]:
    ordered = sorted(set(ids))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            yield a, b


def suggestions(ctx: Context, limit: int | None = None) -> list[dict]:
    """Merges waiting for a person: `{"contacts": [a, b], "reason", "confidence"}`, best first.

    Evidence: a contact-file row naming two known contacts (0.8); an unverified profile link
    between a Mastodon account and a Bluesky handle on a domain (0.6); the same name part of a
    handle on two platforms (0.5) or on two servers of one platform (0.4), raised by 0.2 when
    the contacts' names agree; the same full name (0.3).
    """
    found: dict[tuple[int, int], tuple[float, list[str]]] = {}
    rejected: set[tuple[int, int]] = set()

    def add(pair: tuple[int, int], confidence: float, reason: str) -> None:
        best, reasons = found.get(pair, (0.0, []))
        if reason not in reasons:
            reasons.append(reason)
        found[pair] = (max(best, confidence), reasons)

    with ctx.engine.connect() as conn:
        for row in conn.execute(select(merge_evidence)):
            pair = (row.contact_a, row.contact_b)
            if row.status == "rejected":
                rejected.add(pair)
            else:
                add(pair, row.confidence, row.reason)
        links = [link for link in cross_links(conn) if not link.verified]
        names = {
            cid: fold(name).strip()
            for cid, name in conn.execute(select(contacts.c.id, contacts.c.name))
            if name
        }
        by_user: dict[str, set[tuple[int, str, str]]] = defaultdict(set)
        for cid, platform, key in conn.execute(
            select(
                contact_identities.c.contact_id,
                contact_identities.c.platform,
                contact_identities.c.handle_key,
            )
        ):
            user = user_part(platform, key)
            if len(user) >= 3:
                by_user[user].add((cid, platform, key))
    for user, members in by_user.items():
        ids = {m[0] for m in members}
        if not 1 < len(ids) <= MAX_BLOCK:
            continue
        where: dict[int, set[str]] = defaultdict(set)
        for cid, platform, _key in members:
            where[cid].add(platform)
        for a, b in _pairs(ids):
            cross = where[a] != where[b] or len(where[a]) > 1
            confidence = 0.5 if cross else 0.4
            if names.get(a) and names.get(a) == names.get(b):
                confidence += 0.2
            what = "on two platforms" if cross else "on two servers"
            add((a, b), confidence, f"same handle name {user!r} {what}")
    for link in links:
        pair = (
            min(link.mastodon_contact, link.bluesky_contact),
            max(link.mastodon_contact, link.bluesky_contact),
        )
        add(pair, 0.6, f"a Mastodon profile links (unverified) to {link.domain}, a Bluesky handle")
    by_name: dict[str, list[int]] = defaultdict(list)
    for cid, name in names.items():
        if len(name.split()) >= 2:
            by_name[name].append(cid)
    for named in by_name.values():
        if 1 < len(named) <= MAX_BLOCK:
            for pair in _pairs(named):
                add(pair, 0.3, "same full name")
    best_first = sorted(
        (item for item in found.items() if item[0] not in rejected),
        key=lambda item: (-item[1][0], item[0]),
    )
    ranked = [
        {"contacts": list(pair), "reason": "; ".join(reasons), "confidence": round(conf, 2)}
        for pair, (conf, reasons) in best_first
    ]
    return ranked[:limit] if limit else ranked


REJECTED_REASON = "rejected by a person"


def reject_suggestion(ctx: Context, a: int, b: int, by: str = "cli") -> None:
    """A person decided contacts `a` and `b` are not one person: the pair is never suggested
    again (a merge by hand still may join them)."""
    if a == b:
        raise UserError(Message("contact_pair_itself", {"id": a}))
    a, b = sorted((a, b))
    now = datetime.now(UTC)
    with ctx.engine.begin() as conn:
        found = set(conn.scalars(select(contacts.c.id).where(contacts.c.id.in_((a, b)))))
        missing = next((c for c in (a, b) if c not in found), None)
        if missing is not None:
            raise NotFound(Message("contact_missing", {"id": missing}))
        pair = (merge_evidence.c.contact_a == a) & (merge_evidence.c.contact_b == b)
        conn.execute(update(merge_evidence).where(pair).values(status="rejected"))
        if not conn.scalar(select(func.count()).select_from(merge_evidence).where(pair)):
            conn.execute(
                insert(merge_evidence).values(
                    contact_a=a,
                    contact_b=b,
                    reason=f"{REJECTED_REASON} ({by})"[:2000],
                    confidence=0.0,
                    status="rejected",
                    created_at=now,
                )
            )
