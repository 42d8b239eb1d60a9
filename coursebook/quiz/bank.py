"""Load question banks from YAML and validate them, reporting problems by file, line and question
id.

Each file is parsed once, by ruamel.yaml: YAML 1.2 (so `yes`, `no` and `on` stay text), duplicate
keys
refused, and a line and column for every key and value. The data goes to the pydantic schema in
`model.py`; each error it finds is turned into a sentence an author can act on, placed on the line
of the key it is about.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from ..errors import BankError, Problem, UnknownBankError
from .model import QUESTION_CLASSES, QUESTION_TYPES, Bank

BANKS_ENV = "COURSEBOOK_BANKS"
SUFFIXES = (".yml", ".yaml")
_FIELDS_BY_TYPE = {
    name: set(cls.model_fields) for name, cls in zip(QUESTION_TYPES, QUESTION_CLASSES, strict=True)
}
_BANK_FIELDS = set(Bank.model_fields)
_BANK_ADAPTER = TypeAdapter(Bank)
_LINKS = MarkdownIt("commonmark")
_ABSOLUTE = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)
# pydantic names the branch of a union (`str`, `list[str]`) in an error's location: not the author's
# words
_UNION_BRANCH = re.compile(r"^(?:str|int|float|bool|list\[.*\]|dict\[.*\])$")


def find_banks_dir(start: Path | None = None) -> Path:
    """The folder of banks: $COURSEBOOK_BANKS, else `quizzes/` or `book/quizzes/` here or above."""
    if os.environ.get(BANKS_ENV):
        return Path(os.environ[BANKS_ENV])
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for candidate in (folder / "quizzes", folder / "book" / "quizzes"):
            if candidate.is_dir():
                return candidate
    raise UnknownBankError(
        f"no question banks found: looked for quizzes/ or book/quizzes/ in {here} and its parents; "
        f"run from the book, or set {BANKS_ENV} to the folder of banks"
    )


# --- reading YAML ------------------------------------------------------------------------------


@dataclass
class _Where:
    """Where each part of the file sits: (line, column), 1-based, by path of keys and indices."""

    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    keys: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: tuple, key: bool = False) -> tuple[int, int] | None:
        """The position of `loc`, or of the nearest enclosing part that exists."""
        loc = tuple(loc)
        while loc:
            found = (self.keys if key else self.values).get(loc) or self.values.get(loc)
            if found:
                return found
            loc = loc[:-1]
        return self.values.get(())


def _plain(node, where: _Where, path: tuple = ()):
    """ruamel's node tree as plain dicts, lists and scalars, recording every position on the way."""
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            line, column = node.lc.key(key)
            where.keys[path + (key,)] = (line + 1, column + 1)
            value_line, value_column = node.lc.value(key)
            where.values[path + (key,)] = (value_line + 1, value_column + 1)
            out[key] = _plain(value, where, path + (key,))
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, column = node.lc.item(index)
            where.values[path + (index,)] = (line + 1, column + 1)
            items.append(_plain(value, where, path + (index,)))
        return items
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):  # ruamel's scalar subclasses keep formatting we do not need
        if isinstance(node, kind):
            return kind(node)
    return node


def _nearest_id(lines: list[str], line: int) -> str | None:
    """The id of the question a (broken) line belongs to: the closest `id:` at or above it."""
    for text in reversed(lines[:line]):
        match = re.match(r"^\s*(?:-\s+)?id:\s*['\"]?([^'\"#\s]+)", text)
        if match:
            return match.group(1)
    return None


def _syntax_fix(exc: MarkedYAMLError, source_line: str) -> str:
    """What to do about a YAML syntax error, in plain words (the parser's wording names its
    internals)."""
    problem = f"{exc.context or ''} {exc.problem or ''}"
    value = source_line.split(": ", 1)[1].lstrip() if ": " in source_line else source_line.strip()
    first = value[:1]
    if "'\\t'" in problem:
        return "a tab is used for indenting here; indent with spaces only"
    if "quoted scalar" in problem:
        return (
            "a quotation mark is opened but never closed; "
            "end the text with the same quote it starts with"
        )
    if "mapping values are not allowed" in problem:
        return (
            "quote this text: it contains `: `, which YAML reads as the start of another key; "
            'put the whole text in double quotes, like `prompt: "Chronology: put these in order"`'
        )
    if "alias" in problem or first == "*":
        return (
            "quote this text: it starts with `*`, which YAML reads as a reference; "
            'put the whole text in double quotes, like `a: "*Sensitivity* is the short-run cost"`'
        )
    if first and (first in "&!%@`|>" and "cannot start any token" in problem or first in "&!"):
        return (
            f"quote this text: it starts with `{first}`, which has a meaning of its own in YAML; "
            "put the whole text in double quotes"
        )
    if first and first in "[{" or "flow" in problem:
        return (
            f"quote this text: it starts with `{first or '['}`, which YAML reads as the start of "
            f"a list or mapping; "
            "put the whole text in double quotes (or close the bracket if you meant a list)"
        )
    if "block end" in problem or "indentation" in problem or "block mapping" in problem:
        return (
            "the indentation is off: every key of a question must line up under `id:`, and the "
            "lines "
            "of a list or mapping under its first line"
        )
    return (
        "YAML cannot read this line; check its indentation, "
        "and put text that holds : # or quotes in double quotes"
    )


def _read(path: Path, text: str) -> tuple[object, _Where]:
    yaml = YAML(typ="rt")  # YAML 1.2: `yes`/`no` are text; duplicate keys are refused
    where = _Where(values={(): (1, 1)})
    try:
        root = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = re.search(r'duplicate key "([^"]*)"', exc.problem or "")
        lines = text.splitlines()
        name = key.group(1) if key else "this key"
        raise BankError(
            [
                Problem(
                    str(path),
                    mark.line + 1,
                    _nearest_id(lines, mark.line + 1),
                    f"the key `{name}` appears twice in one mapping; keep one of them",
                    mark.column + 1,
                )
            ]
        ) from None
    except MarkedYAMLError as exc:
        # an unclosed quote or bracket is found at the end of the file: point at where it opened
        opened = exc.context_mark and (
            "quoted scalar" in (exc.context or "") or "flow" in (exc.context or "")
        )
        mark = exc.context_mark if opened else exc.problem_mark or exc.context_mark
        lines = text.splitlines()
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        source = lines[line - 1] if line and line <= len(lines) else ""
        raise BankError(
            [
                Problem(
                    str(path), line, _nearest_id(lines, line or 0), _syntax_fix(exc, source), column
                )
            ]
        ) from None
    return _plain(root, where), where


# --- turning pydantic's errors into sentences ------------------------------------------------


def _level(loc: tuple) -> str:
    """Which part of the bank a location is in, as an author would name it."""
    if len(loc) <= 1:
        return "the bank (at the top of the file)"
    if "pairs" in loc:
        return "this pair"
    if "mistakes" in loc:
        return "this mistake"
    return "this question"


def _shown(value) -> str:
    return repr(value) if not isinstance(value, (dict, list)) else type(value).__name__


def _explain(error: Mapping[str, Any], raw_question) -> tuple[str, tuple]:
    """(a sentence an author can act on, the location to put it on)."""
    kind, loc = (
        error["type"],
        tuple(
            part
            for part in error["loc"]
            if not (isinstance(part, str) and _UNION_BRANCH.match(part))
        ),
    )
    if len(loc) >= 3 and loc[0] == "questions" and loc[2] in QUESTION_TYPES:
        loc = loc[:2] + loc[3:]  # the type tag pydantic adds to a question's location
    named = [part for part in loc if isinstance(part, str) and part != "[key]"]
    field_name = named[-1] if named else ""
    if len(named) >= 2 and named[-2] in ("options", "feedback") and loc[-1] == named[-1]:
        field_name = f"{named[-2]}: {named[-1]}"  # an entry, such as option `a`
    found = error.get("input")
    if kind == "union_tag_invalid":
        typed = raw_question.get("type") if isinstance(raw_question, dict) else None
        return f"unknown question type {typed!r}; use one of: {', '.join(QUESTION_TYPES)}", loc + (
            "type",
        )
    if kind == "union_tag_not_found":
        return f"missing `type:`; use one of: {', '.join(QUESTION_TYPES)}", loc
    if kind == "missing":
        return f"missing required key `{field_name}`; add `{field_name}:` to {_level(loc)}", loc[
            :-1
        ]
    if kind == "extra_forbidden":
        if len(loc) == 1:
            allowed = _BANK_FIELDS
        else:
            allowed = (
                _FIELDS_BY_TYPE.get(raw_question.get("type"), set())
                if isinstance(raw_question, dict)
                else set()
            )
        guess = difflib.get_close_matches(str(field_name), sorted(allowed), n=1)
        hint = (
            f"; did you mean `{guess[0]}`?"
            if guess
            else f"; allowed keys here: {', '.join(sorted(allowed))}"
        )
        return f"unknown key `{field_name}`{hint}", loc
    if kind == "string_pattern_mismatch" and field_name == "bank":
        return (
            "`bank` must be the file's name without `.yml`: lowercase letters, digits and single "
            "hyphens, "
            f"like `my-week` (found {found!r})"
        ), loc
    if kind == "string_pattern_mismatch":
        return (
            "a question `id` is lowercase letters, digits and single hyphens, like "
            "`mw-risk-tolerance` "
            f"(found {found!r})"
        ), loc
    if kind == "string_too_long" and field_name == "id":
        return (
            f"this id is {len(str(found))} characters long; Moodle keeps at most 100 (its "
            f"`idnumber`), "
            "so shorten it"
        ), loc
    if "[key]" in error["loc"]:
        return (
            f"`{field_name}` has the key {found!r}, which YAML reads as a number; use letters "
            f'(`a:`, `b:`, `c:`) or put the number in quotes (`"{found}":`)'
        ), loc
    if kind == "string_type" and isinstance(found, (int, float, bool, datetime.date)):
        reading = (
            "true/false value"
            if isinstance(found, bool)
            else "date"
            if isinstance(found, datetime.date)
            else "number"
        )
        written = str(found).lower() if isinstance(found, bool) else found
        return (
            f"`{field_name}` is {written}, which YAML reads as a {reading}, not text; put it in "
            f'quotes: "{written}"',
            loc,
        )
    if kind == "string_type" and isinstance(found, (list, dict)):
        return (
            f"`{field_name}` must be text, not a "
            f"{'list' if isinstance(found, list) else 'mapping'}",
            loc,
        )
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        if isinstance(found, str) and found.strip().endswith("%"):
            number = found.strip().rstrip("%").strip()
            return (
                f"`{field_name}` must be a plain number without `%`: for {found.strip()} write "
                f"`{field_name}: {number}` and add `percent: true`, or write it as a fraction"
            ), loc
        return f"`{field_name}` must be a number, like 0.25 (found {_shown(found)})", loc
    if kind == "dict_type":
        example = "`a: First option`" if field_name in ("options", "feedback") else "`key: text`"
        return (
            f"`{field_name}` must be a set of `key: text` lines, like {example} (found "
            f"{_shown(found)})",
            loc,
        )
    if kind == "list_type":
        return (
            f"`{field_name}` must be a list: one `- ` line per entry, or `[first, second]` (found "
            f"{_shown(found)})",
            loc,
        )
    if (
        kind in ("model_type", "model_attributes_type")
        and loc[:1] == ("questions",)
        and len(loc) == 2
    ):
        return (
            "each entry of `questions` must be a question: a `- id: ...` line, then its keys "
            "indented under it",
            loc,
        )
    if kind in ("model_type", "model_attributes_type"):
        return (
            f"each entry of `{field_name}` must be a set of `key: value` lines (found "
            f"{_shown(found)})",
            loc,
        )
    if kind == "string_too_short":
        return f"`{field_name}` is empty; write the text", loc
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        return f"`{field_name}` needs at least {least} entr{'y' if least == 1 else 'ies'}", loc
    if kind == "bool_type" or kind == "bool_parsing":
        return f"`{field_name}` must be `true` or `false` (found {_shown(found)})", loc
    if kind in ("greater_than", "greater_than_equal"):
        return f"`{field_name}` must be more than zero (found {_shown(found)})", loc
    if kind == "value_error":
        message = error["msg"].removeprefix("Value error, ")
        about = re.match(
            r"^`([a-z_]+)[`:]", message
        )  # a rule about one key: put it on that key's line
        return message, loc + ((about.group(1),) if about else ())
    return (
        f"`{field_name}` is not valid here ({error['msg'].lower()})" if field_name else error["msg"]
    ), loc


def _validation_problems(path: Path, where: _Where, data, exc: ValidationError) -> list[Problem]:
    problems, seen = [], set()
    questions = data.get("questions") if isinstance(data, dict) else None
    for error in exc.errors():
        # a union (`correct: str | list[str]`) reports one mistake once per branch: keep one per
        # location
        place = tuple(
            part
            for part in error["loc"]
            if not (isinstance(part, str) and _UNION_BRANCH.match(part))
        )
        if place in seen:
            continue
        seen.add(place)
        loc = error["loc"]
        raw_question, question_id = None, None
        if (
            len(loc) >= 2
            and loc[0] == "questions"
            and isinstance(loc[1], int)
            and isinstance(questions, list)
        ):
            raw_question = questions[loc[1]] if loc[1] < len(questions) else None
            if isinstance(raw_question, dict):
                question_id = raw_question.get("id")
        message, at = _explain(error, raw_question)
        position = where.of(at, key=error["type"] in ("extra_forbidden", "value_error"))
        line, column = position or (None, None)
        problem = Problem(
            str(path), line, question_id if isinstance(question_id, str) else None, message, column
        )
        problems.append(problem)
    return problems


# --- rules that need the whole bank ----------------------------------------------------------


def _texts(value, loc: tuple):
    """Every string in the bank data with its location (option texts, feedback, items...)."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, loc + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, loc + (index,))


def _relative_links(text: str) -> list[str]:
    found = []
    stack = list(_LINKS.parseInline(text))
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        href = (
            (token.attrGet("href") or token.attrGet("src"))
            if token.type in ("link_open", "image")
            else None
        )
        if href is not None and not _ABSOLUTE.match(str(href)):
            found.append(str(href))
    return found


def _link_problems(path: Path, data: dict, where: _Where) -> list[Problem]:
    problems = []
    for loc, text in _texts(data.get("questions", []), ("questions",)):
        if loc[-1] in ("id", "type"):
            continue
        for href in _relative_links(text):
            question = data["questions"][loc[1]] if len(loc) > 1 else {}
            line, column = where.of(loc) or (None, None)
            problems.append(
                Problem(
                    str(path),
                    line,
                    question.get("id") if isinstance(question, dict) else None,
                    f"the link `{href}` is relative: it would lead nowhere on the site and in the "
                    f"LMS exports; "
                    "write the full address (https://...) of the page",
                    column,
                )
            )
    return problems


def _duplicate_id_problems(path: Path, bank: Bank, where: _Where) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int | None] = {}
    for index, question in enumerate(bank.questions):
        if question.id in first:
            line, column = where.of(("questions", index, "id")) or (None, None)
            problems.append(
                Problem(
                    str(path),
                    line,
                    question.id,
                    f"duplicate question id: line {first[question.id]} already uses it; "
                    "give this question an id of its own",
                    column,
                )
            )
        else:
            first[question.id] = (where.of(("questions", index, "id")) or (None,))[0]
    return problems


@dataclass(frozen=True)
class _Loaded:
    bank: Bank
    where: _Where


def _load(path: Path) -> _Loaded:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError([Problem(str(path), None, None, f"cannot read the file: {exc}")]) from None
    data, where = _read(path, text)
    if not isinstance(data, dict):
        raise BankError(
            [
                Problem(
                    str(path), 1, None, "a bank must start with `bank:`, `title:` and `questions:`"
                )
            ]
        )
    problems = _link_problems(path, data, where)
    try:
        bank = _BANK_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise BankError(problems + _validation_problems(path, where, data, exc)) from None
    problems += _duplicate_id_problems(path, bank, where)
    if bank.bank != path.stem:
        problems.append(
            Problem(
                str(path),
                (where.of(("bank",)) or (1, 1))[0],
                None,
                f"`bank: {bank.bank}` must match the file name ({path.stem})",
            )
        )
    if problems:
        raise BankError(problems)
    return _Loaded(bank, where)


def load_bank(path: str | Path) -> Bank:
    """Read and validate one bank file. Raises BankError listing every problem in it."""
    return _load(Path(path)).bank


def bank_files(folder: str | Path) -> list[Path]:
    """Every bank file in a folder: `*.yml` and `*.yaml`, in any case (the guide says .yml; the
    others are
    read too, never skipped)."""
    return sorted(
        path
        for path in Path(folder).iterdir()
        if path.suffix.lower() in SUFFIXES and path.is_file()
    )


def bank_file(folder: str | Path, name: str) -> Path:
    """The file a bank is read from: `<name>.yml`, or `<name>.yaml` when that is the one there."""
    found = [path for path in bank_files(folder) if path.stem == name]
    return found[0] if found else Path(folder) / f"{name}{SUFFIXES[0]}"


@dataclass
class Scan:
    """A folder of banks: those that loaded, and the problems of each file that did not."""

    banks: dict[str, Bank]
    problems: dict[str, list[Problem]]
    files: dict[str, Path]

    @property
    def all_problems(self) -> list[Problem]:
        return [problem for found in self.problems.values() for problem in found]


def scan_banks(folder: str | Path) -> Scan:
    """Load every bank in a folder; ids must be unique across all of them. Never raises for bad
    banks."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UnknownBankError(f"no folder of question banks at {folder}")
    banks: dict[str, Bank] = {}
    problems: dict[str, list[Problem]] = {}
    files: dict[str, Path] = {}
    owner: dict[str, str] = {}
    for path in bank_files(folder):
        name = path.stem
        if name in files:
            problems.setdefault(name, []).append(
                Problem(
                    str(path),
                    None,
                    None,
                    f"{files[name].name} holds a bank of the same name; keep one of the two files",
                )
            )
            continue
        files[name] = path
        try:
            loaded = _load(path)
        except BankError as exc:
            problems.setdefault(name, []).extend(exc.problems)
            continue
        clashes = []
        for index, question in enumerate(loaded.bank.questions):
            if question.id in owner:
                line, column = loaded.where.of(("questions", index, "id")) or (None, None)
                clashes.append(
                    Problem(
                        str(path),
                        line,
                        question.id,
                        f"duplicate question id: {owner[question.id]} already uses it; ids must be "
                        "unique across all banks",
                        column,
                    )
                )
            owner.setdefault(question.id, str(path))
        if clashes:
            problems.setdefault(name, []).extend(clashes)
        else:
            banks[name] = loaded.bank
    return Scan(banks, problems, files)


def _from_here(problems: list[Problem]) -> list[Problem]:
    """Problems with their file given from the working folder when it is inside it
    (`quizzes/my-week.yml`)."""
    here = Path.cwd()
    shown = []
    for problem in problems:
        path = Path(problem.file)
        if path.is_absolute() and path.is_relative_to(here):
            problem = replace(problem, file=path.relative_to(here).as_posix())
        shown.append(problem)
    return shown


def load_banks(folder: str | Path) -> dict[str, Bank]:
    """Every bank in a folder, validated together. Raises BankError listing every problem in every
    file."""
    scan = scan_banks(folder)
    if scan.problems:
        raise BankError(_from_here(scan.all_problems))
    return scan.banks


@lru_cache(maxsize=8)
def _cached_scan(folder: str, stamp: tuple) -> Scan:
    return scan_banks(folder)


def get_bank(name: str, folder: str | Path | None = None) -> Bank:
    """The named bank, validated with all its siblings (cached until a file changes).

    A broken sibling does not stop this bank from loading: only this bank's own problems are raised.
    """
    folder = Path(folder) if folder else find_banks_dir()
    if not folder.is_dir():
        raise UnknownBankError(f"no folder of question banks at {folder}")
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in bank_files(folder))
    scan = _cached_scan(str(folder), stamp)
    if name in scan.problems:
        raise BankError(_from_here(scan.problems[name]))
    if name not in scan.banks:
        known = sorted(set(scan.banks) | set(scan.problems))
        guess = difflib.get_close_matches(name, known, n=1)
        hint = (
            f"; did you mean {guess[0]!r}?"
            if guess
            else f"; banks in {folder}: {', '.join(known) or 'none'}"
        )
        raise UnknownBankError(f"no question bank named {name!r}{hint}")
    return scan.banks[name]
