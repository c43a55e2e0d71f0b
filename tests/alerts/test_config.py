"""The alert tables of escucha.toml: validated on load, with secrets refused."""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest

from escucha.alerts import parse_alert_config
from escucha.errors import ConfigError

GOOD = """
[alerting]
k = 2.5
min_count = 10
channels = ["team"]

[[alerts]]
name = "baggage"
query = "maleta* OR equipaje"
window_hours = 12
baseline_days = 3
channels = ["team", "rd"]

[[alerts]]
name = "press"
query = 'periodista OR journalist'
kind = "match"
threshold = 2

[channels.team]
kind = "slack"
blocks = true

[channels.rd]
kind = "email"
host = "smtp.example.org"
sender = "alerts@example.org"
to = ["rd@example.org"]
user = "alerts"
"""


def parsed(text: str):
    return parse_alert_config(tomllib.loads(text), "escucha.toml")


def test_a_full_configuration_loads():
    config = parsed(GOOD)
    brands, baggage, press = config.rules
    assert brands.name == "brands" and brands.query is None
    assert brands.metrics == ("volume", "negative_share") and brands.spike.k == 2.5
    assert brands.spike.window == timedelta(hours=24) and brands.spike.min_count == 10
    assert baggage.kind == "spike" and baggage.spike.window == timedelta(hours=12)
    assert baggage.spike.baseline == timedelta(days=3) and baggage.channels == ("team", "rd")
    assert press.kind == "match" and press.threshold == 2 and press.channels == ()
    assert config.channels["rd"].options["host"] == "smtp.example.org"


def test_no_configuration_means_brand_spikes_only():
    config = parsed("")
    assert [r.name for r in config.rules] == ["brands"] and config.channels == {}
    assert parsed("[alerting]\nbrands = false\n").rules == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[alerts]]\nname = "x"\nquery = "maleta AND ("\n', r"\(x\): query: .*"),
        ('[[alerts]]\nname = "x"\nquery = "intent:nope"\n', r"\(x\): query: intent must be"),
        ('[[alerts]]\nname = "x"\n', "'query' is missing"),
        ('[[alerts]]\nname = "x"\nquery = "a"\nkind = "often"\n', "'kind' must be one of"),
        ('[[alerts]]\nname = "x"\nquery = "a"\nk = -1\n', "'k' must be a positive number"),
        ('[[alerts]]\nname = "x"\nquery = "a"\nchannels = ["nope"]\n', r"no \[channels.nope\]"),
        ("[alerting]\nwindow_hours = 48\nbaseline_days = 1\n", "at least two windows"),
        (
            '[channels.hook]\nkind = "webhook"\nurl = "https://x/T0K3N"\n',
            "ESCUCHA_CHANNEL_HOOK_URL",
        ),
        ('[channels.mail]\nkind = "email"\npassword = "pw"\n', "'password' is a secret"),
        ('[channels.mail]\nkind = "email"\nhost = "h"\nsender = "s"\n', "needs 'to'"),
        ('[channels.x]\nkind = "pigeon"\n', "'kind' must be one of webhook, slack, email"),
    ],
)
def test_mistakes_are_one_clear_error(text, message):
    with pytest.raises(ConfigError, match=message):
        parsed(text)


def test_a_secret_in_the_config_is_not_echoed():
    with pytest.raises(ConfigError) as caught:
        parsed('[channels.hook]\nkind = "webhook"\nurl = "https://x/T0K3N"\n')
    assert "T0K3N" not in str(caught.value)
