"""`escucha alerts` through Typer (registered on a test app until app.py registers it)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from escucha.cli.app import app

from .test_run import END, market  # noqa: F401  (the fixture)


def test_dry_run_then_run_then_history(market):  # noqa: F811
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, ["-w", str(market.path), "alerts", *args])

    dry = run("--dry-run").output
    assert "1 new alert(s) would fire for the windows ending 2017-12-01 10:00 UTC" in dry
    assert "[brands/volume] Iberia: 40 mentions" in dry
    assert json.loads(run("history", "--json").output) == []
    assert "1 new alert(s) fired" in run("--at", "2017-12-01T10:00").output
    (alert,) = json.loads(run("history", "--json").output)
    assert alert["state"] == "recorded" and alert["window_end"] == END.isoformat()
    assert "[recorded] Iberia: 40 mentions" in run("history").output
    assert "expected a date and time" in str(run("--at", "yesterday").exception)
