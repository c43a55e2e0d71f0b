"""What a digest says: the period against the one before (insights.compare, with each
change's test and sample sizes), the alerts of the period and the themes that moved; as
text and as HTML in the digest's language. Nothing here writes or sends."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from escucha.core.timeutil import as_utc
from escucha.store.schema import alerts

if TYPE_CHECKING:
    from escucha.core.context import Context
    from escucha.digests.schedule import Digest
    from escucha.insights.compare import BrandChange, Change, Comparison
    from escucha.insights.periods import Period

MEASURES = ("volume", "share", "net", "complaint", "wish")
THEMES_SHOWN = 5


@dataclass(frozen=True)
class DigestContent:
    digest_id: int
    key: str  # "digest-3-2026-11-30": the same for every attempt of this period
    lang: str
    every: str
    brand: str | None
    period: Period
    compared: Period
    comparison: Comparison
    alerts: list[dict] = field(default_factory=list)

    def data(self) -> dict:
        """The numbers a webhook receives: every change with its test and both samples."""
        return {
            "digest": self.digest_id,
            "key": self.key,
            "every": self.every,
            "lang": self.lang,
            "brand": self.brand,
            "period": _period(self.period),
            "compared_with": _period(self.compared),
            "brands": [_brand(c) for c in self.comparison.brands],
            "themes": {
                intent: [
                    {
                        "label": c.label,
                        "lang": c.lang,
                        "posts_before": c.posts_before,
                        "posts_after": c.posts_after,
                        "share": _change(c.share),
                    }
                    for c in changes
                ]
                for intent, changes in self.comparison.themes.items()
            },
            "alerts": [
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in a.items()}
                for a in self.alerts
            ],
        }


def _period(period: Period) -> dict:
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "days": period.days}


def _change(change: Change) -> dict:
    found = asdict(change)
    found["delta"] = change.delta
    found["significant"] = change.significant
    return found


def _brand(change: BrandChange) -> dict:
    out: dict[str, Any] = {"lang": change.lang, "brand": change.brand}
    for measure in MEASURES:
        out[measure] = _change(getattr(change, measure))
    return out


def digest_key(digest_id: int, period: Period) -> str:
    return f"digest-{digest_id}-{period.start.isoformat()}"


def period_alerts(ctx: Context, period: Period, brand: str | None = None) -> list[dict]:
    """The alerts whose window ends inside the period (UTC days), oldest first; with `brand`,
    the brand rule's alerts on that brand and every saved-query rule's."""
    low = datetime.combine(period.start, time(), tzinfo=UTC)
    high = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=UTC)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(
                alerts.c.id,
                alerts.c.rule,
                alerts.c.metric,
                alerts.c.subject,
                alerts.c.window_end,
                alerts.c.value,
                alerts.c.message,
            )
            .where(alerts.c.window_end > low, alerts.c.window_end <= high)
            .order_by(alerts.c.window_end, alerts.c.id)
        ).all()
    found = []
    for row in rows:
        item = dict(row._mapping)
        item["window_end"] = as_utc(item["window_end"])
        if brand is not None and item["rule"] == "brands" and item["subject"] != brand:
            continue
        found.append(item)
    return found


def build_digest(ctx: Context, digest: Digest, period: Period) -> DigestContent:
    """The digest of `period`, compared with the period of the same length before it."""
    from escucha.frames import posts_frame
    from escucha.insights import brand_words
    from escucha.insights.compare import compare_periods

    compared = period.previous()
    exclude = frozenset(brand_words(asdict(b) for b in ctx.config.brands))
    comparison = compare_periods(posts_frame(ctx), compared, period, exclude=exclude)
    brands = comparison.brands
    if digest.brand is not None:
        brands = [c for c in brands if c.brand == digest.brand]
    themes = {k: v[:THEMES_SHOWN] for k, v in comparison.themes.items()}
    comparison = replace(comparison, brands=brands, themes=themes)
    return DigestContent(
        digest.id,
        digest_key(digest.id, period),
        digest.lang,
        digest.every,
        digest.brand,
        period,
        compared,
        comparison,
        period_alerts(ctx, period, digest.brand),
    )


def _sections(ctx: Context, content: DigestContent) -> dict:
    """What both renderings show, in the digest's language (insights/compare_text's words)."""
    from escucha.digests.strings import STRINGS
    from escucha.i18n import catalogue
    from escucha.i18n.catalogue import add_strings
    from escucha.insights.compare_text import comparison_section, period_text

    add_strings(STRINGS)  # a no-op once the plugins added them
    t = catalogue(content.lang)
    ours = {b.name for b in ctx.config.brands if getattr(b, "ours", False)}
    languages = list(ctx.config.languages)

    def rank(code: str) -> int:
        return languages.index(code) if code in languages else len(languages)

    section = comparison_section(content.comparison, ours, rank, t)
    assert section is not None
    name = ctx.config.name
    every = t[f"digest_every_{content.every}"]
    return {
        "t": t,
        "subject": t.text(
            "digest_subject", every=every, name=name, period=period_text(content.period, t)
        ),
        "title": t.text("digest_title", every=every, name=name),
        "period": period_text(content.period, t),
        "compared": period_text(content.compared, t),
        "brand": content.brand,
        "section": section,
        "alerts": [
            {"when": t.long_day(a["window_end"]), "rule": a["rule"], "message": a["message"]}
            for a in content.alerts
        ],
    }


def render_text(ctx: Context, content: DigestContent) -> tuple[str, str]:
    """(subject, plain text)."""
    s = _sections(ctx, content)
    t = s["t"]
    lines = [s["title"], "", t.text("digest_period", period=s["period"], compared=s["compared"])]
    if s["brand"]:
        lines.append(t.text("digest_brand", brand=s["brand"]))
    lines += ["", s["section"]["intro"], ""]
    if not s["section"]["brands"]:
        lines.append(t["comparison_none"])
    for block in s["section"]["brands"]:
        lines.append(f"## {block['brand']} ({block['lang']})")
        for row in block["rows"]:
            lines.append(
                f"- {row['measure']}: {row['before']} → {row['after']} ({row['delta']}); "
                f"n {row['samples']}; {row['test']}: {row['verdict']}"
            )
        lines.append("")
    lines.append(f"## {t['digest_alerts']}")
    if not s["alerts"]:
        lines.append(t["digest_no_alerts"])
    for alert in s["alerts"]:
        lines.append(f"- {alert['when']} [{alert['rule']}] {alert['message']}")
    lines.append("")
    for group in s["section"]["themes"]:
        lines.append(f"## {t['theme_changes']}: {group['title']}")
        if not group["rows"]:
            lines.append(t["theme_changes_none"])
        for row in group["rows"]:
            lines.append(
                f"- {row['label']}: {row['before']} → {row['after']} ({row['delta']}); "
                f"{t['digest_posts']} {row['posts']}; {row['test']}: {row['verdict']}"
            )
        lines.append("")
    lines.append(t["digest_footer"])
    return s["subject"], "\n".join(lines) + "\n"


_HTML = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ s.subject }}</title></head>
<body style="font-family:sans-serif;max-width:48em">
<h1>{{ s.title }}</h1>
<p>{{ t.text("digest_period", period=s.period, compared=s.compared) }}</p>
{% if s.brand %}<p>{{ t.text("digest_brand", brand=s.brand) }}</p>{% endif %}
<p>{{ s.section.intro }}</p>
{% if not s.section.brands %}<p>{{ t.comparison_none }}</p>{% endif %}
{% for block in s.section.brands %}
<h2>{{ block.brand }} ({{ block.lang }})</h2>
<table border="1" cellpadding="4" style="border-collapse:collapse">
<thead><tr><th>{{ t.col_metric }}</th><th>{{ t.col_before }}</th><th>{{ t.col_after }}</th>
<th>{{ t.col_change }}</th><th>{{ t.col_samples }}</th><th>{{ t.col_test }}</th></tr></thead>
<tbody>{% for row in block.rows %}
<tr><td>{{ row.measure }}</td><td>{{ row.before }}</td><td>{{ row.after }}</td>
<td>{{ row.delta }}</td><td>{{ row.samples }}</td><td>{{ row.test }}: {{ row.verdict }}</td></tr>
{% endfor %}</tbody></table>
{% endfor %}
<h2>{{ t.digest_alerts }}</h2>
{% if not s.alerts %}<p>{{ t.digest_no_alerts }}</p>{% else %}<ul>
{% for a in s.alerts %}<li>{{ a.when }} [{{ a.rule }}] {{ a.message }}</li>{% endfor %}
</ul>{% endif %}
{% for group in s.section.themes %}
<h2>{{ t.theme_changes }}: {{ group.title }}</h2>
{% if not group.rows %}<p>{{ t.theme_changes_none }}</p>{% else %}<ul>
{% for row in group.rows %}<li>{{ row.label }}: {{ row.before }} → {{ row.after }}
({{ row.delta }}); {{ t.digest_posts }} {{ row.posts }}; {{ row.test }}: {{ row.verdict }}</li>
{% endfor %}</ul>{% endif %}
{% endfor %}
<p style="color:#555">{{ t.digest_footer }}</p>
</body></html>
"""


def render_html(ctx: Context, content: DigestContent) -> str:
    """The digest as an HTML page (every value escaped)."""
    from jinja2 import Environment

    s = _sections(ctx, content)
    template = Environment(autoescape=True).from_string(_HTML)
    return template.render(s=s, t=s["t"], lang=content.lang)
