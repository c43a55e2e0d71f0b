"""Mastodon (Mastodon.py): hashtags, an account's posts, mentions of us, public/local timelines;
profiles; replies and posts (the instance recognises a repeated Idempotency-Key)."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from escucha.core.items import Deletion, Item, count
from escucha.errors import UserError
from escucha.listen.dates import parse_date
from escucha.listen.http import (
    USER_AGENT,
    AuthFailed,
    GuardedCalls,
    Retry,
    RetryPolicy,
    SourceError,
    check_public_host,
    status_error,
)
from escucha.listen.sources.base import (
    TEXT_FROM_ALT,
    Categories,
    InvalidRecord,
    Page,
    Profile,
    Rejected,
    Source,
    alt_text,
    newest_first,
    option_list,
)
from escucha.listen.sources.text import html_to_text
from escucha.listen.sources.writing import (
    ParentGone,
    Published,
    Publisher,
    WriteLimit,
    checked_text,
    publish_once,
)

PAGE_SIZE = 40  # Mastodon's maximum for timelines
STREAM_PATHS = {
    "hashtag": "/api/v1/streaming/hashtag",
    "public": "/api/v1/streaming/public",
    "local": "/api/v1/streaming/public/local",
    "mentions": "/api/v1/streaming/user/notification",
}
QUIET_SECONDS = 5.0  # an empty page this often while streaming, so a stop request is seen
DIRECT = "direct message: private, not stored as a post"


class MastodonSource(Source, Publisher):
    kind = "mastodon"
    target_option = "api_base_url"
    required_options = ("api_base_url",)
    credential_keys = ("access_token",)
    categories = Categories(
        posts=("hashtags", "accounts", "timelines"), mentions=("mentions",), profiles=True
    )
    sdk = "Mastodon.py"
    number_options = (
        "max_post_chars",
        "stream_seconds",
        "flush_seconds",
        "page_size",
        "stall_seconds",
    )
    flag_options = ("mentions", "stream")
    list_options = ("hashtags", "accounts", "timelines")
    write_limit = WriteLimit(500)  # Mastodon's default; an instance may allow more
    idempotency = "the Idempotency-Key header, which the instance honours for an hour"
    coverage = (
        "what the instance knows: hashtag and public timelines show posts that reached this "
        "instance, not the whole fediverse; mentions need an access token; no full-text search "
        "(Mastodon only searches posts the token's account interacted with, or opted-in posts); "
        "a first run reads back backfill_pages pages of 40 per stream; with stream = true, "
        "hashtags, mentions and timelines are followed live for stream_seconds per run and "
        "back-filled over REST after every (re)connection"
    )

    def streams(self) -> list[str]:
        """The configured streams: hashtag:TAG, account:ACCT, mentions, public, local."""
        streams = [f"hashtag:{t.lstrip('#')}" for t in option_list(self.options, "hashtags")]
        streams += [f"account:{a.lstrip('@')}" for a in option_list(self.options, "accounts")]
        if self.options.get("mentions"):
            streams.append("mentions")
        for timeline in option_list(self.options, "timelines"):
            if timeline not in ("public", "local"):
                raise SourceError(f"{self.name}: timelines may be 'public' or 'local'")
            streams.append(timeline)
        if not streams:
            raise SourceError(
                f"{self.name}: set hashtags, accounts, mentions = true or timelines to listen to"
            )
        return streams

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        streams = self.streams()
        api, call = self._api()
        state = dict((cursor or {}).get("streams", {}))
        if self.options.get("stream"):
            yield from self._follow(api, call, streams, state)
            return
        for stream in streams:
            yield from self.sweep(api, call, stream, state)

    def _api(self) -> tuple[Any, GuardedCalls]:
        from mastodon import Mastodon

        base = self.base_url
        if not self.http_options.allow_private_networks:
            check_public_host(base, self.name)
        api = Mastodon(
            api_base_url=base,
            access_token=self.credentials.get("access_token"),
            ratelimit_method="throw",
            request_timeout=self.http_options.timeout,
            version_check_mode="none",
            user_agent="escucha",
        )
        call = GuardedCalls(self.name, self.http_options, _classifier(api, self.name), self.sleep)
        return api, call

    @property
    def base_url(self) -> str:
        return str(self.options["api_base_url"]).rstrip("/")

    @property
    def instance(self) -> str:
        """Account ids are the instance's own: the instance's host names them."""
        return (urlsplit(self.base_url).hostname or "").lower()

    def profile(self, account: str) -> Profile:
        """`accounts/lookup` of a local `user` or a remote `user@domain`."""
        api, call = self._api()
        found = _plain(call(lambda: api.account_lookup(account.lstrip("@"))))
        return Profile(
            platform=self.platform,
            instance=self.instance,
            account_id=str(found["id"]),
            handle=str(found.get("acct") or account.lstrip("@")),
            display_name=found.get("display_name") or None,
            followers=found.get("followers_count"),
            profile_url=found.get("url"),
        )

    def reply(self, parent: str, text: str, idempotency_key: str) -> Published:
        """A status in reply to `parent`; the instance answers 404 when it is gone."""
        return self._publish(text, idempotency_key, in_reply_to_id=parent)

    @classmethod
    def post_refusal(cls, title: str | None, community: str | None) -> str | None:
        return "a Mastodon post has no title or community" if title or community else None

    def post(
        self,
        text: str,
        idempotency_key: str,
        *,
        title: str | None = None,
        community: str | None = None,
    ) -> Published:
        if why := self.post_refusal(title, community):
            raise UserError(f"{self.name}: {why}")
        return self._publish(text, idempotency_key)

    def _publish(self, text: str, key: str, **where: str) -> Published:
        """POST /api/v1/statuses; a repeat after an unknown outcome carries the same key."""
        limit = WriteLimit(int(self.options.get("max_post_chars", self.write_limit.size)))
        text = checked_text(self, limit, text)
        if not self.credentials.get("access_token"):
            raise AuthFailed(f"{self.name}: publishing needs an access token (see docs)")
        api, call = self._api()

        def post_status() -> Any:
            from mastodon import MastodonNotFoundError

            try:
                return api.status_post(text, idempotency_key=key, **where)
            except MastodonNotFoundError:
                if "in_reply_to_id" not in where:
                    raise
                raise ParentGone(
                    f"{self.name}: {self.base_url} has no post {where['in_reply_to_id']} to "
                    "reply to (deleted, or hidden from our account)"
                ) from None

        def send() -> Published:
            status = _plain(call.once(post_status))
            account = status.get("account") or {}
            return Published(
                native_id=str(status["id"]),
                url=status.get("url") or status.get("uri"),
                created_at=parse_date(status.get("created_at")),
                account_id=str(account["id"]) if account.get("id") is not None else None,
                handle=account.get("acct"),
            )

        return publish_once(self, send)

    def sweep(self, api: Any, call: GuardedCalls, stream: str, state: dict) -> Iterator[Page]:
        """The REST timeline of one stream from its saved state on; `state` moves with it."""
        backfill = int(self.options.get("backfill_pages", 5))
        listing = self._listing(api, call, stream)
        for batch, stream_state in newest_first(listing, state.get(stream), _id, backfill):
            state[stream] = stream_state
            page = Page(cursor={"streams": dict(state)})
            for entry in batch:
                self.take(page, stream, _plain(entry), f"{self.base_url} {stream}")
            yield page

    def take(self, page: Page, stream: str, raw: dict, where: str, *, edit: bool = False) -> None:
        """Add a status (or a mention notification's status) to the page, or reject it.

        A direct message is never stored as a post: it is rejected as private, and the
        reject keeps only its id, not its text. `edit`: the status as its author edited it.
        """
        status = raw.get("status") if stream == "mentions" else raw
        if not status:
            return  # a notification of another type
        shown = status.get("reblog") or status
        if shown.get("visibility") == "direct":
            page.rejected.append(
                Rejected(where, DIRECT, {"id": shown.get("id"), "visibility": "direct"})
            )
            return
        try:
            (page.edits if edit else page.items).append(self._status_item(status))
        except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
            page.rejected.append(Rejected(where, str(exc), raw))

    def _follow(
        self, api: Any, call: GuardedCalls, streams: list[str], state: dict
    ) -> Iterator[Page]:
        """Streaming: every stream is back-filled over REST first (so a stream that cannot
        open still collects), then the live streams are followed (see `_Follower`)."""
        for stream in streams:
            yield from self.sweep(api, call, stream, state)
        live = [s for s in streams if s.partition(":")[0] in STREAM_PATHS]
        yield from _Follower(self, api, call, state).run(live)

    def streaming_base(self, api: Any, call: GuardedCalls) -> str:
        """Where the instance streams: `streaming_url`, else what the instance says, else here."""
        if self.options.get("streaming_url"):
            return str(self.options["streaming_url"]).rstrip("/")
        try:
            info = _plain(call(lambda: api.instance_v2()))
        except SourceError:
            return self.base_url
        url = ((info.get("configuration") or {}).get("urls") or {}).get("streaming")
        if not isinstance(url, str) or not url:
            return self.base_url
        return url.replace("wss://", "https://", 1).replace("ws://", "http://", 1).rstrip("/")

    def _listing(
        self, api: Any, call: GuardedCalls, stream: str
    ) -> Callable[[str | None, str | None], list]:
        kind, _, arg = stream.partition(":")
        account_id: list[Any] = []

        def fetch(since: str | None, max_id: str | None) -> list:
            page = {"since_id": since, "max_id": max_id, "limit": PAGE_SIZE}
            if kind == "hashtag":
                return call(lambda: api.timeline_hashtag(arg, **page))
            if kind == "account":
                if not account_id:
                    account_id.append(call(lambda: api.account_lookup(arg))["id"])
                return call(lambda: api.account_statuses(account_id[0], **page))
            if kind == "mentions":
                if not self.credentials.get("access_token"):
                    raise AuthFailed(f"{self.name}: mentions need an access token (see docs)")
                return call(lambda: api.notifications(types=["mention"], **page))
            return call(lambda: api.timeline_public(local=kind == "local", **page))

        return fetch

    def _status_item(self, status: dict) -> Item:
        if status.get("reblog"):
            status = status["reblog"]
        raw = status
        text = html_to_text(status.get("content"))
        if not text:  # a media-only post: its alt text is what it says
            text = alt_text(m.get("description") for m in status.get("media_attachments") or [])
            raw = {**status, TEXT_FROM_ALT: True} if text else status
        if status.get("spoiler_text"):
            text = f"{status['spoiler_text']}\n\n{text}"
        account = status.get("account") or {}
        return self.item(
            status["id"],
            text,
            raw,
            created_at=parse_date(status.get("created_at")),
            author=account.get("acct"),
            author_name=account.get("display_name") or None,
            author_id=account.get("id"),
            url=status.get("url") or status.get("uri"),
            lang=status.get("language"),
            parent_id=status.get("in_reply_to_id"),
            followers=count(account.get("followers_count")),
            likes=count(status.get("favourites_count")),
            reposts=count(status.get("reblogs_count")),
            replies=count(status.get("replies_count")),
        )


class _Follower:
    """The live streams of one run: each reconnects with backoff and back-fills over REST.

    Every (re)connection is followed by a REST sweep from the stream's saved since_id, so what
    was posted while disconnected is read too; what both deliver is stored once (the store is
    unique on the status id). A page's cursor only covers statuses in it or stored before it.
    """

    def __init__(self, source: MastodonSource, api: Any, call: GuardedCalls, state: dict) -> None:
        options = source.options
        self.source, self.api, self.call, self.state = source, api, call, state
        self.flush_seconds = float(options.get("flush_seconds", 1.0))
        self.page_size = int(options.get("page_size", 500))
        self.stall_seconds = float(options.get("stall_seconds", 45.0))
        self.deadline = time.monotonic() + float(options.get("stream_seconds", 300.0))
        self.policy = RetryPolicy(source.name, source.http_options)
        self.events: queue.Queue = queue.Queue()
        self.connections: dict[str, _Connection] = {}
        self.failures: dict[str, int] = {}
        self.reconnect_at: dict[str, float] = {}
        self.page = Page()
        self.last_page = time.monotonic()
        self.base = source.base_url

    def run(self, live: list[str]) -> Iterator[Page]:
        if not live:
            return
        self.base = self.source.streaming_base(self.api, self.call)
        if not self.source.http_options.allow_private_networks:
            check_public_host(self.base, self.source.name)
        self.failures = dict.fromkeys(live, 0)
        self.reconnect_at = dict.fromkeys(live, 0.0)
        try:
            while (now := time.monotonic()) < self.deadline:
                self._connect_due(now)
                try:
                    stream, kind, data = self.events.get(timeout=self._wait(now))
                except queue.Empty:
                    pass
                else:
                    yield from self._handle(stream, kind, data)
                if self._page_due():
                    yield self._flush()
            if _filled(self.page):
                yield self._flush()
        finally:
            for connection in self.connections.values():
                connection.close()

    def _wait(self, now: float) -> float:
        soonest = min(self.reconnect_at.values(), default=self.deadline)
        return max(0.0, min(self.flush_seconds, self.deadline - now, soonest - now))

    def _connect_due(self, now: float) -> None:
        import httpx

        for stream, at in list(self.reconnect_at.items()):
            if at > now:
                continue
            del self.reconnect_at[stream]
            kind, _, tag = stream.partition(":")
            token = self.source.credentials.get("access_token")
            headers = {"User-Agent": USER_AGENT, "Accept": "text/event-stream"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            request = httpx.Request(
                "GET",
                self.base + STREAM_PATHS[kind],
                params={"tag": tag} if tag else None,
                headers=headers,
            )
            timeout = httpx.Timeout(self.source.http_options.timeout, read=self.stall_seconds)
            self.connections[stream] = _Connection(
                self.source.name, stream, request, timeout, self.events
            )

    def _handle(self, stream: str, kind: str, data: Any) -> Iterator[Page]:
        if kind == "open":
            if _filled(self.page):
                yield self._flush()
            yield from self.source.sweep(self.api, self.call, stream, self.state)
            self.last_page = time.monotonic()
        elif kind == "dropped":
            self._dropped(stream, data)
        else:
            self.failures[stream] = 0  # the connection works: the next drop backs off afresh
            if kind == ("notification" if stream == "mentions" else "update"):
                self._event(stream, data)
            elif kind == "status.update":
                self._event(stream, data, edit=True)
            elif kind == "delete":
                self.page.deletions.append(Deletion(str(data).strip()))

    def _dropped(self, stream: str, failure: Exception) -> None:
        """Schedule a reconnection with backoff; raise once the stream keeps failing."""
        self.connections.pop(stream, None)
        if not isinstance(failure, Retry):
            raise failure
        attempt, options = self.failures[stream], self.source.http_options
        where = f"{self.source.name}: the {stream} stream"
        if attempt >= options.max_retries:
            raise SourceError(f"{where}: {failure.reason} (gave up after {attempt + 1} attempts)")
        delay = failure.delay if failure.delay is not None else self.policy.backoff(attempt)
        if delay > options.max_wait:
            raise SourceError(f"{where}: {failure.reason}; the server asks to wait {delay:.0f} s")
        self.failures[stream] = attempt + 1
        self.reconnect_at[stream] = time.monotonic() + delay

    def _event(self, stream: str, data: str, *, edit: bool = False) -> None:
        where = f"{self.base} {stream} stream"
        try:
            raw = json.loads(data)
            entry_id = int(raw["id"])
        except (ValueError, KeyError, TypeError) as exc:
            self.page.rejected.append(Rejected(where, f"unreadable event: {exc}", data[:2000]))
            return
        if stream == "mentions" and raw.get("type") != "mention":
            return
        self.source.take(self.page, stream, raw, where, edit=edit)
        since = (self.state.get(stream) or {}).get("since")
        self.state[stream] = {"since": str(max(int(since or 0), entry_id))}

    def _page_due(self) -> bool:
        waited = time.monotonic() - self.last_page
        if len(self.page.items) >= self.page_size or waited >= QUIET_SECONDS:
            return True
        return _filled(self.page) and waited >= self.flush_seconds

    def _flush(self) -> Page:
        page, self.page = self.page, Page()
        page.cursor = {"streams": dict(self.state)}
        self.last_page = time.monotonic()
        return page


class _Connection:
    """One Server-Sent Events connection, read on its own thread into the follower's queue.

    It puts ("open", None) once the server accepted, then (event, data) per event, and last
    ("dropped", exception) unless it was closed on purpose.
    """

    def __init__(
        self, source: str, stream: str, request: Any, timeout: Any, events: queue.Queue
    ) -> None:
        self.source, self.stream, self.events = source, stream, events
        self.lock = threading.Lock()
        self.closed = False
        self.socket: socket.socket | None = None
        self.thread = threading.Thread(
            target=self._read, args=(request, timeout), name=f"escucha-{stream}", daemon=True
        )
        self.thread.start()

    def _read(self, request: Any, timeout: Any) -> None:
        import httpx

        try:
            with httpx.Client(timeout=timeout) as client:
                response = client.send(request, stream=True)
                try:
                    _check_stream(self.source, response)
                    if not self._opened(response):
                        return
                    self.events.put((self.stream, "open", None))
                    for kind, data in sse_events(response.iter_lines()):
                        self.events.put((self.stream, kind, data))
                finally:
                    response.close()
            failure: Exception = Retry("the server closed the stream")
        except httpx.TransportError as exc:
            failure = Retry(f"connection lost ({type(exc).__name__})")
        except Exception as exc:  # raised by the follower, in the collecting thread
            failure = exc
        with self.lock:
            if not self.closed:
                self.events.put((self.stream, "dropped", failure))

    def _opened(self, response: Any) -> bool:
        """Keep the socket so `close` can interrupt a blocked read; False if already closed."""
        stream = response.extensions.get("network_stream")
        with self.lock:
            self.socket = stream.get_extra_info("socket") if stream is not None else None
            return not self.closed

    def close(self) -> None:
        with self.lock:
            self.closed = True
            sock = self.socket
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=2.0)


def _check_stream(source: str, response: Any) -> None:
    where = str(response.url.copy_with(query=None))
    refused = (
        f"{where} refused the access token ({response.status_code}): it is missing, expired or "
        "lacks the read scope (some instances stream only to logged-in accounts)"
    )
    error = status_error(
        source, response.status_code, where, headers=response.headers, says=_refused(refused)
    )
    if isinstance(error, SourceError) and not isinstance(error, AuthFailed):
        error = SourceError(
            f"{error}; if the instance streams from another host, set streaming_url"
        )
    if error is not None:
        raise error


def _refused(message: str) -> dict[int, str]:
    return {401: message, 403: message}


def sse_events(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(event, data) pairs from Server-Sent Events lines; a comment is ("heartbeat", text)."""
    kind = "message"
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield kind, "\n".join(data)
            kind, data = "message", []
        elif line.startswith(":"):
            yield "heartbeat", line[1:]
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                kind = value
            elif field == "data":
                data.append(value)


def _filled(page: Page) -> bool:
    return bool(page.items or page.rejected or page.edits or page.deletions)


def _id(entry: Any) -> Any:
    return entry["id"]


def _plain(entry: Any) -> Any:
    """Mastodon.py's typed entities as plain data (dates as ISO text)."""
    if isinstance(entry, dict):
        return {str(k): _plain(v) for k, v in entry.items()}
    if isinstance(entry, list):
        return [_plain(v) for v in entry]
    if hasattr(entry, "isoformat"):
        return entry.isoformat()
    return entry


def _classifier(api: Any, name: str) -> Callable[[Exception], Exception | None]:
    from mastodon import MastodonAPIError, MastodonNetworkError, MastodonRatelimitError

    refused = (
        f"{api.api_base_url} refused the access token (401/403): it is missing, expired or "
        "lacks the read scope"
    )

    def classify(exc: Exception) -> Exception | None:
        if isinstance(exc, MastodonNetworkError):
            return Retry(f"network error: {exc}")
        if not isinstance(exc, (MastodonAPIError, MastodonRatelimitError)):
            return None
        if "Could not parse response as JSON" in str(exc):
            return Retry("malformed JSON from the instance")
        delay, status = None, exc.args[1] if len(exc.args) > 1 else None
        if isinstance(exc, MastodonRatelimitError):
            status = 429
            if api.ratelimit_reset:
                delay = max(0.0, api.ratelimit_reset - time.time())
        if not isinstance(status, int):
            return SourceError(f"{name}: {api.api_base_url} answered an error")
        says = _refused(refused) | {429: "rate limited (429)"}
        if len(exc.args) > 3 and exc.args[3]:
            says[422] = f"{api.api_base_url} refused the request (422): {exc.args[3]}"
        says |= {s: f"server error {s}" for s in range(500, 600)}
        return status_error(name, status, api.api_base_url, delay=delay, says=says)

    return classify
