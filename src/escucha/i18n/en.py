"""English: the words of the web app, the report and the errors users see."""

from escucha.i18n.format import Locale

LOCALE = Locale(
    code="en",
    date_time="%x, %X",
    date="%-m/%-d/%Y",
    time="%-I:%M:%S %p",
)

STRINGS: dict[str, str] = {
    # frame
    "skip_to_content": "Skip to content",
    "language": "Interface language",
    "signed_in_as": "Signed in as {name}",
    "log_out": "Log out",
    "log_in": "Log in",
    "nav_label": "Main",
    "nav_overview": "Overview",
    "nav_explore": "Mentions",
    "nav_competitors": "Competitors",
    "nav_sources": "Sources",
    "nav_tokens": "API tokens",
    "footer": (
        "escucha: open-source social listening. Post texts are quoted as their authors wrote them."
    ),
    "role_admin": "admin",
    "role_analyst": "analyst",
    "role_viewer": "viewer",
    # titles
    "title_login": "Log in",
    "title_overview": "Overview",
    "title_explore": "Mentions explorer",
    "title_post": "Post {id}",
    "title_competitors": "Competitors",
    "title_sources": "Sources",
    "title_tokens": "API tokens",
    "title_error": "Something went wrong",
    # login and errors
    "username": "User name",
    "password": "Password",
    "login_failed": "Wrong user name or password.",
    "login_throttled": "Too many failed attempts. Try again in {seconds} seconds.",
    "error_403": "You are not allowed to do this.",
    "error_404": "There is nothing here.",
    "error_400": "The request was not valid: {detail}",
    "back_to_overview": "Back to the overview",
    # overview
    "totals": "Totals",
    "kpi_posts": "posts",
    "kpi_enriched": "analysed",
    "kpi_mentions": "brand mentions",
    "kpi_languages": "languages",
    "period_lang": "{lang}: {first} to {last}",
    "volume": "Volume over time",
    "volume_intro": (
        "Mentions per brand; each language has its own time axis and bin size, because the "
        "languages cover different periods. The first and last bins may be partial."
    ),
    "share": "Share of voice",
    "share_intro": (
        "Mentions of each brand divided by all brand mentions in the same language. A post "
        "naming two brands counts for both."
    ),
    "sentiment": "Net sentiment",
    "sentiment_intro": (
        "(positive − negative) / (positive + negative), from −1 (all negative) to +1 (all "
        "positive); neutral posts are left out. Lines show a 95% interval. Brands with "
        "fewer than {min} positive or negative posts are faded and marked too few to "
        "compare."
    ),
    "show_table": "Show the numbers as a table",
    "sentiment_table": "Mentions, share of voice and net sentiment per language and brand",
    "no_data": "No data yet: import posts and run escucha analyze.",
    # chart text (used inside the SVG charts)
    "volume_chart_title": "{lang}: mentions per {bin}, {first} to {last}",
    "volume_alt": "Line chart of mentions per {bin} and brand in {lang} posts, {first} to {last}.",
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
    "share_chart_title": "{lang}: share of voice",
    "share_alt": "Bar chart of share of voice per brand in {lang} posts.",
    "sentiment_chart_title": "{lang}: net sentiment per brand",
    "sentiment_alt": "Bar chart of net sentiment per brand in {lang} posts, with intervals.",
    "too_few_short": "too few",
    "net_n": "{net} (n = {n})",
    "net_n_few": "{net} (n = {n}, too few)",
    "being_computed": (
        "These numbers are being computed for the first time since the data changed; "
        "the page shows them as soon as they are ready."
    ),
    "ours": "our brand",
    # columns
    "col_language": "Language",
    "col_brand": "Brand",
    "col_brands": "Brands",
    "col_mentions": "Mentions",
    "col_share": "Share of voice",
    "col_share_mentions": "Share by mentions",
    "authors_by_reach": (
        "Authors with the widest reach: their most followers when a post of theirs was collected"
    ),
    "authors_by_engagement": (
        "Authors with the most engagement: likes, reposts, replies and score of their posts"
    ),
    "col_share_reach": "Share by reach",
    "reach_known_of": "followers known for {known} of {n}",
    "reach_intro": (
        "Share by reach weighs each mention by its author's followers when the post was "
        "collected (a potential audience, not people reached); it counts only the mentions "
        "whose source gave a follower count, and shows — where none did."
    ),
    "col_net": "Net sentiment",
    "col_interval": "95% interval",
    "col_complaint": "% complaint",
    "col_wish": "% wish",
    "col_top_concern": "Top concern",
    "col_sentiment": "Sentiment",
    "col_intent": "Intent",
    "col_source": "Source",
    "col_author": "Author",
    "col_date": "Date",
    "col_posts": "Posts",
    "col_first": "First post",
    "col_last": "Last post",
    "col_health": "Health",
    "col_location": "File or address",
    "col_started": "Started",
    "col_status": "Status",
    "col_accepted": "Accepted",
    "col_duplicate": "Duplicates",
    "col_rejected": "Rejected",
    "col_message": "Message",
    "col_created": "Created",
    "col_last_used": "Last used",
    # values
    "sentiment_negative": "negative",
    "sentiment_neutral": "neutral",
    "sentiment_positive": "positive",
    "intent_wish": "wish",
    "intent_complaint": "complaint",
    "intent_question": "question",
    "intent_praise": "praise",
    "intent_promo": "promotion",
    "lang_es": "Spanish",
    "lang_en": "English",
    "lang_unknown": "Too short to tell the language",
    "none": "—",
    "unknown": "unknown",
    "no_date": "no date",
    # explorer
    "query": "Query",
    "query_help": (
        'Words, "phrases", AND / OR / NOT, NEAR/3, and fields such as brand:Iberia, '
        "lang:es, sentiment:negative, intent:complaint, date:2017-11-01..2017-11-30."
    ),
    "any": "Any",
    "date_from": "From (UTC)",
    "date_to": "To (UTC)",
    "search": "Search",
    "clear_filters": "Clear filters",
    "results": "Results",
    "results_summary": "{n} posts match, {sort}; page {page} of {pages}.",
    "sort": "Order",
    "sort_newest": "Newest first",
    "sort_oldest": "Oldest first",
    "sort_engagement": "Most engagement first",
    "sort_reach": "Widest reach first",
    "engagement": "Engagement",
    "engagement_help": (
        "As the source gave them when the post was collected (collecting or importing it again "
        "refreshes them); engagement is likes + reposts + replies + score."
    ),
    "count_likes": "{n} likes",
    "count_reposts": "{n} reposts",
    "count_replies": "{n} replies",
    "count_score": "score {n}",
    "count_followers": "author's followers: {n}",
    "count_engagement": "engagement {n}",
    "counted_at": "Counted",
    "categories_title": "Categories",
    "categories_none": "This post is in no custom category.",
    "category_by_hand": "tagged by hand",
    "category_by_query": "by the category's query",
    "categories_tag": "Tag by hand",
    "categories_save": "Save the categories",
    "categories_define_help": (
        'No custom categories yet: define one with escucha categories add NAME [--query "QUERY"].'
    ),
    "categories_text": "categories: {names}",
    "col_category": "Category",
    "title_categories": "Categories",
    "nav_categories": "Categories",
    "categories_intro": (
        "Your own categories: posts tagged by hand, and those matching a category's saved "
        "query (evaluated as you read, so new posts count at once). Sentiment counts an "
        "analyst's label over the model's."
    ),
    "categories_empty": (
        'No custom categories yet: define one with escucha categories add NAME [--query "QUERY"].'
    ),
    "col_query": "Query",
    "col_share_of_posts": "Share of posts",
    "col_tagged_by_hand": "Tagged by hand",
    "categories_by_hand_only": "by hand only",
    "categories_voices": "Share of voice within each category",
    "title_authors": "Top authors",
    "authors_link": "Top authors",
    "categories_link": "Categories",
    "top_authors_intro": (
        "The authors of the period with the most posts, the widest reach (the most followers "
        "they had when a post of theirs was collected: potential audience, not people reached) "
        "and the most engagement (their posts' likes, reposts, replies and score). Ranking by "
        "reach or engagement leaves out authors whose source gave no such count."
    ),
    "top_authors_posts": "By posts",
    "top_authors_reach": "By reach",
    "top_authors_engagement": "By engagement",
    "top_authors_none": "{by}: no author of the period has this count.",
    "labels_title": "Labels",
    "labels_by_model": "The sentiment and intents shown are the model's.",
    "labels_by_human": (
        "Labelled by {user}: these labels override the model's in every count, chart and report "
        "(the probabilities below stay the model's)."
    ),
    "labels_save": "Save these labels",
    "labels_restore": "Restore the model's labels",
    "labels_history": "Corrections",
    "labels_when": "When (UTC)",
    "labels_who": "Who",
    "labels_before": "Before",
    "labels_after": "After",
    "labels_overview": (
        "{n} posts carry an analyst's labels; they count with those labels instead of the model's."
    ),
    "col_likes": "Likes",
    "col_reposts": "Reposts",
    "col_replies": "Replies",
    "col_score": "Score",
    "col_followers": "Author's followers",
    "col_engagement": "Engagement",
    "no_counts": "The source gave no counts for this post.",
    "no_results": "No post matches these filters.",
    "query_error": "The query has a problem: {message}",
    "export_as": "Download these posts as",
    "pages": "Pages",
    "first_page": "First page",
    "next_page": "Next page",
    "open_post": "open post",
    "open_post_n": "Open post {id}",
    "original": "original",
    # post
    "post_text": "Text",
    "link": "Link",
    "unsafe_link": "Not a web link; not linked:",
    "in_reply_to": "In reply to",
    "fetched": "Collected",
    "enrichment": "What the model read",
    "model_version": "Model version: {version}.",
    "source_said": "the source said {lang}",
    "probabilities": "Probabilities",
    "label": "Label",
    "probability": "Probability",
    "bar": "Bar",
    "not_enriched": "The current model has not read this post yet: run escucha analyze.",
    "raw_payload": "Raw payload, as received",
    "back_to_explorer": "Back to the explorer",
    # competitors
    "competitors_intro": (
        "One row per brand and language. Share of voice is within the language; % complaint "
        "and % wish are shares of the brand's posts."
    ),
    "competitor_comparison": "Competitor comparison",
    # concerns
    "show": "Show",
    "concerns": "Concerns",
    "wishes": "Wishes",
    "no_flagged": "No posts flagged.",
    # sources
    "coverage": "Coverage and health",
    "coverage_caption": "Posts per source, their period, and how the last collection went",
    "import_runs": "Import runs",
    "import_runs_caption": "Every import and what it accepted, found duplicate and rejected",
    "health_ok": "healthy",
    "health_failing": "failing",
    "health_unknown": "unknown",
    "run_done": "done",
    "run_failed": "failed",
    "run_interrupted": "interrupted",
    "run_running": "running",
    # tokens
    "tokens_intro": (
        "Tokens let programs use the REST API (/api/v1) as you. A read token can only read; "
        "a write token can also change things. Each token is shown once, when created."
    ),
    "tokens_viewer": "Viewers read only, so they cannot create tokens; ask an admin.",
    "token_created": "Copy this token now: it will not be shown again.",
    "new_token": "New token",
    "token_label": "Label",
    "token_scope": "Scope",
    "token_prefix": "Token",
    "scope_read": "read",
    "scope_write": "write",
    "create_token": "Create token",
    "your_tokens": "Your tokens",
    "no_tokens": "No tokens yet.",
    "revoke": "Revoke",
    "revoke_token": "Revoke token {prefix}",
    "revoked": "revoked",
    "active": "active",
    "actions": "Actions",
    # themes
    "nav_themes": "Themes",
    "title_themes": "Themes",
    "title_theme": "Theme: {label}",
    "themes_intro": (
        "Posts grouped into themes by the words they share, per language: without a query, "
        "the complaints and the wishes; with a query, every matching post (or only those "
        "with the intent you pick). A theme is named by its most distinctive phrases; the "
        "trend compares its share of the language's posts in the later half of the period "
        "with the earlier half."
    ),
    "themes_matching": "Themes of the matching posts",
    "themes_note": "{n} posts flagged; {other} of them fit no theme (“other”).",
    "themes_note_any": "{n} posts; {other} of them fit no theme (“other”).",
    "themes_note_brand": "{brand} only: {note}",
    "themes_brand_intro": (
        "{brand}'s view: the themes of every brand's posts, ranked by how many of {brand}'s "
        "posts each holds (its top concern is the competitors page's); shares are of "
        "{brand}'s posts of the language."
    ),
    "theme_brand_size": "{n} of {brand}'s posts ({share}); {size} in all",
    "themes_more": "{n} smaller themes with {posts} posts are not shown.",
    "no_themes": "Too few posts, or too varied, to form a theme.",
    "n_posts": "{n} posts",
    "trend": "Trend",
    "trend_rising": "rising ↑",
    "trend_falling": "falling ↓",
    "trend_flat": "steady",
    "trend_shares": "{earlier} of the language's posts in the earlier half, {later} in the later",
    "quote_by": "@{author}",
    "theme_terms": "Distinctive words",
    "theme_quotes": "Quotes",
    "theme_posts_h": "Posts in this theme",
    "theme_group": "Group",
    "posts_per_period": "Posts per period",
    "col_period": "Period",
    "sentiment_counts": "{positive} positive, {neutral} neutral, {negative} negative",
    "back_to_themes": "Back to the themes",
    "show_themes": "Find themes",
    "no_theme_data": "No analysed posts match: nothing to group.",
    # opportunities (competitors page)
    "opportunities": "Opportunities: where competitors are praised and we are criticised",
    "opportunities_intro": (
        "Our side: posts about {brand} flagged as complaints or negative. Their side: posts "
        "about a competitor (and not us) flagged as praise or positive. Each side is grouped "
        "into themes on its own; a pair is shown when the themes share a specific word and at "
        "least {n} posts on each side use it. Matching is by words, not meaning: read the "
        "quotes; these are leads, not findings."
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
    # ideas
    "nav_ideas": "Ideas",
    "title_ideas": "Idea backlog",
    "title_idea": "Idea #{id}: {title}",
    "ideas_intro": (
        "Wish posts grouped into ideas, most posts first. Askers are distinct authors; the "
        "trend counts posts in each of the last {periods} periods of {days} days, oldest first, "
        "ending at the newest stored post."
    ),
    "ideas_shown": "Showing {first}–{last} of {total} ideas.",
    "no_ideas": "No ideas here. An analyst runs `escucha ideas refresh` to group the wishes.",
    "col_idea": "Idea",
    "col_askers": "Askers",
    "col_first_seen": "First seen",
    "col_last_seen": "Last seen",
    "col_trend": "Trend",
    "all_statuses": "Active (not duplicates)",
    "status_open": "open",
    "status_planned": "planned",
    "status_started": "started",
    "status_testing": "testing",
    "status_completed": "completed",
    "status_declined": "declined",
    "status_duplicate": "duplicate",
    "idea_key": "Key",
    "duplicate_of": "Duplicate of",
    "duplicates": "Merged into this idea",
    "change_status": "Change status",
    "new_status": "New status",
    "merge_into": "Merge this idea into idea number",
    "merge": "Merge",
    "unmerge": "Unmerge",
    "unmerge_help": "Give this idea its posts and its former status back.",
    "curation_viewer": "Viewers read only; an analyst or admin changes statuses and merges.",
    "idea_posts": "Posts",
    "idea_askers": "Who asked",
    "idea_lead": "lead",
    "idea_lead_help": "One person asked: a lead until a second person asks for it.",
    "col_handle": "Handle",
    "profile": "profile",
    "back_to_ideas": "Back to the ideas",
    "idea_error": "Not changed: {message}",
    "previous_page": "Previous page",
    # alerts
    "nav_alerts": "Alerts",
    "title_alerts": "Alerts",
    "alerts_intro": (
        "The alerts escucha raised, newest first, and how each was delivered. Rules and "
        "channels are in escucha.toml (docs/ideas-and-alerts.md); time is the data's time."
    ),
    "run_alerts": "Run alerts now",
    "run_alerts_help": (
        "Evaluates every rule at the newest post, stores what is new and delivers it."
    ),
    "alerts_viewer": "Viewers read only; an analyst or admin can run the alerts.",
    "alerts_ran": (
        "Evaluated the windows ending {at}: {fired} new alerts, {delivered} deliveries tried."
    ),
    "alerts_failed": "The alerts could not run: {message}",
    "no_alerts": "No alerts yet.",
    "col_fired": "Raised",
    "col_rule": "Rule / metric",
    "col_subject": "Subject",
    "col_deliveries": "Deliveries",
    "delivery": "{channel}: {status}, attempts: {n}",
    "delivery_sent": "sent",
    "delivery_pending": "pending",
    "delivery_failed": "failed",
    "no_channel": "recorded (no channel)",
    # the report
    "report_title": "Listening report: {workspace}",
    "report_generated": "Generated {when}",
    "report_footer": ("Made with escucha. All post texts are quoted as written by their authors."),
    "contents": "Contents",
    "summary": "Summary",
    "period": "Period covered",
    "no_dates": "no dates",
    "posts_per": "Posts per language and source",
    # the report's downloads (PDF, CSV, XLSX) and its tables' extra columns
    "report_downloads": "Download the report",
    "download_pdf": "Report as PDF",
    "download_csv": "Tables as CSV (zip)",
    "download_xlsx": "Tables as Excel (XLSX)",
    "report_being_prepared": (
        "The report is being prepared; its download starts by itself as soon as it is ready."
    ),
    "report_download_when_ready": "Download it (when ready)",
    "report_pdf_unavailable": (
        "the PDF needs WeasyPrint and Debian's pango libraries "
        "(apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0): {error}"
    ),
    "col_language_code": "Language code",
    "col_ours": "Our brand",
    "col_reach_known": "Mentions with a follower count",
    "col_ci_low": "95% interval, low",
    "col_ci_high": "95% interval, high",
    "col_too_few": "Too few to compare",
    "col_bin": "Bin (D day, W week, M month)",
    "col_kind": "Kind",
    "col_net_n": "Positive + negative posts",
    "col_n_before": "n before",
    "col_n_after": "n after",
    "col_p_value": "p-value",
    "col_significant": "Significant (p < 0.05)",
    "col_posts_before": "Posts before",
    "col_posts_after": "Posts after",
    "col_id": "Id",
    "undated": "{n} posts have no date; they count everywhere except in the time chart.",
    "col_positive": "Positive",
    "col_neutral": "Neutral",
    "col_negative": "Negative",
    "col_top_themes": "Top complaint themes (posts)",
    "col_negative_share": "Share negative",
    "col_file": "File",
    "col_coverage": "Notes",
    "coverage_file": "file import: as complete as the file; no later posts are collected",
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
    "too_few": "too few to compare",
    "not_mentioned": "not mentioned",
    "themes": "Themes of concerns and wishes",
    "report_themes_intro": (
        "Concerns are posts the model flagged as complaints, wishes posts it flagged as "
        "wishes. Each language's posts are grouped into themes by the words they share; "
        "a theme is named by its most distinctive phrases. Trend compares the theme's "
        "share of the language's posts in the later half of its period with the earlier "
        "half. Quotes are the posts nearest the theme's centre."
    ),
    "authors": "Most active authors",
    "authors_intro": "Authors with most posts, and how many of their posts are negative.",
    "authors_missing": (
        "The data has no authors, so there is nothing to list here (some sources, "
        "like the Spanish demo data, don't give one)."
    ),
    "authors_partial": "Authors are known for {known} of {total} posts.",
    "report_competitors_intro": (
        "One row per brand and language. Share of voice is within the language; "
        "% complaint and % wish are shares of the brand's posts. The complaint themes are "
        "found once per language over every brand's complaints, so brands are compared on "
        "the same themes."
    ),
    "theme_with_posts": "{label} ({n})",
    "report_ideas_intro": (
        "Wish posts grouped into ideas (escucha ideas), most posts first: the top {shown} "
        "of {total} (duplicates merged into another idea are not counted). Askers are "
        "distinct authors."
    ),
    "report_no_ideas": (
        "No ideas are stored yet: run `escucha ideas refresh`, then make the report again."
    ),
    "report_alerts_intro": (
        "The latest alerts escucha raised (escucha alerts), newest first, and how each was "
        "delivered."
    ),
    "report_no_alerts": "No alerts yet: `escucha alerts` evaluates the rules.",
    "method": "Method",
    "method_sources": "Data sources",
    "method_models": "Models",
    "task_sentiment": "sentiment",
    "task_intents": "intents",
    "task_complaint": "complaint",
    "task_wish": "wish",
    "task_question": "question",
    "task_praise": "praise",
    "task_promo": "promo",
    "accuracy_by_language": (
        "Measured accuracy of {task} by language (compare languages only as far as these "
        "allow): {values}."
    ),
    "accuracy_intent": "{lang} F1 {f1} (precision {precision}, recall {recall}; n {n})",
    "accuracy_sentiment": "{lang} macro-F1 {f1} (n {n})",
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
    "caveat_sentiment_unmeasured": "The sentiment model's accuracy is not measured for: {langs}.",
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
    # errors raised by the core and shown to users (escucha.i18n.Message)
    "query_empty": "empty query",
    "query_unbalanced": "unbalanced parenthesis at position {position}",
    "query_empty_parentheses": "empty parentheses at position {position}",
    "query_term_after": "{operator} needs a term after it at position {position}",
    "query_term_before": "{operator} needs a term before it at position {position}",
    "query_near_operands": (
        "NEAR works on words and phrases (or ORs of them) at position {position}"
    ),
    "query_near_distance": "NEAR needs a distance, e.g. NEAR/3, at position {position}",
    "query_near_minimum": "NEAR distance must be 1 or more at position {position}",
    "query_minus_apart": "'-' must touch what it excludes, e.g. -promo, at position {position}",
    "query_star_inside": "'*' only at the end of a word, e.g. cancel*, at position {position}",
    "query_no_letter": "'{word}' has no letter or digit to search for at position {position}",
    "query_empty_phrase": "empty phrase at position {position}",
    "query_unclosed_quote": "unclosed quote at position {position}",
    "query_unknown_category": "there is no category '{name}' (categories: {known})",
    "query_unknown_field": "unknown field '{name}' at position {position} (fields: {fields})",
    "query_star_in_field": "'*' works in words, not in field values, at position {position}",
    "query_field_value": "{name}: needs a value, e.g. {example}, at position {position}",
    "query_field_choice": "{name} must be one of {choices} at position {position}",
    "query_lang_code": "lang must be a language code such as es or en at position {position}",
    "query_bad_date": "invalid date '{text}' (expected YYYY-MM-DD) at position {position}",
    "query_range_no_date": (
        "date range needs a date, e.g. date:2017-11-01.., at position {position}"
    ),
    "query_range_reversed": "date range ends before it starts at position {position}",
    "query_too_long": "the query is longer than {limit} characters",
    "query_too_deep": (
        "more than {limit} nested parentheses or NOTs at position {position}; write it flatter"
    ),
    "query_too_many_terms": (
        "more than {limit} words, phrases and fields at position {position}; split the query"
    ),
    "query_phrase_too_long": "a phrase of more than {limit} words at position {position}",
    "query_too_slow": (
        "the query took longer than {seconds} s and was stopped; narrow it "
        "(fewer words, a field such as brand: or date:)"
    ),
    "contact_missing": "no contact {id}",
    "contact_merged_away": "contact {id} was merged into contact {kept} (merge #{merge})",
    "contact_merge_itself": "cannot merge contact {id} with itself",
    "contact_merge_reason": "a merge needs a reason (--reason)",
    "contact_identity_format": "--identity {identity}: expected PLATFORM:HANDLE, e.g. reddit:u/ana",
    "contact_no_identity": "contact {id} has no identity {identity}",
    "contact_identity_own": (
        "identity {identity} was never merged into contact {id}: it is the contact's own"
    ),
    "contact_exists_again": "contact {id} exists again; cannot restore it",
    "contact_pair_itself": "contact {id} paired with itself is no suggestion",
    "ledger_unknown_kind": "unknown kind {kind}; kinds are {kinds}",
    "ledger_channel_length": "--channel must be 1 to 64 characters",
    "ledger_ref": "--ref is longer than 2000 characters",
    "invalid_field": "{field}: not a valid value",
    "filter_bad_value": "{name}: not a valid value",
    "themes_unknown_brand": "--brand '{brand}': not a brand of this workspace (known: {known})",
    "filter_query_too_long": "the query is longer than {limit} characters",
    "idea_missing": "no idea #{id}; 'escucha ideas' lists them",
    "idea_merge_to_mark": "mark a duplicate with 'escucha ideas merge ID INTO_ID'",
    "idea_unknown_status": "unknown status '{status}': use one of {allowed}",
    "idea_is_duplicate": (
        "idea #{id} is a duplicate of #{into}: change #{into}, or unmerge #{id} first"
    ),
    "idea_into_itself": "an idea cannot be merged into itself",
    "idea_already_merged": "idea #{id} is already merged into #{into}",
    "idea_into_duplicate": "idea #{id} is itself a duplicate of #{into}: merge into #{into}",
    "idea_not_merged": "idea #{id} is not merged into another idea",
    # the community's pages
    "nav_contacts": "Contacts",
    "nav_ledger": "Give & ask",
    "title_contacts": "Contacts",
    "title_contact": "Contact #{id}: {name}",
    "title_suggestions": "Merge suggestions",
    "title_ledger": "Give and ask",
    "contacts_intro": (
        "People across platforms: their identities, what we gave them and asked of them, and "
        "whether we may ask them now (with every reason when not)."
    ),
    "contacts_search": "Name, handle or email",
    "col_country": "Country",
    "col_ready": "May we ask?",
    "contacts_ready_yes": "Ready",
    "contacts_ready_no": "Not ready",
    "col_opted_out": "Opted out",
    "yes": "Yes",
    "no": "No",
    "col_contact": "Contact",
    "col_identities": "Identities",
    "col_emails": "Emails",
    "col_consent": "Consent to be contacted",
    "col_platform": "Platform",
    "col_reason": "Reason",
    "col_confidence": "Confidence",
    "col_decision": "Decision",
    "no_contacts": "No contact matches these filters.",
    "community_consent_yes": "yes",
    "community_consent_no": "no",
    "community_consent_detail": "{answer}, on {day}, through {channel} (text version {version})",
    "community_consent_none": "none on record",
    "community_about_us": "{count} about us",
    "community_replies_to_us": "{count} replies to us",
    "community_last_90d": "{count} in the last 90 days",
    "community_timeline": "Their posts and our gives and asks",
    "community_post": "post",
    "community_recorded_by": "recorded by {name}",
    "community_error": "Not done: {message}",
    "back_to_contacts": "Back to the contacts",
    "ledger_kind": "Give or ask",
    "ledger_channel": "Channel",
    "ledger_note": "Note",
    "ledger_record": "Record",
    "suggestions_intro": (
        "Contacts that may be one person, each with the evidence and a confidence, best first. "
        "Accepting merges them (undone from the contact's page); a rejected pair is not "
        "suggested again."
    ),
    "suggestions_admins": "Only admins accept or reject suggestions.",
    "suggestion_accept": "Merge",
    "suggestion_reject": "Not the same person",
    "no_suggestions": "No merge waits for a decision.",
    "ledger_intro": (
        "What we gave the community and what we asked of it, month by month: an honest member "
        "gives at least as much as it asks."
    ),
    "ledger_chart_title": "Gives and asks per month",
    "ledger_chart_alt": (
        "Bars of gives and asks per month; a month where asks outran gives is marked with an "
        "exclamation mark."
    ),
    "ledger_axis_month": "Month",
    "ledger_axis_count": "Interactions",
    "ledger_gives": "Gives",
    "ledger_asks": "Asks",
    "ledger_ratio": "Gives per ask",
    "ledger_asks_outrun": "asks outran gives",
    "ledger_warning": "Asks outran gives in {months}: give before asking again.",
    "ledger_recent": "Latest interactions",
    "report_give_ask_empty": (
        "No gives or asks recorded in the last 12 months. Record them with 'escucha ledger add'; "
        "published replies and invitations record their own."
    ),
    "ledger_kind_give_help": "give: help",
    "ledger_kind_give_answer": "give: answer",
    "ledger_kind_give_thanks": "give: thanks",
    "ledger_kind_give_share": "give: shared their content",
    "ledger_kind_give_loop_closed": "give: loop closed",
    "ledger_kind_give_gift": "give: gift",
    "ledger_kind_ask_survey": "ask: survey",
    "ledger_kind_ask_test": "ask: product test",
    "ledger_kind_ask_opinion": "ask: opinion",
    "ledger_kind_ask_favour": "ask: favour",
    # the honest-post guard's reasons (engage/guard.py; docs/guard.md)
    "guard_connection_employee": "employee",
    "guard_connection_gifted": "gifted",
    "guard_connection_paid": "paid",
    "guard_connection_affiliate": "affiliate",
    "guard_the_brand": "the brand",
    "guard_undisclosed": (
        "the {connection} author endorses or promotes {brand} ({words}) without a clear disclosure"
    ),
    "guard_undisclosed_because": (
        "the {connection} author endorses or promotes {brand} ({words}) without a clear "
        "disclosure: {problems}"
    ),
    "guard_disclosure_late": (
        "the disclosure '{word}' comes after the first {chars} characters, where a 'more' cut "
        "hides it"
    ),
    "guard_disclosure_hidden": "the disclosure '{word}' is hidden among {tags} hashtags",
    "guard_disclosure_weak": "{words} is not a clear disclosure",
    "guard_hard_sell": "the text is a sale now: {parts}",
    "guard_part_offer": "an offer ({words})",
    "guard_part_call": "a purchase call ({words})",
    "guard_part_urgency": "urgency ({words})",
    "guard_ask_not_ready": (
        "the text asks a favour ({words}) of a contact who is not ask-ready: {why}"
    ),
    "guard_not_ask_ready": "the contact is not ask-ready",
    # periods and comparison (insights/periods.py, insights/compare.py)
    "period_bad_day": "{name}: '{value}' is not a day (YYYY-MM-DD)",
    "period_bad_range": "{name}: '{value}' is not a range FROM:TO of two days (YYYY-MM-DD)",
    "period_reversed": "{name}: the period starts on {start}, after its last day {end}",
    "period_bad_preset": "period: '{value}' is not one of 7d, 30d, 90d, all or custom",
    "period_compare_needs_days": "compare: a chosen comparison period needs its first and last day",
    "period_compare_needs_period": "compare: choose a period to compare (e.g. 30d or FROM:TO)",
    "period_control": "Period",
    "period_all": "All posts",
    "period_7d": "Last 7 days",
    "period_30d": "Last 30 days",
    "period_90d": "Last 90 days",
    "period_custom": "Chosen days",
    "period_from": "From",
    "period_to": "To",
    "period_apply": "Apply",
    "period_presets_note": "Presets end on the newest post's day ({day}).",
    "compare_label": "Compare with",
    "compare_none": "No comparison",
    "compare_previous": "The previous period",
    "compare_custom": "Chosen days",
    "compare_from": "Compared from",
    "compare_to": "Compared to",
    "period_showing": "{start} to {end} ({days} days)",
    "period_showing_all": "Every post",
    "period_compared": "compared with {start} to {end}",
    "comparison": "Change between the periods",
    "comparison_intro": (
        "Before: {before}. After: {after}. Each change names its test and both sample sizes; "
        "a change is called significant at p < 0.05, and none is claimed on too few posts "
        "(fewer than {min} for shares, rates and net sentiment, fewer than {count} mentions "
        "in both periods together for volume)."
    ),
    "comparison_none": "No brand is mentioned in either period.",
    "col_metric": "Measure",
    "col_before": "Before",
    "col_after": "After",
    "col_change": "Change",
    "col_test": "Test",
    "col_samples": "n before / after",
    "metric_volume": "Mentions",
    "metric_share": "Share of voice",
    "metric_net": "Net sentiment",
    "metric_complaint": "Complaint rate",
    "metric_wish": "Wish rate",
    "test_poisson_exact": "exact Poisson test",
    "test_two_proportion_z": "two-proportion z-test",
    "change_significant": "significant (p {p})",
    "change_not_significant": "not significant (p {p})",
    "change_too_few": "too few posts to tell",
    "change_points": "{delta} pts",
    "theme_changes": "Themes that grew or shrank",
    "theme_changes_intro": (
        "Themes of the {intent} posts, found over both periods together so that a theme "
        "means the same in each; its share is its posts over the period's {intent} posts."
    ),
    "theme_changes_none": "No theme has enough posts in the two periods to compare.",
    "col_theme": "Theme",
    # drill-down and what drove a period (insights/drivers.py)
    "drill_posts": "Show these posts",
    "title_drivers": "What drove it",
    "drivers_intro": (
        "What is more frequent in the chosen posts ({chosen}) than in the baseline "
        "({baseline}): each item with its posts in both, the times it is as frequent, and the "
        "two-proportion z-test. Items with fewer than {min} chosen posts are not listed."
    ),
    "drivers_link": "What drove it?",
    "drivers_terms": "Terms",
    "drivers_hashtags": "Hashtags",
    "drivers_emoji": "Emoji",
    "drivers_authors": "Authors",
    "drivers_themes": "Intents",
    "drivers_none": "Nothing stands out.",
    "drivers_baseline_previous": "the previous period of the same length, {start} to {end}",
    "drivers_baseline_rest": "every other post",
    "drivers_chosen": "{n} posts",
    "col_item": "Item",
    "col_chosen": "Chosen posts",
    "col_baseline": "Baseline posts",
    "col_lift": "Times as frequent",
    "trending": "Trending terms, hashtags and emoji",
    "trending_intro": (
        "Against the previous period of the same length; open one to see what drove it."
    ),
    "bin_posts": "{day}: {n} mentions of {brand}",
}
