"""What the web app keeps between requests to answer them with less work: the shaped parts of
the overview and the API's aggregates (web.service.Insights.cached_part) move with the data
version and are never a user's; sessions and tokens are read from the store on every request,
so ending one refuses its next request."""

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
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert revoke_token(env.workspace.engine, info.id)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
