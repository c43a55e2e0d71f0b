"""Emailing invitations with a personal link, each person once, through a sent-log.

The survey invitations (research/sending.py) and the product-test invitations
(panels/sending.py) each choose who is invited, why one is skipped, and claim a row of their
sent-log making the link their own way; the rest is the same for both and is here: the text
and the link as plain text and HTML, through the SMTP settings of the digests (deliver.py),
with a Message-ID the same on every attempt. A refusal marks the row `failed`, the address
taken out of the error; an acceptance marks it `sent` and forgets the link's nonce (the
table's `link_nonce`), so nothing in the store can make the token again.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.store.sentlog import SentLog

if TYPE_CHECKING:
    from escucha.digests.deliver import DigestSettings


@dataclass(frozen=True)
class Letter:
    """One claimed invitation: its sent-log row, the address, subject, text, the personal
    link and the Message-ID's left part."""

    row_id: int
    to: str
    subject: str
    text: str
    url: str
    key: str


def mark_sent(ctx: Context, sends: SentLog, row_id: int) -> None:
    """The server accepted the message: the row is done and its link's nonce forgotten."""
    sends.mark_sent(ctx.engine, row_id, link_nonce=None)


def send_letter(
    ctx: Context, sends: SentLog, settings: DigestSettings, letter: Letter
) -> str | None:
    """Email `letter` as the attempt holding its row of `sends`: None once sent, else the SMTP
    server's refusal without the address."""
    from escucha.digests import deliver

    shown = html.escape(letter.url)
    body = f'<p>{html.escape(letter.text)}</p>\n<p><a href="{shown}">{shown}</a></p>'
    plain = f"{letter.text}\n\n{letter.url}\n"

    def hide(error: str) -> str:
        return error.replace(letter.to, "***")

    try:
        with sends.failures(ctx.engine, letter.row_id, deliver.DeliveryError, redact=hide):
            deliver.send_email(ctx.path, settings, letter.to, letter.subject, plain, body,
                               letter.key)  # fmt: skip
            mark_sent(ctx, sends, letter.row_id)
    except deliver.DeliveryError as exc:
        return hide(str(exc))[:2000]
    return None


def send_each(
    ctx: Context,
    sends: SentLog,
    rows: Iterable[sa.Row],
    *,
    skip_reason: Callable[[sa.Row], str | None],
    claim: Callable[[sa.Row], Letter | None],
    log: logging.Logger,
    about: tuple[str, str],
) -> dict:
    """Email each invited row (with `contact_id` and its sent-log's `send_status`) once; the
    contacts `sent`, `already_sent`, `in_progress` (`claim` found the row held by another
    attempt), `failed` (the server refused: tried again by the next run) and `skipped` (with
    `skip_reason`'s reason). The log names a row by contact id only, as `about`'s person and
    occasion ("tester", "panel 3")."""
    from escucha.digests.deliver import digest_settings

    settings = digest_settings(ctx.config.extra)  # a wrong [digests] table stops here
    who, where = about
    out: dict = {"sent": [], "already_sent": [], "in_progress": [], "failed": [], "skipped": []}
    for row in rows:
        contact = row.contact_id
        if row.send_status == "sent":
            out["already_sent"].append(contact)
            continue
        reason = skip_reason(row)
        if reason is not None:
            out["skipped"].append({"contact_id": contact, "reason": reason})
            continue
        letter = claim(row)
        if letter is None:
            out["in_progress"].append(contact)
            continue
        error = send_letter(ctx, sends, settings, letter)
        if error is not None:
            log.warning("invitation to %s %s (%s) failed: %s", who, contact, where, error)
            out["failed"].append({"contact_id": contact, "error": error})
            continue
        log.info("invitation to %s %s (%s) sent", who, contact, where)
        out["sent"].append(contact)
    return out
