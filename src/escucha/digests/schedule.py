"""The digests a workspace sends: adding, listing, removing, and the period each covers.

A daily digest covers the last whole UTC day before now, a weekly one the last whole week
(Monday to Sunday, UTC); each is compared with the period of the same length before it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, select

from escucha.core.context import Context
from escucha.core.timeutil import as_utc
from escucha.errors import NotFound, UserError
from escucha.insights.periods import Period
from escucha.store.schema import digests

EVERY = ("daily", "weekly")
CHANNELS = ("email", "webhook")
LANGS = ("es", "en")


@dataclass(frozen=True)
class Digest:
    id: int
    every: str  # daily | weekly
    channel: str  # email | webhook
    target: str  # the address, or the webhook's URL
    lang: str
    brand: str | None
    created_at: datetime
    created_by: str

    @property
    def shown_target(self) -> str:
        """The target as lists show it: an address whole, a URL without its path's secrets
        (scheme, host and port only: webhook URLs often carry a token)."""
        if self.channel == "email":
            return self.target
        parts = urlsplit(self.target)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"

    def to_json(self) -> dict:
        found = asdict(self)
        found["target"] = self.shown_target
        found["created_at"] = self.created_at.isoformat()
        return found


def parse_target(text: str) -> tuple[str, str]:
    """`email:ADDRESS` or `webhook:URL` -> (channel, target); one line naming the form if not."""
    channel, sep, target = text.strip().partition(":")
    target = target.strip()
    if not sep or channel not in CHANNELS or not target:
        raise UserError(f"--to {text[:80]!r}: write email:ADDRESS or webhook:URL")
    if channel == "email":
        from escucha.community.handles import email_key

        try:
            email_key(target)
        except ValueError:
            raise UserError(f"--to: {target[:80]!r} is not an email address") from None
    else:
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError("--to webhook:URL needs an http(s) URL")
    return channel, target


def add_digest(
    ctx: Context,
    every: str,
    to: str,
    *,
    lang: str = "en",
    brand: str | None = None,
    by: str = "cli",
    now: datetime | None = None,
) -> Digest:
    """Store a digest; errors name the option at fault."""
    if every not in EVERY:
        raise UserError(f"--every {every[:20]!r}: choose daily or weekly")
    if lang not in LANGS:
        raise UserError(f"--lang {lang[:20]!r}: choose es or en")
    channel, target = parse_target(to)
    if brand is not None:
        names = [b.name for b in ctx.config.brands]
        found = next((n for n in names if n.casefold() == brand.strip().casefold()), None)
        if found is None:
            known = ", ".join(names)
            raise UserError(f"--brand {brand[:80]!r}: not a brand of this workspace ({known})")
        brand = found
    row = {
        "every": every,
        "channel": channel,
        "target": target,
        "lang": lang,
        "brand": brand,
        "created_at": now or datetime.now(UTC),
        "created_by": by,
    }
    with ctx.engine.begin() as conn:
        new_id = conn.execute(insert(digests).values(row).returning(digests.c.id)).scalar_one()
    return get_digest(ctx, new_id)


def _digest(row: object) -> Digest:
    fields = dict(row._mapping)  # type: ignore[attr-defined]
    fields["created_at"] = as_utc(fields["created_at"])
    return Digest(**fields)


def list_digests(ctx: Context) -> list[Digest]:
    with ctx.engine.connect() as conn:
        return [_digest(r) for r in conn.execute(select(digests).order_by(digests.c.id))]


def get_digest(ctx: Context, digest_id: int) -> Digest:
    with ctx.engine.connect() as conn:
        row = conn.execute(select(digests).where(digests.c.id == digest_id)).first()
    if row is None:
        raise NotFound(f"no digest #{digest_id}; see 'escucha digests list'")
    return _digest(row)


def remove_digest(ctx: Context, digest_id: int) -> None:
    """Remove a digest and its sent-log."""
    from escucha.store.schema import digest_sends

    with ctx.engine.begin() as conn:
        conn.execute(delete(digest_sends).where(digest_sends.c.digest_id == digest_id))
        if not conn.execute(delete(digests).where(digests.c.id == digest_id)).rowcount:
            raise NotFound(f"no digest #{digest_id}; see 'escucha digests list'")


def period_for(every: str, now: datetime) -> Period:
    """The last whole period before `now`: yesterday (UTC), or last Monday-to-Sunday week."""
    moment = as_utc(now)
    assert moment is not None
    today: date = moment.date()
    if every == "daily":
        day = today - timedelta(days=1)
        return Period(day, day)
    monday = today - timedelta(days=today.weekday())
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))
