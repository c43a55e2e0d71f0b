"""The navigation: one entry per page, in order. A new page adds an entry here and a router
in escucha.web.routes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str  # also the catalogue's "nav_<key>" and the template's `active`
    path: str
    roles: tuple[str, ...] = ("admin", "analyst", "viewer")


NAV: tuple[NavItem, ...] = (
    NavItem("overview", "/"),
    NavItem("explore", "/explore"),
    NavItem("competitors", "/competitors"),
    NavItem("concerns", "/concerns"),
    NavItem("themes", "/themes"),
    NavItem("ideas", "/ideas"),
    NavItem("alerts", "/alerts"),
    NavItem("sources", "/sources"),
    NavItem("tokens", "/account/tokens"),
)


def nav_for(role: str | None) -> list[NavItem]:
    return [item for item in NAV if role in item.roles]
