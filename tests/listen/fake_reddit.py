"""A Reddit that answers like the real one: the token endpoint, listings, inbox, writes."""

from __future__ import annotations

import base64
import re

from .conftest import FakeServer, Reply, Seen

LISTING = re.compile(r"^/r/([A-Za-z0-9_+]+)/(new|comments|search)/$")
CLIENT_ID, CLIENT_SECRET = "app-id", "app-secret-123"
USERNAME, PASSWORD = "iberia_bot", "bot-pass-1"
USER_LISTING = re.compile(r"^/user/([\w-]+)/(comments|submitted)/?$")
ABOUT = re.compile(r"^/user/([\w-]+)/about/?$")


class FakeReddit:
    """Fullnames grow with time; listings are newest first and page with `after` like Reddit."""

    def __init__(self, server: FakeServer, token: str = "tok-1") -> None:
        self.entries: list[dict] = []
        self.token = token
        self.issued = token
        self.fail_next: list[Reply] = []
        self.next_id = int("abc000", 36)
        self.mentions: list[dict] = []
        self.slow_writes = 0  # the next N writes are stored, then answered too late
        self.write_delay = 1.0
        server.route("/api/v1/access_token", self.access_token)
        server.route("/api/comment", self.write_comment)
        server.route("/api/submit", self.submit)
        server.fallback = self.listing

    def _add(self, kind: str, sub: str, data: dict) -> str:
        self.next_id += 1
        short = _base36(self.next_id)
        link = data.get("link_id", f"t3_{short}").partition("_")[2]
        self.entries.append(
            {
                "kind": kind,
                "data": {
                    "id": short,
                    "name": f"{kind}_{short}",
                    "subreddit": sub,
                    "author": "ana",
                    "created_utc": 1_717_000_000.0 + len(self.entries) * 60,
                    "permalink": f"/r/{sub}/comments/{link}/hilo/"
                    + (f"{short}/" if kind == "t1" else ""),
                    "score": 1,
                    **data,
                },
            }
        )
        return f"{kind}_{short}"

    def post(self, sub: str, title: str, selftext: str = "", **data) -> str:
        return self._add("t3", sub, {"title": title, "selftext": selftext, **data})

    def comment(self, sub: str, body: str, parent: str, link: str, **data) -> str:
        return self._add("t1", sub, {"body": body, "parent_id": parent, "link_id": link, **data})

    def access_token(self, seen: Seen) -> Reply:
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if seen.method != "POST" or seen.headers.get("Authorization") != f"Basic {basic}":
            return Reply(401, {"message": "Unauthorized", "error": 401})
        fields = seen.fields()
        if fields.get("grant_type") == "password" and (
            fields.get("username"),
            fields.get("password"),
        ) != (USERNAME, PASSWORD):
            return Reply(200, {"error": "invalid_grant"})  # as Reddit answers a bad password
        token = {"access_token": self.issued, "token_type": "bearer", "expires_in": 86400}
        # prawcore asks for "Connection: close" here; a server says so as it closes
        return Reply(200, token | {"scope": "*"}, {"Connection": "close"})

    def mention(self, sub: str, body: str, parent: str, author: str = "luis") -> str:
        """A comment naming u/iberia_bot: in the subreddit, and in our inbox as Reddit shows it."""
        name = self.comment(sub, body, parent, parent, author=author)
        data = self.entries[-1]["data"]
        inbox = {k: v for k, v in data.items() if k not in ("permalink", "link_id")}
        context = f"{data['permalink']}?context=3"
        self.mentions.append({"kind": "t1", "data": inbox | {"context": context, "new": True}})
        return name

    def _user_reply(self, seen: Seen) -> Reply | None:
        """None when the request may go on; else the refusal Reddit would send."""
        if self.fail_next:
            return self.fail_next.pop(0)
        if seen.headers.get("Authorization") != f"bearer {self.token}":
            return Reply(401, {"message": "Unauthorized", "error": 401})
        return None

    def _json_answer(self, data: dict) -> Reply:
        body = {"json": {"errors": [], "data": data}}
        if self.slow_writes:
            self.slow_writes -= 1
            return Reply(200, body, delay=self.write_delay)
        return Reply(200, body)

    def write_comment(self, seen: Seen) -> Reply:
        """POST /api/comment (thing_id, text): the new comment, or a json.errors refusal."""
        if (refusal := self._user_reply(seen)) is not None:
            return refusal
        fields = seen.fields()
        parent = fields["thing_id"]
        target = next((e for e in self.entries if e["data"]["name"] == parent), None)
        if target is None:
            return Reply(
                200, {"json": {"errors": [["NO_THING", "that comment is gone", "parent"]]}}
            )
        link = parent if parent.startswith("t3_") else target["data"]["link_id"]
        self.comment(target["data"]["subreddit"], fields["text"], parent, link, author=USERNAME)
        return self._json_answer({"things": [self.entries[-1]]})

    def submit(self, seen: Seen) -> Reply:
        """POST /api/submit (sr, title, kind=self, text)."""
        if (refusal := self._user_reply(seen)) is not None:
            return refusal
        fields = seen.fields()
        if len(fields.get("title", "")) > 300:
            return Reply(200, {"json": {"errors": [["TOO_LONG", "this is too long", "title"]]}})
        name = self.post(fields["sr"], fields["title"], fields.get("text", ""), author=USERNAME)
        data = self.entries[-1]["data"]
        url = f"https://www.reddit.com{data['permalink']}"
        return self._json_answer({"url": url, "id": data["id"], "name": name})

    def listing(self, seen: Seen) -> Reply:
        if seen.path == "/message/mentions/" or USER_LISTING.match(seen.path):
            return self.user_listing(seen)
        if match := ABOUT.match(seen.path):
            return self.about(match[1])
        if self.fail_next:
            return self.fail_next.pop(0)
        if seen.headers.get("Authorization") != f"bearer {self.token}":
            return Reply(401, {"message": "Unauthorized", "error": 401})
        match = LISTING.match(seen.path)
        if not match:
            return Reply(404, {"message": "Not Found", "error": 404})
        sub, what = match.groups()
        q = {k: v[0] for k, v in seen.query.items()}
        chosen = [e for e in reversed(self.entries) if self._wanted(e, sub, what, q)]
        if "after" in q:
            names = [e["data"].get("name") for e in chosen]
            chosen = chosen[names.index(q["after"]) + 1 :]
        page = chosen[: int(q.get("limit", 25))]
        after = page[-1]["data"].get("name") if len(chosen) > len(page) else None
        return Reply(200, {"kind": "Listing", "data": {"after": after, "children": page}})

    def user_listing(self, seen: Seen) -> Reply:
        """Our inbox's mentions, or a user's comments or submissions, newest first."""
        if (refusal := self._user_reply(seen)) is not None:
            return refusal
        if seen.path == "/message/mentions/":
            chosen = list(reversed(self.mentions))
        else:
            user, what = USER_LISTING.match(seen.path).groups()
            kind = "t1" if what == "comments" else "t3"
            chosen = [
                e
                for e in reversed(self.entries)
                if e["kind"] == kind and e["data"]["author"] == user
            ]
        q = {k: v[0] for k, v in seen.query.items()}
        if "after" in q:
            names = [e["data"].get("name") for e in chosen]
            chosen = chosen[names.index(q["after"]) + 1 :]
        page = chosen[: int(q.get("limit", 25))]
        after = page[-1]["data"].get("name") if len(chosen) > len(page) else None
        return Reply(200, {"kind": "Listing", "data": {"after": after, "children": page}})

    def about(self, user: str) -> Reply:
        if user == "nadie":
            return Reply(404, {"message": "Not Found", "error": 404})
        profile_sub = {"title": "Ana en Reddit", "subscribers": 321, "display_name": f"u_{user}"}
        data = {"name": user, "id": "1abcd", "total_karma": 10, "subreddit": profile_sub}
        return Reply(200, {"kind": "t2", "data": data})

    @staticmethod
    def _wanted(entry: dict, sub: str, what: str, q: dict) -> bool:
        data = entry["data"]
        if (q.get("restrict_sr") == "on" or what != "search") and data["subreddit"] != sub:
            return False
        if what == "comments":
            return entry["kind"] == "t1"
        if entry["kind"] != "t3":
            return False
        text = f"{data.get('title')} {data.get('selftext')}".lower()
        return what == "new" or q["q"].lower() in text


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out
