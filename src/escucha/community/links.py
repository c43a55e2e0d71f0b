"""Profile links between a Mastodon account and a Bluesky handle on its own domain.

A Mastodon profile field links to a site; when the Mastodon server verified the link
(`verified_at`: the site links back with rel="me") and a Bluesky handle is that site's domain
(Bluesky checked the domain when the handle was set), both accounts are one person's: a merge
escucha makes by itself. An unverified link is evidence a person decides on.

The profile is read from the raw payload of the account's posts (a status carries its account),
and only when some contact has a Bluesky handle on its own domain.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Connection, select

from escucha.store.schema import contact_identities, posts, raw_payloads

_HREF = re.compile(r"""href=["']([^"']+)["']""")


@dataclass(frozen=True)
class CrossLink:
    mastodon_contact: int
    bluesky_contact: int
    domain: str
    verified: bool


def _own_domains(conn: Connection) -> dict[str, int]:
    """Bluesky handles on their own domain -> their contact."""
    rows = conn.execute(
        select(contact_identities.c.handle_key, contact_identities.c.contact_id).where(
            contact_identities.c.platform == "bluesky",
            ~contact_identities.c.handle_key.like("%.bsky.social"),
            ~contact_identities.c.handle_key.like("did:%"),
        )
    )
    return dict(rows.all())


def _linked_hosts(payload: str) -> list[tuple[str, bool]]:
    """(host, verified) of each link in the profile fields of a status's account."""
    try:
        account = json.loads(payload).get("account") or {}
    except (ValueError, AttributeError):
        return []
    found = []
    for fld in account.get("fields") or []:
        if not isinstance(fld, dict):
            continue
        for href in _HREF.findall(str(fld.get("value") or "")):
            host = (urlsplit(href).hostname or "").lower().removeprefix("www.")
            if host:
                found.append((host, bool(fld.get("verified_at"))))
    return found


def cross_links(conn: Connection) -> list[CrossLink]:
    domains = _own_domains(conn)
    if not domains:
        return []
    mastodon = (
        select(contact_identities.c.author_id, contact_identities.c.contact_id)
        .where(contact_identities.c.platform == "mastodon")
        .where(contact_identities.c.author_id.is_not(None))
        .subquery()
    )
    rows = conn.execute(
        select(mastodon.c.contact_id, mastodon.c.author_id, raw_payloads.c.payload)
        .join(posts, posts.c.author_id == mastodon.c.author_id)
        .join(raw_payloads, raw_payloads.c.post_id == posts.c.id)
        .where(raw_payloads.c.payload.like('%"fields"%'))
        .order_by(mastodon.c.author_id, posts.c.id.desc())
    )
    links: dict[tuple[int, int, str], bool] = {}
    seen: set[int] = set()
    for contact, author, payload in rows:
        if author in seen:
            continue  # the newest post shows the profile as it is now
        seen.add(author)
        for host, verified in _linked_hosts(payload):
            other = domains.get(host)
            if other is not None and other != contact:
                key = (contact, other, host)
                links[key] = links.get(key, False) or verified
    return [CrossLink(m, b, host, verified) for (m, b, host), verified in links.items()]
