"""PostgreSQL's pooled connections are pinged only after sitting idle (store/db.py): a
connection that dropped while idle is replaced before a statement meets it, and a busy
connection is not pinged at all."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from escucha.store import db
from escucha_testkit import postgres_url

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine():
    url = postgres_url()
    if not url:
        pytest.skip("PostgreSQL not configured")
    engine = db.make_engine(url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.text("SELECT pg_backend_pid()")))


def count_pings(engine: sa.Engine, monkeypatch) -> list[int]:
    pings: list[int] = []
    ping = engine.dialect.do_ping

    def counted(dbapi):
        pings.append(1)
        return ping(dbapi)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def terminate(pid: int) -> None:
    admin = sa.create_engine(postgres_url())
    with admin.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        # wait until the backend is gone, so the pooled socket is really dead
        for _ in range(200):
            if not conn.scalar(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ):
                break
            conn.execute(sa.text("SELECT pg_sleep(0.01)"))
    admin.dispose()


def test_a_connection_dropped_while_idle_is_replaced_before_use(engine, monkeypatch):
    first = backend_pid(engine)
    terminate(first)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # it has been idle "long enough"
    assert backend_pid(engine) != first  # no error: the ping found it dead, a new one served


def test_a_dropped_connection_used_moments_ago_fails_once_then_the_pool_recovers(engine):
    first = backend_pid(engine)
    terminate(first)
    with pytest.raises(sa.exc.OperationalError):
        backend_pid(engine)  # not pinged: it was back in the pool a moment ago
    assert backend_pid(engine) != first


def test_only_a_connection_idle_long_enough_is_pinged(engine, monkeypatch):
    pings = count_pings(engine, monkeypatch)
    backend_pid(engine)
    for _ in range(3):
        backend_pid(engine)
    assert pings == []  # each checkout came moments after the last checkin
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    backend_pid(engine)
    assert pings == [1]
