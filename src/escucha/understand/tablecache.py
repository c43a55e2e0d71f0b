"""Build-once cache of derived numpy tables (language ID, code points, model weights).

Tables that take tens of milliseconds to derive at every start (decompressing, looping over
code points in Python) are saved uncompressed as .npy files in one folder per fingerprint
of what they are derived from, and read back on later starts. A folder is written under a
temporary name and renamed into place, so a reader never sees half of one; when the cache
cannot be read or written, the tables are built each time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np


def cache_dir() -> Path:
    """Where derived, rebuildable files live: $ESCUCHA_CACHE_DIR, else $XDG_CACHE_HOME/escucha,
    else ~/.cache/escucha."""
    if os.environ.get("ESCUCHA_CACHE_DIR"):
        return Path(os.environ["ESCUCHA_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "escucha"


def file_fingerprint(path: Path) -> str:
    """A file's path, size and modification time: changes when the file is replaced."""
    st = path.stat()
    return f"{path}|{st.st_size}|{st.st_mtime_ns}"


def cached_tables(
    prefix: str,
    fingerprint: str,
    names: Sequence[str] | None,
    build: Callable[[], dict[str, np.ndarray]],
    mmap: bool = False,
) -> dict[str, np.ndarray]:
    """The tables ``names`` (None: every table ``build`` returns) from the cache folder for
    ``fingerprint``, else ``build()`` (saved there for the next start). With ``mmap`` the files
    are memory-mapped: a start that reads a few rows of a large table reads a few pages of it."""
    key = hashlib.blake2b(fingerprint.encode(), digest_size=8).hexdigest()
    folder = cache_dir() / f"{prefix}-{key}"
    try:
        stored = [p.stem for p in folder.glob("*.npy")] if names is None else names
        if stored:
            # plain arrays over the mapping: numpy's memmap type slows every indexing call
            mode: Literal["r"] | None = "r" if mmap else None
            return {
                name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode=mode)) for name in stored
            }
    except (OSError, ValueError):
        pass
    tables = build()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{prefix}-"))
        for name in tables if names is None else names:
            np.save(tmp / f"{name}.npy", tables[name])
        try:
            tmp.rename(folder)
        except OSError:  # another process got there first
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        pass
    return tables
