"""PackedRows: per-segment sums of int8 rows, equal to numpy's own row sums."""

from __future__ import annotations

import numpy as np
import pytest

from escucha.understand import rowsums
from escucha.understand.rowsums import PackedRows


def _reference(rows: np.ndarray, cols: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(rows[cols].astype(np.int64), starts, axis=0)


@pytest.mark.parametrize("width", [1, 3, 4, 6, 8, 9, 10, 17])
def test_sums_equal_the_rows_sums(tmp_path, monkeypatch, width):
    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(tmp_path))
    rng = np.random.default_rng(width)
    rows = rng.integers(-128, 128, size=(500, width)).astype(np.int8)
    rows[0] = -128  # the extremes of int8, where a lane would borrow or carry
    rows[1] = 127
    cols = rng.integers(0, 500, size=3000)
    cols[:1000] = 0
    cols[1000:2000] = 1
    starts = np.array([0, 1000, 1999, 2000, 2500, 2999])
    expected = _reference(rows, cols, starts)
    assert np.array_equal(PackedRows(rows).segment_sums(cols, starts), expected)
    # read back from the cache folder on the next start
    assert np.array_equal(PackedRows(rows).segment_sums(cols, starts), expected)


def test_long_segments_are_summed_in_pieces(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(tmp_path))
    rows = np.full((4, 5), 127, dtype=np.int8)
    rows[2] = -128
    cols = np.array([0, 1, 2, 3] * 5000)
    starts = np.array([0, 3, 10])
    assert cols.size - 10 > rowsums.MAX_COUNT  # the last segment could carry between lanes
    packed = PackedRows(rows)
    assert np.array_equal(packed.segment_sums(cols, starts), _reference(rows, cols, starts))


def test_many_segments_are_summed_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(tmp_path))
    rng = np.random.default_rng(0)
    rows = rng.integers(-128, 128, size=(1000, 7)).astype(np.int8)
    cols = rng.integers(0, 1000, size=3 * rowsums.CHUNK + 123)
    starts = np.unique(rng.integers(5, cols.size, size=2000))  # entries 0-4: in no segment
    expected = _reference(rows, cols, starts)
    assert np.array_equal(PackedRows(rows).segment_sums(cols, starts), expected)


def test_no_segments(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCUCHA_CACHE_DIR", str(tmp_path))
    packed = PackedRows(np.zeros((3, 2), dtype=np.int8))
    out = packed.segment_sums(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64))
    assert out.shape == (0, 2)


def test_only_int8_matrices():
    with pytest.raises(ValueError):
        PackedRows(np.zeros((3, 2), dtype=np.float32))
