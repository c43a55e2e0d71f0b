"""Login sessions: the cookie carries a random key; the store keeps only its SHA-256 hash,
so a leaked database gives no usable session, and logging out ends it everywhere."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, bindparam, delete, insert, select

from escucha.auth.users import User
from escucha.store.db import reading
from escucha.store.schema import users, web_sessions

LIFETIME = timedelta(hours=12)


def new_key() -> str:
    return secrets.token_urlsafe(32)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def start_session(engine: Engine, user_id: int, lifetime: timedelta = LIFETIME) -> str:
    """A fresh session key for the user (a new key at each login: no session fixation)."""
    key = new_key()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
        conn.execute(
            insert(web_sessions).values(
                id=_hash(key), user_id=user_id, created_at=now, expires_at=now + lifetime
            )
        )
    return key


# built once: it runs on every page request (a statement built per call costs more CPU
# than PostgreSQL's answer to it)
_SESSION_USER = (
    select(users.c.id, users.c.name, users.c.role, users.c.ui_lang, web_sessions.c.expires_at)
    .join(users, users.c.id == web_sessions.c.user_id)
    .where(web_sessions.c.id == bindparam("session"))
)


def session_user(engine: Engine, key: str) -> User | None:
    with reading(engine) as conn:
        row = conn.execute(_SESSION_USER, {"session": _hash(key)}).first()
    if row is None:
        return None
    if row.expires_at <= datetime.now(UTC):
        return None
    return User(row.id, row.name, row.role, row.ui_lang)


def end_session(engine: Engine, key: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.id == _hash(key)))
