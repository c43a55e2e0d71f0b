"""What `--segment` names: a saved segment, `all`, the contacts' own fields, or a query over
their posts.

- a saved segment's name (`escucha segments create`): its members, opted-out ones never;
- `all` (or `*`): every contact;
- contact filters only, separated by spaces (an `AND` between them is allowed):
  `lang:es`, `country:ES`, `NAME=VALUE` (a contact attribute), e.g. `lang:es age=18-34`;
- anything else is a query in the query language over the contacts' posts
  (docs/query-language.md): a contact is in when one of their posts matches.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import UserError

_CONTACT_FIELD = re.compile(
    r"^(lang|country):([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*)$", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"^([A-Za-z_][\w.-]{0,127})=(\S{1,255})$")


def contact_filters(text: str) -> dict | None:
    """{"lang", "country", "attributes"} when `text` is contact filters only, else None."""
    tokens = [t for t in text.split() if t.upper() != "AND"]
    if not tokens:
        return None
    found: dict = {"lang": None, "country": None, "attributes": {}}
    for token in tokens:
        field = _CONTACT_FIELD.match(token)
        attribute = _ATTRIBUTE.match(token)
        if field:
            name = field.group(1).lower()
            if found[name] is not None:
                raise UserError(f"--segment: {name} is given twice")
            value = field.group(2)
            found[name] = value.lower() if name == "lang" else value.upper()
        elif attribute:
            found["attributes"][attribute.group(1)] = attribute.group(2)
        else:
            return None
    return found


def _saved(ctx: Context, name: str) -> bool:
    from escucha.store.schema import segments

    with ctx.engine.connect() as conn:
        return conn.scalar(sa.select(segments.c.id).where(segments.c.name == name)) is not None


def check_segment(ctx: Context, segment: str) -> None:
    """Refuse a segment that is none of the above (a query's syntax error points at it)."""
    if segment.lower() in ("all", "*") or _saved(ctx, segment) or contact_filters(segment):
        return
    from escucha.query import parse

    parse(segment)


def segment_contacts(ctx: Context, segment: str) -> list[dict]:
    """The contacts the segment names, as `community.views.list_contacts` gives them."""
    from escucha.community.segments import _query_members, segment_members
    from escucha.community.views import list_contacts

    if _saved(ctx, segment):
        return segment_members(ctx, segment)
    if segment.lower() in ("all", "*"):
        return list_contacts(ctx)
    filters = contact_filters(segment)
    if filters is None:
        return list_contacts(ctx, ids=_query_members(ctx, segment))
    # attribute names and values as the contact file wrote them, compared without case
    found = list_contacts(ctx, lang=filters["lang"], country=filters["country"])
    wanted = {k.lower(): v.casefold() for k, v in filters["attributes"].items()}
    return [
        c
        for c in found
        if all(
            str({n.lower(): v for n, v in c["attributes"].items()}.get(k, "")).casefold() == v
            for k, v in wanted.items()
        )
    ]
