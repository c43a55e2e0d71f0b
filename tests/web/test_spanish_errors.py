"""Errors the core raises reach the Spanish pages in Spanish: the community's refusals
(merging a contact with itself, undoing a merge that never happened, an unknown kind of
give or ask) and a bad id in a form, never half in English."""

from __future__ import annotations

import pytest

from .conftest import HOSTILE_TITLE, community_workspace, contact_named, csrf_of, logged_in


@pytest.fixture(scope="module")
def spanish(tmp_path_factory):
    from escucha.web.app import create_app
    from escucha.web.security import LANG_COOKIE

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        ws = community_workspace(tmp_path_factory)
    app = create_app(ws)

    def client(name: str):
        browser = logged_in(app, name)
        browser.cookies.set(LANG_COOKIE, "es")
        return browser

    return ws, client


def _message(page) -> str:
    start = page.text.index('role="alert">') + len('role="alert">')
    return page.text[start : page.text.index("</p>", start)]


def test_an_unknown_kind_is_refused_in_spanish(spanish):
    ws, client = spanish
    marta = contact_named(ws, HOSTILE_TITLE)
    analyst = client("ana")
    page = analyst.post(
        f"/contacts/{marta}/interactions",
        data={"csrf_token": csrf_of(analyst, f"/contacts/{marta}"), "kind": "give:bribe"},
    )
    assert page.status_code == 400
    assert _message(page).startswith("No se hizo: tipo desconocido &#39;give:bribe&#39;; los tipos")


def test_merging_a_contact_with_itself_is_refused_in_spanish(spanish):
    ws, client = spanish
    marta = contact_named(ws, HOSTILE_TITLE)
    admin = client("ada")
    page = admin.post(
        "/contacts/suggestions/accept",
        data={"csrf_token": csrf_of(admin, "/contacts/suggestions"), "a": marta, "b": marta,
              "reason": "misma persona"},
    )  # fmt: skip
    assert page.status_code == 400
    assert _message(page) == f"No se hizo: no se puede fusionar el contacto {marta} consigo mismo"


def test_undoing_a_merge_that_never_happened_is_refused_in_spanish(spanish):
    ws, client = spanish
    marta = contact_named(ws, HOSTILE_TITLE)
    admin = client("ada")
    page = admin.post(
        f"/contacts/{marta}/unmerge",
        data={"csrf_token": csrf_of(admin, f"/contacts/{marta}"), "identity": "reddit:u/marta_r"},
    )
    assert page.status_code == 400
    assert _message(page) == (
        f"No se hizo: la identidad reddit:u/marta_r nunca se fusionó con el contacto {marta}: "
        "es la suya propia"
    )


def test_a_bad_id_in_a_form_is_explained_in_spanish(spanish):
    _, client = spanish
    admin = client("ada")
    page = admin.post(
        "/contacts/suggestions/accept",
        data={"csrf_token": csrf_of(admin, "/contacts/suggestions"), "a": str(2**63), "b": "x",
              "reason": "r"},
    )  # fmt: skip
    assert page.status_code == 400
    assert "a: no es un valor válido; b: no es un valor válido" in page.text
    assert "Input should" not in page.text
