"""RSS and Atom feeds: conditional GET (ETag / Last-Modified), size cap, SSRF guard."""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from escucha.core.items import Item, Rejected
from escucha.listen.http import HttpClient, SourceError
from escucha.listen.sources.base import Categories, InvalidRecord, Page, Source
from escucha.listen.sources.text import html_to_text

MAX_REMEMBERED = 500  # rejected entries remembered in the cursor, so a poll skips them


class RssSource(Source):
    kind = "rss"
    target_option = "url"
    required_options = ("url",)
    categories = Categories(posts=("url",))
    sdk = "feedparser"
    coverage = (
        "only the entries the feed currently lists (often the last 10-50); entries that drop "
        "out of the feed between two runs are missed, so poll busy feeds often"
    )

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        import feedparser

        cursor = dict(cursor or {})
        url = self.options["url"]
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("last_modified"):
            headers["If-Modified-Since"] = cursor["last_modified"]
        with HttpClient(self.name, self.http_options, sleep=self.sleep) as http:
            response = http.get(url, headers=headers)
        if response.status_code == 304:
            yield Page(cursor=cursor)
            return
        parsed = feedparser.parse(response.content, response_headers=dict(response.headers))
        if parsed.bozo and not parsed.entries:
            raise SourceError(f"{self.name}: {url} is not a readable feed: {parsed.bozo_exception}")
        feed_lang = (parsed.feed.get("language") or "").split("-")[0].lower() or None
        page = Page(
            cursor={
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
            }
        )
        # A feed without ETag / Last-Modified is read whole on every poll: an entry rejected
        # before is not rejected (and stored) again while the feed still lists it.
        known = set(cursor.get("rejected") or ())
        rejected: list[str] = []
        for index, entry in enumerate(parsed.entries):
            raw = _plain(entry)
            try:
                page.items.append(self._entry_item(entry, raw, feed_lang))
            except InvalidRecord as exc:
                key = _entry_key(raw)
                rejected.append(key)
                if key not in known:
                    page.rejected.append(Rejected(f"{url} entry #{index + 1}", str(exc), raw))
        if rejected:
            page.cursor["rejected"] = rejected[-MAX_REMEMBERED:]
        yield page

    def _entry_item(self, entry: Any, raw: dict, feed_lang: str | None) -> Item:
        native_id = entry.get("id") or entry.get("link")
        title = entry.get("title") or ""
        if entry.get("title_detail", {}).get("type") != "text/plain":
            title = html_to_text(title)
        summary = entry.get("summary")
        if not summary and entry.get("content"):
            summary = entry["content"][0].get("value")
        body = html_to_text(summary)
        text = title if not body or body == title else f"{title}\n\n{body}".strip()
        return self.item(
            native_id,
            text,
            raw,
            created_at=_entry_date(entry),
            author=entry.get("author") or None,
            author_id=entry.get("author") or None,  # a feed names authors, it has no ids
            url=entry.get("link"),
            lang=feed_lang,
        )


def _entry_date(entry: Any) -> datetime | None:
    """Published, else updated; a date Python cannot hold (year 0, a .NET
    `DateTime.MinValue` with an offset) rejects the entry, naming it."""
    for key in ("published", "updated"):
        when = entry.get(f"{key}_parsed")
        if when:
            try:
                return datetime.fromtimestamp(calendar.timegm(when), UTC)
            except (ValueError, OverflowError, OSError):
                raise InvalidRecord(
                    f"{key} date out of range: {str(entry.get(key))[:40]!r}"
                ) from None
    return None


def _entry_key(raw: dict) -> str:
    """A short stable key of an entry: of its id or link, else of its whole content."""
    ident = raw.get("id") or raw.get("link") or json.dumps(raw, sort_keys=True, default=str)
    return hashlib.sha256(str(ident).encode()).hexdigest()[:16]


def _plain(entry: dict) -> dict:
    """The entry as JSON-ready data; feedparser's parsed time tuples are left out."""
    return {k: v for k, v in entry.items() if not k.endswith("_parsed")}
