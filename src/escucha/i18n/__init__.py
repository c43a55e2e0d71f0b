"""Strings and languages: one catalogue per UI language for every face (web app, report,
user-facing errors) and the formatting of numbers, shares and dates (docs/architecture.md,
"Strings and languages")."""

from escucha.i18n.catalogue import (
    DEFAULT,
    LANGUAGES,
    NATIVE_NAMES,
    Catalogue,
    Message,
    catalogue,
    first_supported,
    negotiate,
)

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "NATIVE_NAMES",
    "Catalogue",
    "Message",
    "catalogue",
    "first_supported",
    "negotiate",
]
