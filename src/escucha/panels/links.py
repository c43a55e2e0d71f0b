"""A tester's personal link, /t/{token}: `secrets.token_urlsafe(24)`, only its SHA-256 is
stored, so the store alone never lets anyone act as a tester. A new link (a reminder) makes
the earlier one stop working."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import quote

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import NotFound
from escucha.store.schema.panels import panel_testers, panels


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tester_url(ctx: Context, token: str) -> str:
    from escucha.research.settings import base_url

    return f"{base_url(ctx.config)}/t/{quote(token, safe='')}"


def new_link(ctx: Context, conn: sa.Connection, tester_id: int) -> str:
    """A fresh personal link for the tester, inside the caller's transaction."""
    token = secrets.token_urlsafe(24)
    conn.execute(
        panel_testers.update()
        .where(panel_testers.c.id == tester_id)
        .values(token_hash=hash_token(token))
    )
    return tester_url(ctx, token)


def find_tester(conn: sa.Connection, token: str) -> sa.Row:
    """The tester (with the panel's name, status, terms) a token opens, or NotFound."""
    if not token or len(token) > 128:
        raise NotFound("this product test link is not valid")
    row = conn.execute(
        sa.select(
            panel_testers,
            panels.c.name.label("panel_name"),
            panels.c.product,
            panels.c.status.label("panel_status"),
            panels.c.terms_version,
            panels.c.receives,
            panels.c.disclosure,
        )
        .join(panels, panels.c.id == panel_testers.c.panel_id)
        .where(panel_testers.c.token_hash == hash_token(token))
    ).first()
    if row is None:
        raise NotFound("this product test link is not valid")
    return row
