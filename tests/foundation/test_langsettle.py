"""Posts too short to tell their language get the language of their thread, author or source."""

from __future__ import annotations

import csv

from escucha.workspace import Workspace

SPANISH = [
    "me habéis perdido la maleta otra vez, es una vergüenza",
    "el vuelo a Madrid salió con dos horas de retraso y nadie nos avisó",
    "gracias por la atención en el mostrador de Barajas, fueron muy amables",
    "ojalá pusierais más vuelos a Santander en invierno",
    "no me devuelven el dinero del billete cancelado desde hace un mes",
]
ENGLISH = [
    "the crew was wonderful and the seats were comfortable",
    "lost my bag again and nobody answers the phone",
    "please add more legroom in economy, my knees hurt",
]


def _write(path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "author", "text", "parent_id"])
        writer.writeheader()
        writer.writerows(rows)


def _langs(workspace: Workspace) -> dict[str, str]:
    frame = workspace.posts()
    return dict(zip(frame["native_id"], frame["lang"], strict=True))


def test_short_posts_take_their_source_thread_or_author_language(workspace, tmp_path):
    spanish_file = [
        {"id": f"es{i}", "author": f"a{i}", "text": SPANISH[i % 5], "parent_id": ""}
        for i in range(25)
    ]
    spanish_file.append({"id": "es-short", "author": "zz", "text": "👍👍", "parent_id": ""})
    _write(tmp_path / "es.csv", spanish_file)
    workspace.import_file(tmp_path / "es.csv", source="es_file")

    mixed = [
        {"id": f"m{i}", "author": "ana", "text": ENGLISH[i], "parent_id": ""} for i in range(3)
    ]
    mixed += [
        {"id": f"n{i}", "author": f"b{i}", "text": SPANISH[i], "parent_id": ""} for i in range(3)
    ]
    mixed += [
        {"id": "ana-short", "author": "ana", "text": "ok!!", "parent_id": ""},
        {"id": "reply-short", "author": "cy", "text": "+1", "parent_id": "n0"},
        {"id": "alone-short", "author": "dee", "text": "jaja", "parent_id": ""},
    ]
    _write(tmp_path / "mixed.csv", mixed)
    workspace.import_file(tmp_path / "mixed.csv", source="mixed")
    workspace.analyze()

    langs = _langs(workspace)
    assert langs["es3"] == "es" and langs["m0"] == "en"  # long posts: their own words
    assert langs["es-short"] == "es"  # the source: 25 of 25 known posts are Spanish
    assert langs["ana-short"] == "en"  # the author: 3 of 3 known posts in English
    assert langs["reply-short"] == "es"  # the thread: it replies to a Spanish post
    assert langs["alone-short"] == "unknown"  # a mixed source, an unknown author, no thread

    frame = workspace.posts().set_index("native_id")
    settled = frame.loc["es-short"]
    assert abs(settled[["negative", "neutral", "positive"]].sum() - 1) < 1e-6
    assert workspace.analyze()["enriched"] == 0  # settled once, nothing read again


def test_settling_a_language_moves_the_data_version(workspace, tmp_path):
    """Settled readings are changed in place (no new enrichment id), so the generation moves
    and a web worker's kept pages see them at their next request."""
    from escucha.enrich import current_model_version
    from escucha.reads.versions import data_version

    rows = [
        {"id": f"es{i}", "author": f"a{i}", "text": SPANISH[i % 5], "parent_id": ""}
        for i in range(25)
    ]
    _write(tmp_path / "es.csv", rows)
    workspace.import_file(tmp_path / "es.csv", source="es_file")
    workspace.analyze()
    with workspace.engine.connect() as conn:
        read = data_version(conn, current_model_version())
    rows = [{"id": "es-short", "author": "zz", "text": "👍👍", "parent_id": ""}]
    _write(tmp_path / "short.csv", rows)
    workspace.import_file(tmp_path / "short.csv", source="es_file")
    with workspace.engine.connect() as conn:
        imported = data_version(conn, current_model_version())
    workspace.analyze()  # reads the short post (unknown), then settles it as Spanish
    assert _langs(workspace)["es-short"] == "es"
    with workspace.engine.connect() as conn:
        settled = data_version(conn, current_model_version())
    generation = -1  # the generation is the version's last member
    assert read[generation] == imported[generation]  # a plain import moves the maxima only
    assert settled[generation] != imported[generation]
