"""What the app's requests share: the workspace, settings, secret, caches, rate limiter.

One `WebContext` lives in `app.state.web`; routes get it (and what derives from it) through
FastAPI dependencies, never through module globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from escucha.auth.ratelimit import RequestLimiter
from escucha.config import WebLimits
from escucha.web.cache import VersionedCache
from escucha.web.limits import BucketLimiter, FailureLimiter, Limiters

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates
    from itsdangerous import URLSafeTimedSerializer

    from escucha.core.context import Context
    from escucha.plugins.nav import NavItem


@dataclass(frozen=True)
class WebSettings:
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    session_hours: float = 12.0
    login_limit: int = 5  # failures per user name and address ...
    login_window: float = 300.0  # ... within this many seconds, then 429
    warm_cache: bool = False  # compute the overview in the background at start-up
    page_size: int = 25
    limits: WebLimits = field(default_factory=WebLimits)  # [web] of escucha.toml
    # a page whose numbers are not cached waits this long for them, then says "being computed"
    # and computes them in the background (no page may make its reader wait more than 2 s)
    compute_wait: float = 1.5


@dataclass
class WebContext:
    workspace: Context
    settings: WebSettings
    secret: bytes
    model_version: str
    templates: Jinja2Templates
    serializer: URLSafeTimedSerializer
    limiter: FailureLimiter  # failed logins
    nav: tuple[NavItem, ...] = ()  # the registered navigation entries, in menu order
    cache: VersionedCache = field(default_factory=VersionedCache)
    # page bodies and API answers as bytes, apart: many distinct pages evict no aggregate
    answers: VersionedCache = field(default_factory=VersionedCache)
    token_touched: dict[int, float] = field(default_factory=dict)
    token_requests: BucketLimiter = field(default_factory=lambda: RequestLimiter(300))
    user_requests: BucketLimiter = field(default_factory=lambda: RequestLimiter(600))
    limiters: Limiters = field(default_factory=Limiters)  # in the process or in Redis

    @property
    def engine(self):
        return self.workspace.engine

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.settings.session_hours)
