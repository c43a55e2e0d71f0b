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
        "col_top_themes": "Top complaint themes (posts)",
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
        "summary_concern": "Most common concern: “{label}” ({n} of its posts).",
        "summary_wish": "Most common wish: “{label}” ({n} of its posts).",
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
        "themes": "Themes of concerns and wishes",
        "themes_intro": (
            "Concerns are posts the model flagged as complaints, wishes posts it flagged as "
            "wishes. Each language's posts are grouped into themes by the words they share; "
            "a theme is named by its most distinctive phrases. Trend compares the theme's "
            "share of the language's posts in the later half of its period with the earlier "
            "half. Quotes are the posts nearest the theme's centre."
        ),
        "concerns": "Concerns",
        "wishes": "Wishes",
        "themes_note": "{n} posts flagged; {other} of them fit no theme (“other”).",
        "themes_more": "{n} smaller themes with {posts} posts are not shown.",
        "no_themes": "Too few posts, or too varied, to form a theme.",
        "no_flagged": "No posts flagged.",
        "theme_posts": "{n} posts",
        "trend": "Trend",
        "trend_rising": "rising ↑",
        "trend_falling": "falling ↓",
        "trend_flat": "steady",
        "col_top_brands": "Brands",
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
            "% complaint and % wish are shares of the brand's posts. The complaint themes are "
            "found once per language over every brand's complaints, so brands are compared on "
            "the same themes."
        ),
        "theme_with_posts": "{label} ({n})",
        "opportunities": "Opportunities: where competitors are praised and we are criticised",
        "opportunities_intro": (
            "Our side: posts about {brand} flagged as complaints or negative. Their side: posts "
            "about a competitor (and not us) flagged as praise or positive. Each side is "
            "grouped into themes on its own; a pair is shown when the themes share a specific "
            "word and at least {n} posts on each side use it. Matching is by words, not "
            "meaning: read the quotes; these are leads, not findings."
        ),
        "opportunities_none": (
            "None qualifies: no aspect has at least {n} critical posts about {brand} and {n} "
            "praising posts about competitors in the same language."
        ),
        "opportunities_no_brand": (
            "No brand is marked as ours in escucha.toml, so there is nothing to compare."
        ),
        "opportunities_more": "{n} more opportunities are not shown.",
        "opportunity_ours": "{n} critical posts about {brand}",
        "opportunity_theirs": "{n} praising posts about competitors ({brands})",
        "shared_words": "Shared words",
        "what_we_hear": "About us",
        "what_they_hear": "About competitors",
        "ideas": "Idea backlog",
        "ideas_intro": (
            "Wish posts grouped into ideas (escucha ideas), most posts first: the top {shown} "
            "of {total} (duplicates merged into another idea are not counted). Askers are "
            "distinct authors."
        ),
        "no_ideas": (
            "No ideas are stored yet: run `escucha ideas refresh`, then make the report again."
        ),
        "col_idea": "Idea",
        "col_askers": "Askers",
        "col_first_seen": "First seen",
        "col_last_seen": "Last seen",
        "col_status": "Status",
        "status_open": "open",
        "status_planned": "planned",
        "status_started": "started",
        "status_completed": "completed",
        "status_declined": "declined",
        "status_duplicate": "duplicate",
        "alerts": "Alerts",
        "alerts_intro": (
            "The latest alerts escucha raised (escucha alerts), newest first, and how each was "
            "delivered."
        ),
        "no_alerts": "No alerts yet: `escucha alerts` evaluates the rules.",
        "col_fired": "Raised",
        "col_rule": "Rule / metric",
        "col_subject": "Subject",
        "col_message": "Message",
        "col_deliveries": "Deliveries",
        "delivery": "{channel}: {status}, attempts: {n}",
        "delivery_sent": "sent",
        "delivery_pending": "pending",
        "delivery_failed": "failed",
        "no_channel": "recorded (no channel)",
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
        "caveat_themes": (
            "Themes group posts by the words they share, not by meaning: two themes can "
            "describe one issue, a post is in one theme only, and posts that fit no theme are "
            "counted as “other”."
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
