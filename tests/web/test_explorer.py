"""The mentions explorer as an analyst uses it: order, pages both ways with a count, a
bookmarkable address, exports only when there is something to export."""

from __future__ import annotations

import re

POST_LINK = re.compile(r'href="/posts/(\d+)"')


def _explorer_ids(client, **params) -> list[int]:
    page = client.get("/explore", params=params)
    assert page.status_code == 200
    return [int(i) for i in POST_LINK.findall(page.text)]


def test_the_explorer_sorts_by_date_and_pages_both_ways_with_a_count(analyst, env):
    frame = env.workspace.posts()
    dated = frame.dropna(subset=["created_at"])
    newest = list(dated.sort_values(["created_at", "id"], ascending=False)["id"])
    oldest = list(dated.sort_values(["created_at", "id"])["id"])
    size = 25
    assert len(frame) > 2 * size
    assert _explorer_ids(analyst) == newest[:size]  # newest first by default, not import order
    assert _explorer_ids(analyst, page=2) == newest[size : 2 * size]
    assert _explorer_ids(analyst, sort="oldest") == oldest[:size]
    second = analyst.get("/explore", params={"sort": "oldest", "page": 2}).text
    pages = -(-len(frame) // size)
    assert f"{len(frame):,} posts match, oldest first; page 2 of {pages}." in second
    assert 'href="/explore?sort=oldest" ' in second and 'rel="prev"' in second  # page 1
    assert 'href="/explore?sort=oldest&amp;page=3"' in second and 'rel="next"' in second
    assert 'name="sort"' in second and '<option value="oldest" selected>' in second


def test_the_explorer_url_keeps_query_filters_period_and_sort(analyst):
    params = {"q": "maleta", "lang": "es", "date_from": "2017-11-01", "sort": "oldest"}
    swapped = analyst.get(
        "/explore", params=params, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    pushed = swapped.headers["HX-Push-Url"]
    assert pushed == "/explore?q=maleta&lang=es&date_from=2017-11-01&sort=oldest"
    assert analyst.get(pushed).status_code == 200


def test_no_exports_are_offered_for_zero_results(analyst):
    none = analyst.get("/explore", params={"q": "zzzznothingmatcheszzzz"}).text
    assert "No post matches these filters." in none
    assert "/explore/export" not in none and 'rel="next"' not in none
    assert "/explore/export" in analyst.get("/explore", params={"q": "maleta"}).text
