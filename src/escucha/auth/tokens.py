"""API tokens: random, shown once, stored only as a SHA-256 hash; scope read or write.

A token acts for its user and never beyond the user's role: a viewer's token reads only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, insert, select, update

from escucha.auth.roles import can_change, check_scope
from escucha.auth.users import User, get_user_by_name
from escucha.errors import UserError
from escucha.store.db import reading
from escucha.store.schema import api_tokens, users

PREFIX = "esk_"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    prefix: str
    scope: str
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def token_hash(token: str) -> str:
    """A token has 256 random bits, so a fast hash is enough (no password stretching)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    engine: Engine, user_name: str, scope: str, label: str | None = None
) -> tuple[str, TokenInfo]:
    """A new token for the user; the plain token is returned here and never stored."""
    check_scope(scope)
    user = get_user_by_name(engine, user_name)
    if user is None:
        raise UserError(f"no user named {user_name!r}")
    if scope == "write" and not can_change(user.role):
        raise UserError(f"{user_name!r} is a {user.role}: only read tokens for this role")
    token = PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        new_id = conn.execute(
            insert(api_tokens)
            .values(
                user_id=user.id,
                token_hash=token_hash(token),
                prefix=token[:10],
                scope=scope,
                label=(label or None),
                created_at=datetime.now(UTC),
            )
            .returning(api_tokens.c.id)
        ).scalar_one()
    return token, next(t for t in list_tokens(engine, user.id) if t.id == new_id)


def _info(row) -> TokenInfo:
    return TokenInfo(
        row.id,
        row.user_id,
        row.prefix,
        row.scope,
        row.label,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
    )


def list_tokens(engine: Engine, user_id: int | None = None) -> list[TokenInfo]:
    stmt = select(api_tokens).order_by(api_tokens.c.id)
    if user_id is not None:
        stmt = stmt.where(api_tokens.c.user_id == user_id)
    with engine.connect() as conn:
        return [_info(r) for r in conn.execute(stmt)]


# built once: it runs on every API request
_TOKEN_USER = (
    select(api_tokens, users.c.name, users.c.role, users.c.ui_lang)
    .join(users, users.c.id == api_tokens.c.user_id)
    .where(api_tokens.c.token_hash == bindparam("hash"), api_tokens.c.revoked_at.is_(None))
)


def lookup_token(engine: Engine, token: str) -> tuple[User, TokenInfo] | None:
    """The user and token for a presented token, if it is known and not revoked."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    with reading(engine) as conn:
        row = conn.execute(_TOKEN_USER, {"hash": token_hash(token)}).first()
    if row is None:
        return None
    return User(row.user_id, row.name, row.role, row.ui_lang), _info(row)


def touch_token(engine: Engine, token_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id)
            .values(last_used_at=datetime.now(UTC))
        )


def revoke_token(engine: Engine, token_id: int, user_id: int | None = None) -> bool:
    """Revoke a token (only the user's own when `user_id` is given); False if none matched."""
    stmt = update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
    if user_id is not None:
        stmt = stmt.where(api_tokens.c.user_id == user_id)
    with engine.begin() as conn:
        return conn.execute(stmt.values(revoked_at=datetime.now(UTC))).rowcount > 0
