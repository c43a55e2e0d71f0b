"""The HTTP client every web source uses: retries, rate limits, size caps, SSRF guard, budget.

One `RetryPolicy` decides when to wait and retry, for httpx requests and for SDK calls alike
(sources built on an SDK translate its exceptions into `Retry` and `AuthFailed`), and one
`status_error` maps an HTTP status to escucha's errors for every source.
"""

from __future__ import annotations

import ipaddress
import json
import random
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, urljoin, urlsplit

from escucha.errors import UserError
from escucha.logredact import redact_http_logs

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")
USER_AGENT = "escucha/0.1 (+https://github.com/escucha; social listening)"


class SourceError(UserError):
    """A source failed in a way retrying will not fix; the message names the source."""


class AuthFailed(SourceError):
    """The source refused our credentials (expired, revoked or missing)."""


class NotFound(SourceError):
    """The server has no such resource (404 or 410): gone, or never there."""


class BudgetExhausted(SourceError):
    """This run spent its request budget for the source; the next run goes on from the cursor."""


class Retry(Exception):
    """A transient failure: wait (at least `delay` seconds, if the server said so) and retry."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


@dataclass(frozen=True)
class HttpOptions:
    """Per-source limits, read from the source's config keys of the same names."""

    timeout: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    max_retries: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    max_wait: float = 900.0  # a rate limit longer than this fails the run instead of waiting
    request_budget: int = 1000
    allow_private_networks: bool = False

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> HttpOptions:
        values = {}
        for name, default in cls.__dataclass_fields__.items():
            if name in options:
                kind: Any = type(default.default)
                value = options[name]
                if kind is bool:
                    if not isinstance(value, bool):
                        raise UserError(f"source option '{name}' must be true or false")
                else:
                    try:
                        value = kind(value)
                    except (TypeError, ValueError):
                        raise UserError(f"source option '{name}' must be a number") from None
                values[name] = value
        return cls(**values)


def rate_limit_delay(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait as the server asked: Retry-After, X-RateLimit-Reset or RateLimit-Reset.

    Reset values are read as an epoch time when large, as seconds from now when small, or as
    a date (Mastodon sends ISO 8601).
    """
    now = time.time() if now is None else now
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in ("retry-after", "x-ratelimit-reset", "ratelimit-reset"):
        value = lowered.get(name)
        if value is None:
            continue
        value = value.strip()
        try:
            number = float(value)
        except ValueError:
            when = _parse_http_or_iso_date(value)
            if when is not None:
                return max(0.0, when - now)
            continue
        if name != "retry-after" and number > 1e9:
            return max(0.0, number - now)
        return max(0.0, number)
    return None


def _parse_http_or_iso_date(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


class RetryPolicy:
    """Exponential backoff with full jitter; a server's own delay wins when it gives one."""

    def __init__(
        self,
        source: str,
        options: HttpOptions,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.source = source
        self.options = options
        self.sleep = sleep
        self.rng = rng or random.Random()

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.options.backoff_cap, self.options.backoff_base * 2**attempt)
        return self.rng.uniform(0, ceiling)

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn`, retrying on `Retry`; after the last attempt, one clear `SourceError`."""
        attempt = 0
        while True:
            try:
                return fn()
            except Retry as exc:
                if attempt >= self.options.max_retries:
                    raise SourceError(
                        f"{self.source}: {exc.reason} (gave up after {attempt + 1} attempts)"
                    ) from None
                delay = exc.delay if exc.delay is not None else self.backoff(attempt)
                if delay > self.options.max_wait:
                    raise SourceError(
                        f"{self.source}: {exc.reason}; the server asks to wait {delay:.0f} s, "
                        f"more than max_wait ({self.options.max_wait:.0f} s)"
                    ) from None
                self.sleep(delay)
                attempt += 1


class GuardedCalls:
    """Budget and retries for SDK calls; `classify` turns an SDK exception into ours (or None)."""

    def __init__(
        self,
        source: str,
        options: HttpOptions,
        classify: Callable[[Exception], Exception | None],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self.options = options
        self.classify = classify
        self.policy = RetryPolicy(source, options, sleep)
        self.requests = 0

    def __call__(self, fn: Callable[[], T]) -> T:
        def attempt() -> T:
            spend(self, self.options.request_budget)
            try:
                return fn()
            except Exception as exc:
                mapped = self.classify(exc)
                if mapped is None:
                    raise
                raise mapped from None

        return self.policy.call(attempt)

    def once(self, fn: Callable[[], T]) -> T:
        """One SDK call that changes something: counted and classified, never retried here."""
        spend(self, self.options.request_budget)
        try:
            return fn()
        except Exception as exc:
            mapped = self.classify(exc)
            if mapped is None:
                raise
            raise mapped from None


def spend(counter: HttpClient | GuardedCalls, budget: int) -> None:
    """Count one request against the run's budget."""
    if counter.requests >= budget:
        raise BudgetExhausted(f"{counter.source}: request budget of {budget} spent for this run")
    counter.requests += 1


WEB_SCHEMES = ("http", "https")
STREAM_SCHEMES = ("http", "https", "ws", "wss")


def check_url(url: str, where: str, schemes: tuple[str, ...] = WEB_SCHEMES) -> SplitResult:
    """The parts of a well-formed URL with one of `schemes`, a host and a valid port; else a
    SourceError of one line (no file://, ftp:// or gopher://; no port 0 or 99999)."""
    try:
        parts = urlsplit(url)
        port, host = parts.port, parts.hostname
    except ValueError as exc:
        raise SourceError(f"{where}: {url!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise SourceError(f"{where}: only {allowed} URLs are allowed, not {url!r}")
    if not host or any(c.isspace() or ord(c) < 32 for c in url):
        raise SourceError(f"{where}: {url!r} has no valid host")
    if port == 0:
        raise SourceError(f"{where}: {url!r} has port 0")
    return parts


def check_public_host(url: str, source: str) -> None:
    """Refuse URLs whose host resolves to a private, loopback, link-local or reserved address.

    The check runs before every request and every redirect hop. It cannot stop a DNS server
    that answers differently a moment later (rebinding); docs/connectors.md says so.
    """
    parts = check_url(url, source)
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise SourceError(f"{source}: cannot resolve {host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise SourceError(
                f"{source}: {host} resolves to {address}, a private or reserved address; "
                "set allow_private_networks = true in the source's config to allow it"
            )


class HttpClient:
    """GET with every safeguard; one client per source per run (the budget is per run)."""

    def __init__(
        self,
        source: str,
        options: HttpOptions | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx

        self.source = source
        self.options = options or HttpOptions()
        self.policy = RetryPolicy(source, self.options, sleep)
        self.requests = 0
        self._secret_headers = {k.lower() for k in (headers or {})}
        redact_http_logs()
        self._client = httpx.Client(
            timeout=self.options.timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """A GET that follows capped redirects; 304 is returned, other non-2xx raise."""
        return self.policy.call(lambda: self._attempt(url, params, headers))

    def get_json(
        self, url: str, *, params: Mapping[str, Any] | list[tuple[str, Any]] | None = None
    ) -> Any:
        """A GET whose body must be JSON; a malformed body is retried like a server error."""

        def attempt() -> Any:
            response = self._attempt(url, params, None)
            try:
                return json.loads(response.content)
            except ValueError as exc:
                raise Retry(f"malformed JSON from {_shown(response.url)}: {exc}") from None

        return self.policy.call(attempt)

    def send_once(
        self,
        method: str,
        url: str,
        *,
        json_body: Mapping[str, Any] | None = None,
    ) -> Any:
        """One request that changes something, never retried here: its JSON answer.

        A timeout, a lost connection or a 5xx leaves the outcome unknown; they raise `Retry`
        for the caller, which looks for what it sent before sending it again.
        """
        import httpx

        url_shown = _shown(url)
        if not self.options.allow_private_networks:
            check_public_host(url, self.source)
        spend(self, self.options.request_budget)
        request = self._client.build_request(method, url, json=json_body)
        try:
            response = self._send(request)
        except httpx.TimeoutException:
            raise Retry(f"timed out sending to {url_shown}") from None
        except httpx.TransportError as exc:
            raise Retry(f"network error sending to {url_shown}: {exc}") from None
        try:
            answer = json.loads(response.content)
        except ValueError:
            answer = None
        status, detail = response.status_code, _error_detail(answer)
        refused = detail and 400 <= status < 500 and not retryable(status)
        says = {status: f"{url_shown} refused it ({status}): {detail}"} if refused else None
        error = status_error(self.source, status, url_shown, headers=response.headers, says=says)
        if error is not None:
            raise error
        if answer is None:
            raise Retry(f"malformed JSON from {url_shown}")
        return answer

    def _attempt(
        self,
        url: str,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        import httpx

        request = self._client.build_request("GET", url, params=params, headers=headers)
        origin = _origin(str(request.url))
        for _hop in range(self.options.max_redirects + 1):
            if not self.options.allow_private_networks:
                check_public_host(str(request.url), self.source)
            spend(self, self.options.request_budget)
            try:
                response = self._send(request)
            except httpx.TimeoutException:
                raise Retry(f"timed out fetching {_shown(request.url)}") from None
            except httpx.TransportError as exc:
                raise Retry(f"network error fetching {_shown(request.url)}: {exc}") from None
            if response.has_redirect_location:
                location = response.headers.get("location", "")
                target = urljoin(str(request.url), location)
                request = self._client.build_request("GET", target, headers=headers)
                if _origin(target) != origin:
                    for name in self._secret_headers:  # credentials stay with their host
                        request.headers.pop(name, None)
                continue
            return self._check_status(response)
        raise SourceError(
            f"{self.source}: more than {self.options.max_redirects} redirects from {_shown(url)}"
        )

    def _send(self, request: httpx.Request) -> httpx.Response:
        """Send and read the body, never more than max_bytes (decompressed)."""
        import httpx

        response = self._client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.options.max_bytes:
                raise self._too_big(request)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.options.max_bytes:
                    raise self._too_big(request)
                chunks.append(chunk)
        finally:
            response.close()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=b"".join(chunks),
            request=request,
        )

    def _too_big(self, request: httpx.Request) -> SourceError:
        return SourceError(
            f"{self.source}: response from {_shown(request.url)} is larger than "
            f"max_bytes ({self.options.max_bytes:,})"
        )

    def _check_status(self, response: httpx.Response) -> httpx.Response:
        status = response.status_code
        error = status_error(
            self.source, status, _shown(response.request.url), headers=response.headers
        )
        if error is not None:
            raise error
        return response


def _error_detail(answer: Any) -> str | None:
    """What a refusal's JSON body says (`errors`, `error` or `message`), shortened."""
    if not isinstance(answer, dict):
        return None
    said = answer.get("errors") or answer.get("error") or answer.get("message")
    if isinstance(said, list):
        said = "; ".join(str(x) for x in said)
    return str(said)[:300] if said else None


def retryable(status: int) -> bool:
    """Statuses worth retrying: a rate limit or a server error."""
    return status == 429 or status >= 500


def status_error(
    source: str,
    status: int,
    where: str,
    *,
    headers: Mapping[str, str] | None = None,
    delay: float | None = None,
    says: Mapping[int, str] | None = None,
) -> Exception | None:
    """The one mapping of an HTTP status to escucha's errors; None for a success (or 304).

    429 and 5xx give `Retry` (waiting as a 429's or 503's headers ask, unless `delay` is
    given); 401 and 403 give `AuthFailed`; any other status a `SourceError`. `says` holds a
    platform's own wording for some statuses (the source's name is put before it).
    """
    if status < 300 or status == 304:
        return None
    said = (says or {}).get(status)
    if retryable(status):
        if delay is None and headers is not None and status in (429, 503):
            delay = rate_limit_delay(headers)
        return Retry(said or f"{where} answered {status}", delay)
    if status in (401, 403):
        return AuthFailed(
            f"{source}: "
            + (
                said
                or f"{where} answered {status}: the token or API key is missing, expired or "
                "not allowed to read this; check the source's credentials"
            )
        )
    error = NotFound if status in (404, 410) else SourceError
    return error(f"{source}: {said or f'{where} answered {status}'}")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or ""), parts.port


def _shown(url: object) -> str:
    """A URL for messages: without its query string, which may carry a key."""
    parts = urlsplit(str(url))
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"
