"""The rate limits of `escucha.auth.ratelimit`, kept in Redis so that every web worker
process counts against the same numbers (`escucha serve --workers N`, docs/server.md).

Each check is one Lua script, atomic in Redis: two processes never both take the last
request of a bucket or both miss the failure that blocks a login. Times are Redis's own
clock (`TIME`), the same for every process. Keys expire on their own; nothing is swept."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from escucha.errors import UserError

if TYPE_CHECKING:
    from redis import Redis

POOL_WAIT_S = 5  # seconds a request waits for a free Redis connection

# KEYS[1]: a sorted set of failure times. ARGV: window (s), limit, op (check|fail|age)
_FAILURES = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[3] == 'fail' then
  redis.call('ZADD', KEYS[1], now, tostring(now) .. ':' .. redis.call('INCR', KEYS[1] .. ':n'))
  redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
  redis.call('EXPIRE', KEYS[1] .. ':n', math.ceil(window) + 1)
end
if ARGV[3] == 'age' then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #oldest == 0 then return '0' end
  return tostring(tonumber(oldest[2]) + window - now)
end
return tostring(redis.call('ZCARD', KEYS[1]))
"""

# KEYS: hashes {tokens, when}, taken in order; ARGV: a limit and a rate (per second) for each.
# Returns the first refusal's wait (s), the later buckets untouched, or 0 when all gave one.
_BUCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  local held = redis.call('HMGET', key, 'tokens', 'when')
  local tokens = tonumber(held[1]) or limit
  local when = tonumber(held[2]) or now
  tokens = math.min(limit, tokens + (now - when) * rate)
  local wait = 0
  if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'when', tostring(now))
  redis.call('EXPIRE', key, math.ceil(limit / rate) + 1)
  if wait > 0 then return tostring(wait) end
end
return '0'
"""


def connect(url: str, max_connections: int) -> Redis:
    """A client on a pool of at most `max_connections` connections, checked with a PING so a
    wrong `[web] redis_url` stops `escucha serve` with one line instead of failing logins.

    A request that finds every connection in use waits up to 5 s for one (a blocking pool):
    a worker runs up to 40 requests at once, and a plain pool would fail the 21st with "too
    many connections" (a 500) instead of letting it wait its turn."""
    import redis

    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=POOL_WAIT_S,
        socket_timeout=5,
        socket_connect_timeout=5,
    )
    client = redis.Redis(connection_pool=pool)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise UserError(f"[web] redis_url: Redis does not answer ({type(exc).__name__})") from None
    return client


class RedisLoginLimiter:
    """`LoginLimiter` in Redis: failures per (name, address) within `window` seconds."""

    def __init__(self, client: Redis, prefix: str, limit: int = 5, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self.prefix = prefix
        self._client = client
        self._script: Any = client.register_script(_FAILURES)

    def _key(self, name: str, address: str) -> str:
        return f"{self.prefix}:fail:{name.casefold()}\x00{address}"

    def _run(self, name: str, address: str, op: str) -> float:
        return float(self._script(keys=[self._key(name, address)], args=[self.window, 0, op]))

    def blocked(self, name: str, address: str) -> bool:
        return self._run(name, address, "check") >= self.limit

    def retry_after(self, name: str, address: str) -> int:
        left = self._run(name, address, "age")
        return 0 if left <= 0 else max(1, int(left) + 1)

    def failed(self, name: str, address: str) -> None:
        self._run(name, address, "fail")

    def succeeded(self, name: str, address: str) -> None:
        key = self._key(name, address)
        self._client.delete(key, key + ":n")


class RedisRequestLimiter:
    """`RequestLimiter` in Redis: a token bucket per key, `limit` requests per `window`."""

    def __init__(self, client: Redis, prefix: str, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.rate = limit / window
        self.prefix = prefix
        self.client = client
        self._script: Any = client.register_script(_BUCKET)

    def take(self, key: object) -> int:
        """0 when a request of `key` may go ahead (and is counted), else the seconds to wait."""
        return self._take([(self, key)])

    def take_with(self, key: object, other: RedisRequestLimiter, other_key: object) -> int:
        """`take(key)`, then, if it went ahead, `other.take(other_key)`: in one round trip."""
        return self._take([(self, key), (other, other_key)])

    def _take(self, buckets: list[tuple[RedisRequestLimiter, object]]) -> int:
        keys = [f"{limiter.prefix}:{key}" for limiter, key in buckets]
        args = [x for limiter, _ in buckets for x in (limiter.limit, limiter.rate)]
        wait = float(self._script(keys=keys, args=args))
        return 0 if wait <= 0 else max(1, math.ceil(wait))
