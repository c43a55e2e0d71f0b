"""report_html on a real workspace: it shows the stored ideas and alerts and writes nothing."""

from __future__ import annotations

import pytest

from .conftest import DEMO, write_demo_sample


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    from escucha.workspace import init_workspace

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        root = tmp_path_factory.mktemp("reportws")
        (root / "escucha.toml").write_text(
            (DEMO / "escucha.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        ws = init_workspace(root)
        for name, id_field in (("es_airline_tweets", "tweet_id"), ("us_airline_tweets", "row")):
            path = root / f"{name}.jsonl"
            write_demo_sample(path, f"{name}.jsonl.gz", id_field, 400)
            ws.import_file(path, source=name)
        ws.analyze()
        yield ws


def _snapshot(ws) -> dict[str, list]:
    """Every row of every table of the store but the rollup's, which reading brings up to date
    (store/rollup.py)."""
    import sqlalchemy as sa

    from escucha.store.rollup_marks import DERIVED
    from escucha.store.schema import metadata

    with ws.engine.connect() as conn:
        return {
            table.name: sorted(map(repr, conn.execute(sa.select(table)).all()))
            for table in metadata.sorted_tables
            if table.name not in DERIVED
        }


def test_the_report_says_how_to_fill_an_empty_backlog_and_writes_nothing(workspace):
    from escucha.report_inputs import report_html

    before = _snapshot(workspace)
    page = report_html(workspace, "en")
    assert "No ideas are stored yet: run `escucha ideas refresh`" in page
    assert "No alerts yet" in page
    assert _snapshot(workspace) == before  # no idea was made, no alert run


def test_the_report_shows_stored_ideas_and_alerts_and_writes_nothing(workspace):
    from datetime import UTC, datetime

    from escucha.alerts import alert_history, run_alerts
    from escucha.ideas import list_ideas, refresh_ideas
    from escucha.report_inputs import report_html

    refresh_ideas(workspace)
    run_alerts(workspace, now=datetime(2026, 1, 1, tzinfo=UTC))
    before = _snapshot(workspace)
    page = report_html(workspace, "en")
    assert _snapshot(workspace) == before
    top = list_ideas(workspace)[0]
    assert f"#{top['id']}</span>" in page and "No ideas are stored yet" not in page
    history = alert_history(workspace)
    assert ("No alerts yet" in page) == (not history)
    assert all(alert["message"] in page for alert in history)
