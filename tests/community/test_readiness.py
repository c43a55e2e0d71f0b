"""Ask-readiness with every reason; [community] settings; the give/ask balance per month."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from escucha.community.importer import import_contacts
from escucha.community.ledger import give_ask_by_month, record_interaction
from escucha.community.rights import opt_out, record_consent
from escucha.community.views import list_contacts, readiness, show_contact
from escucha.config import CommunitySettings, parse_config
from escucha.errors import ConfigError

from .helpers import write_csv

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _record(**kw) -> dict:
    base = {
        "opted_out": False,
        "consent": {"granted": True},
        "last_ask": None,
        "last_give": None,
        "asks_90d": 0,
        "emails": ["a@example.org"],
        "identities": [],
    }
    return base | kw


def _codes(record: dict, settings: CommunitySettings | None = None) -> list[str]:
    return [code for code, _ in readiness(record, settings or CommunitySettings(), NOW)]


def test_a_contact_with_consent_a_channel_and_no_recent_ask_is_ready():
    assert _codes(_record()) == []


@pytest.mark.parametrize(
    ("record", "code"),
    [
        (_record(opted_out=True), "opted_out"),
        (_record(consent=None), "no_consent"),
        (_record(consent={"granted": False}), "no_consent"),
        (_record(last_ask=NOW - timedelta(days=3), last_give=NOW), "cooldown"),
        (_record(asks_90d=2, last_ask=NOW - timedelta(days=60), last_give=NOW), "ask_cap"),
        (_record(last_ask=NOW - timedelta(days=40)), "no_give_since_ask"),
        (_record(emails=[], identities=[{"platform": "tweets"}]), "no_channel"),
    ],
)
def test_each_rule_that_holds_a_contact_back_is_listed(record, code):
    assert _codes(record) == [code]


def test_the_rules_follow_the_workspace_settings():
    relaxed = CommunitySettings(cooldown_days=1, max_asks_90d=5, require_consent=False,
                                require_give_since_ask=False)  # fmt: skip
    record = _record(consent=None, asks_90d=3, last_ask=NOW - timedelta(days=2))
    assert _codes(record, relaxed) == []
    assert _codes(record) == ["no_consent", "cooldown", "ask_cap", "no_give_since_ask"]


def test_the_community_table_of_escucha_toml_is_checked():
    parsed = parse_config({"community": {"cooldown_days": 14, "require_consent": False}}, "x.toml")
    assert parsed.community == replace(CommunitySettings(), cooldown_days=14,
                                       require_consent=False)  # fmt: skip
    assert parse_config({}).community == CommunitySettings()
    for bad, message in [
        ({"cooldown_days": "30"}, "'cooldown_days' must be a whole number"),
        ({"max_asks_90d": -1}, "'max_asks_90d' must be a whole number"),
        ({"require_consent": "yes"}, "'require_consent' must be true or false"),
        ({"cooldwn_days": 3}, "unknown key 'cooldwn_days'"),
    ]:
        with pytest.raises(ConfigError, match=message) as caught:
            parse_config({"community": bad}, "x.toml")
        assert str(caught.value).startswith("x.toml [community]")
        assert "\n" not in str(caught.value)


def test_settings_survive_rewriting_the_config():
    import tomllib

    from escucha.config import render_config

    parsed = parse_config({"community": {"max_asks_90d": 4}})
    assert parse_config(tomllib.loads(render_config(parsed))).community.max_asks_90d == 4


def test_ledger_and_consent_move_a_contact_in_and_out_of_ready(workspace, tmp_path):
    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv", ["name", "email"], [["Ana", "ana@example.org"]]),
        rejects_dir=tmp_path / "r",
    )
    ana = show_contact(workspace, 1)
    assert ana["reason_codes"] == ["no_consent"] and ana["ready"] is False
    record_consent(workspace, 1, True, channel="email", text_version="2026-11")
    assert show_contact(workspace, 1)["ready"] is True
    record_interaction(workspace, "ask:survey", contact_id=1, occurred_at=NOW - timedelta(days=45))
    shown = show_contact(workspace, 1, now=NOW)
    assert shown["reason_codes"] == ["no_give_since_ask"] and shown["asks"] == 1
    record_interaction(workspace, "give:thanks", contact_id=1, occurred_at=NOW - timedelta(days=5))
    shown = show_contact(workspace, 1, now=NOW)
    assert shown["ready"] is True and shown["gives"] == 1 and shown["gives_90d"] == 1
    opt_out(workspace, 1)
    assert show_contact(workspace, 1, now=NOW)["reason_codes"] == ["opted_out"]


def test_the_give_ask_balance_per_month_warns_when_asks_outrun_gives(workspace):
    for kind, day in [("give:help", 3), ("ask:survey", 4), ("ask:test", 5),
                      ("give:answer", 40), ("give:share", 41)]:  # fmt: skip
        record_interaction(workspace, kind, occurred_at=NOW - timedelta(days=day))
    months = give_ask_by_month(workspace, months=3, now=NOW)
    assert [m["month"] for m in months] == ["2026-09", "2026-10", "2026-11"]
    assert months[2] == {"month": "2026-11", "gives": 1, "asks": 2, "ratio": 0.5, "warning": True}
    assert months[1]["gives"] == 2 and months[1]["warning"] is False


def test_engagement_counts_posts_mentions_and_replies_to_our_accounts(workspace, tmp_path):
    from escucha.community.build import build_contacts

    path = write_csv(
        tmp_path / "p.csv",
        ["id", "author", "platform", "text", "parent_id", "created_at"],
        [
            ["1", "Iberia", "reddit", "Nuevas rutas este invierno", "", "2026-11-01"],
            ["2", "ana_g", "reddit", "Ojalá Iberia volara a Lima", "1", "2026-11-02"],
            ["3", "ana_g", "reddit", "hoy llueve", "", "2026-11-05"],
        ],
    )
    workspace.import_file(path)
    workspace.analyze()
    build_contacts(workspace)
    (ana,) = [c for c in list_contacts(workspace) if c["name"] == "ana_g"]
    assert (ana["posts"], ana["posts_about_us"], ana["replies_to_us"]) == (2, 1, 1)
    assert ana["last_seen"] == datetime(2026, 11, 5, tzinfo=UTC)


def test_every_reason_code_has_its_text_in_spanish_and_english():
    from escucha.plugins.manager import strings

    record = _record(
        opted_out=True, consent=None, last_ask=NOW, asks_90d=2, emails=[], identities=[]
    )
    codes = _codes(record)
    assert len(codes) == 6
    catalogue = strings()
    for lang in ("es", "en"):
        for code in codes:
            assert catalogue[lang][f"community_reason_{code}"]
