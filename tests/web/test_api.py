"""The REST API: token auth, posts with filters and cursors, aggregates, exports."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from .conftest import bearer


def test_openapi_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/posts",
        "/api/v1/posts/{post_id}",
        "/api/v1/posts/export",
        "/api/v1/share-of-voice",
        "/api/v1/net-sentiment",
    ):
        assert path in paths
    assert not any(p.startswith(("/explore", "/login")) for p in paths)  # pages stay out
    assert "HTTPBearer" in json.dumps(spec["components"]["securitySchemes"])


def test_no_token_or_a_wrong_one_is_401(client, env):
    assert client.get("/api/v1/posts").status_code == 401
    response = client.get("/api/v1/posts", headers=bearer("esk_not-a-token"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_me(client, env):
    body = client.get("/api/v1/me", headers=bearer(env.tokens["vic-read"])).json()
    assert body == {"user": "vic", "role": "viewer", "scope": "read"}


def test_posts_page_through_every_post_with_the_cursor(client, env):
    headers = bearer(env.tokens["ana-read"])
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/posts", params=params, headers=headers).json()
        seen += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == body["total"] > 500
    assert seen == sorted(seen, reverse=True)


def test_posts_filtered_by_query_and_filters(client, env):
    headers = bearer(env.tokens["ana-read"])
    body = client.get(
        "/api/v1/posts",
        params={"q": "maleta OR equipaje", "brand": "Iberia", "lang": "es", "limit": 500},
        headers=headers,
    ).json()
    assert body["total"] >= 1
    for post in body["items"]:
        assert "Iberia" in post["brands"] and post["lang"] == "es"
        assert "maleta" in post["text"].lower() or "equipaje" in post["text"].lower()
    negative = client.get(
        "/api/v1/posts", params={"sentiment": "negative", "limit": 500}, headers=headers
    ).json()
    assert negative["total"] > 0
    assert {p["sentiment"] for p in negative["items"]} == {"negative"}
    dated = client.get(
        "/api/v1/posts",
        params={"date_from": "2017-11-20", "date_to": "2017-11-21", "source": "hostile"},
        headers=headers,
    ).json()
    assert dated["total"] == 4


def test_a_bad_query_is_400_with_its_position(client, env):
    response = client.get(
        "/api/v1/posts", params={"q": "maleta AND (retraso"}, headers=bearer(env.tokens["ana-read"])
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail["message"] and isinstance(detail["position"], int)


def test_one_post_with_its_raw_payload(client, env):
    post_id = env.ids["h1"]
    body = client.get(f"/api/v1/posts/{post_id}", headers=bearer(env.tokens["vic-read"])).json()
    assert body["id"] == post_id and body["text"].startswith("<script>")
    assert body["raw_payload"]["id"] == "h1"
    assert body["model_version"] and 0 <= body["negative"] <= 1
    missing = client.get("/api/v1/posts/999999", headers=bearer(env.tokens["vic-read"]))
    assert missing.status_code == 404


def test_aggregates_match_the_insights_functions(client, env):
    from escucha.insights import net_sentiment, share_of_voice

    frame = env.workspace.posts()
    headers = bearer(env.tokens["ana-read"])
    share = client.get("/api/v1/share-of-voice", headers=headers).json()
    expected = share_of_voice(frame)
    assert [(r["lang"], r["brand"], r["mentions"]) for r in share] == list(
        zip(expected["lang"], expected["brand"], expected["mentions"], strict=True)
    )
    sentiment = client.get("/api/v1/net-sentiment", headers=headers).json()
    expected = net_sentiment(frame)
    assert [(r["lang"], r["brand"], r["positive"], r["negative"]) for r in sentiment] == list(
        zip(
            expected["lang"],
            expected["brand"],
            expected["positive"],
            expected["negative"],
            strict=True,
        )
    )
    only_es = client.get("/api/v1/share-of-voice", params={"lang": "es"}, headers=headers).json()
    assert {r["lang"] for r in only_es} == {"es"}
    overall = client.get(
        "/api/v1/net-sentiment", params={"by_lang": "false"}, headers=headers
    ).json()
    assert all("lang" not in r or r["lang"] is None for r in overall)


def _export(client, token: str, fmt: str, **params):
    response = client.get(
        "/api/v1/posts/export", params={"format": fmt, **params}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return response


def test_csv_export_neutralises_formulas(client, env):
    response = _export(client, env.tokens["ana-read"], "csv", source="hostile")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 4
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    texts = {r["text"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example","click") @Iberia fatal servicio' in texts
    authors = {r["author"] for r in rows}
    assert "'=cmd" in authors


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_json_and_parquet_exports_hold_the_filtered_posts(client, env, fmt):
    params = {"brand": "Iberia", "lang": "es"}
    expected = client.get(
        "/api/v1/posts", params={**params, "limit": 1}, headers=bearer(env.tokens["ana-read"])
    ).json()["total"]
    response = _export(client, env.tokens["ana-read"], fmt, **params)
    if fmt == "json":
        records = response.json()
    else:
        records = pq.read_table(io.BytesIO(response.content)).to_pylist()
    assert len(records) == expected > 0
    assert all("Iberia" in r["brands"] and r["lang"] == "es" for r in records)


def test_write_scope_revokes_own_tokens_only(client, env):
    from escucha.auth.tokens import create_token

    token, info = create_token(env.workspace.engine, "ana", "read", "to revoke")
    other, other_info = create_token(env.workspace.engine, "ada", "read", "not ana's")
    write = bearer(env.tokens["ana-write"])
    assert client.delete(f"/api/v1/tokens/{other_info.id}", headers=write).status_code == 404
    assert client.delete(f"/api/v1/tokens/{info.id}", headers=write).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


def test_tokens_are_stored_only_as_hashes(env):
    import sqlalchemy as sa

    from escucha.store.schema import api_tokens

    with env.workspace.engine.connect() as conn:
        stored = conn.execute(sa.select(api_tokens)).all()
    dump = repr(stored)
    for token in env.tokens.values():
        assert token not in dump
