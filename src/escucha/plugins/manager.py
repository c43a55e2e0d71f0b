"""The plugin registry: escucha's built-in features, then outside packages' plugins."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

import pluggy

from escucha.core.entry_points import installed, load
from escucha.plugins import PROJECT, hookspecs

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy import Table

    from escucha.plugins.nav import NavItem

ENTRY_POINT_GROUP = "escucha.plugins"

# The built-in features, in the order their commands and routers are added.
DEFAULT_PLUGINS = (
    "escucha.features.workspace",
    "escucha.features.listen",
    "escucha.features.understand",
    "escucha.features.insights",
    "escucha.features.ideas",
    "escucha.features.community",
    "escucha.features.engage",
    "escucha.features.research",
    "escucha.features.research_stats",
    "escucha.features.panels",
    "escucha.features.alerts",
    "escucha.features.digests",
    "escucha.features.report",
    "escucha.features.web",
    "escucha.features.auth",
    "escucha.features.operations",
    "escucha.features.jobs",
)


def make_manager(*, load_entry_points: bool = True) -> pluggy.PluginManager:
    """A manager with the hook specs, the built-in features and (optionally) outside plugins.

    pluggy calls implementations last-registered first, so outside plugins are registered
    before the built-ins (reversed): calls then run in DEFAULT_PLUGINS order, outside ones last.
    """
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    if load_entry_points:
        for name, target in installed(ENTRY_POINT_GROUP):
            if manager.get_plugin(name) is None:
                manager.register(load(target), name=name)
    for name in reversed(DEFAULT_PLUGINS):
        manager.register(import_module(name), name=name)
    return manager


@cache
def plugin_manager() -> pluggy.PluginManager:
    """The process's registry (built once); the plugins' sentences join the catalogues."""
    from escucha.i18n.catalogue import add_strings

    manager = make_manager()
    add_strings(strings(manager))
    return manager


def add_commands(cli: typer.Typer, manager: pluggy.PluginManager | None = None) -> None:
    (manager or plugin_manager()).hook.register_commands(cli=cli)


def routers(manager: pluggy.PluginManager | None = None) -> list[APIRouter]:
    return [r for found in (manager or plugin_manager()).hook.web_routers() for r in found]


def nav_entries(manager: pluggy.PluginManager | None = None) -> tuple[NavItem, ...]:
    entries = [e for found in (manager or plugin_manager()).hook.nav_entries() for e in found]
    return tuple(sorted(entries, key=lambda e: e.order))


def tables(manager: pluggy.PluginManager | None = None) -> list[Table]:
    return [t for found in (manager or plugin_manager()).hook.tables() for t in found]


def strings(manager: pluggy.PluginManager | None = None) -> dict[str, dict[str, str]]:
    """Every plugin's strings merged per language (a later plugin does not override a key)."""
    merged: dict[str, dict[str, str]] = {}
    found: list[Mapping[str, Mapping[str, str]]] = (manager or plugin_manager()).hook.strings()
    for per_lang in found:
        for lang, texts in per_lang.items():
            target = merged.setdefault(lang, {})
            for key, text in texts.items():
                target.setdefault(key, text)
    return merged
