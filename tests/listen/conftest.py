"""Local fake servers (real HTTP on 127.0.0.1) and workspaces with configured sources."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
import typer

from escucha.config import Brand, Config, SourceConfig
from escucha.store.schema import posts
from escucha.workspace import Workspace, init_workspace

DATA = Path(__file__).parent / "data"


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream: Callable[[BinaryIO], None] | None = None  # writes the body itself, then closes


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def fields(self) -> dict:
        """The request's body as the handler would read it: JSON or a form (first values)."""
        if not self.body:
            return {}
        kind = {k.lower(): v for k, v in self.headers.items()}.get("content-type", "")
        if kind.startswith("application/json"):
            return json.loads(self.body)
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(self.body.decode()).items()}


Handler = Callable[[Seen], Reply]


class FakeServer:
    """Serves scripted replies per path: a list is played in order (the last one repeats)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply] | Handler] = {}
        self.fallback: Handler | None = None  # for paths no route names, e.g. /t/<id>.json
        self.seen: list[Seen] = []
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._serve(self, "GET")

            def do_POST(self) -> None:
                fake._serve(self, "POST")

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, path: str, *replies: Reply | Handler) -> None:
        if len(replies) == 1 and callable(replies[0]):
            self.routes[path] = replies[0]
        else:
            self.routes[path] = list(replies)

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        seen = Seen(method, parts.path, parse_qs(parts.query), dict(handler.headers.items()), body)
        self.seen.append(seen)
        route = self.routes.get(parts.path)
        if route is None and self.fallback is not None:
            reply = self.fallback(seen)
        elif route is None:
            reply = Reply(404, {"error": "not found"})
        elif callable(route):
            reply = route(seen)
        else:
            reply = route.pop(0) if len(route) > 1 else route[0]
        if reply.delay:
            time.sleep(reply.delay)
        if reply.stream is not None:
            _stream(handler, reply, reply.stream)
            return
        body = reply.body
        headers = dict(reply.headers)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(body, str):
            body = body.encode()
        try:
            handler.send_response(reply.status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if reply.status != 304:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _stream(
    handler: BaseHTTPRequestHandler, reply: Reply, write: Callable[[BinaryIO], None]
) -> None:
    """A body of unknown length (e.g. Server-Sent Events), ended by closing the connection."""
    handler.close_connection = True
    try:
        handler.send_response(reply.status)
        for key, value in {**reply.headers, "Connection": "close"}.items():
            handler.send_header(key, value)
        handler.end_headers()
        write(handler.wfile)
    except (BrokenPipeError, ConnectionResetError):
        pass


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


class Sleeps(list):
    """An injectable sleep that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_workspace(path: Path, *sources: SourceConfig) -> Workspace:
    config = Config(
        name="listen test",
        languages=("es", "en"),
        brand=Brand("Iberia", ours=True),
        competitors=(),
        sources=tuple(sources),
    )
    return init_workspace(path, config)


@pytest.fixture
def ws_factory(tmp_path: Path, monkeypatch) -> Callable[..., Workspace]:
    monkeypatch.delenv("ESCUCHA_DATABASE_URL", raising=False)

    def factory(*sources: SourceConfig) -> Workspace:
        return make_workspace(tmp_path / "ws", *sources)

    return factory


def stored(workspace: Workspace, source: str | None = None) -> list[tuple]:
    """(native_id, text, parent_id, root_id) of the stored posts, by native id."""
    query = sa.select(posts.c.native_id, posts.c.text, posts.c.parent_id, posts.c.root_id)
    if source:
        query = query.where(posts.c.source == source)
    with workspace.engine.connect() as conn:
        return sorted(conn.execute(query).all())


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def data_json(name: str) -> dict | list:
    return json.loads(data_file(name))


def cli_app() -> typer.Typer:
    """escucha's own Typer app, for CliRunner."""
    from escucha.cli.app import app

    return app


def escucha_cmd(*args: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "escucha", *args]
