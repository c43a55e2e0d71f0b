"""escucha.toml: defaults, validation errors that name the file and the key, and round trips."""

from __future__ import annotations

import tomllib

import pytest

from escucha.config import (
    Brand,
    ConfigError,
    database_url,
    default_config,
    load_config,
    parse_config,
    render_config,
)
from escucha.errors import UserError


def test_rendered_config_reads_back_the_same():
    config = default_config("x")
    assert parse_config(tomllib.loads(render_config(config))) == config


def test_handles_and_hashtags_get_their_sigils():
    config = parse_config({"brand": {"name": "B", "handles": ["bee"], "hashtags": ["bee"]}})
    assert config.brand == Brand("B", (), ("@bee",), ("#bee",), ours=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"brand": {"aliases": ["x"]}}, r"\[brand\]: 'name' is missing"),
        ({"brand": {"name": "B", "aliases": "x"}}, None),
        ({"brand": {"name": "B", "aliases": [1]}}, r"'aliases' must be a list of strings"),
        ({"competitors": {"name": "C"}}, r"\[\[competitors\]\] tables"),
        ({"competitors": [{"name": "C"}, {}]}, r"\[\[competitors\]\] #2: 'name'"),
        ({"brand": {"name": "X"}, "competitors": [{"name": "x"}]}, "two brands share a name"),
        ({"sources": [{"name": "feed"}]}, r"\[\[sources\]\] #1: each source needs"),
        ({"competitors": [{"name": "Air\x1fEuropa"}]}, r"#1: 'name' holds a control character"),
    ],
)
def test_invalid_configs_say_where(data, message):
    if message is None:
        assert parse_config(data).brand.aliases == ("x",)
        return
    with pytest.raises(ConfigError, match=message):
        parse_config(data, "escucha.toml")


def test_broken_toml_names_the_file(tmp_path):
    (tmp_path / "escucha.toml").write_text("[workspace\nname = 1\n")
    with pytest.raises(ConfigError, match=r"escucha\.toml"):
        load_config(tmp_path)


def test_database_url_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    config = default_config()
    assert database_url(tmp_path, config) == f"sqlite:///{tmp_path.resolve()}/escucha.db"
    from dataclasses import replace

    in_file = replace(config, database_url="postgresql://a@h/db")
    assert database_url(tmp_path, in_file) == "postgresql://a@h/db"
    monkeypatch.setenv("ESCUCHA_DATABASE_URL", "sqlite:////tmp/other.db")
    assert database_url(tmp_path, in_file) == "sqlite:////tmp/other.db"


def test_config_errors_are_user_errors():
    assert issubclass(ConfigError, UserError)


def test_source_options_round_trip_with_lists_and_scalars():
    from escucha.config import SourceConfig

    source = SourceConfig(
        "feed",
        "mastodon",
        {
            "hashtags": ["iberia", "vuelos"],
            "interval": 60,
            "allow_private_networks": True,
            "url": 'https://example.org/"quoted"',
        },
    )
    config = default_config()
    from dataclasses import replace

    config = replace(config, sources=(source,))
    assert parse_config(tomllib.loads(render_config(config))).sources == (source,)


def test_tables_the_config_does_not_read_survive_a_rewrite():
    text = """
[workspace]
name = "x"

[alerting]
k = 3
brands = true

[[alerts]]
name = "maletas"
query = 'maleta* AND brand:"Air Europa"'
channels = ["team"]

[[alerts]]
name = "spike"
kind = "spike"

[channels.team]
kind = "slack"
"""
    original = tomllib.loads(text)
    rewritten = tomllib.loads(render_config(parse_config(original)))
    for key in ("alerting", "alerts", "channels"):
        assert rewritten[key] == original[key]


def test_readme_docs_and_config_template_give_one_postgresql_url_form():
    import re
    from pathlib import Path

    from escucha.config import Config
    from escucha.store.db import make_engine

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"postgres[a-z+]*://[^\s`\"]+")
    template = render_config(Config("x", ("es",), None, (), ()))
    found = {
        "template": pattern.findall(template),
        "README": pattern.findall((root / "README.md").read_text(encoding="utf-8")),
        "configuration": pattern.findall(
            (root / "docs" / "configuration.md").read_text(encoding="utf-8")
        ),
    }
    schemes = {url.split("://")[0] for urls in found.values() for url in urls}
    assert all(found.values()) and schemes == {"postgresql"}, found
    engine = make_engine(found["template"][0])
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
