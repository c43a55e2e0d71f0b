"""`escucha users create`, `escucha tokens create/list/revoke` and `escucha serve`'s options."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from escucha.cli.app import app as cli_app


@pytest.fixture(scope="module")
def cli():
    return cli_app


@pytest.fixture
def ws(tmp_path, monkeypatch):
    from escucha.workspace import init_workspace

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    return init_workspace(tmp_path / "ws")


def run(cli, ws, *args, input=None):
    return CliRunner().invoke(cli, ["--workspace", str(ws.path), *args], input=input)


def test_users_create_reads_the_password_from_stdin(cli, ws):
    from escucha.auth.users import authenticate

    result = run(cli, ws, "users", "create", "ana", "--role", "admin", input="a long password\n")
    assert result.exit_code == 0, result.output
    assert authenticate(ws.engine, "ana", "a long password").role == "admin"
    again = run(cli, ws, "users", "create", "ana", input="a long password\n")
    assert again.exit_code != 0
    short = run(cli, ws, "users", "create", "bob", input="short\n")
    assert short.exit_code != 0
    bad_role = run(cli, ws, "users", "create", "bob", "--role", "root", input="a long password\n")
    assert bad_role.exit_code != 0


def test_tokens_are_printed_once_and_stored_hashed(cli, ws):
    from escucha.auth.tokens import lookup_token

    run(cli, ws, "users", "create", "vic", "--role", "viewer", input="a long password\n")
    result = run(cli, ws, "tokens", "create", "--user", "vic", "--scope", "read")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("esk_") and lookup_token(ws.engine, token)[0].name == "vic"
    listed = run(cli, ws, "tokens", "list")
    assert token not in listed.stdout and "vic" in listed.stdout
    write = run(cli, ws, "tokens", "create", "--user", "vic", "--scope", "write")
    assert write.exit_code != 0  # viewers get read tokens only
    assert run(cli, ws, "tokens", "revoke", "1").exit_code == 0
    assert lookup_token(ws.engine, token) is None


def test_serve_is_registered_with_its_options(cli):
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--secure-cookies", "--keep-alive"):
        assert option in result.stdout
