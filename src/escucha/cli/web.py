"""`escucha serve`, `escucha users ...` and `escucha tokens ...`: the web app and its accounts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from escucha.cli.common import workspace_of

if TYPE_CHECKING:
    from escucha.workspace import Workspace

users_app = typer.Typer(
    help="Accounts of the web app: admin, analyst or viewer.", no_args_is_help=True
)
tokens_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


WORKER_HEALTHCHECK_S = 60
# uvicorn closes a kept-alive connection idle for 5 s by default; a client idle about that long
# (or a worker too busy to read the next request before the timer fires) then sends on a closed
# socket and sees "connection reset by peer". Proxies and load tools keep connections longer,
# and the server's idle timeout must be the longer one (docs/server.md).
KEEP_ALIVE_S = 75


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark cookies Secure (default: when the request came over https).",
        ),
    ] = None,
    proxy: Annotated[
        bool,
        typer.Option(
            "--behind-proxy",
            help="Trust X-Forwarded-Proto/For from the proxy at --forwarded-allow-ips.",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[str, typer.Option(help="Proxy addresses to trust.")] = (
        "127.0.0.1"
    ),
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Web worker processes (above 1: PostgreSQL and [web] redis_url, docs/server.md).",
        ),
    ] = 1,
    keep_alive: Annotated[
        int,
        typer.Option(
            min=1,
            help="Seconds an idle kept-alive connection stays open (above the proxy's own).",
        ),
    ] = KEEP_ALIVE_S,
    warm: Annotated[
        bool,
        typer.Option(
            "--warm/--no-warm",
            help="Compute every page's aggregates in the background at start-up (minutes of "
            "CPU in each worker on millions of posts); --no-warm: each on its first request.",
        ),
    ] = True,
) -> None:
    """Serve the web app and the REST API (/api/v1) of this workspace."""
    import uvicorn

    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    workspace = workspace_of(ctx)
    if workers > 1:
        app: object = _prepare_workers(workspace, workers, secure_cookies, warm)
    else:
        app = create_app(
            workspace,
            WebSettings(
                secure_cookies=secure_cookies, warm_cache=warm, limits=workspace.config.web
            ),
        )
    if host not in LOOPBACK and not (proxy or secure_cookies):
        typer.echo(
            "warning: serving beyond this machine without https; put a TLS proxy in front "
            "(--behind-proxy) or pass --secure-cookies",
            err=True,
        )
    shown = f" with {workers} worker processes" if workers > 1 else ""
    typer.echo(f"escucha: serving {workspace.config.name} on http://{host}:{port}/{shown}")
    uvicorn.run(
        app,  # type: ignore[arg-type]
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host,
        port=port,
        proxy_headers=proxy,
        forwarded_allow_ips=forwarded_allow_ips if proxy else None,
        server_header=False,
        log_level="info",
        # uvicorn's supervisor restarts a worker that does not answer its ping within this many
        # seconds (5 by default), dropping its requests: a worker computing a large aggregate
        # on a busy machine can be silent longer than that (docs/server.md)
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        timeout_keep_alive=keep_alive,
    )


def _prepare_workers(
    workspace: Workspace, workers: int, secure_cookies: bool | None, warm: bool = True
) -> str:
    """Check that N processes can share this workspace, and leave in the environment what
    each of them opens (escucha.web.app.served_app). Everything they share lives in the store
    (sessions, the data version the caches key on) or in Redis (the rate limits)."""
    import os

    from escucha.auth.secret import load_or_create_secret
    from escucha.errors import UserError
    from escucha.web.app import SERVED_COOKIES_ENV, SERVED_WARM_ENV, SERVED_WORKSPACE_ENV
    from escucha.web.limits import make_limiters

    if workspace.engine.dialect.name != "postgresql":
        raise UserError(
            f"--workers {workers} needs PostgreSQL: SQLite takes one writer at a time; set "
            "ESCUCHA_DATABASE_URL (or [workspace] database_url), or serve with --workers 1"
        )
    if workspace.config.web.redis_url is None:
        raise UserError(
            f"--workers {workers} needs [web] redis_url in escucha.toml (e.g. "
            '"redis://127.0.0.1:6379/0"): the processes share their rate limits there'
        )
    make_limiters(workspace.config.web, workspace.database_url)  # Redis answers, or one line
    load_or_create_secret(workspace.path)  # made once, before the processes race for it
    os.environ[SERVED_WORKSPACE_ENV] = str(workspace.path)
    cookies = {True: "1", False: "0", None: ""}[secure_cookies]
    os.environ[SERVED_COOKIES_ENV] = cookies
    os.environ[SERVED_WARM_ENV] = "1" if warm else "0"
    return "escucha.web.app:served_app"


def _read_password() -> str:
    """From a prompt with confirmation, or the first line of stdin when it is not a TTY."""
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_app.command("create")
def users_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="admin, analyst or viewer.")] = "viewer",
) -> None:
    """Create a user; the password comes from a prompt (or stdin when piped)."""
    from escucha.auth.passwords import check_password_rules
    from escucha.auth.roles import check_role
    from escucha.auth.users import check_name, create_user

    check_name(name)
    check_role(role)
    workspace = workspace_of(ctx)
    password = _read_password()
    check_password_rules(password)
    user = create_user(workspace.engine, name, password, role)
    typer.echo(f"user {user.name!r} created ({user.role})")


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List users and their roles."""
    from escucha.auth.users import list_users

    for user in list_users(workspace_of(ctx).engine):
        typer.echo(f"{user.name}\t{user.role}")


@users_app.command("set-password")
def users_set_password(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="User name.")]
) -> None:
    """Set a user's password (prompt, or stdin when piped)."""
    from escucha.auth.users import set_password

    workspace = workspace_of(ctx)
    set_password(workspace.engine, name, _read_password())
    typer.echo(f"password of {name!r} changed")


@users_app.command("set-role")
def users_set_role(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Argument(help="admin, analyst or viewer.")],
) -> None:
    """Change a user's role."""
    from escucha.auth.users import set_role

    set_role(workspace_of(ctx).engine, name, role)
    typer.echo(f"{name!r} is now {role}")


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="The user the token acts for.")],
    scope: Annotated[str, typer.Option(help="read or write.")] = "read",
    label: Annotated[str | None, typer.Option(help="A note to tell tokens apart.")] = None,
) -> None:
    """Create an API token and print it once; only its hash is stored."""
    from escucha.auth.tokens import create_token

    token, info = create_token(workspace_of(ctx).engine, user, scope, label)
    typer.echo(f"token {info.id} ({scope}) for {user!r}; it will not be shown again:", err=True)
    typer.echo(token)


@tokens_app.command("list")
def tokens_list(ctx: typer.Context) -> None:
    """List tokens (never the tokens themselves)."""
    from escucha.auth.tokens import list_tokens
    from escucha.auth.users import list_users

    engine = workspace_of(ctx).engine
    names = {u.id: u.name for u in list_users(engine)}
    for tok in list_tokens(engine):
        state = "revoked" if tok.revoked_at else "active"
        typer.echo(
            f"{tok.id}\t{tok.prefix}…\t{names.get(tok.user_id, '?')}\t{tok.scope}\t{state}"
            f"\t{tok.label or ''}"
        )


@tokens_app.command("revoke")
def tokens_revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's number.")]
) -> None:
    """Revoke a token."""
    from escucha.auth.tokens import revoke_token
    from escucha.errors import UserError

    if not revoke_token(workspace_of(ctx).engine, token_id):
        raise UserError(f"no active token {token_id}")
    typer.echo(f"token {token_id} revoked")
