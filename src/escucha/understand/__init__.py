"""Text understanding: language, sentiment and intents of posts.

Importing this package is cheap; models load in ``load_reader``.
"""

from escucha.understand.reader import PostReader, Reading, load_reader
from escucha.understand.shipped import shipped_metrics, shipped_version

__all__ = [
    "PostReader",
    "Reading",
    "load_reader",
    "shipped_metrics",
    "shipped_version",
]
