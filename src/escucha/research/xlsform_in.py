"""Read an XLSForm (the `survey`, `choices` and `settings` sheets) into a `Definition`.

pyxform reads the workbook (.xlsx, .xls, .csv or markdown) into rows and checks the form's
structure with `workbook_to_json`; this module maps each row to escucha's definition and keeps
its sheet and row number so that what escucha cannot represent is reported, never dropped:

- a row escucha cannot represent (a repeat and every row inside it, geopoints, media, metadata,
  external choice lists, unknown types, a select whose list is missing, an expression that does
  not parse or names an unknown question) is *rejected*: the rest of the form is imported;
- a column escucha does not keep (media, defaults, read-only...) is reported once, with the
  first row that uses it and how many do;
- a form whose structure is broken (no survey sheet, a name used twice, an unclosed group,
  display logic that goes round a circle, a structure pyxform refuses) is not imported at all:
  `UserError`, one line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from escucha.errors import UserError
from escucha.research import expressions
from escucha.research.definition import (
    NPS_POINTS,
    UNDETERMINED,
    Choice,
    Definition,
    Element,
    Group,
    Kind,
    Language,
    Problem,
    Question,
    Row,
    Text,
    check,
    dependencies,
    problems_of,
)

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
END_IF_COLUMN = "escucha_end_if"  # skip to end: XLSForm has no column for it
ATTENTION_COLUMN = "escucha_attention_answer"  # an attention check's expected answer
MATRIX_APPEARANCE = "table-list"

TRANSLATED = ("label", "hint", "constraint_message", "required_message")
SURVEY_COLUMNS = {
    "type", "name", "relevant", "constraint", "required", "calculation", "choice_filter",
    "appearance", "parameters", END_IF_COLUMN, ATTENTION_COLUMN, *TRANSLATED,
}  # fmt: skip
CHOICE_COLUMNS = {"list_name", "name", "label"}
GROUP_COLUMNS = {"type", "name", "label", "relevant", "appearance"}
OTHER_SHEETS = ("entities", "external_choices", "osm")  # pyxform reads them; escucha does not
SETTINGS_KEPT = {"form_title", "form_id", "version", "default_language"}
# escucha's own settings columns: what the form's first page says (who asks, why, how the
# answers are used: translated like labels, `asker::Español (es)`) and how many minutes it takes
INTRO_TEXTS = ("asker", "purpose", "use")
MAX_MINUTES = 600
COLUMN_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "calculate": "calculation",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
    "list name": "list_name",
    "value": "name",
    "command": "type",
}
YES = {"yes", "true", "true()"}
NO = {"no", "false", "false()", ""}

SIMPLE_TYPES = {
    "integer": Kind.INTEGER,
    "int": Kind.INTEGER,
    "decimal": Kind.DECIMAL,
    "text": Kind.TEXT,
    "string": Kind.TEXT,
    "date": Kind.DATE,
    "note": Kind.NOTE,
    "acknowledge": Kind.CONSENT,
    "calculate": Kind.CALCULATE,
}
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "background-audio", "instanceid",
    "startgeopoint", "backgroundaudio",
}  # fmt: skip
UNSUPPORTED_TYPES = {
    "geopoint": "location (geopoint)",
    "geotrace": "location (geotrace)",
    "geoshape": "location (geoshape)",
    "image": "image upload",
    "photo": "image upload",
    "audio": "audio recording",
    "video": "video recording",
    "file": "file upload",
    "barcode": "barcode scan",
    "time": "time of day",
    "datetime": "date and time",
    "hidden": "hidden field",
    "xml-external": "external data",
    "csv-external": "external data",
    "trigger": "trigger",
    "osm": "OpenStreetMap",
    "rank": "ranking",
    "entity": "entity",
}
_MEDIA = {"image", "big-image", "audio", "video", "media"}
_LANGUAGE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)$")
_XML_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_SELECT = re.compile(
    r"^(?P<how>select[_ ]one|select1|select[_ ]multiple|select all that apply"
    r"|add select (?:one|multiple) prompt using)(?: from)? (?P<list>.+?)"
    r"(?P<other> or[_ ]other| or specify other)?$",
    re.IGNORECASE,
)
_EXTERNAL = re.compile(r"\b(?:from file|external)\b")


@dataclass(frozen=True)
class RejectedRow:
    sheet: str
    row: int  # the spreadsheet's row number (the header is row 1)
    reason: str


@dataclass(frozen=True)
class Reading:
    definition: Definition
    rejected: tuple[RejectedRow, ...]


class _Reject(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def language_of(suffix: str) -> Language:
    """`Español (es)` -> Language("es", "Español"); `English` -> Language("English", "English")."""
    match = _LANGUAGE.match(suffix.strip())
    if match:
        return Language(match["code"], match["name"].strip())
    return Language(suffix.strip(), suffix.strip())


def _split(header: str) -> tuple[str, str | None]:
    """A column header as (canonical column, language suffix or None); old forms write
    `label:English` and `bind:relevant` with one colon."""
    base, sep, language = header.partition("::")
    if not sep and ":" in header:
        prefix, _, rest = header.partition(":")
        if prefix.strip().lower() in (*TRANSLATED, *_MEDIA, "bind", "control", "body"):
            base, sep, language = prefix, ":", rest
    base = base.strip().lower()
    if base in ("bind", "control", "body") and sep:  # bind::relevant, control::appearance
        return _split(language)
    base = COLUMN_ALIASES.get(base, base.replace(" ", "_"))
    base = COLUMN_ALIASES.get(base, base)
    return base, (language.strip() if sep else None)


@dataclass
class _Sheet:
    """Rows of one sheet as {column: {language or "": value}}, with their row numbers."""

    name: str
    rows: list[tuple[int, dict[str, dict[str, str]]]] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    ignored: Counter[str] = field(default_factory=Counter)
    first_ignored: dict[str, int] = field(default_factory=dict)


def _sheet(name: str, rows: Iterable[Mapping[str, Any]] | None, kept: set[str]) -> _Sheet:
    sheet = _Sheet(name)
    for index, raw in enumerate(rows or ()):
        row: dict[str, dict[str, str]] = {}
        for header, value in raw.items():
            text = "" if value is None else str(value).strip()
            if not text:
                continue
            column, language = _split(header)
            if column in kept or (name == CHOICES and column not in _MEDIA):
                row.setdefault(column, {})[language or ""] = text
                if language and column in TRANSLATED:
                    sheet.languages.add(language)
            else:
                sheet.ignored[header] += 1
                sheet.first_ignored.setdefault(header, index + 2)
        sheet.rows.append((index + 2, row))
    return sheet


def _one(row: Mapping[str, Mapping[str, str]], column: str) -> str:
    values = row.get(column, {})
    return values.get("", next(iter(values.values()), "")) if values else ""


class _Reader:
    def __init__(self, data: Any, source: str) -> None:
        self.source = source
        self.rejected: list[RejectedRow] = []
        self.settings = self._settings(data.settings)
        for sheet in OTHER_SHEETS:
            if getattr(data, sheet, None):
                self._reject(sheet, 2, f"sheet {sheet!r} is not imported")
        self.survey = _sheet(SURVEY, data.survey, SURVEY_COLUMNS)
        self.choice_sheet = _sheet(CHOICES, data.choices, CHOICE_COLUMNS)
        suffixes = sorted(self.survey.languages | self.choice_sheet.languages)
        default = self.settings.get("default_language", "")
        self.default = language_of(default) if default else Language(UNDETERMINED)
        plain = self._uses_plain_columns()
        found = [language_of(s) for s in suffixes]
        if plain and self.default not in found:
            found.append(self.default)
        # the default language first, then the others in the order of their columns' names
        found.sort(key=lambda lang: (lang != self.default, lang.column))
        self.languages = tuple(found) or (Language(UNDETERMINED),)
        self.by_suffix = {s: language_of(s).code for s in suffixes}
        self.by_suffix[""] = self.default.code
        self.lists = self._choices()
        self.rows: dict[str, int] = {}  # element name -> row
        self.rejected_names: dict[str, int] = {}  # name of a rejected row -> its row
        self.at = 0  # the survey row being read

    # --- sheets --------------------------------------------------------------------------

    def _settings(self, rows: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
        settings: dict[str, str] = {}
        self.intro: dict[str, dict[str, str]] = {}  # asker, purpose, use: {suffix: text}
        self.minutes: int | None = None
        for index, raw in enumerate(rows or ()):
            for key, value in raw.items():
                text = "" if value is None else str(value).strip()
                if not text:
                    continue
                name = key.strip().lower()
                name = {"title": "form_title", "id_string": "form_id"}.get(name, name)
                column, language = _split(key.strip())
                if index == 0 and column in INTRO_TEXTS:
                    self.intro.setdefault(column, {})[language or ""] = text
                elif index == 0 and name == "minutes":
                    self.minutes = self._minutes(text)
                elif name in SETTINGS_KEPT and index == 0:
                    settings[name] = text
                else:
                    self._reject(SETTINGS, index + 2, f"setting {key!r} is not imported")
        return settings

    def _minutes(self, text: str) -> int | None:
        number = text.removesuffix(".0")
        if number.isdigit() and 1 <= int(number) <= MAX_MINUTES:
            return int(number)
        self._reject(
            SETTINGS, 2, f"setting 'minutes' must be a whole number from 1 to {MAX_MINUTES}"
        )
        return None

    def _intro(self, column: str) -> dict[str, str]:
        """An intro text by language code (a plain column is the default language's)."""
        return {
            self.by_suffix.get(suffix, language_of(suffix).code): text
            for suffix, text in self.intro.get(column, {}).items()
        }

    def _uses_plain_columns(self) -> bool:
        return any(
            "" in row.get(column, {})
            for sheet in (self.survey, self.choice_sheet)
            for _, row in sheet.rows
            for column in TRANSLATED
        )

    def _text(self, row: Mapping[str, Mapping[str, str]], column: str) -> Text:
        return {self.by_suffix[k]: v for k, v in row.get(column, {}).items()}

    def _choices(self) -> dict[str, list[Choice]]:
        lists: dict[str, list[Choice]] = {}
        for number, row in self.choice_sheet.rows:
            if not row:
                continue
            list_name, name = _one(row, "list_name"), _one(row, "name")
            if not list_name or not name:
                self._reject(CHOICES, number, "a choice needs a list_name and a name")
                continue
            choices = lists.setdefault(list_name, [])
            if any(c.name == name for c in choices):
                self._reject(CHOICES, number, f"choice {name!r} is twice in list {list_name!r}")
                continue
            extra = {k: _one(row, k) for k in row if k not in CHOICE_COLUMNS}
            choices.append(Choice(name, self._text(row, "label"), extra))
        return lists

    def _reject(self, sheet: str, row: int, reason: str) -> None:
        self.rejected.append(RejectedRow(sheet, row, reason))

    def _report_columns(self) -> None:
        for sheet in (self.survey, self.choice_sheet):
            for header, count in sheet.ignored.items():
                rows = f" ({count} rows)" if count > 1 else ""
                self._reject(
                    sheet.name,
                    sheet.first_ignored[header],
                    f"column {header!r} is not imported{rows}",
                )

    # --- the survey sheet ---------------------------------------------------------------

    def read(self) -> Definition:
        stack: list[tuple[dict[str, dict[str, str]], int, list[Element]]] = []
        top: list[Element] = []
        skipping: tuple[str, int, int] | None = None  # (what, row, depth) of a rejected block
        for number, row in self.survey.rows:
            if not row:
                continue
            kind = " ".join(_one(row, "type").replace("_", " ").split()).lower()
            if skipping is not None:
                what, start, depth = skipping
                if kind.startswith("begin "):
                    depth += 1
                elif kind.startswith("end "):
                    depth -= 1
                self._reject(SURVEY, number, f"inside the {what} that begins on row {start}")
                self._rejected_name(row, number)
                skipping = None if depth == 0 else (what, start, depth)
                continue
            if kind.startswith(("begin repeat", "begin loop")):
                what = f"{kind.split()[1]} {_one(row, 'name')!r}"
                self._reject(SURVEY, number, f"{kind.split()[1]}s are not supported")
                self._rejected_name(row, number)
                skipping = (what, number, 1)
                continue
            if kind == "begin group":
                try:
                    self._name(row, number)
                except _Reject as rejected:  # the group and what is inside it
                    self._reject(SURVEY, number, f"group: {rejected.reason}")
                    skipping = ("group", number, 1)
                    continue
                stack.append((row, number, []))
                continue
            if kind == "end group":
                if not stack:
                    raise UserError(f"{self.source}: survey row {number}: end group without begin")
                begin, begin_row, children = stack.pop()
                (stack[-1][2] if stack else top).append(self._group(begin, begin_row, children))
                continue
            try:
                self.at = number
                name = self._name(row, number)
                question = self._question(row, kind, name)
            except _Reject as rejected:
                self._reject(SURVEY, number, rejected.reason)
                self._rejected_name(row, number)
                continue
            (stack[-1][2] if stack else top).append(question)
        if skipping is not None:
            raise UserError(f"{self.source}: the {skipping[0]} on row {skipping[1]} never ends")
        if stack:
            raise UserError(f"{self.source}: the group on survey row {stack[-1][1]} never ends")
        self._report_columns()
        definition = Definition(
            name=self.settings.get("form_id") or self.source_stem,
            title=self.settings.get("form_title") or self.source_stem,
            languages=self.languages,
            children=tuple(top),
            default_language=self.default.code if self.settings.get("default_language") else None,
            version=self.settings.get("version"),
            asker=self._intro("asker"),
            purpose=self._intro("purpose"),
            use=self._intro("use"),
            minutes=self.minutes,
        )
        definition = self._drop_broken(definition)
        cycle = expressions.find_cycle(dependencies(definition))
        if cycle:
            where = f"survey row {self.rows.get(cycle[0], '?')}"
            raise UserError(
                f"{self.source}: {where}: display logic or calculations go round a circle: "
                + " -> ".join(cycle)
            )
        check(definition)
        return definition

    def _rejected_name(self, row: Mapping[str, Mapping[str, str]], number: int) -> None:
        name = _one(row, "name")
        if name:
            self.rejected_names.setdefault(name, number)

    @property
    def source_stem(self) -> str:
        return Path(self.source).stem

    def _name(self, row: Mapping[str, Mapping[str, str]], number: int) -> str:
        name = _one(row, "name")
        if not name:
            raise _Reject("the row has no name")
        if not _XML_NAME.match(name):
            raise _Reject(f"{name!r} is not a valid name (letters, digits, _ . -)")
        if name in self.rows:
            raise UserError(
                f"{self.source}: survey row {number}: the name {name!r} is already used "
                f"on row {self.rows[name]}"
            )
        self.rows[name] = number
        return name

    def _group(
        self, row: Mapping[str, Mapping[str, str]], number: int, children: list[Element]
    ) -> Element:
        name = _one(row, "name")
        appearance = _one(row, "appearance")
        for column in sorted(set(row) - GROUP_COLUMNS):
            self._reject(SURVEY, number, f"column {column!r} on a group is not imported")
        group = Group(
            name=name,
            label=self._text(row, "label"),
            relevant=_one(row, "relevant") or None,
            appearance=appearance or None,
            children=tuple(children),
        )
        return _as_matrix(group) or group

    def _question(self, row: Mapping[str, Mapping[str, str]], kind: str, name: str) -> Question:
        if not kind:
            raise _Reject("the row has no type")
        appearance = _one(row, "appearance").split()
        if "search(" in _one(row, "appearance"):
            raise _Reject("search() appearances (choices from an external file) are not supported")
        base: dict[str, Any] = {
            "name": name,
            "label": self._text(row, "label"),
            "hint": self._text(row, "hint"),
            "required": self._required(row),
            "required_message": self._text(row, "required_message"),
            "relevant": _one(row, "relevant") or None,
            "constraint": _one(row, "constraint") or None,
            "constraint_message": self._text(row, "constraint_message"),
            "end_if": _one(row, END_IF_COLUMN) or None,
            "attention_answer": _one(row, ATTENTION_COLUMN) or None,
        }
        parameters = _parameters(_one(row, "parameters"))
        if _SELECT.match(" ".join(_one(row, "type").split())) and not _EXTERNAL.search(kind):
            return self._select(row, appearance, parameters, base)
        if kind == "range":
            return self._range(parameters, appearance, base)
        simple = SIMPLE_TYPES.get(kind)
        if simple is None:
            raise _Reject(self._unsupported(kind))
        if parameters:
            raise _Reject(f"parameters {_one(row, 'parameters')!r} are not supported on {kind}")
        if _one(row, "choice_filter"):
            raise _Reject(f"a choice_filter on a {kind} question")
        calculation = _one(row, "calculation") or None
        if simple is Kind.CALCULATE and not calculation:
            raise _Reject("a calculate row needs a calculation")
        if simple is not Kind.CALCULATE and calculation:
            raise _Reject(f"a calculation on a {kind} question (only calculate rows compute)")
        if simple is Kind.TEXT and "multiline" in appearance:
            simple = Kind.LONG_TEXT
            appearance.remove("multiline")
        if simple is Kind.CONSENT:
            base["required"] = True  # an agreement is never optional
        if simple is not Kind.CALCULATE and not base["label"] and not base["hint"]:
            raise _Reject("the question has no label")
        return Question(
            kind=simple, calculation=calculation, appearance=" ".join(appearance) or None, **base
        )

    def _unsupported(self, kind: str) -> str:
        word = kind.split()[0]
        if _EXTERNAL.search(kind):
            return f"external choice lists ({kind!r}) are not supported"
        if kind.replace(" ", "").removeprefix("uri:") in METADATA_TYPES:
            return f"metadata field {kind!r}: escucha records its own paradata"
        known = {k.replace("_", " ").lower(): v for k, v in UNSUPPORTED_TYPES.items()}
        what = known.get(kind) or known.get(word) or known.get(" ".join(kind.split()[:2]))
        if what:
            return f"{what} questions ({kind!r}) are not supported"
        return f"unknown question type {kind!r}"

    def _required(self, row: Mapping[str, Mapping[str, str]]) -> bool:
        value = _one(row, "required").strip()
        if value.lower() in YES:
            return True
        if value.lower() in NO:
            return False
        raise _Reject(f"required {value!r}: only yes or no is supported, not an expression")

    def _select(
        self,
        row: Mapping[str, Mapping[str, str]],
        appearance: list[str],
        parameters: dict[str, str],
        base: dict[str, Any],
    ) -> Question:
        written = " ".join(_one(row, "type").split())
        match = _SELECT.match(written)
        if match is None:
            raise _Reject(f"type {written!r}: expected select_one LIST or select_multiple LIST")
        multiple = "multiple" in match["how"].lower() or "all" in match["how"].lower()
        list_name = match["list"]
        if list_name not in self.lists:
            raise _Reject(f"choice list {list_name!r} is not on the choices sheet")
        choices = tuple(self.lists[list_name])
        if not base["label"] and not base["hint"]:
            raise _Reject("the question has no label")
        randomize = parameters.pop("randomize", "false").lower() in YES
        if parameters:
            raise _Reject(f"parameters {sorted(parameters)} are not supported on selects")
        kind = Kind.MULTIPLE if multiple else Kind.SINGLE
        if "likert" in appearance and not multiple:
            appearance.remove("likert")
            nps = tuple(c.name for c in choices) == NPS_POINTS
            kind = Kind.NPS if nps else Kind.RATING
        if _one(row, "calculation"):
            raise _Reject("a calculation on a select question (only calculate rows compute)")
        return Question(
            kind=kind,
            list_name=list_name,
            choices=choices,
            other=bool(match["other"]),
            randomize=randomize,
            choice_filter=_one(row, "choice_filter") or None,
            appearance=" ".join(appearance) or None,
            **base,
        )

    def _range(
        self, parameters: dict[str, str], appearance: list[str], base: dict[str, Any]
    ) -> Question:
        try:
            start, end, step = (float(parameters.get(k, d)) for k, d in
                                (("start", "1"), ("end", "10"), ("step", "1")))  # fmt: skip
        except ValueError:
            raise _Reject(f"range parameters {parameters} are not numbers") from None
        points = (end - start) / step + 1 if step else 0
        if step != 1 or not start.is_integer() or not 2 <= points <= 11:
            raise _Reject("a range other than 2 to 11 whole points is not supported")
        for shown in sorted(set(parameters) & {"tick_interval", "placeholder"}):
            self._reject(SURVEY, self.at, f"range parameter {shown!r} is not imported")
        unknown = set(parameters) - {"start", "end", "step", "tick_labelset", "tick_interval",
                                     "placeholder"}  # fmt: skip
        if unknown:
            raise _Reject(f"range parameters {sorted(unknown)} are not supported")
        labelled: dict[str, Text] = {}
        if "tick_labelset" in parameters:
            labelset = parameters["tick_labelset"]
            if labelset not in self.lists:
                raise _Reject(f"tick_labelset {labelset!r} is not on the choices sheet")
            labelled = {_point(c.name): c.label for c in self.lists[labelset]}
        names = tuple(str(int(start) + i) for i in range(int(points)))
        choices = tuple(
            Choice(n, labelled.get(n) or {lang.code: n for lang in self.languages}) for n in names
        )
        return Question(
            kind=Kind.NPS if names == NPS_POINTS else Kind.RATING,
            list_name=self._free_list_name(f"{base['name']}_points"),
            choices=choices,
            appearance=" ".join(appearance) or None,
            **base,
        )

    def _free_list_name(self, wanted: str) -> str:
        """A choice list name the form does not use yet (for the points of a range)."""
        name, n = wanted, 1
        while name in self.lists:
            n += 1
            name = f"{wanted}_{n}"
        self.lists[name] = []
        return name

    # --- references ---------------------------------------------------------------------

    def _drop_broken(self, definition: Definition) -> Definition:
        """Reject elements with broken expressions or references until none is left: a
        question that refers to a rejected one is rejected too."""
        while True:
            names = definition.names()
            broken = {}
            for element in definition.elements():
                problems = problems_of(element, names)
                if problems:
                    broken[element.name] = self._reason(problems[0])
            if not broken:
                return definition
            for name, reason in broken.items():
                self._reject(SURVEY, self.rows.get(name, 0), reason)
                self.rejected_names.setdefault(name, self.rows.get(name, 0))
            children = self._without(definition.children, set(broken))
            definition = replace(definition, children=children)

    def _reason(self, problem: Problem) -> str:
        missing = problem.missing
        if missing is None or missing not in self.rejected_names:
            return problem.reason
        row = self.rejected_names[missing]
        return problem.reason.replace(
            f"unknown ${{{missing}}}", f"${{{missing}}}, which was rejected (row {row})"
        )

    def _without(self, children: tuple[Element, ...], names: set[str]) -> tuple[Element, ...]:
        kept: list[Element] = []
        for child in children:
            if child.name in names:
                if isinstance(child, Group):
                    for inner in Definition("", "", (), child.children).elements():
                        self._reject(
                            SURVEY,
                            self.rows.get(inner.name, 0),
                            f"inside the rejected group {child.name!r}",
                        )
                continue
            if isinstance(child, Group):
                child = replace(child, children=self._without(child.children, names))
            kept.append(child)
        return tuple(kept)


def _point(name: str) -> str:
    """A tick label's choice name as the point it labels: '1.0' -> '1'."""
    try:
        number = float(name)
    except ValueError:
        return name
    return str(int(number)) if number.is_integer() else name


def _parameters(text: str) -> dict[str, str]:
    out = {}
    for part in text.replace(";", " ").replace(",", " ").split():
        key, sep, value = part.partition("=")
        if not sep:
            raise _Reject(f"parameter {part!r}: expected name=value")
        out[key.strip().lower()] = value.strip()
    return out


def _as_matrix(group: Group) -> Question | None:
    """A `table-list` group of single-choice rows on one list, without logic of their own,
    is a matrix (rows sharing a scale)."""
    appearance = (group.appearance or "").split()
    rows = group.children
    if MATRIX_APPEARANCE not in appearance or not rows:
        return None
    if not all(isinstance(r, Question) and r.kind is Kind.SINGLE for r in rows):
        return None
    questions = [r for r in rows if isinstance(r, Question)]
    plain = Question(name="", kind=Kind.SINGLE, list_name=questions[0].list_name)
    shape = {"name": "", "label": {}, "choices": (), "required": False}
    if any(replace(q, **shape) != replace(plain, **shape) for q in questions):
        return None
    if len({q.required for q in questions}) != 1:
        return None
    appearance.remove(MATRIX_APPEARANCE)
    return Question(
        name=group.name,
        kind=Kind.MATRIX,
        label=group.label,
        relevant=group.relevant,
        required=questions[0].required,
        list_name=questions[0].list_name,
        choices=questions[0].choices,
        rows=tuple(Row(q.name, q.label) for q in questions),
        appearance=" ".join(appearance) or None,
    )


def _validate_with_pyxform(data: Any, reader: _Reader, source: str) -> None:
    """pyxform's own structural checks, on the rows and columns escucha keeps."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import workbook_to_json

    def kept(sheet: _Sheet, rows: Any) -> list[Any]:
        dropped = {
            r.row
            for r in reader.rejected
            if r.sheet == sheet.name and not r.reason.startswith("column ")
        }
        return [
            {} if i + 2 in dropped else {k: v for k, v in row.items() if k not in sheet.ignored}
            for i, row in enumerate(rows or ())
        ]

    cleaned = replace(
        data,
        survey=kept(reader.survey, data.survey),
        choices=kept(reader.choice_sheet, data.choices),
        **{sheet: None for sheet in OTHER_SHEETS},  # reported as not imported
    )
    try:
        workbook_to_json(cleaned, warnings=[])
    except PyXFormError as exc:
        raise UserError(f"{source}: {' '.join(str(exc).split())}") from None


def _order(rejected: RejectedRow) -> tuple[bool, str, int]:
    return (rejected.sheet != SURVEY, rejected.sheet, rejected.row)


def read_xlsform(path: Path) -> Reading:
    """The definition in an XLSForm file and the rows it could not take."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    source = path.name
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        data = get_xlsform(str(path))
    except (PyXFormError, OSError, ValueError, KeyError) as exc:
        raise UserError(f"{source}: cannot read the form: {' '.join(str(exc).split())}") from None
    if not data.survey:
        raise UserError(f"{source}: no 'survey' sheet with questions")
    reader = _Reader(data, source)
    definition = reader.read()
    if not any(True for _ in definition.elements()):
        first = min(reader.rejected, key=_order, default=None)
        why = f" (first: {first.sheet} row {first.row}: {first.reason})" if first else ""
        raise UserError(f"{source}: no question escucha can import{why}")
    _validate_with_pyxform(data, reader, source)
    rejected = sorted(reader.rejected, key=_order)
    return Reading(definition, tuple(rejected))
