"""A fresh PostgreSQL schema per test, for the tests that need PostgreSQL alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from escucha_testkit import _fresh_pg_schema


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _fresh_pg_schema()
