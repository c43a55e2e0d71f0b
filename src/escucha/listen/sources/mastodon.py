"""Mastodon (Mastodon.py): hashtags, an account's posts, mentions of us, public/local timelines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from escucha.listen.dates import parse_date
from escucha.listen.http import AuthFailed, GuardedCalls, Retry, SourceError, check_public_host
from escucha.listen.sources.base import (
    InvalidRecord,
    Page,
    Rejected,
    Source,
    newest_first,
    option_list,
)
from escucha.listen.sources.text import html_to_text

PAGE_SIZE = 40  # Mastodon's maximum for timelines


class MastodonSource(Source):
    kind = "mastodon"
    target_option = "api_base_url"
    required_options = ("api_base_url",)
    credential_keys = ("access_token",)
    coverage = (
        "what the instance knows: hashtag and public timelines show posts that reached this "
        "instance, not the whole fediverse; mentions need an access token; no full-text search "
        "(Mastodon only searches posts the token's account interacted with, or opted-in posts); "
        "a first run reads back backfill_pages pages of 40 per stream"
    )

    def streams(self) -> list[str]:
        """The configured streams: hashtag:TAG, account:ACCT, mentions, public, local."""
        streams = [f"hashtag:{t.lstrip('#')}" for t in option_list(self.options, "hashtags")]
        streams += [f"account:{a.lstrip('@')}" for a in option_list(self.options, "accounts")]
        if self.options.get("mentions"):
            streams.append("mentions")
        for timeline in option_list(self.options, "timelines"):
            if timeline not in ("public", "local"):
                raise SourceError(f"{self.name}: timelines may be 'public' or 'local'")
            streams.append(timeline)
        if not streams:
            raise SourceError(
                f"{self.name}: set hashtags, accounts, mentions = true or timelines to listen to"
            )
        return streams

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        from mastodon import Mastodon

        streams = self.streams()
        base = str(self.options["api_base_url"]).rstrip("/")
        if not self.http_options.allow_private_networks:
            check_public_host(base, self.name)
        api = Mastodon(
            api_base_url=base,
            access_token=self.credentials.get("access_token"),
            ratelimit_method="throw",
            request_timeout=self.http_options.timeout,
            version_check_mode="none",
            user_agent="escucha",
        )
        call = GuardedCalls(self.name, self.http_options, _classifier(api, self.name), self.sleep)
        state = dict((cursor or {}).get("streams", {}))
        backfill = int(self.options.get("backfill_pages", 5))
        for stream in streams:
            listing = self._listing(api, call, stream)
            for batch, stream_state in newest_first(listing, state.get(stream), _id, backfill):
                state[stream] = stream_state
                page = Page(cursor={"streams": dict(state)})
                for entry in batch:
                    raw = _plain(entry)
                    status = raw.get("status") if stream == "mentions" else raw
                    if not status:
                        continue  # a notification of another type
                    try:
                        page.items.append(self._status_item(status))
                    except (InvalidRecord, KeyError, TypeError, ValueError) as exc:
                        page.rejected.append(Rejected(f"{base} {stream}", str(exc), raw))
                yield page

    def _listing(self, api, call: GuardedCalls, stream: str):
        kind, _, arg = stream.partition(":")
        account_id: list[Any] = []

        def fetch(since: str | None, max_id: str | None) -> list:
            page = {"since_id": since, "max_id": max_id, "limit": PAGE_SIZE}
            if kind == "hashtag":
                return call(lambda: api.timeline_hashtag(arg, **page))
            if kind == "account":
                if not account_id:
                    account_id.append(call(lambda: api.account_lookup(arg))["id"])
                return call(lambda: api.account_statuses(account_id[0], **page))
            if kind == "mentions":
                if not self.credentials.get("access_token"):
                    raise AuthFailed(f"{self.name}: mentions need an access token (see docs)")
                return call(lambda: api.notifications(types=["mention"], **page))
            return call(lambda: api.timeline_public(local=kind == "local", **page))

        return fetch

    def _status_item(self, status: dict):
        if status.get("reblog"):
            status = status["reblog"]
        text = html_to_text(status.get("content"))
        if status.get("spoiler_text"):
            text = f"{status['spoiler_text']}\n\n{text}"
        account = status.get("account") or {}
        return self.item(
            status["id"],
            text,
            status,
            created_at=parse_date(status.get("created_at")),
            author=account.get("acct"),
            author_name=account.get("display_name") or None,
            url=status.get("url") or status.get("uri"),
            lang=status.get("language"),
            parent_id=status.get("in_reply_to_id"),
        )


def _id(entry: Any) -> Any:
    return entry["id"]


def _plain(entry: Any) -> Any:
    """Mastodon.py's typed entities as plain data (dates as ISO text)."""
    if isinstance(entry, dict):
        return {str(k): _plain(v) for k, v in entry.items()}
    if isinstance(entry, list):
        return [_plain(v) for v in entry]
    if hasattr(entry, "isoformat"):
        return entry.isoformat()
    return entry


def _classifier(api, name: str):
    import time

    from mastodon import (
        MastodonAPIError,
        MastodonNetworkError,
        MastodonRatelimitError,
        MastodonServerError,
        MastodonUnauthorizedError,
    )

    def classify(exc: Exception) -> Exception | None:
        if isinstance(exc, MastodonRatelimitError):
            reset = api.ratelimit_reset
            return Retry("rate limited (429)", max(0.0, reset - time.time()) if reset else None)
        if isinstance(exc, MastodonServerError):
            return Retry(f"server error {exc.args[1] if len(exc.args) > 1 else ''}".strip())
        if isinstance(exc, MastodonNetworkError):
            return Retry(f"network error: {exc}")
        if isinstance(exc, MastodonUnauthorizedError) or (
            isinstance(exc, MastodonAPIError) and len(exc.args) > 1 and exc.args[1] == 403
        ):
            return AuthFailed(
                f"{name}: {api.api_base_url} refused the access token (401/403): it is missing, "
                "expired or lacks the read scope"
            )
        if isinstance(exc, MastodonAPIError) and "Could not parse response as JSON" in str(exc):
            return Retry("malformed JSON from the instance")
        if isinstance(exc, MastodonAPIError):
            status = exc.args[1] if len(exc.args) > 1 else "an error"
            return SourceError(f"{name}: {api.api_base_url} answered {status}")
        return None

    return classify
