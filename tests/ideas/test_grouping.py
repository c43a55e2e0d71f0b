"""The grouping on its own: the hand-made corpus splits into its known ideas, deterministically."""

from __future__ import annotations

from escucha.ideas.grouping import Grouper, idf_weights, post_terms, title

from .corpus import IDEAS, corpus_rows, expected_groups

EXCLUDE = {"iberia", "united"}


def _group(rows: list[dict]) -> tuple[set[frozenset[str]], dict[frozenset[str], str]]:
    groups, titles = set(), {}
    for lang in ("en", "es"):
        mine = [r for r in rows if r["lang"] == lang]
        terms = {r["native_id"]: post_terms(r["text"], EXCLUDE) for r in mine}
        idf = idf_weights(t.keys() for t in terms.values())
        grouper = Grouper(idf)
        numbers = {name: i for i, name in enumerate(terms)}
        names = {i: name for name, i in numbers.items()}
        for name, found in terms.items():
            grouper.assign(numbers[name], found.keys())
        for cluster in grouper.clusters:
            members = frozenset(names[i] for i in cluster.members)
            groups.add(members)
            titles[members] = title((terms[m] for m in members), idf)
    return groups, titles


def test_the_corpus_groups_into_its_known_ideas():
    groups, _ = _group(corpus_rows())
    assert groups == expected_groups()


def test_titles_are_distinctive_phrases_in_the_posts_language():
    _, titles = _group(corpus_rows())
    by_idea = {
        name: titles[frozenset(f"{name}-{a}" for a, _ in p)] for name, (_, p) in IDEAS.items()
    }
    assert "legroom" in by_idea["legroom"]
    assert "wifi" in by_idea["wifi"]
    assert "boarding pass" in by_idea["boarding pass"]
    assert "enchufes" in by_idea["enchufes"]
    assert "vegetariana" in by_idea["vegetariana"]


def test_grouping_is_deterministic():
    assert _group(corpus_rows()) == _group(corpus_rows())


def test_asking_words_and_brands_are_not_content():
    terms = post_terms("@Iberia hola, me gustaría sugerir wifi gratis, gracias", {"iberia"})
    assert "iberia" not in terms and "gracias" not in terms and "gustaria" not in terms
    assert "wifi" in terms and "wifi gratis" in terms
    assert post_terms("please please DM me", set()) == {"dm": "dm"}
