"""Bluesky (atproto SDK): post search and author feeds over XRPC, or the Jetstream firehose."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from escucha.core.items import Rejected
from escucha.listen.dates import parse_date
from escucha.listen.http import (
    AuthFailed,
    GuardedCalls,
    Retry,
    SourceError,
    check_public_host,
    rate_limit_delay,
)
from escucha.listen.sources.base import InvalidRecord, Page, Source, option_list

PUBLIC_APPVIEW = "https://public.api.bsky.app"
SEARCH_PARAMS = ("lang", "since", "until", "author", "mentions", "domain", "tag")


class BlueskySource(Source):
    kind = "bluesky"
    target_option = "q"
    credential_keys = ("handle", "app_password")
    coverage = (
        "searchPosts returns what Bluesky's search index holds (sort=latest, pages of 100; the "
        "public AppView may require a login for search); author feeds are complete back to "
        "backfill_pages; Jetstream sees posts only while connected, plus what its replay "
        "window (about a day) still holds when resuming from the saved cursor"
    )

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        if self.options.get("jetstream_url"):
            from escucha.listen.sources.jetstream import read_jetstream

            yield from read_jetstream(self, cursor)
            return
        if not self.options.get("q") and not self.options.get("authors"):
            raise SourceError(f"{self.name}: set q (a search) or authors (handles) to listen to")
        client, call = self._client()
        state = dict((cursor or {}).get("streams", {}))
        streams: list[tuple[str, Callable]] = []
        if self.options.get("q"):
            streams.append(("search", self._search(client, call)))
        for actor in option_list(self.options, "authors"):
            streams.append((f"author:{actor.lstrip('@')}", self._author(client, call, actor)))
        for key, listing in streams:
            for posts, stream_state in self._sweep(listing, state.get(key)):
                state[key] = stream_state
                page = Page(cursor={"streams": dict(state)})
                for post in posts:
                    try:
                        page.items.append(self.post_item(post))
                    except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
                        page.rejected.append(Rejected(f"{self.name} {key}", str(exc), post))
                yield page

    def _client(self) -> tuple[Any, GuardedCalls]:
        from atproto import Client

        base = str(self.options.get("base_url") or PUBLIC_APPVIEW).rstrip("/")
        if not self.http_options.allow_private_networks:
            check_public_host(base, self.name)
        client = Client(base_url=base + "/xrpc")
        call = GuardedCalls(self.name, self.http_options, _classifier(self.name), self.sleep)
        if self.credentials.get("handle") and self.credentials.get("app_password"):
            call(lambda: client.login(self.credentials["handle"], self.credentials["app_password"]))
        return client, call

    def _search(self, client, call: GuardedCalls) -> Callable:
        params = {"q": self.options["q"], "sort": "latest", "limit": 100}
        params |= {k: self.options[k] for k in SEARCH_PARAMS if self.options.get(k)}

        def fetch(since: str | None, page_cursor: str | None) -> tuple[list, str | None]:
            query = dict(params)
            if since and not self.options.get("since"):
                query["since"] = since
            if page_cursor:
                query["cursor"] = page_cursor
            answer = call(lambda: client.app.bsky.feed.search_posts(params=query))
            return [_plain(p) for p in answer.posts], answer.cursor

        return fetch

    def _author(self, client, call: GuardedCalls, actor: str) -> Callable:
        def fetch(_since: str | None, page_cursor: str | None) -> tuple[list, str | None]:
            query = {"actor": actor.lstrip("@"), "limit": 100, "filter": "posts_with_replies"}
            if page_cursor:
                query["cursor"] = page_cursor
            answer = call(lambda: client.app.bsky.feed.get_author_feed(params=query))
            return [_plain(f.post) for f in answer.feed if not f.reason], answer.cursor

        return fetch

    def _sweep(self, fetch: Callable, state: dict | None) -> Iterator[tuple[list, dict]]:
        """Newest first down to the last sweep's newest indexedAt; resumable mid-sweep."""
        state = dict(state or {})
        since, top = state.get("since"), state.get("top")
        page_cursor, pages = state.get("cursor"), int(state.get("pages", 0))
        backfill = int(self.options.get("backfill_pages", 5))
        while True:
            posts, next_cursor = fetch(since, page_cursor)
            stamps = [p.get("indexedAt") or "" for p in posts]
            fresh = [p for p, s in zip(posts, stamps, strict=True) if not since or s > since]
            if stamps:
                top = max(top or "", *stamps)
            pages += 1
            done = (
                not next_cursor
                or len(fresh) < len(posts)
                or not posts
                or (since is None and pages >= backfill)
            )
            if done:
                yield fresh, {"since": top or since}
                return
            page_cursor = next_cursor
            yield fresh, {"since": since, "top": top, "cursor": page_cursor, "pages": pages}

    def post_item(self, post: dict):
        """A post view (search, feeds) or a Jetstream commit, as an item."""
        record = post["record"]
        author = post.get("author") or {}
        reply = record.get("reply") or {}
        uri = post["uri"]
        did, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
        handle = author.get("handle") or did
        langs = record.get("langs") or []
        return self.item(
            uri,
            record.get("text"),
            post,
            created_at=parse_date(record.get("createdAt")),
            author=handle,
            author_name=author.get("displayName") or None,
            url=f"https://bsky.app/profile/{handle}/post/{rkey}" if rkey else None,
            lang=langs[0].split("-")[0] if langs else None,
            parent_id=(reply.get("parent") or {}).get("uri"),
            root_id=(reply.get("root") or {}).get("uri"),
        )


def _plain(model: Any) -> dict:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _classifier(name: str) -> Callable[[Exception], Exception | None]:
    from atproto_client import exceptions as ex

    def classify(exc: Exception) -> Exception | None:
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(exc, ex.UnauthorizedError):
            return AuthFailed(
                f"{name}: Bluesky refused the login or token ({status}); check the handle and "
                "app password, or whether this endpoint needs a login"
            )
        if isinstance(exc, ex.RateLimitExceededError):
            headers = getattr(response, "headers", None) or {}
            return Retry("rate limited (429)", rate_limit_delay(headers))
        if isinstance(exc, (ex.NetworkError, ex.InvokeTimeoutError)):
            return Retry(f"network error or timeout ({status or 'no answer'})")
        if isinstance(exc, ex.RequestException) and status and status >= 500:
            return Retry(f"server error {status}")
        if isinstance(exc, (ex.ModelError, ValueError)):
            return Retry(f"malformed response: {exc}")
        if isinstance(exc, ex.AtProtocolError):
            return SourceError(f"{name}: Bluesky answered {status or type(exc).__name__}")
        return None

    return classify
