"""In chromium: choose a period, compare it with the previous one, keep it across pages, and
drill from a chart point into the posts of its bin and what drove them."""

from __future__ import annotations

import re

from .test_browser import (  # noqa: F401 (fixtures)
    browser,
    log_in,
    page,
    pytestmark,
    server,
)


def test_choose_a_period_compare_and_drill_from_a_chart_into_posts(page):  # noqa: F811
    log_in(page)
    page.goto("/")
    page.locator("#p-period").select_option("30d")
    page.locator("#p-compare").select_option("previous")
    page.locator("#period-apply").click()
    page.wait_for_url(re.compile(r".*period=30d.*compare=previous"))
    comparison = page.locator("#comparison")
    comparison.wait_for()
    text = comparison.inner_text()
    assert "two-proportion z-test" in text and "exact Poisson test" in text
    assert "n before / after" in text
    shown = page.locator("#period-shown").inner_text()
    assert "(30 days)" in shown and "compared with" in shown

    # the navigation keeps the period: the explorer opens on it
    page.get_by_role("navigation").get_by_role("link", name="Mentions").click()
    page.wait_for_url(re.compile(r".*/explore\?period=30d"))
    assert page.locator("#p-period").input_value() == "30d"
    assert "(30 days)" in page.locator("#period-shown").inner_text()

    # a point of the volume chart opens the posts of its bin
    page.goto("/")
    points = page.locator('.chart-svg a[*|href*="date_from"]')
    assert points.count() > 0
    target = points.first.get_attribute("xlink:href") or points.first.get_attribute("href")
    points.first.dispatch_event("click")
    page.wait_for_url(re.compile(r".*/explore\?.*date_from=.*"))
    first = re.search(r"date_from=(\d{4}-\d{2}-\d{2})", target)[1]
    last = re.search(r"date_to=(\d{4}-\d{2}-\d{2})", target)[1]
    summary = page.locator(".results-summary").inner_text()
    assert "posts match" in summary or "post matches" in summary
    days = re.findall(r"(\d{4}-\d{2}-\d{2}) \d{2}:\d{2} UTC", page.locator(".posts").inner_text())
    assert days and all(first <= d <= last for d in days)

    # ... and what drove them
    page.locator("#drivers-link").click()
    page.wait_for_url(re.compile(r".*/drivers\?.*"))
    assert page.locator("h1").inner_text() == "What drove it"
    assert page.locator("#drivers-terms").count() == 1
    assert page.dialogs == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_the_period_control_in_spanish(page):  # noqa: F811
    log_in(page, "vic")
    page.goto("/?period=7d")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    try:
        assert page.locator("html").get_attribute("lang") == "es"
        selected = page.locator("#p-period option:checked").inner_text()
        assert selected == "Últimos 7 días"
        assert "(7 días)" in page.locator("#period-shown").inner_text()
    finally:
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
