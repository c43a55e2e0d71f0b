"""Exception types. A `UserError` is shown to the user as one line, never as a traceback."""

from __future__ import annotations

from escucha.i18n.catalogue import Message


class EscuchaError(Exception):
    """Base class of every error escucha raises on purpose."""


class UserError(EscuchaError):
    """Bad input or a bad request: the message names what and where.

    Raised with a `Message`, the faces show it in their user's language
    (`Catalogue.error_text`); str() is its English text, what the CLI prints."""

    def __init__(self, message: str | Message) -> None:
        super().__init__(str(message))
        self.translatable = message if isinstance(message, Message) else None


class ConfigError(UserError):
    """The workspace configuration is missing or invalid."""


class NotFound(UserError):
    """What was asked for does not exist (an id, a name); the message names it."""


class Forbidden(UserError):
    """The user, role or token may not do this."""


class Conflict(UserError):
    """The request clashes with the stored state (a duplicate name, a changed record)."""


class Overloaded(UserError):
    """Work stopped to protect the server (a query over its time budget); the web app
    answers 503."""


class Upstream(UserError):
    """A platform refused or failed what we asked of it for the user (a publish refused as
    invalid, a parent deleted upstream, a write that gave up); the web answers 502."""
