"""The themes, competitor themes, opportunities, idea backlog and alert sections: exact values
on hand-made inputs, what the page says when there is nothing, and hostile text."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pandas as pd

from escucha.insights.opportunities import Opportunity
from escucha.report import render_report

from .conftest import make_quote, make_theme

WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
NO_THEMES = {"complaint": [], "wish": []}


def page_of(posts: pd.DataFrame, brands: list[dict], **kwargs) -> str:
    kwargs.setdefault("themes", NO_THEMES)
    kwargs.setdefault("opportunities", [])
    return render_report(
        posts,
        workspace_name="Tiny",
        brands=brands,
        sources=[],
        models={},
        generated_at=WHEN,
        **kwargs,
    )


def section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}"')
    return page[start : page.index("</section>", start)]


class _Cells(HTMLParser):
    """The text of each table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def cells(html: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(html)
    return parser.rows[1:]  # without the header row


def _lost_bag() -> list:
    quotes = (
        make_quote(4, "Acme lost my bag again", url="https://example.com/4", author="bob"),
        make_quote(9, "Still no bag from Acme"),
        make_quote(11, "Third quote, not shown"),
    )
    brands = {"Acme": 9, "Globex": 2, "Initech": 1, "Zeta": 1}
    return [
        make_theme(
            "complaint-en-lost-bag",
            "lost bag",
            12,
            direction="rising",
            net=-0.5,
            brands=brands,
            quotes=quotes,
        ),
        make_theme("complaint-en-other", "other", 4, other=True),
    ]


def test_a_theme_shows_size_trend_sentiment_brands_and_two_quotes(tiny_posts, tiny_brands):
    page = page_of(tiny_posts, tiny_brands, themes={"complaint": _lost_bag(), "wish": []})
    themes = section(page, "themes")
    english, spanish = themes.split("<h3>")[1:]
    assert english.startswith("English") and spanish.startswith("Spanish")
    assert '<span class="label">lost bag</span><span class="count">12 posts</span>' in english
    assert (  # the net with the posts it rests on, faded below MIN_POSTS as the overview does
        'Trend: rising ↑ · Net sentiment: <span class="net too-few">−0.50 (n = 0, too few)'
        "</span> · Brands: Acme (9), Globex (2), Initech (1)" in english
    )
    assert "Acme lost my bag again" in english and "Still no bag from Acme" in english
    assert "Third quote" not in english
    assert '<a href="https://example.com/4" rel="noopener noreferrer nofollow"' in english
    assert english.count("<a href=") == 1  # the second quote has no URL
    assert '<span class="label">other</span>' not in themes
    assert "1 posts flagged; 4 of them fit no theme (“other”)." in english
    assert "Too few posts, or too varied, to form a theme." in english  # one wish, no theme
    assert "2 posts flagged; 0 of them fit no theme" in spanish
    summary = section(page, "summary")
    assert "Most common concern: “lost bag” (9 of its posts)." in summary


def test_only_the_biggest_themes_are_listed(tiny_posts, tiny_brands):
    many = [make_theme(f"en-t{n}", f"theme {n}", n, brands={"Acme": 1}) for n in range(20, 10, -1)]
    page = page_of(tiny_posts, tiny_brands, themes={"complaint": many, "wish": []})
    themes = section(page, "themes")
    assert "theme 13" in themes and "theme 12" not in themes and "theme 11" not in themes
    assert "2 smaller themes with 23 posts are not shown." in themes


def _benchmark() -> pd.DataFrame:
    rows = [
        ("en", "Acme", True, 5, 5 / 6, 0.5, True, ["lost bag", "refund"], [3, 1]),
        ("en", "Globex", False, 1, 1 / 6, None, True, [], []),
        ("es", "Globex", False, 2, 1.0, -1.0, True, ["maleta"], [2]),
    ]
    columns = ["lang", "brand", "ours", "mentions", "share", "net", "too_few"]
    columns += ["top_themes", "top_theme_posts"]
    return pd.DataFrame(rows, columns=columns)


def test_the_competitor_table_has_each_brands_top_themes(tiny_posts, tiny_brands):
    page = page_of(tiny_posts, tiny_brands, benchmark=_benchmark())
    table = section(page, "competitors").split("<h3")[0]
    assert cells(table) == [
        ["English", "Acme our brand", "5", "83%", "+0.50 too few", "20%", "20%",
         "lost bag (3); refund (1)"],
        ["English", "Globex", "1", "17%", "— too few", "0%", "0%", "—"],
        ["Spanish", "Globex", "2", "100%", "−1.00 too few", "100%", "0%", "maleta (2)"],
        ["—", "Initech", "not mentioned", "—", "—", "—", "—", "—"],
    ]  # fmt: skip


def _opportunity(label: str, ours: int, theirs: int) -> Opportunity:
    return Opportunity(
        lang="en",
        label=label,
        terms=("service", "agent"),
        ours="Acme",
        our_posts=ours,
        competitor_posts=theirs,
        competitors={"Globex": theirs - 1, "Initech": 1},
        our_theme_id=f"en-{label}",
        competitor_theme_ids=("en-x",),
        our_quotes=(
            make_quote(1, "Acme service was awful"),
            make_quote(2, "Acme agent hung up"),
            make_quote(3, "Not shown either"),
        ),
        competitor_quotes=(make_quote(5, "Globex service is lovely", url="https://g.example/5"),),
    )


def test_opportunities_need_five_posts_on_each_side(tiny_posts, tiny_brands):
    found = [_opportunity("customer service", 7, 6), _opportunity("too small", 9, 4)]
    page = page_of(tiny_posts, tiny_brands, opportunities=found)
    part = section(page, "competitors").split('<h3 id="opportunities">')[1]
    assert "customer service" in part and "too small" not in part
    assert "Shared words: service, agent" in part
    assert "7 critical posts about Acme" in part
    assert "6 praising posts about competitors (Globex 5, Initech 1)" in part
    assert "Acme service was awful" in part and "Acme agent hung up" in part
    assert "Not shown either" not in part
    assert '<a href="https://g.example/5"' in part
    assert "None qualifies" not in part


def test_opportunities_say_when_none_qualifies(tiny_posts, tiny_brands):
    page = page_of(tiny_posts, tiny_brands, opportunities=[_opportunity("small", 9, 4)])
    assert (
        "None qualifies: no aspect has at least 5 critical posts about Acme and 5 praising "
        "posts about competitors in the same language."
    ) in page
    theirs_only = [dict(b, ours=False) for b in tiny_brands]
    assert "No brand is marked as ours" in page_of(tiny_posts, theirs_only, opportunities=None)


def _idea(n: int, title: str, posts: int, status: str = "open") -> dict:
    return {
        "id": n,
        "key": f"en-{n}",
        "title": title,
        "lang": "en",
        "status": status,
        "merged_into": None,
        "posts": posts,
        "askers": posts - 3,
        "lead": posts - 3 < 2,
        "first_seen": datetime(2024, 3, 1, 9, tzinfo=UTC),
        "last_seen": datetime(2024, 3, 20, 9, tzinfo=UTC),
        "trend": [0, 1, 2, 3],
        "trend_days": 7,
    }


def test_the_idea_backlog_lists_the_top_ideas(tiny_posts, tiny_brands):
    ideas = [_idea(3, "wifi on board", 40, "planned")]
    ideas += [_idea(n, f"idea {n}", 20 - n) for n in range(4, 20)]
    ideas_part = section(page_of(tiny_posts, tiny_brands, ideas=ideas), "ideas")
    assert "the top 15 of 17" in ideas_part
    rows = cells(ideas_part)
    assert len(rows) == 15
    assert rows[0] == ["wifi on board #3", "English", "40", "37", "2024-03-01", "2024-03-20",
                       "planned"]  # fmt: skip
    empty = section(page_of(tiny_posts, tiny_brands), "ideas")
    assert "No ideas are stored yet: run `escucha ideas refresh`" in empty
    assert "<table" not in empty


def _alert(subject: str, message: str, deliveries: list[dict]) -> dict:
    return {
        "id": 1,
        "rule": "brands",
        "metric": "volume",
        "subject": subject,
        "window_start": datetime(2024, 3, 1, 13, tzinfo=UTC),
        "window_end": datetime(2024, 3, 2, 13, tzinfo=UTC),
        "value": 40.0,
        "message": message,
        "details": {},
        "state": "failed",
        "fired_at": datetime(2024, 3, 2, 13, 5, tzinfo=UTC),
        "deliveries": deliveries,
    }


def test_the_alert_history(tiny_posts, tiny_brands):
    deliveries = [
        {"channel": "ops", "status": "failed", "attempts": 10,
         "error": "the endpoint answered HTTP 500"},
        {"channel": "team", "status": "sent", "attempts": 1, "error": None},
    ]  # fmt: skip
    alerts = [_alert("Acme", "Acme: 40 mentions in the 24 h", deliveries)]
    alerts.append(_alert("Globex", "Globex: 30 mentions", []))
    rows = cells(section(page_of(tiny_posts, tiny_brands, alerts=alerts), "alerts"))
    assert rows == [
        ["2024-03-02 13:05 UTC", "brands / volume", "Acme", "Acme: 40 mentions in the 24 h",
         "ops: failed, attempts: 10: the endpoint answered HTTP 500; team: sent, attempts: 1"],
        ["2024-03-02 13:05 UTC", "brands / volume", "Globex", "Globex: 30 mentions",
         "recorded (no channel)"],
    ]  # fmt: skip
    assert "No alerts yet" in section(page_of(tiny_posts, tiny_brands), "alerts")


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_hostile_labels_titles_quotes_and_messages_are_escaped(tiny_posts, tiny_brands):
    quote = make_quote(4, HOSTILE, url="javascript:alert(3)", author='"><b>x</b>')
    theme = make_theme("en-x", HOSTILE, 9, brands={HOSTILE: 3}, quotes=(quote,))
    opportunity = _opportunity(HOSTILE, 8, 8)
    benchmark = _benchmark()
    benchmark.at[0, "top_themes"] = [HOSTILE, "refund"]
    page = page_of(
        tiny_posts,
        tiny_brands,
        themes={"complaint": [theme], "wish": [theme]},
        benchmark=benchmark,
        opportunities=[opportunity],
        ideas=[_idea(1, HOSTILE, 9)],
        alerts=[_alert(HOSTILE, HOSTILE, [{"channel": HOSTILE, "status": HOSTILE,
                                            "attempts": 1, "error": HOSTILE}])],
    )  # fmt: skip
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(2)&#34;&gt;"
    for name in ("themes", "competitors", "ideas", "alerts"):
        assert escaped in section(page, name), name
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "javascript:" not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs)


def test_themes_are_found_when_not_given(frame_of):
    """Without `themes`, the report groups the posts itself."""
    aspects = ["lost my bag at the gate", "refund never arrived", "seat was broken", "no wifi"]
    texts = [f"Acme {aspect} on flight {i}" for aspect in aspects for i in range(10)]
    rows = []
    for i, text in enumerate(texts, start=1):
        rows.append({
            "id": i, "source": "hand", "native_id": str(i), "author": f"a{i}", "text": text,
            "created_at": pd.Timestamp("2024-03-01", tz="UTC") + pd.Timedelta(days=i),
            "url": None, "lang": "en", "sentiment": "negative", "negative": 1.0,
            "neutral": 0.0, "positive": 0.0, "wish": 0.0, "complaint": 0.9, "question": 0.0,
            "praise": 0.0, "promo": 0.0, "intents": ["complaint"], "brands": ["Acme"],
            "model_version": "t",
        })  # fmt: skip
    brands = [{"name": "Acme", "ours": True, "aliases": [], "handles": [], "hashtags": []}]
    page = page_of(frame_of(rows), brands, themes=None)
    labels = re.findall(r'<span class="label">([^<]*)</span>', section(page, "themes"))
    assert any("bag" in label for label in labels) and any("refund" in x for x in labels)
