"""Roles of users and scopes of API tokens, and what each may do."""

from __future__ import annotations

ROLES = ("admin", "analyst", "viewer")  # most powerful first
SCOPES = ("read", "write")
CHANGING_ROLES = ("admin", "analyst")  # viewers only read


def can_change(role: str, scope: str | None = None) -> bool:
    """Whether a user of `role` (through a token of `scope`, if any) may change anything."""
    return role in CHANGING_ROLES and (scope is None or scope == "write")


def check_role(role: str) -> str:
    from escucha.errors import UserError

    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    return role


def check_scope(scope: str) -> str:
    from escucha.errors import UserError

    if scope not in SCOPES:
        raise UserError(f"unknown scope {scope!r} (scopes: {', '.join(SCOPES)})")
    return scope
