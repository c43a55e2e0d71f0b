"""Plugins: how escucha's own features and outside packages add commands, pages and tables.

Every built-in domain declares its CLI commands, web routers, navigation entries, tables and
strings through the hook specs in `escucha.plugins.hookspecs`, exactly as an outside plugin
does; an outside package registers a module under the `escucha.plugins` entry point group.
See docs/plugins.md.
"""

from __future__ import annotations

import pluggy

PROJECT = "escucha"

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin module's function as the implementation of the hook of the same name."""

hookspec = pluggy.HookspecMarker(PROJECT)
