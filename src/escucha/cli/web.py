"""`escucha serve`, `escucha users ...` and `escucha tokens ...`: the web app and its accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from escucha.cli.common import workspace_of

users_app = typer.Typer(
    help="Accounts of the web app: admin, analyst or viewer.", no_args_is_help=True
)
tokens_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
) -> None:
    """Serve the web app and the REST API (/api/v1) of this workspace."""
    import uvicorn

    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    workspace = workspace_of(ctx)
    app = create_app(
        workspace,
        WebSettings(secure_cookies=secure_cookies, warm_cache=True, limits=workspace.config.web),
    )
    if host not in LOOPBACK and not (proxy or secure_cookies):
        typer.echo(
            "warning: serving beyond this machine without https; put a TLS proxy in front "
            "(--behind-proxy) or pass --secure-cookies",
            err=True,
        )
    typer.echo(f"escucha: serving {workspace.config.name} on http://{host}:{port}/")
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=proxy,
        forwarded_allow_ips=forwarded_allow_ips if proxy else None,
        server_header=False,
        log_level="info",
    )


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
