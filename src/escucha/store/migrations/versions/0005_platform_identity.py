"""Authors keyed by platform identity; every reject with its run; each run's connector version.

Authors were unique per (source, handle), so one account seen through two sources was two
authors. They become unique per (platform, instance, account id) and posts point to them by
`author_id`. Existing rows are re-keyed and merged:

- platform: the source's kind when the source is in source_state, else the source's name
  (a file import);
- instance: for Mastodon and Discourse, the server: the host of a "user@host" handle, else the
  host of the source's last run location; "" elsewhere;
- account id: the handle (its user part for "user@host"); ids were not stored before.

Authors of one identity merge into the first stored one, keeping the first value seen of each
attribute; every post is re-pointed. The downgrade splits them back per (source, handle).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections import defaultdict
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FEDERATED = ("mastodon", "discourse")  # platforms whose accounts are local to a server
ATTRIBUTES = ("handle", "display_name", "followers", "profile_url")


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable integer column referencing `target`.id (SQLite adds the reference inline)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer, sa.ForeignKey(f"{target}.id")))


def _source_instances(bind: sa.Connection) -> dict[str, str]:
    """Each source's server, from the location (an instance URL) of its last run."""
    rows = bind.execute(sa.text("SELECT source, location FROM import_runs ORDER BY id"))
    return {source: (urlsplit(location).hostname or "") for source, location in rows}


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
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in rows:
        platform = kinds.get(row.source, row.source)
        groups[_identity(platform, row.handle, instances.get(row.source, ""))].append(row)

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
