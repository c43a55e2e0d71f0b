"""The period control shared by the pages, the comparison of two periods, and drill-down:
from a number or a chart point to the posts behind it, and what drove them."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta

import pytest

from .conftest import csrf_of, logged_in

SUMMARY = re.compile(r'<p class="results-summary">([\d,.]+) posts? match')
CHART_LINK = re.compile(r'xlink:href="(/explore\?[^"]+)"')


def _posts(env):
    return env.workspace.posts()


def _newest(env) -> date:
    frame = _posts(env)
    mentioned = frame[[bool(len(b)) for b in frame["brands"]]]
    return mentioned["created_at"].max().date()


def _matches(client, link: str) -> int:
    page = client.get(htmllib.unescape(link))
    assert page.status_code == 200, page.text[:400]
    found = SUMMARY.search(page.text)
    assert found, page.text[:2000]
    return int(found[1].replace(",", ""))


def test_a_preset_period_on_the_overview_is_kept_in_the_navigation(analyst, env):
    page = analyst.get("/?period=30d&compare=previous")
    assert page.status_code == 200
    text = page.text
    assert '<option value="30d" selected>Last 30 days</option>' in text
    newest = _newest(env)
    start = newest - timedelta(days=29)
    assert f'value="{start.isoformat()}"' in text and f'value="{newest.isoformat()}"' in text
    assert 'href="/explore?period=30d&amp;compare=previous"' in text  # the navigation keeps it
    assert 'href="/competitors?period=30d&amp;compare=previous"' in text
    trending = re.search(r'<a href="([^"]+)" id="trending-link">', text)[1]
    page = analyst.get(htmllib.unescape(trending))
    assert page.status_code == 200 and "<h1>What drove it</h1>" in page.text
    assert "(30 days)" in page.text  # the chosen period, against the 30 days before


def test_the_comparison_counts_what_its_links_show(analyst, env):
    text = analyst.get("/?period=30d&compare=previous").text
    assert '<section aria-labelledby="comparison-h" id="comparison">' in text
    assert "exact Poisson test" in text and "two-proportion z-test" in text
    block = text[text.index('<table class="comparison">') :]
    block = block[: block.index("</table>")]
    before_link = re.search(r'<a href="([^"]+)">Before</a>', block)[1]
    after_link = re.search(r'<a href="([^"]+)">After</a>', block)[1]
    volume = re.search(
        r"<th scope=\"row\">Mentions</th>\s*<td class=\"num\"><a[^>]*>([\d,]+)</a></td>\s*"
        r"<td class=\"num\"><a[^>]*>([\d,]+)</a></td>",
        block,
    )
    before, after = (int(v.replace(",", "")) for v in volume.groups())
    assert before + after > 0
    assert _matches(analyst, before_link) == before
    assert _matches(analyst, after_link) == after
    samples = re.search(r'<td class="num">([\d,]+) / ([\d,]+)</td>', block)
    assert (int(samples[1].replace(",", "")), int(samples[2].replace(",", ""))) == (
        before,
        after,
    )


def test_a_share_of_voice_row_opens_those_mentions(analyst):
    text = analyst.get("/?period=90d").text
    rows = re.findall(
        r'<td class="num"><a href="(/explore\?[^"]+)">([\d,]+)</a></td><td class="num">', text
    )
    assert rows
    for link, mentions in rows[:3]:
        assert "date_from=" in link and "brand=" in link
        assert _matches(analyst, link) == int(mentions.replace(",", ""))


def test_a_chart_point_opens_the_posts_of_its_bin_and_what_drove_them(analyst, env):
    text = analyst.get("/").text
    links = [htmllib.unescape(x) for x in CHART_LINK.findall(text)]
    assert links, "the volume chart's points and the share bars carry links"
    bins = [x for x in links if "date_from=" in x]
    counts = {x: _matches(analyst, x) for x in bins[:40]}
    link = max(counts, key=counts.get)  # the fullest bin: a spike
    assert counts[link] > 0
    page = analyst.get(link).text
    day_from = re.search(r"date_from=(\d{4}-\d{2}-\d{2})", link)[1]
    day_to = re.search(r"date_to=(\d{4}-\d{2}-\d{2})", link)[1]
    shown = re.findall(r"<span>(\d{4}-\d{2}-\d{2}) \d{2}:\d{2} UTC</span>", page)
    assert shown and all(day_from <= d <= day_to for d in shown)
    drivers = re.search(r'<a href="([^"]+)" id="drivers-link">', page)
    assert drivers
    found = analyst.get(htmllib.unescape(drivers[1]))
    assert found.status_code == 200
    assert f"{counts[link]} posts" in found.text  # the chosen posts, counted
    assert '<h2 id="drivers-terms-h">Terms</h2>' in found.text


def test_the_explorer_keeps_the_period_in_its_links_and_counts_its_posts(analyst, env):
    page = analyst.get("/explore?period=7d&sort=oldest").text
    newest = _newest(env)
    frame = _posts(env)
    days = frame["created_at"].dt.date
    expected = int(((days >= newest - timedelta(days=6)) & (days <= newest)).sum())
    assert int(SUMMARY.search(page)[1].replace(",", "")) == expected
    assert '<option value="7d" selected>Last 7 days</option>' in page
    exports = re.findall(r'href="/explore/export\?([^"]+)"', page)
    assert exports and all("period=7d" in e for e in exports)
    export = analyst.get("/explore/export?" + htmllib.unescape(exports[0]))
    assert export.status_code == 200
    assert len(export.text.strip().splitlines()) == expected + 1  # a header and the posts


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("period=week", "period: &#39;week&#39;"),
        ("date_from=2017-13-01", "date_from: &#39;2017-13-01&#39; is not a day"),
        ("period=30d&compare=last", "compare: &#39;last&#39; is not a range"),
    ],
)
def test_a_bad_period_is_one_clear_error(analyst, query, says):
    for path in ("/", "/explore"):
        page = analyst.get(f"{path}?{query}")
        assert page.status_code == 400
        assert says in page.text


def test_the_spanish_overview_compares_in_spanish(app, env):
    client = logged_in(app, "vic")
    token = csrf_of(client, "/")
    client.post("/language", data={"lang": "es", "next": "/", "csrf_token": token})
    try:
        text = client.get("/?period=30d&compare=previous").text
        drivers = client.get("/drivers?period=30d").text
    finally:
        client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert "Cambio entre los periodos" in text and "prueba z de dos proporciones" in text
    newest = _newest(env)
    months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
    assert f"{newest.day} {months[newest.month - 1]} {newest.year}" in text
    assert "Last 30 days" not in text and "Últimos 30 días" in text
    assert "<h1>Qué lo impulsó</h1>" in drivers and ">Términos</h2>" in drivers


def test_every_page_with_the_control_survives_a_period(analyst):
    for path in ("/", "/explore", "/themes", "/competitors"):
        page = analyst.get(f"{path}?period=90d&compare=previous")
        assert page.status_code == 200, path


def test_themes_and_competitors_take_the_period(analyst, env):
    newest = _newest(env)
    start = (newest - timedelta(days=6)).isoformat()
    themes = analyst.get("/themes?period=7d").text
    assert f'id="p-from" name="date_from" type="date" value="{start}"' in themes
    links = re.findall(r'<a href="/themes/[a-z0-9-]+\?([^"]+)"', themes)
    assert all(f"date_from={start}" in htmllib.unescape(x) for x in links)
    page = analyst.get("/competitors?period=7d").text
    assert '<option value="7d" selected>Last 7 days</option>' in page
    week = _matches(analyst, "/explore?period=7d&brand=Iberia&lang=es")
    row = re.search(r"Iberia.*?</tr>", page, re.DOTALL)[0]
    assert re.search(rf'<td class="num">{week:,}</td>', row), row
