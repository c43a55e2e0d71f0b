"""Conversation: the honest-post guard (`guard`) that checks every outgoing text and the posts
of people with a material connection to the brand (docs/guard.md)."""
