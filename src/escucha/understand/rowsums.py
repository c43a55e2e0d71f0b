"""Exact sums of gathered int8 weight rows per text, eight columns to a 64-bit word.

Scoring a batch sums, for each text, the weight rows of its hashed n-grams: one random
lookup per n-gram in a table of 2**18 rows, whose speed is decided by the CPU caches. Here
each row's int8 values are stored biased (``w + 128``, 0..255), one byte per column, eight
columns to a uint64 word: a table of six columns (a sentiment head and the intent models) is
2 MB. A gathered word's even and odd bytes are spread into two words of four 16-bit lanes (a
mask, a shift), and the lanes of a segment are summed at once by one 1-D ``reduceat`` per
word: no lane carries into the next as long as a segment holds at most ``MAX_COUNT`` rows
(longer ones are summed in pieces). The lanes are then read as uint16 and un-biased per
segment. Entries are handled in chunks of about ``CHUNK`` so that the gathered words stay in
the CPU's second-level cache between the passes over them. The sums are integers: exactly
those of the rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from escucha.understand.tablecache import cached_tables, file_fingerprint

_COLUMNS = 8  # per uint64 word, one byte each
_BIAS = 128
_WORD = np.dtype("<u8")  # little-endian: byte j of a word is bits 8j..8j+7 of its value
_LANE = np.dtype("<u2")  # the four 16-bit lanes of a little-endian word, in column order
MAX_COUNT = np.iinfo(_LANE).max // (2 * _BIAS - 1)  # rows per segment that cannot carry
_EVEN_BYTES = np.uint64(0x00FF00FF00FF00FF)
_BYTE = np.uint64(8)
CHUNK = 1 << 16  # entries per pass: 512 KB of gathered words


def _pack(rows: np.ndarray) -> np.ndarray:
    """Word ``w`` of each row (one contiguous array per word, for 1-D gathers): byte ``j``
    of the word (little-endian) holds column ``8 * w + j``, biased; unused bytes are 0."""
    n_words = -(-rows.shape[1] // _COLUMNS)
    biased = np.zeros((rows.shape[0], n_words * _COLUMNS), dtype=np.uint8)
    biased[:, : rows.shape[1]] = rows.astype(np.int16) + _BIAS
    words = biased.view(_WORD).astype(np.uint64, copy=False)
    return np.ascontiguousarray(words.T)


class PackedRows:
    """An int8 matrix (one row per hashed bucket), byte-packed for per-segment row sums.

    The packed words are kept in the startup cache (tablecache), keyed by the rows' bytes,
    and memory-mapped on later starts: a one-post run reads a few pages of them."""

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
        out = np.empty((starts.size, self.width), dtype=np.int64)
        if not starts.size:
            return out
        counts = np.diff(starts, append=cols.size)
        if int(counts.max()) > MAX_COUNT:  # lanes could carry: sum pieces, then segments
            pieces = -(-counts // MAX_COUNT)
            first = np.cumsum(pieces) - pieces  # each segment's first piece
            within = np.arange(int(pieces.sum())) - np.repeat(first, pieces)
            piece_starts = np.repeat(starts, pieces) + within * MAX_COUNT
            return np.add.reduceat(self.segment_sums(cols, piece_starts), first, axis=0)
        cols = cols.astype(np.intp, copy=False)  # converted once, not by every take
        # chunks end at segment starts, about every CHUNK entries
        cuts = np.searchsorted(starts, np.arange(CHUNK, cols.size, CHUNK)).tolist()
        bounds = sorted({0, *cuts, starts.size})
        ends = [*starts[bounds[1:-1]].tolist(), cols.size]
        for a, b, end in zip(bounds[:-1], bounds[1:], ends, strict=True):
            begin = int(starts[a])
            self._sums(cols[begin:end], starts[a:b] - begin, counts[a:b], out[a:b])
        return out

    def _sums(
        self, cols: np.ndarray, starts: np.ndarray, counts: np.ndarray, out: np.ndarray
    ) -> None:
        """segment_sums of one chunk, into ``out``."""
        bias = (counts * _BIAS)[:, None]
        for w, word in enumerate(self._words):
            even = word.take(cols)
            odd = even >> _BYTE
            odd &= _EVEN_BYTES
            even &= _EVEN_BYTES
            last = min(self.width, (w + 1) * _COLUMNS)
            for parity, lanes in enumerate((even, odd)):
                columns = slice(w * _COLUMNS + parity, last, 2)
                n = len(range(columns.start, last, 2))
                if n:
                    sums = np.add.reduceat(lanes, starts).astype(_WORD, copy=False)
                    by_lane = sums.view(_LANE).reshape(-1, _COLUMNS // 2)
                    np.subtract(by_lane[:, :n], bias, out=out[:, columns])
