"""A Mastodon instance's REST API as the real one answers it (statuses, notifications, paging)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .conftest import FakeServer, Reply, Seen

BASE_TIME = datetime(2025, 6, 1, tzinfo=UTC)


def account(acct: str, number: int) -> dict:
    return {
        "id": str(1000 + number),
        "username": acct.split("@")[0],
        "acct": acct,
        "display_name": acct.split("@")[0].title(),
        "locked": False,
        "bot": False,
        "created_at": "2022-11-01T00:00:00.000Z",
        "note": "<p>Viajera frecuente</p>",
        "url": f"https://mastodon.example/@{acct}",
        "avatar": "https://mastodon.example/avatars/original/missing.png",
        "followers_count": 10,
        "following_count": 5,
        "statuses_count": 100,
        "emojis": [],
        "fields": [],
    }


class FakeMastodon:
    """Statuses carry increasing snowflake-like ids; every list endpoint pages like Mastodon."""

    def __init__(self, server: FakeServer, token: str | None = None) -> None:
        self.statuses: list[dict] = []
        self.notifications: list[dict] = []
        self.token = token
        self.next_id = 110_000_000_000_000_000
        self.fail_next: list[Reply] = []
        self.by_key: dict[tuple[str, str], dict] = {}  # (token, Idempotency-Key) -> status
        self.slow_posts = 0  # the next N posts are published, then answered too late
        self.post_delay = 1.0
        server.route("/api/v1/accounts/lookup", self.lookup)
        server.route("/api/v1/statuses", self.publish)
        instance = {
            "domain": "mastodon.example",
            "title": "Mastodon",
            "version": "4.3.2",
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "A test instance",
            "usage": {"users": {"active_month": 10}},
            "languages": ["es", "en"],
            "configuration": {"statuses": {"max_characters": 500}},
        }
        server.route("/api/v2/instance/", Reply(200, instance))
        server.route("/api/v2/instance", Reply(200, instance))
        server.fallback = self.lists

    def post(self, text: str, tags=(), acct: str = "ana", reply_to: str | None = None) -> str:
        self.next_id += 1
        status_id = str(self.next_id)
        created = BASE_TIME + timedelta(minutes=len(self.statuses))
        self.statuses.append(
            {
                "id": status_id,
                "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "in_reply_to_id": reply_to,
                "in_reply_to_account_id": None,
                "sensitive": False,
                "spoiler_text": "",
                "visibility": "public",
                "language": "es",
                "uri": f"https://mastodon.example/users/{acct}/statuses/{status_id}",
                "url": f"https://mastodon.example/@{acct}/{status_id}",
                "replies_count": 0,
                "reblogs_count": 0,
                "favourites_count": 1,
                "edited_at": None,
                "content": f"<p>{text}</p>",
                "reblog": None,
                "account": account(acct, len(acct)),
                "media_attachments": [],
                "mentions": [],
                "tags": [{"name": t, "url": f"https://mastodon.example/tags/{t}"} for t in tags],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        )
        return status_id

    def mention(self, text: str) -> str:
        status_id = self.post(text, acct="luis")
        status = self.statuses[-1]
        self.notifications.append(
            {
                "id": str(500 + len(self.notifications)),
                "type": "mention",
                "created_at": status["created_at"],
                "account": status["account"],
                "status": status,
            }
        )
        return status_id

    def lookup(self, seen: Seen) -> Reply:
        acct = seen.query["acct"][0]
        if acct == "nadie":
            return Reply(404, {"error": "Record not found"})
        return Reply(200, account(acct, 7) | {"id": "42"})

    def publish(self, seen: Seen) -> Reply:
        """POST /api/v1/statuses: a repeated Idempotency-Key answers the status it made."""
        if self.fail_next:
            return self.fail_next.pop(0)
        token = seen.headers.get("Authorization", "")
        if not self.token or token != f"Bearer {self.token}":
            return Reply(401, {"error": "The access token is invalid"})
        fields = seen.fields()
        key = seen.headers.get("Idempotency-Key")
        if key and (token, key) in self.by_key:
            return Reply(200, self.by_key[(token, key)])
        text = str(fields.get("status") or "").strip()
        parent = fields.get("in_reply_to_id")
        if parent and not any(s["id"] == parent for s in self.statuses):
            return Reply(
                404, {"error": "The post you are trying to reply to does not appear to exist."}
            )
        if not text:
            return Reply(422, {"error": "Validation failed: Text can't be blank"})
        if len(text) > 500:
            return Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
        self.post(text, acct="iberia", reply_to=parent)
        status = self.statuses[-1]
        if key:
            self.by_key[(token, key)] = status
        if self.slow_posts:
            self.slow_posts -= 1
            return Reply(200, status, delay=self.post_delay)
        return Reply(200, status)

    def _page(self, seen: Seen, items: list[dict]) -> Reply:
        q = {k: v[0] for k, v in seen.query.items()}
        chosen = sorted(items, key=lambda s: int(s["id"]), reverse=True)
        if "since_id" in q:
            chosen = [s for s in chosen if int(s["id"]) > int(q["since_id"])]
        if "max_id" in q:
            chosen = [s for s in chosen if int(s["id"]) < int(q["max_id"])]
        return Reply(200, chosen[: int(q.get("limit", 20))])

    def lists(self, seen: Seen) -> Reply:
        if self.fail_next:
            return self.fail_next.pop(0)
        if self.token and seen.headers.get("Authorization") != f"Bearer {self.token}":
            return Reply(401, {"error": "The access token is invalid"})
        path = seen.path
        if path.startswith("/api/v1/timelines/tag/"):
            tag = path.rsplit("/", 1)[1]
            return self._page(seen, [s for s in self.statuses if tag in _tags(s)])
        if path == "/api/v1/accounts/42/statuses":
            return self._page(seen, [s for s in self.statuses if s["account"]["acct"] == "iberia"])
        if path == "/api/v1/notifications":
            return self._page(seen, self.notifications)
        if path == "/api/v1/timelines/public":
            return self._page(seen, self.statuses)
        return Reply(404, {"error": "Record not found"})


def _tags(status: dict) -> list[str]:
    return [t["name"] for t in status["tags"]]
