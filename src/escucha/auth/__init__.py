"""Accounts of the web app and the API: users and roles, password hashing, login sessions,
API tokens, the session secret and the login rate limit. Nothing here imports the web stack."""

from escucha.auth.roles import ROLES, SCOPES, can_change
from escucha.auth.users import User

__all__ = ["ROLES", "SCOPES", "User", "can_change"]
