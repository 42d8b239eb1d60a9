"""Search a student release for anything from `answers/`: solution lines, rubric and hidden-check
lines, model written responses, answer values in every number format the checks accept.

Used by `coursebook release` (it refuses to finish when something leaks) and by the tests. Values
that also occur in public text (a chapter, an exercise's statement, a hint) are counted: a file of
the release may hold a value only as often as the public source it comes from does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .exercise.checks import load_check_file
from .exercise.comparison import is_number
from .exercise.task import CheckFile, Task
from .student_edition import BEGIN, END, HIDDEN_TAGS, WRITTEN_TAG

MIN_LINE = 10          # shorter solution lines (`x = 1`, `plt.show()`) say nothing on their own
TEXT_SUFFIXES = {".md", ".ipynb", ".json", ".yml", ".yaml", ".txt", ".py", ".toml", ".cfg", ".bib", ".js",
                 ".css", ".html", ".csv", ".sh", ""}


@dataclass(frozen=True)
class Secret:
    what: str          # for the message: "solution line of ex1a", "answer of ex1a/defiance-cost"
    pattern: re.Pattern


@dataclass(frozen=True)
class Leak:
    file: str
    secret: str
    found: str

    def __str__(self) -> str:
        return f"{self.file}: {self.secret}: {self.found!r}"


def number_formats(value: float, tolerance: float) -> set[str]:
    """The ways the number could be written that the check accepts (fixed-point and repr)."""
    forms = {repr(value), repr(float(value)), f"{value:g}"}
    for decimals in range(0, 10):
        text = f"{value:.{decimals}f}"
        if abs(float(text) - value) < max(tolerance, 1e-12) or float(text) == value:
            forms.add(text)
            if "." in text:
                forms.add(text.rstrip("0").rstrip("."))
    return {f for f in forms if f not in ("", "-0")}


def _significant(form: str) -> int:
    return len(form.lstrip("-").replace(".", "").lstrip("0"))


def _number_pattern(forms: set[str]) -> re.Pattern:
    # Not inside a longer number, a word or a hex digest: `12.345` but not `112.345`, `a30f` or `3.11`.
    alternatives = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w]|\.\d)")


def _text_pattern(text: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])", re.I)


def answer_secrets(checks: CheckFile) -> list[Secret]:
    secrets = []
    for task in checks.tasks:
        where = f"answer of {checks.exercise}/{task.id}"
        for value in _leaves(task):
            if is_number(value):
                forms = {f for f in number_formats(value, task.absolute_tolerance) if _significant(f) >= 2}
                if forms:
                    secrets.append(Secret(where, _number_pattern(forms)))
            elif isinstance(value, str) and len(value.strip()) >= 4:
                secrets.append(Secret(where, _text_pattern(value.strip())))
        # The whole answer as code would write it, and short values assigned to the variable.
        for form in _whole_forms(task):
            secrets.append(Secret(where, re.compile(re.escape(form))))
    return secrets


def _leaves(task: Task):
    answers = task.answer if task.kind == "text" and isinstance(task.answer, list) else [task.answer]
    stack = list(answers)
    while stack:
        value = stack.pop()
        if isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        else:
            yield value


def _whole_forms(task: Task) -> set[str]:
    forms = set()
    if task.kind in ("list", "set", "mapping") and len(json.dumps(task.answer)) >= 6:
        forms |= {json.dumps(task.answer), repr(task.answer), json.dumps(task.answer, separators=(",", ":"))}
    if task.kind in ("choice", "text", "number"):
        for value in (task.answer if isinstance(task.answer, list) else [task.answer]):
            forms |= {f"{task.variable} = {value!r}", f'{task.variable} = "{value}"', f"{task.variable}={value!r}"}
    return forms


def _public_lines(answers_nb, outputs: bool = False) -> set[str]:
    """Lines students are meant to see: statements, and code outside the solution markers (with
    `outputs`, also what the cells without a solution print: a table of the exercise's data)."""
    public = set()
    for cell in answers_nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & HIDDEN_TAGS or WRITTEN_TAG in tags:
            continue
        if outputs and BEGIN not in cell.source:
            public |= {line.strip() for line in _outputs_text(cell).splitlines()}
        inside = False
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif not inside:
                public.add(line.strip())
    return public


def solution_secrets(answers_notebook: Path) -> list[Secret]:
    """Solution code, hidden checks, rubric and model written answers: each line long enough to tell."""
    nb = nbformat.read(answers_notebook, as_version=4)
    public = _public_lines(nb)
    name = answers_notebook.stem
    secrets = []
    for number, cell in enumerate(nb.cells, start=1):
        tags = set(cell.metadata.get("tags", []))
        kind = ("rubric line" if "rubric" in tags else "hidden-check line" if "hidden" in tags
                else "model written response" if WRITTEN_TAG in tags else "solution line")
        inside = bool(tags & HIDDEN_TAGS or WRITTEN_TAG in tags)
        for line in cell.source.splitlines():
            text = line.strip()
            if text in (BEGIN, END):
                inside = text == BEGIN
                continue
            if inside and len(text) >= MIN_LINE and text not in public:
                secrets.append(Secret(f"{kind} of {name} (cell {number})", re.compile(re.escape(text))))
    return secrets


def public_baseline(root: Path, relative: str) -> str:
    """The public text a release file may repeat: its source in the instructor's repository, except
    that an exercise may repeat only the public parts of its answers notebook and its checks only
    their hints and titles (those sources are themselves generated, so they are not trusted)."""
    path = Path(relative)
    if path.parts[:1] == ("exercises",) and path.suffix == ".ipynb":
        answers = root / "answers" / path.name
        return "\n".join(_public_lines(nbformat.read(answers, as_version=4), outputs=True)) if answers.exists() else ""
    if path.parts[:2] == ("exercises", "checks"):
        check = root / "answers" / "checks" / f"{path.stem}.yml"
        if not check.exists():
            return ""
        checks = load_check_file(check)
        return "\n".join([checks.title, *(f"{t.hint} {t.variable} {t.id}" for t in checks.tasks)])
    source = root / relative
    return source.read_text(encoding="utf-8", errors="replace") if source.is_file() else ""


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", "") if isinstance(out.get("text", ""), str) else "".join(out["text"]))
        for mime, data in out.get("data", {}).items():
            if not mime.startswith("image/") or mime == "image/svg+xml":   # base64 can spell anything
                parts.append(data if isinstance(data, str) else json.dumps(data))
        parts += [out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])]
    return "\n".join(parts)


def _searchable(path: Path) -> str:
    """What a reader can see in a file: a notebook's sources, metadata and text outputs (not its cell
    ids and counters), a public check file's text (not its bucket offsets and costs, which are
    public by design and may coincide with a small answer), any other file as it is."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        parts = [json.dumps(nb.get("metadata", {}))]
        for cell in nb.get("cells", []):
            source = cell.get("source", "")
            parts += ["".join(source) if isinstance(source, list) else source, json.dumps(cell.get("metadata", {})),
                      _outputs_text(cell)]
        return "\n".join(parts)
    if path.parts[-2:-1] == ("checks",) and path.suffix == ".json":
        spec = json.loads(text)
        for entry in spec.get("tasks", {}).values():
            for key in ("form", "scrypt", "points"):
                entry.pop(key, None)
        return json.dumps(spec, indent=1)
    return text


def scan(release: Path, root: Path) -> list[Leak]:
    """Every leak of `root/answers` into `release`; an empty list when there is none."""
    release, root = Path(release), Path(root)
    leaks = []
    for path in sorted(release.rglob("*")):
        relative = path.relative_to(release).as_posix()
        if ".git" in path.relative_to(release).parts or ".venv" in relative or "_build" in relative:
            continue
        if any(part == "answers" for part in path.relative_to(release).parts):
            leaks.append(Leak(relative, "a file or folder from answers/", relative))
    secrets = [s for nb in sorted((root / "answers").glob("*.ipynb")) for s in solution_secrets(nb)]
    secrets += [s for check in sorted((root / "answers" / "checks").glob("*.yml"))
                for s in answer_secrets(load_check_file(check))]
    for path in sorted(release.rglob("*")):
        parts = path.relative_to(release).parts
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES or {".git", ".venv", "_build", "vendor"} & set(parts):
            continue
        relative = "/".join(parts)
        text = _searchable(path)
        if path.suffix in (".ipynb", ".md") and (BEGIN in text or END in text):
            leaks.append(Leak(relative, "solution markers", BEGIN))
        baseline = public_baseline(root, relative)
        for secret in secrets:
            found = Counter(m.group(0) for m in secret.pattern.finditer(text))
            if not found:
                continue
            allowed = Counter(m.group(0) for m in secret.pattern.finditer(baseline))
            extra = found - allowed
            if extra:
                leaks.append(Leak(relative, secret.what, next(iter(extra))))
    return leaks
