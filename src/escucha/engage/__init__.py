"""Conversation: the inbox of posts that ask something of us, reply drafts and their approval,
publishing through the connectors' write capability (docs/engage.md), and the honest-post
guard (`guard`) that checks every outgoing text and the posts of people with a material
connection to the brand (docs/guard.md)."""
