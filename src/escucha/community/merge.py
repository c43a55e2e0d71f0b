"""Merging two contacts into one and undoing it exactly.

A merge moves everything of the merged contact (identities, emails, attributes, consent
records, interactions) to the kept one and removes the merged contact; its log entry keeps the
exact state it changed (`before`), so `unmerge` brings the merged contact back under its own
id with what it had. Two merges of the same pair at the same moment are serialised by row
locks (PostgreSQL) or the write lock (SQLite): the second finds the pair merged and says so.

Automatic merges follow only the rules a person would not dispute: the same email (compared
case-insensitively), the same normalised handle on the same platform, or a verified profile
link between a Mastodon account and a Bluesky handle (community/links.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Row, Table, delete, func, insert, select, update

from escucha.community.handles import lookup_keys
from escucha.core.context import Context
from escucha.errors import Conflict, NotFound, UserError
from escucha.i18n import Message
from escucha.store.schema import (
    consent_records,
    contact_attributes,
    contact_emails,
    contact_identities,
    contact_merges,
    contacts,
    interactions,
    merge_evidence,
)

AUTOMATIC = "escucha (automatic)"
MOVED = (contact_identities, contact_emails, consent_records, interactions)
_MERGED_FIELDS = ("name", "lang", "country")


def lock_contacts(conn: Connection, ids: list[int]) -> None:
    """Hold the contacts' rows until the transaction ends.

    PostgreSQL: row locks, taken in id order so two transactions never deadlock. SQLite: a
    first write takes the database's write lock (waiting for another writer), before anything
    is read, so what is read next cannot change under the transaction.
    """
    ordered = sorted(set(ids))
    if conn.dialect.name == "postgresql":
        conn.execute(
            select(contacts.c.id).where(contacts.c.id.in_(ordered)).order_by(contacts.c.id)
            .with_for_update()
        )  # fmt: skip
    else:
        conn.execute(update(contacts).where(contacts.c.id.in_(ordered)).values(id=contacts.c.id))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _row(conn: Connection, contact_id: int) -> dict | None:
    row = conn.execute(select(contacts).where(contacts.c.id == contact_id)).first()
    return dict(row._mapping) if row else None


def _missing(conn: Connection, contact_id: int) -> Exception:
    merged = conn.execute(
        select(contact_merges.c.kept_id, contact_merges.c.id)
        .where(contact_merges.c.merged_id == contact_id, contact_merges.c.undone_at.is_(None))
        .order_by(contact_merges.c.id.desc())
    ).first()
    if merged:
        return Conflict(
            Message(
                "contact_merged_away",
                {"id": contact_id, "kept": merged.kept_id, "merge": merged.id},
            )
        )
    return NotFound(Message("contact_missing", {"id": contact_id}))


def merge_contacts(ctx: Context, keep: int, merged: int, reason: str, by: str = "cli") -> dict:
    """Fold contact `merged` into `keep`; return the log entry."""
    with ctx.engine.begin() as conn:
        return merge_in(conn, keep, merged, reason, by)


def merge_in(conn: Connection, keep: int, merged: int, reason: str, by: str) -> dict:
    """`merge_contacts` inside the caller's transaction."""
    if keep == merged:
        raise UserError(Message("contact_merge_itself", {"id": keep}))
    reason = reason.strip()
    if not reason:
        raise UserError(Message("contact_merge_reason"))
    lock_contacts(conn, [keep, merged])
    kept_row, merged_row = _row(conn, keep), _row(conn, merged)
    if kept_row is None:
        raise _missing(conn, keep)
    if merged_row is None:
        raise _missing(conn, merged)
    before: dict[str, Any] = {
        "merged": {k: _iso(v) for k, v in merged_row.items()},
        "kept": {k: _iso(kept_row[k]) for k in (*_MERGED_FIELDS, "opted_out", "opted_out_at")},
    }
    for table in MOVED:
        before[table.name] = list(
            conn.scalars(select(table.c.id).where(table.c.contact_id == merged))
        )
    before["contact_attributes"] = [
        dict(r._mapping)
        for r in conn.execute(
            select(contact_attributes).where(contact_attributes.c.contact_id == merged)
        )
    ]
    before["merge_evidence"] = [
        {k: _iso(v) for k, v in r._mapping.items()}
        for r in conn.execute(
            select(merge_evidence).where(
                (merge_evidence.c.contact_a == merged) | (merge_evidence.c.contact_b == merged)
            )
        )
    ]
    after = {f: kept_row[f] or merged_row[f] for f in _MERGED_FIELDS}
    after["opted_out"] = bool(kept_row["opted_out"] or merged_row["opted_out"])
    after["opted_out_at"] = kept_row["opted_out_at"] or merged_row["opted_out_at"]
    before["kept_after"] = {k: _iso(v) for k, v in after.items()}

    for table in MOVED:
        conn.execute(update(table).where(table.c.contact_id == merged).values(contact_id=keep))
    taken = list(
        conn.scalars(
            select(contact_attributes.c.name).where(contact_attributes.c.contact_id == keep)
        )
    )
    conn.execute(
        update(contact_attributes)
        .where(contact_attributes.c.contact_id == merged, contact_attributes.c.name.not_in(taken))
        .values(contact_id=keep)
    )
    conn.execute(delete(contact_attributes).where(contact_attributes.c.contact_id == merged))
    conn.execute(
        delete(merge_evidence).where(
            (merge_evidence.c.contact_a == merged) | (merge_evidence.c.contact_b == merged)
        )
    )
    conn.execute(delete(contacts).where(contacts.c.id == merged))
    conn.execute(update(contacts).where(contacts.c.id == keep).values(**after))
    entry = {
        "kept_id": keep,
        "merged_id": merged,
        "reason": reason,
        "merged_by": by,
        "merged_at": datetime.now(UTC),
        "before": before,
    }
    entry["id"] = conn.execute(
        insert(contact_merges).returning(contact_merges.c.id), entry
    ).scalar_one()
    return {k: v for k, v in entry.items() if k != "before"}


def unmerge_identity(ctx: Context, contact_id: int, identity: str, by: str = "cli") -> dict:
    """Undo the merge that brought `identity` ("PLATFORM:HANDLE") into the contact.

    The merged contact comes back under its own id with its identities, emails, attributes,
    consent records, interactions and merge evidence; the kept contact's name, language,
    country and opt-out return to what they were, unless they were changed since.
    """
    platform, sep, handle = identity.partition(":")
    if not sep or not platform.strip() or not handle.strip():
        raise UserError(Message("contact_identity_format", {"identity": repr(identity)}))
    platform = platform.strip().lower()
    keys = lookup_keys(platform, handle)
    with ctx.engine.begin() as conn:
        lock_contacts(conn, [contact_id])
        if _row(conn, contact_id) is None:
            raise _missing(conn, contact_id)
        ident = conn.scalar(
            select(contact_identities.c.id).where(
                contact_identities.c.contact_id == contact_id,
                contact_identities.c.platform == platform,
                contact_identities.c.handle_key.in_(keys),
            )
        )
        key = handle.strip()
        if ident is None:
            raise NotFound(
                Message("contact_no_identity", {"id": contact_id, "identity": f"{platform}:{key}"})
            )
        log = next(
            (
                row
                for row in conn.execute(
                    select(contact_merges)
                    .where(
                        contact_merges.c.kept_id == contact_id,
                        contact_merges.c.undone_at.is_(None),
                    )
                    .order_by(contact_merges.c.id.desc())
                )
                if ident in row.before["contact_identities"]
            ),
            None,
        )
        if log is None:
            raise Conflict(
                Message("contact_identity_own", {"id": contact_id, "identity": f"{platform}:{key}"})
            )
        _restore(conn, log)
        conn.execute(
            update(contact_merges)
            .where(contact_merges.c.id == log.id)
            .values(undone_at=datetime.now(UTC), undone_by=by)
        )
        return {"merge": log.id, "kept_id": log.kept_id, "restored_id": log.merged_id}


def _dates(table: Table, values: dict) -> dict:
    """JSON-kept values back to column values (ISO text to datetimes)."""
    out = {}
    for name, value in values.items():
        kind = table.c[name].type
        if isinstance(value, str) and isinstance(getattr(kind, "impl", kind), DateTime):
            value = datetime.fromisoformat(value)
        out[name] = value
    return out


def _restore(conn: Connection, log: Row) -> None:
    before, keep, merged = log.before, log.kept_id, log.merged_id
    if _row(conn, merged) is not None:
        raise Conflict(Message("contact_exists_again", {"id": merged}))
    conn.execute(insert(contacts).values(**_dates(contacts, before["merged"])))
    for table in MOVED:
        ids = before[table.name]
        for start in range(0, len(ids), 500):
            conn.execute(
                update(table)
                .where(table.c.id.in_(ids[start : start + 500]), table.c.contact_id == keep)
                .values(contact_id=merged)
            )
    attributes = before["contact_attributes"]
    if attributes:
        conn.execute(
            delete(contact_attributes).where(
                contact_attributes.c.id.in_([a["id"] for a in attributes])
            )
        )
        conn.execute(insert(contact_attributes), attributes)
    for evidence in before["merge_evidence"]:
        other = evidence["contact_b"] if evidence["contact_a"] == merged else evidence["contact_a"]
        if conn.scalar(select(func.count()).where(contacts.c.id == other)):
            conn.execute(insert(merge_evidence).values(**_dates(merge_evidence, evidence)))
    current = _row(conn, keep) or {}
    restored = {
        field: _dates(contacts, {field: old})[field]
        for field, old in before["kept"].items()
        if _iso(current.get(field)) == before["kept_after"][field]
    }
    if restored:
        conn.execute(update(contacts).where(contacts.c.id == keep).values(**restored))
    if conn.dialect.name == "postgresql":  # the id was given explicitly
        conn.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('contacts', 'id'), "
            "GREATEST((SELECT max(id) FROM contacts), 1))"
        )


def merge_automatically(ctx: Context) -> int:
    """Merge contacts sharing an email or a normalised handle on one platform; return how many
    merges were made. Each is logged (and can be undone) like a merge by hand."""
    from escucha.community.resolve import automatic_pairs

    done = 0
    while True:
        with ctx.engine.connect() as conn:
            pairs = automatic_pairs(conn)
        progress = 0
        for keep, merged, reason in pairs:
            try:
                merge_contacts(ctx, keep, merged, reason, AUTOMATIC)
                progress += 1
            except (NotFound, Conflict):
                continue  # merged meanwhile by someone else
        if not progress:
            return done
        done += progress
