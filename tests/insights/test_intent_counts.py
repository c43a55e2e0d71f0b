"""The complaint and wish counts per day the web's comparison reads with SQL agree with the
same counts taken from the posts frame, on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd

from escucha.insights.compare import count_intents

ROWS = [
    ("1", "2024-03-01T10:00:00Z", "@Iberia me habéis perdido la maleta, es un desastre"),
    ("2", "2024-03-01T11:00:00Z", "@Iberia ojalá tuvierais wifi gratis en los vuelos"),
    ("3", "2024-03-02T09:00:00Z", "@Ryanair otra vez retraso de tres horas, fatal servicio"),
    ("4", "2024-03-02T12:00:00Z", "@united lost my bag again, terrible customer service"),
    ("5", "2024-03-03T08:00:00Z", "@united I wish you had more legroom on long flights"),
    ("6", "2024-03-03T09:00:00Z", "@Iberia gracias por el vuelo, todo perfecto"),
]


def test_intent_counts_match_the_frame(workspace, tmp_path) -> None:
    from escucha.reads.mentions import intent_counts

    path = tmp_path / "posts.csv"
    pd.DataFrame(ROWS, columns=["id", "created_at", "text"]).to_csv(path, index=False)
    workspace.import_file(path, source="test")
    workspace.analyze()
    from escucha.enrich import current_model_version

    with workspace.engine.connect() as conn:
        read = intent_counts(conn, current_model_version())
    assert set(read["day"]) == {"2024-03-01", "2024-03-02", "2024-03-03"}
    summed = read.groupby(["lang", "brand"])[["mentions", "complaint", "wish"]].sum()
    expected = count_intents(workspace.posts()).set_index(["lang", "brand"])
    assert summed.sort_index().to_dict() == expected.sort_index().to_dict()
    assert int(summed["mentions"].sum()) == 6
    assert int(summed["complaint"].sum()) + int(summed["wish"].sum()) > 0
