"""Entry points of installed packages, read without importlib.metadata.

Plugins (`escucha.plugins`) and source kinds (`escucha.sources`) are found this way. The
distributions' entry_points.txt are read directly: importing importlib.metadata would cost
`escucha --help` more than the rest of its start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path


def installed(group: str, paths: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(name, "module[:attribute]") of each installed entry point of `group`; the first
    found on `paths` (default: sys.path) wins."""
    seen: set[str] = set()
    for folder in sys.path if paths is None else paths:
        try:
            entries = sorted(os.scandir(folder or "."), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                text = Path(entry.path, "entry_points.txt").read_text(encoding="utf-8")
            except OSError:
                continue
            if f"[{group}]" not in text:
                continue
            for name, target in _entry_points(text, group):
                if name not in seen:
                    seen.add(name)
                    yield name, target


def load(target: str) -> object:
    """The object an entry point names: "module" or "module:attribute.path"."""
    module, _, attribute = target.partition(":")
    found: object = import_module(module.strip())
    for part in attribute.strip().split(".") if attribute.strip() else ():
        found = getattr(found, part)
    return found


def _entry_points(text: str, group: str) -> list[tuple[str, str]]:
    import configparser

    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return [(name, target.strip()) for name, target in parser.items(group)]
