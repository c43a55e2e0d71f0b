"""A small Discourse forum that answers like the real one (field names and shapes as served)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .conftest import FakeServer, Reply, Seen

BASE_TIME = datetime(2025, 6, 1, tzinfo=UTC)
TOPIC_PATH = re.compile(r"^/t/(\d+)(\.json|/posts\.json)$")


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
        for t in range(1, topics + 1):
            self.topics[t] = []
            for _ in range(posts):
                self.add_post(t)
        server.route("/latest.json", self.latest)
        server.route("/search.json", self.search)
        server.fallback = self.topic_routes

    def add_post(self, topic: int, reply_to: int | None = None, text: str | None = None) -> int:
        posts = self.topics.setdefault(topic, [])
        number = len(posts) + 1
        created = BASE_TIME + timedelta(minutes=self.next_id)
        post_id, self.next_id = self.next_id, self.next_id + 1
        posts.append(
            {
                "id": post_id,
                "name": f"User {number}",
                "username": f"user{number}",
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
                "user_id": number,
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

    def topic_routes(self, seen: Seen) -> Reply:
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
