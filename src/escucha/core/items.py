"""The item envelope every source and file import yields, the record it could not read, and
secret stripping for raw payloads."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise

MAX_TEXT_CHARS = 100_000  # a post longer than this is rejected, not truncated silently

# Words that name a credential when they stand as a whole word of a key ("api_key",
# "accessToken", "Authorization"), but not inside another word ("author", "tokenizer").
_SECRET_WORDS = {
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "auth",
    "authorization",
    "cookie",
    "credential",
    "credentials",
    "bearer",
    "sessionid",
    "privatekey",
    "accesskey",
}
_SECRET_PAIRS = {("api", "key"), ("session", "id"), ("private", "key"), ("access", "key")}
_KEY_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@lru_cache(maxsize=4096)
def is_secret_key(key: str) -> bool:
    words = [w.lower() for w in _KEY_WORD.findall(key)]
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in pairwise(words))


def strip_secrets(payload: object) -> object:
    """Drop every key that names a credential, at any depth, so archives never hold one."""
    if isinstance(payload, dict):
        return {
            k: strip_secrets(v)
            for k, v in payload.items()
            if not (isinstance(k, str) and is_secret_key(k))
        }
    if isinstance(payload, list):
        return [strip_secrets(v) for v in payload]
    return payload


@dataclass(slots=True)
class Item:
    """One post as a source delivered it, normalised; `raw` is the payload as received.

    `source` is the configured source's name (provenance); the author is identified on the
    platform by (`platform`, `instance`, `author_id`), so one account seen through two sources
    is one author. `instance` is the server for federated platforms (a Mastodon instance, a
    Discourse forum), empty where ids are global; `author_id` defaults to the handle.
    """

    source: str
    native_id: str
    text: str
    fetched_at: datetime
    created_at: datetime | None = None
    author: str | None = None
    author_name: str | None = None
    platform: str = ""
    instance: str = ""
    author_id: str | None = None
    url: str | None = None
    lang: str | None = None
    parent_id: str | None = None
    root_id: str | None = None
    raw: dict | None = None
    raw_text: str | None = None  # the payload already serialised and free of secrets
    # Reach and engagement as the source gave them when the post was read (None: not given):
    # the author's followers, likes (favourites), reposts (boosts, retweets), replies, and a
    # score (Reddit's net votes).
    followers: int | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    score: int | None = None

    def has_counts(self) -> bool:
        """True when the source gave any reach or engagement count for this post."""
        return not (
            self.followers is None
            and self.likes is None
            and self.reposts is None
            and self.replies is None
            and self.score is None
        )

    def payload(self) -> str:
        """The raw payload as stored in the archive, with secrets stripped."""
        if self.raw_text is not None:
            return self.raw_text
        return json.dumps(strip_secrets(self.raw or {}), ensure_ascii=False, default=str)


def count(value: object, negative: bool = False) -> int | None:
    """A platform's count as an int: None when absent or not a whole number (a count that is
    missing or unreadable is unknown, never zero). `negative` allows scores below zero."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                return None
            if not as_float.is_integer():
                return None
            number = int(as_float)
    else:
        return None
    if number < 0 and not negative:
        return None
    return number if abs(number) < 2**31 else None


def has_secret_key(record: dict) -> bool:
    """True unless `record` is flat and none of its keys names a credential (the fast path)."""
    for key, value in record.items():
        if isinstance(value, (dict, list)) or (isinstance(key, str) and is_secret_key(key)):
            return True
    return False


@dataclass(slots=True)
class Rejected:
    """A record a source or a file delivered but we could not read: where, why, and what it was.

    `line` is the record's line in a file, when it came from one.
    """

    where: str
    reason: str
    raw: object
    line: int | None = None

    def payload(self) -> str:
        if isinstance(self.raw, str):
            return self.raw
        return json.dumps(strip_secrets(self.raw), ensure_ascii=False, default=str)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Deletion:
    """A post its platform says was deleted, by native id: its text goes, a tombstone stays."""

    native_id: str
    deleted_at: datetime = field(default_factory=_now)
