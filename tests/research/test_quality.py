"""Response quality flags (docs/surveys.md, "Response quality"): each rule on a frame in the
shape research/reading.py gives, and the per-analysis exclusion."""

from __future__ import annotations

import pytest

from escucha.errors import UserError
from escucha.research.quality import FLAGS, Rules, flag, select

from .responses import DEFINITION, frame, response


def _flags(rows, **kwargs):
    found = flag(DEFINITION, frame(rows), **kwargs)
    return dict(zip(found["id"], found["flags"], strict=True)), found


def test_speeders_only_once_there_are_thirty_complete_responses():
    rows = [response(i) for i in range(1, 30)] + [response(30, seconds=100.0)]
    flags, _ = _flags(rows)
    assert "speeder" in flags[30]  # 100 s < 40% of the 300 s median
    assert not any("speeder" in f for i, f in flags.items() if i != 30)
    flags, _ = _flags([*rows[:29], response(30, seconds=100.0, status="in_progress")])
    assert not any("speeder" in f for f in flags.values())  # 29 complete: too few to judge
    flags, _ = _flags(rows, rules=Rules(speeder_share=0.3))
    assert "speeder" not in flags[30]  # the share is configurable


def test_straight_lining_needs_the_same_answer_on_every_row_of_a_big_matrix():
    same = {f"g{n}": "4" for n in range(1, 6)}
    almost = same | {"g5": "3"}
    flags, _ = _flags([response(1, **same), response(2, **almost), response(3)])
    assert "straight_lining" in flags[1]
    assert "straight_lining" not in flags[2] and "straight_lining" not in flags[3]
    flags, _ = _flags([response(1, **same)], rules=Rules(matrix_min_rows=6))
    assert "straight_lining" not in flags[1]  # a 5-row matrix is below the 6 asked for


def test_longest_string_index_counts_the_longest_run_of_one_answer():
    # scale items in order: region, g1..g5, check, recommend, hear_back
    row = response(1, **{f"g{n}": "2" for n in range(1, 6)}, region="north", recommend="7")
    _, found = _flags([row])
    assert found["longest_string"].iloc[0] == 6  # g1..g5 and check, all "2"
    flags, _ = _flags([row], rules=Rules(long_string_min_items=9, long_string_share=0.6))
    assert "long_string" in flags[1]  # 6 of the 9 scale answers in one run
    flags, _ = _flags([row], rules=Rules(long_string_min_items=9, long_string_share=0.7))
    assert "long_string" not in flags[1]


def test_attention_checks_fail_on_a_wrong_answer_but_not_when_unanswered():
    flags, _ = _flags([response(1, check="4"), response(2), response(3, check=None)])
    assert "attention_failed" in flags[1]
    assert "attention_failed" not in flags[2] and "attention_failed" not in flags[3]


def test_duplicates_by_contact_and_by_near_identical_answers_from_one_fingerprint():
    story = "I would like the shop to open later on Sundays please"
    flags, _ = _flags(
        [
            response(1, contact_id=7),
            response(2, contact_id=7),  # the same contact again
            response(3, fingerprint="net", story=story),
            response(5, fingerprint="net", story="Something else entirely, not the same"),
            response(6, fingerprint="other", story=story),
        ]
    )
    assert "duplicate" not in flags[1] and "duplicate" in flags[2]
    assert "duplicate" not in flags[3]  # the first of the fingerprint
    assert "duplicate" not in flags[6]  # another fingerprint
    assert "duplicate" not in flags[5]  # same fingerprint, different answers


def test_a_near_copy_from_the_same_fingerprint_is_a_duplicate():
    story = "I would like the shop to open later on Sundays please"
    first = response(3, fingerprint="net", story=story)
    copy = dict(first, id=4, age=first["age"] + 1)  # one answer of 13 differs: 92% the same
    flags, _ = _flags([first, copy])
    assert "duplicate" in flags[4] and "duplicate" not in flags[3]
    flags, _ = _flags([first, copy], rules=Rules(duplicate_similarity=0.95))
    assert "duplicate" not in flags[4]


def test_gibberish_and_copy_pasted_open_answers():
    pasted = "Great product, I recommend it to everyone I know!"
    flags, _ = _flags(
        [
            response(1, story="asdf qwer zxcv uiop"),
            response(2, story="El servicio fue muy lento y la comida llegó fría"),
            response(3, story=pasted),
            response(4, story="  great PRODUCT, i recommend it to everyone I know!  "),
            response(5, story="ok"),
        ]
    )
    assert "gibberish" in flags[1] and "gibberish" not in flags[2]
    assert "gibberish" not in flags[5]  # too short to judge
    assert "copy_paste" in flags[3] and "copy_paste" in flags[4]
    assert "copy_paste" not in flags[2]


def test_bots_honeypot_and_impossible_times():
    flags, _ = _flags(
        [response(1, honeypot=True), response(2, seconds=5.0), response(3, seconds=60.0)]
    )
    assert flags[1] == ["honeypot"]
    assert "impossible_time" in flags[2]  # 13 answers in 5 s
    assert "impossible_time" not in flags[3]


def test_a_plausible_response_has_no_flag_and_flags_never_delete():
    rows = [response(i) for i in range(1, 40)] + [response(40, honeypot=True)]
    found = flag(DEFINITION, frame(rows))
    assert len(found) == 40
    assert sum(1 for f in found["flags"] if f) == 1


def test_select_states_how_many_were_excluded_and_why():
    rows = [response(1, honeypot=True), response(2, check="5"), response(3)]
    found = flag(DEFINITION, frame(rows))
    kept, why = select(found)
    assert list(kept["id"]) == [3]
    assert (why.excluded, why.by_flag, why.rule) == (
        2, {"attention_failed": 1, "honeypot": 1}, "every flag")  # fmt: skip
    kept, why = select(found, exclude=["honeypot"])
    assert list(kept["id"]) == [2, 3] and why.by_flag == {"honeypot": 1}
    kept, why = select(found, include_flagged=True)
    assert len(kept) == 3 and why.excluded == 0
    with pytest.raises(UserError, match="unknown flag 'fast'"):
        select(found, exclude=["fast"])
    assert set(FLAGS) >= {"speeder", "straight_lining", "duplicate", "gibberish", "honeypot"}
