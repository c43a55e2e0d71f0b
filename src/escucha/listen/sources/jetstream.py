"""Bluesky's Jetstream (JSON over a websocket), resumed from the last event's time_us.

After a reconnect Jetstream replays from the cursor we send; events at or before the saved
cursor are skipped, so a dropped connection neither loses nor doubles a post. The Bluesky
connector reads it, handing over how a post becomes an item (this module knows no connector).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from escucha.core.items import Item, Rejected
from escucha.listen.http import RetryPolicy, SourceError, check_public_host
from escucha.listen.sources.base import InvalidRecord, Page, Source, option_list

PostToItem = Callable[[dict], Item]

POST = "app.bsky.feed.post"


def matches(text: str, terms: list[str]) -> bool:
    folded = text.casefold()
    return not terms or any(term in folded for term in terms)


def _stream_url(base: str, cursor_us: int | None) -> str:
    query = [("wantedCollections", POST)]
    if cursor_us is not None:
        query.append(("cursor", str(cursor_us)))
    return f"{base}?{urlencode(query)}"


def event_to_post(event: dict) -> dict | None:
    """A Jetstream commit creating a post, shaped like a post view; None for other events."""
    commit = event.get("commit") or {}
    if event.get("kind") != "commit" or commit.get("operation") != "create":
        return None
    if commit.get("collection") != POST:
        return None
    return {
        "uri": f"at://{event['did']}/{POST}/{commit['rkey']}",
        "cid": commit.get("cid"),
        "author": {"did": event["did"]},
        "record": commit.get("record") or {},
        "time_us": event.get("time_us"),
    }


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
    cursor_us: int | None = (cursor or {}).get("time_us")
    saved_us = cursor_us
    failures = 0
    page = Page()

    def pending() -> bool:
        return bool(page.items or page.rejected) or cursor_us != saved_us

    def flushed() -> Page:
        nonlocal page, saved_us
        done, page = page, Page()
        done.cursor = {"time_us": cursor_us}
        saved_us = cursor_us
        return done

    while time.monotonic() < deadline:
        try:
            with connect(
                _stream_url(base, cursor_us),
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
                        if pending():
                            yield flushed()
                            last_flush = now
                        if now - last_event >= idle_seconds:
                            return
                        continue
                    last_event = now
                    failures = 0
                    cursor_us = _take(to_item, message, cursor_us, terms, page)
                    if len(page.items) >= page_size or (
                        pending() and now - last_flush >= flush_seconds
                    ):
                        yield flushed()
                        last_flush = now
        except (ConnectionClosed, InvalidHandshake, OSError) as exc:
            if pending():
                yield flushed()
            if failures >= source.http_options.max_retries:
                raise SourceError(f"{source.name}: Jetstream connection failed: {exc}") from None
            source.sleep(policy.backoff(failures))
            failures += 1
    if pending():
        yield flushed()


def _take(
    to_item: PostToItem, message: str | bytes, cursor_us: int | None, terms: list, page: Page
) -> int | None:
    """Add one event to the page if it is a new matching post; return the new cursor."""
    try:
        event = json.loads(message)
        time_us = int(event["time_us"])
    except (ValueError, KeyError, TypeError) as exc:
        page.rejected.append(Rejected("jetstream", f"unreadable event: {exc}", str(message)[:2000]))
        return cursor_us
    if cursor_us is not None and time_us <= cursor_us:
        return cursor_us  # replayed after a reconnect: already handled
    try:
        post = event_to_post(event)
        if post is not None and matches(str(post["record"].get("text", "")), terms):
            page.items.append(to_item(post))
    except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
        page.rejected.append(Rejected(f"jetstream time_us={time_us}", str(exc), event))
    return time_us
