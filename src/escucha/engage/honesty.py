"""The brand's honesty at a glance: how much of what our accounts published lately sells
(the guard's promotional share, warned above `[guard] promotional_share_max`) and whether we
give to the community more than we ask of it (the ledger's gives and asks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from escucha.core.context import Context
from escucha.store.schema import posts

GIVE_ASK_MONTHS = 3  # the ledger's months counted: this one and the two before


def brand_honesty(ctx: Context, now: datetime | None = None) -> dict:
    """The promotional share of our posts in the guard's window and the recent give/ask ratio.

    `{"promotional": {posts, promotional, share, threshold, window_days, warn},
      "give_ask": {months, gives, asks, ratio, warn}}`; `ratio` is None without asks."""
    from escucha.community.ledger import give_ask_by_month
    from escucha.engage.guard import load_lists, promotional_share
    from escucha.engage.inbox import our_authors, our_handles

    now = now or datetime.now(UTC)
    settings = ctx.config.guard
    brand = ctx.config.brand.name if ctx.config.brand else ""
    handles = our_handles(ctx)
    ours: list[tuple[datetime, str]] = []
    if handles:
        at = func.coalesce(posts.c.created_at, posts.c.fetched_at)
        since = now - timedelta(days=settings.promotional_window_days)
        with ctx.engine.connect() as conn:
            ours = [
                (when, text)
                for when, text in conn.execute(
                    select(at, posts.c.text).where(
                        posts.c.author_id.in_(our_authors(handles)), at >= since
                    )
                )
            ]
    share = promotional_share(
        ours, brand=brand, now=now, settings=settings, lists=load_lists(ctx.path)
    )
    months = give_ask_by_month(ctx, months=GIVE_ASK_MONTHS, now=now)
    gives, asks = sum(m["gives"] for m in months), sum(m["asks"] for m in months)
    return {
        "promotional": {
            "posts": share.posts,
            "promotional": share.promotional,
            "share": share.share,
            "threshold": share.threshold,
            "window_days": share.window_days,
            "warn": share.warn,
        },
        "give_ask": {
            "months": GIVE_ASK_MONTHS,
            "gives": gives,
            "asks": asks,
            "ratio": round(gives / asks, 2) if asks else None,
            "warn": asks > gives,
        },
    }
