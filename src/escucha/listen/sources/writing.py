"""Publishing through a connector: replies and posts, each published at most once.

A write whose outcome is unknown (a timeout, a lost connection, a 5xx) is never simply sent
again. Each kind names its own way to make a second attempt harmless: a key the platform
honours (Mastodon's Idempotency-Key), a record key derived from the idempotency key
(Bluesky), or a look for our own post with that text before sending again (Discourse,
Reddit). `publish_once` runs that loop for all of them.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from escucha.errors import UserError
from escucha.listen.http import Retry, RetryPolicy, SourceError
from escucha.listen.sources.base import Source


@dataclass(frozen=True, slots=True)
class Published:
    """What the platform made of a write: its native id, its address and its own time, and
    the account that wrote it as the connector keys authors when it collects (`account_id`:
    the platform's native account id; None when the answer does not say)."""

    native_id: str
    url: str | None
    created_at: datetime | None
    account_id: str | None = None
    handle: str | None = None


@dataclass(frozen=True, slots=True)
class WriteLimit:
    """The longest text a platform accepts, counted the way the platform counts."""

    size: int
    unit: Literal["characters", "graphemes"] = "characters"

    def measure(self, text: str) -> int:
        return graphemes(text) if self.unit == "graphemes" else len(text)


class Publisher(ABC):
    """The optional write capability of a connector kind (mixed into its `Source`)."""

    write_limit: ClassVar[WriteLimit]
    idempotency: ClassVar[str]  # how a second attempt is recognised, for docs and messages

    @abstractmethod
    def reply(self, parent: str, text: str, idempotency_key: str) -> Published:
        """Publish `text` as a reply to the post whose native id is `parent`."""

    @abstractmethod
    def post(
        self,
        text: str,
        idempotency_key: str,
        *,
        title: str | None = None,
        community: str | None = None,
    ) -> Published:
        """Publish a new post (`title` and `community` where the platform needs them)."""

    @classmethod
    def post_refusal(cls, title: str | None, community: str | None) -> str | None:
        """Why a new post with this title and community cannot be published on the platform
        (one line), or None; asked before a draft is written (a kind that does not say lets
        its `post` refuse when publishing)."""
        return None


class ParentGone(SourceError):
    """The post being replied to is no longer there (deleted upstream, or hidden from us)."""


def can_publish(source: Source | type[Source]) -> bool:
    kind = source if isinstance(source, type) else type(source)
    return issubclass(kind, Publisher)


def checked_text(source: Source, limit: WriteLimit, text: str) -> str:
    """The text to publish, or a UserError naming the platform's limit."""
    text = text.strip()
    if not text:
        raise UserError(f"{source.name}: nothing to publish (the text is empty)")
    size = limit.measure(text)
    if size > limit.size:
        raise UserError(
            f"{source.name}: a {source.platform} post holds at most {limit.size:,} "
            f"{limit.unit}; this one has {size:,}"
        )
    return text


def publish_once(
    source: Source,
    send: Callable[[], Published],
    find: Callable[[], Published | None] | None = None,
) -> Published:
    """Send one write; after an unknown outcome, `find` it before sending again.

    `find` (None where the platform itself recognises a repeated request) is asked first as
    well, so a second call with the same idempotency key returns the first call's post. It
    reads through the source's own retrying calls.
    """
    policy = RetryPolicy(source.name, source.http_options, source.sleep)
    options = source.http_options
    if find is not None and (found := find()) is not None:
        return found
    attempt = 0
    while True:
        try:
            return send()
        except Retry as exc:
            delay = exc.delay if exc.delay is not None else policy.backoff(attempt)
            if attempt >= options.max_retries or delay > options.max_wait:
                raise SourceError(
                    f"{source.name}: {exc.reason}; the post may or may not be published "
                    f"(gave up after {attempt + 1} attempts; retry with the same "
                    "idempotency key)"
                ) from None
            source.sleep(delay)
            attempt += 1
            if find is not None and (found := find()) is not None:
                return found


_JOINERS = {"\u200d"}  # a zero-width joiner glues the next character to the cluster


def graphemes(text: str) -> int:
    """User-perceived characters, near enough to Unicode's extended grapheme clusters.

    Combining marks, variation selectors, emoji modifiers and characters after a zero-width
    joiner belong to the cluster before them; a pair of regional indicators is one flag;
    CR LF is one.
    """
    count, joined, flag_half, previous = 0, False, False, ""
    for char in text:
        code = ord(char)
        regional = 0x1F1E6 <= code <= 0x1F1FF
        extends = (
            unicodedata.combining(char) != 0
            or unicodedata.category(char) in ("Mn", "Me", "Mc")
            or 0xFE00 <= code <= 0xFE0F
            or 0x1F3FB <= code <= 0x1F3FF
            or 0xE0020 <= code <= 0xE007F
            or char in _JOINERS
            or (char == "\n" and previous == "\r")
        )
        if count and (extends or joined or (regional and flag_half)):
            flag_half = False
        else:
            count += 1
            flag_half = regional
        joined = char in _JOINERS
        previous = char
    return count
