"""Authors keyed by platform identity; every reject with its run; each run's connector version.

Authors were unique per (source, handle), so one account seen through two sources was two
authors. They become unique per (platform, instance, account id) and posts point to them by
`author_id`. Existing rows are re-keyed and merged:

- platform: the source's kind when the source is in source_state, else the source's name
  (a file import);
- for Mastodon, Bluesky and Discourse, the account id the connectors read now, from the
  payload of the author's first post that has one (a status's account id, a post's author
  DID, a forum post's user id), and for Mastodon and Discourse the instance that post's run
  read (the host of its location, else of the source's last run location); so an author
  migrated here and the same account collected afterwards are one author;
- otherwise (no payload, or no id in it) the handle, as ids were not stored before: for
  Mastodon and Discourse the host and user of a "user@host" handle, else the host of the
  source's last run location and the handle; "" and the handle elsewhere.

Authors of one identity merge into the first stored one, keeping the first value seen of each
attribute; every post is re-pointed. The downgrade splits them back per (source, handle).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import json
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BLUESKY_POST = "app.bsky.feed.post"
FEDERATED = ("mastodon", "discourse")  # platforms whose accounts are local to a server
ATTRIBUTES = ("handle", "display_name", "followers", "profile_url")
PAYLOAD_IDS = ("mastodon", "bluesky", "discourse")  # platforms whose payloads name the account
PAYLOAD_BATCH = 500  # payloads read at once (bound parameters stay under SQLite's 999)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable integer column referencing `target`.id (SQLite adds the reference inline)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer, sa.ForeignKey(f"{target}.id")))


def _host(location: str | None) -> str:
    """The server a run read, as the connectors name an instance: lower-cased, no port."""
    return (urlsplit(location).hostname or "") if location else ""


def _source_instances(bind: sa.Connection) -> dict[str, str]:
    """Each source's server, from the location (an instance URL) of its last run."""
    rows = bind.execute(sa.text("SELECT source, location FROM import_runs ORDER BY id"))
    return {source: _host(location) for source, location in rows}


def _field(record: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def _account_id(platform: str, payload: Any) -> str | None:
    """The author's id in a stored payload, read as the platform's connector reads it."""
    if platform == "mastodon":  # a status (of a boost, the boosted status)
        found = _field(payload, "account", "id")
    elif platform == "bluesky":  # a post view, or a Jetstream commit shaped like one
        uri = _field(payload, "uri")
        repo = ""
        if isinstance(uri, str):
            repo = uri.removeprefix("at://").partition(f"/{BLUESKY_POST}/")[0]
        found = _field(payload, "author", "did") or repo
    else:  # a Discourse post
        found = _field(payload, "user_id")
    if found is None or found == "":
        return None
    return str(found)[:255]


def _payload_identities(
    bind: sa.Connection, kinds: dict[str, str], instances: dict[str, str]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(source, handle) -> (instance, account id), from the first post of each such author.

    One payload per author, read a batch at a time.
    """
    first_posts = bind.execute(
        sa.text(
            "SELECT p.source, p.author_handle, MIN(p.id) FROM posts p "
            "JOIN raw_payloads r ON r.post_id = p.id "
            "JOIN source_state s ON s.source = p.source "
            "WHERE s.kind IN :kinds AND p.author_handle IS NOT NULL "
            "GROUP BY p.source, p.author_handle"
        ).bindparams(sa.bindparam("kinds", PAYLOAD_IDS, expanding=True))
    ).all()
    read = sa.text(
        "SELECT p.id, r.payload, i.location FROM posts p "
        "JOIN raw_payloads r ON r.post_id = p.id "
        "LEFT JOIN import_runs i ON i.id = p.import_run_id WHERE p.id IN :ids"
    ).bindparams(sa.bindparam("ids", expanding=True))
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for start in range(0, len(first_posts), PAYLOAD_BATCH):
        batch = first_posts[start : start + PAYLOAD_BATCH]
        stored = {
            post_id: (payload, location)
            for post_id, payload, location in bind.execute(read, {"ids": [b[2] for b in batch]})
        }
        for source, handle, post_id in batch:
            payload, location = stored[post_id]
            platform = kinds[source]
            try:
                account = _account_id(platform, json.loads(payload))
            except ValueError:
                account = None
            if account is not None:
                instance = ""
                if platform in FEDERATED:
                    instance = _host(location) or instances.get(source, "")
                found[(source, handle)] = (instance, account)
    return found


def _identity(platform: str, handle: str, source_instance: str) -> tuple[str, str, str]:
    if platform not in FEDERATED:
        return platform, "", handle
    user, at, host = handle.lstrip("@").partition("@")
    if at and user and host:
        return platform, host.lower(), user
    return platform, source_instance, handle


def upgrade() -> None:
    bind = op.get_bind()
    for name, length in (("platform", 64), ("instance", 255), ("account_id", 255)):
        op.add_column("authors", sa.Column(name, sa.String(length)))
    op.add_column("authors", sa.Column("first_source", sa.String(64)))

    kinds: dict[str, str] = {
        source: kind
        for source, kind in bind.execute(sa.text("SELECT source, kind FROM source_state"))
    }
    instances = _source_instances(bind)
    rows = bind.execute(
        sa.text(
            "SELECT id, source, handle, display_name, followers, profile_url "
            "FROM authors ORDER BY id"
        )
    ).all()
    from_payloads = _payload_identities(bind, kinds, instances)
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in rows:
        platform = kinds.get(row.source, row.source)
        found = from_payloads.get((row.source, row.handle))
        identity = (
            (platform, *found)
            if found
            else _identity(platform, row.handle, instances.get(row.source, ""))
        )
        groups[identity].append(row)

    kept, merged, dropped = [], [], []
    for (platform, instance, account_id), members in groups.items():
        first = members[0]
        values = {
            a: next((getattr(m, a) for m in members if getattr(m, a) is not None), None)
            for a in ATTRIBUTES
        }
        kept.append(
            {
                "id": first.id,
                "platform": platform,
                "instance": instance,
                "account_id": account_id,
                "first_source": first.source,
                **values,
            }
        )
        merged += [{"source": m.source, "handle": m.handle, "author_id": first.id} for m in members]
        dropped += [{"id": m.id} for m in members[1:]]
    if kept:
        bind.execute(
            sa.text(
                "UPDATE authors SET platform = :platform, instance = :instance, "
                "account_id = :account_id, first_source = :first_source, handle = :handle, "
                "display_name = :display_name, followers = :followers, "
                "profile_url = :profile_url WHERE id = :id"
            ),
            kept,
        )
    if dropped:
        bind.execute(sa.text("DELETE FROM authors WHERE id = :id"), dropped)

    # Which author each (source, handle) of the old key became, to re-point the posts.
    author_merge = op.create_table(
        "author_merge",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("handle", sa.String(255), primary_key=True),
        sa.Column("author_id", sa.Integer, nullable=False),
    )
    if merged:
        op.bulk_insert(author_merge, merged)

    with op.batch_alter_table("authors") as batch:
        batch.drop_constraint("uq_authors_source_handle", type_="unique")
        batch.drop_column("source")
        for name in ("platform", "instance", "account_id", "first_source"):
            batch.alter_column(name, nullable=False)
        batch.create_unique_constraint(
            "uq_authors_identity", ["platform", "instance", "account_id"]
        )

    _add_reference("posts", "author_id", "authors")
    op.execute(
        "UPDATE posts SET author_id = (SELECT m.author_id FROM author_merge m "
        "WHERE m.source = posts.source AND m.handle = posts.author_handle) "
        "WHERE author_handle IS NOT NULL"
    )
    op.drop_table("author_merge")
    op.create_index("ix_posts_author_id", "posts", ["author_id"])

    op.add_column("import_runs", sa.Column("connector_version", sa.String(128)))
    _add_reference("source_rejects", "import_run_id", "import_runs")
    op.add_column("source_rejects", sa.Column("line", sa.Integer))


def downgrade() -> None:
    bind = op.get_bind()
    # Plain DROP COLUMN (SQLite >= 3.35): rebuilding a table that others reference would, with
    # foreign keys enforced, cascade into them.
    op.drop_column("source_rejects", "line")
    op.drop_column("source_rejects", "import_run_id")
    op.drop_column("import_runs", "connector_version")

    # One author row per (source, handle) again: the author's own first source, and every
    # other source a post of it came through.
    authors = bind.execute(
        sa.text(
            "SELECT id, first_source, handle, display_name, followers, profile_url "
            "FROM authors ORDER BY id"
        )
    ).all()
    seen = bind.execute(
        sa.text(
            "SELECT DISTINCT source, author_handle, author_id FROM posts "
            "WHERE author_id IS NOT NULL AND author_handle IS NOT NULL"
        )
    ).all()
    op.drop_index("ix_posts_author_id", table_name="posts")
    op.drop_column("posts", "author_id")

    by_id = {a.id: a for a in authors}
    rows: dict[tuple[str, str], dict] = {}
    for a in authors:
        rows.setdefault((a.first_source, a.handle), {"id": a.id, **_attributes(a)})
    for source, handle, author_id in seen:
        rows.setdefault((source, handle), {**_attributes(by_id[author_id]), "handle": handle})
    bind.execute(sa.text("DELETE FROM authors"))
    with op.batch_alter_table("authors") as batch:
        batch.drop_constraint("uq_authors_identity", type_="unique")
        for name in ("platform", "instance", "account_id", "first_source"):
            batch.drop_column(name)
        batch.add_column(sa.Column("source", sa.String(64), nullable=False))
        batch.create_unique_constraint("uq_authors_source_handle", ["source", "handle"])
    table = sa.table("authors", *(sa.column(c) for c in ("id", "source", *ATTRIBUTES)))
    restored = [{"source": source, **row} for (source, _), row in rows.items()]
    for rows_of_a_shape in (
        [r for r in restored if "id" in r],
        [r for r in restored if "id" not in r],
    ):
        if rows_of_a_shape:
            bind.execute(sa.insert(table), rows_of_a_shape)


def _attributes(author: sa.Row) -> dict:
    return {a: getattr(author, a) for a in ATTRIBUTES}
