"""`escucha digests` on the command line: add, list, send --dry-run, run, remove."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from alerts.servers import Receiver


def escucha(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ.copy()
    env.pop("ESCUCHA_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "escucha", "-w", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_the_digests_commands(tmp_path, monkeypatch):
    from escucha.config import default_config
    from escucha.workspace import init_workspace

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    folder = init_workspace(tmp_path / "ws", default_config("cli digests")).path
    with Receiver(200) as hook:
        to = f"webhook:{hook.url('/t/secret-token')}"
        added = escucha(folder, "digests", "add", "--every", "daily", "--to", to,
                        "--lang", "es", "--json")  # fmt: skip
        assert added.returncode == 0, added.stderr
        digest = json.loads(added.stdout)
        assert digest["every"] == "daily" and "secret-token" not in added.stdout
        listed = escucha(folder, "digests", "list")
        assert listed.stdout.startswith(f"#{digest['id']} daily es every brand → webhook:http")
        dry = escucha(folder, "digests", "send", str(digest["id"]), "--dry-run",
                      "--at", "2026-12-01T08:00")  # fmt: skip
        assert dry.returncode == 0, dry.stderr
        assert "would send to webhook:" in dry.stdout and "2026-11-30:2026-11-30" in dry.stdout
        assert "Resumen diario: cli digests" in dry.stdout
        assert hook.bodies == []
        ran = escucha(folder, "digests", "run", "--at", "2026-12-01T08:00")
        assert ran.stdout.strip() == f"digest #{digest['id']} 2026-11-30:2026-11-30 sent"
        again = escucha(folder, "digests", "send", str(digest["id"]), "--at", "2026-12-01")
        assert again.stdout.strip().endswith("was already sent")
        assert escucha(folder, "digests", "run", "--at", "2026-12-01").stdout == (
            "no digest is due\n"
        )
    assert len(hook.bodies) == 1
    bad = escucha(folder, "digests", "add", "--every", "hourly", "--to", "email:a@b.org")
    assert bad.returncode == 1
    assert bad.stderr.strip() == "escucha: error: --every 'hourly': choose daily or weekly"
    assert escucha(folder, "digests", "remove", str(digest["id"])).returncode == 0
    assert escucha(folder, "digests", "list").stdout == "no digests\n"
    missing = escucha(folder, "digests", "remove", str(digest["id"]))
    assert missing.returncode != 0 and "no digest #" in missing.stderr
