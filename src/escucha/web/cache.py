"""Values computed from the store, kept while the store's data version stays the same.

The data version (escucha.reads.versions) changes whenever posts are added, enriched or
brands re-matched, so the pages never show stale numbers, and repeated requests never
recompute them."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class VersionedCache:
    """A bounded LRU of (key -> value at a data version); one computation per key at a time."""

    def __init__(self, maxsize: int = 128) -> None:
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}

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
            with self._lock:
                self._values[key] = (version, value)
                self._values.move_to_end(key)
                while len(self._values) > self.maxsize:
                    old, _ = self._values.popitem(last=False)
                    self._key_locks.pop(old, None)
            return value
