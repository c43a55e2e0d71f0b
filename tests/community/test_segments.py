"""Segments: saved filters; an ask segment never holds an opted-out contact."""

from __future__ import annotations

import pytest

from escucha.community.importer import import_contacts
from escucha.community.segments import SegmentFilters, create_segment, segment_members
from escucha.errors import Conflict, UserError

from .helpers import posts_file, write_csv


@pytest.fixture
def people(workspace, tmp_path):
    workspace.import_file(posts_file(tmp_path / "p.csv", [
        ("1", "ana_g", "reddit", "Iberia, ojalá pusierais wifi gratis"),
        ("2", "bo_b", "reddit", "Iberia perdió mi maleta"),
    ]))  # fmt: skip
    workspace.analyze()
    import_contacts(
        workspace,
        write_csv(tmp_path / "c.csv",
                  ["name", "handle:reddit", "lang", "opted_out", "consent", "tier"],
                  [["Ana", "u/ana_g", "es", "", "yes", "gold"],
                   ["Bo", "u/bo_b", "es", "true", "yes", "gold"],
                   ["Cy", "u/cy_c", "en", "", "yes", "silver"]]),
        rejects_dir=tmp_path / "r",
    )  # fmt: skip
    return workspace


def _names(ws, segment: str) -> list[str]:
    return [c["name"] for c in segment_members(ws, segment)]


def test_an_ask_segment_never_holds_an_opted_out_contact(people):
    create_segment(people, "gold", SegmentFilters(attributes={"tier": "gold"}))
    create_segment(people, "gold-all", SegmentFilters(attributes={"tier": "gold"}), "analysis")
    assert _names(people, "gold") == ["Ana"]
    assert _names(people, "gold-all") == ["Ana", "Bo"]


def test_filters_on_language_posts_readiness_and_the_query_language(people):
    create_segment(people, "es", SegmentFilters(lang="es"), "analysis")
    create_segment(people, "posting", SegmentFilters(min_posts=1), "analysis")
    create_segment(people, "ready", SegmentFilters(ready=True), "analysis")
    create_segment(people, "wishes", SegmentFilters(query="brand:Iberia AND intent:wish"),
                   "analysis")  # fmt: skip
    assert _names(people, "es") == ["Ana", "Bo"]
    assert _names(people, "posting") == ["Ana", "Bo"]
    assert _names(people, "ready") == ["Ana", "Cy"]
    assert _names(people, "wishes") == ["Ana"]


def test_bad_segments_are_refused(people):
    create_segment(people, "x", SegmentFilters())
    with pytest.raises(Conflict):
        create_segment(people, "x", SegmentFilters())
    with pytest.raises(UserError, match="purpose"):
        create_segment(people, "y", SegmentFilters(), "spam")
    with pytest.raises(UserError):
        create_segment(people, "z", SegmentFilters(query="brand:(Iberia"))
