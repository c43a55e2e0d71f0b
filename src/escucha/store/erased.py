"""Salted digests of erased identities, so re-collected posts of a forgotten person are skipped.

`escucha contacts forget` stores a digest of each erased account; the batch writer drops the
items of those accounts before storing anything of them. The salt is one random value per
store (the settings table), so the digests cannot be matched against another store's; whoever
holds the store can still test a guessed handle against them (docs/community.md).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Connection, insert, select

from escucha.store.schema import erased_identities, settings

SALT_SETTING = "community.erasure_salt"


def erasure_salt(conn: Connection, create: bool = False) -> str | None:
    salt = conn.scalar(select(settings.c.value).where(settings.c.key == SALT_SETTING))
    if salt is None and create:
        salt = secrets.token_hex(16)
        conn.execute(insert(settings).values(key=SALT_SETTING, value=salt))
    return salt


def digest(salt: str, *parts: str) -> str:
    """The digest of an identity: an author (platform, instance, account id) or a handle."""
    joined = "\x1f".join((salt, *parts))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def erased_digests(conn: Connection, candidates: set[str]) -> set[str]:
    """Which of these digests belong to erased identities."""
    found: set[str] = set()
    ordered = sorted(candidates)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(
            conn.scalars(
                select(erased_identities.c.digest).where(erased_identities.c.digest.in_(chunk))
            )
        )
    return found


def any_erased(conn: Connection) -> bool:
    return conn.scalar(select(erased_identities.c.digest).limit(1)) is not None
