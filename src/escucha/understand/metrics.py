"""The records of measured model accuracy, as `escucha eval` prints them and metrics.json
stores them."""

from __future__ import annotations

from typing import Any, TypedDict

EVAL_COMMAND = "escucha eval --data DATA"


class MetricRecord(TypedDict):
    task: str  # "sentiment", "language_id", "intent.<name>", ...
    language: str
    metric: str  # "macro_f1", "accuracy", "f1", ...
    value: float
    n: int  # examples measured
    data: str  # the data file, relative to the data folder
    command: str  # the command that reproduces the number


class ModelMetrics(TypedDict, total=False):
    """metrics.json: what the shipped models measured, and how they were trained."""

    version: str
    records: list[MetricRecord]
    training: dict[str, Any]
    environment: dict[str, Any]
    training_seconds: float


def record(
    task: str,
    language: str,
    metric: str,
    value: float,
    n: int,
    data: str,
    command: str = EVAL_COMMAND,
) -> MetricRecord:
    return {
        "task": task,
        "language": language,
        "metric": metric,
        "value": round(value, 4),
        "n": int(n),
        "data": data,
        "command": command,
    }
