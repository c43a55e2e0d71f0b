"""Discourse forums: new posts of recently active topics (/latest.json), or a search, or the
API user's notifications; profiles; replies and new topics (Discourse has no idempotency key:
after an unknown outcome we look for our own post with that text before sending again)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urljoin, urlsplit

from escucha.core.items import Item, Rejected, count
from escucha.errors import UserError
from escucha.listen.dates import parse_date
from escucha.listen.http import AuthFailed, HttpClient, NotFound, SourceError
from escucha.listen.sources.base import Categories, InvalidRecord, Page, Profile, Source
from escucha.listen.sources.text import html_to_text
from escucha.listen.sources.writing import (
    Published,
    Publisher,
    WriteLimit,
    checked_text,
    publish_once,
)

POST_IDS_PER_REQUEST = 20
MAX_TRACKED_TOPICS = 5000
SMALL_ACTION = 3  # "closed this topic" and the like: no text of a person
NOTIFIED_BY_POST = {1: "mentioned", 2: "replied", 3: "quoted"}  # Discourse's notification types
LOOK_BACK_POSTS = 20  # how far back in a topic we look for our own post before resending


class DiscourseSource(Source, Publisher):
    kind = "discourse"
    target_option = "base_url"
    required_options = ("base_url",)
    credential_keys = ("api_key", "api_username")
    categories = Categories(posts=("base_url", "q"), mentions=("notifications",), profiles=True)
    number_options = ("max_listing_pages", "max_post_chars")
    flag_options = ("notifications",)
    write_limit = WriteLimit(32_000)  # Discourse's default max_post_length
    idempotency = (
        "none offered by Discourse: before sending again after an unknown outcome (and before "
        "the first send) we look for our own post with the same text among the topic's last "
        f"{LOOK_BACK_POSTS} posts (a new topic: among our topics, by title)"
    )
    coverage = (
        "public topics and posts (private categories need an API key); 'latest' walks recently "
        "bumped topics up to max_listing_pages per run; 'search' (set q) sees what Discourse "
        "search returns, newest first, at most 50 results per page; notifications are the API "
        "user's own (mentions, replies, quotes)"
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

    @property
    def instance(self) -> str:
        """User ids are the forum's own: the forum's host names them."""
        return (urlsplit(self.base).hostname or "").lower()

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        with self._client() as http:
            if self.options.get("notifications"):
                self._needs_key("notifications")
                yield from self._notifications(http, dict(cursor or {}))
            elif self.options.get("q"):
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
                if last_number is None:  # gone: not asked for again until it is bumped
                    last_number = int(topic.get("highest_post_number") or 0)
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

    def _notifications(self, http: HttpClient, cursor: dict) -> Iterator[Page]:
        """The API user's mentions, replies and quotes, newest first down to the last run's."""
        since = int(cursor.get("since_id", 0))
        top = since
        wanted: dict[int, list[int]] = {}
        url: str | None = f"{self.base}/notifications.json"
        for _ in range(int(self.options.get("max_listing_pages", 10))):
            if url is None:
                break
            data = http.get_json(url)
            notes = [n for n in data.get("notifications") or [] if isinstance(n.get("id"), int)]
            fresh = [n for n in notes if n["id"] > since]
            for note in fresh:
                top = max(top, note["id"])
                post_id = (note.get("data") or {}).get("original_post_id")
                if note.get("notification_type") in NOTIFIED_BY_POST and post_id:
                    wanted.setdefault(note["topic_id"], []).append(int(post_id))
            more = data.get("load_more_notifications")
            done = not fresh or len(fresh) < len(notes) or not more
            url = None if done else self._json_url(more)
        for topic_id, ids in wanted.items():
            page, _ = self._topic(http, topic_id, wanted=ids)
            page.cursor = {"since_id": since}
            yield page
        yield Page(cursor={"since_id": top})

    def profile(self, account: str) -> Profile:
        """/u/{username}.json; core Discourse counts no followers."""
        username = account.lstrip("@")
        with self._client() as http:
            user = http.get_json(f"{self.base}/u/{quote(username)}.json").get("user") or {}
        if "id" not in user:
            raise SourceError(f"{self.name}: {self.base} has no user {username!r}")
        return Profile(
            platform=self.platform,
            instance=self.instance,
            account_id=str(user["id"]),
            handle=user.get("username") or username,
            display_name=user.get("name") or None,
            followers=None,
            profile_url=f"{self.base}/u/{user.get('username') or username}",
        )

    def reply(self, parent: str, text: str, idempotency_key: str) -> Published:
        """A reply to the post whose id is `parent`, in its topic."""
        text = checked_text(self, self._limit(), text)
        self._needs_key("replies")
        with self._client() as http:
            replied = http.get_json(f"{self.base}/posts/{int(parent)}.json")
            topic_id, number = replied["topic_id"], replied["post_number"]
            fields = {"raw": text, "topic_id": topic_id, "reply_to_post_number": number}
            return publish_once(
                self,
                lambda: self._published(
                    http.send_once("POST", f"{self.base}/posts.json", json_body=fields)
                ),
                lambda: self._find_in_topic(http, topic_id, text),
            )

    @classmethod
    def post_refusal(cls, title: str | None, community: str | None) -> str | None:
        if not title:
            return "a new Discourse topic needs a title"
        if community and not community.strip().isdigit():
            return f"a Discourse category is given by its number, not {community!r}"
        return None

    def post(
        self,
        text: str,
        idempotency_key: str,
        *,
        title: str | None = None,
        community: str | None = None,
    ) -> Published:
        """A new topic titled `title`, in the category whose id is `community` (if given)."""
        text = checked_text(self, self._limit(), text)
        if why := self.post_refusal(title, community):
            raise UserError(f"{self.name}: {why}")
        assert title  # post_refusal says so
        self._needs_key("posts")
        fields: dict = {"raw": text, "title": title}
        if community:
            fields["category"] = int(community)
        with self._client() as http:
            return publish_once(
                self,
                lambda: self._published(
                    http.send_once("POST", f"{self.base}/posts.json", json_body=fields)
                ),
                lambda: self._find_topic(http, title, text),
            )

    def _limit(self) -> WriteLimit:
        return WriteLimit(int(self.options.get("max_post_chars", self.write_limit.size)))

    def _needs_key(self, what: str) -> None:
        if not self.credentials.get("api_key") or not self.credentials.get("api_username"):
            raise AuthFailed(f"{self.name}: {what} need an API key and its api_username")

    def _published(self, post: dict) -> Published:
        slug = post.get("topic_slug") or "topic"
        user = post["user_id"] if post.get("user_id") is not None else post.get("username")
        return Published(
            native_id=str(post["id"]),
            url=f"{self.base}/t/{slug}/{post['topic_id']}/{post['post_number']}",
            created_at=parse_date(post.get("created_at")),
            account_id=str(user) if user is not None else None,  # as collected posts key it
            handle=post.get("username"),
        )

    def _find_in_topic(self, http: HttpClient, topic_id: int, text: str) -> Published | None:
        """Our post with this text among the topic's last posts, if one is there."""
        data = http.get_json(f"{self.base}/t/{topic_id}.json")
        stream = [i for i in (data.get("post_stream") or {}).get("stream") or [] if i]
        tail = stream[-LOOK_BACK_POSTS:]
        posts = http.get_json(
            f"{self.base}/t/{topic_id}/posts.json", params=[("post_ids[]", i) for i in tail]
        )
        return self._ours_with(http, (posts.get("post_stream") or {}).get("posts") or [], text)

    def _find_topic(self, http: HttpClient, title: str, text: str) -> Published | None:
        """Our topic with this title and first post, if one is there."""
        me = quote(self.credentials["api_username"])
        listing = http.get_json(f"{self.base}/topics/created-by/{me}.json")
        for topic in (listing.get("topic_list") or {}).get("topics") or []:
            if topic.get("title") == title:
                first = http.get_json(f"{self.base}/t/{topic['id']}.json")
                posts = (first.get("post_stream") or {}).get("posts") or []
                found = self._ours_with(http, posts[:1], text)
                if found is not None:
                    return found
        return None

    def _ours_with(self, http: HttpClient, posts: list, text: str) -> Published | None:
        me = self.credentials["api_username"].lower()
        for post in reversed(posts):
            if str(post.get("username", "")).lower() != me:
                continue
            full = http.get_json(f"{self.base}/posts/{post['id']}.json")
            if str(full.get("raw", "")).strip() == text:
                return self._published(full)
        return None

    def _topic(
        self,
        http: HttpClient,
        topic_id: int,
        *,
        after: int = 0,
        wanted: list[int] | None = None,
    ) -> tuple[Page, int | None]:
        """The posts of a topic numbered above `after` (or those in `wanted`), as a page, and
        the highest post number read. A topic answering 404 (deleted, or moved where we may
        not read) is one rejected record, and None."""
        where = f"{self.base}/t/{topic_id}.json"
        try:
            data = http.get_json(where)
        except NotFound as exc:
            reason = f"topic {topic_id} skipped: {exc}"
            return Page(rejected=[Rejected(where, reason, {"topic_id": topic_id})]), None
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

    def _post_item(self, post: dict, root: int | None, number_to_id: dict, topic: dict) -> Item:
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
            author_id=post["user_id"] if post.get("user_id") is not None else post.get("username"),
            url=f"{self.base}/t/{slug}/{post['topic_id']}/{number}",
            parent_id=parent,
            root_id=root if number > 1 else None,
            likes=_likes(post),
            replies=count(post.get("reply_count")),
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


LIKE_ACTION = 2  # the post action type Discourse counts likes under


def _likes(post: dict) -> int | None:
    """A post's likes: `like_count` where the forum gives it (search results), else the like
    action's count in `actions_summary` (topic views); None when neither is there."""
    if post.get("like_count") is not None:
        return count(post.get("like_count"))
    for action in post.get("actions_summary") or ():
        if isinstance(action, dict) and action.get("id") == LIKE_ACTION:
            return count(action.get("count", 0))
    return None
