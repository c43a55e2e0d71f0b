"""The filters of the explorer and the API: a boolean query plus brand, language, sentiment,
intent, source, custom category and dates. The structured filters become query text, so both
share the query language's one meaning of each field (e.g. lang: is the model's language,
else the source's)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Query as Param

from escucha.core.labels import Intent, Sentiment
from escucha.errors import UserError
from escucha.i18n import Message
from escucha.query import Query, QuerySyntaxError, parse
from escucha.web.params import Day

MAX_QUERY = 1000
MAX_VALUE = 255


class FilterError(UserError):
    """A filter that cannot be applied; `position` points into `q` when the query is at fault,
    and `caret` is then `q` on one line with a caret under that position (as the CLI shows)."""

    def __init__(
        self, message: str | Message, position: int | None = None, caret: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.position = position
        self.caret = caret


@dataclass(frozen=True)
class PostFilter:
    q: str = ""
    brand: str | None = None
    lang: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    source: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    category: str | None = None

    @property
    def empty(self) -> bool:
        return not any(asdict(self).values())

    def params(self, **extra: object) -> str:
        """The filter as a URL query string (for links to the next page, exports, ...)."""
        items = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}
        items.update(extra)
        return urlencode({k: v for k, v in items.items() if v not in (None, "")})

    def query_text(self) -> str:
        """The whole filter as one query in the query language ("" when empty)."""
        parts = [f"({self.q.strip()})"] if self.q.strip() else []
        for name in ("brand", "source", "category"):
            value = getattr(self, name)
            if value:
                parts.append(f'{name}:"{value}"')
        for name in ("lang", "sentiment", "intent"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}:{value}")
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else ""
            end = self.date_to.isoformat() if self.date_to else ""
            parts.append(f"date:{start}..{end}")
        return " AND ".join(parts)

    def compile(self) -> Query | None:
        """The parsed query, or None for no filter at all; FilterError if it is not valid."""
        for name in ("brand", "source", "lang", "category"):
            value = getattr(self, name)
            if value and ('"' in value or len(value) > MAX_VALUE or not value.strip()):
                raise FilterError(Message("filter_bad_value", {"name": name}))
        if len(self.q) > MAX_QUERY:
            raise FilterError(Message("filter_query_too_long", {"limit": MAX_QUERY}))
        if self.q.strip():
            try:
                parse(self.q)
            except QuerySyntaxError as exc:
                raise FilterError(
                    exc.translatable or str(exc), exc.position, exc.render()
                ) from None
        text = self.query_text()
        if not text:
            return None
        try:
            return parse(text)
        except QuerySyntaxError as exc:
            raise FilterError(exc.translatable or str(exc)) from None


def _clean(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def post_filter(
    q: Annotated[str, Param(description="Boolean query (docs/query-language.md).")] = "",
    brand: Annotated[str | None, Param(description="Brand name, as configured.")] = None,
    lang: Annotated[str | None, Param(description="Language code, e.g. es.")] = None,
    sentiment: Annotated[Sentiment | Literal[""] | None, Param()] = None,
    intent: Annotated[Intent | Literal[""] | None, Param()] = None,
    source: Annotated[str | None, Param(description="Source name.")] = None,
    date_from: Annotated[
        Day | Literal[""] | None, Param(description="First day (UTC), YYYY-MM-DD.")
    ] = None,
    date_to: Annotated[
        Day | Literal[""] | None, Param(description="Last day (UTC), YYYY-MM-DD, included.")
    ] = None,
    category: Annotated[
        str | None, Param(description="A custom category's name (tagged or by its query).")
    ] = None,
) -> PostFilter:
    """FastAPI dependency: the same filter parameters for the pages and the API."""
    return PostFilter(
        q=q.strip(),
        brand=_clean(brand),
        lang=_clean(lang),
        sentiment=sentiment or None,
        intent=intent or None,
        source=_clean(source),
        date_from=date_from or None,
        date_to=date_to or None,
        category=_clean(category),
    )
