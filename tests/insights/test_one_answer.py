"""One answer per question: a bilingual workspace's top concern of every brand and its data
period per language are the same in the demo summary, the report, the web competitors page,
the REST API and the Python API (issue 14, item 5)."""

from __future__ import annotations

import html
import json
import re

import pytest

from escucha.report.themes import SHOWN
from escucha_testkit import demo_workspace, logged_in_client

LANGS = {"English": "en", "Spanish": "es"}
BRAND_VIEWS = (("es", "Iberia"), ("en", "Iberia"), ("en", "United Airlines"))
PERIOD = re.compile(r"(English|Spanish): (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)")
# an English post mentioning no brand, after every English post that mentions one: the data
# period counts it (the web's overview once ended on the last mention, the report did not)
LATE = {
    "id": "late-1",
    "created_at": "2018-03-02T10:00:00Z",
    "text": "The weather was lovely on my trip home today and the food on board was great",
}


@pytest.fixture(scope="module")
def faces(tmp_path_factory):
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.demo import finish_demo
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        root = tmp_path_factory.mktemp("oneanswer")
        ws = demo_workspace(root / "ws", n=600)
        late = root / "late.jsonl"
        late.write_text(json.dumps(LATE) + "\n", encoding="utf-8")
        ws.import_file(late, source="late")
        ws.analyze()
        demo = finish_demo(ws, root / "report.html")
        create_user(ws.engine, "ana", "a long enough password", "analyst")
        token = create_token(ws.engine, "ana", "read")[0]
        app = create_app(ws, WebSettings(compute_wait=600))
        client = logged_in_client(app, "ana", "a long enough password")
        api = logged_in_client(app, "ana", "a long enough password")
        api.cookies.clear()
        api.headers["Authorization"] = f"Bearer {token}"
        yield {
            "ws": ws,
            "summary": demo["lines"],
            "report": html.unescape((root / "report.html").read_text(encoding="utf-8")),
            "page": html.unescape(client.get("/competitors").text),
            "themes_page": html.unescape(client.get("/themes").text),
            "api": api.get("/api/v1/concerns").json(),
            "api_themes": api.get("/api/v1/themes").json(),
            "brand_pages": {
                (lang, brand): html.unescape(
                    client.get("/themes", params={"brand": brand, "lang": lang}).text
                )
                for lang, brand in BRAND_VIEWS
            },
            "api_brand": {
                brand: api.get("/api/v1/themes", params={"brand": brand.lower()}).json()
                for brand in {b for _, b in BRAND_VIEWS}
            },
            "redirect": client.get("/concerns?lang=es&brand=Iberia"),
            "cli_brand": {brand: _cli(ws, "--brand", brand.lower()) for _, brand in BRAND_VIEWS},
        }


def _cli(ws, *args: str) -> dict:
    """`escucha themes --json` through escucha's own app, on the workspace."""
    from typer.testing import CliRunner

    from escucha.cli.app import app

    result = CliRunner().invoke(app, ["-w", str(ws.path), "themes", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _periods_in(text: str) -> dict[str, tuple[str, str]]:
    found = {LANGS[name]: (first, last) for name, first, last in PERIOD.findall(text)}
    assert found, text[:300]
    return found


def _rows(page: str) -> list[list[str]]:
    rows = []
    page = re.sub(r'<span class="badge[^"]*">.*?</span>', "", page)  # "ours", "too few"
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def test_the_data_period_is_one(faces):
    ws = faces["ws"]
    python = {
        r.lang: (r.first.isoformat(), r.last.isoformat()) for r in ws.data_periods().itertuples()
    }
    api = {p["lang"]: (p["first"], p["last"]) for p in faces["api"]["periods"]}
    summary = {}
    for line in faces["summary"]:
        found = re.match(r"(\w+) posts: (\S+) to (\S+)$", line)
        if found:
            summary[found.group(1)] = (found.group(2), found.group(3))
    assert python["en"][1] == "2018-03-02"  # the late post without a brand counts
    assert api == python == summary
    facts = re.search(r'<ul class="facts">(.*?)</ul>', faces["report"], re.S)
    assert facts is not None
    assert _periods_in(facts.group(1)) == {c: python[c] for c in ("en", "es")}
    assert _periods_in(faces["page"]) == {c: python[c] for c in ("en", "es")}


def test_every_face_names_the_same_top_concern(faces):
    ws = faces["ws"]
    table = ws.concerns()
    assert not table.empty
    top = {(r.lang, r.brand): r.label for r in table[table["rank"] == 1].itertuples()}
    api = {(c["lang"], c["brand"]): c["label"] for c in faces["api"]["concerns"] if c["rank"] == 1}
    assert api == top
    assert ("es", "Iberia") in top and ("en", "United Airlines") in top
    # the web's competitor table: language, brand, ..., top concern
    names = {v: k for k, v in LANGS.items()}
    web = {(LANGS[r[0]], r[1]): r[-1] for r in _rows(faces["page"]) if len(r) > 3 and r[0] in LANGS}
    assert {k: v for k, v in web.items() if v != "—"} == top
    # the report: the summary's "most common concern" of our brand and the competitor table
    for lang in ("es", "en"):
        if (lang, "Iberia") in top:
            label = top[(lang, "Iberia")]
            said = f"Iberia in {names[lang]} posts"
            line = next(li for li in re.findall(r"<li>(.*?)</li>", faces["report"]) if said in li)
            assert f"Most common concern: “{label}”" in line
    report_rows = {
        (LANGS[r[0]], r[1]): r[-1].split(";")[0]
        for r in _rows(faces["report"])
        if len(r) == 8 and r[0] in LANGS
    }
    for key, label in top.items():
        assert re.sub(r" \(\d+\)$", "", report_rows[key]) == label, key
    # the demo summary: our top concerns, the first one first
    summary = "\n".join(faces["summary"])
    for lang in ("es", "en"):
        if (lang, "Iberia") in top:
            block = summary.split(f"Iberia ({lang}):")[1]
            concerns = re.search(r"top concerns: '(.+?)' \(", block)
            assert concerns is not None and concerns.group(1) == top[(lang, "Iberia")]


def test_the_themes_are_the_same_everywhere(faces):
    ws = faces["ws"]
    python = ws.themes("complaint")
    api = [t for t in faces["api_themes"]["themes"] if t["intent"] == "complaint"]
    assert [t["id"] for t in api] == list(python["id"]) and len(api) > 1
    assert [t["label"] for t in api] == list(python["label"])
    named = python[~python["other"]]
    for label in named["label"]:
        assert label in faces["themes_page"]
    for label in named.groupby("lang").head(SHOWN)["label"]:  # the report lists the biggest
        assert label in faces["report"]


def test_the_retired_concerns_page_leads_to_the_themes(faces):
    assert faces["redirect"].status_code == 303
    assert faces["redirect"].headers["location"] == "/themes?lang=es"


def _first_theme(page: str, lang: str) -> tuple[str, str]:
    """The themes page's first complaint theme of `lang`: (label, what it says of its size)."""
    block = page.split(f'id="{lang}-complaint-h"')[1].split("</section>")[0]
    found = re.search(
        r'<h4><a href="/themes/[^"]+">(.*?)</a> <span class="muted">(.*?)</span>', block
    )
    assert found is not None, block[:400]
    return found.group(1), found.group(2)


def test_a_brands_themes_are_the_scopes_as_it_sees_them(faces):
    """/themes?brand=X, the REST API's brand filter, `escucha themes --brand X` and
    `Workspace.themes(brand=...)` keep the
    scope's themes (same ids, labels, sizes) and rank them by the brand's posts, so the first
    is the brand's top concern of the competitors page, the report and /concerns."""
    ws = faces["ws"]
    table = ws.concerns()
    top = {(r.lang, r.brand): (r.label, r.posts) for r in table[table["rank"] == 1].itertuples()}
    scope = {t["id"]: t for t in faces["api_themes"]["themes"]}
    for lang, brand in BRAND_VIEWS:
        if (lang, brand) not in top:
            continue
        label, posts = top[(lang, brand)]
        python = ws.themes("complaint", lang=lang, brand=brand)
        assert python.iloc[0]["label"] == label and python.iloc[0]["brand_posts"] == posts
        assert list(python["brand_posts"][~python["other"]]) == sorted(
            python["brand_posts"][~python["other"]], reverse=True
        )
        assert python["brand_share"].sum() == pytest.approx(1.0)  # "other" included
        api = [
            t
            for t in faces["api_brand"][brand]["themes"]
            if t["intent"] == "complaint" and t["lang"] == lang
        ]
        assert [t["id"] for t in api] == list(python["id"])
        assert [t["brand_posts"] for t in api] == list(python["brand_posts"])
        cli = [
            t
            for t in faces["cli_brand"][brand]["themes"]
            if t["intent"] == "complaint" and t["lang"] == lang
        ]
        fields = ("id", "label", "size", "brand_posts", "brand_share")
        assert [[t[f] for f in fields] for t in cli] == [[t[f] for f in fields] for t in api]
        for t in api:  # a filter of the scope's themes, not new ones
            assert (t["label"], t["size"]) == (scope[t["id"]]["label"], scope[t["id"]]["size"])
            assert t["brand_posts"] == scope[t["id"]]["brands"][brand]
        shown, size = _first_theme(faces["brand_pages"][(lang, brand)], lang)
        assert shown == label and size.startswith(f"{posts} of {brand}'s posts")
    assert ("es", "Iberia") in top and ("en", "United Airlines") in top


def test_the_command_line_names_an_unknown_brand(faces, capsys, monkeypatch):
    """The API and the pages answer no themes for a brand no post names; the command line,
    where it is most likely a typo, says so in one line."""
    from escucha.cli import main

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    ws = faces["ws"]
    assert main(["-w", str(ws.path), "themes", "--brand", "Lufthansa"]) == 1
    known = ", ".join(b.name for b in ws.config.brands)
    assert capsys.readouterr().err.splitlines() == [
        f"escucha: error: --brand 'Lufthansa': not a brand of this workspace (known: {known})"
    ]
