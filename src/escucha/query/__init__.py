"""Boolean queries over posts, the subset users know from Brandwatch and Talkwalker.

    q = parse('(brand:Iberia OR brand:Vueling) AND intent:complaint AND NOT lang:en')
    ids = select_posts(conn, q, model_version)     # on the store, SQLite or PostgreSQL
    q.matches({"text": "...", "brands": ["Iberia"], "intents": ["complaint"], "lang": "es"})

The grammar and its semantics are in docs/query-language.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from escucha.query import sql
from escucha.query.ast import Node, to_text
from escucha.query.errors import QuerySyntaxError, QueryTooSlow
from escucha.query.memory import matches
from escucha.query.parser import parse_tree

__all__ = ["Query", "QuerySyntaxError", "QueryTooSlow", "explain", "parse", "select_posts"]


@dataclass(frozen=True)
class Query:
    """A parsed, valid query: `text` as written, `root` its syntax tree."""

    text: str
    root: Node

    def matches(self, post: Mapping) -> bool:
        """Evaluate in memory over a post dict with keys text, author, lang, source, brands,
        sentiment, intents, categories (the names of the categories the post belongs to),
        created_at (datetime, naive = UTC, or ISO text) and url; a missing key is an empty
        value. `lang` is the model's language, else the source's."""
        return matches(self.root, post)

    def explain(self) -> str:
        return to_text(self.root)

    def __str__(self) -> str:
        return self.explain()


def parse(text: str) -> Query:
    """Parse and validate; raises QuerySyntaxError with the position of the problem."""
    return Query(text, parse_tree(text))


def explain(query: Query | str) -> str:
    """The normalised form: explicit operators, minimal parentheses, folded words."""
    return (parse(query) if isinstance(query, str) else query).explain()


def select_posts(
    conn: Connection,
    query: Query | str,
    model_version: str,
    limit: int | None = None,
    budget: float | None = None,
    within: Sequence[int] | None = None,
) -> list[int]:
    """Ids of the stored posts matching `query`, in id order, at most `limit` of them.

    `model_version` names the enrichments that sentiment:, intent: and lang: read;
    `category:` reads the workspace's categories (tagged posts and saved queries). With a
    `budget` (seconds), a query still running after it stops with QueryTooSlow; `within`:
    only among these post ids.
    """
    root = (parse(query) if isinstance(query, str) else query).root
    return sql.select_posts(conn, root, model_version, limit, budget, within)
