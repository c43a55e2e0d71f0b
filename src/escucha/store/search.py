"""The search structures behind queries, which the table models cannot declare portably.

`posts.words` holds each post's folded words (`escucha.core.text.folded_words`), written with
the text. Over it:

- SQLite: an FTS5 index (`posts_fts`, external content: it stores no text of its own) kept in
  step with `posts` by triggers. Its `ascii` tokenizer splits only on spaces and ASCII
  punctuation, and `_` is a word character, so its tokens are exactly the folded words. It
  keeps no sizes (`columnsize=0`: no ranking here) and no prefix indexes (they serve only
  prefixes of their exact length, and `cancel*` merges the few words it names anyway): both
  cost the import more than they give the queries.
- PostgreSQL: a trigram GIN index on `posts.words` (the `pg_trgm` extension lives in schema
  `public`, so a store in any schema finds it), serving `LIKE '% word %'`.
- Both: indexes on the ASCII-lowered brand and author handle, so `brand:` and `author:` read
  only the matching rows.
- PostgreSQL: partial indexes the planner reads instead of tables (`create_plan_indexes`):
  the ids of the live posts, and per intent the (model version, post) of the enrichments
  that hold it.

Migration 0018 builds them on an existing store; `metadata.create_all` builds them too (the
`after_create` hooks in `escucha.store.schema`). Alembic's model comparison skips them
(`include_name`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from escucha.core.labels import INTENTS

FTS = "posts_fts"
_FTS_TABLES = {
    FTS,
    *(f"{FTS}_{part}" for part in ("data", "idx", "docsize", "config", "deferred")),
}
_FTS_TRIGGERS = ("posts_fts_insert", "posts_fts_delete", "posts_fts_update")
TRIGRAMS = "ix_posts_words_trgm"
# index name -> (table, the column compared lowered, further columns)
FOLDED_INDEXES = {
    "ix_brand_mentions_folded": ("brand_mentions", "brand", ("post_id",)),
    "ix_posts_author_folded": ("posts", "author_handle", ()),
}
# index name -> (table, handle column): the handle lowered without its leading @s, as our
# accounts are found among the authors (engage.inbox.our_authors: the overview's honesty panel
# reads our recent posts on every request; without it a scan of every author, 1.8 s at 400,000)
HANDLE_KEY_INDEXES = {"ix_authors_handle_key": ("authors", "handle")}
LIVE_POSTS_INDEX = "ix_posts_live"


def intent_pattern(intent: str) -> str:
    """What `intent:` looks for in an enrichment's intents as JSON text: the quoted name."""
    return f'%"{intent}"%'


# partial indexes on PostgreSQL (see create_plan_indexes): name -> (table, columns, predicate)
PLAN_INDEXES = {
    LIVE_POSTS_INDEX: ("posts", "id", "deleted_at IS NULL"),
    **{
        f"ix_enrichments_intent_{intent}": (
            "enrichments",
            "model_version, post_id",
            f"(intents)::text LIKE '{intent_pattern(intent)}'",
        )
        for intent in INTENTS
    },
}
# extended statistics on enrichments (PostgreSQL): see create_enrichment_statistics
ENRICHMENT_STATISTICS = "st_enrichments_folded"
POST_STATISTICS = "st_posts_utc_day"  # see create_post_statistics
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# While this table has a row (only inside the batch writer's transaction, so no other
# connection ever sees it) the insert trigger stands aside and the batch is indexed at once.
DEFERRED = f"{FTS}_deferred"

_SQLITE_WORDS = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(words, content='posts', content_rowid='id', "
    "tokenize=\"ascii tokenchars '_'\", columnsize=0)",
    f"CREATE TABLE {DEFERRED} (batch INTEGER NOT NULL)",
    f"CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts "
    f"WHEN NOT EXISTS (SELECT 1 FROM {DEFERRED}) BEGIN "
    f"INSERT INTO {FTS}(rowid, words) VALUES (new.id, new.words); END",
    f"CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, words) VALUES ('delete', old.id, old.words); END",
    f"CREATE TRIGGER posts_fts_update AFTER UPDATE OF words ON posts BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, words) VALUES ('delete', old.id, old.words); "
    f"INSERT INTO {FTS}(rowid, words) VALUES (new.id, new.words); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
)
TRIGRAM_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"
"""A schema's dump leaves extensions out: a restore into a new database creates it first."""
_POSTGRES_WORDS = (
    TRIGRAM_EXTENSION,
    f"CREATE INDEX {TRIGRAMS} ON posts USING gin (words public.gin_trgm_ops)",
)


def is_search_object(name: str | None) -> bool:
    """Whether a table, trigger or index of that name is one of the structures above."""
    return (
        name in _FTS_TABLES
        or name == TRIGRAMS
        or name in FOLDED_INDEXES
        or name in HANDLE_KEY_INDEXES
        or name in PLAN_INDEXES
    )


def include_name(name: str | None, _type: Any, _parents: Any) -> bool:
    """Alembic's `include_name`: compare the models with everything but these structures."""
    return not is_search_object(name)


def create_word_index(conn: Connection) -> None:
    """Index `posts.words` (already filled) on the connection's database."""
    for statement in _SQLITE_WORDS if conn.dialect.name == "sqlite" else _POSTGRES_WORDS:
        conn.exec_driver_sql(statement)


def drop_word_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for trigger in _FTS_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {DEFERRED}")
    else:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {TRIGRAMS}")


def index_new_posts_at_once(conn: Connection, after_id: int) -> Callable[[], None] | None:
    """SQLite: have the insert trigger stand aside for a batch of new posts; the returned call
    (run after the insert, in the same transaction) indexes every post above `after_id` in
    one statement. FTS5 takes 0.3 s for 100,000 posts that way against 4 s one trigger call
    a row. None where there is no FTS5 index (PostgreSQL, a store before migration 0018)."""
    if (
        conn.dialect.name != "sqlite"
        or not conn.exec_driver_sql(
            f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{DEFERRED}'"
        ).first()
    ):
        return None
    conn.exec_driver_sql(f"INSERT INTO {DEFERRED} (batch) VALUES (1)")

    def index() -> None:
        conn.exec_driver_sql(
            f"INSERT INTO {FTS}(rowid, words) SELECT id, words FROM posts WHERE id > ?",
            (after_id,),
        )
        conn.exec_driver_sql(f"DELETE FROM {DEFERRED}")

    return index


def create_folded_index(conn: Connection, name: str) -> None:
    """An index on a column as `brand:` and `author:` compare it (A-Z lowered, as the query's
    `AsciiLower` compiles), then the columns that let the index answer alone."""
    table, column, rest = FOLDED_INDEXES[name]
    columns = ", ".join((_folded(conn, column), *rest))
    # PostgreSQL reads an expression index alone only if it holds the expression's column too:
    # `brand:Iberia` then reads its 230,000 of 1M mentions from the index (0.1 s), not every
    # mention lowered by a sequential scan (1.9 s). SQLite needs no copy.
    include = f" INCLUDE ({column})" if rest and conn.dialect.name == "postgresql" else ""
    conn.exec_driver_sql(f"CREATE INDEX {name} ON {table} ({columns}){include}")


def _folded(conn: Connection, column: str) -> str:
    return f"lower({column})" if conn.dialect.name == "sqlite" else _pg_ascii_lower(column)


def create_handle_key_index(conn: Connection, name: str) -> None:
    """An index on `ltrim(AsciiLower(handle), '@')`, the expression `our_authors` compares."""
    table, column = HANDLE_KEY_INDEXES[name]
    lowered = f"lower({column})" if conn.dialect.name == "sqlite" else _pg_ascii_lower(column)
    conn.exec_driver_sql(f"CREATE INDEX {name} ON {table} (ltrim({lowered}, '@'))")


def create_enrichment_statistics(conn: Connection) -> None:
    """PostgreSQL: statistics on the enrichment expressions queries filter by, `intents` as
    text (`intent:` is a LIKE on it) and the lowered `lang`. Without them the planner guesses
    that a LIKE keeps almost no row (42 estimated, 150,000 read at 1M posts) and probes row by
    row where a hash join is 2x faster; the intent sets are few, so their frequencies are exact."""
    if conn.dialect.name != "postgresql":
        return
    lowered = _pg_ascii_lower("lang")
    conn.exec_driver_sql(
        f"CREATE STATISTICS IF NOT EXISTS {ENRICHMENT_STATISTICS} "
        f"ON ((intents)::text), ({lowered}) FROM enrichments"
    )


def create_post_statistics(conn: Connection) -> None:
    """PostgreSQL: statistics on the UTC day of a post as the mention counts group by it
    (reads.mentions). Without them the planner takes the day for as many values as there are
    dates, expects one group per mention (10M at 10M posts, where there are 34,000) and sorts
    every joined row on disk to group them, instead of hashing them into the few groups."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        f"CREATE STATISTICS IF NOT EXISTS {POST_STATISTICS} "
        "ON (to_char(timezone('UTC', created_at), 'YYYY-MM-DD')) FROM posts"
    )


def create_plan_indexes(conn: Connection, table: str) -> None:
    """PostgreSQL: the partial indexes on `table` that let a query's joins read sorted post ids
    from indexes alone (index-only scans, once VACUUM has marked the pages visible) and merge
    them. At 1M posts, `brand:Iberia AND sentiment:negative` read every post's row to keep the
    live ones (`deleted_at IS NULL`) and hashed them; with the live ids in an index it merges
    three index scans. And `intent:complaint`, a LIKE on the intents as JSON text no index can
    serve, read all 1M enrichments; its partial index holds the 150,000 that match. The
    predicate is the condition `intent:` compiles to, so the planner sees that it implies it.
    SQLite answers these shapes in under a second without them."""
    if conn.dialect.name != "postgresql":
        return
    for name, (on, columns, predicate) in PLAN_INDEXES.items():
        if on == table:
            where = predicate.replace("%", "%%")  # the driver's placeholders
            conn.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {name} ON {on} ({columns}) WHERE {where}"
            )


def drop_folded_index(conn: Connection, name: str) -> None:
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def _pg_ascii_lower(column: str) -> str:
    return f"translate({column}, '{_UPPER}', '{_UPPER.lower()}')"
