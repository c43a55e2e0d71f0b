"""Custom categories in the web app and the REST API (tagging on the post page, the explorer's
filter, the /categories table), the top-authors page, and the ideas page's period control."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from .conftest import bearer, csrf_of, logged_in

SUMMARY = re.compile(r'<p class="results-summary">([\d,.]+) posts? match')


@pytest.fixture
def categories(env):
    """Two categories on the shared workspace, removed afterwards with their tags."""
    from escucha.understand.categories import add_category, remove_category

    engine = env.workspace.engine
    add_category(engine, "lost bags", "ana", query="maleta*")
    add_category(engine, "escalate", "ana")
    yield
    remove_category(engine, "lost bags")
    remove_category(engine, "escalate")


def _count(client, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200, page.text[:400]
    return int(SUMMARY.search(page.text)[1].replace(",", ""))


def _row(page: str, name: str) -> str:
    return re.search(rf'<tr data-category="{name}">.*?</tr>', page, re.DOTALL)[0]


def test_an_analyst_tags_a_post_and_the_category_counts_it(analyst, viewer, env, categories):
    post = env.ids["h3"]  # "fatal servicio": no lost bag
    page = analyst.get(f"/posts/{post}").text
    assert 'id="categories-h"' in page and 'value="escalate"' in page
    assert "This post is in no custom category." in page
    before = _count(analyst, "/explore?category=escalate")
    table = analyst.get("/categories").text
    assert "maleta*" in table and "by hand only" in _row(table, "escalate")
    token = csrf_of(analyst, f"/posts/{post}")
    done = analyst.post(
        f"/posts/{post}/categories",
        data={"category": ["escalate"], "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = analyst.get(f"/posts/{post}").text
    assert "tagged by hand" in page and "categories: escalate" in page  # the audit
    assert _count(analyst, "/explore?category=escalate") == before + 1
    row = _row(analyst.get("/categories").text, "escalate")
    assert re.search(r'<td class="num">1</td>', row), row
    # the post with a lost bag belongs to the query's category without a tag
    lost = analyst.get(f"/posts/{env.ids['h1']}").text
    assert "by the category&#39;s query" in lost or "by the category's query" in lost
    assert _count(analyst, "/explore?category=lost+bags") >= 1
    # a viewer sees the categories but has no form
    seen = viewer.get(f"/posts/{post}").text
    assert "escalate" in seen and 'action="/posts/' not in seen.split('id="categories-h"')[1]
    bad = analyst.get("/explore?category=nope")
    assert bad.status_code == 400 and "there is no category &#39;nope&#39;" in bad.text
    # untag: the box unchecked
    analyst.post(f"/posts/{post}/categories", data={"csrf_token": token})
    assert _count(analyst, "/explore?category=escalate") == before


def test_the_api_tags_and_reads_the_categories(app, env, categories):
    from .conftest import make_client

    client = make_client(app)
    post = env.ids["h4"]
    write = bearer(env.tokens["ana-write"])
    done = client.patch(
        f"/api/v1/posts/{post}/labels", json={"categories": ["Escalate"]}, headers=write
    )
    assert done.status_code == 200, done.text
    assert done.json()["categories"] == ["escalate"]
    read = bearer(env.tokens["ana-read"])
    rows = {r["category"]: r for r in client.get("/api/v1/categories", headers=read).json()}
    assert rows["escalate"]["tagged"] == 1 and rows["escalate"]["posts"] == 1
    assert rows["lost bags"]["query"] == "maleta*" and rows["lost bags"]["posts"] >= 1
    missing = client.patch(
        f"/api/v1/posts/{post}/labels", json={"categories": ["nope"]}, headers=write
    )
    assert missing.status_code == 400 and "no category 'nope'" in missing.text
    refused = client.patch(f"/api/v1/posts/{post}/labels", json={"categories": []}, headers=read)
    assert refused.status_code == 403
    client.patch(f"/api/v1/posts/{post}/labels", json={"categories": []}, headers=write)


def test_the_top_authors_page_ranks_by_posts_reach_and_engagement(analyst, app, env):
    overview = analyst.get("/?period=30d").text
    assert 'href="/authors?period=30d" id="authors-link"' in overview
    page = analyst.get("/authors")
    assert page.status_code == 200
    text = page.text
    for by in ("posts", "reach", "engagement"):
        assert f'id="authors-{by}"' in text
    reach = text.split('id="authors-reach"')[1].split("</section>")[0]
    first = re.search(r'<a href="([^"]+)">@([^<]+)</a>', reach)
    assert first, reach[:1000]
    link = htmllib.unescape(first[1])
    assert link.startswith("/explore?q=author") and _count(analyst, link) >= 1
    week = analyst.get("/authors?period=7d").text
    assert '<option value="7d" selected>Last 7 days</option>' in week
    spanish = logged_in(app, "ana")
    token = csrf_of(spanish, "/")
    spanish.post("/language", data={"lang": "es", "csrf_token": token})
    try:
        assert "Por alcance" in spanish.get("/authors").text
        assert "Categorías" in spanish.get("/categories").text
    finally:  # the choice is the user's: give the shared user back their English
        spanish.post("/language", data={"lang": "en", "csrf_token": token})


def test_the_ideas_page_takes_the_period_control(analyst):
    everything = analyst.get("/ideas")
    assert everything.status_code == 200 and 'id="p-period"' in everything.text
    counted = re.findall(r'<td class="num">(\d+)</td><td class="num">', everything.text)
    assert counted
    chosen = analyst.get("/ideas?date_from=1990-01-01&date_to=1990-01-31").text
    assert 'value="1990-01-01"' in chosen
    assert re.findall(r'<td class="num">(\d+)</td><td class="num">', chosen) == []


def test_a_categorys_themes_group_only_its_posts(client, env, categories):
    headers = bearer(env.tokens["ana-read"])
    url = "/api/v1/posts?category=lost%20bags&limit=500"
    inside = {p["native_id"] for p in client.get(url, headers=headers).json()["items"]}
    themes = client.get("/api/v1/themes?category=lost%20bags", headers=headers).json()["themes"]
    grouped = {i for t in themes for i in t["post_ids"]}
    assert grouped and grouped <= inside
