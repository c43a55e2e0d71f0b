"""Contacts built from authors: every author seen in posts is an identity of exactly one contact.

The build is set-based (a few INSERT ... SELECT statements), so a million authors become
contacts in seconds, and idempotent: an author that already has an identity is left alone.
An identity read from a contact file whose handle an author now shows is linked to it rather
than doubled. Afterwards the automatic merges run (community/merge.py: only defensible rules).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from escucha.community.handles import author_key_sql
from escucha.core.context import Context
from escucha.store.erased import any_erased, digest, erased_digests, erasure_salt
from escucha.store.schema import authors, contact_identities, contacts

# Staging for one build; on its own MetaData so it is never part of the store's schema.
_new_authors = Table(
    "community_new_authors",
    MetaData(),
    Column("author_id", Integer, primary_key=True),
    Column("platform", String(64), nullable=False),
    Column("handle_key", String(512), nullable=False),
    Column("name", String(255), nullable=False),
    prefixes=["TEMPORARY"],
)


def build_contacts(ctx: Context) -> int:
    """Give every author without an identity one; return how many contacts were created.

    New identities may share a handle with known ones: the automatic merges run after them.
    """
    from escucha.community.merge import merge_automatically

    try:
        with ctx.engine.begin() as conn:
            created = _build(conn, datetime.now(UTC))
    except IntegrityError:  # another process built the same authors' contacts meanwhile
        with ctx.engine.begin() as conn:
            created = _build(conn, datetime.now(UTC))
    if created:
        merge_automatically(ctx)
    return created


def _build(conn: Connection, now: datetime) -> int:
    staged = _new_authors
    staged.create(conn)
    try:
        conn.execute(
            insert(staged).from_select(
                ["author_id", "platform", "handle_key", "name"],
                select(
                    authors.c.id,
                    authors.c.platform,
                    author_key_sql(authors.c.platform, authors.c.instance, authors.c.handle),
                    func.coalesce(authors.c.display_name, authors.c.handle),
                ).where(
                    ~exists().where(contact_identities.c.author_id == authors.c.id),
                ),
            )
        )
        conn.exec_driver_sql(
            "CREATE INDEX ix_community_new_authors_key ON community_new_authors "
            "(platform, handle_key)"
        )
        _drop_forgotten(conn)
        _link_imported_identities(conn)
        conn.execute(
            staged.delete().where(
                exists().where(contact_identities.c.author_id == staged.c.author_id)
            )
        )
        created = conn.scalar(select(func.count()).select_from(staged)) or 0
        conn.execute(
            insert(contacts).from_select(
                ["name", "opted_out", "created_at", "seed_author_id"],
                select(
                    staged.c.name,
                    literal(False),
                    literal(now, contacts.c.created_at.type),
                    staged.c.author_id,
                ).order_by(staged.c.author_id),
            )
        )
        conn.execute(
            insert(contact_identities).from_select(
                ["contact_id", "platform", "handle", "handle_key", "author_id", "origin",
                 "created_at"],
                select(
                    contacts.c.id,
                    staged.c.platform,
                    staged.c.handle_key,
                    staged.c.handle_key,
                    staged.c.author_id,
                    literal("author"),
                    literal(now, contact_identities.c.created_at.type),
                ).join_from(staged, contacts, contacts.c.seed_author_id == staged.c.author_id),
            )
        )  # fmt: skip
    finally:
        staged.drop(conn)
    return created


def _drop_forgotten(conn: Connection) -> None:
    """An author showing a handle that was erased does not become a contact again."""
    if not any_erased(conn):
        return
    salt = erasure_salt(conn) or ""
    staged = _new_authors
    by_digest = {
        digest(salt, "handle", platform, key): author_id
        for author_id, platform, key in conn.execute(
            select(staged.c.author_id, staged.c.platform, staged.c.handle_key)
        )
    }
    erased = erased_digests(conn, set(by_digest))
    gone = [by_digest[d] for d in erased]
    for start in range(0, len(gone), 500):
        conn.execute(staged.delete().where(staged.c.author_id.in_(gone[start : start + 500])))


def _link_imported_identities(conn: Connection) -> None:
    """An imported handle an author now shows becomes that author's identity."""
    staged = _new_authors
    same_key = and_(
        staged.c.platform == contact_identities.c.platform,
        staged.c.handle_key == contact_identities.c.handle_key,
    )
    conn.execute(
        update(contact_identities)
        .where(contact_identities.c.author_id.is_(None), exists().where(same_key))
        .values(author_id=select(func.min(staged.c.author_id)).where(same_key).scalar_subquery())
    )
