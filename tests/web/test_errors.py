"""The core's errors become HTTP statuses in one place: the error page for the pages, JSON
with the same status under /api/v1."""

from __future__ import annotations

import pytest

from escucha.errors import Conflict, Forbidden, NotFound, Overloaded, UserError

from .conftest import bearer, logged_in, make_client

RAISED = {
    "not-found": NotFound,
    "forbidden": Forbidden,
    "conflict": Conflict,
    "bad": UserError,
    "overloaded": Overloaded,
}
STATUS = {"not-found": 404, "forbidden": 403, "conflict": 409, "bad": 400, "overloaded": 503}


@pytest.fixture(scope="module")
def raising_app(env):
    """The app with a page and an API route that raise each kind of error."""
    from escucha.web.app import create_app

    app = create_app(env.workspace)

    def fail(kind: str):
        raise RAISED[kind](f"refused: {kind}")

    app.add_api_route("/raise/{kind}", fail)
    app.add_api_route("/api/v1/raise/{kind}", fail)
    return app


@pytest.mark.parametrize("kind", sorted(RAISED))
def test_each_error_is_a_page_with_its_status(raising_app, kind):
    page = logged_in(raising_app, "ana").get(f"/raise/{kind}")
    assert page.status_code == STATUS[kind]
    assert page.headers["content-type"].startswith("text/html")
    if kind in ("bad", "conflict"):  # the message says what was wrong
        assert f"refused: {kind}" in page.text


@pytest.mark.parametrize("kind", sorted(RAISED))
def test_each_error_is_json_with_its_status_on_the_api(raising_app, kind):
    answer = make_client(raising_app).get(f"/api/v1/raise/{kind}")
    assert answer.status_code == STATUS[kind]
    assert answer.json() == {"detail": f"refused: {kind}"}


def test_a_missing_post_is_a_404_page_and_a_404_answer(analyst, client, env):
    page = analyst.get("/posts/999999")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    answer = client.get("/api/v1/posts/999999", headers=bearer(env.tokens["vic-read"]))
    assert answer.status_code == 404 and answer.json() == {"detail": "no post #999999"}


def test_a_missing_idea_is_a_404_page_and_a_404_answer(analyst, client, env):
    assert analyst.get("/ideas/99999").status_code == 404
    answer = client.patch(
        "/api/v1/ideas/99999", json={"status": "open"}, headers=bearer(env.tokens["ana-write"])
    )
    assert answer.status_code == 404 and "no idea #99999" in answer.json()["detail"]


def test_a_bad_query_is_a_400_page_and_a_400_answer_with_its_position(analyst, client, env):
    page = analyst.get("/explore/export", params={"q": "maleta AND (retraso"})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    answer = client.get(
        "/api/v1/posts", params={"q": "maleta AND (retraso"}, headers=bearer(env.tokens["ana-read"])
    )
    assert answer.status_code == 400 and set(answer.json()["detail"]) == {"message", "position"}


def test_a_missing_theme_is_a_404_page(analyst):
    page = analyst.get("/themes/no-such-theme/export")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
