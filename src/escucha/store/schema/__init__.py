"""Tables of the store (SQLAlchemy Core), one module per domain on one `metadata`.

Every change here comes with an Alembic migration (store/migrations/versions).
"""

from escucha.store.schema.accounts import api_tokens, users, web_sessions
from escucha.store.schema.base import metadata
from escucha.store.schema.community import (
    consent_records,
    contact_attributes,
    contact_emails,
    contact_identities,
    contact_merges,
    contacts,
    erased_identities,
    erasures,
    interactions,
    merge_evidence,
    segments,
)
from escucha.store.schema.engage import (
    draft_approvals,
    draft_overrides,
    drafts,
    inbox_items,
    publications,
)
from escucha.store.schema.insights import alert_deliveries, alerts, idea_posts, ideas
from escucha.store.schema.listening import (
    LIVE_POSTS,
    authors,
    import_runs,
    post_engagement,
    post_versions,
    posts,
    raw_payloads,
    source_rejects,
    source_state,
)
from escucha.store.schema.research import (
    survey_invitations,
    survey_links,
    survey_quotas,
    survey_responses,
    survey_versions,
    surveys,
)
from escucha.store.schema.understanding import (
    brand_mentions,
    enrichments,
    label_changes,
    post_labels,
)
from escucha.store.schema.workspace import settings

__all__ = [
    "LIVE_POSTS",
    "alert_deliveries",
    "alerts",
    "api_tokens",
    "authors",
    "brand_mentions",
    "consent_records",
    "contact_attributes",
    "contact_emails",
    "contact_identities",
    "contact_merges",
    "contacts",
    "draft_approvals",
    "draft_overrides",
    "drafts",
    "enrichments",
    "erased_identities",
    "erasures",
    "idea_posts",
    "ideas",
    "import_runs",
    "inbox_items",
    "interactions",
    "label_changes",
    "merge_evidence",
    "metadata",
    "post_engagement",
    "post_labels",
    "post_versions",
    "posts",
    "publications",
    "raw_payloads",
    "segments",
    "settings",
    "source_rejects",
    "source_state",
    "survey_invitations",
    "survey_links",
    "survey_quotas",
    "survey_responses",
    "survey_versions",
    "surveys",
    "users",
    "web_sessions",
]
