"""The scoring backend interface that PostReader reads through."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class Scorer:
    """Backend interface: sentiment probabilities (n x 3) and intent probabilities (n x 5)."""

    def score(self, texts: Sequence[str], langs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError
