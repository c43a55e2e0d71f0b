"""Users of the web app: a name, a role and an argon2 password hash."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from escucha.auth.passwords import hash_password, needs_rehash, verify_password
from escucha.auth.roles import check_role
from escucha.errors import UserError
from escucha.store.schema import users

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    ui_lang: str | None = None


def _user(row) -> User:
    return User(row.id, row.name, row.role, row.ui_lang)


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UserError(f"invalid user name {name!r}: letters, digits and . _ @ - only, at most 64")
    return name


def create_user(engine: Engine, name: str, password: str, role: str) -> User:
    check_name(name)
    check_role(role)
    hashed = hash_password(password)
    with engine.begin() as conn:
        if conn.scalar(select(users.c.id).where(users.c.name == name)) is not None:
            raise UserError(f"a user named {name!r} exists already")
        conn.execute(
            insert(users).values(
                name=name, password_hash=hashed, role=role, created_at=datetime.now(UTC)
            )
        )
    found = get_user_by_name(engine, name)
    assert found is not None
    return found


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def get_user_by_name(engine: Engine, name: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    return _user(row) if row else None


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).all()
    return [_user(r) for r in rows]


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user if the password matches, else None; unknown names take as long as known ones."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    if not verify_password(row.password_hash if row else None, password) or row is None:
        return None
    if needs_rehash(row.password_hash):
        with engine.begin() as conn:
            conn.execute(
                update(users)
                .where(users.c.id == row.id)
                .values(password_hash=hash_password(password))
            )
    return _user(row)


def set_password(engine: Engine, name: str, password: str) -> None:
    hashed = hash_password(password)
    with engine.begin() as conn:
        done = conn.execute(
            update(users).where(users.c.name == name).values(password_hash=hashed)
        ).rowcount
    if not done:
        raise UserError(f"no user named {name!r}")


def set_role(engine: Engine, name: str, role: str) -> None:
    check_role(role)
    with engine.begin() as conn:
        done = conn.execute(update(users).where(users.c.name == name).values(role=role)).rowcount
    if not done:
        raise UserError(f"no user named {name!r}")


def set_ui_lang(engine: Engine, user_id: int, lang: str | None) -> None:
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(ui_lang=lang))
