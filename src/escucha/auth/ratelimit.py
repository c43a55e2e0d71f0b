"""Rate limits. Logins (`LoginLimiter`): after `limit` failures for one user name from one
address within `window` seconds, further attempts are refused until the oldest failure ages
out. API requests (`RequestLimiter`): a token bucket per token and per user."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    """Failed logins per (user name, address)."""

    def __init__(
        self,
        limit: int = 5,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self.clock()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, name: str, address: str) -> bool:
        key = (name.casefold(), address)
        with self._lock:
            blocked = len(self._recent(key)) >= self.limit
            if not self._failures[key]:
                del self._failures[key]
            return blocked

    def retry_after(self, name: str, address: str) -> int:
        key = (name.casefold(), address)
        with self._lock:
            failures = self._recent(key)
            if not failures:
                return 0
            return max(1, int(failures[0] + self.window - self.clock()) + 1)

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            key = (name.casefold(), address)
            self._recent(key).append(self.clock())
            if len(self._failures) > 100_000:  # bound memory under a spray of names
                self._failures = {k: v for k, v in self._failures.items() if v}

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop((name.casefold(), address), None)


class RequestLimiter:
    """A token bucket per key: `limit` requests per `window` seconds, refilled steadily, so
    a burst of `limit` is allowed and then one request every window/limit seconds."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.rate = limit / window  # requests regained per second
        self.clock = clock
        self._buckets: dict[object, tuple[float, float]] = {}  # key -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, key: object) -> int:
        """0 when a request of `key` may go ahead (and is counted), else the seconds to wait."""
        with self._lock:
            now = self.clock()
            tokens, when = self._buckets.get(key, (float(self.limit), now))
            tokens = min(float(self.limit), tokens + (now - when) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))
