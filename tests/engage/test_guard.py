"""The honest-post guard: each flag, each connection, disclosures in es and en, bad input."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from escucha.config import GuardSettings, parse_config
from escucha.engage.guard import (
    CONNECTIONS,
    Readiness,
    ask_not_ready,
    check,
    contact_readiness,
    is_promotional,
    load_lists,
    promotional_share,
)
from escucha.errors import ConfigError

PRAISE_EN = "Honestly the Cafenia Duo is the best coffee machine I've owned, I recommend it."
PRAISE_ES = "La Cafenia Duo es la mejor cafetera que he tenido, os la recomiendo."
CONNECTED = ("employee", "gifted", "paid", "affiliate")


def _names(text: str, connection: str = "none", lang: str | None = None, **kw) -> list[str]:
    return check(text, brand="Cafenia", connection=connection, lang=lang, **kw).flag_names


@pytest.mark.parametrize("connection", CONNECTIONS)
@pytest.mark.parametrize(("text", "lang"), [(PRAISE_EN, "en"), (PRAISE_ES, "es")])
def test_only_a_connected_author_needs_a_disclosure(connection, text, lang):
    verdict = check(text, brand="Cafenia", connection=connection, lang=lang)
    if connection in CONNECTED:
        assert verdict.verdict == "block"
        assert verdict.flag_names == ["undisclosed_connection"]
        (flag,) = verdict.flags
        assert connection in flag.reason and "Cafenia" in flag.reason
        assert {"best", "recommend"} & set(flag.triggers) or {"la mejor"} & set(flag.triggers)
    else:
        assert verdict.verdict == "ok" and verdict.flags == ()


@pytest.mark.parametrize(
    "text",
    [
        "#ad " + PRAISE_EN,
        "Ad: " + PRAISE_EN,
        "Sponsored. " + PRAISE_EN,
        "Paid partnership with Cafenia. " + PRAISE_EN,
        "Cafenia sent me this for free. " + PRAISE_EN,
        "I work at Cafenia. " + PRAISE_EN,
        "Affiliate link: cafenia.com/?ref=ana. " + PRAISE_EN,
    ],
)
def test_accepted_english_disclosures(text):
    assert _names(text, "paid", "en") == []


@pytest.mark.parametrize(
    "text",
    [
        "#publicidad " + PRAISE_ES,
        "Publi | " + PRAISE_ES,
        "Colaboración pagada con Cafenia. " + PRAISE_ES,
        "Producto cedido por Cafenia. " + PRAISE_ES,
        "Trabajo en Cafenia. " + PRAISE_ES,
        "Enlace de afiliado: cafenia.com/?ref=ana. " + PRAISE_ES,
    ],
)
def test_accepted_spanish_disclosures(text):
    assert _names(text, "paid", "es") == []


@pytest.mark.parametrize(
    ("text", "lang", "weak"),
    [
        (PRAISE_EN + " #sp", "en", "#sp"),
        (PRAISE_EN + " #spon", "en", "#spon"),
        (PRAISE_EN + " #collab", "en", "#collab"),
        (PRAISE_EN + " #thanks", "en", "#thanks"),
        (PRAISE_EN + " #info", "en", "#info"),
        (PRAISE_ES + " #colab", "es", "#colab"),
        (PRAISE_ES + " #gracias", "es", "#gracias"),
        (PRAISE_ES + " #info", "es", "#info"),
        (PRAISE_ES + " #sp", "es", "#sp"),
    ],
)
def test_insufficient_disclosures_are_named(text, lang, weak):
    verdict = check(text, brand="Cafenia", connection="gifted", lang=lang)
    assert verdict.flag_names == ["undisclosed_connection"]
    assert weak in verdict.flags[0].triggers
    assert f"'{weak}' is not a clear disclosure" in verdict.reasons[0]


def test_a_disclosure_hidden_among_hashtags_does_not_count():
    text = PRAISE_EN + " #coffee #barista #morning #ad #homecafe #espresso"
    verdict = check(text, brand="Cafenia", connection="paid", lang="en")
    assert verdict.flag_names == ["undisclosed_connection"]
    assert "hidden among 6 hashtags" in verdict.reasons[0]
    # the same tag, first and alone, is a disclosure
    assert _names("#ad " + PRAISE_EN + " #coffee #barista #morning", "paid", "en") == []
    # ... and so is a tag that opens the text and its group
    assert _names("#ad #coffee #barista #morning " + PRAISE_EN, "paid", "en") == []
    late = PRAISE_EN + " #ad #coffee #barista #morning"
    assert _names(late, "paid", "en") == ["undisclosed_connection"]


def test_a_disclosure_after_the_more_cut_does_not_count():
    long = PRAISE_EN + " " + "The crema is thick and the milk foam silky. " * 5 + "#ad"
    verdict = check(long, brand="Cafenia", connection="paid", lang="en")
    assert verdict.flag_names == ["undisclosed_connection"]
    assert "after the first 200 characters" in verdict.reasons[0]
    roomy = GuardSettings(visible_chars=len(long))
    assert _names(long, "paid", "en", settings=roomy) == []


def test_a_connected_author_talking_about_something_else_is_fine():
    assert _names("Rainy Sunday, a book and a long walk planned.", "paid", "en") == []
    assert _names("Not impressed by the Cafenia frother they sent me.", "gifted", "en") == []
    assert _names("Spent the day at the Cafenia factory, exhausted.", "employee", "en") == []


def test_promotion_without_the_brand_name_still_needs_a_disclosure():
    text = "Use my code ANA15 for 15% off, link in bio"
    assert "undisclosed_connection" in _names(text, "affiliate", "en")
    assert "undisclosed_connection" not in _names("#ad " + text, "affiliate", "en")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Black Friday: 30% off every machine, today only! Shop now.", "en"),
        ("Last units of our best seller! Order yours before they're gone.", "en"),
        ("Answer our survey and get 30% off, buy now!", "en"),
        ("¡Solo hoy! 30 % de descuento en todas las cafeteras. Compra ya.", "es"),
        ("¡Últimas unidades! Pídela antes de que se agote.", "es"),
        ("2x1 en libretas solo este fin de semana, añádelas al carrito.", "es"),
    ],
)
def test_hard_sell(text, lang):
    verdict = check(text, brand="Cafenia", connection="brand_account", lang=lang)
    assert verdict.flag_names == ["hard_sell"]
    assert verdict.verdict == "review"
    assert verdict.flags[0].triggers and "sale now" in verdict.reasons[0]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We're redesigning our app and want your opinion: 5-minute survey, thank you!", "en"),
        ("We're looking for 20 testers for a new grinder; you keep it, we ask for feedback.", "en"),
        ("Answer our survey and we'll send a 10% thank-you code. No purchase needed.", "en"),
        ("Buscamos probadores para un molinillo nuevo: os lo quedáis, pedimos opinión.", "es"),
        ("¿Qué os frena para ir en bici al trabajo? Cuéntanoslo en la encuesta.", "es"),
        ("The Duo now comes in green. Available from €149.", "en"),
        ("Tu pedido salió esta mañana, te llegará el jueves.", "es"),
    ],
)
def test_survey_invitations_tester_calls_and_plain_news_are_not_a_hard_sell(text, lang):
    assert _names(text, "brand_account", lang) == []


def test_brand_account_needs_no_disclosure_but_hard_sell_applies():
    assert _names(PRAISE_EN, "brand_account", "en") == []
    sale = "Duo at €129 until tomorrow, buy it now!"
    assert _names(sale, "brand_account", "en") == ["hard_sell"]
    assert _names(sale, "employee", "en") == ["undisclosed_connection", "hard_sell"]
    assert check(sale, brand="Cafenia", connection="employee").verdict == "block"


def test_ask_not_ready_takes_the_contacts_readiness():
    ask = "Would you answer our 3-minute survey?"
    held = Readiness(False, ("asked on 2026-11-20, within the 30-day cooldown",))
    flag = ask_not_ready(ask, held, lang="en")
    assert flag is not None and flag.name == "ask_not_ready"
    assert "30-day cooldown" in flag.reason and "survey" in flag.triggers
    assert ask_not_ready(ask, Readiness(True), lang="en") is None
    assert ask_not_ready(ask, None) is None
    assert ask_not_ready("Thanks, Ana, glad it works now!", held, lang="en") is None
    verdict = check("¿Rellenas nuestra encuesta?", brand="Cafenia", lang="es", readiness=held)
    assert verdict.verdict == "review" and verdict.flag_names == ["ask_not_ready"]


def test_contact_readiness_reads_the_community(sqlite_workspace, tmp_path):
    from escucha.community.importer import import_contacts
    from escucha.community.rights import record_consent
    from escucha.errors import NotFound

    path = tmp_path / "c.csv"
    path.write_text("name,email\nAna,ana@example.org\n", encoding="utf-8")
    import_contacts(sqlite_workspace, path, rejects_dir=tmp_path / "r")
    held = contact_readiness(sqlite_workspace, 1)
    assert held.ready is False and any("consent" in r for r in held.reasons)
    record_consent(sqlite_workspace, 1, True, channel="email", text_version="2026-11")
    assert contact_readiness(sqlite_workspace, 1) == Readiness(True, ())
    with pytest.raises(NotFound):
        contact_readiness(sqlite_workspace, 99)


@pytest.mark.parametrize("connection", CONNECTIONS)
@pytest.mark.parametrize("text", ["", "   ", "☕☕☕😍", "🙌", "\u200b"])
def test_empty_and_emoji_only_texts_are_ok(connection, text):
    assert check(text, brand="Cafenia", connection=connection).verdict == "ok"


def test_html_is_read_as_text_and_never_rendered():
    text = '<div><h1>FLASH</h1><p>40% off, <b>today only</b>. <a href="x">Shop now</a></p></div>'
    verdict = check(text, brand="Cafenia", connection="brand_account", lang="en")
    assert verdict.flag_names == ["hard_sell"]
    assert all("<" not in w for w in verdict.flags[0].triggers)
    script = "<script>alert('#ad')</script>" + PRAISE_EN
    assert check(script, brand="Cafenia", connection="paid").verdict == "block"


def test_a_100_kb_draft_is_checked_quickly():
    text = ("Lovely day at the beach with friends. " * 2700)[:100_000] + " Buy now, today only!"
    assert len(text) > 100_000
    start = time.perf_counter()
    verdict = check(text, brand="Cafenia", connection="brand_account")
    assert time.perf_counter() - start < 1.0
    assert verdict.flag_names == ["hard_sell"]


def test_other_languages_apply_both_lists():
    assert _names("Solo hoy, buy now!", "brand_account", "fr") == ["hard_sell"]
    assert _names("Solo hoy, buy now!", "brand_account", None) == ["hard_sell"]
    assert _names("#publi " + PRAISE_EN, "paid", "pt") == []
    # a known language uses its own lists only
    assert _names("Solo hoy, buy now!", "brand_account", "en") == []


def test_an_unknown_connection_is_refused():
    with pytest.raises(ValueError, match="unknown connection"):
        check("hi", brand="Cafenia", connection="friend")


def test_verdict_json_shape():
    verdict = check(PRAISE_EN + " #spon", brand="Cafenia", connection="paid", lang="en")
    assert verdict.to_json("p1") == {
        "id": "p1",
        "verdict": "block",
        "flags": ["undisclosed_connection"],
        "reasons": verdict.reasons,
    }


def test_the_guard_table_of_escucha_toml_is_checked():
    parsed = parse_config({"guard": {"visible_chars": 125, "promotional_share_max": 0.3}}, "x")
    assert parsed.guard == GuardSettings(visible_chars=125, promotional_share_max=0.3)
    assert parse_config({}).guard == GuardSettings()
    for bad, message in [
        ({"visible_chars": "125"}, "'visible_chars' must be a whole number"),
        ({"hashtag_cluster": 0}, "'hashtag_cluster' must be a whole number"),
        ({"promotional_share_max": 2}, "'promotional_share_max' must be a number between"),
        ({"visble_chars": 3}, "unknown key 'visble_chars'"),
    ]:
        with pytest.raises(ConfigError, match=message) as caught:
            parse_config({"guard": bad}, "x.toml")
        assert str(caught.value).startswith("x.toml [guard]") and "\n" not in str(caught.value)


def test_guard_settings_survive_rewriting_the_config():
    import tomllib

    from escucha.config import render_config

    parsed = parse_config({"guard": {"hard_sell_min_parts": 3}})
    assert parse_config(tomllib.loads(render_config(parsed))).guard.hard_sell_min_parts == 3


def test_a_workspace_replaces_the_lists_it_names(tmp_path):
    folder = tmp_path / "guard"
    folder.mkdir()
    (folder / "disclosures.toml").write_text(
        '[accepted]\nen = ["#werbung"]\n[insufficient]\nen = ["#friends"]\n', encoding="utf-8"
    )
    lists = load_lists(tmp_path)
    assert _names("#werbung " + PRAISE_EN, "paid", "en", lists=lists) == []
    assert _names("#ad " + PRAISE_EN, "paid", "en", lists=lists) == ["undisclosed_connection"]
    assert _names("#publi " + PRAISE_ES, "paid", "es", lists=lists) == []  # es kept
    (folder / "selling.toml").write_text('[urgency]\nen = ["re:(unclosed"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"selling\.toml \[urgency\]"):
        load_lists(tmp_path)
    (folder / "selling.toml").write_text('[offers]\nen = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown list 'offers'"):
        load_lists(tmp_path)


def test_a_workspaces_lists_are_compiled_once_and_again_when_a_file_changes(tmp_path):
    folder = tmp_path / "guard"
    folder.mkdir()
    lists = load_lists(tmp_path)
    assert load_lists(tmp_path) is lists  # the overview reads them on every request
    assert _names("#werbung " + PRAISE_EN, "paid", "en", lists=lists) == ["undisclosed_connection"]
    (folder / "disclosures.toml").write_text('[accepted]\nen = ["#werbung"]\n', encoding="utf-8")
    edited = load_lists(tmp_path)
    assert edited is not lists
    assert _names("#werbung " + PRAISE_EN, "paid", "en", lists=edited) == []
    (folder / "disclosures.toml").unlink()
    assert _names("#werbung " + PRAISE_EN, "paid", "en", lists=load_lists(tmp_path)) != []


def test_promotional_share_over_the_last_30_days():
    now = datetime(2026, 11, 30, tzinfo=UTC)
    posts = [
        (now - timedelta(days=1), "30% off today only, shop now!"),
        (now - timedelta(days=2), "Thanks for your question, Ana!"),
        (now - timedelta(days=3), "The Duo now comes in green, from €149."),
        (now - timedelta(days=4), "Happy Friday! What's your go-to coffee?"),
        (now - timedelta(days=5), "Our maintenance is tonight at 2:00 UTC."),
        (now - timedelta(days=60), "Buy now, 50% off!"),  # outside the window
    ]
    share = promotional_share(posts, now=now)
    assert (share.posts, share.promotional) == (5, 2)
    assert share.share == pytest.approx(0.4) and share.warn
    relaxed = promotional_share(posts, now=now, settings=GuardSettings(promotional_share_max=0.5))
    assert not relaxed.warn
    assert promotional_share([], now=now).share == 0.0
    assert is_promotional("Compra ya") and not is_promotional("¡Gracias, Ana!")


@pytest.mark.parametrize(
    ("text", "connection", "readiness", "en", "es"),
    [
        ("Cafenia is the best, link in bio #coffee #barista #latte #ad #morning", "paid", None,
         ["the paid author endorses or promotes Cafenia", "is hidden among 5 hashtags"],
         ["el autor (relación: pagado) respalda o promociona Cafenia", "escondida entre 5"]),
        ("this machine is the best I've owned ✨", "gifted", None,
         ["endorses or promotes the brand ('the best'"],
         ["(relación: producto regalado) respalda o promociona la marca ('the best'"]),
        ("Black Friday: 30% off, today only! Shop now", "brand_account", None,
         ["the text is a sale now: an offer", "a purchase call ('shop now')", "urgency"],
         ["el texto es una venta inmediata: una oferta", "una llamada a comprar ('shop now')"]),
        ("Could you answer our survey?", "none", Readiness(False, ()),
         ["asks a favour ('could you', 'answer our', 'survey')", "the contact is not ask-ready"],
         ["pide un favor ('could you', 'answer our', 'survey')", "no está listo"]),
    ],
)  # fmt: skip
def test_every_reason_is_worded_in_english_and_spanish(text, connection, readiness, en, es):
    verdict = check(text, brand="Cafenia", connection=connection, lang="en", readiness=readiness)
    assert verdict.flags
    assert verdict.reasons == verdict.reasons_in("en") == [f.reason for f in verdict.flags]
    said_en, said_es = " | ".join(verdict.reasons_in("en")), " | ".join(verdict.reasons_in("es"))
    assert all(part in said_en for part in en), said_en
    assert all(part in said_es for part in es), said_es
    assert verdict.to_json(1, "es")["reasons"] == verdict.reasons_in("es")
    for flag in verdict.flags:  # the catalogue key and values travel with the flag
        assert flag.message.key.startswith("guard_")


@pytest.mark.parametrize(
    ("text", "lang", "flags"),
    [
        ("Cafenia is hiring baristas in Madrid! Great team, great coffee. Apply through our "
         "careers page.", "en", []),
        ("¡En Cafenia estamos contratando! Equipo genial; si te interesa te paso la oferta.",
         "es", []),
        # a job post does not hide a sale
        ("We're hiring! Also: the Cafenia Duo is the best, 30% off today only, order now.", "en",
         ["undisclosed_connection", "hard_sell"]),
    ],
)  # fmt: skip
def test_an_employees_job_post_is_not_an_endorsement(text, lang, flags):
    assert _names(text, "employee", lang) == flags
    # the same praise of the brand outside a job post is one
    praise = {"en": "Cafenia: great coffee, the best team.", "es": "Cafenia: equipo genial."}
    assert _names(praise[lang], "employee", lang) == ["undisclosed_connection"]


@pytest.mark.parametrize(
    ("text", "promotional"),
    [
        ("Hola Luis, sí: hasta 8 kg en cabina.", False),  # an allowance, not a deadline
        ("Puedes llevar hasta 2 maletas de hasta el 23 kg", False),
        ("Oferta válida hasta el 8 de mayo", True),
        ("Solo hasta 3 de junio, reserva ya", True),
    ],
)
def test_a_number_after_hasta_is_a_deadline_only_as_a_date(text, promotional):
    assert is_promotional(text, brand="Iberia") is promotional
