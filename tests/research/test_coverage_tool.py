"""tools/xlsform_coverage.py on a pyxform-shaped folder holding the shipped example forms."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYXFORM = Path(__file__).parent / "fixtures" / "pyxform"


def _tool():
    spec = importlib.util.spec_from_file_location(
        "xlsform_coverage", ROOT / "tools" / "xlsform_coverage.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_counts_full_partial_and_failed_forms_and_their_features(tmp_path, capsys):
    examples = tmp_path / "tests" / "example_xls"
    examples.mkdir(parents=True)
    for name in ("calculate.xls", "or_other.xlsx", "widgets.xls", "tutorial.xls"):
        shutil.copy(PYXFORM / name, examples / name)
    (tmp_path / "tests" / "test_forms.py").write_text(
        "def test_x(self):\n"
        '    md = """\n| survey |\n| | type | name | label |\n| | text | a | A |\n"""\n'
        "    self.assertPyxformXform(md=md)\n"
        "    self.assertPyxformXform(md=md.format(x=1))\n"
        '    self.assertPyxformXform(md="| survey |\\n| | type | name |\\n| | geopoint | g |",'
        " errored=True)\n",
        encoding="utf-8",
    )
    tool = _tool()
    assert tool.main([str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["forms"], result["full"], result["partly"], result["failed"]) == (5, 3, 1, 1)
    assert result["pyxform_expects_error"] == 1 and result["markdown_not_literal"] == 1
    assert result["failure_features"] == {"repeat": 1}
    assert result["rejected_features"]["type geopoint"] == 1  # widgets.xls
    assert tool.main([str(tmp_path / "nowhere")]) == 1


def test_feature_names_drop_row_details():
    tool = _tool()
    assert tool.feature_of("inside the repeat 'r' that begins on row 3") == (
        "inside a repeat (rows of a rejected block)"
    )
    assert (
        tool.feature_of("column 'image::English (en)' is not imported (2 rows)") == "column image"
    )
    assert tool.feature_of("location (geopoint) questions ('geopoint') are not supported") == (
        "type geopoint"
    )


def test_group_column_feature():
    assert (
        _tool().feature_of("column 'hint' on a group is not imported") == "column hint on a group"
    )
