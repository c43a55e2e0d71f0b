"""The web app's rate limiters: in the process (one `escucha serve` worker, the laptop
default) or in Redis when `[web] redis_url` is set, so N worker processes share them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from escucha.auth.ratelimit import LoginLimiter, RequestLimiter

if TYPE_CHECKING:
    from escucha.config import WebLimits


class FailureLimiter(Protocol):
    def blocked(self, name: str, address: str) -> bool: ...
    def retry_after(self, name: str, address: str) -> int: ...
    def failed(self, name: str, address: str) -> None: ...
    def succeeded(self, name: str, address: str) -> None: ...


class BucketLimiter(Protocol):
    def take(self, key: object) -> int: ...


@dataclass
class Limiters:
    """Makes the limiters; `client` is a Redis client or None (in the process)."""

    client: Any = None
    prefix: str = "escucha"

    def failures(self, scope: str, limit: int, window: float) -> FailureLimiter:
        if self.client is None:
            return LoginLimiter(limit, window)
        from escucha.auth.shared_limits import RedisLoginLimiter

        return RedisLoginLimiter(self.client, f"{self.prefix}:{scope}", limit, window)

    def bucket(self, scope: str, limit: int, window: float = 60.0) -> BucketLimiter:
        if self.client is None:
            return RequestLimiter(limit, window)
        from escucha.auth.shared_limits import RedisRequestLimiter

        return RedisRequestLimiter(self.client, f"{self.prefix}:{scope}", limit, window)


def take_both(first: BucketLimiter, first_key: object, second: BucketLimiter, key: object) -> int:
    """`first.take(first_key) or second.take(key)`: in one round trip when both are in the
    same Redis (every API request takes from its token's bucket and its user's)."""
    from escucha.auth.shared_limits import RedisRequestLimiter

    if (
        isinstance(first, RedisRequestLimiter)
        and isinstance(second, RedisRequestLimiter)
        and first.client is second.client
    ):
        return first.take_with(first_key, second, key)
    return first.take(first_key) or second.take(key)


def make_limiters(limits: WebLimits, database_url: str) -> Limiters:
    """In Redis when `[web] redis_url` is set. The keys start with a digest of the store's URL,
    so two workspaces sharing one Redis never count against each other."""
    if limits.redis_url is None:
        return Limiters()
    from escucha.auth.shared_limits import connect

    client = connect(limits.redis_url, limits.redis_max_connections)
    store = hashlib.sha256(database_url.encode("utf-8")).hexdigest()[:16]
    return Limiters(client, f"escucha:{store}")
