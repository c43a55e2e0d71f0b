"""Material connections to the brand, recorded on contacts.

A contact's connection is its `connection` attribute (a `connection` column in a contact file,
docs/community.md): `employee`, `gifted` (got the product free, testers included), `paid` or
`affiliate`. Any other value is not a material connection and is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from escucha.core.context import Context
from escucha.store.schema import contact_attributes, contact_identities

ATTRIBUTE = "connection"
MATERIAL = ("employee", "gifted", "paid", "affiliate")


@dataclass(frozen=True, slots=True)
class Connected:
    contact_id: int
    connection: str


def connected_authors(ctx: Context) -> dict[int, Connected]:
    """The authors (by id) whose contact has a material connection to the brand."""
    query = (
        select(
            contact_identities.c.author_id,
            contact_attributes.c.contact_id,
            contact_attributes.c.value,
        )
        .select_from(
            contact_attributes.join(
                contact_identities,
                contact_identities.c.contact_id == contact_attributes.c.contact_id,
            )
        )
        .where(contact_attributes.c.name == ATTRIBUTE, contact_identities.c.author_id.is_not(None))
    )
    with ctx.engine.connect() as conn:
        rows = conn.execute(query).all()
    found = {}
    for author_id, contact_id, value in rows:
        connection = value.strip().lower()
        if connection in MATERIAL:
            found[author_id] = Connected(contact_id, connection)
    return found
