"""A Bluesky AppView (XRPC over HTTP) and a Jetstream (websocket) that answer like the real ones."""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import UTC, datetime, timedelta

from .conftest import FakeServer, Reply, Seen

BASE_TIME = datetime(2025, 6, 1, tzinfo=UTC)
POST = "app.bsky.feed.post"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class FakeAppView:
    def __init__(self, server: FakeServer) -> None:
        self.posts: list[dict] = []
        server.route("/xrpc/app.bsky.feed.searchPosts", self.search)
        server.route("/xrpc/app.bsky.feed.getAuthorFeed", self.author_feed)

    def post(self, text: str, handle: str = "ana.bsky.social", reply_to: str | None = None) -> str:
        n = len(self.posts)
        did = f"did:plc:{handle.split('.')[0]:a<24}"
        uri = f"at://{did}/{POST}/3l{n:011d}"
        moment = BASE_TIME + timedelta(minutes=n)
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

    def author_feed(self, seen: Seen) -> Reply:
        actor = seen.query["actor"][0]
        chunk, cursor = self._paged(seen, [p for p in self.posts if p["author"]["handle"] == actor])
        body = {"feed": [{"post": p} for p in chunk]}
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
        self.server = serve(self.handler, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/subscribe"

    def handler(self, ws) -> None:
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(ws.request.path).query)
        cursor = query.get("cursor", [None])[0]
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
