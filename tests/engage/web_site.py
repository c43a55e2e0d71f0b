"""A workspace for the conversation's pages, served by the app: an inbox with a hostile post,
a repeated asker, a wish whose status is gone upstream, an answered question, our own posts
(one selling), a paid partner's undisclosed post, asks that outran gives; Mastodon faked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from community.helpers import write_csv
from escucha.config import Brand, Config, EngageSettings
from escucha.web.context import WebSettings
from listen.conftest import FakeServer
from listen.fake_mastodon import FakeMastodon
from web.conftest import PASSWORD

from .conftest import masto
from .helpers import NOW, add_post, mentions_us, read_as

HOSTILE = (
    '<script>window.__pwned=1;alert("xss")</script> Iberia lost my bag <img src=x onerror=alert(2)>'
)
SELLING = "¡Compra hoy con un 30% de descuento! Solo hoy, últimas plazas en Iberia."
PAID = "Volar con Iberia es lo mejor, os lo recomiendo #spon"


@dataclass
class Site:
    ws: object
    app: object
    fake: FakeMastodon
    server: FakeServer
    ids: dict[str, int]
    token: str  # a read token of the viewer


def _hours_ago(hours: float) -> float:
    """`hours` before the real clock, as the helpers' hours before their fixed NOW."""
    return (NOW - datetime.now(UTC)).total_seconds() / 3600 + hours


def build_site(tmp_path, monkeypatch) -> Iterator[Site]:
    from escucha.auth.tokens import create_token
    from escucha.auth.users import create_user
    from escucha.community.importer import import_contacts
    from escucha.community.ledger import record_interaction
    from escucha.web.app import create_app
    from escucha.workspace import init_workspace

    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)
    monkeypatch.setenv("ESCUCHA_MASTO_ACCESS_TOKEN", "tok-1")
    with FakeServer() as server:
        fake = FakeMastodon(server, token="tok-1")
        config = Config(
            name="conversation",
            languages=("es", "en"),
            brand=Brand("Iberia", ("Iberia Express",), ("@iberia",), ours=True),
            competitors=(),
            sources=(masto(server.url),),
            engage=EngageSettings(approval="admin"),
        )
        ws = init_workspace(tmp_path / "ws", config)
        ids: dict[str, int] = {}

        def asking(key, text, intent, lang, **kw):
            native = (
                fake.post(text, acct=kw.get("author", "ana")) if kw.pop("upstream", True) else key
            )
            ids[key] = add_post(ws, native, text, **kw)
            read_as(ws, ids[key], intent, lang=lang)
            mentions_us(ws, ids[key])

        asking("maleta", "¿Dónde está mi maleta, Iberia?", "question", "es",
               author="ana", hours_ago=_hours_ago(30))  # fmt: skip
        asking("vuelo", "¿Iberia, sale hoy el vuelo a Lima?", "question", "es",
               author="ana", hours_ago=_hours_ago(3))  # fmt: skip
        asking("hostile", HOSTILE, "complaint", "en", author="mallory", followers=20_000,
               hours_ago=_hours_ago(2))  # fmt: skip
        asking("wish", "I wish Iberia had more vegan meals", "wish", "en", author="eva",
               hours_ago=_hours_ago(5), upstream=False)  # fmt: skip
        asking("answered", "¿Iberia admite mascotas en cabina?", "question", "es",
               author="luis", hours_ago=_hours_ago(10))  # fmt: skip
        native_answered = _native(ws, ids["answered"])
        add_post(ws, "ours-1", "Hola Luis, sí: hasta 8 kg en cabina.", author="iberia",
                 parent=native_answered, hours_ago=_hours_ago(8))  # fmt: skip
        add_post(ws, "ours-2", SELLING, author="iberia", hours_ago=_hours_ago(4))
        ids["paid"] = add_post(ws, "p1", PAID, author="tom_r", source="red", platform="reddit")
        read_as(ws, ids["paid"], "praise", lang="es")
        mentions_us(ws, ids["paid"])
        import_contacts(
            ws,
            write_csv(tmp_path / "c.csv", ["name", "handle:reddit", "connection"],
                      [["Tom", "tom_r", "paid"]]),
            rejects_dir=tmp_path / "rejects",
        )  # fmt: skip
        record_interaction(ws, "give:help")
        for kind in ("ask:survey", "ask:opinion"):
            record_interaction(ws, kind)
        for name, role in (("ada", "admin"), ("ana", "analyst"), ("vic", "viewer")):
            create_user(ws.engine, name, PASSWORD, role)
        token = create_token(ws.engine, "vic", "read")[0]
        app = create_app(ws, WebSettings(page_size=2))
        yield Site(ws, app, fake, server, ids, token)


def _native(ws, post_id: int) -> str:
    from sqlalchemy import select

    from escucha.store.schema import posts

    with ws.engine.connect() as conn:
        return conn.scalar(select(posts.c.native_id).where(posts.c.id == post_id))
