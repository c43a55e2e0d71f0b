"""The read layer: every face (DataFrame, CLI, web pages, REST API, report) reads the store
through these functions, so each question is asked of the tables in one place.

    posts      posts with their enrichments: one column list, one query, keyset pages
    mentions   brand mentions counted per language, brand, sentiment and day
    sources    per-source coverage, state, import runs and the one health decision
    overview   store-wide totals (posts, enriched, authors, languages, brands)
    versions   the data version that keeps cached values fresh
"""
