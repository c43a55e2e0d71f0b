"""The community: contacts across platforms, the give/ask ledger, consent and data rights.

Modules: `handles` (normalised keys), `build` (contacts from authors), `importer` (contact
files), `resolve`, `links` and `merge` (identity resolution, profile cross-links, reversible
merges), `ledger` (gives and asks), `views` (contacts with readiness), `segments`, `rights`
(consent, export, forget), `connections` (material connections to the brand). Every function
takes a `Context`; the faces only call them (docs/community.md).
"""
