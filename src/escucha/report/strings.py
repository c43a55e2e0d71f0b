"""Every piece of UI text of the report, per UI language: add a "es" dict to translate it.

Values with {placeholders} are filled with str.format; the page escapes the result.
"""

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Listening report: {workspace}",
        "generated": "Generated {when}",
        "contents": "Contents",
        "summary": "Summary",
        "period": "Period covered",
        "period_lang": "{lang}: {first} to {last}",
        "no_dates": "no dates",
        "posts_total": "{n} posts",
        "posts_per": "Posts per language and source",
        "undated": "{n} posts have no date; they count everywhere except in the time chart.",
        "col_language": "Language",
        "col_source": "Source",
        "col_posts": "Posts",
        "col_first": "First post",
        "col_last": "Last post",
        "col_brand": "Brand",
        "col_mentions": "Mentions",
        "col_share": "Share of voice",
        "col_positive": "Positive",
        "col_neutral": "Neutral",
        "col_negative": "Negative",
        "col_net": "Net sentiment",
        "col_interval": "95% interval",
        "col_complaint": "% complaint",
        "col_wish": "% wish",
        "col_top_concern": "Top concern",
        "col_author": "Author",
        "col_negative_share": "Share negative",
        "col_location": "File",
        "col_accepted": "Accepted",
        "col_duplicate": "Duplicates",
        "col_rejected": "Rejected",
        "col_coverage": "Notes",
        "col_task": "Task",
        "col_metrics": "Measured",
        "col_aliases": "Names and aliases",
        "col_handles": "Handles",
        "col_hashtags": "Hashtags",
        "summary_brand": (
            "{brand} in {lang} posts: {mentions} mentions ({share} share of voice), "
            "net sentiment {net}."
        ),
        "summary_brand_few": (
            "{brand} in {lang} posts: {mentions} mentions ({share} share of voice); "
            "too few positive or negative posts to compare its sentiment."
        ),
        "summary_concern": "Most common concern: “{label}” ({n} posts).",
        "summary_wish": "Most common wish: “{label}” ({n} posts).",
        "summary_leader": "Most mentioned brand in {lang} posts: {brand} ({share}).",
        "summary_absent": "{brand} is not mentioned in any post.",
        "summary_languages": (
            "The languages cover different periods and markets, so each is analysed on its own."
        ),
        "ours": "our brand",
        "volume": "Volume over time",
        "volume_intro": (
            "Mentions per brand; each language has its own time axis and bin size, because "
            "the languages cover different periods. The first and last bins may be partial."
        ),
        "volume_chart_title": "{lang}: mentions per {bin}, {first} to {last}",
        "volume_alt": (
            "Line chart of mentions per {bin} and brand in {lang} posts, {first} to {last}."
        ),
        "bin_D": "day",
        "bin_W": "week",
        "bin_M": "month",
        "axis_period_D": "Day",
        "axis_period_W": "Week starting",
        "axis_period_M": "Month",
        "axis_mentions": "Mentions",
        "axis_share": "Share of voice (brand mentions in this language)",
        "axis_net": "Net sentiment (positive − negative) / (positive + negative)",
        "legend_brand": "Brand",
        "share": "Share of voice",
        "share_intro": (
            "Mentions of each brand divided by all brand mentions in the same language. "
            "A post naming two brands counts for both."
        ),
        "share_chart_title": "{lang}: share of voice",
        "share_alt": "Bar chart of share of voice per brand in {lang} posts.",
        "sentiment": "Net sentiment",
        "sentiment_intro": (
            "(positive − negative) / (positive + negative), from −1 (all negative) to +1 (all "
            "positive); neutral posts are left out. Lines show a 95% interval. Brands with "
            "fewer than {min} positive or negative posts are faded and marked too few to "
            "compare."
        ),
        "sentiment_chart_title": "{lang}: net sentiment per brand",
        "sentiment_alt": "Bar chart of net sentiment per brand in {lang} posts, with intervals.",
        "too_few": "too few to compare",
        "too_few_short": "too few",
        "not_mentioned": "not mentioned",
        "phrases": "Top concerns and wishes",
        "phrases_intro": (
            "Concerns are posts the model flagged as complaints, wishes posts it flagged as "
            "wishes. Each is grouped under its most distinctive key phrase (words used more "
            "in these posts than in the language's other posts); quotes are the clearest "
            "examples."
        ),
        "scope_ours": "{brand} (our brand)",
        "scope_market": "Whole market",
        "scope_brand": "{brand}",
        "scope_few": "{brand} has only {n} posts in {lang}: too few to group.",
        "concerns": "Concerns",
        "wishes": "Wishes",
        "flagged": "{n} posts flagged; {matched} grouped below.",
        "no_phrases": "No phrase stands out.",
        "no_flagged": "No posts flagged.",
        "phrase_count": "{n} posts",
        "quote_by": "@{author}",
        "open_post": "open post",
        "authors": "Most active authors",
        "authors_intro": "Authors with most posts, and how many of their posts are negative.",
        "authors_missing": (
            "The data has no authors, so there is nothing to list here (some sources, "
            "like the Spanish demo data, don't give one)."
        ),
        "authors_partial": "Authors are known for {known} of {total} posts.",
        "competitors": "Competitor comparison",
        "competitors_intro": (
            "One row per brand and language. Share of voice is within the language; "
            "% complaint and % wish are shares of the brand's posts."
        ),
        "method": "Method",
        "method_sources": "Data sources",
        "method_models": "Models",
        "model_version": "Model version: {version}.",
        "not_measured": "not measured",
        "method_brands": "How brands were matched",
        "method_brands_intro": (
            "A post mentions a brand when it contains one of its names or aliases as whole "
            "words (case and accents ignored), one of its @handles or one of its #hashtags."
        ),
        "method_caveats": "Caveats",
        "caveat_sentiment": (
            "Sentiment and intents come from a statistical model that makes mistakes; see its "
            "measured accuracy above, which differs by language."
        ),
        "caveat_sentiment_unmeasured": (
            "The sentiment model's accuracy is not measured for: {langs}."
        ),
        "caveat_phrases": (
            "Concerns and wishes are grouped by key phrases, not by meaning: two phrases can "
            "describe one issue, and a post is shown under one phrase only."
        ),
        "caveat_sample": (
            "The posts are those the sources provided, not a representative sample of "
            "customers; people who complain post more."
        ),
        "caveat_languages": (
            "Languages are analysed separately; their periods and brands differ, so their "
            "numbers are not directly comparable."
        ),
        "caveat_other_langs": "{n} posts in other or unknown languages are only counted.",
        "caveat_brands": "Brands were matched by rules (below), which miss indirect mentions.",
        "none": "—",
        "footer": "Made with escucha. All post texts are quoted as written by their authors.",
    },
}

LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"es": "Spanish", "en": "English", "unknown": "Unknown language"},
}
