"""Consent and data rights: record consent and opt-outs, export everything held about a person,
and forget them.

`forget_contact` erases the contact, its identities, emails, attributes, consent records,
interactions, merge log entries and suggestions, the accounts (authors) behind its
identities, their posts with everything stored about those posts (raw payloads,
enrichments, brand mentions, idea links: every table referencing a post), and logs that an
erasure happened with counts only. On SQLite the freed pages are overwritten (secure delete),
the file is vacuumed and the write-ahead log truncated, so no byte of the erased text is left
in the store's files. Salted digests of the erased accounts and handles make the store skip
their posts when they are collected again (store/erased.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, delete, func, insert, or_, select, update
from sqlalchemy.exc import OperationalError

from escucha.community.merge import lock_contacts
from escucha.community.views import CONSENT_PURPOSE
from escucha.core.context import Context
from escucha.errors import EscuchaError, NotFound, UserError
from escucha.store import generation
from escucha.store.erased import digest, erasure_salt
from escucha.store.schema import (
    authors,
    consent_records,
    contact_attributes,
    contact_emails,
    contact_identities,
    contact_merges,
    contacts,
    erased_identities,
    erasures,
    interactions,
    merge_evidence,
    metadata,
    posts,
    raw_payloads,
)
from escucha.store.writer import insert_ignore

_CHUNK = 500


class ScrubPending(EscuchaError):
    """The person is erased, but another process kept the SQLite files from being scrubbed;
    `counts` is what the erasure log kept (empty when no erasure preceded the scrub)."""

    def __init__(self, message: str, counts: dict | None = None) -> None:
        super().__init__(message)
        self.counts = counts or {}


def _exists(conn: Connection, contact_id: int) -> None:
    if conn.scalar(select(contacts.c.id).where(contacts.c.id == contact_id)) is None:
        raise NotFound(f"no contact {contact_id}")


def record_consent(
    ctx: Context,
    contact_id: int,
    granted: bool,
    *,
    channel: str,
    text_version: str,
    purpose: str = CONSENT_PURPOSE,
    at: datetime | None = None,
) -> None:
    """What the person agreed to (or refused), when, through which channel and which text."""
    if not channel.strip() or not text_version.strip():
        raise UserError("a consent record needs its channel and the version of the text")
    with ctx.engine.begin() as conn:
        _exists(conn, contact_id)
        conn.execute(
            insert(consent_records).values(
                contact_id=contact_id,
                purpose=purpose,
                granted=granted,
                recorded_at=at or datetime.now(UTC),
                channel=channel.strip()[:64],
                text_version=text_version.strip()[:64],
            )
        )


def opt_out(ctx: Context, contact_id: int) -> None:
    """The person objects to being contacted (GDPR art. 21): never asked again."""
    with ctx.engine.begin() as conn:
        _exists(conn, contact_id)
        conn.execute(
            update(contacts)
            .where(contacts.c.id == contact_id, contacts.c.opted_out.is_(False))
            .values(opted_out=True, opted_out_at=datetime.now(UTC))
        )


def _rows(conn: Connection, table: Table, column: ColumnElement[int], values: list) -> list[dict]:
    out: list[dict] = []
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        out += [
            dict(r._mapping)
            for r in conn.execute(
                select(table).where(column.in_(chunk)).order_by(*table.primary_key)
            )
        ]
    return out


def _post_children() -> list[tuple[Table, Any]]:
    """Every (table, column) that references posts.id: what a post's erasure must reach."""
    found = []
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column is posts.c.id:
                found.append((table, fk.parent))
    return found


def export_contact(ctx: Context, contact_id: int) -> dict:
    """Everything held about a person (GDPR art. 15 and 20), as JSON-ready data."""
    with ctx.engine.connect() as conn:
        row = conn.execute(select(contacts).where(contacts.c.id == contact_id)).first()
        if row is None:
            raise NotFound(f"no contact {contact_id}")
        contact = {k: v for k, v in row._mapping.items() if k != "seed_author_id"}
        identities = _rows(conn, contact_identities, contact_identities.c.contact_id, [contact_id])
        author_ids = [i["author_id"] for i in identities if i["author_id"] is not None]
        post_rows = _rows(conn, posts, posts.c.author_id, author_ids)
        post_ids = [p["id"] for p in post_rows]
        payloads = {r["post_id"]: r["payload"] for r in _rows(
            conn, raw_payloads, raw_payloads.c.post_id, post_ids)}  # fmt: skip
        about_posts: dict[str, list[dict]] = {}
        for table, column in _post_children():
            if table is not raw_payloads:
                about_posts[table.name] = _rows(conn, table, column, post_ids)
        merges = [
            {k: v for k, v in r._mapping.items() if k != "before"}
            for r in conn.execute(
                select(contact_merges).where(
                    or_(contact_merges.c.kept_id == contact_id,
                        contact_merges.c.merged_id == contact_id)
                )
            )
        ]  # fmt: skip
        return {
            "contact": contact,
            "emails": [
                e["email"]
                for e in _rows(conn, contact_emails, contact_emails.c.contact_id, [contact_id])
            ],
            "identities": [
                {k: i[k] for k in ("platform", "handle", "origin", "created_at")} | {"account": a}
                for i in identities
                for a in [_author(conn, i["author_id"])]
            ],
            "attributes": {
                a["name"]: a["value"]
                for a in _rows(
                    conn, contact_attributes, contact_attributes.c.contact_id, [contact_id]
                )
            },
            "consent": _rows(conn, consent_records, consent_records.c.contact_id, [contact_id]),
            "interactions": _rows(conn, interactions, interactions.c.contact_id, [contact_id]),
            "merges": merges,
            "posts": [
                {k: v for k, v in p.items() if k not in ("author_id", "import_run_id")}
                | {"raw_payload": payloads.get(p["id"])}
                for p in post_rows
            ],
            "about_posts": about_posts,
            "survey_answers": [],  # no survey is stored yet; answers will be listed here
            "product_tests": _product_tests(conn, contact_id),
        }


def _product_tests(conn: Connection, contact_id: int) -> list[dict]:
    """The person's part in product tests: status and its history, consent decisions, reports
    (never the link's token hash)."""
    from escucha.store.schema.panels import (
        panel_consents,
        panel_feedback,
        panel_tester_events,
        panel_testers,
    )

    found = []
    for tester in _rows(conn, panel_testers, panel_testers.c.contact_id, [contact_id]):
        ids = [tester["id"]]
        found.append(
            {k: v for k, v in tester.items() if k != "token_hash"}
            | {
                "history": _rows(conn, panel_tester_events, panel_tester_events.c.tester_id, ids),
                "consents": _rows(conn, panel_consents, panel_consents.c.tester_id, ids),
                "reports": _rows(conn, panel_feedback, panel_feedback.c.tester_id, ids),
            }
        )
    return found


def _author(conn: Connection, author_id: int | None) -> dict | None:
    if author_id is None:
        return None
    row = conn.execute(select(authors).where(authors.c.id == author_id)).first()
    return {k: v for k, v in row._mapping.items() if k != "id"} if row else None


def forget_contact(ctx: Context, contact_id: int, by: str = "cli") -> dict:
    """Erase a person (GDPR art. 17); return the counts the erasure log keeps."""
    sqlite = ctx.engine.dialect.name == "sqlite"
    with ctx.engine.begin() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        lock_contacts(conn, [contact_id])
        _exists(conn, contact_id)
        counts = _erase(conn, contact_id, by)
    if sqlite:
        try:
            _scrub_sqlite(ctx)
        except ScrubPending as exc:
            raise ScrubPending(str(exc), counts) from None
    return counts


def _erase(conn: Connection, contact_id: int, by: str) -> dict:
    identities = conn.execute(
        select(
            contact_identities.c.platform,
            contact_identities.c.handle_key,
            contact_identities.c.author_id,
        ).where(contact_identities.c.contact_id == contact_id)
    ).all()
    author_ids = [i.author_id for i in identities if i.author_id is not None]
    accounts = conn.execute(
        select(authors.c.platform, authors.c.instance, authors.c.account_id).where(
            authors.c.id.in_(author_ids)
        )
    ).all()
    salt = erasure_salt(conn, create=True) or ""
    now = datetime.now(UTC)
    digests = {digest(salt, *account) for account in accounts}
    digests |= {digest(salt, "handle", i.platform, i.handle_key) for i in identities}
    digests |= {
        digest(salt, "email", key)
        for key in conn.scalars(
            select(contact_emails.c.email_key).where(contact_emails.c.contact_id == contact_id)
        )
    }
    if digests:
        conn.execute(
            insert_ignore(conn, erased_identities, ("digest",)),
            [{"digest": d, "erased_at": now} for d in sorted(digests)],
        )
    post_ids: list[int] = []
    for start in range(0, len(author_ids), _CHUNK):
        post_ids += conn.scalars(
            select(posts.c.id).where(posts.c.author_id.in_(author_ids[start : start + _CHUNK]))
        )
    if post_ids:
        generation.bump(conn)
    for start in range(0, len(post_ids), _CHUNK):
        chunk = post_ids[start : start + _CHUNK]
        for table, column in _post_children():
            conn.execute(delete(table).where(column.in_(chunk)))
        conn.execute(delete(posts).where(posts.c.id.in_(chunk)))
    for table in (contact_emails, contact_attributes, consent_records, interactions):
        conn.execute(delete(table).where(table.c.contact_id == contact_id))
    conn.execute(
        delete(merge_evidence).where(
            or_(merge_evidence.c.contact_a == contact_id, merge_evidence.c.contact_b == contact_id)
        )
    )
    conn.execute(
        delete(contact_merges).where(
            or_(contact_merges.c.kept_id == contact_id, contact_merges.c.merged_id == contact_id)
        )
    )
    conn.execute(delete(contact_identities).where(contact_identities.c.contact_id == contact_id))
    conn.execute(delete(contacts).where(contacts.c.id == contact_id))
    if author_ids:
        conn.execute(
            update(contacts)
            .where(contacts.c.seed_author_id.in_(author_ids))
            .values(seed_author_id=None)
        )
        conn.execute(delete(authors).where(authors.c.id.in_(author_ids)))
    counts = {"identities": len(identities), "posts": len(post_ids)}
    conn.execute(insert(erasures).values(erased_at=now, erased_by=by, **counts))
    return counts


def _scrub_sqlite(ctx: Context) -> None:
    """Leave no erased byte in the SQLite file's free pages or its write-ahead log.

    Another process reading the store (the web app) can keep the log from being truncated;
    then the erasure stands but the command says the files still need scrubbing.
    """
    ctx.engine.dispose()  # pooled connections would keep old pages of the log alive
    try:
        with ctx.engine.connect() as conn:
            raw = conn.execution_options(isolation_level="AUTOCOMMIT")
            raw.exec_driver_sql("PRAGMA secure_delete = ON")
            raw.exec_driver_sql("VACUUM")
            checkpoint = raw.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
            busy = bool(checkpoint and checkpoint[0])
            reason = "another process holds the store open"
    except OperationalError as exc:
        busy, reason = True, str(exc.orig)
    finally:
        ctx.engine.dispose()
    if busy:
        raise ScrubPending(
            f"the person is erased, but the SQLite files could not be scrubbed ({reason}); "
            "stop other escucha processes and run: escucha contacts scrub"
        )


def scrub_store(ctx: Context) -> None:
    """Vacuum the SQLite store and truncate its log (after a forget another process held up)."""
    if ctx.engine.dialect.name == "sqlite":
        _scrub_sqlite(ctx)


def erasure_log(ctx: Context) -> list[dict]:
    with ctx.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(erasures).order_by(erasures.c.id))]


def count_contacts(ctx: Context) -> int:
    with ctx.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(contacts)) or 0
