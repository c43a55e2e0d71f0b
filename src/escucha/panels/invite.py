"""Inviting the drawn testers: an `ask:test` in the give/ask ledger for each, only when they
are ask-ready now, with a personal link to the terms (/t/{token}; only its SHA-256 is
stored) and an invitation text the honest-post guard has checked.

The invitations are personal messages (one link each), so, as survey invitations, their text
is not a draft: the guard's verdict is returned and written into each ledger entry. With a
`source`, a public tester call is also drafted (engage drafts, kind `tester_call`) for a
person to approve.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, UserError
from escucha.panels.define import get_panel
from escucha.panels.links import new_link
from escucha.panels.testers import set_status
from escucha.store.schema.panels import panel_testers, panels

TEXT = {
    "es": "Hola, en {brand} vamos a probar «{product}» con la comunidad y nos encantaría "
    "contar contigo. Es voluntario: en el enlace tienes qué se prueba, qué datos se recogen y "
    "cuánto se guardan, y puedes aceptar o no. {receives}",
    "en": "Hi, at {brand} we are testing \u201c{product}\u201d with the community and would love "
    "to count on you. It is voluntary: the link says what is tested, what data is collected "
    "and how long it is kept, and you can accept or not. {receives}",
}
RECEIVES = {
    "es": {
        "gift": "Si participas, te lo enviamos de regalo.",
        "loan": "Si participas, te lo prestamos y luego lo devuelves.",
        "nothing": "",
    },
    "en": {
        "gift": "If you take part, we send it to you as a gift.",
        "loan": "If you take part, we lend it to you and you send it back.",
        "nothing": "",
    },
}


def invitation_text(ctx: Context, panel: dict, lang: str) -> str:
    brand = ctx.config.brand.name if ctx.config.brand else ctx.config.name
    lang = lang if lang in TEXT else "en"
    return (
        TEXT[lang]
        .format(
            brand=brand,
            product=panel["product"] or panel["name"],
            receives=RECEIVES[lang][panel["receives"]],
        )
        .strip()
    )


def invite(
    ctx: Context,
    panel_id: int,
    *,
    source: str | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> dict:
    """Invite the drawn testers who may be asked now; the others are listed with why."""
    from escucha.community.ledger import record_in
    from escucha.community.views import list_contacts
    from escucha.panels.recruit import participation
    from escucha.research.invitations import check_invitation

    now = now or datetime.now(UTC)
    panel = get_panel(ctx, panel_id)
    if panel["status"] == "draft":
        raise Conflict(
            f"product test {panel_id} has no testers yet (escucha panels recruit {panel_id})"
        )
    if panel["status"] == "closed":
        raise Conflict(f"product test {panel_id} is closed")
    with ctx.engine.connect() as conn:
        drawn = conn.execute(
            sa.select(panel_testers.c.id, panel_testers.c.contact_id).where(
                panel_testers.c.panel_id == panel_id,
                panel_testers.c.status == "selected",
                panel_testers.c.contact_id.is_not(None),
            )
        ).all()
    contacts = {c["id"]: c for c in list_contacts(ctx, ids=[r.contact_id for r in drawn])}
    now_in, _recent = participation(ctx, panel_id, now, 0)
    texts: dict[str, str] = {}
    verdicts: dict[str, str] = {}
    invited, left_out = [], []
    with ctx.engine.begin() as conn:
        for row in drawn:
            contact = contacts.get(row.contact_id)
            if contact is None:
                continue
            if not contact["ready"]:
                left_out.append(
                    {
                        "contact": row.contact_id,
                        "reason": "not ask-ready: " + "; ".join(contact["reasons"]),
                    }
                )
                continue
            if row.contact_id in now_in:
                left_out.append(
                    {
                        "contact": row.contact_id,
                        "reason": f"taking part in product test {now_in[row.contact_id]} now",
                    }
                )
                continue
            lang = contact["lang"] if contact["lang"] in TEXT else "en"
            if lang not in texts:
                texts[lang] = invitation_text(ctx, panel, lang)
                check = check_invitation(ctx, texts[lang], lang)
                if check.refused:
                    raise UserError(
                        "the guard refuses this invitation: " + "; ".join(check.reasons)
                    )
                verdicts[lang] = check.verdict
            url = new_link(ctx, conn, row.id)
            set_status(
                conn, row.id, "invited", reason=None, at=now, by=by, extra={"invited_at": now}
            )
            record_in(
                conn,
                "ask:test",
                contact_id=row.contact_id,
                channel="panel",
                note=f"invitation to product test {panel_id}; guard: {verdicts[lang]}",
                ref=f"panel:{panel_id}",
                occurred_at=now,
                recorded_by=by,
            )
            invited.append(
                {
                    "contact": row.contact_id,
                    "name": contact["name"],
                    "lang": lang,
                    "url": url,
                    "text": f"{texts[lang]}\n{url}",
                }
            )
        if invited:
            conn.execute(
                panels.update()
                .where(panels.c.id == panel_id, panels.c.status == "recruited")
                .values(status="running")
            )
    if panel["idea_id"] is not None and invited:
        _idea_moves(ctx, panel["idea_id"], "testing")
    draft = None
    if source and invited:
        from escucha.engage.drafts import create_post_draft

        lang = next(iter(texts))
        draft = create_post_draft(ctx, source, "tester_call", texts[lang], by=by, now=now)
    return {
        "panel_id": panel_id,
        "invited": invited,
        "left_out": left_out,
        "guard": verdicts,
        "draft": draft,
    }


def _idea_moves(ctx: Context, idea_id: int, status: str) -> None:
    """The backlog's idea moves along: testing while the test runs, then completed (shipped) or
    declined."""
    from escucha.ideas.curation import set_status as set_idea_status

    set_idea_status(ctx, idea_id, status)
