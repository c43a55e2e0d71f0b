"""Discourse forums: new posts of recently active topics (/latest.json), or a search."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from escucha.core.items import Rejected
from escucha.listen.dates import parse_date
from escucha.listen.http import HttpClient, SourceError
from escucha.listen.sources.base import InvalidRecord, Page, Source
from escucha.listen.sources.text import html_to_text

POST_IDS_PER_REQUEST = 20
MAX_TRACKED_TOPICS = 5000
SMALL_ACTION = 3  # "closed this topic" and the like: no text of a person


class DiscourseSource(Source):
    kind = "discourse"
    target_option = "base_url"
    required_options = ("base_url",)
    credential_keys = ("api_key", "api_username")
    coverage = (
        "public topics and posts (private categories need an API key); 'latest' walks recently "
        "bumped topics up to max_listing_pages per run; 'search' (set q) sees what Discourse "
        "search returns, newest first, at most 50 results per page"
    )

    @property
    def base(self) -> str:
        return str(self.options["base_url"]).rstrip("/")

    def _client(self) -> HttpClient:
        headers = {}
        if self.credentials.get("api_key"):
            headers["Api-Key"] = self.credentials["api_key"]
            headers["Api-Username"] = self.credentials.get("api_username", "system")
        return HttpClient(self.name, self.http_options, headers=headers, sleep=self.sleep)

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        with self._client() as http:
            if self.options.get("q"):
                yield from self._search(http, dict(cursor or {}))
            else:
                yield from self._latest(http, dict(cursor or {}))

    def _latest(self, http: HttpClient, cursor: dict) -> Iterator[Page]:
        """Walk /latest.json (most recently bumped first) down to the last sweep's top."""
        seen: dict[str, int] = dict(cursor.get("topics", {}))
        since = cursor.get("bumped_since")
        top = since
        url: str | None = f"{self.base}/latest.json"
        max_pages = int(self.options.get("max_listing_pages", 10))
        for _ in range(max_pages):
            if url is None:
                break
            listing = http.get_json(url).get("topic_list") or {}
            reached_old = False
            for topic in listing.get("topics") or []:
                bumped = topic.get("bumped_at")
                if since and bumped and bumped <= since:
                    if topic.get("pinned"):
                        continue  # pinned topics head the list whatever their age
                    reached_old = True
                    break
                if bumped and (top is None or bumped > top):
                    top = bumped
                if not isinstance(topic.get("id"), int):
                    where = f"{url} topic list"
                    yield Page(
                        rejected=[Rejected(where, "topic has no numeric id", topic)],
                        cursor={"topics": _trim(seen), "bumped_since": since},
                    )
                    continue
                key = str(topic["id"])
                if int(topic.get("highest_post_number") or 0) <= seen.get(key, 0):
                    continue
                page, last_number = self._topic(http, topic["id"], after=seen.get(key, 0))
                seen.pop(key, None)  # re-inserted last: the most recently touched
                seen[key] = last_number
                page.cursor = {"topics": _trim(seen), "bumped_since": since}
                yield page
            more = listing.get("more_topics_url")
            url = None if reached_old or not more else self._json_url(more)
        yield Page(cursor={"topics": _trim(seen), "bumped_since": top})

    def _search(self, http: HttpClient, cursor: dict) -> Iterator[Page]:
        """Search results newest first, down to the highest post id of the last sweep."""
        since = int(cursor.get("since_id", 0))
        top = since
        max_pages = int(self.options.get("max_listing_pages", 10))
        query = f"{self.options['q']} order:latest"
        for number in range(1, max_pages + 1):
            data = http.get_json(f"{self.base}/search.json", params={"q": query, "page": number})
            hits = [p for p in data.get("posts") or [] if isinstance(p.get("id"), int)]
            fresh = [p for p in hits if p["id"] > since]
            by_topic: dict[int, list[int]] = {}
            for hit in fresh:
                by_topic.setdefault(hit["topic_id"], []).append(hit["id"])
                top = max(top, hit["id"])
            page = Page(cursor={"since_id": since})
            for topic_id, ids in by_topic.items():
                found, _ = self._topic(http, topic_id, wanted=ids)
                page.items += found.items
                page.rejected += found.rejected
            yield page
            more = (data.get("grouped_search_result") or {}).get("more_full_page_results")
            if not fresh or len(fresh) < len(hits) or not more:
                break
        yield Page(cursor={"since_id": top})

    def _topic(
        self,
        http: HttpClient,
        topic_id: int,
        *,
        after: int = 0,
        wanted: list[int] | None = None,
    ) -> tuple[Page, int]:
        """The posts of a topic numbered above `after` (or those in `wanted`), as a page."""
        where = f"{self.base}/t/{topic_id}.json"
        data = http.get_json(where)
        stream_data = data.get("post_stream") or {}
        stream = [i for i in stream_data.get("stream") or [] if isinstance(i, int)]
        posts = [p for p in stream_data.get("posts") or [] if isinstance(p, dict)]
        loaded = {p.get("id") for p in posts}
        explicit = wanted is not None
        if wanted is None:
            # Stream ids are in post-number order and numbers only grow, so every post numbered
            # above `after` is among the last (highest - after) ids of the stream.
            highest = int(data.get("highest_post_number") or 0)
            wanted = stream[-(highest - after) :] if highest > after else []
        missing = [i for i in wanted if i not in loaded]
        for start in range(0, len(missing), POST_IDS_PER_REQUEST):
            chunk = missing[start : start + POST_IDS_PER_REQUEST]
            more = http.get_json(
                f"{self.base}/t/{topic_id}/posts.json",
                params=[("post_ids[]", i) for i in chunk],
            )
            posts += [p for p in (more.get("post_stream") or {}).get("posts") or [] if p]
        number_to_id = {p.get("post_number"): p.get("id") for p in posts}
        root = stream[0] if stream else number_to_id.get(1)
        keep = set(wanted)
        page, last = Page(), after
        for post in posts:
            number = post.get("post_number")
            if isinstance(number, int):
                last = max(last, number)
            if explicit:
                if post.get("id") not in keep:
                    continue
            elif isinstance(number, int) and number <= after:
                continue
            if post.get("post_type") == SMALL_ACTION:
                continue
            try:
                page.items.append(self._post_item(post, root, number_to_id, data))
            except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
                page.rejected.append(Rejected(where, f"post: {exc}", post))
        return page, last

    def _post_item(self, post: dict, root: int | None, number_to_id: dict, topic: dict):
        number = post["post_number"]
        reply_to = post.get("reply_to_post_number")
        parent = number_to_id.get(reply_to) if reply_to else (root if number > 1 else None)
        slug = post.get("topic_slug") or topic.get("slug") or "topic"
        return self.item(
            post.get("id"),
            html_to_text(post.get("cooked")),
            post,
            created_at=parse_date(post.get("created_at")),
            author=post.get("username"),
            author_name=post.get("name") or None,
            url=f"{self.base}/t/{slug}/{post['topic_id']}/{number}",
            parent_id=parent,
            root_id=root if number > 1 else None,
        )

    def _json_url(self, more: str) -> str:
        """`/latest?page=1` as the JSON endpoint, on the forum's own host only."""
        target = urljoin(self.base + "/", more)
        parts = urlsplit(target)
        if (parts.scheme, parts.netloc) != urlsplit(self.base)[:2]:
            raise SourceError(f"{self.name}: the forum pointed its next page at {target!r}")
        path = parts.path if parts.path.endswith(".json") else parts.path + ".json"
        return parts._replace(path=path).geturl()


def _trim(seen: dict[str, int]) -> dict[str, int]:
    """Keep the most recently touched topics; a forgotten topic is re-read, never lost."""
    if len(seen) <= MAX_TRACKED_TOPICS:
        return dict(seen)
    return dict(list(seen.items())[-MAX_TRACKED_TOPICS:])
