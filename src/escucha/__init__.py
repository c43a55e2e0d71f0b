"""escucha: listen to what customers wish for and worry about, and how you compare.

The Python API::

    import escucha
    ws = escucha.open_workspace("demo")
    ws.import_file("posts.csv")
    ws.analyze()
    df = ws.posts()          # every post with its enrichments, as a pandas DataFrame
    ws.write_report("report.html")
"""

from importlib import import_module
from typing import TYPE_CHECKING

from escucha.core.version import VERSION as __version__

# Public name -> module. Loaded on first use, so `escucha --help` does not import SQLAlchemy.
_EXPORTS = {
    "Brand": "escucha.config",
    "Config": "escucha.config",
    "ConfigError": "escucha.errors",
    "EscuchaError": "escucha.errors",
    "UserError": "escucha.errors",
    "Workspace": "escucha.workspace",
    "init_workspace": "escucha.workspace",
    "open_workspace": "escucha.workspace",
}

if TYPE_CHECKING:
    from escucha.config import Brand, Config
    from escucha.errors import ConfigError, EscuchaError, UserError
    from escucha.workspace import Workspace, init_workspace, open_workspace


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'escucha' has no attribute {name!r}")


__all__ = [
    "Brand",
    "Config",
    "ConfigError",
    "EscuchaError",
    "UserError",
    "Workspace",
    "__version__",
    "init_workspace",
    "open_workspace",
]
