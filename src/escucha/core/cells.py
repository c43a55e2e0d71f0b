"""Spreadsheet cells from untrusted text: OWASP's CSV-injection advice, shared by the
explorer's exports and the report's tables (CSV and XLSX)."""

from __future__ import annotations

import re

_FORMULA = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"  # and their fullwidth forms ＝ ＋ － ＠
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters and the BOM
_SEPARATORS = ",;\t|\r\n"
# A formula character at the start of the cell or right after a separator, perhaps behind
# spaces or invisible characters: where some spreadsheet would start a cell.
_FORMULA_CELL = re.compile(
    f"(?:^|[{re.escape(_SEPARATORS)}])[\\s{_INVISIBLE}]*[{re.escape(_FORMULA)}]"
)


def neutralise(value: str) -> str:
    """The cell with a leading apostrophe if a spreadsheet could take it for a formula."""
    return "'" + value if _FORMULA_CELL.search(value) else value
