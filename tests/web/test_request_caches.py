"""What the web app keeps between requests to answer them with less work: the shaped parts of
the overview and the API's aggregates (web.service.Insights.cached_part), the rendered bodies
of the overview and the explorer and the serialised API answers (Insights.shared_answer) move
with the data version and are never a user's; sessions and tokens are read from the store on
every request, so ending one refuses its next request."""

from __future__ import annotations

import re

from .conftest import CSRF, bearer, logged_in, make_client

LABELLED = re.compile(r"(\d+) posts carry an analyst")


def _iberia(client, env, path: str) -> dict:
    rows = client.get(f"/api/v1/{path}?by_lang=false", headers=bearer(env.tokens["ana-read"]))
    assert rows.status_code == 200
    return next(r for r in rows.json() if r["brand"] == "Iberia")


def _labelled(page: str) -> int:
    found = LABELLED.search(page)
    return int(found[1]) if found else 0


def test_cached_aggregates_and_overview_follow_a_relabel(client, analyst, env):
    post = env.ids["h1"]  # "@Iberia me habéis perdido la maleta"
    read, write = bearer(env.tokens["ana-read"]), bearer(env.tokens["ana-write"])
    net, share = _iberia(client, env, "net-sentiment"), _iberia(client, env, "share-of-voice")
    assert _iberia(client, env, "net-sentiment") == net  # the cached answer, the same
    labelled = _labelled(analyst.get("/").text)
    shown = client.get(f"/api/v1/posts/{post}", headers=read).json()["sentiment"]
    target = "positive" if shown != "positive" else "negative"
    labels = f"/api/v1/posts/{post}/labels"
    assert client.patch(labels, json={"sentiment": target}, headers=write).status_code == 200
    try:
        after = _iberia(client, env, "net-sentiment")
        assert after[target] == net[target] + 1 and after["posts"] == net["posts"]
        assert _iberia(client, env, "share-of-voice") == share  # the mentions did not change
        assert _labelled(analyst.get("/").text) == labelled + 1
    finally:
        assert client.patch(labels, json={"restore": True}, headers=write).status_code == 200
    assert _iberia(client, env, "net-sentiment") == net


def test_the_cached_overview_is_shaped_once_but_each_user_gets_their_own_page(app):
    pages = {}
    for name in ("ana", "vic", "ada"):
        client = logged_in(app, name)
        page = client.get("/").text
        assert f"Signed in as {name} (" in page
        token = CSRF.search(page)[1]  # type: ignore[index]
        assert token == CSRF.search(client.get("/explore").text)[1]  # type: ignore[index]
        pages[name] = (page, token)
    assert len({token for _, token in pages.values()}) == 3
    assert 'href="/jobs"' in pages["ada"][0]  # the navigation is the role's
    assert 'href="/jobs"' not in pages["vic"][0]


def test_a_session_ended_in_the_store_refuses_its_next_request(app, env):
    """As another worker process ending it (logout there, or an admin removing sessions)."""
    import sqlalchemy as sa

    from escucha.auth.users import get_user_by_name
    from escucha.store.schema import web_sessions

    client = logged_in(app, "vic")
    assert client.get("/").status_code == 200
    user = get_user_by_name(env.workspace.engine, "vic")
    assert user is not None
    with env.workspace.engine.begin() as conn:
        conn.execute(sa.delete(web_sessions).where(web_sessions.c.user_id == user.id))
    assert client.get("/").status_code == 303  # to /login, at once: no cached session


def test_a_token_revoked_in_the_store_refuses_its_next_request(env, app):
    from escucha.auth.tokens import create_token, revoke_token

    token, info = create_token(env.workspace.engine, "vic", "read", "revoked elsewhere")
    client = make_client(app)
    kept = ("/api/v1/posts?limit=5", "/api/v1/share-of-voice")  # answers sent as kept bytes
    for path in ("/api/v1/me", *kept):
        assert client.get(path, headers=bearer(token)).status_code == 200
    assert revoke_token(env.workspace.engine, info.id)
    for path in ("/api/v1/me", *kept):
        assert client.get(path, headers=bearer(token)).status_code == 401


def _negative_iberia(client, analyst, env) -> tuple[int, int, str]:
    """The API's total of negative Iberia posts (its first page, a kept answer), the number
    the explorer's summary gives for them (a kept body), and the overview."""
    path = "brand=Iberia&sentiment=negative"
    api = client.get(f"/api/v1/posts?limit=5&{path}", headers=bearer(env.tokens["ana-read"]))
    page = analyst.get(f"/explore?{path}").text
    found = re.search(r'class="results-summary">([\d,]+) posts', page)
    assert api.status_code == 200 and found
    return api.json()["total"], int(found[1].replace(",", "")), analyst.get("/").text


def test_kept_pages_and_answers_show_a_relabel_at_the_next_request(client, analyst, env):
    post = env.ids["h3"]  # "=HYPERLINK(...) @Iberia fatal servicio"
    write = bearer(env.tokens["ana-write"])
    labels = f"/api/v1/posts/{post}/labels"
    assert client.patch(labels, json={"sentiment": "negative"}, headers=write).status_code == 200
    try:
        api, shown, overview = _negative_iberia(client, analyst, env)
        assert _negative_iberia(client, analyst, env)[:2] == (api, shown)  # kept, the same
        assert api == shown
        relabelled = client.patch(labels, json={"sentiment": "positive"}, headers=write)
        assert relabelled.status_code == 200
        after = _negative_iberia(client, analyst, env)
        assert after[:2] == (api - 1, shown - 1)
        assert _labelled(after[2]) == _labelled(overview)  # relabelled either way: still one
    finally:
        assert client.patch(labels, json={"restore": True}, headers=write).status_code == 200


def test_a_kept_body_carries_no_user_and_each_page_only_its_own_user(app):
    """The body of the overview and of the explorer is rendered once for everyone: what makes
    a page a user's (the name, the role's navigation, the CSRF token of the session) is only
    in that user's page, whoever asked first."""
    clients = {name: logged_in(app, name) for name in ("ada", "vic")}
    for path in ("/", "/explore?period=30d&compare=previous", "/explore?brand=Iberia&page=2"):
        pages = {name: client.get(path).text for name, client in clients.items()}
        tokens = {name: CSRF.findall(page) for name, page in pages.items()}
        for name, other in (("ada", "vic"), ("vic", "ada")):
            assert f"Signed in as {name} (" in pages[name]
            assert f"Signed in as {other} (" not in pages[name]
            assert len(set(tokens[name])) == 1 and tokens[name][0] not in pages[other]
        assert ('href="/jobs' in pages["ada"], 'href="/jobs' in pages["vic"]) == (True, False)


def test_the_explorer_keeps_its_query_errors_and_its_htmx_results_apart(analyst):
    bad = analyst.get("/explore?q=%22open")
    assert bad.status_code == 400 and "Signed in as ana (" in bad.text
    assert analyst.get("/explore?q=%22open").status_code == 400  # kept, with its status
    partial = {"HX-Request": "true", "HX-Target": "results"}
    results = analyst.get("/explore?brand=Iberia", headers=partial)
    assert results.status_code == 200 and "<html" not in results.text
    assert results.headers["HX-Push-Url"] == "/explore?brand=Iberia"
    page = analyst.get("/explore?brand=Iberia")
    assert "<html" in page.text and "HX-Push-Url" not in page.headers
    assert results.text.strip() in page.text  # the same results, inside the page
