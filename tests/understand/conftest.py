from __future__ import annotations

import pytest

from escucha.understand import PostReader, load_reader


@pytest.fixture(scope="session")
def reader() -> PostReader:
    return load_reader(["es", "en"])
