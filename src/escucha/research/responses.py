"""Answering a survey: start on a link, save page by page, resume, submit; with paradata.

A response keeps the survey's latest version at the time it started. Every response
stores its link and source, start and submit time, the seconds spent on each page, its
language, the user agent's class and the version. A fingerprint (SHA-256 of the client's
network, its user agent and a per-workspace secret salt; never the address itself) lets the
quality checks spot duplicates on public links. On an anonymous link neither the contact nor
the fingerprint is stored. The honeypot (a field people never see) marks, never deletes.

Quotas (`survey_quotas`): a cell is a question's answer, or a contact's attribute (`country`,
`lang` or a named attribute) on a personal link. Once `cap` complete responses are in a cell,
a new respondent in it is thanked and closed out (status `quota_full`). Two respondents
completing the last place of a cell at once do not both get it: the count and the write
happen under the survey's quota lock (`_lock_quotas`), so the second one counts the first.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import random
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from escucha.core.context import Context
from escucha.errors import Conflict, NotFound, UserError
from escucha.research.definition import Definition, Group, Kind, Question
from escucha.research.links import (
    LinkRefused,
    hash_token,
    open_link,
    refuse_closed_link,
    use_link,
)
from escucha.research.logic import OTHER, Logic
from escucha.research.settings import research_settings
from escucha.research.surveys import get_survey
from escucha.store.schema import contact_attributes, contacts
from escucha.store.schema.research import survey_quotas, survey_responses, surveys

if TYPE_CHECKING:
    import pandas as pd

NO_ANSWER = frozenset({Kind.NOTE, Kind.CALCULATE})
CONTACT_VARIABLES = ("country", "lang")  # quota variables read from the contact's own columns
MAX_TEXT = 10_000  # characters of one text answer
# logic.problem's sentences -> the form's catalogue keys
PROBLEM_KEYS = {
    "an answer is required": "survey_error_required",
    "every row needs an answer": "survey_error_rows",
    "not a whole number": "survey_error_integer",
    "not a number": "survey_error_number",
    "not a date (YYYY-MM-DD)": "survey_error_date",
    "the agreement must be accepted": "survey_error_consent",
    "the answer does not meet the question's constraint": "survey_error_constraint",
}


@dataclass(frozen=True)
class Paradata:
    """What the face knows of the respondent's request."""

    address: str = ""
    user_agent: str = ""
    source: str | None = None  # ?src= of the link, else the link's own
    languages: tuple[str, ...] = ()  # preferred: ?lang=, then the browser's


@dataclass(frozen=True)
class Started:
    response_id: int
    resume_token: str  # the respondent's cookie; only its hash is stored
    status: str


@dataclass
class State:
    """A stored response with its definition, as a page needs it."""

    id: int
    survey_id: int
    version: int
    link_id: int | None
    status: str
    page: int
    lang: str
    answers: dict[str, Any]
    page_seconds: list[float]
    definition: Definition
    pages: list[tuple[str, ...]]
    title: str
    contact_id: int | None = None
    logic: Logic = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.logic = _logic(self.definition)


@dataclass
class Outcome:
    """What saving a page led to: errors to show on it, the next page, or the end."""

    status: str
    page: int
    errors: dict[str, str] = field(default_factory=dict)  # question name -> catalogue key
    values: dict[str, Any] = field(default_factory=dict)  # what was posted, to show again


# --- paradata ------------------------------------------------------------------------------


def ua_class(user_agent: str) -> str:
    """phone | tablet | desktop | bot | unknown, from the User-Agent header."""
    ua = user_agent.lower()
    if not ua:
        return "unknown"
    if re.search(r"bot|crawl|spider|slurp|curl|wget|python|httpx|headless|scrapy|java/", ua):
        return "bot"
    if "ipad" in ua or "tablet" in ua or ("android" in ua and "mobile" not in ua):
        return "tablet"
    if re.search(r"mobi|iphone|ipod|android|windows phone", ua):
        return "phone"
    if "mozilla" in ua or "opera" in ua:
        return "desktop"
    return "unknown"


def network_of(address: str) -> str:
    """The /24 of an IPv4 address (the /48 of an IPv6 one); the text itself if not an IP."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def fingerprint_salt(ctx: Context) -> bytes:
    """The workspace's salt for fingerprints, derived from its secret (never stored)."""
    from escucha.auth.secret import load_or_create_secret

    return hashlib.sha256(
        b"escucha-survey-fingerprint\x1f" + load_or_create_secret(ctx.path)
    ).digest()


def fingerprint(address: str, user_agent: str, salt: bytes) -> str:
    data = b"\x1f".join((salt, network_of(address).encode(), user_agent.encode("utf-8", "replace")))
    return hashlib.sha256(data).hexdigest()


# --- pages ---------------------------------------------------------------------------------


def _questions(children: Iterable[Any]) -> Iterable[Question]:
    for child in children:
        if isinstance(child, Group):
            yield from _questions(child.children)
        elif child.kind is not Kind.CALCULATE:
            yield child


def pages(definition: Definition, per_page: int) -> list[tuple[str, ...]]:
    """A page per top-level group; the questions between groups `per_page` at a time."""
    out: list[tuple[str, ...]] = []
    loose: list[str] = []

    def flush() -> None:
        out.extend(tuple(loose[i : i + per_page]) for i in range(0, len(loose), per_page))
        loose.clear()

    for child in definition.children:
        if isinstance(child, Group):
            flush()
            names = tuple(q.name for q in _questions(child.children))
            if names:
                out.append(names)
        elif child.kind is not Kind.CALCULATE:
            loose.append(child.name)
    flush()
    return out


def choose_language(definition: Definition, preferred: Iterable[str | None]) -> str:
    """The first preferred language the survey has, else its default, else its first."""
    codes = [lang.code for lang in definition.languages]
    for code in preferred:
        if code and code.lower() in codes:
            return code.lower()
    return definition.default_language or (codes[0] if codes else "und")


_LOGIC: dict[int, Logic] = {}  # id(definition) -> its logic, for the cached definitions
_DEFINITIONS: dict[tuple[str, int, int], tuple[str, Definition]] = {}
_PAGES: dict[tuple[int, int], tuple[Definition, list[tuple[str, ...]]]] = {}


def _logic(definition: Definition) -> Logic:
    found = _LOGIC.get(id(definition))
    return found if found is not None and found.definition is definition else Logic(definition)


def _version(ctx: Context, survey_id: int, version: int, fixed: bool = False) -> Definition:
    """A version's definition, parsed once per process. The versions of a live or closed
    survey (`fixed`) never change (an edit makes a new version), so a cached one is served
    without reading the store; a draft's is read and compared, so an edit is not served
    stale."""
    from escucha.store.schema.research import survey_versions

    key = (str(ctx.path), survey_id, version)
    cached = _DEFINITIONS.get(key)
    if fixed and cached is not None:
        return cached[1]
    with ctx.engine.connect() as conn:
        data = conn.scalar(
            sa.select(survey_versions.c.definition).where(
                survey_versions.c.survey_id == survey_id, survey_versions.c.version == version
            )
        )
    if data is None:
        raise NotFound(f"survey {survey_id} has no version {version}")
    text = json.dumps(data, sort_keys=True)
    if cached is not None and cached[0] == text:
        return cached[1]
    definition = Definition.from_dict(data)
    if len(_DEFINITIONS) > 256:
        _DEFINITIONS.clear()
        _LOGIC.clear()
        _PAGES.clear()
    _DEFINITIONS[key] = (text, definition)
    _LOGIC[id(definition)] = Logic(definition)
    return definition


# --- start, load, save ---------------------------------------------------------------------


def _contact_values(conn: sa.Connection, contact_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    ids = sorted(set(contact_ids))
    found: dict[int, dict[str, str]] = {i: {} for i in ids}
    if not ids:
        return found
    for row in conn.execute(
        sa.select(contacts.c.id, contacts.c.country, contacts.c.lang).where(contacts.c.id.in_(ids))
    ):
        found[row.id].update({k: v for k, v in (("country", row.country), ("lang", row.lang)) if v})
    for row in conn.execute(
        sa.select(contact_attributes).where(contact_attributes.c.contact_id.in_(ids))
    ):
        found[row.contact_id].setdefault(row.name, row.value)
    return found


def _cell(answers: Mapping[str, Any], contact: Mapping[str, str], variable: str) -> str | None:
    value = answers.get(variable)
    if value is None:
        value = contact.get(variable)
    return None if value is None or isinstance(value, list | dict) else str(value)


def _lock_quotas(conn: sa.Connection, survey_id: int) -> None:
    """Hold the survey's quota cells until the transaction ends, before counting them: the
    rows locked (PostgreSQL, `FOR UPDATE`) or SQLite's write lock taken (a no-op update), so
    a second respondent's count waits for the first one's write."""
    where = survey_quotas.c.survey_id == survey_id
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(survey_quotas.c.id).where(where).with_for_update())
    else:
        conn.execute(survey_quotas.update().where(where).values(cap=survey_quotas.c.cap))


def _quota_full(
    conn: sa.Connection, survey_id: int, answers: Mapping[str, Any], contact_id: int | None
) -> bool:
    """Whether this respondent falls in a quota cell that already has its cap."""
    quotas = conn.execute(
        sa.select(survey_quotas).where(survey_quotas.c.survey_id == survey_id)
    ).all()
    if not quotas:
        return False
    own = _contact_values(conn, [contact_id] if contact_id else []).get(contact_id or 0, {})
    cells = {
        (q.variable, q.category): q.cap
        for q in quotas
        if _cell(answers, own, q.variable) == q.category
    }
    if not cells:
        return False
    done = conn.execute(
        sa.select(survey_responses.c.answers, survey_responses.c.contact_id).where(
            survey_responses.c.survey_id == survey_id, survey_responses.c.status == "complete"
        )
    ).all()
    people = _contact_values(conn, [r.contact_id for r in done if r.contact_id])
    for (variable, category), cap in cells.items():
        count = sum(
            1 for r in done if _cell(r.answers, people.get(r.contact_id, {}), variable) == category
        )
        if count >= cap:
            return True
    return False


def start_response(
    ctx: Context,
    token: str,
    paradata: Paradata,
    *,
    salt: bytes | None = None,
    now: datetime | None = None,
) -> Started:
    """Begin a response on a link (refused with `LinkRefused` when it cannot be answered)."""
    now = now or datetime.now(UTC)
    link = open_link(ctx, token, now)
    survey = get_survey(ctx, link.survey_id)
    resume = secrets.token_urlsafe(24)
    with ctx.engine.begin() as conn:
        use_link(conn, link)
        contact_lang = None
        if link.contact_id is not None:
            contact_lang = conn.scalar(
                sa.select(contacts.c.lang).where(contacts.c.id == link.contact_id)
            )
        contact_id = None if link.anonymous else link.contact_id
        status = "in_progress"
        if link.contact_id is not None and _quota_full(conn, survey.id, {}, link.contact_id):
            status = "quota_full"
        row = {
            "survey_id": survey.id,
            "version": survey.version,
            "link_id": link.id,
            "source": paradata.source or link.source,
            "contact_id": contact_id,
            "lang": choose_language(survey.definition, (contact_lang, *paradata.languages)),
            "ua_class": ua_class(paradata.user_agent),
            "fingerprint": None
            if link.anonymous
            else fingerprint(paradata.address, paradata.user_agent, salt or fingerprint_salt(ctx)),
            "status": status,
            "page": 0,
            "page_seconds": [],
            "answers": {},
            "honeypot": False,
            "resume_hash": hash_token(resume),
            "started_at": now,
            "submitted_at": now if status != "in_progress" else None,
        }
        response_id = conn.execute(
            sa.insert(survey_responses).returning(survey_responses.c.id), row
        ).scalar_one()
    return Started(response_id, resume, status)


def load_response(ctx: Context, resume_token: str, token: str | None = None) -> State:
    """The response a resume token belongs to (on the link `token`, when given): one query
    for the response, its survey and its link; the definition from the process's cache."""
    from escucha.store.schema.research import survey_links

    with ctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(
                survey_responses,
                surveys.c.status.label("survey_status"),
                surveys.c.title,
                survey_links.c.token_hash,
                survey_links.c.revoked_at,
                survey_links.c.expires_at,
            )
            .join(surveys, surveys.c.id == survey_responses.c.survey_id)
            .outerjoin(survey_links, survey_links.c.id == survey_responses.c.link_id)
            .where(survey_responses.c.resume_hash == hash_token(resume_token or ""))
        ).first()
    if row is None:
        raise NotFound("no survey response for this browser")
    if token is not None:
        if not token or len(token) > 128 or row.token_hash != hash_token(token):
            raise LinkRefused("unknown")
        refuse_closed_link(row.revoked_at, row.expires_at, row.survey_status, None)
    if row.survey_status != "live" and row.status == "in_progress":
        raise LinkRefused(row.survey_status)
    definition = _version(ctx, row.survey_id, row.version, row.survey_status != "draft")
    return State(
        id=row.id,
        survey_id=row.survey_id,
        version=row.version,
        link_id=row.link_id,
        status=row.status,
        page=row.page,
        lang=row.lang,
        answers=dict(row.answers),
        page_seconds=list(row.page_seconds),
        definition=definition,
        pages=_pages(ctx, definition),
        title=row.title,
        contact_id=row.contact_id,
    )


def _pages(ctx: Context, definition: Definition) -> list[tuple[str, ...]]:
    per_page = research_settings(ctx.config).questions_per_page
    key = (id(definition), per_page)
    found = _PAGES.get(key)
    if found is None or found[0] is not definition:
        found = _PAGES[key] = (definition, pages(definition, per_page))
    return list(found[1])


def _one(form: Mapping[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[-1].strip()


def read_answer(question: Question, form: Mapping[str, list[str]]) -> Any:
    """A question's answer from form fields (`name`, `name.row` for a matrix row,
    `name_other` for an "Other" text); None when left empty, the raw text when malformed
    (so the checks name the problem)."""
    name, kind = question.name, question.kind
    if kind is Kind.MULTIPLE:
        return [v for v in form.get(name, []) if v] or None
    if kind is Kind.MATRIX:
        rows = {r.name: _one(form, f"{name}.{r.name}") for r in question.rows}
        return {k: v for k, v in rows.items() if v} or None
    text = _one(form, name)
    if text == "":
        return None
    if kind is Kind.CONSENT:
        return True if text == "yes" else text
    if kind is Kind.INTEGER:
        return int(text) if re.fullmatch(r"[+-]?\d{1,15}", text) else text
    if kind is Kind.DECIMAL:
        try:
            return float(text.replace(",", ".")) if len(text) < 40 else text
        except ValueError:
            return text
    return text


def check_answers(
    state: State, names: Iterable[str], form: Mapping[str, list[str]]
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The page's answers, the problems (name -> catalogue key) and the questions shown."""
    logic = state.logic
    posted: dict[str, Any] = {}
    for name in names:
        question = logic.questions[name]
        if question.kind in NO_ANSWER:
            continue
        value = read_answer(question, form)
        if value is not None:
            posted[name] = value
        if question.other:
            other = _one(form, f"{name}_other")[:MAX_TEXT]
            if other and (value == OTHER or (isinstance(value, list) and OTHER in value)):
                posted[f"{name}_other"] = other
    merged = {k: v for k, v in state.answers.items() if k not in names} | posted
    walk = logic.walk(merged)
    shown = [n for n in names if n in walk.shown]
    errors: dict[str, str] = {}
    for name in shown:
        question = logic.questions[name]
        if question.kind in NO_ANSWER:
            continue
        value = posted.get(name)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            errors[name] = "survey_error_long"
            continue
        problem = logic.problem(name, value, walk.values)
        if problem:
            errors[name] = PROBLEM_KEYS.get(problem, "survey_error_choice")
    kept = {n: v for n, v in posted.items() if n.removesuffix("_other") in shown}
    return kept, errors, shown


def save_page(
    ctx: Context,
    resume_token: str,
    page: int,
    form: Mapping[str, list[str]],
    *,
    seconds: float,
    honeypot: bool = False,
    token: str | None = None,
    now: datetime | None = None,
    state: State | None = None,
) -> Outcome:
    """Check and store one page's answers; the outcome says where the respondent goes next.
    `state`: the response as the face just loaded it with `load_response` (not read again)."""
    now = now or datetime.now(UTC)
    state = state or load_response(ctx, resume_token, token)
    if state.status != "in_progress":
        return Outcome(state.status, state.page)
    if page != state.page:
        raise Conflict(f"page {page + 1} is not the page to answer now ({state.page + 1})")
    names = state.pages[page] if page < len(state.pages) else ()
    answers, errors, _shown = check_answers(state, names, form)
    timing = list(state.page_seconds) + [0.0] * (page + 1 - len(state.page_seconds))
    timing[page] = round(timing[page] + max(0.0, seconds), 3)
    values: dict[str, Any] = {"page_seconds": timing}
    if honeypot:
        values["honeypot"] = True
    if errors:
        _update(ctx, state.id, values)
        return Outcome("in_progress", page, errors, answers)
    merged = {
        k: v
        for k, v in state.answers.items()
        if k not in names and k.removesuffix("_other") not in names
    }
    merged |= answers
    walk = state.logic.walk(merged)
    later = [
        i for i in range(page + 1, len(state.pages)) if any(n in walk.shown for n in state.pages[i])
    ]
    status = "in_progress" if later and walk.ended_at is None else "complete"
    next_page = later[0] if status == "in_progress" else page
    with ctx.engine.begin() as conn:
        _lock_quotas(conn, state.survey_id)
        if _quota_full(conn, state.survey_id, merged, state.contact_id):
            status = "quota_full"
        values |= {"answers": _jsonable(merged), "page": next_page, "status": status}
        if status != "in_progress":
            values["submitted_at"] = now
        conn.execute(
            survey_responses.update()
            .where(survey_responses.c.id == state.id)
            .where(survey_responses.c.status == "in_progress")
            .values(**values)
        )
    return Outcome(status, next_page)


def go_back(
    ctx: Context,
    resume_token: str,
    page: int,
    form: Mapping[str, list[str]],
    *,
    seconds: float,
    token: str | None = None,
    state: State | None = None,
) -> Outcome:
    """Back to the previous page the respondent saw (logic may have skipped some), keeping
    every answer: this page's well-formed answers are saved unchecked (a required one may
    still be missing; it is asked for on the way forward), malformed ones are dropped."""
    state = state or load_response(ctx, resume_token, token)
    if state.status != "in_progress":
        return Outcome(state.status, state.page)
    if page != state.page:
        raise Conflict(f"page {page + 1} is not the page shown now ({state.page + 1})")
    names = state.pages[page] if page < len(state.pages) else ()
    answers, errors, _shown = check_answers(state, names, form)
    kept = {k: v for k, v in answers.items() if k.removesuffix("_other") not in errors}
    merged = {
        k: v
        for k, v in state.answers.items()
        if k not in names and k.removesuffix("_other") not in names
    } | kept
    walk = state.logic.walk(merged)
    earlier = [i for i in range(page) if any(n in walk.shown for n in state.pages[i])]
    timing = list(state.page_seconds) + [0.0] * (page + 1 - len(state.page_seconds))
    timing[page] = round(timing[page] + max(0.0, seconds), 3)
    previous = earlier[-1] if earlier else page
    _update(ctx, state.id, {"answers": _jsonable(merged), "page": previous,
                            "page_seconds": timing})  # fmt: skip
    return Outcome("in_progress", previous)


def _jsonable(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in answers.items()}


def _update(ctx: Context, response_id: int, values: Mapping[str, Any]) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(
            survey_responses.update().where(survey_responses.c.id == response_id).values(**values)
        )


# --- the page a respondent sees ------------------------------------------------------------


def _text(texts: Mapping[str, str], lang: str, default: str | None) -> str:
    return texts.get(lang) or texts.get(default or "") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class QuestionView:
    name: str
    kind: str
    label: str
    hint: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) in the order shown
    rows: tuple[tuple[str, str], ...] = ()  # a matrix's (row name, label)
    other: bool = False
    message: str = ""  # the author's constraint message, shown with the error


def page_view(state: State, page: int | None = None) -> list[QuestionView]:
    """The questions of a page the respondent sees, in their language, answers piped in and
    choices filtered and (when asked) shuffled, in the same order every time they look."""
    page = state.page if page is None else page
    logic = state.logic
    walk = logic.walk(state.answers)
    lang, default = state.lang, state.definition.default_language
    names = state.pages[page] if page < len(state.pages) else ()
    out = []
    for name in names:
        if name not in walk.shown:
            continue
        q = logic.questions[name]
        choices = [
            (c.name, _text(c.label, lang, default)) for c in logic.choices(name, walk.values)
        ]
        if q.randomize:
            random.Random(f"{state.id}:{name}").shuffle(choices)
        out.append(
            QuestionView(
                name=name,
                kind=q.kind.value,
                label=logic.label(name, lang, walk.values),
                hint=_text(q.hint, lang, default),
                required=q.required,
                choices=tuple(choices),
                rows=tuple((r.name, _text(r.label, lang, default)) for r in q.rows),
                other=q.other,
                message=_text(q.constraint_message, lang, default),
            )
        )
    return out


def about(definition: Definition, lang: str) -> dict[str, Any]:
    """Who asks, why, how the answers are used and how many minutes it takes."""
    default = definition.default_language
    count = sum(1 for q in _questions(definition.children) if q.kind not in NO_ANSWER)
    return {
        "asker": _text(definition.asker, lang, default),
        "purpose": _text(definition.purpose, lang, default),
        "use": _text(definition.use, lang, default),
        "minutes": definition.minutes or max(1, round(count * 20 / 60)),
    }


# --- quotas --------------------------------------------------------------------------------


def parse_quota(text: str) -> tuple[str, str, int]:
    """`VAR=CAT:CAP` (e.g. `country=ES:100`)."""
    match = re.fullmatch(r"\s*([^=\s]+)\s*=\s*([^:]+?)\s*:\s*(\d+)\s*", text)
    if not match:
        raise UserError(f"--set {text!r}: write VARIABLE=CATEGORY:CAP, e.g. country=ES:100")
    return match[1], match[2], int(match[3])


def set_quota(ctx: Context, survey_id: int, variable: str, category: str, cap: int) -> dict:
    """Add or change a quota cell; a cap of 0 removes it."""
    survey = get_survey(ctx, survey_id)
    if variable not in survey.definition.names() | set(CONTACT_VARIABLES):
        with ctx.engine.connect() as conn:
            known = conn.scalar(
                sa.select(sa.func.count())
                .select_from(contact_attributes)
                .where(contact_attributes.c.name == variable)
            )
        if not known:
            raise UserError(
                f"quota variable {variable!r}: not a question of survey {survey_id}, "
                "nor country, lang or a contact attribute"
            )
    where = (
        (survey_quotas.c.survey_id == survey_id)
        & (survey_quotas.c.variable == variable)
        & (survey_quotas.c.category == category)
    )
    with ctx.engine.begin() as conn:
        conn.execute(survey_quotas.delete().where(where))
        if cap > 0:
            conn.execute(
                survey_quotas.insert().values(
                    survey_id=survey_id, variable=variable, category=category, cap=cap
                )
            )
    return {"survey_id": survey_id, "variable": variable, "category": category, "cap": cap}


def list_quotas(ctx: Context, survey_id: int) -> list[dict]:
    """Each cell with its cap and how many complete responses it holds."""
    with ctx.engine.connect() as conn:
        quotas = conn.execute(
            sa.select(survey_quotas)
            .where(survey_quotas.c.survey_id == survey_id)
            .order_by(survey_quotas.c.variable, survey_quotas.c.category)
        ).all()
        done = conn.execute(
            sa.select(survey_responses.c.answers, survey_responses.c.contact_id).where(
                survey_responses.c.survey_id == survey_id, survey_responses.c.status == "complete"
            )
        ).all()
        people = _contact_values(conn, [r.contact_id for r in done if r.contact_id])
    return [
        {
            "variable": q.variable,
            "category": q.category,
            "cap": q.cap,
            "complete": sum(
                1
                for r in done
                if _cell(r.answers, people.get(r.contact_id, {}), q.variable) == q.category
            ),
        }
        for q in quotas
    ]


# --- reading -------------------------------------------------------------------------------


def responses_frame(ctx: Context, survey_id: int) -> pd.DataFrame:
    """One row per response (every status), the paradata columns first (`columns.PARADATA`),
    then one column per answer of the survey's latest version (`columns.answer_columns`: a
    multiple choice answer is a list of choice names, a matrix row a column of its own, an
    unanswered question None): `reading.read_responses`, which the quality flags, weighting
    and exports read too."""
    from escucha.research.reading import read_responses

    return read_responses(ctx, survey_id, get_survey(ctx, survey_id).definition)
