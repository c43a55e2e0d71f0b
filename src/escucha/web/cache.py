"""Values computed from the store, kept while the store's data version stays the same.

The data version (escucha.reads.versions) changes whenever posts are added, enriched or
brands re-matched, so the pages never show stale numbers, and repeated requests never
recompute them. The cache is bounded by entries and by an estimate of their memory."""

from __future__ import annotations

import dataclasses
import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

log = logging.getLogger(__name__)
_DEPTH = 6  # containers nested deeper are counted by their own size only


def approx_size(value: Any, depth: int = 0) -> int:
    """Bytes `value` holds, roughly: pandas objects by their deep memory usage, containers
    and dataclasses with what they hold (shared objects are counted each time)."""
    usage = getattr(value, "memory_usage", None)
    if callable(usage) and hasattr(value, "dtypes"):  # a pandas DataFrame or Series
        total = usage(deep=True)
        return int(total.sum() if hasattr(total, "sum") else total)
    size = sys.getsizeof(value)
    if depth >= _DEPTH:
        return size
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return size
    if isinstance(value, dict):
        return size + sum(
            approx_size(k, depth + 1) + approx_size(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, (list, tuple, set, frozenset)):
        return size + sum(approx_size(v, depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return size + sum(approx_size(getattr(value, f.name), depth + 1) for f in fields)
    return size


class VersionedCache:
    """A bounded LRU of (key -> value at a data version); one computation per key at a time.

    At most `maxsize` entries and about `max_bytes` of values (`approx_size`); a value
    larger than that on its own is computed and returned, not kept."""

    def __init__(self, maxsize: int = 128, max_bytes: int = 256 * 2**20) -> None:
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._values: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._running: dict[tuple[Hashable, Hashable], threading.Event] = {}

    def ready_or_start(
        self, key: Hashable, version: Hashable, compute: Callable[[], Any], wait: float = 0.0
    ) -> tuple[bool, Any]:
        """(True, value) when it is cached at `version` or computed within `wait` seconds;
        otherwise (False, None), while one background thread computes it (a second call
        meanwhile starts no other), so a page can say "being computed" instead of blocking."""
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] == version:
                self._values.move_to_end(key)
                return True, hit[1]
            done = self._running.get((key, version))
            if done is None:
                done = self._running[(key, version)] = threading.Event()
                threading.Thread(
                    target=self._run,
                    args=(key, version, compute, done),
                    name=f"escucha-cache-{key!r}",
                    daemon=True,
                ).start()
        if wait > 0 and done.wait(wait):
            with self._lock:
                hit = self._values.get(key)
                if hit is not None and hit[0] == version:
                    return True, hit[1]
        return False, None

    def _run(
        self, key: Hashable, version: Hashable, compute: Callable[[], Any], done: threading.Event
    ) -> None:
        try:
            self.get(key, version, compute)
        except Exception:  # the next request starts it again; the log says why it failed
            log.exception("computing %r failed", key)
        finally:
            with self._lock:
                self._running.pop((key, version), None)
            done.set()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] == version:
                self._values.move_to_end(key)
                return hit[1]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:  # another thread may have computed it meanwhile
                hit = self._values.get(key)
                if hit is not None and hit[0] == version:
                    return hit[1]
            value = compute()
            size = approx_size(value)
            with self._lock:
                stale = self._values.pop(key, None)
                self.nbytes -= stale[2] if stale else 0
                if size <= self.max_bytes:
                    self._values[key] = (version, value, size)
                    self.nbytes += size
                else:
                    self._key_locks.pop(key, None)
                while len(self._values) > self.maxsize or self.nbytes > self.max_bytes:
                    self._drop(next(iter(self._values)))
            return value

    def _drop(self, key: Hashable) -> None:
        self.nbytes -= self._values.pop(key)[2]
        self._key_locks.pop(key, None)
