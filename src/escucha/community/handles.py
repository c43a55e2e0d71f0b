"""Normalised keys of handles and emails: the one comparison identity resolution relies on.

The same handle written in different forms has one key: `@Ana@Mastodon.Social` and
`ana@mastodon.social`; `u/ana` and `ana` on Reddit. `author_key_sql` computes the key of a
stored author in SQL, identically on SQLite and PostgreSQL, so contacts are built from a
million authors without reading them into Python; `author_handle_key` is the same rule in
Python (a test checks they agree).
"""

from __future__ import annotations

import contextlib
import re

from sqlalchemy import ColumnElement, case, func, literal

from escucha.query.fields import ascii_lower
from escucha.query.sql import AsciiLower

FEDERATED = ("mastodon", "discourse")  # an account lives on a server: user@server
# Platforms escucha can reach a person on (a reply, a direct message): a channel.
REACHABLE = ("mastodon", "bluesky", "reddit", "discourse")
CONNECTOR_PLATFORMS = ("mastodon", "bluesky", "reddit", "discourse", "rss")

_USER = r"[a-z0-9_][a-z0-9_.-]*"
_DOMAIN = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
_FEDERATED_KEY = re.compile(rf"{_USER}@{_DOMAIN}")
_BLUESKY_KEY = re.compile(rf"{_DOMAIN}|did:[a-z]+:[a-z0-9._:%-]+")
_REDDIT_KEY = re.compile(r"[a-z0-9_-]{2,20}")
_OTHER_KEY = re.compile(r"[^\s@]+(?:@[^\s@]+)?")
_EMAIL = re.compile(rf"[^@\s;,<>]+@{_DOMAIN}")
MAX_HANDLE = 255
MAX_EMAIL = 320


def handle_key(platform: str, handle: str) -> str:
    """The normalised key of a handle written by a person (a contact file, the CLI).

    Raises ValueError saying what is wrong with it.
    """
    key = ascii_lower(handle.strip()).lstrip("@")
    if platform == "reddit":
        key = key.removeprefix("/").removeprefix("u/")
    pattern = {
        "mastodon": _FEDERATED_KEY,
        "discourse": _FEDERATED_KEY,
        "bluesky": _BLUESKY_KEY,
        "reddit": _REDDIT_KEY,
    }.get(platform, _OTHER_KEY)
    if not key or len(key) > MAX_HANDLE or not pattern.fullmatch(key):
        expected = {
            "mastodon": "@user@server",
            "discourse": "user@forum.host",
            "bluesky": "a domain such as ana.bsky.social",
            "reddit": "u/name",
        }.get(platform, "one word without spaces")
        raise ValueError(
            f"malformed {platform} handle {handle.strip()[:80]!r} (expected {expected})"
        )
    return key


def author_handle_key(platform: str, instance: str, handle: str) -> str:
    """The key of a stored author's handle, as `author_key_sql` computes it."""
    key = ascii_lower(handle).lstrip("@")
    if platform == "reddit":
        if key.startswith("u/"):
            key = key[2:]
        elif key.startswith("/u/"):
            key = key[3:]
    elif platform in FEDERATED and "@" not in key and instance:
        key = f"{key}@{ascii_lower(instance)}"
    return key


def author_key_sql(
    platform: ColumnElement[str], instance: ColumnElement[str], handle: ColumnElement[str]
) -> ColumnElement[str]:
    """`author_handle_key` as one SQL expression over an authors row's columns."""
    lowered = func.ltrim(AsciiLower(handle), literal("@"))
    return case(
        (
            (platform == "reddit") & lowered.like("u/%"),
            func.substr(lowered, 3),
        ),
        (
            (platform == "reddit") & lowered.like("/u/%"),
            func.substr(lowered, 4),
        ),
        (
            platform.in_(FEDERATED) & ~lowered.like("%@%") & (instance != ""),
            lowered + literal("@") + AsciiLower(instance),
        ),
        else_=lowered,
    )


def lookup_keys(platform: str, handle: str) -> list[str]:
    """The keys a handle typed to find an identity may have: as a person writes it (when it
    is well-formed) and as an author's handle is stored."""
    keys = [author_handle_key(platform, "", handle.strip())]
    with contextlib.suppress(ValueError):
        keys.append(handle_key(platform, handle))
    return sorted(set(keys))


def email_key(email: str) -> str:
    """The key two emails are compared by (case-insensitively); ValueError if malformed."""
    value = email.strip()
    key = ascii_lower(value)
    if len(value) > MAX_EMAIL or not _EMAIL.fullmatch(key):
        raise ValueError(f"malformed email {value[:80]!r}")
    return key


def user_part(platform: str, key: str) -> str:
    """The name part of a handle key, compared across platforms: ana@x.social, ana.bsky.social
    and ana all give "ana"."""
    if platform == "bluesky":
        return key.split(".", 1)[0]
    return key.split("@", 1)[0]
