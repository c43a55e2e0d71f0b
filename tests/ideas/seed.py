"""Put posts with stand-in model outputs straight into a workspace's store (no model run)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from escucha.core.items import Item
from escucha.enrich import current_model_version
from escucha.store.schema import brand_mentions, enrichments, posts
from escucha.store.writer import write_batch
from escucha.workspace import Workspace


def add_posts(workspace: Workspace, rows: list[dict]) -> dict[str, int]:
    """Store posts given as dicts (native_id, text, created_at, and optionally author, lang,
    sentiment, intents, brands, source); return their ids by native id."""
    now = datetime.now(UTC)
    items = [
        Item(
            source=r.get("source", "test"),
            native_id=r["native_id"],
            text=r["text"],
            fetched_at=now,
            created_at=r["created_at"],
            author=r.get("author"),
            url=r.get("url"),
        )
        for r in rows
    ]
    version = current_model_version()
    with workspace.engine.begin() as conn:
        write_batch(conn, items, None)
        ids = dict(
            conn.execute(
                sa.select(posts.c.native_id, posts.c.id).where(
                    posts.c.native_id.in_([r["native_id"] for r in rows])
                )
            ).all()
        )
        conn.execute(
            sa.insert(enrichments),
            [
                {
                    "post_id": ids[r["native_id"]],
                    "model_version": version,
                    "lang": r.get("lang", "en"),
                    "sentiment": r.get("sentiment", "neutral"),
                    "negative": 0.0,
                    "neutral": 1.0,
                    "positive": 0.0,
                    "wish": 1.0 if "wish" in r.get("intents", []) else 0.0,
                    "complaint": 0.0,
                    "question": 0.0,
                    "praise": 0.0,
                    "promo": 0.0,
                    "intents": r.get("intents", []),
                    "enriched_at": now,
                }
                for r in rows
            ],
        )
        mentions = [
            {"post_id": ids[r["native_id"]], "brand": b, "matcher": "test"}
            for r in rows
            for b in r.get("brands", [])
        ]
        if mentions:
            conn.execute(sa.insert(brand_mentions), mentions)
    return ids
