"""Source kinds from other packages, found through the `escucha.sources` entry points."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from escucha.errors import UserError
from escucha.listen.sources import kinds, source_class

from .conftest import escucha_cmd
from .test_cli import run

PLUGIN = """
from escucha.listen.sources.base import Categories, Page, Source


class EchoSource(Source):
    kind = "echo"
    target_option = "says"
    required_options = ("says",)
    categories = Categories(posts=("says",))
    coverage = "whatever it is told to say"

    def fetch(self, cursor):
        yield Page(items=[self.item("1", self.options["says"], {})], cursor={"done": True})
"""


def install(where: Path, entry_points: str, modules: dict[str, str]) -> None:
    """A distribution as pip leaves it: its dist-info (with entry_points.txt) and modules."""
    info = where / "escucha_echo-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: escucha-echo\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[escucha.sources]\n{entry_points}\n")
    for name, text in modules.items():
        (where / f"{name}.py").write_text(text)


@pytest.fixture
def plugins(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "site"
    install(
        where,
        "echo = escucha_echo:EchoSource\n"
        "broken = escucha_broken:Nothing\n"
        "notasource = escucha_echo:PLUGIN_NAME\n"
        "rss = escucha_echo:EchoSource",
        {
            "escucha_echo": PLUGIN + '\nPLUGIN_NAME = "echo"\n',
            "escucha_broken": "import escucha_no_such_dependency\n",
        },
    )
    monkeypatch.syspath_prepend(str(where))
    return where


def test_a_package_adds_a_kind_the_cli_can_use(plugins, ws_factory):
    assert {"echo", "broken", "rss", "mastodon"} <= set(kinds())
    assert source_class("echo").__name__ == "EchoSource"
    assert source_class("rss").__module__ == "escucha.listen.sources.rss"  # built-ins win
    ws = ws_factory()
    out = run(ws, "sources", "add", "echo", "hola Iberia", "--name", "eco")
    assert "added echo source 'eco'" in out.output
    config = tomllib.loads((ws.path / "escucha.toml").read_text())
    assert config["sources"][0]["kind"] == "echo"
    unknown = run(ws, "sources", "add", "myspace", "x", ok=False)
    assert "known kinds: bluesky, broken, discourse, echo, mastodon" in str(unknown.exception)


def test_a_broken_package_is_one_clear_error(plugins, ws_factory):
    with pytest.raises(UserError) as broken:
        source_class("broken")
    assert str(broken.value) == (
        "source kind 'broken' (escucha_broken:Nothing) cannot be loaded: "
        "ModuleNotFoundError: No module named 'escucha_no_such_dependency'"
    )
    with pytest.raises(UserError, match="is not a Source class"):
        source_class("notasource")
    ws = ws_factory()
    paths = [str(plugins), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        escucha_cmd("-w", str(ws.path), "sources", "add", "broken", "x"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "escucha: error: source kind 'broken' (escucha_broken:Nothing) cannot be loaded: "
        "ModuleNotFoundError: No module named 'escucha_no_such_dependency'"
    ]
