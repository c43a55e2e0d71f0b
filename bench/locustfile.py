"""Locust users of the escucha web app and REST API (driven by bench/load_run.py, bench/soak.py).

Two kinds of user, in the proportion of their weights:

- `Analyst`: logs in through the login form once, then opens the overview and the explorer,
  with a period and its comparison with the previous one, and a filtered explorer.
- `ApiClient`: a read token (Authorization: Bearer) on the REST API: pages of posts (newest
  first, filtered, further pages), one post, share of voice, net sentiment, /me.

The users are locust's FastHttpUser (geventhttpclient: several times less client CPU than
HttpUser's requests, which matters when locust shares the server's cores) when it is
installed, else HttpUser; ESCUCHA_LOAD_CLIENT=requests chooses HttpUser anyway (to compare).
Each request is named after its endpoint, so the statistics are per endpoint. Settings come
from the environment: ESCUCHA_LOAD_USER, ESCUCHA_LOAD_PASSWORD, ESCUCHA_LOAD_TOKEN,
ESCUCHA_LOAD_MAX_ID (post ids drawn for /api/v1/posts/{id}), ESCUCHA_LOAD_WAIT ("0.5,2":
seconds between a user's requests), ESCUCHA_LOAD_ANALYSTS, ESCUCHA_LOAD_API (weights).

    locust -f bench/locustfile.py --headless -u 200 -r 20 -t 180s --host http://127.0.0.1:8000
"""

from __future__ import annotations

import contextlib
import os
import random
import re

from locust import HttpUser, between, task

Client: type[HttpUser] = HttpUser
if os.environ.get("ESCUCHA_LOAD_CLIENT", "fast") == "fast":
    with contextlib.suppress(ImportError):
        from locust.contrib.fasthttp import FastHttpUser as Client  # type: ignore[assignment]

WAIT = [float(x) for x in os.environ.get("ESCUCHA_LOAD_WAIT", "0.5,2").split(",")]
MAX_ID = int(os.environ.get("ESCUCHA_LOAD_MAX_ID", "10000"))
BRANDS = ("Iberia", "Ryanair", "Vueling", "United Airlines", "American Airlines", "Delta")
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


class Analyst(Client):
    weight = int(os.environ.get("ESCUCHA_LOAD_ANALYSTS", "1"))
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        page = self.client.get("/login", name="/login").text
        found = CSRF.search(page)
        self.client.post(
            "/login",
            data={
                "username": os.environ["ESCUCHA_LOAD_USER"],
                "password": os.environ["ESCUCHA_LOAD_PASSWORD"],
                "csrf_token": found[1] if found else "",
            },
            name="/login",
        )

    @task(3)
    def overview(self) -> None:
        self.client.get("/", name="overview /")

    @task(2)
    def overview_period(self) -> None:
        self.client.get("/?period=30d&compare=previous", name="overview 30d vs previous")

    @task(3)
    def explorer_period(self) -> None:
        self.client.get("/explore?period=30d&compare=previous", name="explorer 30d vs previous")

    @task(1)
    def explorer_filtered(self) -> None:
        brand = random.choice(BRANDS)
        self.client.get(
            f"/explore?period=90d&compare=previous&brand={brand}&sentiment=negative",
            name="explorer 90d, brand, negative",
        )


class ApiClient(Client):
    weight = int(os.environ.get("ESCUCHA_LOAD_API", "3"))
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        self.auth = {"Authorization": "Bearer " + os.environ["ESCUCHA_LOAD_TOKEN"]}

    def get(self, path: str, name: str, **kwargs):
        return self.client.get(path, name=name, headers=self.auth, **kwargs)

    @task(3)
    def posts(self) -> None:
        self.get("/api/v1/posts?limit=50", name="api posts")

    @task(2)
    def posts_filtered(self) -> None:
        brand = random.choice(BRANDS)
        self.get(
            f"/api/v1/posts?limit=50&brand={brand}&sentiment=negative",
            name="api posts brand+negative",
        )

    @task(1)
    def posts_next_page(self) -> None:
        cursor = random.randrange(1, MAX_ID)
        self.get(f"/api/v1/posts?limit=50&cursor={cursor}", name="api posts cursor")

    @task(2)
    def post(self) -> None:
        with self.get(
            f"/api/v1/posts/{random.randrange(1, MAX_ID)}", name="api post", catch_response=True
        ) as response:
            if response.status_code == 404:  # a deleted or erased id is an answer, not an error
                response.success()

    @task(2)
    def share_of_voice(self) -> None:
        self.get("/api/v1/share-of-voice", name="api share-of-voice")

    @task(2)
    def net_sentiment(self) -> None:
        self.get("/api/v1/net-sentiment", name="api net-sentiment")

    @task(1)
    def me(self) -> None:
        self.get("/api/v1/me", name="api me")
