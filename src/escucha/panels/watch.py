"""The disclosure watch for testers: their collected public posts that mention the product or
the brand, since they were invited, go through the honest-post guard with the connection the
test gives them (`gifted`: a gift or a loan); the undisclosed ones are listed with a polite
reminder in the post's language, itself checked as a post of the brand's account."""

from __future__ import annotations

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.panels.define import get_panel
from escucha.store.schema import authors, brand_mentions, contact_identities, posts
from escucha.store.schema.panels import panel_testers

WATCHED = ("accepted", "shipped", "active", "completed", "dropped")


def disclosure_watch(ctx: Context, panel_id: int) -> list[dict]:
    """Testers' posts about the product or brand without a clear disclosure, newest first."""
    from escucha.engage.disclosures import reminder_text
    from escucha.engage.guard import check, load_lists

    panel = get_panel(ctx, panel_id)
    brand = ctx.config.brand.name if ctx.config.brand else None
    product = (panel["product"] or "").strip()
    if not brand and not product:
        return []
    connection = "gifted"
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                posts.c.id,
                posts.c.text,
                posts.c.url,
                posts.c.created_at,
                posts.c.lang_hint,
                authors.c.handle,
                panel_testers.c.contact_id,
                panel_testers.c.invited_at,
            )
            .select_from(
                panel_testers.join(
                    contact_identities,
                    contact_identities.c.contact_id == panel_testers.c.contact_id,
                )
                .join(posts, posts.c.author_id == contact_identities.c.author_id)
                .join(authors, authors.c.id == posts.c.author_id)
            )
            .where(panel_testers.c.panel_id == panel_id, panel_testers.c.status.in_(WATCHED))
            .order_by(posts.c.id)
        ).all()
        mentioned = set()
        if brand and rows:
            mentioned = set(
                conn.scalars(
                    sa.select(brand_mentions.c.post_id).where(
                        brand_mentions.c.brand == brand,
                        brand_mentions.c.post_id.in_([r.id for r in rows]),
                    )
                )
            )
    settings, lists = ctx.config.guard, load_lists(ctx.path)
    found = []
    for row in rows:
        text = row.text or ""
        about = (
            row.id in mentioned
            or (product and product.casefold() in text.casefold())
            or (brand and brand.casefold() in text.casefold())
        )
        if not about:
            continue
        if row.invited_at and row.created_at and row.created_at < row.invited_at:
            continue
        verdict = check(
            text,
            brand=brand or product,
            connection=connection,
            lang=row.lang_hint,
            settings=settings,
            lists=lists,
        )
        flag = next((f for f in verdict.flags if f.name == "undisclosed_connection"), None)
        if flag is None:
            continue
        reminder = reminder_text(brand or product, connection, row.lang_hint, row.handle)
        checked = check(
            reminder,
            brand=brand or product,
            connection="brand_account",
            lang=row.lang_hint,
            settings=settings,
            lists=lists,
        )
        found.append(
            {
                "post_id": row.id,
                "contact_id": row.contact_id,
                "author": row.handle,
                "url": row.url,
                "text": text,
                "created_at": row.created_at,
                "reason": flag.reason,
                "reminder": {
                    "text": reminder,
                    "verdict": checked.verdict,
                    "reasons": list(checked.reasons),
                },
            }
        )
    found.sort(key=lambda d: d["post_id"], reverse=True)
    return found
