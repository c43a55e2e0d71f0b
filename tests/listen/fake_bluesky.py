"""A Bluesky AppView (XRPC over HTTP) and a Jetstream (websocket) that answer like the real ones."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from datetime import UTC, datetime, timedelta

from .conftest import FakeServer, Reply, Seen

BASE_TIME = datetime(2025, 6, 1, tzinfo=UTC)
POST = "app.bsky.feed.post"
PIN = "app.bsky.feed.defs#reasonPin"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def did_of(handle: str) -> str:
    return f"did:plc:{handle.split('.')[0]:a<24}"


def _jwt(did: str, scope: str) -> str:
    """A token shaped like the PDS's (the SDK reads its expiry); the signature is not checked."""

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"scope": scope, "sub": did, "iat": int(time.time()), "exp": int(time.time()) + 7200}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


def _error(status: int, error: str, message: str) -> Reply:
    return Reply(status, {"error": error, "message": message})


class FakeAppView:
    """An AppView and, for the account `password` logs into, its PDS (repo writes, sessions)."""

    def __init__(self, server: FakeServer, password: str = "app-pass-1") -> None:
        self.posts: list[dict] = []
        self.notifications: list[dict] = []
        self.password = password
        self.sessions: dict[str, str] = {}  # access token -> did
        self.records: dict[tuple[str, str], dict] = {}  # (did, rkey) -> record
        self.reposts: list[tuple[str, str, str]] = []  # (by handle, post uri, when)
        self.pinned: str | None = None
        self.slow_creates = 0  # the next N creates are stored, then answered too late
        self.create_delay = 1.0
        server.route("/xrpc/app.bsky.feed.searchPosts", self.search)
        server.route("/xrpc/app.bsky.feed.getAuthorFeed", self.author_feed)
        server.route("/xrpc/com.atproto.server.createSession", self.create_session)
        server.route("/xrpc/app.bsky.actor.getProfile", self.profile)
        server.route("/xrpc/app.bsky.notification.listNotifications", self.list_notifications)
        server.route("/xrpc/app.bsky.feed.getPosts", self.get_posts)
        server.route("/xrpc/com.atproto.repo.getRecord", self.get_record)
        server.route("/xrpc/com.atproto.repo.createRecord", self.create_record)

    def _did(self, seen: Seen) -> str | None:
        token = seen.headers.get("Authorization", "").removeprefix("Bearer ")
        return self.sessions.get(token)

    def create_session(self, seen: Seen) -> Reply:
        fields = seen.fields()
        if fields.get("password") != self.password:
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        handle = fields["identifier"]
        did = did_of(handle)
        access = _jwt(did, "com.atproto.appPass")
        self.sessions[access] = did
        body = {
            "accessJwt": access,
            "refreshJwt": _jwt(did, "com.atproto.refresh"),
            "handle": handle,
            "did": did,
            "active": True,
        }
        return Reply(200, body)

    def profile(self, seen: Seen) -> Reply:
        actor = seen.query["actor"][0]
        if actor == "nadie.bsky.social":
            return _error(400, "InvalidRequest", "Profile not found")
        handle = actor if not actor.startswith("did:") else "iberia.com"
        body = {
            "did": did_of(handle),
            "handle": handle,
            "displayName": handle.split(".")[0].title(),
            "followersCount": 1234,
            "followsCount": 10,
            "postsCount": 99,
            "indexedAt": "2024-01-01T00:00:00.000Z",
            "createdAt": "2023-05-01T00:00:00.000Z",
            "labels": [],
        }
        return Reply(200, body)

    def notify(self, uri: str, reason: str) -> None:
        """A notification for us about the post `uri` (or, for a like, about our post)."""
        post = next(p for p in self.posts if p["uri"] == uri)
        n = len(self.notifications)
        self.notifications.append(
            {
                "uri": uri if reason != "like" else f"at://{post['author']['did']}/like/{n}",
                "cid": post["cid"],
                "author": post["author"],
                "reason": reason,
                "record": post["record"],
                "isRead": False,
                "indexedAt": post["indexedAt"],
                "labels": [],
            }
        )

    def list_notifications(self, seen: Seen) -> Reply:
        if self._did(seen) is None:
            return _error(401, "AuthenticationRequired", "Authentication Required")
        chunk, cursor = self._paged(seen, self.notifications)
        body = {"notifications": chunk, "seenAt": "2025-06-01T00:00:00.000Z"}
        if cursor:
            body["cursor"] = cursor
        return Reply(200, body)

    def get_posts(self, seen: Seen) -> Reply:
        wanted = seen.query.get("uris", [])
        return Reply(200, {"posts": [p for p in self.posts if p["uri"] in wanted]})

    def get_record(self, seen: Seen) -> Reply:
        q = {k: v[0] for k, v in seen.query.items()}
        record = self.records.get((q["repo"], q["rkey"]))
        uri = f"at://{q['repo']}/{q['collection']}/{q['rkey']}"
        if record is None:
            return _error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return Reply(200, {"uri": uri, "cid": "bafyreirec" + "b" * 50, "value": record})

    def create_record(self, seen: Seen) -> Reply:
        did = self._did(seen)
        if did is None:
            return _error(401, "AuthenticationRequired", "Authentication Required")
        data = seen.fields()
        if data["repo"] != did:
            return _error(403, "Forbidden", "Only the repo's owner may write to it")
        record = data["record"]
        if len(record.get("text", "")) > 3000:
            return _error(400, "InvalidRequest", "Invalid app.bsky.feed.post record")
        key = (did, data["rkey"])
        if key in self.records:
            return _error(400, "InvalidRequest", "Record already exists")
        self.records[key] = record
        uri = f"at://{did}/{data['collection']}/{data['rkey']}"
        body = {"uri": uri, "cid": "bafyreirec" + "b" * 50, "validationStatus": "valid"}
        if self.slow_creates:
            self.slow_creates -= 1
            return Reply(200, body, delay=self.create_delay)
        return Reply(200, body)

    def post(self, text: str, handle: str = "ana.bsky.social", reply_to: str | None = None) -> str:
        n = len(self.posts)
        did = did_of(handle)
        uri = f"at://{did}/{POST}/3l{n:011d}"
        moment = BASE_TIME + timedelta(minutes=n + len(self.reposts))  # reposts take time too
        record = {"$type": POST, "text": text, "createdAt": _iso(moment), "langs": ["es"]}
        if reply_to:
            record["reply"] = {
                "root": {"uri": reply_to, "cid": "bafyreib" + "a" * 51},
                "parent": {"uri": reply_to, "cid": "bafyreib" + "a" * 51},
            }
        self.posts.append(
            {
                "uri": uri,
                "cid": "bafyreig" + f"{n:052d}",
                "author": {
                    "did": did,
                    "handle": handle,
                    "displayName": handle.split(".")[0].title(),
                    "avatar": "https://cdn.bsky.app/img/avatar/plain/x/y@jpeg",
                    "labels": [],
                    "createdAt": "2023-05-01T00:00:00.000Z",
                },
                "record": record,
                "replyCount": 0,
                "repostCount": 0,
                "likeCount": 2,
                "quoteCount": 0,
                "indexedAt": _iso(moment + timedelta(seconds=1)),
                "labels": [],
            }
        )
        return uri

    def _paged(self, seen: Seen, posts: list[dict]) -> tuple[list[dict], str | None]:
        ordered = sorted(posts, key=lambda p: p["indexedAt"], reverse=True)
        start = int(seen.query.get("cursor", ["0"])[0])
        limit = int(seen.query.get("limit", ["25"])[0])
        chunk = ordered[start : start + limit]
        return chunk, str(start + limit) if start + limit < len(ordered) else None

    def search(self, seen: Seen) -> Reply:
        q = seen.query["q"][0].lower()
        since = seen.query.get("since", [""])[0]
        hits = [
            p for p in self.posts if q in p["record"]["text"].lower() and p["indexedAt"] >= since
        ]
        chunk, cursor = self._paged(seen, hits)
        body = {"posts": chunk, "hitsTotal": len(hits)}
        if cursor:
            body["cursor"] = cursor
        return Reply(200, body)

    def repost(self, uri: str, handle: str) -> None:
        """`handle` reposts the post `uri` now (after every post made so far)."""
        moment = BASE_TIME + timedelta(minutes=len(self.posts) + len(self.reposts), seconds=30)
        self.reposts.append((handle, uri, _iso(moment)))

    def pin(self, uri: str) -> None:
        self.pinned = uri

    def author_feed(self, seen: Seen) -> Reply:
        """Own posts and reposts, newest first (a repost dated when reposted); a pinned post
        heads the first page."""
        actor = seen.query["actor"][0]
        entries = [
            {"post": p, "indexedAt": p["indexedAt"]}
            for p in self.posts
            if p["author"]["handle"] == actor
        ]
        by_uri = {p["uri"]: p for p in self.posts}
        for handle, uri, when in self.reposts:
            if handle == actor:
                by = {"did": did_of(handle), "handle": handle}
                reason = {"$type": "app.bsky.feed.defs#reasonRepost", "by": by, "indexedAt": when}
                entries.append({"post": by_uri[uri], "reason": reason, "indexedAt": when})
        chunk, cursor = self._paged(seen, entries)
        feed = [{k: v for k, v in e.items() if k != "indexedAt"} for e in chunk]
        if self.pinned and "cursor" not in seen.query:
            feed.insert(0, {"post": by_uri[self.pinned], "reason": {"$type": PIN}})
        body = {"feed": feed}
        if cursor:
            body["cursor"] = cursor
        return Reply(200, body)


def jetstream_event(n: int, text: str | None, kind: str = "commit") -> dict:
    """Event n: a post commit (or an identity event when kind='identity')."""
    did = f"did:plc:user{n % 7:019d}"
    time_us = 1_750_000_000_000_000 + n * 1000
    if kind == "identity":
        return {
            "did": did,
            "time_us": time_us,
            "kind": "identity",
            "identity": {
                "did": did,
                "handle": "x.bsky.social",
                "seq": n,
                "time": "2025-06-15T00:00:00Z",
            },
        }
    return {
        "did": did,
        "time_us": time_us,
        "kind": "commit",
        "commit": {
            "rev": f"3lrev{n:010d}",
            "operation": "create",
            "collection": POST,
            "rkey": f"3l{n:011d}",
            "record": {
                "$type": POST,
                "createdAt": "2025-06-15T12:00:00.000Z",
                "langs": ["es"],
                "text": text,
            },
            "cid": f"bafyrei{n:052d}",
        },
    }


class FakeJetstream:
    """Plays `events`; the first connection drops after `drop_after` events."""

    def __init__(self, events: list[dict], drop_after: int | None = None) -> None:
        from websockets.sync.server import serve

        self.events = events
        self.drop_after = drop_after
        self.cursors: list[str | None] = []
        self.queries: list[dict[str, list[str]]] = []  # each connection's query
        self.server = serve(self.handler, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/subscribe"

    def handler(self, ws) -> None:
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(ws.request.path).query)
        cursor = query.get("cursor", [None])[0]
        self.queries.append(query)
        self.cursors.append(cursor)
        first = len(self.cursors) == 1
        # Jetstream replays from the cursor, the cursor's own event included.
        todo = [e for e in self.events if cursor is None or e.get("time_us", 0) >= int(cursor)]
        for i, event in enumerate(todo):
            if first and self.drop_after is not None and i == self.drop_after:
                return  # the connection drops half-way
            ws.send(json.dumps(event))
        with contextlib.suppress(Exception):
            ws.recv(timeout=30)  # stay open and quiet, as a stream with no new posts

    def __enter__(self) -> FakeJetstream:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
