"""The source kinds escucha can listen to, loaded by name so unused SDKs are never imported."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module

from escucha.config import SourceConfig
from escucha.errors import UserError
from escucha.listen.sources.base import Source

KINDS: dict[str, str] = {
    "rss": "escucha.listen.sources.rss:RssSource",
    "discourse": "escucha.listen.sources.discourse:DiscourseSource",
    "mastodon": "escucha.listen.sources.mastodon:MastodonSource",
    "bluesky": "escucha.listen.sources.bluesky:BlueskySource",
    "reddit": "escucha.listen.sources.reddit:RedditSource",
}


def source_class(kind: str) -> type[Source]:
    """The connector class of a kind; an error lists the kinds there are."""
    path = KINDS.get(kind)
    if path is None:
        raise UserError(f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def make_source(
    config: SourceConfig,
    credentials: Mapping[str, str] | None = None,
    **kwargs: Callable[[float], None],
) -> Source:
    return source_class(config.kind)(config, credentials, **kwargs)
