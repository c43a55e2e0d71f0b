"""The report's charts: Vega-Altair specs rendered to static SVG, so the page needs no script.

Chart text comes from the workspace configuration (brand names) and the UI catalogue, never
from post text; vl-convert escapes it inside the SVG. Numbers, month and day names follow the
catalogue's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

    from escucha.i18n import Catalogue

OUR_COLOUR = "#c8102e"
# Distinct on white and from our red; picked for colour-blind readers where possible.
COMPETITOR_COLOURS = (
    "#1f77b4",
    "#e69f00",
    "#009e73",
    "#6a3d9a",
    "#8c564b",
    "#56b4e9",
    "#7f7f7f",
    "#b8860b",
    "#0b5563",
    "#cc79a7",
    "#3f6b22",
    "#1a237e",
    "#a0522d",
    "#5d6d7e",
)
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"  # metric-compatible family
WIDTH = 700
MAX_TICKS = 10  # labels on the time axis of a volume chart


@dataclass(frozen=True)
class Chart:
    svg: Markup
    alt: str


def brand_colours(brands: Sequence[dict], seen: Sequence[str] = ()) -> dict[str, str]:
    """One colour per brand, the same in every chart: ours red, competitors in config order;
    brands found in posts but not configured come last."""
    colours: dict[str, str] = {}
    others = 0
    names = [(b["name"], bool(b.get("ours"))) for b in brands]
    names += [(name, False) for name in seen if name not in {n for n, _ in names}]
    for name, ours in names:
        if name in colours:
            continue
        if ours:
            colours[name] = OUR_COLOUR
        else:
            colours[name] = COMPETITOR_COLOURS[others % len(COMPETITOR_COLOURS)]
            others += 1
    return colours


def _scale(colours: dict[str, str], present: Sequence[str]) -> alt.Scale:
    import altair as alt

    domain = [b for b in colours if b in set(present)]
    return alt.Scale(domain=domain, range=[colours[b] for b in domain])


def _render(chart: alt.TopLevelMixin, t: Catalogue) -> Markup:
    import vl_convert

    chart = (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12, titleColor="#333", labelColor="#333")
        .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=200)
        .configure_title(fontSize=15, anchor="start", color="#1d1d1f")
    )
    spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(
        spec,
        format_locale=t.locale.d3_format(),
        time_format_locale=t.locale.d3_time_format(),
    )
    # vl-convert writes only escaped text and generated markup: safe to embed as is. Links
    # (the web's drill-down) are local paths; Vega's loader prefixes them with its base URL.
    svg = svg.replace(f'xlink:href="{_VEGA_BASE}/', 'xlink:href="/')
    return Markup(svg[svg.index("<svg") :])


_VEGA_BASE = "https://vega.github.io/vega-datasets/"
# A drill-down link of a chart point: (lang, brand, bin start, bin "D"/"W"/"M") -> local path
VolumeLink = Callable[[str, str, "pd.Timestamp", str], str]
# A bar's link: (lang, brand) -> local path
BarLink = Callable[[str, str], str]


def volume_chart(
    volume: pd.DataFrame,
    colours: dict[str, str],
    ours: set[str],
    sections: list[dict],
    t: Catalogue,
    links: VolumeLink | None = None,
) -> Chart | None:
    """Lines of mentions per period, one panel per language (`sections`: code, name); with
    `links`, each point is a link to the posts of its bin (the web's drill-down)."""
    import altair as alt

    panels = []
    alts = []
    for section in sections:
        rows = volume[volume["lang"] == section["code"]].copy()
        if rows.empty:
            continue
        step = rows["freq"].iloc[0]
        rows["ours"] = rows["brand"].isin(ours)
        rows["period"] = rows["period"].dt.tz_localize(None)
        first, last = rows["period"].min().date(), rows["period"].max().date()
        title = t.text(
            "volume_chart_title", lang=section["name"], bin=t[f"bin_{step}"], first=first, last=last
        )
        if links is not None:
            rows["href"] = [  # an empty bin has no posts to open
                links(section["code"], b, p, step) if m else None
                for b, p, m in zip(rows["brand"], rows["period"], rows["mentions"], strict=True)
            ]
        line = (
            alt.Chart(rows, title=title)
            .mark_line(point=alt.OverlayMarkDef(size=18) if links is None else False)
            .encode(
                x=alt.X(
                    "period:T",
                    title=t[f"axis_period_{step}"],
                    axis=alt.Axis(
                        format="%b %Y" if step == "M" else "%-d %b",
                        labelAngle=0,
                        values=_period_ticks(rows["period"]),
                    ),
                ),
                y=alt.Y("mentions:Q", title=t["axis_mentions"]),
                color=alt.Color(
                    "brand:N",
                    scale=_scale(colours, rows["brand"].unique()),
                    title=t["legend_brand"],
                ),
                strokeWidth=alt.condition("datum.ours", alt.value(3.2), alt.value(1.5)),
            )
            .properties(width=WIDTH, height=220)
        )
        if links is not None:  # points of their own: each carries its bin's link
            line = line + line.mark_point(size=40, filled=True, cursor="pointer").encode(
                href="href:N", tooltip=["brand:N", "period:T", "mentions:Q"]
            )
        panels.append(line)
        alts.append(
            t.text(
                "volume_alt",
                bin=t[f"bin_{step}"],
                lang=section["name"],
                first=first,
                last=last,
            )
        )
    if not panels:
        return None
    chart = alt.vconcat(*panels, spacing=36).resolve_scale(color="independent")
    return Chart(_render(chart, t), " ".join(alts))


def _period_ticks(periods: pd.Series, most: int = MAX_TICKS) -> list[dict]:
    """Ticks on the bins' own starts (at most `most`, evenly spread), so a short period is
    labelled once per day, week or month ("20 Nov 21 Nov"), never twice for the same day."""
    starts = sorted(set(periods))
    every = -(-len(starts) // most)
    return [{"year": s.year, "month": s.month, "date": s.day} for s in starts[::every]]


def _bars(rows: pd.DataFrame, colours: dict[str, str], x: alt.X, title: str) -> alt.Chart:
    import altair as alt

    order = rows["label"].tolist()
    return alt.Chart(rows, title=title).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=x,
        color=alt.Color("brand:N", scale=_scale(colours, rows["brand"]), legend=None),
    )


def share_chart(
    share: pd.DataFrame,
    colours: dict[str, str],
    ours: set[str],
    sections: list[dict],
    t: Catalogue,
    links: BarLink | None = None,
) -> Chart | None:
    """Horizontal bars of share of voice, one panel per language, labelled with counts;
    with `links`, each bar is a link to its mentions."""
    import altair as alt

    panels = []
    alts = []
    for section in sections:
        rows = share[share["lang"] == section["code"]].copy()
        if rows.empty:
            continue
        rows["label"] = [_label(b, b in ours, t) for b in rows["brand"]]
        rows["text"] = [
            f"{t.number(m)} ({t.percent(s)})"
            for m, s in zip(rows["mentions"], rows["share"], strict=True)
        ]
        x = alt.X(
            "share:Q",
            title=t["axis_share"],
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, min(1.0, float(rows["share"].max()) * 1.25)]),
        )
        base = _bars(rows, colours, x, t.text("share_chart_title", lang=section["name"]))
        if links is not None:
            rows["href"] = [links(section["code"], b) for b in rows["brand"]]
            base = _bars(rows, colours, x, t.text("share_chart_title", lang=section["name"]))
            base = base.encode(href="href:N")
        text = base.mark_text(align="left", dx=4, fontSize=12).encode(
            text="text:N", color=alt.value("#222")
        )
        panels.append((base.mark_bar() + text).properties(width=WIDTH - 120, height=22 * len(rows)))
        alts.append(t.text("share_alt", lang=section["name"]))
    if not panels:
        return None
    chart = alt.vconcat(*panels, spacing=36).resolve_scale(color="independent")
    return Chart(_render(chart, t), " ".join(alts))


def sentiment_chart(
    sentiment: pd.DataFrame,
    colours: dict[str, str],
    ours: set[str],
    sections: list[dict],
    t: Catalogue,
) -> Chart | None:
    """Net sentiment bars with 95% intervals; brands with too few posts are faded."""
    import altair as alt

    panels = []
    alts = []
    for section in sections:
        rows = sentiment[(sentiment["lang"] == section["code"]) & sentiment["net"].notna()]
        if rows.empty:
            continue
        # Comparable brands first, best first; those with too few posts after them.
        rows = rows.sort_values(["too_few", "net", "brand"], ascending=[True, False, True]).copy()
        rows["label"] = [
            _label(b, b in ours, t)
            + f" (n={t.number(p + n)})"
            + (f" · {t['too_few_short']}" if f else "")
            for b, p, n, f in zip(
                rows["brand"], rows["positive"], rows["negative"], rows["too_few"], strict=True
            )
        ]
        x = alt.X(
            "net:Q",
            title=t["axis_net"],
            scale=alt.Scale(domain=[-1, 1]),
            axis=alt.Axis(format="+.1f"),
        )
        base = _bars(rows, colours, x, t.text("sentiment_chart_title", lang=section["name"]))
        bars = base.mark_bar().encode(
            opacity=alt.condition("datum.too_few", alt.value(0.3), alt.value(0.95))
        )
        interval = base.mark_rule(color="#222", strokeWidth=1.2).encode(
            x="ci_low:Q", x2="ci_high:Q", color=alt.value("#222")
        )
        zero = alt.Chart().mark_rule(color="#555").encode(x=alt.datum(0))
        panels.append(
            alt.layer(bars, interval, zero).properties(width=WIDTH - 120, height=24 * len(rows))
        )
        alts.append(t.text("sentiment_alt", lang=section["name"]))
    if not panels:
        return None
    chart = alt.vconcat(*panels, spacing=36).resolve_scale(color="independent")
    return Chart(_render(chart, t), " ".join(alts))


def _label(brand: str, ours: bool, t: Catalogue) -> str:
    return f"{brand} ({t['ours']})" if ours else brand


GIVE_COLOUR = "#009e73"
ASK_COLOUR = "#c8102e"


def give_ask_chart(months: Sequence[dict], t: Catalogue) -> Chart | None:
    """Gives and asks per month side by side (community.ledger.give_ask_by_month's rows): the
    brand's health as an honest member; a month where asks outran gives is marked."""
    import altair as alt

    if not any(m["gives"] or m["asks"] for m in months):
        return None
    give, ask = t["ledger_gives"], t["ledger_asks"]
    rows = alt.Data(
        values=[
            {"month": m["month"], "what": label, "count": m[key]}
            for m in months
            for key, label in (("gives", give), ("asks", ask))
        ]
    )
    order = [m["month"] for m in months]
    bars = (
        alt.Chart(rows, title=t["ledger_chart_title"])
        .mark_bar()
        .encode(
            x=alt.X("month:N", sort=order, title=t["ledger_axis_month"],
                    axis=alt.Axis(labelAngle=-45)),
            xOffset=alt.XOffset("what:N", sort=[give, ask]),
            y=alt.Y("count:Q", title=t["ledger_axis_count"], axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("what:N", scale=alt.Scale(domain=[give, ask],
                            range=[GIVE_COLOUR, ASK_COLOUR]), title=None),
        )
    )  # fmt: skip
    warned = [{"month": m["month"]} for m in months if m["warning"]]
    layers = [bars]
    if warned:
        marks = (
            alt.Chart(alt.Data(values=warned))
            .mark_text(text="!", fontSize=16, fontWeight="bold", color=ASK_COLOUR, dy=-4)
            .encode(x=alt.X("month:N", sort=order), y=alt.value(0))
        )
        layers.append(marks)
    chart = alt.layer(*layers).properties(width=WIDTH, height=220)
    return Chart(_render(chart, t), t["ledger_chart_alt"])
