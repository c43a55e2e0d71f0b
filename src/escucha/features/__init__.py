"""escucha's built-in features, one module per domain, each a plugin like an outside one.

A module declares its domain's CLI commands, web routers, navigation entries and tables through
the hooks of `escucha.plugins.hookspecs`; the registry (`escucha.plugins.manager`) lists them.
Modules here import nothing heavy at module level: the CLI imports all of them to start.
"""
