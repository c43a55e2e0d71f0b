"""The Python API's tables (`Workspace.share_of_voice`, `.net_sentiment`, `.themes`,
`.compare`, `.drivers`): the workspace's posts read once (escucha.frames), kept to a period,
and handed to the same insight functions the web app and the report use."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from escucha.insights.periods import PRESETS, Period, PeriodChoice, Periods, frame_days, in_period
from escucha.insights.periods import parse_range as _parse_range

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context

PeriodLike = str | Period | PeriodChoice | None


def choose(period: PeriodLike, compare: str | Period | None = None) -> PeriodChoice:
    """A period as the Python API takes it: None (every post), a preset ("30d"), a range
    "FROM:TO", a `Period` or a `PeriodChoice`; `compare`: "previous", "FROM:TO" or a Period."""
    if isinstance(period, PeriodChoice):
        return period if compare is None else PeriodChoice.parse(**_with(period, compare))
    if isinstance(period, Period):
        base = PeriodChoice(None, period.start, period.end)
    elif period is None or period in ("", "all"):
        base = PeriodChoice()
    elif period in PRESETS:
        base = PeriodChoice(period)
    else:
        found = _parse_range(period, "period")
        base = PeriodChoice(None, found.start, found.end)
    if compare is None:
        return base
    return PeriodChoice.parse(**_with(base, compare))


def _with(choice: PeriodChoice, compare: str | Period) -> dict:
    return {
        "period": choice.preset,
        "date_from": choice.start,
        "date_to": choice.end,
        "compare": compare.text() if isinstance(compare, Period) else compare,
    }


def _brand_words(ctx: Context) -> set[str]:
    """The folded words of the configured brands: never a theme's or a driver's word."""
    from escucha.insights import brand_words

    return brand_words(asdict(b) for b in ctx.config.brands)


def _brand_dicts(ctx: Context) -> list[dict]:
    return [asdict(b) for b in ctx.config.brands]


def concerns_table(
    ctx: Context,
    period: PeriodLike = None,
    intent: str = "complaint",
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each brand's top themes of `intent` (complaint: its concerns) per language: lang,
    brand, rank (1: the top one), label, posts (the brand's posts in the theme), from the
    themes of every brand's posts of the period (insights.concerns), as every face shows."""
    import pandas as pd

    from escucha.insights.concerns import concern_rows, scope_themes

    frame = _posts(ctx, posts)
    chosen = in_period(frame, resolve(frame, choose(period)).current)
    above = ctx.config.themes.sample_posts
    themes = scope_themes(chosen, _brand_dicts(ctx), (intent,), sample_above=above)
    rows = concern_rows(themes, [b.name for b in ctx.config.brands], intent)
    columns = ["lang", "brand", "rank", "label", "posts"]
    return pd.DataFrame([asdict(r) for r in rows], columns=columns)


def periods_table(
    ctx: Context, period: PeriodLike = None, posts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each language's data period (of the posts of `period`): lang, first, last (UTC
    days), posts; what the report, the web pages and the REST API show."""
    import pandas as pd

    from escucha.enrich import current_model_version
    from escucha.reads.overview import language_periods

    current = None
    if period is not None:
        current = resolve(_posts(ctx, posts), choose(period)).current
    start, end = (None, None) if current is None else (current.start, current.end)
    with ctx.engine.connect() as conn:
        found = language_periods(conn, current_model_version(ctx), start, end)
    return pd.DataFrame([asdict(p) for p in found], columns=["lang", "first", "last", "posts"])


def resolve(posts: pd.DataFrame, choice: PeriodChoice) -> Periods:
    """The choice on these posts' dates (presets end on their newest day)."""
    oldest, newest = frame_days(posts)
    return choice.resolve(newest, oldest)


def _posts(ctx: Context, posts: pd.DataFrame | None) -> pd.DataFrame:
    from escucha.frames import posts_frame
    from escucha.insights.common import normalised

    return normalised(posts_frame(ctx) if posts is None else posts)


def share_of_voice_table(
    ctx: Context, period: PeriodLike = None, posts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """lang, brand, mentions, share of the posts in `period`."""
    from escucha.insights import share_of_voice

    frame = _posts(ctx, posts)
    return share_of_voice(in_period(frame, resolve(frame, choose(period)).current))


def net_sentiment_table(
    ctx: Context, period: PeriodLike = None, posts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """lang, brand, posts, positive, neutral, negative, net, ci_low, ci_high, too_few."""
    from escucha.insights import net_sentiment

    frame = _posts(ctx, posts)
    return net_sentiment(in_period(frame, resolve(frame, choose(period)).current))


def themes_table(
    ctx: Context,
    intent: str = "complaint",
    period: PeriodLike = None,
    lang: str | None = None,
    posts: pd.DataFrame | None = None,
    brand: str | None = None,
) -> pd.DataFrame:
    """The themes of one intent ("any": every post) as `escucha themes` finds them: id,
    label, lang, size, other, direction, net, positive, neutral, negative, top terms. With
    `brand`: the same themes as that brand sees them (insights.concerns.of_brand, as the
    web's and the REST API's brand filter): those holding its posts, most of them first,
    with brand_posts and brand_share (of its posts of the language) columns."""
    import pandas as pd

    from escucha.insights.concerns import FLAGGED_INTENTS, of_brand, scope_themes
    from escucha.insights.themes import themes_of

    frame = _posts(ctx, posts)
    chosen = in_period(frame, resolve(frame, choose(period)).current)
    chosen = chosen[chosen["model_version"].notna()] if "model_version" in chosen else chosen
    if intent in FLAGGED_INTENTS:  # the scope's themes: the report's and the web's
        above = ctx.config.themes.sample_posts
        found = scope_themes(chosen, _brand_dicts(ctx), (intent,), sample_above=above)[intent]
        found = [t for t in found if lang is None or t.lang == lang]
    else:
        above = ctx.config.themes.sample_posts
        found = themes_of(chosen, intent, lang=lang, exclude=_brand_words(ctx), sample_above=above)
    columns = [
        "id",
        "label",
        "lang",
        "size",
        "other",
        "direction",
        "net",
        "positive",
        "neutral",
        "negative",
        "terms",
    ]
    rows = [
        (
            t.id,
            t.label,
            t.lang,
            t.size,
            t.other,
            t.trend.direction,
            t.sentiment.net,
            t.sentiment.positive,
            t.sentiment.neutral,
            t.sentiment.negative,
            [term for term, _ in t.terms[:5]],
        )
        for t in found
    ]
    if brand is None:
        return pd.DataFrame(rows, columns=columns)
    name = next((b.name for b in ctx.config.brands if b.name.casefold() == brand.casefold()), brand)
    seen = {b.theme.id: b for b in of_brand(found, name)}
    by_id = {row[0]: row for row in rows}
    return pd.DataFrame(
        [(*by_id[i], b.posts, b.share) for i, b in seen.items()],
        columns=[*columns, "brand_posts", "brand_share"],
    )


def compare_table(
    ctx: Context,
    period: PeriodLike,
    compare: str | Period = "previous",
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per language, brand and measure (volume, share, net, complaint, wish) of
    `period` against `compare`: before, after, delta, n_before, n_after, test, p_value,
    too_few, significant."""
    import pandas as pd

    from escucha.insights.compare import compare_posts

    frame = _posts(ctx, posts)
    periods = resolve(frame, choose(period, compare))
    if periods.current is None or periods.compared is None:
        raise _needs_period()
    before = in_period(frame, periods.compared)
    after = in_period(frame, periods.current)
    rows = []
    for change in compare_posts(before, after, (periods.compared, periods.current)):
        for measure in ("volume", "share", "net", "complaint", "wish"):
            value = getattr(change, measure)
            rows.append(
                {
                    "lang": change.lang,
                    "brand": change.brand,
                    "measure": measure,
                    **asdict(value),
                    "delta": value.delta,
                    "significant": value.significant,
                }
            )
    return pd.DataFrame(rows)


def _needs_period():
    from escucha.errors import UserError
    from escucha.i18n import Message

    return UserError(Message("period_compare_needs_period"))


def drivers_table(
    ctx: Context,
    period: PeriodLike,
    compare: str | Period = "previous",
    posts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What is trending in `period` against `compare` (terms, hashtags, emoji, authors,
    intents), with counts: kind, item, chosen, baseline, chosen_posts, baseline_posts,
    lift, p_value."""
    import pandas as pd

    from escucha.insights.drivers import find_drivers

    frame = _posts(ctx, posts)
    periods = resolve(frame, choose(period, compare))
    if periods.current is None or periods.compared is None:
        raise _needs_period()
    found = find_drivers(
        in_period(frame, periods.current),
        in_period(frame, periods.compared),
        exclude=_brand_words(ctx),
    )
    return pd.DataFrame(found.to_rows())


def categories_table(ctx: Context, period: PeriodLike = None, by: str = "category") -> pd.DataFrame:
    """The custom categories' aggregates (escucha.insights.categories) in `period`: one row
    per category, or (by="brand") one per category and brand."""
    from escucha.enrich import current_model_version
    from escucha.errors import UserError
    from escucha.insights.categories import category_tables, post_days

    if by not in ("category", "brand"):
        raise UserError(f"by={by!r}: choose category or brand")
    with ctx.engine.connect() as conn:
        oldest, newest = post_days(conn)
        current = choose(period).resolve(newest, oldest).current
        table, voices = category_tables(conn, current_model_version(ctx), current)
    return table if by == "category" else voices
