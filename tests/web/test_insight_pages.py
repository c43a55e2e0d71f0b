"""Themes, ideas, alerts and opportunities: the pages, their forms and the REST API."""

from __future__ import annotations

import csv
import io
import re

import pytest

from .conftest import HOSTILE_TITLE, bearer, csrf_of

THEME_LINK = re.compile(r'<a href="/themes/([a-z0-9-]+)\?')


def test_themes_of_complaints_and_wishes_per_language(analyst):
    html = analyst.get("/themes").text
    assert '<h2 id="lang-es-h">Spanish</h2>' in html and '<h2 id="lang-en-h">English</h2>' in html
    assert "<h3" in html and ">Concerns</h3>" in html and ">Wishes</h3>" in html
    assert "posts flagged;" in html and "fit no theme" in html
    ids = THEME_LINK.findall(html)
    assert ids and all(i.startswith(("complaint-", "wish-")) for i in ids)


def test_a_query_themes_the_matching_posts(analyst):
    html = analyst.get("/themes?q=vuelo+OR+flight").text
    assert "Themes of the matching posts" in html and ">Concerns</h3>" not in html
    assert 'value="vuelo OR flight"' in html
    one_intent = analyst.get("/themes?q=vuelo+OR+flight&intent=complaint").text
    assert ">Concerns</h3>" in one_intent and "Themes of the matching posts" not in one_intent
    bad = analyst.get("/themes?q=vuelo+AND+(retraso")
    assert bad.status_code == 400 and 'id="q-error"' in bad.text


def test_a_theme_page_lists_its_posts_and_exports_them(analyst):
    theme_id = THEME_LINK.findall(analyst.get("/themes?intent=complaint").text)[0]
    page = analyst.get(f"/themes/{theme_id}?intent=complaint")
    assert page.status_code == 200 and "<h1>Theme: " in page.text
    size = int(re.search(r"<dt>Posts</dt><dd>(\d+) posts</dd>", page.text)[1])
    assert page.text.count('class="post"') == min(size, 25)
    export = analyst.get(f"/themes/{theme_id}/export?intent=complaint&format=csv")
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][0] == "id" and len(rows) == size + 1
    assert analyst.get("/themes/no-such-theme").status_code == 404


def test_a_brands_view_ranks_the_scopes_themes_and_lists_its_posts(analyst, client, env):
    whole = {t["id"]: t for t in _api_themes(client, env, "")}
    mine = _api_themes(client, env, "?brand=Iberia")
    assert mine and all(t["brand_posts"] == whole[t["id"]]["brands"]["Iberia"] for t in mine)
    spanish = [t for t in mine if t["intent"] == "complaint" and t["lang"] == "es"]
    counts = [t["brand_posts"] for t in spanish if not t["other"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(t["brand_share"] for t in spanish) == pytest.approx(1.0)
    page = analyst.get("/themes?brand=Iberia&lang=es").text
    assert 'id="brand-view"' in page and "Iberia only: " in page
    theme = spanish[0]
    assert THEME_LINK.findall(page)[0] == theme["id"]
    detail = analyst.get(f"/themes/{theme['id']}?brand=Iberia&lang=es").text
    assert f"{theme['brand_posts']} of Iberia&#39;s posts" in detail
    assert detail.count('class="post"') == min(theme["brand_posts"], 25)
    export = analyst.get(f"/themes/{theme['id']}/export?brand=Iberia&lang=es&format=csv")
    assert len(list(csv.reader(io.StringIO(export.text)))) == theme["brand_posts"] + 1


def _api_themes(client, env, query: str) -> list[dict]:
    found = client.get(f"/api/v1/themes{query}", headers=bearer(env.tokens["ana-read"]))
    assert found.status_code == 200, found.text[:300]
    return found.json()["themes"]


def test_ideas_list_filters_and_detail(analyst, viewer):
    html = analyst.get("/ideas").text
    assert "Showing 1–" in html and 'href="/ideas/1"' in html
    assert "No ideas here" in analyst.get("/ideas?status=completed").text
    detail = analyst.get("/ideas/2").text
    assert "Change status" in detail and "Who asked" in detail
    assert "Change status" not in viewer.get("/ideas/2").text
    assert "Viewers read only" in viewer.get("/ideas/2").text
    assert analyst.get("/ideas/99999").status_code == 404
    assert analyst.get("/ideas?status=bogus").status_code == 400


def test_analysts_change_status_merge_and_unmerge(analyst):
    token = csrf_of(analyst, "/ideas/2")
    changed = analyst.post("/ideas/2/status", data={"csrf_token": token, "status": "planned"})
    assert changed.status_code == 303 and changed.headers["location"] == "/ideas/2"
    assert 'id="idea-status">planned<' in analyst.get("/ideas/2").text
    assert "/ideas/2" in analyst.get("/ideas?status=planned").text
    merged = analyst.post("/ideas/3/merge", data={"csrf_token": token, "into": "2"})
    assert merged.status_code == 303 and merged.headers["location"] == "/ideas/2"
    assert 'href="/ideas/3">#3</a>' in analyst.get("/ideas/2").text
    refused = analyst.post("/ideas/3/status", data={"csrf_token": token, "status": "open"})
    assert refused.status_code == 400 and "Not changed: idea #3 is a duplicate of #2" in (
        refused.text
    )
    back = analyst.post("/ideas/3/unmerge", data={"csrf_token": token})
    assert back.status_code == 303 and back.headers["location"] == "/ideas/3"
    analyst.post("/ideas/2/status", data={"csrf_token": token, "status": "open"})
    assert analyst.post("/ideas/2/status", data={"status": "open"}).status_code == 403  # CSRF
    missing = analyst.post("/ideas/99999/unmerge", data={"csrf_token": token})
    assert missing.status_code == 404


def test_alerts_history_and_running_them(analyst, viewer):
    html = analyst.get("/alerts").text
    assert "brands / volume" in html and "recorded (no channel)" in html
    assert "Run alerts now" in html and "Run alerts now" not in viewer.get("/alerts").text
    token = csrf_of(analyst, "/alerts")
    ran = analyst.post("/alerts/run", data={"csrf_token": token})
    assert ran.status_code == 200 and "Evaluated the windows ending" in ran.text
    assert analyst.post("/alerts/run", data={}).status_code == 403  # no CSRF token


def test_competitors_show_opportunities(analyst):
    html = analyst.get("/competitors").text
    assert "Opportunities: where competitors are praised and we are criticised" in html
    assert "praising posts about competitors" in html or "None qualifies" in html


def test_spanish_pages(app):
    from .conftest import logged_in

    client = logged_in(app, "ada")
    token = csrf_of(client, "/")
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    assert ">Quejas</h3>" in client.get("/themes").text
    assert "Cartera de ideas" in client.get("/ideas").text
    assert "Alertas" in client.get("/alerts").text
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})


def test_api_themes(client, env):
    headers = bearer(env.tokens["ana-read"])
    found = client.get("/api/v1/themes", headers=headers).json()["themes"]
    assert {t["intent"] for t in found} == {"complaint", "wish"}
    assert all(t["id"].startswith(t["intent"]) and t["post_ids"] for t in found)
    spanish = client.get("/api/v1/themes?intent=complaint&lang=es", headers=headers).json()
    assert spanish["themes"] and {(t["intent"], t["lang"]) for t in spanish["themes"]} == {
        ("complaint", "es")
    }
    queried = client.get("/api/v1/themes?q=vuelo", headers=headers).json()["themes"]
    assert {t["intent"] for t in queried} == {"any"}
    bad = client.get("/api/v1/themes?q=(vuelo", headers=headers)
    assert bad.status_code == 400 and "position" in bad.json()["detail"]


def test_api_ideas_and_alerts(client, env):
    read, write = bearer(env.tokens["ana-read"]), bearer(env.tokens["ana-write"])
    ideas = client.get("/api/v1/ideas", headers=read).json()
    assert ideas[0]["posts"] >= ideas[-1]["posts"] and {"askers", "trend"} <= set(ideas[0])
    assert any(i["title"] == HOSTILE_TITLE for i in ideas)  # JSON, not HTML: as stored
    idea = ideas[-1]["id"]
    changed = client.patch(f"/api/v1/ideas/{idea}", json={"status": "started"}, headers=write)
    assert changed.status_code == 200 and changed.json()["status"] == "started"
    started = client.get("/api/v1/ideas?status=started", headers=read).json()
    assert [i["id"] for i in started] == [idea]
    client.patch(f"/api/v1/ideas/{idea}", json={"status": "open"}, headers=write)
    wrong = client.patch(f"/api/v1/ideas/{idea}", json={"status": "nope"}, headers=write)
    assert wrong.status_code == 422
    missing = client.patch("/api/v1/ideas/99999", json={"status": "open"}, headers=write)
    assert missing.status_code == 404
    assert len(client.get("/api/v1/alerts?limit=1", headers=read).json()) == 1
    alerts = client.get("/api/v1/alerts", headers=read).json()
    assert any(a["subject"] == HOSTILE_TITLE for a in alerts) and "deliveries" in alerts[0]


def test_a_query_error_names_one_position_with_a_caret_under_the_query(analyst):
    for path in ("/explore", "/themes"):
        page = analyst.get(path, params={"q": "maleta AND (retraso"})
        assert page.status_code == 400
        html = page.text
        assert "unbalanced parenthesis at position 11" in html
        assert "character" not in html  # one position, not two counted differently
        caret = html.split('<pre class="query-caret">', 1)[1].split("</pre>", 1)[0]
        assert caret == "maleta AND (retraso\n" + " " * 11 + "^"


def test_a_cold_competitors_page_answers_at_once_and_shows_the_numbers_when_ready(env):
    import threading

    from escucha.web.app import create_app
    from escucha.web.context import WebSettings
    from escucha.web.service import Insights, get_insights

    from .conftest import make_client

    release = threading.Event()
    calls: list[int] = []

    class SlowInsights(Insights):
        def competitors(self, period=None):  # the slow part, held until the test lets it finish
            calls.append(1)
            release.wait()
            return super().competitors(period)

    app = create_app(env.workspace, WebSettings(compute_wait=0))
    app.dependency_overrides[get_insights] = lambda: SlowInsights(app.state.web)
    client = make_client(app)
    from .conftest import login

    login(client, "ana")
    first = client.get("/competitors")
    assert first.status_code == 200 and 'hx-trigger="every 2s"' in first.text
    assert '<meta http-equiv="refresh"' in first.text and "Opportunities" not in first.text
    poll = client.get("/competitors", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and "HX-Refresh" not in poll.headers
    again = client.get("/competitors")  # asking again starts no second computation
    assert "being computed" in again.text
    release.set()
    for _ in range(600):  # until the background thread has finished (no time limit asserted)
        poll = client.get("/competitors", headers={"HX-Request": "true"})
        if poll.headers.get("HX-Refresh") == "true":
            break
        threading.Event().wait(0.05)
    assert poll.headers.get("HX-Refresh") == "true"
    done = client.get("/competitors")
    assert "Opportunities" in done.text and "every 2s" not in done.text
    assert len(calls) == 1


def test_theme_lists_show_the_sample_of_a_net_sentiment_and_fade_small_ones(analyst):
    html = analyst.get("/themes").text
    nets = re.findall(r'<span class="net( too-few)?">([^<]+)</span>', html)
    assert nets
    for faded, text in nets:
        n = int(re.search(r"\(n = ([\d,]+)", text).group(1).replace(",", ""))
        assert (n < 30) == bool(faded) == ("too few" in text), text  # MIN_POSTS, as the overview
