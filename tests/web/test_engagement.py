"""Reach and engagement in the web app and the API: the explorer sorts by them (and keeps the
sort in its address), the post page and the API show them, share of voice comes by mentions
and by reach, both labelled."""

from __future__ import annotations

import re

from .conftest import bearer, csrf_of

POST_LINK = re.compile(r'href="/posts/(\d+)"')


def _ranked(env, column: str) -> list[int]:
    """Post ids by `column` highest first, posts without it last, ties newest stored first."""
    frame = env.workspace.posts()
    known = frame[frame[column].notna()]
    return list(known.sort_values([column, "id"], ascending=False)["id"])


def test_the_explorer_sorts_by_engagement_and_by_reach(analyst, env):
    for sort, column in (("engagement", "engagement"), ("reach", "followers")):
        expected = _ranked(env, column)
        assert len(expected) > 25
        page = analyst.get("/explore", params={"sort": sort})
        assert page.status_code == 200
        assert [int(i) for i in POST_LINK.findall(page.text)] == expected[:25]
        assert f'<option value="{sort}" selected>' in page.text
        second = analyst.get("/explore", params={"sort": sort, "page": 2}).text
        assert [int(i) for i in POST_LINK.findall(second)] == expected[25:50]
        assert f'href="/explore?sort={sort}&amp;page=3"' in second  # the sort stays in links


def test_the_sort_stays_in_the_address_of_a_filtered_view(analyst):
    swapped = analyst.get(
        "/explore",
        params={"q": "flight", "sort": "engagement"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert swapped.headers["HX-Push-Url"] == "/explore?q=flight&sort=engagement"


def test_a_post_shows_its_counts_and_a_post_without_them_says_so(analyst, env):
    frame = env.workspace.posts()
    top = frame.loc[frame["engagement"].idxmax()]
    page = analyst.get(f"/posts/{int(top['id'])}").text
    assert f'<dd class="num" id="count-engagement">{int(top["engagement"]):,}</dd>' in page
    assert f"{int(top['reposts']):,} reposts" in page
    plain = int(frame[frame["engagement"].isna()]["id"].iloc[0])
    assert "The source gave no counts for this post." in analyst.get(f"/posts/{plain}").text


def test_the_api_lists_posts_with_their_counts_in_a_chosen_order(client, env):
    headers = bearer(env.tokens["vic-read"])
    expected = _ranked(env, "engagement")
    first = client.get("/api/v1/posts", params={"sort": "engagement", "limit": 20}, headers=headers)
    body = first.json()
    assert [p["id"] for p in body["items"]] == expected[:20]
    assert body["items"][0]["engagement"] is not None and "followers" in body["items"][0]
    after = client.get(
        "/api/v1/posts",
        params={"sort": "engagement", "limit": 20, "cursor": body["next_cursor"]},
        headers=headers,
    ).json()
    assert [p["id"] for p in after["items"]] == expected[20:40]
    wrong = client.get("/api/v1/posts", params={"sort": "likes"}, headers=headers)
    assert wrong.status_code == 422


def test_share_of_voice_by_reach_in_the_api_and_on_the_pages(client, analyst, env):
    from escucha.insights import share_of_voice

    expected = share_of_voice(env.workspace.posts()).set_index(["lang", "brand"])
    rows = client.get("/api/v1/share-of-voice", headers=bearer(env.tokens["ana-read"])).json()
    reached = [r for r in rows if r["reach_known"]]
    assert reached and all(r["reach_share"] is not None for r in reached)
    for r in reached:
        assert r["reach"] == expected.loc[(r["lang"], r["brand"]), "reach"]
    assert all(r["reach_share"] is None for r in rows if not r["reach_known"])
    overview = analyst.get("/").text
    assert "Share by mentions" in overview and "Share by reach" in overview
    token = csrf_of(analyst, "/")
    analyst.post("/language", data={"csrf_token": token, "lang": "es", "next": "/"})
    try:
        assert "Cuota por alcance" in analyst.get("/").text
    finally:
        analyst.post("/language", data={"csrf_token": token, "lang": "en", "next": "/"})


def test_the_api_ranks_authors_by_posts_by_reach_and_by_engagement(client, env):
    from escucha.insights import active_authors

    frame = env.workspace.posts()
    headers = bearer(env.tokens["vic-read"])
    for by, column in (("reach", "followers"), ("engagement", "engagement"), ("posts", "posts")):
        got = client.get("/api/v1/authors", params={"by": by, "limit": 5}, headers=headers).json()
        expected = active_authors(frame, n=5, by=by)
        assert [a["author"] for a in got] == list(expected["author"])
        values = [a[column] for a in got]
        assert values == sorted(values, reverse=True) and None not in values


def test_the_api_relabels_a_post_with_a_write_token_only(client, env):
    post = env.ids["h2"]
    before = client.get(f"/api/v1/posts/{post}", headers=bearer(env.tokens["ana-read"])).json()
    other = "positive" if before["sentiment"] != "positive" else "negative"
    refused = client.patch(
        f"/api/v1/posts/{post}/labels",
        json={"sentiment": other},
        headers=bearer(env.tokens["ana-read"]),
    )
    assert refused.status_code == 403
    writer = bearer(env.tokens["ana-write"])
    try:
        done = client.patch(
            f"/api/v1/posts/{post}/labels", json={"sentiment": other, "intents": []}, headers=writer
        )
        assert done.json() == {"sentiment": other, "intents": [], "categories": []}
        shown = client.get(f"/api/v1/posts/{post}", headers=writer).json()
        assert (shown["sentiment"], shown["labelled_by"]) == (other, "ana")
        bad = client.patch(
            f"/api/v1/posts/{post}/labels", json={"sentiment": "angry"}, headers=writer
        )
        assert bad.status_code == 422
    finally:
        restored = client.patch(
            f"/api/v1/posts/{post}/labels", json={"restore": True}, headers=writer
        )
    assert restored.json()["sentiment"] == before["sentiment"]
