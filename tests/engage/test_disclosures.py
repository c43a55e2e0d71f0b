"""The disclosure watch: connected contacts' posts about the brand without a clear disclosure."""

from __future__ import annotations

import json

from community.helpers import write_csv
from escucha.cli import main
from escucha.community.connections import connected_authors
from escucha.community.importer import import_contacts
from escucha.engage.disclosures import disclosures_needed
from escucha.engage.guard import check

from .helpers import add_post, mentions_us, read_as


def _about_us(ws, native_id: str, text: str, author: str, lang: str) -> int:
    post_id = add_post(ws, native_id, text, author=author, source="red", platform="reddit")
    read_as(ws, post_id, "praise", lang=lang)
    mentions_us(ws, post_id)
    return post_id


def _contacts(ws, tmp_path) -> None:
    rows = [
        ["Ana", "ana", "paid"],
        ["Luis", "luis", "employee"],
        ["Eva", "eva", ""],
        ["Tom", "tom", "gifted"],
        ["Pau", "pau", "friend"],
    ]
    path = write_csv(tmp_path / "c.csv", ["name", "handle:reddit", "connection"], rows)
    import_contacts(ws, path, rejects_dir=tmp_path / "r")


def test_connected_posts_without_disclosure_get_a_reminder_the_guard_passes(workspace, tmp_path):
    paid = _about_us(workspace, "1", "Volar con Iberia es lo mejor, os lo recomiendo #spon",
                     "ana", "es")  # fmt: skip
    _about_us(workspace, "2", "#publicidad Volar con Iberia es lo mejor", "ana", "es")
    _about_us(workspace, "3", "Trabajo en Iberia y hoy estrenamos ruta, me encanta", "luis", "es")
    _about_us(workspace, "4", "Iberia es lo mejor", "eva", "es")
    gifted = _about_us(workspace, "5", "Loving my new Iberia seat upgrade, amazing!", "tom", "en")
    _about_us(workspace, "6", "Iberia es genial", "pau", "es")
    add_post(workspace, "7", "Qué buen día hace", author="ana", source="red", platform="reddit")
    _contacts(workspace, tmp_path)
    assert sorted(c.connection for c in connected_authors(workspace).values()) == [
        "employee", "gifted", "paid"]  # fmt: skip

    found = {d["post_id"]: d for d in disclosures_needed(workspace)}
    assert set(found) == {paid, gifted}
    assert found[paid]["connection"] == "paid" and found[paid]["lang"] == "es"
    assert "'#spon' is not a clear disclosure" in found[paid]["reason"]
    assert found[paid]["reminder"]["text"].startswith("Hola @ana,")
    assert '"#publicidad"' in found[paid]["reminder"]["text"]
    assert found[gifted]["reminder"]["text"].startswith("Hi @tom,")
    assert '"Iberia sent me this for free"' in found[gifted]["reminder"]["text"]
    for item in found.values():
        assert item["reminder"]["verdict"] == "ok", item["reminder"]
        reminder = check(item["reminder"]["text"], brand="Iberia", connection="brand_account")
        assert reminder.verdict == "ok"


def test_every_connection_and_language_gets_a_reminder_the_guard_passes():
    from escucha.engage.disclosures import reminder_text

    for connection in ("employee", "gifted", "paid", "affiliate"):
        for lang in ("es", "en", "es-MX", None):
            text = reminder_text("Cafenia", connection, lang, "ana")
            assert (
                check(text, brand="Cafenia", connection="brand_account", lang=lang).verdict == "ok"
            )


def test_no_connected_contacts_means_an_empty_list(workspace):
    _about_us(workspace, "1", "Volar con Iberia es lo mejor", "ana", "es")
    assert disclosures_needed(workspace) == []


def _cli(capsys, ws, *args: str) -> tuple[int, str]:
    try:
        code = main(["-w", str(ws.path), *args])
    except SystemExit as done:
        code = done.code or 0
    return code, capsys.readouterr().out


def test_escucha_disclosures_prints_the_list(workspace, tmp_path, capsys):
    code, out = _cli(capsys, workspace, "disclosures")
    assert code == 0 and "no post needs a disclosure" in out
    paid = _about_us(workspace, "1", "Volar con Iberia es lo mejor #spon", "ana", "es")
    _contacts(workspace, tmp_path)
    code, out = _cli(capsys, workspace, "disclosures", "--json")
    (item,) = json.loads(out)["items"]
    assert code == 0 and item["post_id"] == paid and item["reminder"]["verdict"] == "ok"
    code, out = _cli(capsys, workspace, "disclosures")
    assert code == 0 and f"post {paid}" in out and "@ana" in out and "Hola @ana" in out
