"""The error a query with bad syntax raises, and its caret rendering for the terminal."""

from __future__ import annotations

from escucha.errors import Overloaded, UserError
from escucha.i18n.catalogue import Message


class QuerySyntaxError(UserError):
    """A query that cannot be parsed; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str | Message, position: int, query: str) -> None:
        super().__init__(message)
        self.position = position
        self.query = query

    def render(self) -> str:
        """The query on one line and a caret under the problem, e.g. for the CLI."""
        line = self.query.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        return f"{line}\n{' ' * self.position}^"


def syntax_error(key: str, position: int, query: str, **params: object) -> QuerySyntaxError:
    """The error of catalogue sentence `key` (each says '... at position <n>')."""
    return QuerySyntaxError(Message(key, {"position": position, **params}), position, query)


class QueryTooSlow(Overloaded):
    """A query that ran past its time budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(Message("query_too_slow", {"seconds": f"{seconds:g}"}))
        self.seconds = seconds
