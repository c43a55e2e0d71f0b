"""The web app's signing secret: made on first run, kept in the workspace with mode 0600.

It signs session cookies, derives CSRF tokens and the tokens of emailed invitations' links
(research/sending.py, panels/sending.py: `derived_token`). It never goes to escucha.toml or a log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from escucha.errors import UserError

SECRET_FILE = "web-secret.key"


def load_or_create_secret(workspace: Path) -> bytes:
    path = workspace / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UserError(
            f"{path}: readable by others (mode {stat.S_IMODE(mode):o}); "
            f"run 'chmod 600 {path}' so only you can read it"
        )
    value = path.read_text(encoding="ascii").strip()
    if len(value) < 32:
        raise UserError(f"{path}: too short to be a secret; delete it to make a new one")
    return value.encode("ascii")


def derived_token(workspace: Path, purpose: str, nonce: str) -> str:
    """A link token made again from a stored random nonce: HMAC-SHA256 with the workspace's
    secret, so the store alone cannot make it, and a retry sends the same link."""
    key = load_or_create_secret(workspace)
    mac = hmac.new(key, f"{purpose}:{nonce}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode("ascii")
