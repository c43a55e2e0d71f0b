"""The source kinds escucha can listen to, loaded by name so unused SDKs are never imported.

The built-in kinds are listed here; another package adds a kind by declaring an entry point
in the `escucha.sources` group whose name is the kind and whose value is its `Source` class
(`kind = "package.module:ClassName"`). A built-in kind cannot be replaced that way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from escucha.config import SourceConfig
from escucha.core.entry_points import installed, load
from escucha.errors import UserError
from escucha.listen.sources.base import Source

ENTRY_POINT_GROUP = "escucha.sources"
KINDS: dict[str, str] = {
    "rss": "escucha.listen.sources.rss:RssSource",
    "discourse": "escucha.listen.sources.discourse:DiscourseSource",
    "mastodon": "escucha.listen.sources.mastodon:MastodonSource",
    "bluesky": "escucha.listen.sources.bluesky:BlueskySource",
    "reddit": "escucha.listen.sources.reddit:RedditSource",
}


def kinds() -> dict[str, str]:
    """Every kind there is, built-in or declared by an installed package: kind -> its class."""
    found = dict(KINDS)
    for name, target in installed(ENTRY_POINT_GROUP):
        found.setdefault(name, target)
    return found


def source_class(kind: str) -> type[Source]:
    """The connector class of a kind; an error lists the kinds there are, or says why a
    package's kind cannot be loaded."""
    known = kinds()
    path = known.get(kind)
    if path is None:
        raise UserError(f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(known))}")
    try:
        found = load(path)
    except Exception as exc:  # a broken package: one clear line, not its traceback
        raise UserError(
            f"source kind {kind!r} ({path}) cannot be loaded: {type(exc).__name__}: {exc}"
        ) from None
    if not (isinstance(found, type) and issubclass(found, Source)):
        raise UserError(f"source kind {kind!r} ({path}) is not a Source class")
    return found


def make_source(
    config: SourceConfig,
    credentials: Mapping[str, str] | None = None,
    **kwargs: Callable[[float], None],
) -> Source:
    return source_class(config.kind)(config, credentials, **kwargs)
