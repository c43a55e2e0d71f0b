"""Exact sums of gathered int8 weight rows per text, three columns to a 64-bit word.

Scoring a batch sums, for each text, the weight rows of its hashed n-grams. numpy's
``add.reduceat`` along the rows of a 2-D int8 array (with a wider accumulator) runs its
inner loop once per row and segment, which made it the slowest step of scoring. Here each
row's int8 values are stored biased (``w + 128``, 0..255) in 21-bit lanes, three lanes per
uint64 word: summing the words of a segment sums its three lanes at once, and as long as a
segment holds at most ``MAX_COUNT`` rows no lane carries into the next one. Each word column
is then a 1-D gather and a 1-D ``reduceat`` (one fast inner loop per segment), and the lanes
are unpacked and un-biased per segment. The sums are integers: exactly those of the rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from escucha.understand.tablecache import cached_tables, file_fingerprint

_LANE_BITS = 21
_LANES = 3  # per uint64 word
_BIAS = 128
MAX_COUNT = ((1 << _LANE_BITS) - 1) // (2 * _BIAS - 1)  # rows per segment that cannot carry
_LANE_MASK = np.uint64((1 << _LANE_BITS) - 1)


def _pack(rows: np.ndarray) -> np.ndarray:
    """Word ``w`` of each row (one contiguous array per word, for 1-D gathers)."""
    biased = (rows.astype(np.int16) + _BIAS).astype(np.uint64)
    words = np.zeros((-(-rows.shape[1] // _LANES), rows.shape[0]), dtype=np.uint64)
    for j in range(rows.shape[1]):
        words[j // _LANES] |= biased[:, j] << np.uint64(_LANE_BITS * (j % _LANES))
    return words


class PackedRows:
    """An int8 matrix (one row per hashed bucket), lane-packed for per-segment row sums.

    Packing takes tens of milliseconds: the packed words are kept in the startup cache
    (tablecache), keyed by the rows' bytes, and memory-mapped on later starts."""

    def __init__(self, rows: np.ndarray) -> None:
        if rows.dtype != np.int8 or rows.ndim != 2:
            raise ValueError("PackedRows needs a 2-D int8 array")
        self.width = rows.shape[1]
        rows = np.ascontiguousarray(rows)
        digest = hashlib.sha1(rows.data, usedforsecurity=False).hexdigest()
        fingerprint = f"{file_fingerprint(Path(__file__))}|{rows.shape}|{digest}"
        self._words = cached_tables(
            "rowsums", fingerprint, ("words",), lambda: {"words": _pack(rows)}, mmap=True
        )["words"]

    def segment_sums(self, cols: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Per segment, the int64 column sums of the rows ``cols[s:e]``, for non-empty
        segments starting at ``starts`` (increasing), each ending where the next one starts
        and the last one at the end of ``cols`` (the segments of ``np.add.reduceat``)."""
        counts = np.diff(starts, append=cols.size)
        out = np.empty((starts.size, self.width), dtype=np.int64)
        if not starts.size:
            return out
        if int(counts.max()) > MAX_COUNT:  # lanes could carry: sum unpacked rows
            return np.add.reduceat(self._unpack(self._words.take(cols, axis=1)), starts, axis=0)
        bias = counts * _BIAS
        cols = cols.astype(np.intp, copy=False)  # converted once, not by every take
        for w, word in enumerate(self._words):
            sums = np.add.reduceat(word.take(cols), starts)
            for lane in range(min(_LANES, self.width - w * _LANES)):
                lane_sums = ((sums >> np.uint64(_LANE_BITS * lane)) & _LANE_MASK).astype(np.int64)
                np.subtract(lane_sums, bias, out=out[:, w * _LANES + lane])
        return out

    def _unpack(self, words: np.ndarray) -> np.ndarray:
        """int64 rows (one per column of ``words``) from their packed words."""
        out = np.empty((words.shape[1], self.width), dtype=np.int64)
        for j in range(self.width):
            lane = words[j // _LANES] >> np.uint64(_LANE_BITS * (j % _LANES))
            out[:, j] = (lane & _LANE_MASK).astype(np.int64) - _BIAS
        return out
