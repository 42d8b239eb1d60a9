"""Load question banks from YAML and validate them, reporting problems by file, line and question id."""

from __future__ import annotations

import difflib
import os
import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from ..errors import BankError, Problem, UnknownBankError
from .model import QUESTION_TYPES, Bank, Matching, MultipleSelect, Numeric, Ordering, ShortText, SingleChoice

BANKS_ENV = "COURSEBOOK_BANKS"
_FIELDS_BY_TYPE = {
    cls.model_fields["type"].annotation.__args__[0]: set(cls.model_fields)
    for cls in (SingleChoice, MultipleSelect, Numeric, Ordering, Matching, ShortText)
}
_BANK_ADAPTER = TypeAdapter(Bank)


class _BankLoader(yaml.SafeLoader):
    """YAML 1.1 reads `yes`, `no`, `on` and `off` as booleans: in prose answers that is a trap,
    so only `true` and `false` are booleans here."""


_BankLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_BankLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


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


def _node_at(root, loc) -> yaml.Node | None:
    """Follow a pydantic error location through the YAML node tree, as deep as it goes."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [value for key, value in node.value if key.value == part]
            if not match:
                continue  # a union tag or a missing key: stay on the enclosing node
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
    return node


def _duplicate_keys(node, found: list) -> list:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                found.append(key)
            seen.add(key.value)
            _duplicate_keys(value, found)
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            _duplicate_keys(value, found)
    return found


def _explain(error: dict, raw_question) -> str:
    """Turn one pydantic error into a sentence an author can act on."""
    kind, loc = error["type"], error["loc"]
    field = next((part for part in reversed(loc) if isinstance(part, str) and part not in QUESTION_TYPES), "")
    if kind == "union_tag_invalid":
        found = raw_question.get("type") if isinstance(raw_question, dict) else None
        return f"unknown question type {found!r}; use one of: {', '.join(QUESTION_TYPES)}"
    if kind == "union_tag_not_found":
        return f"missing `type:`; use one of: {', '.join(QUESTION_TYPES)}"
    if kind == "missing":
        return f"missing required key `{field}`; add `{field}:` to this question"
    if kind == "extra_forbidden":
        allowed = _FIELDS_BY_TYPE.get(raw_question.get("type"), set()) if isinstance(raw_question, dict) else set()
        guess = difflib.get_close_matches(str(field), sorted(allowed), n=1)
        hint = f"; did you mean `{guess[0]}`?" if guess else f"; allowed keys: {', '.join(sorted(allowed))}"
        return f"unknown key `{field}`{hint}"
    if kind == "string_pattern_mismatch":
        return f"`{field}` must be lowercase letters, digits and single hyphens (like `lt-sensitivity`)"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    return f"`{field}`: {error['msg']}" if field else error["msg"]


def _validation_problems(path: Path, root, data, exc: ValidationError) -> list[Problem]:
    problems = []
    questions = data.get("questions") if isinstance(data, dict) else None
    for error in exc.errors():
        loc = error["loc"]
        raw_question, question_id = None, None
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int) and isinstance(questions, list):
            raw_question = questions[loc[1]] if loc[1] < len(questions) else None
            if isinstance(raw_question, dict):
                question_id = raw_question.get("id")
        node = _node_at(root, loc)
        line = node.start_mark.line + 1 if node is not None else None
        problems.append(Problem(str(path), line, question_id, _explain(error, raw_question)))
    return problems


def load_bank(path: str | Path) -> Bank:
    """Read and validate one bank file. Raises BankError listing every problem in it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError([Problem(str(path), None, None, f"cannot read the file: {exc}")]) from None
    try:
        root = yaml.compose(text, Loader=_BankLoader)
        data = yaml.load(text, Loader=_BankLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise BankError([Problem(str(path), line, None, f"not valid YAML: {exc.problem}")]) from None
    if not isinstance(data, dict):
        raise BankError([Problem(str(path), 1, None, "a bank must be a mapping with `bank`, `title` and `questions`")])
    problems = [
        Problem(str(path), key.start_mark.line + 1, None, f"the key `{key.value}` appears twice in one mapping")
        for key in _duplicate_keys(root, [])
    ]
    try:
        bank = _BANK_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise BankError(problems + _validation_problems(path, root, data, exc)) from None
    if bank.bank != path.stem:
        problems.append(Problem(str(path), 1, None, f"`bank: {bank.bank}` must match the file name ({path.stem})"))
    if problems:
        raise BankError(problems)
    return bank


def load_banks(folder: str | Path) -> dict[str, Bank]:
    """Every `*.yml` bank in a folder, validated together: ids must be unique across all banks."""
    banks, problems, owner = {}, [], {}
    for path in sorted(Path(folder).glob("*.yml")):
        try:
            bank = load_bank(path)
        except BankError as exc:
            problems.extend(exc.problems)
            continue
        for question in bank.questions:
            if question.id in owner:
                problems.append(Problem(
                    str(path), _line_of_id(path, question.id), question.id,
                    f"duplicate question id; it is already used in {owner[question.id]}: ids must be unique across all banks",
                ))
            owner.setdefault(question.id, str(path))
        banks[bank.bank] = bank
    if problems:
        raise BankError(problems)
    return banks


def _line_of_id(path: Path, question_id: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip().removeprefix("- ").strip() in (f"id: {question_id}", f"id: '{question_id}'", f'id: "{question_id}"'):
            return number
    return None


@lru_cache(maxsize=8)
def _cached_banks(folder: str, stamp: tuple) -> dict[str, Bank]:
    return load_banks(folder)


def get_bank(name: str, folder: str | Path | None = None) -> Bank:
    """The named bank, validated with all its siblings (cached until a file changes)."""
    folder = Path(folder) if folder else find_banks_dir()
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yml")))
    banks = _cached_banks(str(folder), stamp)
    if name not in banks:
        guess = difflib.get_close_matches(name, banks, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else f"; banks in {folder}: {', '.join(banks) or 'none'}"
        raise UnknownBankError(f"no question bank named {name!r}{hint}")
    return banks[name]
