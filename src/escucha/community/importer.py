"""`escucha contacts import FILE`: people from a CSV or JSON Lines file.

Columns: `name`, `email` (several separated by `;`), `handle:<platform>`, `lang`, `country`,
`consent` (yes / no / empty), `opted_out` (true / false / empty); any other column is an
attribute. `--map FIELD=COLUMN` names a column the file calls otherwise.

A row joins the contact that already holds one of its emails or handles, else it makes a new
contact. A row that would set a value an earlier row of the file set differently for the
same contact is rejected (a person decides), as is a row with a malformed email or handle or
an unknown platform, or a `connection` other than employee, gifted, paid, affiliate or none
(case-insensitive; stored lower-cased); rejected rows go to a rejects file with their line
and reason, as for `escucha import`. A row naming handles of two contacts already known
(two authors seen separately) is evidence for a merge a person decides on (`escucha
contacts suggest`).
Re-importing the same file changes nothing: values already held are not written again, and
a consent answer is recorded again only when it changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select, update

from escucha.community.connections import ATTRIBUTE as CONNECTION
from escucha.community.connections import MATERIAL
from escucha.community.handles import CONNECTOR_PLATFORMS, email_key, handle_key
from escucha.community.views import CONSENT_PURPOSE
from escucha.core.context import Context
from escucha.core.items import Rejected
from escucha.errors import UserError
from escucha.listen.files import SourceFile
from escucha.store.erased import any_erased, digest, erased_digests, erasure_salt
from escucha.store.schema import (
    authors,
    consent_records,
    contact_attributes,
    contact_emails,
    contact_identities,
    contacts,
    merge_evidence,
)

FIELDS = ("name", "email", "lang", "country", "consent", "opted_out")
HANDLE_PREFIX = "handle:"
BATCH_SIZE = 2000
YES, NO = ("yes", "y", "true", "1", "si", "sí"), ("no", "n", "false", "0")
CONNECTIONS = (*MATERIAL, "none")  # a contact's `connection` attribute (docs/community.md)
ROW_EVIDENCE_CONFIDENCE = 0.8


@dataclass
class ContactsImport:
    path: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_path: str | None = None
    suggested: int = 0


@dataclass
class _Row:
    line: int
    name: str | None
    emails: dict[str, str]  # key -> as written
    handles: dict[tuple[str, str], str]  # (platform, key) -> as written
    lang: str | None
    country: str | None
    consent: bool | None
    opted_out: bool
    attributes: dict[str, str] = field(default_factory=dict)
    raw: object = None  # the record as read, for the rejects file

    def values(self) -> dict[str, str]:
        """The values this row sets, compared with other rows of the file for one contact."""
        out = {k: v for k, v in (("name", self.name), ("lang", self.lang),
                                 ("country", self.country)) if v}  # fmt: skip
        if self.consent is not None:
            out["consent"] = "yes" if self.consent else "no"
        out.update({f"attribute {k!r}": v for k, v in self.attributes.items()})
        return out


def _text(value: object) -> str:
    """A cell as text; a JSON list (several emails or handles) joined with `;`."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    return (value if isinstance(value, str) else str(value)).strip()


def _flag(value: str, column: str, allowed: tuple[tuple[str, ...], tuple[str, ...]]) -> bool | None:
    lowered = value.lower()
    if not lowered:
        return None
    if lowered in allowed[0]:
        return True
    if lowered in allowed[1]:
        return False
    raise ValueError(f"column {column!r}: {value[:40]!r} is not yes / no")


def _connection(value: str, column: str) -> str:
    lowered = value.lower()
    if lowered not in CONNECTIONS:
        raise ValueError(
            f"column {column!r}: {value[:40]!r} is not a connection; "
            f"connections are {', '.join(CONNECTIONS)}"
        )
    return lowered


class _Columns:
    """Which column of the file holds which field."""

    def __init__(
        self,
        columns: list[str],
        explicit: Mapping[str, str],
        platforms: set[str],
        strict: bool = True,
    ):
        """`strict`: the file's first record, whose columns must fit --map and identify a
        contact; a later JSON Lines record with other keys is read as far as it goes."""
        unknown = [f for f in explicit if f not in FIELDS and not f.startswith(HANDLE_PREFIX)]
        if unknown:
            raise UserError(
                f"--map: unknown field {unknown[0]!r}; fields are {', '.join(FIELDS)} and "
                "handle:PLATFORM"
            )
        missing = [c for c in explicit.values() if c not in columns]
        if missing and strict:
            raise UserError(
                f"--map names column {missing[0]!r}, which the file does not have "
                f"(columns: {', '.join(columns)})"
            )
        self.fields = {f: c for f, c in explicit.items() if c in columns}
        lowered = {c.strip().lower(): c for c in columns}
        for fld in FIELDS:
            if fld not in self.fields and fld in lowered:
                self.fields[fld] = lowered[fld]
        for column in columns:
            name = column.strip().lower()
            if name.startswith(HANDLE_PREFIX) and name not in self.fields:
                self.fields[name] = column
        self.handles = {
            f.removeprefix(HANDLE_PREFIX).strip(): c
            for f, c in self.fields.items()
            if f.startswith(HANDLE_PREFIX)
        }
        self.unknown_platforms = sorted(p for p in self.handles if p not in platforms)
        used = set(self.fields.values())
        self.attributes = [c for c in columns if c not in used and c != "__raw_line__"]
        if strict and "email" not in self.fields and not self.handles:
            raise UserError(
                f"no email or handle:PLATFORM column among {', '.join(columns)}; "
                "name one with --map email=COLUMN"
            )

    def parse(self, line: int, record: dict) -> _Row:
        def get(fld: str) -> str:
            column = self.fields.get(fld)
            return _text(record.get(column)) if column else ""

        emails: dict[str, str] = {}
        for written in get("email").split(";"):
            if written.strip():
                emails.setdefault(email_key(written), written.strip())
        handles: dict[tuple[str, str], str] = {}
        for platform, column in self.handles.items():
            value = _text(record.get(column))
            if not value:
                continue
            if platform in self.unknown_platforms:
                raise ValueError(f"unknown platform {platform!r} in column {column!r}")
            for written in value.split(";"):
                if written.strip():
                    handles.setdefault((platform, handle_key(platform, written)), written.strip())
        if not emails and not handles:
            raise ValueError("no email or handle to identify the contact")
        name, lang, country = get("name"), get("lang"), get("country")
        if len(name) > 255:
            raise ValueError("name is longer than 255 characters")
        if len(lang) > 16 or len(country) > 64:
            raise ValueError("lang or country is too long")
        attributes = {}
        for column in self.attributes:
            value = _text(record.get(column))
            if not value:
                continue
            if column.strip().lower() == CONNECTION:
                attributes[CONNECTION] = _connection(value, column)
            else:
                attributes[column.strip()[:128]] = value
        return _Row(
            line=line,
            name=name or None,
            emails=emails,
            handles=handles,
            lang=lang.lower() or None,
            country=country.upper() or None,
            consent=_flag(get("consent"), self.fields.get("consent", "consent"), (YES, NO)),
            opted_out=bool(_flag(get("opted_out"), self.fields.get("opted_out", "opted_out"),
                                 (YES, NO))),
            attributes=attributes,
        )  # fmt: skip


def known_platforms(conn: Connection) -> set[str]:
    """The connectors' platforms and every platform an author was seen on (file sources)."""
    return set(CONNECTOR_PLATFORMS) | set(conn.scalars(select(authors.c.platform).distinct()))


def _digest(values: Mapping[str, str]) -> dict[str, str]:
    return {k: hashlib.blake2b(v.encode(), digest_size=8).hexdigest() for k, v in values.items()}


def import_contacts(
    ctx: Context,
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    rejects_dir: Path,
    consent_text_version: str = "unspecified",
) -> ContactsImport:
    """Import a contact file; every row is applied, found unchanged, or rejected."""
    from escucha.community.build import build_contacts
    from escucha.community.merge import merge_automatically

    build_contacts(ctx)  # handles already seen as authors are found, not doubled
    src = SourceFile(path)
    result = ContactsImport(str(path))
    rejects_dir.mkdir(parents=True, exist_ok=True)
    stem = path.name.split(".")[0] or "contacts"
    rejects_path = rejects_dir / f"contacts-{stem}.rejects.jsonl"
    rejects_file = None
    columns: _Columns | None = None
    by_keys: dict[tuple[str, ...], _Columns] = {}
    seen: dict[int, tuple[int, dict[str, str]]] = {}  # contact -> (line, its values' digests)
    batch: list[_Row] = []
    now = datetime.now(UTC)

    def reject(line: int, reason: str, raw: object) -> None:
        nonlocal rejects_file
        if rejects_file is None:
            rejects_file = rejects_path.open("w", encoding="utf-8")
        shown = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        entry = {"line": line, "reason": reason, "record": shown[:2000]}
        rejects_file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        result.rejected += 1

    def flush() -> None:
        with ctx.engine.begin() as conn:
            for row in batch:
                _apply(conn, row, result, seen, reject, str(path), consent_text_version, now, salt)
        batch.clear()

    try:
        with ctx.engine.connect() as conn:
            platforms = known_platforms(conn)
            salt = (erasure_salt(conn) or "") if any_erased(conn) else None
        for line, record in src.records():
            result.rows += 1
            if isinstance(record, Rejected):
                reject(line, record.reason, record.raw)
                continue
            raw_line = record.pop("__raw_line__", None)
            keys = tuple(record)
            if columns is None:
                columns = by_keys[keys] = _Columns(list(keys), mapping or {}, platforms)
            elif keys not in by_keys:
                by_keys[keys] = _Columns(list(keys), mapping or {}, platforms, strict=False)
            raw = raw_line if raw_line is not None else dict(record)
            try:
                parsed = by_keys[keys].parse(line, record)
            except ValueError as exc:
                reject(line, str(exc), raw)
                continue
            parsed.raw = raw
            batch.append(parsed)
            if len(batch) >= BATCH_SIZE:
                flush()
        flush()
        if columns is None and result.rejected == 0:
            raise UserError(f"{path}: the file has a header but no rows")
    finally:
        if rejects_file is not None:
            rejects_file.close()
        src.close()
    result.rejects_path = str(rejects_path) if result.rejected else None
    build_contacts(ctx)
    merge_automatically(ctx)  # the file's emails and handles may join known contacts
    return result


def _find(conn: Connection, row: _Row) -> list[int]:
    """Contacts holding one of the row's emails or handles, emails first, oldest first."""
    found: list[int] = []
    if row.emails:
        found += conn.scalars(
            select(contact_emails.c.contact_id)
            .where(contact_emails.c.email_key.in_(list(row.emails)))
            .order_by(contact_emails.c.contact_id)
        )
    for platform, key in row.handles:
        found += conn.scalars(
            select(contact_identities.c.contact_id)
            .where(
                contact_identities.c.platform == platform, contact_identities.c.handle_key == key
            )
            .order_by(contact_identities.c.contact_id)
        )
    return list(dict.fromkeys(found))


def _forgotten(conn: Connection, row: _Row, salt: str | None) -> bool:
    """Whether the row names a person who asked to be forgotten (`salt`: None when nobody
    was ever forgotten)."""
    if salt is None:
        return False
    wanted = {digest(salt, "email", key) for key in row.emails}
    wanted |= {digest(salt, "handle", platform, key) for platform, key in row.handles}
    return bool(erased_digests(conn, wanted))


def _apply(
    conn: Connection,
    row: _Row,
    result: ContactsImport,
    seen: dict[int, tuple[int, dict[str, str]]],
    reject: Callable[[int, str, object], None],
    origin: str,
    consent_version: str,
    now: datetime,
    salt: str | None,
) -> None:
    if _forgotten(conn, row, salt):
        reject(row.line, "this person asked to be forgotten; the row is not stored", row.raw)
        return
    matched = _find(conn, row)
    digests = _digest(row.values())
    if matched:
        contact_id = matched[0]
        earlier = seen.get(contact_id)
        if earlier is not None:
            line, held = earlier
            clash = next((k for k, v in digests.items() if k in held and held[k] != v), None)
            if clash is not None:
                reject(
                    row.line,
                    f"conflicts with line {line} for the same contact: a different {clash}",
                    row.raw,
                )
                return
            seen[contact_id] = (line, {**held, **digests})
        else:
            seen[contact_id] = (row.line, digests)
        changed = _update(conn, contact_id, row, origin, consent_version, now)
        for other in matched[1:]:
            a, b = sorted((contact_id, other))
            result.suggested += _evidence(conn, a, b, row.line, origin, now)
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1
        return
    contact_id = conn.execute(
        insert(contacts).returning(contacts.c.id),
        {
            "name": row.name,
            "lang": row.lang,
            "country": row.country,
            "opted_out": row.opted_out,
            "opted_out_at": now if row.opted_out else None,
            "created_at": now,
        },
    ).scalar_one()
    seen[contact_id] = (row.line, digests)
    _update(conn, contact_id, row, origin, consent_version, now, fresh=True)
    result.created += 1


def _evidence(conn: Connection, a: int, b: int, line: int, origin: str, now: datetime) -> int:
    reason = f"listed together in a contact file ({Path(origin).name})"
    exists = conn.scalar(
        select(merge_evidence.c.id).where(
            merge_evidence.c.contact_a == a,
            merge_evidence.c.contact_b == b,
            merge_evidence.c.reason == reason,
        )
    )
    if exists:
        return 0
    conn.execute(
        insert(merge_evidence).values(
            contact_a=a,
            contact_b=b,
            reason=reason,
            confidence=ROW_EVIDENCE_CONFIDENCE,
            status="open",
            created_at=now,
        )
    )
    return 1


def _update(
    conn: Connection,
    contact_id: int,
    row: _Row,
    origin: str,
    consent_version: str,
    now: datetime,
    fresh: bool = False,
) -> bool:
    """Bring the contact up to the row; return whether anything changed. A `fresh` contact
    (just created from the row) holds nothing yet, so nothing is read back."""
    if fresh:
        _add_fresh(conn, contact_id, row, origin, consent_version, now)
        return True
    changed = False
    current = conn.execute(select(contacts).where(contacts.c.id == contact_id)).one()
    values: dict[str, object] = {
        k: v
        for k, v in (("name", row.name), ("lang", row.lang), ("country", row.country))
        if v and getattr(current, k) != v
    }
    if row.opted_out and not current.opted_out:  # an import never lifts an opt-out
        values.update(opted_out=True, opted_out_at=now)
    if values:
        conn.execute(update(contacts).where(contacts.c.id == contact_id).values(**values))
        changed = True
    held = set(
        conn.scalars(select(contact_emails.c.email_key).where(
            contact_emails.c.contact_id == contact_id))
    )  # fmt: skip
    new_emails = [
        {"contact_id": contact_id, "email": written, "email_key": key}
        for key, written in row.emails.items()
        if key not in held
    ]
    if new_emails:
        conn.execute(insert(contact_emails), new_emails)
        changed = True
    for (platform, key), written in row.handles.items():
        owner = conn.scalar(
            select(contact_identities.c.contact_id).where(
                contact_identities.c.platform == platform, contact_identities.c.handle_key == key
            )
        )
        if owner is None:
            conn.execute(
                insert(contact_identities).values(
                    contact_id=contact_id,
                    platform=platform,
                    handle=written,
                    handle_key=key,
                    origin="import",
                    created_at=now,
                )
            )
            changed = True
    attributes = dict(
        conn.execute(
            select(contact_attributes.c.name, contact_attributes.c.value).where(
                contact_attributes.c.contact_id == contact_id
            )
        ).all()
    )
    for name, value in row.attributes.items():
        if name not in attributes:
            conn.execute(
                insert(contact_attributes).values(contact_id=contact_id, name=name, value=value)
            )
            changed = True
        elif attributes[name] != value:
            conn.execute(
                update(contact_attributes)
                .where(
                    contact_attributes.c.contact_id == contact_id,
                    contact_attributes.c.name == name,
                )
                .values(value=value)
            )
            changed = True
    if row.consent is not None:
        last = conn.scalar(
            select(consent_records.c.granted)
            .where(
                consent_records.c.contact_id == contact_id,
                consent_records.c.purpose == CONSENT_PURPOSE,
            )
            .order_by(consent_records.c.recorded_at.desc(), consent_records.c.id.desc())
            .limit(1)
        )
        if last is None or bool(last) != row.consent:
            _record_consent(conn, contact_id, row.consent, origin, consent_version, now)
            changed = True
    return changed


def _add_fresh(
    conn: Connection, contact_id: int, row: _Row, origin: str, consent_version: str, now: datetime
) -> None:
    if row.emails:
        conn.execute(
            insert(contact_emails),
            [{"contact_id": contact_id, "email": w, "email_key": k} for k, w in row.emails.items()],
        )
    if row.handles:  # none of them is held: the row matched no contact
        conn.execute(
            insert(contact_identities),
            [
                {"contact_id": contact_id, "platform": platform, "handle": written,
                 "handle_key": key, "origin": "import", "created_at": now}
                for (platform, key), written in row.handles.items()
            ],
        )  # fmt: skip
    if row.attributes:
        conn.execute(
            insert(contact_attributes),
            [{"contact_id": contact_id, "name": n, "value": v} for n, v in row.attributes.items()],
        )
    if row.consent is not None:
        _record_consent(conn, contact_id, row.consent, origin, consent_version, now)


def _record_consent(
    conn: Connection,
    contact_id: int,
    granted: bool,
    origin: str,
    consent_version: str,
    now: datetime,
) -> None:
    """A consent (or refusal) a contact file states, with the file it came from."""
    conn.execute(
        insert(consent_records).values(
            contact_id=contact_id,
            purpose=CONSENT_PURPOSE,
            granted=granted,
            recorded_at=now,
            channel="import",
            text_version=consent_version,
            source=Path(origin).name[:255],
        )
    )
