"""What the benchmarks that write posts by hand share, so their stores hold what the writer
writes: each post's folded words (`posts.words`, `escucha.core.text.folded_words`), the search
index over them filled (SQLite's FTS5 index at once after a batch, as the writer does), and a
check that a word query finds posts in the store built.

Rows built in Python take `folded_words(text)` directly; an `INSERT ... SELECT` on SQLite calls
it as the SQL function `folded_words` once `words_function` has registered it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from escucha.core.text import folded_words
from escucha.query import select_posts
from escucha.store.search import index_new_posts_at_once

__all__ = ["check_word_query", "folded_words", "indexed_at_once", "words_function"]


def words_function(conn: Connection) -> None:
    """SQLite: `folded_words(text)` in this connection's SQL, the writer's own function."""
    raw = conn.connection.driver_connection
    raw.create_function("folded_words", 1, folded_words, deterministic=True)  # type: ignore[union-attr]


@contextmanager
def indexed_at_once(conn: Connection) -> Iterator[None]:
    """Posts inserted inside (in this transaction) are put in SQLite's word index in one
    statement on leaving, as the writer does after a batch; the insert trigger would index
    them one row at a time. PostgreSQL's trigram index follows the column by itself."""
    before = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM posts").scalar() or 0
    index = index_new_posts_at_once(conn, before)
    yield
    if index is not None:
        index()


def check_word_query(engine: Engine, text: str, model_version: str = "") -> int:
    """How many posts the word query `text` finds (printed); exits if none: the store's words
    or its index are missing."""
    with engine.connect() as conn:
        found = len(select_posts(conn, text, model_version))
    print(f"word query {text!r}: {found:,} posts", flush=True)
    if not found:
        raise SystemExit(f"the word query {text!r} found no posts: posts.words is not filled")
    return found
