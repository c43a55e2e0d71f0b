"""The CLI as a user meets it: help, one-line errors, exit codes, --workspace, status --json."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest


def escucha(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ESCUCHA_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "escucha", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"escucha {' '.join(args)} failed:\n{done.stderr}")
    return done


def test_help_lists_every_command_with_its_line(tmp_path):
    out = escucha("--help", cwd=tmp_path).stdout
    for command in ("init", "status", "import", "analyze", "report", "demo", "classify"):
        assert f" {command} " in out, command


def test_user_error_is_one_line_and_non_zero(tmp_path):
    done = escucha("status", cwd=tmp_path, check=False)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith("escucha: error:") and "escucha init" in done.stderr
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(tmp_path):
    done = escucha("--debug", "status", cwd=tmp_path, check=False)
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_bad_import_file_is_one_line(tmp_path):
    escucha("init", "ws", cwd=tmp_path)
    (tmp_path / "x.csv").write_text("id,score\n1,2\n")
    done = escucha("-w", "ws", "import", "x.csv", cwd=tmp_path, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "escucha: error: x.csv: no text column among id, score; name it with --map text=COLUMN"
    ]


def test_bad_map_option_is_one_line(tmp_path):
    escucha("init", "ws", cwd=tmp_path)
    (tmp_path / "p.csv").write_text("id,body\n1,hola\n")
    done = escucha("-w", "ws", "import", "p.csv", "--map", "body", cwd=tmp_path, check=False)
    assert done.returncode == 1 and "expected FIELD=COLUMN" in done.stderr


def test_init_import_status_with_workspace_option(tmp_path):
    escucha("init", "ws", cwd=tmp_path)
    assert (tmp_path / "ws" / "escucha.toml").is_file()
    assert (tmp_path / "ws" / "escucha.db").is_file()
    (tmp_path / "p.csv").write_text("id,body\n1,hola\n2,hello\n2,hello\n")
    done = escucha("--workspace", "ws", "import", "p.csv", "--map", "text=body", cwd=tmp_path)
    assert "2 accepted, 1 duplicate, 0 rejected" in done.stdout
    status = json.loads(escucha("status", "--json", cwd=tmp_path / "ws").stdout)
    assert status["posts"] == 2 and status["not_enriched"] == 2
    assert status["sources"][0]["source"] == "p" and status["sources"][0]["posts"] == 2


def test_a_killed_import_resumes_without_loss_or_duplicates(tmp_path):
    """kill -9 in the middle of `escucha import`, then run it again."""
    total = 200_000
    with (tmp_path / "big.jsonl").open("w") as out:
        for i in range(total):
            out.write(json.dumps({"id": i, "text": f"post number {i} about @Iberia"}) + "\n")
    escucha("init", "ws", cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "ESCUCHA_DATABASE_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "escucha", "-w", "ws", "import", "big.jsonl"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = tmp_path / "ws" / "escucha.db"

    def count() -> int:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from posts").fetchone()[0]

    deadline = time.monotonic() + 120
    while proc.poll() is None and count() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = count()
    if partial in (0, total):
        pytest.skip(f"the import was not caught half-way ({partial} posts stored)")
    done = escucha("-w", "ws", "import", "big.jsonl", cwd=tmp_path)
    assert f"{total - partial:,} accepted, {partial:,} duplicate, 0 rejected" in done.stdout
    with sqlite3.connect(db) as conn:
        ids = conn.execute("select count(distinct native_id), count(*) from posts").fetchone()
        payloads = conn.execute("select count(*) from raw_payloads").fetchone()[0]
    assert ids == (total, total) and payloads == total


def test_workspace_option_works_after_the_subcommand(tmp_path):
    escucha("init", "ws", cwd=tmp_path)
    (tmp_path / "p.csv").write_text("id,body\n1,hola\n")
    escucha("import", "p.csv", "--map", "text=body", "-w", "ws", cwd=tmp_path)
    status = json.loads(escucha("status", "--json", "--workspace", "ws", cwd=tmp_path).stdout)
    assert status["posts"] == 1
    assert json.loads(escucha("status", "--workspace=ws", "--json", cwd=tmp_path).stdout) == status


def test_boolean_flags_are_shown_without_a_value(tmp_path):
    help_text = escucha("alerts", "--help", cwd=tmp_path).stdout
    line = next(x for x in help_text.splitlines() if "--dry-run" in x)
    assert "<bool>" not in line and "Show what would fire" in line
    assert "<bool>" not in help_text  # --json, --help: no flag shows a value
    assert "<bool>" not in escucha("--help", cwd=tmp_path).stdout


def test_tables_piped_to_a_file_are_not_cut_at_80_columns(tmp_path):
    escucha("init", "ws", cwd=tmp_path)
    long = "maleta " + " ".join(f"palabra{i:02d}" for i in range(10))  # 106 characters
    (tmp_path / "p.csv").write_text(f"id,body\n1,{long}\n")
    escucha("-w", "ws", "import", "p.csv", "--map", "text=body", cwd=tmp_path)
    out = escucha("-w", "ws", "query", "maleta", cwd=tmp_path).stdout  # stdout is a pipe
    assert any(long in line for line in out.splitlines())
