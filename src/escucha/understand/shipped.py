"""The models shipped with the package: where they are, their version, their measured accuracy
(read from small JSON files, without loading any weights)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

from escucha.understand.metrics import ModelMetrics

MODEL_DIR = Path(__file__).parent / "models"


def shipped_version(model_dir: str | Path | None = None) -> str:
    """The shipped models' version, read from their manifest without loading any weights."""
    manifest = Path(model_dir or MODEL_DIR) / "manifest.json"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def shipped_metrics(model_dir: str | Path | None = None) -> ModelMetrics:
    """The shipped models' measured accuracy (metrics.json), without loading any weights."""
    path = Path(model_dir or MODEL_DIR) / "metrics.json"
    if not path.exists():
        return {}
    return cast(ModelMetrics, json.loads(path.read_text(encoding="utf-8")))
