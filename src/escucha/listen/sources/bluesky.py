"""Bluesky (atproto SDK): post search, author feeds and our notifications over XRPC, or the
Jetstream firehose; profiles; replies and posts with a record key derived from the
idempotency key, so a repeated create is recognised as the same record."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from escucha.core.items import Item, Rejected, count
from escucha.errors import UserError
from escucha.listen.dates import parse_date
from escucha.listen.http import (
    AuthFailed,
    GuardedCalls,
    Retry,
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
    Source,
    alt_text,
    option_list,
)
from escucha.listen.sources.writing import (
    ParentGone,
    Published,
    Publisher,
    WriteLimit,
    checked_text,
    publish_once,
)

PUBLIC_APPVIEW = "https://public.api.bsky.app"
SEARCH_PARAMS = ("lang", "since", "until", "author", "mentions", "domain", "tag")
POST = "app.bsky.feed.post"
NOTIFIED_BY_POST = ("mention", "reply", "quote")  # notifications that carry a post of someone
REPOSTED = "escucha:reposted"  # marks an author feed's repost or pin (see _feed_entry)
PINNED = "escucha:pinned"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_EPOCH_US = 1_577_836_800_000_000  # 2020-01-01: derived record keys stay in the past


class BlueskySource(Source, Publisher):
    kind = "bluesky"
    target_option = "q"
    credential_keys = ("handle", "app_password")
    categories = Categories(
        posts=("q", "authors", "jetstream_url"), mentions=("notifications",), profiles=True
    )
    sdk = "atproto"
    number_options = (
        "stream_seconds",
        "idle_seconds",
        "flush_seconds",
        "page_size",
        "rewind_seconds",
    )
    flag_options = ("notifications",)
    list_options = ("authors", "terms")
    write_limit = WriteLimit(300, "graphemes")
    idempotency = (
        "the record key is derived from the idempotency key; the record is looked up by it "
        "before any create"
    )
    coverage = (
        "searchPosts returns what Bluesky's search index holds (sort=latest, pages of 100; the "
        "public AppView may require a login for search); author feeds are complete back to "
        "backfill_pages; notifications need a login; Jetstream sees posts only while "
        "connected, plus what its replay window (about a day) still holds when resuming from "
        "the saved cursor"
    )

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        if self.options.get("jetstream_url"):
            from escucha.listen.sources.jetstream import read_jetstream

            yield from read_jetstream(self, cursor, self.post_item)
            return
        notifications = bool(self.options.get("notifications"))
        if not self.options.get("q") and not self.options.get("authors") and not notifications:
            raise SourceError(
                f"{self.name}: set q (a search), authors (handles) or notifications = true "
                "to listen to"
            )
        client, call = self._client(needs_login="notifications" if notifications else None)
        state = dict((cursor or {}).get("streams", {}))
        streams: list[tuple[str, Callable]] = []
        if self.options.get("q"):
            streams.append(("search", self._search(client, call)))
        for actor in option_list(self.options, "authors"):
            streams.append((f"author:{actor.lstrip('@')}", self._author(client, call, actor)))
        if notifications:
            streams.append(("notifications", self._notifications(client, call)))
        for key, listing in streams:
            for posts, stream_state in self._sweep(listing, state.get(key)):
                state[key] = stream_state
                page = Page(cursor={"streams": dict(state)})
                for post in posts:
                    if post.get("reason", NOTIFIED_BY_POST[0]) not in NOTIFIED_BY_POST:
                        continue  # a like, a follow, a repost: no post of someone to read
                    if post.get(REPOSTED):
                        continue  # another account's post this one reposted
                    try:
                        page.items.append(self.post_item(post))
                    except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
                        page.rejected.append(Rejected(f"{self.name} {key}", str(exc), post))
                yield page

    def _client(self, needs_login: str | None = None) -> tuple[Any, GuardedCalls]:
        """The SDK's client, logged in when credentials are set (`needs_login` names why
        they must be)."""
        from atproto import Client
        from atproto_client.request import Request

        base = str(self.options.get("base_url") or PUBLIC_APPVIEW).rstrip("/")
        if not self.http_options.allow_private_networks:
            check_public_host(base, self.name)
        request = Request(timeout=self.http_options.timeout)
        client = Client(base_url=base + "/xrpc", request=request)
        call = GuardedCalls(self.name, self.http_options, _classifier(self.name), self.sleep)
        if self.credentials.get("handle") and self.credentials.get("app_password"):
            call(lambda: client.login(self.credentials["handle"], self.credentials["app_password"]))
        elif needs_login:
            raise AuthFailed(
                f"{self.name}: {needs_login} need a login: set the source's handle and "
                "app_password (see docs)"
            )
        return client, call

    def profile(self, account: str) -> Profile:
        """app.bsky.actor.getProfile of a handle or a DID."""
        client, call = self._client()
        actor = account.lstrip("@")
        found = _plain(call(lambda: client.app.bsky.actor.get_profile(params={"actor": actor})))
        return Profile(
            platform=self.platform,
            instance=self.instance,
            account_id=found["did"],
            handle=found.get("handle") or actor,
            display_name=found.get("displayName") or None,
            followers=found.get("followersCount"),
            profile_url=f"https://bsky.app/profile/{found.get('handle') or found['did']}",
        )

    def reply(self, parent: str, text: str, idempotency_key: str) -> Published:
        """A reply to the post `parent` (an at:// URI), in the thread of its root."""
        text = checked_text(self, self.write_limit, text)
        client, call = self._client(needs_login="replies")
        answer = call(lambda: client.app.bsky.feed.get_posts(params={"uris": [parent]}))
        if not answer.posts:
            raise ParentGone(
                f"{self.name}: Bluesky has no post {parent} (deleted, or hidden from us)"
            )
        view = _plain(answer.posts[0])
        parent_ref = {"uri": view["uri"], "cid": view["cid"]}
        root_ref = (view.get("record", {}).get("reply") or {}).get("root") or parent_ref
        reply = {"root": {"uri": root_ref["uri"], "cid": root_ref["cid"]}, "parent": parent_ref}
        return self._publish(client, call, {"text": text, "reply": reply}, idempotency_key)

    @classmethod
    def post_refusal(cls, title: str | None, community: str | None) -> str | None:
        return "a Bluesky post has no title or community" if title or community else None

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
        text = checked_text(self, self.write_limit, text)
        client, call = self._client(needs_login="posts")
        return self._publish(client, call, {"text": text}, idempotency_key)

    def _publish(self, client: Any, call: GuardedCalls, fields: dict, key: str) -> Published:
        """com.atproto.repo.createRecord under a record key derived from `key`.

        The record is looked up by that key first and after any unknown outcome, so a second
        attempt finds the first instead of posting twice.
        """
        from atproto_client import exceptions as ex

        did = client.me.did if client.me else call(client.com.atproto.server.get_session).did
        rkey = record_key(key)
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record = {"$type": POST, "createdAt": now, **fields}
        where = {"repo": did, "collection": POST, "rkey": rkey}

        def published(uri: str, value: dict) -> Published:
            handle = client.me.handle if client.me else did
            return Published(
                native_id=uri,
                url=f"https://bsky.app/profile/{handle}/post/{rkey}",
                created_at=parse_date(value.get("createdAt")),
                account_id=did,
                handle=client.me.handle if client.me else None,
            )

        def lookup() -> Any:
            try:
                return client.com.atproto.repo.get_record(params=where)
            except ex.BadRequestError as exc:
                if getattr(exc.response.content, "error", None) == "RecordNotFound":
                    return None
                raise

        def find() -> Published | None:
            found = call(lookup)
            return None if found is None else published(found.uri, _plain(found.value))

        def send() -> Published:
            made = call.once(
                lambda: client.com.atproto.repo.create_record(data={**where, "record": record})
            )
            return published(made.uri, record)

        return publish_once(self, send, find)

    def _search(self, client: Any, call: GuardedCalls) -> Callable:
        params = {"q": str(self.options["q"]), "sort": "latest", "limit": 100}
        params |= {k: str(self.options[k]) for k in SEARCH_PARAMS if self.options.get(k)}

        def fetch(since: str | None, page_cursor: str | None) -> tuple[list, str | None]:
            query = dict(params)
            if since and not self.options.get("since"):
                query["since"] = since
            if page_cursor:
                query["cursor"] = page_cursor
            answer = call(lambda: client.app.bsky.feed.search_posts(params=query))
            return [_plain(p) for p in answer.posts], answer.cursor

        return fetch

    def _author(self, client: Any, call: GuardedCalls, actor: str) -> Callable:
        def fetch(_since: str | None, page_cursor: str | None) -> tuple[list, str | None]:
            query = {"actor": actor.lstrip("@"), "limit": 100, "filter": "posts_with_replies"}
            if page_cursor:
                query["cursor"] = page_cursor
            answer = call(lambda: client.app.bsky.feed.get_author_feed(params=query))
            return [_feed_entry(_plain(f)) for f in answer.feed], answer.cursor

        return fetch

    def _notifications(self, client: Any, call: GuardedCalls) -> Callable:
        """Our notifications; those carrying someone's post (mention, reply, quote) are kept."""

        def fetch(_since: str | None, page_cursor: str | None) -> tuple[list, str | None]:
            query: dict[str, Any] = {"limit": 100}
            if page_cursor:
                query["cursor"] = page_cursor
            answer = call(lambda: client.app.bsky.notification.list_notifications(params=query))
            return [_plain(n) for n in answer.notifications], answer.cursor

        return fetch

    def _sweep(self, fetch: Callable, state: dict | None) -> Iterator[tuple[list, dict]]:
        """Newest first down to the last sweep's newest indexedAt; resumable mid-sweep."""
        state = dict(state or {})
        since, top = state.get("since"), state.get("top")
        page_cursor, pages = state.get("cursor"), int(state.get("pages", 0))
        backfill = int(self.options.get("backfill_pages", 5))
        while True:
            posts, next_cursor = fetch(since, page_cursor)
            # A pinned post heads an author feed whatever its age: it says nothing of where
            # the sweep stands.
            posts = [p for p in posts if not p.get(PINNED)]
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

    def post_item(self, post: dict) -> Item:
        """A post view (search, feeds) or a Jetstream commit, as an item."""
        record = post["record"]
        author = post.get("author") or {}
        reply = record.get("reply") or {}
        uri = post["uri"]
        did, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
        handle = author.get("handle") or did
        langs = record.get("langs") or []
        text, raw = record.get("text"), post
        if not (text or "").strip():  # a media-only post: its alt text is what it says
            text = alt_text(_media_alts(record.get("embed") or {}))
            raw = {**post, TEXT_FROM_ALT: True} if text else post
        return self.item(
            uri,
            text,
            raw,
            created_at=parse_date(record.get("createdAt")),
            author=handle,
            author_name=author.get("displayName") or None,
            author_id=author.get("did") or did,
            url=f"https://bsky.app/profile/{handle}/post/{rkey}" if rkey else None,
            lang=langs[0].split("-")[0] if langs else None,
            parent_id=(reply.get("parent") or {}).get("uri"),
            root_id=(reply.get("root") or {}).get("uri"),
            followers=count(author.get("followersCount")),  # a post view seldom has it
            likes=count(post.get("likeCount")),
            reposts=count(post.get("repostCount")),
            replies=count(post.get("replyCount")),
        )


def _feed_entry(entry: dict) -> dict:
    """An author feed's entry as a post view; a repost becomes a marker dated when it was
    reposted, so a page of reposts neither ends the sweep nor is read as the account's own."""
    reason = entry.get("reason")
    if not reason:
        return entry["post"]
    if reason.get("$type") == "app.bsky.feed.defs#reasonPin":
        return {REPOSTED: True, PINNED: True}  # the account's own post, read in its place
    return {REPOSTED: True, "indexedAt": reason.get("indexedAt") or ""}


def _media_alts(embed: dict) -> list[object]:
    """The alt texts of a record's images or video (also inside a quote with media)."""
    media = embed.get("media") or embed  # app.bsky.embed.recordWithMedia holds it in `media`
    if media.get("alt"):  # app.bsky.embed.video
        return [media["alt"]]
    return [image.get("alt") for image in media.get("images") or [] if isinstance(image, dict)]


def _plain(model: Any) -> dict:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def record_key(idempotency_key: str) -> str:
    """A record key in TID form derived from the idempotency key: the same key, the same record.

    Its time part is drawn from the key's hash between 2020 and mid-2024 (never in the
    future); the post's own time is its createdAt.
    """
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    micros = TID_EPOCH_US + (digest >> 17) % (1 << 47)
    number = (micros << 10) | (digest & 0x3FF)
    return "".join(TID_ALPHABET[(number >> shift) & 31] for shift in range(60, -1, -5))


def _classifier(name: str) -> Callable[[Exception], Exception | None]:
    from atproto_client import exceptions as ex

    refused = (
        "Bluesky refused the login or token ({status}); check the handle and app password, or "
        "whether this endpoint needs a login"
    )

    def classify(exc: Exception) -> Exception | None:
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(exc, (ex.NetworkError, ex.InvokeTimeoutError)):
            return Retry(f"network error or timeout ({status or 'no answer'})")
        if isinstance(exc, (ex.ModelError, ValueError)):
            return Retry(f"malformed response: {exc}")
        if not isinstance(exc, ex.AtProtocolError):
            return None
        if not isinstance(status, int):
            return SourceError(f"{name}: Bluesky answered {type(exc).__name__}")
        message = getattr(getattr(response, "content", None), "message", None)
        says = {
            401: refused.format(status=status),
            403: refused.format(status=status),
            429: "rate limited (429)",
        }
        says |= {s: f"server error {s}" for s in range(500, 600)}
        if message:
            says[400] = f"Bluesky refused the request (400): {message}"
        headers = getattr(response, "headers", None) or {}
        return status_error(name, status, "Bluesky", headers=headers, says=says)

    return classify
