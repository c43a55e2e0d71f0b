"""`escucha contacts import`: default columns, --map, rejects, idempotence, bad input."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from escucha.community.importer import import_contacts
from escucha.community.views import list_contacts
from escucha.errors import UserError
from escucha.store.schema import consent_records

from .helpers import snapshot, write_csv

HEADER = ["name", "email", "handle:mastodon", "handle:reddit", "lang", "country", "consent",
          "opted_out", "city"]  # fmt: skip


def _import(ws, path, **kw):
    return import_contacts(ws, path, rejects_dir=ws.rejects_dir, **kw)


def _rejects(result) -> list[dict]:
    with open(result.rejects_path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_columns_become_contacts_and_reimporting_changes_nothing(workspace, tmp_path):
    path = write_csv(
        tmp_path / "people.csv",
        HEADER,
        [
            ["Ana", "ana@example.org;Ana.G@Example.org", "@Ana@Mastodon.Social", "u/ana_g",
             "ES", "es", "yes", "false", "Madrid"],
            ["Bo", "bo@example.org", "", "", "en", "GB", "no", "true", "London"],
        ],
    )  # fmt: skip
    first = _import(workspace, path)
    assert (first.created, first.rejected) == (2, 0)
    before = snapshot(workspace)
    again = _import(workspace, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert snapshot(workspace) == before
    ana, bo = list_contacts(workspace)
    assert ana["emails"] == ["ana@example.org", "Ana.G@Example.org"]
    assert ana["identities"] == [
        {"platform": "mastodon", "handle": "@Ana@Mastodon.Social"},
        {"platform": "reddit", "handle": "u/ana_g"},
    ]
    assert ana["attributes"] == {"city": "Madrid"} and ana["lang"] == "es"
    assert ana["country"] == "ES" and ana["consent"]["granted"] is True
    assert bo["opted_out"] is True and bo["consent"]["granted"] is False


def test_map_names_columns_a_file_calls_otherwise(workspace, tmp_path):
    path = write_csv(tmp_path / "c.csv", ["nombre", "correo", "fedi"],
                     [["Ana", "ana@example.org", "@ana@mastodon.social"]])  # fmt: skip
    _import(workspace, path, mapping={"name": "nombre", "email": "correo",
                                      "handle:mastodon": "fedi"})  # fmt: skip
    (ana,) = list_contacts(workspace)
    assert ana["name"] == "Ana" and ana["attributes"] == {}
    assert ana["identities"] == [{"platform": "mastodon", "handle": "@ana@mastodon.social"}]
    with pytest.raises(UserError, match="unknown field 'phone'"):
        _import(workspace, path, mapping={"phone": "correo"})
    with pytest.raises(UserError, match="does not have"):
        _import(workspace, path, mapping={"email": "mail"})


def test_a_file_without_an_identifying_column_is_one_clear_error(workspace, tmp_path):
    path = write_csv(tmp_path / "c.csv", ["name", "city"], [["Ana", "Madrid"]])
    with pytest.raises(UserError, match="no email or handle:PLATFORM column"):
        _import(workspace, path)


def test_duplicate_rows_make_one_contact(workspace, tmp_path):
    row = ["Ana", "ana@example.org", "", "", "es", "ES", "yes", "", "Madrid"]
    result = _import(workspace, write_csv(tmp_path / "c.csv", HEADER, [row, row, row]))
    assert (result.created, result.unchanged, result.rejected) == (1, 2, 0)
    assert len(list_contacts(workspace)) == 1
    with workspace.engine.connect() as conn:
        assert len(conn.execute(select(consent_records)).all()) == 1


def test_conflicting_rows_for_one_email_keep_the_first_and_reject_the_next(workspace, tmp_path):
    result = _import(
        workspace,
        write_csv(tmp_path / "c.csv", HEADER, [
            ["Ana", "ana@example.org", "", "", "", "", "", "", "Madrid"],
            ["Anna", "ANA@example.org", "", "", "", "", "", "", "Madrid"],
        ]),
    )  # fmt: skip
    assert (result.created, result.rejected) == (1, 1)
    (reject,) = _rejects(result)
    assert reject["line"] == 3 and "conflicts with line 2" in reject["reason"]
    assert "name" in reject["reason"] and "Anna" in reject["record"]
    assert [c["name"] for c in list_contacts(workspace)] == ["Ana"]


def test_unknown_platforms_malformed_handles_and_emails_are_rejected_rows(workspace, tmp_path):
    result = _import(
        workspace,
        write_csv(tmp_path / "c.csv", ["name", "email", "handle:reddit", "handle:myspace"], [
            ["A", "a@example.org", "", "@a"],
            ["B", "b@@example", "", ""],
            ["C", "", "u/not valid", ""],
            ["D", "", "", ""],
            ["E", "e@example.org", "u/e_e", ""],
        ]),
    )  # fmt: skip
    reasons = {r["line"]: r["reason"] for r in _rejects(result)}
    assert reasons == {
        2: "unknown platform 'myspace' in column 'handle:myspace'",
        3: "malformed email 'b@@example'",
        4: "malformed reddit handle 'u/not valid' (expected u/name)",
        5: "no email or handle to identify the contact",
    }
    assert [c["name"] for c in list_contacts(workspace)] == ["E"]


def test_a_connection_outside_the_known_ones_is_a_rejected_row(workspace, tmp_path):
    from escucha.store.schema import contact_attributes, contact_emails

    result = _import(
        workspace,
        write_csv(tmp_path / "team.csv", ["email", "Connection"], [
            ["a@example.org", "Employee"],
            ["b@example.org", "friend"],
            ["c@example.org", " PAID "],
            ["d@example.org", "none"],
            ["e@example.org", ""],
            ["f@example.org", "sponsored"],
        ]),
    )  # fmt: skip
    assert (result.created, result.rejected) == (4, 2)
    assert result.rejects_path.endswith("contacts-team.rejects.jsonl")
    reasons = {r["line"]: r["reason"] for r in _rejects(result)}
    assert reasons == {
        3: "column 'Connection': 'friend' is not a connection; connections are employee, "
        "gifted, paid, affiliate, none",
        7: "column 'Connection': 'sponsored' is not a connection; connections are employee, "
        "gifted, paid, affiliate, none",
    }
    with workspace.engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(contact_emails.c.email, contact_attributes.c.value)
                .join(
                    contact_attributes,
                    contact_attributes.c.contact_id == contact_emails.c.contact_id,
                )
                .where(contact_attributes.c.name == "connection")
            ).all()
        )
    assert stored == {"a@example.org": "employee", "c@example.org": "paid",
                      "d@example.org": "none"}  # fmt: skip


def test_a_platform_seen_in_imported_posts_is_known(workspace, tmp_path):
    from .helpers import posts_file

    workspace.import_file(posts_file(tmp_path / "p.csv", [("1", "gus", "tweets", "hola")]))
    result = _import(
        workspace, write_csv(tmp_path / "c.csv", ["name", "handle:tweets"], [["Gus", "@gus"]])
    )
    assert result.rejected == 0
    (gus,) = list_contacts(workspace)
    assert gus["name"] == "Gus" and len(gus["identities"]) == 1


def test_a_row_naming_two_known_authors_is_a_suggestion_not_a_merge(workspace, tmp_path):
    from escucha.community.resolve import suggestions

    from .helpers import posts_file

    workspace.import_file(posts_file(tmp_path / "p.csv", [
        ("1", "ana_g", "reddit", "x"), ("2", "zed.bsky.social", "bluesky", "y")]))  # fmt: skip
    result = _import(
        workspace,
        write_csv(tmp_path / "c.csv", ["handle:reddit", "handle:bluesky"],
                  [["u/ana_g", "zed.bsky.social"]]),
    )  # fmt: skip
    assert result.suggested == 1 and len(list_contacts(workspace)) == 2
    (found,) = suggestions(workspace)
    assert found["confidence"] == 0.8 and "listed together" in found["reason"]


def test_many_rows_import_in_bounded_time(sqlite_workspace, tmp_path):
    """A large file streams in batches (the benchmark imports a million rows)."""
    n = 20_000
    path = write_csv(
        tmp_path / "big.csv",
        ["name", "email", "segment"],
        [[f"P{i}", f"p{i}@example.org", str(i % 7)] for i in range(n)],
    )
    start = time.perf_counter()
    result = _import(sqlite_workspace, path)
    assert (result.rows, result.created, result.rejected) == (n, n, 0)
    assert time.perf_counter() - start < 120


def test_json_lines_with_lists_of_emails(workspace, tmp_path):
    path = tmp_path / "c.jsonl"
    rows = [
        {"name": "Ana", "email": ["ana@example.org", "ana@work.example"], "handle:reddit": "u/ana"},
        {"name": "Bo", "email": "bo@example.org", "lang": "en"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = _import(workspace, path)
    assert (result.created, result.rejected) == (2, 0)
    ana, bo = list_contacts(workspace)
    assert ana["emails"] == ["ana@example.org", "ana@work.example"] and bo["lang"] == "en"
