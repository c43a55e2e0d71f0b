"""Login rate limit: after `limit` failures for one user name from one address within
`window` seconds, further attempts are refused until the oldest failure ages out."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
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
