"""The catalogues: every language has every key with the same placeholders, every key the
templates and the core use exists, numbers read as each language writes them, and errors
raised with a Message read in the user's language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from escucha.errors import UserError
from escucha.i18n import LANGUAGES, Catalogue, Message, catalogue, first_supported, negotiate
from escucha.i18n.format import Locale
from escucha.plugins.manager import plugin_manager

SRC = Path(__file__).resolve().parents[2] / "src" / "escucha"
TEMPLATES = [*(SRC / "web" / "templates").glob("*.html"), SRC / "report/templates/report.html.j2"]
plugin_manager()  # the features' sentences join the catalogues, as in the running app
CATALOGUES = {code: catalogue(code) for code in LANGUAGES}
KEYED_CALLS = {"Message", "syntax_error"}  # their first argument is a catalogue key


def test_catalogues_have_the_same_keys_and_placeholders():
    en, es = CATALOGUES["en"], CATALOGUES["es"]
    assert set(en) == set(es)
    fields = string.Formatter()
    for key in en:
        assert {f for _, f, _, _ in fields.parse(en[key]) if f} == {
            f for _, f, _, _ in fields.parse(es[key]) if f
        }, key


def test_accept_language_picks_a_known_language():
    assert negotiate("es-ES,es;q=0.9,en;q=0.8") == "es"
    assert negotiate("fr-FR,fr;q=0.9,en;q=0.5,es;q=0.4") == "en"
    assert negotiate("de") == "en"
    assert negotiate("en;q=0.2, es;q=0.8") == "es"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_names_its_months_and_days(lang):
    locale = catalogue(lang).locale
    assert isinstance(locale, Locale)
    assert len(locale.months) == len(locale.short_months) == 12
    assert len(locale.days) == len(locale.short_days) == 7
    assert locale.decimal != locale.thousands


def test_no_key_hides_behind_a_method():
    """Templates write t.key: a key named like a Catalogue attribute would be unreachable."""
    t = catalogue("en")
    assert not [key for key in t if hasattr(Catalogue, key) or key in vars(t)]


def test_every_key_a_template_uses_exists():
    used = set()
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z_0-9]+)\b(?!\()", text))
    used -= {"css"}  # the report's {% include "report.css" %}
    assert used and used <= set(catalogue("en")), used - set(catalogue("en"))


def _keys_used_by_the_core() -> dict[str, str]:
    """Catalogue keys passed as the first argument of Message(...), syntax_error(...) and the
    parser's self.error(...), with the file that uses each."""
    found = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func, first = node.func, node.args[0]
            keyed = (isinstance(func, ast.Name) and func.id in KEYED_CALLS) or (
                isinstance(func, ast.Attribute)
                and func.attr == "error"
                and isinstance(func.value, ast.Name)
                and func.value.id == "self"
            )
            if keyed and isinstance(first, ast.Constant):
                found[first.value] = str(path.relative_to(SRC))
    return found


def test_every_key_the_core_raises_exists():
    used = _keys_used_by_the_core()
    assert {"query_unclosed_quote", "query_unbalanced", "filter_query_too_long"} <= set(used)
    assert {"idea_into_itself", "coverage_file"} <= set(used)
    missing = {key: where for key, where in used.items() if key not in catalogue("en")}
    assert not missing


def test_numbers_read_as_each_language_writes_them():
    en, es = catalogue("en"), catalogue("es")
    assert (en.number(12345), es.number(12345)) == ("12,345", "12.345")
    assert (en.percent(0.125), es.percent(0.125)) == ("12%", "12\u00a0%")
    assert (en.percent(0.034), es.percent(0.034)) == ("3.4%", "3,4\u00a0%")
    assert (en.percent(0.0004), es.percent(0.0004)) == ("<0.1%", "<0,1\u00a0%")
    assert (en.percent(0), en.percent(None)) == ("0%", None)
    assert (en.signed(-0.42), es.signed(0.25), es.signed(-0.001)) == ("−0.42", "+0,25", "0,00")
    assert (en.decimal(1234.5), es.decimal(0.61)) == ("1234.50", "0,61")


def test_a_message_reads_in_english_unless_a_face_words_it():
    error = UserError(Message("idea_already_merged", {"id": 4, "into": 2}))
    assert str(error) == "idea #4 is already merged into #2"
    assert catalogue("es").error_text(error) == "la idea n.º 4 ya está fusionada con la n.º 2"
    plain = UserError("no such file")
    assert catalogue("es").error_text(plain) == "no such file"
    assert catalogue("es").say("as it is") == "as it is"


def test_unknown_languages_fall_back_to_english():
    assert catalogue("fr").lang == "en" and catalogue("es").lang == "es"
    assert first_supported(["fr", "es", "en"]) == "es"
    assert first_supported(["fr"]) == "en" and first_supported([]) == "en"


def test_language_names_in_the_ui_language():
    assert catalogue("es").language_name("en") == "Inglés"
    assert catalogue("en").language_name("xx") == "xx"
    assert catalogue("en").language_name(None) == "—"


def test_a_plugin_adds_sentences_but_never_rewords_a_key():
    from escucha.i18n.catalogue import add_strings, catalogue

    add_strings({"en": {"plugin_test_hello": "Hello"}, "es": {"plugin_test_hello": "Hola"}})
    assert catalogue("es")["plugin_test_hello"] == "Hola"
    assert catalogue("en").text("plugin_test_hello") == "Hello"
    add_strings({"en": {"plugin_test_hello": "Hello"}})  # the same again: no change
    with pytest.raises(ValueError, match="plugin_test_hello"):
        add_strings({"en": {"plugin_test_hello": "Hi"}})
    with pytest.raises(ValueError, match="nav_ideas"):
        add_strings({"es": {"nav_ideas": "Otra cosa"}})
    assert catalogue("es")["nav_ideas"] != "Otra cosa"
