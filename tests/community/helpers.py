"""Small builders shared by the community's tests."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from escucha.store.schema import (
    consent_records,
    contact_attributes,
    contact_emails,
    contact_identities,
    contact_merges,
    contacts,
    interactions,
    merge_evidence,
)

CONTACT_TABLES = (
    contacts,
    contact_identities,
    contact_emails,
    contact_attributes,
    consent_records,
    interactions,
    merge_evidence,
)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def posts_file(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """Posts as (id, author, platform, text)."""
    return write_csv(
        path,
        ["id", "author", "author_name", "platform", "text", "created_at"],
        [[i, a, a.title(), p, t, "2026-11-01"] for i, a, p, t in rows],
    )


def snapshot(ws) -> dict[str, list[tuple]]:
    """Every row of the community's tables (merge log aside), for exact comparisons."""
    with ws.engine.connect() as conn:
        return {
            table.name: sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
            for table in CONTACT_TABLES
        }


def merge_log(ws) -> list[dict]:
    with ws.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(contact_merges))]


def contact_of(ws, platform: str, key: str) -> int:
    with ws.engine.connect() as conn:
        return conn.scalar(
            select(contact_identities.c.contact_id).where(
                contact_identities.c.platform == platform,
                contact_identities.c.handle_key == key,
            )
        )
