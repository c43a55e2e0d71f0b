"""Exception types. A `UserError` is shown to the user as one line, never as a traceback."""


class EscuchaError(Exception):
    """Base class of every error escucha raises on purpose."""


class UserError(EscuchaError):
    """Bad input or a bad request: the message names what and where."""


class ConfigError(UserError):
    """The workspace configuration is missing or invalid."""


class NotFound(UserError):
    """What was asked for does not exist (an id, a name); the message names it."""


class Forbidden(UserError):
    """The user, role or token may not do this."""


class Conflict(UserError):
    """The request clashes with the stored state (a duplicate name, a changed record)."""
