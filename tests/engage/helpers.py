"""Posts, readings and brand mentions written straight into a workspace, for the inbox's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from escucha.core.items import Item
from escucha.enrich import current_model_version
from escucha.store.schema import brand_mentions, enrichments, posts
from escucha.store.writer import finish_run, start_run, store_batch

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def add_post(
    ws,
    native_id: str,
    text: str,
    *,
    author: str = "ana",
    source: str = "masto",
    platform: str = "mastodon",
    parent: str | None = None,
    root: str | None = None,
    hours_ago: float = 1.0,
    followers: int | None = None,
) -> int:
    """Store one post (and its author) as a connector would; return its id."""
    item = Item(
        source=source,
        native_id=native_id,
        text=text,
        fetched_at=NOW,
        created_at=NOW - timedelta(hours=hours_ago),
        author=author,
        platform=platform,
        author_id=author,
        parent_id=parent,
        root_id=root,
        raw={"id": native_id},
    )
    run = start_run(ws.engine, source, "test", "test")
    store_batch(ws.engine, source, run, [item])
    finish_run(ws.engine, run, "done")
    with ws.engine.begin() as conn:
        post_id = conn.scalar(
            select(posts.c.id).where(posts.c.source == source, posts.c.native_id == native_id)
        )
        if followers is not None:
            from escucha.store.schema import authors

            author_id = conn.scalar(select(posts.c.author_id).where(posts.c.id == post_id))
            conn.execute(
                authors.update().where(authors.c.id == author_id).values(followers=followers)
            )
    return post_id


def read_as(ws, post_id: int, *intents: str, lang: str = "es") -> None:
    """The current model's reading of a post, with these intent labels."""
    scores = {k: (0.9 if k in intents else 0.05) for k in
              ("wish", "complaint", "question", "praise", "promo")}  # fmt: skip
    with ws.engine.begin() as conn:
        conn.execute(
            insert(enrichments),
            {
                "post_id": post_id,
                "model_version": current_model_version(),
                "lang": lang,
                "sentiment": "neutral",
                "negative": 0.1,
                "neutral": 0.8,
                "positive": 0.1,
                **scores,
                "intents": list(intents),
                "enriched_at": NOW,
            },
        )


def mentions_us(ws, post_id: int, brand: str = "Iberia") -> None:
    with ws.engine.begin() as conn:
        conn.execute(insert(brand_mentions), {"post_id": post_id, "brand": brand, "matcher": "t"})


def asking_post(ws, native_id: str, text: str, intent: str = "question", **kw) -> int:
    """A post that mentions our brand and asks something of us."""
    post_id = add_post(ws, native_id, text, **kw)
    read_as(ws, post_id, intent, lang=kw.pop("lang", "es") if "lang" in kw else "es")
    mentions_us(ws, post_id)
    return post_id
