"""Scheduled digests: the period compared with the one before, the alerts of the period and
its themes, sent daily or weekly by email or to a webhook, each period once (docs/digests.md).

`schedule.py` stores digests and says which period each covers, `content.py` builds and
renders one, `deliver.py` sends it (SMTP, signed webhook), `send.py` sends a period once,
with its log, and says which are due; `strings.py` holds their sentences. `linkmail.py`
emails the survey and product-test invitations with their personal links, each once.

The names below are imported when first used, so that registering the feature's sentences
(strings.py) imports nothing heavy."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Digest": "schedule",
    "add_digest": "schedule",
    "get_digest": "schedule",
    "list_digests": "schedule",
    "remove_digest": "schedule",
    "due_digests": "send",
    "send_digest": "send",
    "send_due": "send",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'escucha.digests' has no attribute {name!r}")
    return getattr(import_module(f"escucha.digests.{_WHERE[name]}"), name)
