"""Tables of the store (SQLAlchemy Core), one module per domain on one `metadata`.

Every change here comes with an Alembic migration (store/migrations/versions).
"""

from typing import Any

from sqlalchemy import Connection, Table, event

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
from escucha.store.schema.digests import digest_sends, digests
from escucha.store.schema.engage import (
    draft_approvals,
    draft_overrides,
    drafts,
    inbox_items,
    publications,
)
from escucha.store.schema.insights import alert_deliveries, alerts, idea_posts, ideas
from escucha.store.schema.jobs import job_errors
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
from escucha.store.schema.panels import (
    panel_consents,
    panel_draws,
    panel_feedback,
    panel_invitation_sends,
    panel_phases,
    panel_reminders,
    panel_tester_events,
    panel_testers,
    panels,
)
from escucha.store.schema.research import (
    invitation_sends,
    survey_invitations,
    survey_links,
    survey_loop_drafts,
    survey_quotas,
    survey_responses,
    survey_versions,
    surveys,
)
from escucha.store.schema.understanding import (
    brand_mentions,
    categories,
    enrichments,
    label_changes,
    mention_rollup,
    post_categories,
    post_labels,
    post_rollup,
    rollup_dirty,
    rollup_versions,
)
from escucha.store.schema.workspace import settings
from escucha.store.search import (
    FOLDED_INDEXES,
    HANDLE_KEY_INDEXES,
    create_enrichment_statistics,
    create_folded_index,
    create_handle_key_index,
    create_plan_indexes,
    create_post_statistics,
    create_word_index,
)


def _search_structures(table: Table, conn: Connection, **_kw: Any) -> None:
    if table is posts:
        create_word_index(conn)
        create_post_statistics(conn)
    if table is enrichments:
        create_enrichment_statistics(conn)
    for name, (on, _column, _rest) in FOLDED_INDEXES.items():
        if on == table.name:
            create_folded_index(conn, name)
    for name, (on, _column) in HANDLE_KEY_INDEXES.items():
        if on == table.name:
            create_handle_key_index(conn, name)
    create_plan_indexes(conn, table.name)


def _rollup_triggers(table: Table, conn: Connection, **_kw: Any) -> None:
    from escucha.store.rollup_marks import create_triggers

    create_triggers(conn, table.name)


# `metadata.create_all` builds the search structures too (migrations build them in 0018), and
# the mention rollup's triggers (0027).
event.listen(posts, "after_create", _search_structures)
event.listen(brand_mentions, "after_create", _search_structures)
event.listen(authors, "after_create", _search_structures)
event.listen(enrichments, "after_create", _search_structures)
for _watched in (posts, enrichments, brand_mentions, post_engagement, post_labels):
    event.listen(_watched, "after_create", _rollup_triggers)

__all__ = [
    "LIVE_POSTS",
    "alert_deliveries",
    "alerts",
    "api_tokens",
    "authors",
    "brand_mentions",
    "categories",
    "consent_records",
    "contact_attributes",
    "contact_emails",
    "contact_identities",
    "contact_merges",
    "contacts",
    "digest_sends",
    "digests",
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
    "invitation_sends",
    "job_errors",
    "label_changes",
    "mention_rollup",
    "merge_evidence",
    "metadata",
    "panel_consents",
    "panel_draws",
    "panel_feedback",
    "panel_invitation_sends",
    "panel_phases",
    "panel_reminders",
    "panel_tester_events",
    "panel_testers",
    "panels",
    "post_categories",
    "post_engagement",
    "post_labels",
    "post_rollup",
    "post_versions",
    "posts",
    "publications",
    "raw_payloads",
    "rollup_dirty",
    "rollup_versions",
    "segments",
    "settings",
    "source_rejects",
    "source_state",
    "survey_invitations",
    "survey_links",
    "survey_loop_drafts",
    "survey_quotas",
    "survey_responses",
    "survey_versions",
    "surveys",
    "users",
    "web_sessions",
]
