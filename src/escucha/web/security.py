"""Browser-facing protections: security headers on every response, the session cookie,
and CSRF tokens (synchroniser tokens derived from the session key with HMAC).

Every visitor gets a random session key in a signed, HttpOnly, SameSite=Lax cookie (the
login form needs a CSRF token before anyone is logged in); logging in replaces the key, and
the store maps the hash of a logged-in key to its user (escucha.auth.sessions)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import cookie_parser

from escucha.auth.sessions import new_key

SESSION_COOKIE = "escucha_session"
LANG_COOKIE = "escucha_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_NO_SESSION = ("/static/", "/api/")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


def make_serializer(secret: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="escucha-session")


def csrf_token(secret: bytes, session_key: str) -> str:
    return hmac.new(secret, b"csrf:" + session_key.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, session_key: str | None, presented: str | None) -> bool:
    if not session_key or not presented:
        return False
    return hmac.compare_digest(csrf_token(secret, session_key), presented)


def cookie_header(
    name: str, value: str, *, max_age: int, secure: bool, http_only: bool = True
) -> bytes:
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")


def use_secure_cookies(scope: Scope, configured: bool | None) -> bool:
    return configured if configured is not None else scope.get("scheme") == "https"


class SecurityMiddleware:
    """Pure ASGI: adds the headers to every response and keeps the session cookie.

    Handlers read `request.state.session_key`; to replace it (login, logout) they set
    `request.state.new_session_key`, and the cookie is rewritten on the way out."""

    def __init__(
        self,
        app: ASGIApp,
        serializer: URLSafeTimedSerializer,
        max_age: int,
        secure: bool | None,
    ) -> None:
        self.app = app
        self.serializer = serializer
        self.max_age = max_age
        self.secure = secure

    def _session_key(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie = cookie_parser(value.decode("latin-1")).get(SESSION_COOKIE)
                if cookie:
                    try:
                        key = self.serializer.loads(cookie, max_age=self.max_age)
                    except BadSignature:
                        return None
                    return key if isinstance(key, str) else None
        return None

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        with_session = not scope["path"].startswith(_NO_SESSION)
        minted = False
        if with_session:
            key = self._session_key(scope)
            if key is None:
                key, minted = new_key(), True
            state["session_key"] = key

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in HEADERS if n not in present]
                if not scope["path"].startswith("/static/") and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))  # private data
                if with_session:
                    replaced = state.get("new_session_key")
                    if replaced or minted:
                        value = self.serializer.dumps(replaced or state["session_key"])
                        secure = use_secure_cookies(scope, self.secure)
                        headers.append(
                            (
                                b"set-cookie",
                                cookie_header(
                                    SESSION_COOKIE, value, max_age=self.max_age, secure=secure
                                ),
                            )
                        )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
