"""A small Discourse forum that answers like the real one (field names and shapes as served)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .conftest import FakeServer, Reply, Seen

BASE_TIME = datetime(2025, 6, 1, tzinfo=UTC)
TOPIC_PATH = re.compile(r"^/t/(\d+)(\.json|/posts\.json)$")
POST_PATH = re.compile(r"^/posts/(\d+)\.json$")
USER_PATH = re.compile(r"^/u/([\w.-]+)\.json$")
CREATED_BY_PATH = re.compile(r"^/topics/created-by/([\w.-]+)\.json$")
API_KEY, API_USER = "k-123", "escucha_bot"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class FakeForum:
    """`topics` topics of `posts` posts each; post ids grow across the forum, as on Discourse."""

    def __init__(self, server: FakeServer, topics: int = 3, posts: int = 4, per_page: int = 2):
        self.per_page = per_page
        self.topics: dict[int, list[dict]] = {}
        self.bad_posts: set[int] = set()
        self.malformed_listing_pages: int = 0
        self.delay = 0.0
        self.next_id = 101
        self.notifications: list[dict] = []
        self.raw: dict[int, str] = {}  # post id -> the markdown it was written in
        self.titles: dict[int, str] = {}
        self.slow_posts = 0  # the next N writes are stored, then answered too late
        self.post_delay = 1.0
        for t in range(1, topics + 1):
            self.topics[t] = []
            for _ in range(posts):
                self.add_post(t)
        server.route("/latest.json", self.latest)
        server.route("/search.json", self.search)
        server.route("/notifications.json", self.list_notifications)
        server.route("/posts.json", self.create_post)
        server.fallback = self.topic_routes

    def add_post(
        self,
        topic: int,
        reply_to: int | None = None,
        text: str | None = None,
        username: str | None = None,
    ) -> int:
        posts = self.topics.setdefault(topic, [])
        number = len(posts) + 1
        created = BASE_TIME + timedelta(minutes=self.next_id)
        post_id, self.next_id = self.next_id, self.next_id + 1
        name = f"User {number}" if username is None else username.replace("_", " ").title()
        username = username or f"user{number}"
        self.raw[post_id] = text or f"Topic {topic} post {number}: **Iberia** news"
        posts.append(
            {
                "id": post_id,
                "name": name,
                "username": username,
                "avatar_template": "/letter_avatar_proxy/v4/letter/u/{size}.png",
                "created_at": _iso(created),
                "cooked": text or f"<p>Topic {topic} post {number}: <b>Iberia</b> news</p>",
                "post_number": number,
                "post_type": 1,
                "updated_at": _iso(created),
                "reply_count": 0,
                "reply_to_post_number": reply_to,
                "quote_count": 0,
                "reads": 3,
                "score": 0.4,
                "yours": False,
                "topic_id": topic,
                "topic_slug": f"topic-{topic}",
                "display_username": f"User {number}",
                "version": 1,
                "can_edit": False,
                "user_id": 900 if username == API_USER else number,
                "trust_level": 1,
            }
        )
        return post_id

    def _topic_summary(self, topic: int) -> dict:
        posts = self.topics[topic]
        return {
            "id": topic,
            "title": f"Topic {topic}",
            "fancy_title": f"Topic {topic}",
            "slug": f"topic-{topic}",
            "posts_count": len(posts),
            "reply_count": len(posts) - 1,
            "highest_post_number": len(posts),
            "created_at": posts[0]["created_at"],
            "last_posted_at": posts[-1]["created_at"],
            "bumped": True,
            "bumped_at": posts[-1]["created_at"],
            "archetype": "regular",
            "unseen": False,
            "pinned": False,
            "visible": True,
            "closed": False,
            "archived": False,
            "views": 42,
            "like_count": 1,
            "category_id": 4,
            "posters": [],
        }

    def latest(self, seen: Seen) -> Reply:
        if self.malformed_listing_pages:
            self.malformed_listing_pages -= 1
            return Reply(200, '{"topic_list": {"topics": [', {"Content-Type": "application/json"})
        page = int(seen.query.get("page", ["0"])[0])
        ordered = sorted(self.topics, key=lambda t: self.topics[t][-1]["created_at"], reverse=True)
        chunk = ordered[page * self.per_page : (page + 1) * self.per_page]
        more = (page + 1) * self.per_page < len(ordered)
        topic_list = {
            "can_create_topic": False,
            "per_page": self.per_page,
            "topics": [self._topic_summary(t) for t in chunk],
        }
        if more:
            topic_list["more_topics_url"] = f"/latest?no_definitions=true&page={page + 1}"
        return Reply(200, {"users": [], "primary_groups": [], "topic_list": topic_list})

    def _authorised(self, seen: Seen) -> bool:
        headers = {k.lower(): v for k, v in seen.headers.items()}
        return headers.get("api-key") == API_KEY and headers.get("api-username") == API_USER

    def notify(self, post_id: int, kind: int) -> None:
        """A notification for the API user about `post_id` (1 mentioned, 2 replied, 5 liked)."""
        post = next(p for posts in self.topics.values() for p in posts if p["id"] == post_id)
        self.notifications.append(
            {
                "id": len(self.notifications) + 1,
                "user_id": 900,
                "notification_type": kind,
                "read": False,
                "high_priority": False,
                "created_at": post["created_at"],
                "post_number": post["post_number"],
                "topic_id": post["topic_id"],
                "fancy_title": f"Topic {post['topic_id']}",
                "slug": post["topic_slug"],
                "data": {
                    "topic_title": f"Topic {post['topic_id']}",
                    "original_post_id": post_id,
                    "original_post_type": 1,
                    "original_username": post["username"],
                    "display_username": post["username"],
                },
            }
        )

    def list_notifications(self, seen: Seen) -> Reply:
        if not self._authorised(seen):
            return Reply(403, {"errors": ["You are not permitted to view the requested resource."]})
        newest_first = sorted(self.notifications, key=lambda n: n["id"], reverse=True)
        return Reply(200, {"notifications": newest_first, "total_rows_notifications": 0})

    def create_post(self, seen: Seen) -> Reply:
        """POST /posts.json: a reply (topic_id, reply_to_post_number) or a new topic (title)."""
        if not self._authorised(seen):
            return Reply(403, {"errors": ["You are not permitted to view the requested resource."]})
        fields = seen.fields()
        raw = str(fields.get("raw") or "")
        if len(raw.strip()) < 20:
            return Reply(422, {"errors": ["Body is too short (minimum is 20 characters)"]})
        if "topic_id" in fields:
            topic = int(fields["topic_id"])
            if topic not in self.topics:
                return Reply(404, {"errors": ["The requested URL or resource could not be found."]})
        else:
            topic = max(self.topics) + 1
            self.titles[topic] = fields["title"]
        post_id = self.add_post(
            topic, fields.get("reply_to_post_number"), text=raw, username=API_USER
        )
        body = self._served(self.topics[topic][-1]) | {"raw": raw}
        if self.slow_posts:
            self.slow_posts -= 1
            return Reply(200, body, delay=self.post_delay)
        assert post_id == body["id"]
        return Reply(200, body)

    def other_routes(self, seen: Seen) -> Reply:
        if match := POST_PATH.match(seen.path):
            for posts in self.topics.values():
                for post in posts:
                    if post["id"] == int(match[1]):
                        return Reply(200, post | {"raw": self.raw[post["id"]]})
        elif match := USER_PATH.match(seen.path):
            if match[1] == "nadie":
                return Reply(404, {"errors": ["The requested URL or resource could not be found."]})
            user = {"id": 77, "username": match[1], "name": "Ana García", "trust_level": 1}
            return Reply(200, {"user_badges": [], "user": user})
        elif match := CREATED_BY_PATH.match(seen.path):
            mine = [t for t in self.titles if self.topics[t][0]["username"] == match[1]]
            topics = [self._topic_summary(t) | {"title": self.titles[t]} for t in mine]
            return Reply(200, {"users": [], "topic_list": {"topics": topics}})
        return Reply(404, {"errors": ["The requested URL or resource could not be found."]})

    def topic_routes(self, seen: Seen) -> Reply:
        if not seen.path.startswith("/t/"):
            return self.other_routes(seen)
        match = TOPIC_PATH.match(seen.path)
        if not match or int(match[1]) not in self.topics:
            return Reply(404, {"errors": ["The requested URL or resource could not be found."]})
        topic = int(match[1])
        posts = [self._served(p) for p in self.topics[topic]]
        if match[2] == "/posts.json":
            wanted = {int(i) for i in seen.query.get("post_ids[]", [])}
            chosen = [p for p in posts if p["id"] in wanted]
            return Reply(200, {"post_stream": {"posts": chosen}, "id": topic}, delay=self.delay)
        body = {
            "post_stream": {"posts": posts[:20], "stream": [p["id"] for p in posts]},
            **self._topic_summary(topic),
        }
        return Reply(200, body, delay=self.delay)

    def _served(self, post: dict) -> dict:
        if post["id"] in self.bad_posts:
            return {k: v for k, v in post.items() if k != "post_number"}
        return post

    def search(self, seen: Seen) -> Reply:
        term = seen.query["q"][0].replace(" order:latest", "").lower()
        page = int(seen.query.get("page", ["1"])[0])
        hits = sorted(
            (p for posts in self.topics.values() for p in posts if term in p["cooked"].lower()),
            key=lambda p: p["id"],
            reverse=True,
        )
        chunk = hits[(page - 1) * 5 : page * 5]
        return Reply(
            200,
            {
                "posts": [
                    {
                        "id": p["id"],
                        "name": p["name"],
                        "username": p["username"],
                        "created_at": p["created_at"],
                        "like_count": 0,
                        "blurb": p["cooked"][:50],
                        "post_number": p["post_number"],
                        "topic_id": p["topic_id"],
                    }
                    for p in chunk
                ],
                "topics": [],
                "users": [],
                "categories": [],
                "tags": [],
                "groups": [],
                "grouped_search_result": {
                    "more_posts": None,
                    "term": term,
                    "more_full_page_results": page * 5 < len(hits),
                    "can_create_topic": False,
                    "error": None,
                    "post_ids": [p["id"] for p in chunk],
                },
            },
        )

    def all_ids(self) -> list[str]:
        return sorted(str(p["id"]) for posts in self.topics.values() for p in posts)
