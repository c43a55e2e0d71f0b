"""The idea backlog: wish posts grouped into ideas that R&D can plan, merge and follow up.

    refresh_ideas(ws)            # group new wish posts (idempotent)
    list_ideas(ws)               # ideas with posts, askers, first/last seen, trend, status
    show_idea(ws, 3); idea_askers(ws, 3)
    set_status(ws, 3, "planned"); merge(ws, 4, 3); unmerge(ws, 4)

The grouping method is in docs/ideas-and-alerts.md and `escucha.ideas.grouping`.
"""

from escucha.ideas.common import STATUSES
from escucha.ideas.curation import merge, set_status, unmerge
from escucha.ideas.refresh import refresh_ideas
from escucha.ideas.views import idea_askers, idea_languages, list_ideas, show_idea

__all__ = [
    "STATUSES",
    "idea_askers",
    "idea_languages",
    "list_ideas",
    "merge",
    "refresh_ideas",
    "set_status",
    "show_idea",
    "unmerge",
]
