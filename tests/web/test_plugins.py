"""A plugin registered through pluggy adds a CLI command, a web route and a navigation entry,
the same way escucha's built-in features do."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from escucha.plugins import hookimpl
from escucha.plugins.manager import make_manager, nav_entries, routers, tables
from escucha.plugins.nav import NavItem

from .conftest import login, make_client


class GreetingPlugin:
    @hookimpl
    def register_commands(self, cli: typer.Typer) -> None:
        @cli.command("greet")
        def greet(name: str = "world") -> None:
            """Say hello."""
            typer.echo(f"hello, {name}")

    @hookimpl
    def web_routers(self):
        from fastapi import APIRouter
        from fastapi.responses import PlainTextResponse

        router = APIRouter()

        @router.get("/greeting", response_class=PlainTextResponse)
        def greeting() -> str:
            return "hello from a plugin"

        return [router]

    @hookimpl
    def nav_entries(self):
        return [NavItem("greeting", "/greeting", order=55, roles=("admin",))]

    @hookimpl
    def strings(self):
        return {"en": {"nav_greeting": "Greeting"}, "es": {"nav_greeting": "Saludo"}}


def _manager():
    manager = make_manager(load_entry_points=False)
    manager.register(GreetingPlugin(), name="greeting")
    return manager


def test_a_plugin_adds_a_command():
    from escucha.cli.app import build_app

    cli = build_app(_manager())
    result = CliRunner().invoke(cli, ["greet", "--name", "Ana"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "hello, Ana\n"
    assert "greet" in CliRunner().invoke(cli, ["--help"]).stdout
    # the built-in commands are still there
    assert "analyze" in CliRunner().invoke(cli, ["--help"]).stdout


def test_the_default_cli_does_not_have_the_plugin_command():
    from escucha.cli.app import app

    result = CliRunner().invoke(app, ["greet"])
    assert result.exit_code != 0


def test_a_plugin_adds_a_route_and_a_nav_entry(env):
    from escucha.web.app import create_app

    app = create_app(env.workspace, plugins=_manager())
    admin = make_client(app)
    assert login(admin, "ada").status_code == 303
    assert admin.get("/greeting").text == "hello from a plugin"
    page = admin.get("/").text
    # in the menu by its order (55): between themes (50) and ideas (60)
    assert page.index('href="/themes"') < page.index('href="/greeting"')
    assert page.index('href="/greeting"') < page.index('href="/ideas"')
    assert ">Greeting</a>" in page  # the label comes from the plugin's strings
    viewer = make_client(app)
    assert login(viewer, "vic").status_code == 303
    assert 'href="/greeting"' not in viewer.get("/").text


def test_the_built_in_navigation_keeps_its_order():
    keys = [item.key for item in nav_entries(make_manager(load_entry_points=False))]
    assert keys == [
        "overview",
        "explore",
        "competitors",
        "themes",
        "categories",
        "ideas",
        "contacts",
        "ledger",
        "inbox",
        "drafts",
        "disclosures",
        "panels",
        "alerts",
        "sources",
        "tokens",
        "jobs",
    ]


def test_no_two_routes_share_a_method_and_path():
    """The app tries the pages' and the API's routers first (web.app._busiest_first): that
    changes no answer only while no route hides another."""
    seen: set[tuple[str, str]] = set()
    for router in routers(make_manager(load_entry_points=False)):
        for route in router.routes:
            for method in getattr(route, "methods", ()):
                assert (method, route.path) not in seen
                seen.add((method, route.path))


def test_every_table_belongs_to_exactly_one_feature():
    from escucha.store.schema import metadata

    owned = [t.name for t in tables(make_manager(load_entry_points=False))]
    assert sorted(owned) == sorted(metadata.tables)
    assert len(owned) == len(set(owned))


def test_registering_the_built_ins_imports_nothing_heavy():
    import subprocess
    import sys

    code = (  # a fresh interpreter: this one has imported everything already
        "import sys; import escucha.cli.app; "
        "heavy = [m for m in ('fastapi', 'pandas', 'sklearn', 'sqlalchemy', 'numpy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


PLUGIN_MODULE = """
import typer

from escucha.plugins import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command("wave")
    def wave():
        typer.echo("waving from an installed plugin")
"""


def test_an_installed_package_is_found_through_its_entry_point(tmp_path, monkeypatch):
    from escucha.cli.app import build_app

    (tmp_path / "wave_plugin.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    info = tmp_path / "wave_plugin-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(
        "[console_scripts]\nwave = wave_plugin:main\n\n[escucha.plugins]\nwave = wave_plugin\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = make_manager()
    assert manager.get_plugin("wave") is not None
    result = CliRunner().invoke(build_app(manager), ["wave"])
    assert result.stdout == "waving from an installed plugin\n"


def test_every_built_in_hook_implementation_has_a_spec():
    make_manager(load_entry_points=False).check_pending()  # raises on a misspelled hook
