"""Scheduled digests: the period compared with the one before, the alerts of the period and
its themes, sent daily or weekly by email or to a webhook, each period once (docs/digests.md).

`schedule.py` stores digests and says which are due, `content.py` builds and renders one,
`deliver.py` sends it (SMTP, signed webhook), `send.py` sends a period once, with its log."""

from escucha.digests.schedule import Digest, add_digest, get_digest, list_digests, remove_digest
from escucha.digests.send import due_digests, send_digest, send_due

__all__ = [
    "Digest",
    "add_digest",
    "due_digests",
    "get_digest",
    "list_digests",
    "remove_digest",
    "send_digest",
    "send_due",
]
