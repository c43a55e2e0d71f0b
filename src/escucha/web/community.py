"""Shaping the community's contacts, suggestions and ledger for the pages: readiness reasons
in the UI language, a contact's timeline (their posts and our interactions), the give/ask
chart."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from escucha.i18n import catalogue
from escucha.i18n.format import day, safe_url, when

if TYPE_CHECKING:
    from escucha.config import CommunitySettings
    from escucha.web.context import WebContext

_OLDEST = datetime.min.replace(tzinfo=UTC)


def ensure_contacts(ctx: WebContext) -> None:
    """Every author seen so far is a contact: built once per data version (new posts)."""
    from escucha.community.build import build_contacts
    from escucha.reads.versions import data_version

    with ctx.engine.connect() as conn:
        version = data_version(conn, ctx.model_version)
    ctx.cache.get(("community-contacts-built",), version, lambda: build_contacts(ctx.workspace))


def reason_texts(contact: dict, settings: CommunitySettings, ui: str) -> list[str]:
    """Why we may not ask this contact now, one sentence per rule, in the UI language."""
    t = catalogue(ui)
    params = {
        "cooldown": {"day": day(contact["last_ask"]), "days": settings.cooldown_days},
        "ask_cap": {"count": t.number(contact["asks_90d"]), "cap": settings.max_asks_90d},
        "no_give_since_ask": {"day": day(contact["last_ask"])},
    }
    return [
        t.text(f"community_reason_{code}", **params.get(code, {}))
        for code in contact["reason_codes"]
    ]


def contact_row(contact: dict, settings: CommunitySettings, ui: str) -> dict:
    """A contact as the list and the detail page show it."""
    t = catalogue(ui)
    consent = contact["consent"]
    return {
        "id": contact["id"],
        "name": contact["name"],
        "lang": t.language_name(contact["lang"]) if contact["lang"] else None,
        "country": contact["country"],
        "emails": contact["emails"],
        "identities": contact["identities"],
        "attributes": sorted(contact["attributes"].items()),
        "opted_out": contact["opted_out"],
        "ready": contact["ready"],
        "reasons": reason_texts(contact, settings, ui),
        "gives": t.number(contact["gives"]),
        "asks": t.number(contact["asks"]),
        "gives_90d": t.number(contact["gives_90d"]),
        "asks_90d": t.number(contact["asks_90d"]),
        "posts": t.number(contact["posts"]),
        "posts_about_us": t.number(contact["posts_about_us"]),
        "replies_to_us": t.number(contact["replies_to_us"]),
        "last_seen": day(contact["last_seen"]),
        "consent": {
            "answer": t["community_consent_yes" if consent["granted"] else "community_consent_no"],
            "at": day(consent["recorded_at"]),
            "channel": consent["channel"],
            "text_version": consent["text_version"],
        }
        if consent
        else None,
    }


def _ref_link(ref: str | None) -> str | None:
    """Where an interaction's reference leads: a post or an idea of this app, or an absolute
    http(s) URL; None for anything else."""
    kind, _, number = (ref or "").partition(":")
    if kind in ("post", "idea") and number.isascii() and number.isdigit():
        return f"/{kind}s/{int(number)}"
    return safe_url(ref)


def kind_key(kind: str) -> str:
    """The catalogue key of a ledger kind: give:loop-closed -> ledger_kind_give_loop_closed."""
    return "ledger_kind_" + kind.replace(":", "_").replace("-", "_")


def timeline(posts: list[dict], interactions: list[dict], ui: str) -> list[dict]:
    """The contact's posts and our gives and asks, newest first."""
    t = catalogue(ui)
    entries = [
        {
            "at": p["created_at"],
            "kind": "post",
            "post_id": p["id"],
            "text": p["text"],
            "who": f"{p['platform']}:{p['handle']}" if p["handle"] else p["platform"],
            "url": safe_url(p["url"]),
        }
        for p in posts
    ]
    entries += [
        {
            "at": i["occurred_at"],
            "kind": i["direction"],
            "label": t[kind_key(i["kind"])],
            "contact_id": i["contact_id"],
            "text": i["note"],
            "who": i["recorded_by"],
            "channel": i["channel"],
            "ref": i["ref"],
            "url": _ref_link(i["ref"]),
        }
        for i in interactions
    ]
    entries.sort(key=lambda e: e["at"] or _OLDEST, reverse=True)
    for entry in entries:
        entry["when"] = when(entry["at"]) or t["no_date"]
    return entries
