"""Entries of the web app's navigation. Features declare theirs through the `nav_entries` hook
(escucha.features, escucha.plugins); the web app keeps them sorted by `order`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str  # also the catalogue's "nav_<key>" and the template's `active`
    path: str
    order: int = 100  # position in the menu, smallest first
    roles: tuple[str, ...] = ("admin", "analyst", "viewer")


def nav_for(entries: Iterable[NavItem], role: str | None) -> list[NavItem]:
    return [item for item in entries if role in item.roles]
