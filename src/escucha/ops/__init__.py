"""Operating a workspace: backups and restores, upgrades, moving its store between databases.

These functions take the workspace's folder and configuration, not a `Context`: they work on
a store before it is opened (an open workspace migrates its store, and `upgrade` must back it
up first).
"""
