"""Links, responses with their paradata, quotas and the responses frame (SQLite and
PostgreSQL): what a respondent may open, what is stored, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from escucha.errors import Conflict, UserError
from escucha.research.columns import PARADATA as FRAME_COLUMNS
from escucha.research.links import LinkRefused, create_public_link, revoke_link
from escucha.research.responses import (
    Paradata,
    fingerprint,
    list_quotas,
    load_response,
    network_of,
    page_view,
    parse_quota,
    responses_frame,
    save_page,
    set_quota,
    start_response,
    ua_class,
)
from escucha.research.surveys import edit_survey, get_survey, set_status
from escucha.store.schema.research import survey_links, survey_responses

from .survey_form import DEFINITION, PAGE_1, PAGE_2, PAGE_3, live_survey

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
SALT = b"s" * 32


def _start(ws, token, **kw):
    paradata = Paradata(address="203.0.113.7", user_agent=PHONE, **kw)
    return start_response(ws, token, paradata, salt=SALT)


def _token(url: str) -> str:
    return url.split("/s/", 1)[1].split("?", 1)[0]


def _answer_all(ws, resume):
    assert save_page(ws, resume, 0, PAGE_1, seconds=5).status == "in_progress"
    assert save_page(ws, resume, 1, PAGE_2, seconds=7).status == "in_progress"
    return save_page(ws, resume, 2, PAGE_3, seconds=11)


def test_a_public_link_stores_only_the_token_hash_and_tracks_its_source(workspace):
    survey_id = live_survey(workspace)
    made = create_public_link(workspace, survey_id, "mastodon")
    assert made.url.startswith("http://127.0.0.1:8000/s/") and made.url.endswith("?src=mastodon")
    token = _token(made.url)
    with workspace.engine.connect() as conn:
        stored = conn.execute(sa.select(survey_links)).one()
    assert token not in str(tuple(stored)) and len(stored.token_hash) == 64
    started = _start(workspace, token)
    done = _answer_all(workspace, started.resume_token)
    assert done.status == "complete"
    frame = responses_frame(workspace, survey_id)
    row = frame.iloc[0]
    assert list(frame.columns[: len(FRAME_COLUMNS)]) == list(FRAME_COLUMNS)
    assert row["source"] == "mastodon" and row["ua_class"] == "phone" and row["lang"] == "en"
    assert row["page_seconds"] == [5.0, 7.0, 11.0] and row["total_seconds"] == 23.0
    assert row["status"] == "complete" and row["submitted_at"] >= row["started_at"]
    assert row["version"] == 1 and not row["honeypot"]
    assert row["fingerprint"] == fingerprint("203.0.113.99", PHONE, SALT)  # same /24
    assert row["uses"] == ["app", "other"] and row["uses_other"] == "kiosk"
    assert row["grid_price"] == "3" and row["grid_service"] == "2" and row["age"] == 42
    assert row["country"] == "ES" and row["ok"] == True  # noqa: E712 and row["name"] == "Ana"
    assert "203.0.113" not in frame.to_json(date_format="iso")


def test_the_fingerprint_never_holds_the_address_and_follows_the_network():
    assert network_of("203.0.113.7") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2::5") == "2001:db8:1::/48"
    one = fingerprint("203.0.113.7", PHONE, SALT)
    assert one == fingerprint("203.0.113.200", PHONE, SALT)
    assert one != fingerprint("198.51.100.7", PHONE, SALT)
    assert one != fingerprint("203.0.113.7", PHONE, b"t" * 32)  # per-workspace salt
    assert ua_class("curl/8.0") == "bot" and ua_class("") == "unknown"
    assert ua_class("Mozilla/5.0 (X11; Linux x86_64) Firefox/120") == "desktop"
    assert ua_class("Mozilla/5.0 (iPad; CPU OS 17_0)") == "tablet"


def test_anonymous_links_store_neither_contact_nor_fingerprint(workspace):
    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id, anonymous=True).url)
    _answer_all(workspace, _start(workspace, token).resume_token)
    row = responses_frame(workspace, survey_id).iloc[0]
    assert row["fingerprint"] is None and row["contact_id"] is None
    assert row["source"] is None


def test_errors_are_named_per_question_and_nothing_moves_on(workspace):
    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id).url)
    resume = _start(workspace, token).resume_token
    out = save_page(workspace, resume, 0, {"country": ["XX"]}, seconds=1)
    assert out.errors == {
        "ok": "survey_error_required",
        "country": "survey_error_choice",
        "customer": "survey_error_required",
    }
    save_page(workspace, resume, 0, PAGE_1, seconds=1)
    out = save_page(workspace, resume, 1, {"age": ["200"], "grid.grid_price": ["9"]}, seconds=1)
    assert out.errors == {"grid": "survey_error_choice", "age": "survey_error_constraint"}
    out = save_page(workspace, resume, 1, {"age": ["old"]}, seconds=1)
    assert out.errors == {"age": "survey_error_integer"}
    state = load_response(workspace, resume)
    assert state.page == 1 and state.page_seconds == [2.0, 2.0]  # time on a page adds up
    with pytest.raises(Conflict):
        save_page(workspace, resume, 2, PAGE_3, seconds=1)  # not the page to answer


def test_skip_to_end_and_display_logic(workspace):
    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id).url)
    resume = _start(workspace, token).resume_token
    out = save_page(workspace, resume, 0, {**PAGE_1, "customer": ["no"]}, seconds=2)
    assert out.status == "complete"
    resume = _start(workspace, token).resume_token
    save_page(workspace, resume, 0, PAGE_1, seconds=2)
    save_page(workspace, resume, 1, {**PAGE_2, "age": ["12"]}, seconds=2)
    shown = [q.name for q in page_view(load_response(workspace, resume))]
    assert shown == ["uses", "story"]  # name only for adults
    save_page(workspace, resume, 2, PAGE_3, seconds=2)
    frame = responses_frame(workspace, survey_id)
    assert frame["name"].tolist() == [None, None]  # a hidden question's answer is not kept
    assert frame["status"].tolist() == ["complete", "complete"]


def test_the_label_pipes_and_the_language_follows_the_respondent(workspace):
    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id).url)
    resume = _start(workspace, token, languages=("es",)).resume_token
    save_page(workspace, resume, 0, PAGE_1, seconds=1)
    state = load_response(workspace, resume)
    assert state.lang == "es"
    grid = page_view(state)[0]
    assert grid.label == "¿Qué tal fue?" and grid.rows[0] == ("grid_price", "Precio")
    english = _start(workspace, token, languages=("fr", "en")).resume_token
    save_page(workspace, english, 0, PAGE_1, seconds=1)
    save_page(workspace, english, 1, PAGE_2, seconds=1)
    name = next(q for q in page_view(load_response(workspace, english)) if q.name == "name")
    assert name.label == "Your name, ES"


@pytest.mark.parametrize("case", ["tampered", "revoked", "expired", "closed", "draft"])
def test_links_that_cannot_be_answered_are_refused_with_their_reason(workspace, case):
    survey_id = live_survey(workspace)
    made = create_public_link(workspace, survey_id)
    token = _token(made.url)
    if case == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif case == "revoked":
        revoke_link(workspace, None, made.link.id)
    elif case == "expired":
        with workspace.engine.begin() as conn:
            conn.execute(survey_links.update().values(expires_at=datetime.now(UTC) - timedelta(1)))
    elif case == "closed":
        set_status(workspace, survey_id, "closed")
    else:
        from escucha.research.surveys import create_survey

        draft = create_survey(workspace, DEFINITION)
        token = _token(create_public_link(workspace, draft.id).url)
    with pytest.raises(LinkRefused) as refused:
        _start(workspace, token)
    assert refused.value.code == {"tampered": "unknown"}.get(case, case)
    assert str(refused.value).startswith("this survey")


def test_answers_posted_after_the_survey_closed_are_refused(workspace):
    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id).url)
    resume = _start(workspace, token).resume_token
    save_page(workspace, resume, 0, PAGE_1, seconds=1)
    set_status(workspace, survey_id, "closed")
    with pytest.raises(LinkRefused, match="closed"):
        save_page(workspace, resume, 1, PAGE_2, seconds=1)
    with workspace.engine.connect() as conn:
        assert conn.scalar(sa.select(survey_responses.c.page)) == 1


def test_a_response_keeps_the_version_it_started_under(workspace):
    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id).url)
    first = _start(workspace, token).resume_token
    edit_survey(workspace, survey_id, DEFINITION)
    assert get_survey(workspace, survey_id).version == 2
    second = _start(workspace, token).resume_token
    _answer_all(workspace, first)
    _answer_all(workspace, second)
    assert responses_frame(workspace, survey_id)["version"].tolist() == [1, 2]


def test_the_honeypot_marks_and_never_deletes(workspace):
    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id).url)
    resume = _start(workspace, token).resume_token
    save_page(workspace, resume, 0, PAGE_1, seconds=1, honeypot=True)
    save_page(workspace, resume, 1, PAGE_2, seconds=1)
    save_page(workspace, resume, 2, PAGE_3, seconds=1)
    row = responses_frame(workspace, survey_id).iloc[0]
    assert bool(row["honeypot"]) and row["status"] == "complete"


def test_a_full_quota_cell_thanks_and_closes_out_new_respondents(workspace):
    survey_id = live_survey(workspace)
    assert parse_quota("country=ES:1") == ("country", "ES", 1)
    with pytest.raises(UserError, match="VARIABLE=CATEGORY:CAP"):
        parse_quota("country:ES=1")
    with pytest.raises(UserError, match="quota variable 'shoe'"):
        set_quota(workspace, survey_id, "shoe", "42", 3)
    set_quota(workspace, survey_id, "country", "ES", 1)
    token = _token(create_public_link(workspace, survey_id).url)
    _answer_all(workspace, _start(workspace, token).resume_token)
    late = _start(workspace, token).resume_token
    assert save_page(workspace, late, 0, PAGE_1, seconds=1).status == "quota_full"
    mexican = _start(workspace, token).resume_token
    out = save_page(workspace, mexican, 0, {**PAGE_1, "country": ["MX"]}, seconds=1)
    assert out.status == "in_progress"
    assert list_quotas(workspace, survey_id) == [
        {"variable": "country", "category": "ES", "cap": 1, "complete": 1}
    ]
    statuses = responses_frame(workspace, survey_id)["status"].tolist()
    assert statuses == ["complete", "quota_full", "in_progress"]


def test_two_respondents_completing_the_last_place_at_once_do_not_overfill_it(
    workspace, monkeypatch
):
    """Both respondents count the cell before either writes, unless the count waits for the
    other's write: each thread meets the other at a barrier right after counting. Under the
    lock the second one cannot count until the first commits, so the barrier times out,
    the first writes, and the second counts it and is closed out."""
    import contextlib
    import threading

    from escucha.research import responses as module

    survey_id = live_survey(workspace)
    set_quota(workspace, survey_id, "country", "ES", 1)
    token = _token(create_public_link(workspace, survey_id).url)
    resumes = []
    for _ in range(2):
        resume = _start(workspace, token).resume_token
        save_page(workspace, resume, 0, PAGE_1, seconds=5)
        save_page(workspace, resume, 1, PAGE_2, seconds=5)
        resumes.append(resume)
    barrier = threading.Barrier(2)
    counted = module._quota_full

    def count_then_meet(*args, **kwargs):
        full = counted(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=2)
        return full

    monkeypatch.setattr(module, "_quota_full", count_then_meet)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def finish(resume: str) -> None:
        try:
            outcomes.append(save_page(workspace, resume, 2, PAGE_3, seconds=5).status)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=finish, args=(r,)) for r in resumes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sorted(outcomes) == ["complete", "quota_full"]
    assert list_quotas(workspace, survey_id) == [
        {"variable": "country", "category": "ES", "cap": 1, "complete": 1}
    ]


def test_links_are_made_on_the_configured_base_url_and_settings_are_checked():
    from escucha.config import parse_config
    from escucha.errors import ConfigError
    from escucha.research.settings import base_url, research_settings

    assert base_url(parse_config({})) == "http://127.0.0.1:8000"
    config = parse_config({"web": {"base_url": "https://surveys.example.org/"},
                           "research": {"link_days": 3}})  # fmt: skip
    assert base_url(config) == "https://surveys.example.org"
    assert research_settings(config).link_days == 3
    with pytest.raises(ConfigError, match=r"\[web\]: 'base_url' must be an http\(s\) URL"):
        parse_config({"web": {"base_url": "javascript:alert(1)"}})
    with pytest.raises(ConfigError, match=r"\[research\]: 'link_days' must be a whole number"):
        research_settings(parse_config({"research": {"link_days": 0}}))
    with pytest.raises(ConfigError, match="unknown key 'days'"):
        research_settings(parse_config({"research": {"days": 1}}))


def test_answers_from_the_form_reach_surveys_responses(workspace, capsys):
    import json

    from .helpers import run_cli

    survey_id = live_survey(workspace)
    token = _token(create_public_link(workspace, survey_id, "mastodon").url)
    _answer_all(workspace, _start(workspace, token).resume_token)
    code, out, err = run_cli(
        capsys, "-w", str(workspace.path), "surveys", "responses", str(survey_id), "--json"
    )
    assert code == 0, err
    (response,) = json.loads(out)["responses"]
    assert response["source"] == "mastodon" and response["submitted_at"]
    answers = response["answers"]
    assert answers["grid_price"] == "3" and answers["uses"] == ["app", "other"]
    assert answers["age"] == 42 and answers["uses_other"] == "kiosk"
