"""Bluesky's Jetstream (JSON over a websocket), resumed from a safe low-water mark.

Jetstream does not deliver in `time_us` order (production events arrive tens of milliseconds
behind ones already sent), so no event is ever skipped by its time: posts are deduplicated by
their record key (within a run here, across runs by the store). The saved cursor is the
newest `time_us` seen minus `rewind_seconds`, and every (re)connection asks Jetstream to replay
from it, so a late event around a disconnection is read again rather than lost. The Bluesky
connector reads it, handing over how a post becomes an item (this module knows no connector).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from escucha.core.items import Deletion, Item, Rejected
from escucha.listen.http import RetryPolicy, SourceError, check_public_host
from escucha.listen.sources.base import InvalidRecord, Page, Source, option_list

PostToItem = Callable[[dict], Item]

POST = "app.bsky.feed.post"


def matches(text: str, terms: list[str]) -> bool:
    folded = text.casefold()
    return not terms or any(term in folded for term in terms)


def stream_url(base: str, cursor_us: int | None) -> str:
    """`base` with the post collection filter and the cursor added to whatever query it has."""
    parts = urlsplit(base)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("wantedCollections", "cursor")]
    query.append(("wantedCollections", POST))
    if cursor_us is not None:
        query.append(("cursor", str(cursor_us)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def event_to_post(event: dict) -> dict | None:
    """A Jetstream commit creating (or updating) a post, shaped like a post view; None for
    other events."""
    commit = event.get("commit") or {}
    if event.get("kind") != "commit" or commit.get("operation") not in ("create", "update"):
        return None
    if commit.get("collection") != POST:
        return None
    return {
        "uri": post_uri(event),
        "cid": commit.get("cid"),
        "author": {"did": event["did"]},
        "record": commit.get("record") or {},
        "time_us": event.get("time_us"),
    }


def post_uri(event: dict) -> str:
    return f"at://{event['did']}/{POST}/{event['commit']['rkey']}"


def deleted_post(event: dict) -> str | None:
    """The at:// URI of the post a commit deletes; None for other events."""
    commit = event.get("commit") or {}
    if event.get("kind") != "commit" or commit.get("operation") != "delete":
        return None
    return post_uri(event) if commit.get("collection") == POST else None


def read_jetstream(source: Source, cursor: dict | None, to_item: PostToItem) -> Iterator[Page]:
    """Read for up to stream_seconds (or until idle_seconds pass without an event).

    `to_item` turns a post (shaped like a post view, see `event_to_post`) into an item.
    """
    from websockets.exceptions import ConnectionClosed, InvalidHandshake
    from websockets.sync.client import connect

    options = source.options
    base = str(options["jetstream_url"])
    if not source.http_options.allow_private_networks:
        check_public_host(
            base.replace("wss://", "https://").replace("ws://", "http://"), source.name
        )
    terms = [t.casefold() for t in option_list(options, "terms") or option_list(options, "q")]
    page_size = int(options.get("page_size", 500))
    flush_seconds = float(options.get("flush_seconds", 1.0))
    idle_seconds = float(options.get("idle_seconds", 5.0))
    deadline = time.monotonic() + float(options.get("stream_seconds", 60.0))
    policy = RetryPolicy(source.name, source.http_options, source.sleep)
    reader = _Reader(
        to_item, terms, (cursor or {}).get("time_us"), float(options.get("rewind_seconds", 3.0))
    )
    failures = 0

    while time.monotonic() < deadline:
        try:
            with connect(
                stream_url(base, reader.saved_us),
                open_timeout=source.http_options.timeout,
                max_size=source.http_options.max_bytes,
            ) as ws:
                last_event = last_flush = time.monotonic()
                while time.monotonic() < deadline:
                    try:
                        message = ws.recv(timeout=flush_seconds)
                    except TimeoutError:
                        message = None
                    now = time.monotonic()
                    if message is None:
                        if reader.pending():
                            yield reader.flushed()
                            last_flush = now
                        if now - last_event >= idle_seconds:
                            return
                        continue
                    last_event = now
                    failures = 0
                    reader.take(message)
                    if len(reader.page.items) >= page_size or (
                        reader.pending() and now - last_flush >= flush_seconds
                    ):
                        yield reader.flushed()
                        last_flush = now
        except (ConnectionClosed, InvalidHandshake, OSError) as exc:
            if reader.pending():
                yield reader.flushed()
            if failures >= source.http_options.max_retries:
                raise SourceError(f"{source.name}: Jetstream connection failed: {exc}") from None
            source.sleep(policy.backoff(failures))
            failures += 1
    if reader.pending():
        yield reader.flushed()


class _Reader:
    """The events of one run: what they add to the page, and where the next run resumes.

    `saved_us` is the low-water mark: the newest `time_us` seen less the rewind, never behind
    where this run started. Record keys seen since it are remembered, so the events a
    reconnection replays are not counted twice.
    """

    def __init__(
        self, to_item: PostToItem, terms: list[str], start_us: int | None, rewind: float
    ) -> None:
        self.to_item, self.terms = to_item, terms
        self.saved_us = self.start_us = start_us
        self.rewind_us = int(rewind * 1_000_000)
        self.newest_us: int | None = None
        self.seen: dict[str, int] = {}  # record key (and operation) -> its time_us
        self.page = Page()

    def low_water(self) -> int | None:
        if self.newest_us is None:
            return self.start_us
        return max(self.newest_us - self.rewind_us, self.start_us or 0)

    def pending(self) -> bool:
        page = self.page
        changed = self.low_water() != self.saved_us
        return bool(page.items or page.rejected or page.edits or page.deletions) or changed

    def flushed(self) -> Page:
        done, self.page = self.page, Page()
        self.saved_us = self.low_water()
        done.cursor = {"time_us": self.saved_us}
        if self.saved_us is not None:  # nothing older than the mark is replayed again
            self.seen = {k: t for k, t in self.seen.items() if t >= self.saved_us}
        return done

    def take(self, message: str | bytes) -> None:
        """Add one event to the page if it is a matching post, an edit or a deletion."""
        page = self.page
        try:
            event = json.loads(message)
            time_us = int(event["time_us"])
        except (ValueError, KeyError, TypeError) as exc:
            page.rejected.append(
                Rejected("jetstream", f"unreadable event: {exc}", str(message)[:2000])
            )
            return
        self.newest_us = max(self.newest_us or time_us, time_us)
        try:
            gone = deleted_post(event)
            if gone is not None:
                if self._first(f"delete {gone}", time_us):
                    page.deletions.append(Deletion(gone))
                return
            post = event_to_post(event)
            text = str(post["record"].get("text") or "") if post is not None else ""
            if post is None or (text.strip() and not matches(text, self.terms)):
                return
            item = self._item(post)  # a media-only post's text is its alt text
            if item is None or not matches(item.text, self.terms):
                return
            operation = event["commit"]["operation"]
            if self._first(f"{operation} {post['uri']} {post.get('cid')}", time_us):
                (page.edits if operation == "update" else page.items).append(item)
        except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
            page.rejected.append(Rejected(f"jetstream time_us={time_us}", str(exc), event))

    def _item(self, post: dict) -> Item | None:
        """The post as an item; None for an unreadable one no term could match anyway."""
        try:
            return self.to_item(post)
        except InvalidRecord:
            if self.terms:
                return None
            raise

    def _first(self, key: str, time_us: int) -> bool:
        """True the first time this run sees `key` (a replayed event is seen again)."""
        if key in self.seen:
            return False
        self.seen[key] = time_us
        return True
