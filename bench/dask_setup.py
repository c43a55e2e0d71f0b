"""What the Dask benchmarks (bench_dask.py, bench_dask_worker.py) share: one BLAS thread per
process, set when this module is imported (before numpy loads: per-core numbers, and inherited
by the worker processes), this tree's sources first on the path, and the workspace they time:
the bundled real posts repeated to the size asked (as bench_import.py builds them), imported
and analysed once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

if TYPE_CHECKING:
    from escucha.workspace import Workspace


def analysed_workspace(folder: Path, posts: int) -> Workspace:
    """A workspace in `folder` holding `posts` posts, analysed once."""
    from bench_import import build_file

    from escucha.config import default_config
    from escucha.workspace import init_workspace

    data = folder / "posts.jsonl"
    build_file(data, posts)
    ws = init_workspace(folder / "ws", default_config("bench"))
    ws.import_file(data, source="bench")
    ws.analyze()
    return ws
