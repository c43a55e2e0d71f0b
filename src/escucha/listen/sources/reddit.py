"""Reddit (praw): a subreddit's new posts, a search, a subreddit's comments, our inbox's
mentions; newest first. Profiles; comments and self posts with a Reddit account (Reddit has no
idempotency key: after an unknown outcome we look for our own post before sending again)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from functools import cache, partial
from typing import Any
from urllib.parse import urlsplit

from escucha.core.items import Item, Rejected, count
from escucha.core.secrets import env_name
from escucha.errors import UserError
from escucha.listen.dates import parse_date
from escucha.listen.http import (
    AuthFailed,
    GuardedCalls,
    HttpOptions,
    Retry,
    SourceError,
    rate_limit_delay,
    status_error,
)
from escucha.listen.sources.base import (
    Categories,
    InvalidRecord,
    Page,
    Profile,
    Source,
    option_list,
)
from escucha.listen.sources.writing import (
    Published,
    Publisher,
    WriteLimit,
    checked_text,
    publish_once,
)

PAGE_SIZE = 100  # Reddit's maximum per listing request
TOKEN_PATH = "/api/v1/access_token"
GONE = ("[removed]", "[deleted]")
SUBREDDIT = re.compile(r"[A-Za-z0-9_]{2,21}(\+[A-Za-z0-9_]{2,21})*")
RATE_HEADERS = ("x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset")
APP_KEYS = ("client_id", "client_secret")
ACCOUNT_KEYS = ("username", "password")
SELF_POST_LIMIT = WriteLimit(40_000)
TITLE_LIMIT = 300
LOOK_BACK = 25  # how many of our latest comments or posts we look through before resending


class RedditSource(Source, Publisher):
    kind = "reddit"
    target_option = "subreddits"
    credential_keys = APP_KEYS + ACCOUNT_KEYS  # the account's are needed for inbox and writes
    categories = Categories(
        posts=("subreddits", "q", "comments"), mentions=("mentions",), profiles=True
    )
    sdk = "praw"
    flag_options = ("comments", "mentions")
    list_options = ("subreddits",)
    write_limit = WriteLimit(10_000)  # a comment
    idempotency = (
        "none offered by Reddit: before sending again after an unknown outcome (and before the "
        f"first send) we look through our latest {LOOK_BACK} comments (or posts) for one with "
        "the same parent and text (or subreddit, title and text)"
    )
    coverage = (
        "Reddit listings stop near 1,000 items; search is approximate and not exhaustive; "
        "deleted/removed content is skipped; a first run reads back backfill_pages pages of 100 "
        "per stream; mentions are the account's inbox mentions (username and password needed)"
    )

    def streams(self) -> list[str]:
        """new:SUB per subreddit, or search:SUB:Q (SUB 'all' without subreddits), comments:SUB."""
        subs = [
            s.removeprefix("/").removeprefix("r/") for s in option_list(self.options, "subreddits")
        ]
        for sub in subs:
            if not SUBREDDIT.fullmatch(sub):
                raise SourceError(f"{self.name}: {sub!r} is not a subreddit name")
        query = str(self.options.get("q") or "").strip()
        mentions = bool(self.options.get("mentions"))
        if not subs and not query and not mentions:
            raise SourceError(
                f"{self.name}: set subreddits and/or q (a search), or mentions = true, to listen to"
            )
        if query:
            streams = [f"search:{s}:{query}" for s in subs or ["all"]]
        else:
            streams = [f"new:{s}" for s in subs]
        if self.options.get("comments"):
            if not subs:
                raise SourceError(f"{self.name}: comments = true needs subreddits")
            streams += [f"comments:{s}" for s in subs]
        if mentions:
            streams.append("mentions")
        return streams

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        streams = self.streams()
        with self._session("mentions" if "mentions" in streams else None) as (reddit, call):
            state = dict((cursor or {}).get("streams", {}))
            backfill = int(self.options.get("backfill_pages", 5))
            for stream in streams:
                listing = partial(self._listing, reddit, call, stream)
                for children, stream_state in sweep(listing, state.get(stream), backfill):
                    state[stream] = stream_state
                    yield self._page(stream, children, {"streams": dict(state)})

    @contextmanager
    def _session(self, needs_account: str | None = None) -> Iterator[tuple[Any, GuardedCalls]]:
        """A praw client on its own HTTP session, and the guarded way to call it."""
        import requests

        with requests.Session() as http:
            reddit = self._reddit(http, needs_account)
            yield (
                reddit,
                GuardedCalls(self.name, self.http_options, _classifier(self.name), self.sleep),
            )

    def _reddit(self, http: Any, needs_account: str | None = None) -> Any:
        """A praw client whose requests go through `GuardedRequestor` (see there).

        With the account's username and password it acts as that account (script app);
        `needs_account` names what cannot do without them.
        """
        import praw

        missing = [k for k in APP_KEYS if not self.credentials.get(k)]
        if missing:
            names = " and ".join(env_name(self.name, k) for k in missing)
            raise AuthFailed(f"{self.name}: Reddit needs an app's credentials: set {names}")
        account = {k: self.credentials[k] for k in ACCOUNT_KEYS if self.credentials.get(k)}
        if needs_account and len(account) < len(ACCOUNT_KEYS):
            names = " and ".join(env_name(self.name, k) for k in ACCOUNT_KEYS)
            raise AuthFailed(f"{self.name}: {needs_account} need a Reddit account: set {names}")
        return praw.Reddit(
            **account,
            client_id=self.credentials["client_id"],
            client_secret=self.credentials["client_secret"],
            user_agent=str(self.options.get("user_agent") or "escucha:social-listening:v0.1"),
            oauth_url=str(self.options.get("oauth_url") or "https://oauth.reddit.com"),
            reddit_url=str(self.options.get("reddit_url") or "https://www.reddit.com"),
            check_for_updates=False,
            check_for_async=False,
            requestor_class=_requestor_class(),
            requestor_kwargs={"source": self.name, "options": self.http_options, "session": http},
        )

    def _listing(
        self, reddit: Any, call: GuardedCalls, stream: str, after: str | None
    ) -> tuple[list, str | None]:
        """One listing page: its children (t3 posts or t1 comments) and the `after` fullname."""
        kind, _, rest = stream.partition(":")
        sub, _, query = rest.partition(":")
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if after:
            params["after"] = after
        if kind == "search":
            params |= {"q": query, "sort": "new", "t": "all"}
            if sub.lower() != "all":
                params["restrict_sr"] = "on"
        path = "message/mentions/" if kind == "mentions" else f"r/{sub}/{kind}/"
        answer = call(lambda: reddit.request(method="GET", path=path, params=params))
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("children"), list):
            raise SourceError(f"{self.name}: Reddit's answer for /{path} is not a listing")
        return data["children"], data.get("after")

    def _page(self, stream: str, children: list, cursor: dict) -> Page:
        page = Page(cursor=cursor)
        for child in children:
            try:
                if not _gone(child):
                    page.items.append(self._item(child))
            except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
                page.rejected.append(Rejected(f"reddit {stream}", str(exc), child))
        return page

    def _item(self, child: dict) -> Item:
        kind, data = child.get("kind"), child.get("data")
        if kind not in ("t1", "t3") or not isinstance(data, dict):
            raise InvalidRecord(f"not a post or a comment (kind {kind!r})")
        created = data.get("created_utc")
        if not isinstance(created, int | float):
            raise InvalidRecord("record has no created_utc")
        author = data.get("author")
        author = None if author in (None, "[deleted]") else author
        permalink = data.get("permalink") or str(data.get("context") or "").partition("?")[0]
        comment = kind == "t1"
        post_text = f"{data.get('title') or ''}\n\n{data.get('selftext') or ''}"
        return self.item(
            _fullname(child),
            data.get("body") if comment else post_text,
            child,
            created_at=parse_date(created),
            author=author,
            author_id=author,  # usernames never change on Reddit; inbox entries have no t2_ id
            url=f"https://www.reddit.com{permalink}" if permalink else None,
            parent_id=data.get("parent_id") if comment else None,
            root_id=data.get("link_id") if comment else None,
            score=count(data.get("score"), negative=True),
            replies=None if comment else count(data.get("num_comments")),
        )

    def profile(self, account: str) -> Profile:
        """/user/{name}/about: followers are those of the user's profile subreddit."""
        name = account.removeprefix("/").removeprefix("u/").lstrip("@")
        with self._session() as (reddit, call):
            about = call(lambda: reddit.request(method="GET", path=f"user/{name}/about"))
        data = about.get("data") if isinstance(about, dict) else None
        if not isinstance(data, dict) or not data.get("name"):
            raise SourceError(f"{self.name}: Reddit has no user {name!r}")
        profile_sub = data.get("subreddit") or {}
        return Profile(
            platform=self.platform,
            instance=self.instance,
            account_id=data["name"],
            handle=data["name"],
            display_name=profile_sub.get("title") or None,
            followers=profile_sub.get("subscribers"),
            profile_url=f"https://www.reddit.com/user/{data['name']}",
        )

    def reply(self, parent: str, text: str, idempotency_key: str) -> Published:
        """A comment under `parent`, a post (t3_) or comment (t1_) fullname."""
        text = checked_text(self, self.write_limit, text)
        if not parent.startswith(("t1_", "t3_")):
            raise UserError(f"{self.name}: {parent!r} is not a Reddit post or comment fullname")
        fields = {"thing_id": parent, "text": text, "api_type": "json"}

        def ours(data: dict) -> bool:
            return data.get("parent_id") == parent and (data.get("body") or "").strip() == text

        return self._publish("api/comment", fields, "comments", ours)

    @classmethod
    def post_refusal(cls, title: str | None, community: str | None) -> str | None:
        if not title or not community:
            return "a Reddit post needs a title and a subreddit"
        if len(title) > TITLE_LIMIT:
            return (
                f"a Reddit title holds at most {TITLE_LIMIT} characters; this one has {len(title)}"
            )
        return None

    def post(
        self,
        text: str,
        idempotency_key: str,
        *,
        title: str | None = None,
        community: str | None = None,
    ) -> Published:
        """A self post titled `title` in the subreddit `community`."""
        text = checked_text(self, SELF_POST_LIMIT, text)
        if why := self.post_refusal(title, community):
            raise UserError(f"{self.name}: {why}")
        assert title and community  # post_refusal says so
        sub = community.removeprefix("/").removeprefix("r/")
        fields = {"sr": sub, "title": title, "kind": "self", "text": text, "api_type": "json"}

        def ours(data: dict) -> bool:
            same_place = str(data.get("subreddit", "")).lower() == sub.lower()
            same_text = (data.get("selftext") or "").strip() == text
            return same_place and data.get("title") == title and same_text

        return self._publish("api/submit", fields, "submitted", ours)

    def _publish(
        self, path: str, fields: dict, mine: str, ours: Callable[[dict], bool]
    ) -> Published:
        """POST `path` once; our latest `mine` (comments or submitted) are looked through
        first and after an unknown outcome."""
        me = self.credentials.get("username", "")
        with self._session("replies and posts") as (reddit, call):

            def find() -> Published | None:
                answer = reddit.request(
                    method="GET", path=f"user/{me}/{mine}/", params={"limit": LOOK_BACK}
                )
                for child in (answer.get("data") or {}).get("children") or []:
                    data = child.get("data") or {}
                    if ours(data):
                        return _published(data, me)
                return None

            def send() -> Published:
                answer = call.once(lambda: reddit.request(method="POST", path=path, data=fields))
                return _published(_written(self.name, answer), me)

            return publish_once(self, send, lambda: call(find))


def _written(source: str, answer: Any) -> dict:
    """The new thing's data from an api_type=json answer, or Reddit's refusal as an error."""
    body = answer.get("json") if isinstance(answer, dict) else None
    if not isinstance(body, dict):
        raise SourceError(f"{source}: Reddit's answer to a write is not what it sends")
    if body.get("errors"):
        said = "; ".join(": ".join(str(x) for x in error[:2]) for error in body["errors"])
        raise SourceError(f"{source}: Reddit refused it: {said}")
    data = body.get("data") or {}
    things = data.get("things") or []
    return (things[0].get("data") or {}) if things else data


def _published(data: dict, me: str) -> Published:
    permalink = data.get("permalink")
    url = f"https://www.reddit.com{permalink}" if permalink else data.get("url")
    created = data.get("created_utc")
    author = data.get("author") or me or None  # a username is the account id (see `item`)
    return Published(
        native_id=str(data.get("name") or f"t3_{data['id']}"),
        url=url,
        created_at=parse_date(created) if isinstance(created, int | float) else None,
        account_id=author,
        handle=author,
    )


def sweep(
    fetch: Callable[[str | None], tuple[list, str | None]],
    state: dict | None,
    backfill_pages: int,
) -> Iterator[tuple[list, dict]]:
    """Page a newest-first listing with `after` down to the last sweep's newest entry.

    `since` (fullname and created_utc) moves to the sweep's top only when the sweep ends, so
    a crash mid-sweep resumes at `after` without skipping older pages. Entries at or below
    `since` are dropped; reaching one ends the sweep. A first sweep reads `backfill_pages`.
    """
    state = dict(state or {})
    since, top = state.get("since"), state.get("top")
    after, pages = state.get("after"), int(state.get("pages", 0))
    while True:
        children, after = fetch(after)
        fresh, reached = [], False
        for child in children:
            mark = _mark(child)
            if mark is not None and since is not None and _order(mark) <= _order(since):
                reached = True
            elif mark is not None or not reached:
                fresh.append(child)
                if mark is not None and (top is None or _order(mark) > _order(top)):
                    top = mark
        pages += 1
        if reached or not after or not children or (since is None and pages >= backfill_pages):
            yield fresh, {"since": top or since}
            return
        yield fresh, {"since": since, "top": top, "after": after, "pages": pages}


def _fullname(child: dict) -> str | None:
    data = child.get("data") or {}
    if data.get("name"):
        return str(data["name"])
    return f"{child.get('kind')}_{data['id']}" if data.get("id") else None


def _mark(child: Any) -> dict | None:
    """Where an entry stands in the listing: its fullname and created_utc (None if unreadable)."""
    if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
        return None
    name, created = _fullname(child), child["data"].get("created_utc")
    if name is None or not isinstance(created, int | float):
        return None
    mark = {"name": name, "utc": created}
    try:
        _order(mark)
    except ValueError:
        return None
    return mark


def _order(mark: dict) -> tuple[float, int]:
    return float(mark["utc"]), int(str(mark["name"]).partition("_")[2], 36)


def _gone(child: Any) -> bool:
    """Deleted or removed content, skipped without a reject."""
    data = child.get("data") if isinstance(child, dict) else None
    if not isinstance(data, dict):
        return False
    text = data.get("body") if child.get("kind") == "t1" else data.get("selftext")
    return bool(data.get("removed_by_category")) or text in GONE


@cache
def _requestor_class() -> type:
    """prawcore's Requestor, made to follow escucha's rules (built lazily: praw is heavy).

    Failures leave praw as `Retry`/`AuthFailed` before prawcore's own retries (which sleep for
    real) see them; rate-limit headers are read here and removed so prawcore's limiter never
    sleeps either: every wait goes through the source's injectable, `max_wait`-bounded policy.
    """
    import requests
    from prawcore import Requestor

    from escucha.listen.http import check_public_host

    class GuardedRequestor(Requestor):
        def __init__(self, *, source: str, options: HttpOptions, **kwargs: Any) -> None:
            super().__init__(timeout=options.timeout, **kwargs)
            self.source = source
            self.options = options
            self.resume_at: float | None = None

        def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
            """(method, url, ...) as prawcore sends them; our timeout wins over theirs."""
            method, url = args
            self._pace()
            if not self.options.allow_private_networks:
                check_public_host(url, self.source)
            kwargs.update(allow_redirects=False, timeout=self.timeout)
            try:
                response = self._http.request(method, url, **kwargs)
            except requests.RequestException as exc:
                path = urlsplit(url).path
                raise Retry(
                    f"network error reaching Reddit ({path}): {type(exc).__name__}"
                ) from None
            _check_status(self.source, url, response)
            self._note_limits(response.headers)
            return response

        def _pace(self) -> None:
            if self.resume_at is not None:
                delay, self.resume_at = self.resume_at - time.monotonic(), None
                if delay > 0:
                    raise Retry("Reddit's rate limit is spent (X-Ratelimit-Remaining 0)", delay)

        def _note_limits(self, headers: MutableMapping[str, str]) -> None:
            remaining = headers.get("x-ratelimit-remaining")
            reset = headers.get("x-ratelimit-reset")
            for name in RATE_HEADERS:
                headers.pop(name, None)
            try:
                if remaining is not None and float(remaining) < 1:
                    self.resume_at = time.monotonic() + float(reset or 1)
            except ValueError:
                pass

    return GuardedRequestor


def _check_status(source: str, url: str, response: Any) -> None:
    """Every failing status ends here, before prawcore's own handling (which would sleep).

    401 and 403 fail with a clear error; 429 and 5xx are retried, waiting as Reddit asks.
    """
    status, path = response.status_code, urlsplit(url).path
    token = path.endswith(TOKEN_PATH)
    says = {
        401: "Reddit refused the app's client_id/client_secret (401); check the source's "
        "credentials"
        if token
        else "Reddit refused the access token (401): it is invalid, expired or revoked; check "
        "the source's credentials",
        403: f"Reddit answered 403 for {path}: private or banned",
        404: f"Reddit has no {path} (no such subreddit?)",
        302: f"Reddit has no {path} (no such subreddit?)",
        429: f"rate limited by Reddit (429) at {path}",
    }
    if status == 429:
        delay = rate_limit_delay(response.headers)
    else:
        after = response.headers.get("retry-after")
        delay = rate_limit_delay({"retry-after": after}) if after else None
    error = status_error(
        source,
        status,
        f"Reddit at {path}",
        delay=delay,
        says=says | {s: f"Reddit answered {s} at {path}" for s in range(500, 600)},
    )
    if error is not None:
        raise error


def _classifier(name: str) -> Callable[[Exception], Exception | None]:
    from praw.exceptions import PRAWException, RedditAPIException
    from prawcore.exceptions import BadJSON, OAuthException, PrawcoreException

    def classify(exc: Exception) -> Exception | None:
        if isinstance(exc, (Retry, SourceError)):
            return exc
        if isinstance(exc, BadJSON):
            return Retry("malformed JSON from Reddit")
        if isinstance(exc, OAuthException):
            return AuthFailed(f"{name}: Reddit refused the app's credentials ({exc.error})")
        if isinstance(exc, RedditAPIException):
            return SourceError(f"{name}: Reddit refused the request: {exc}")
        if isinstance(exc, (PRAWException, PrawcoreException)):
            return SourceError(f"{name}: {type(exc).__name__}: {exc}")
        return None

    return classify
