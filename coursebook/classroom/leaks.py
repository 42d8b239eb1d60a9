"""Search a student release for anything from `answers/`: solution lines, rubric and hidden-check
lines, model written responses, answer values in every number format the checks accept.

Used by `coursebook release` (it refuses to finish when something leaks) and by the tests. A copied
file is never its own baseline: a chapter, a page or a test is searched for every secret as it is,
so an answer pasted into a copied page is found. Only the generated exercise files have a baseline,
and it comes from `answers/` (the public parts of the answers notebook, the hints of the check
file), never from the file being searched. In copied files short values are not searched for (a "30"
or "defies" in a chapter is ordinary text): numbers with at least three significant digits, texts of
several words, whole answers and `variable = value` forms are. Images, archives, PDFs and any other
file that is not text are refused unless `_config.yml` allow-lists them (`coursebook:
release_allow:`), and a notebook's image outputs may not repeat the answers notebooks' figures.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import nbformat

from .exercise.checks import load_check_file
from .exercise.comparison import is_number
from .exercise.task import CheckFile, Task
from .student_edition import BEGIN, END, HIDDEN_TAGS, WRITTEN_TAG

MIN_LINE = 10  # shorter solution lines (`x = 1`, `plt.show()`) say nothing on their own
TEXT_SUFFIXES = {
    ".md",
    ".ipynb",
    ".json",
    ".yml",
    ".yaml",
    ".txt",
    ".py",
    ".toml",
    ".cfg",
    ".bib",
    ".js",
    ".css",
    ".html",
    ".csv",
    ".sh",
    ".dtd",
    ".xsd",
    ".xml",
    ".svg",
    ".tex",
    ".rst",
    "",
}
MIN_SENTENCE_WORDS = 7  # a model answer's or rubric's sentence this long is its own, not the book's
SKIPPED_PARTS = {".git", ".venv", "_build", "vendor", "node_modules"}


@dataclass(frozen=True)
class Needles:
    """A cheap test run before a secret's expression (a scan is some 100k searches): a file that
    fails it cannot match, so the expression is not run. A match holds one of `texts` (lower-case
    ASCII), looked for in what `FileView.<against>` gives: the file's lower-cased text, its whole
    numbers, or its words joined by single spaces. No texts: the expression always runs."""

    texts: tuple[str, ...] = ()
    against: str = "folded"

    def may_match(self, view: FileView) -> bool:
        haystack = getattr(view, self.against)
        if not self.texts or haystack is None:
            return True
        return any(text in haystack for text in self.texts)


# The only characters outside ASCII that a case-blind expression matches to an ASCII letter (İ, ı,
# ſ and the Kelvin sign; a test recomputes the list). A text holding one has every expression run.
CASE_TWINS_OF_ASCII = frozenset("\u0130\u0131\u017f\u212a")
# A whole number as the number patterns see it: digit groups joined by single dots.
NUMBER_RUN = re.compile(r"\d+(?:\.\d+)*")


class FileView:
    """What needles are compared with, worked out once per file and only when asked."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def folded(self) -> str | None:
        """The text lower-cased; None when a case twin makes that comparison unsafe."""
        return None if CASE_TWINS_OF_ASCII & set(self.text) else self.text.lower()

    @cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(NUMBER_RUN.findall(self.text))

    @cached_property
    def words(self) -> str | None:
        """` w1 w2 ... `: the words of a sentence pattern's match are in it as one phrase."""
        if self.folded is None:
            return None
        return " " + " ".join(re.findall(r"\w+", self.folded)) + " "


def _needles(*texts: str, against: str = "folded") -> Needles:
    """`texts` as needles, or none when one is not ASCII (lower-casing is then no safe test)."""
    if not texts or not all(t.isascii() for t in texts):
        return Needles()
    return Needles(tuple(sorted({t.lower() for t in texts})), against)


@dataclass(frozen=True)
class Secret:
    what: str  # for the message: "solution line of ex1a", "answer of ex1a/defiance-cost"
    pattern: re.Pattern
    distinctive: bool = True  # searched for in copied files too (not only in generated exercises)
    needles: Needles = Needles()


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


def _percent_forms(value: float, task: Task) -> set[str]:
    """A share between 0 and 1 written as a percentage ("24 %", "24 percent"), which is how a
    chapter prints it."""
    if not 0 < abs(value) < 1:
        return set()
    numbers = {
        f
        for f in number_formats(value * 100, task.absolute_tolerance * 100)
        if _significant(f) >= 2
    }
    return {f"{n}{unit}" for n in numbers for unit in ("%", " %", "\u00a0%", " percent")}


def _significant(form: str) -> int:
    """Significant digits, leading and trailing zeros aside (`30.0` and `120` have two)."""
    return len(form.lstrip("-").replace(".", "").strip("0"))


def _number_pattern(forms: set[str]) -> re.Pattern:
    # Not inside a longer number, a word or a hex digest: `12.345` but not `112.345`, `a30f` or
    # `3.11`.
    alternatives = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w]|\.\d)")


def _number_needles(forms: set[str]) -> Needles:
    # A match starts a whole number of the text (the pattern's look-behind and look-ahead): the
    # digits each alternative starts with ("24" of "24 percent", "1" of "1e-05").
    starts = [NUMBER_RUN.match(form.removeprefix("-")) for form in forms]
    if not all(starts):
        return Needles()
    return Needles(tuple(sorted({m.group(0) for m in starts if m})), "numbers")


def _text_pattern(text: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])", re.I)


def answer_secrets(checks: CheckFile) -> list[Secret]:
    secrets = []
    for task in checks.tasks:
        where = f"answer of {checks.exercise}/{task.id}"
        for value in _leaves(task):
            if is_number(value):
                forms = {
                    f
                    for f in number_formats(value, task.absolute_tolerance)
                    if _significant(f) >= 2
                }
                if forms:
                    distinctive = {f for f in forms if _significant(f) >= 3} | _percent_forms(
                        value, task
                    )
                    secrets.append(
                        Secret(where, _number_pattern(forms), False, _number_needles(forms))
                    )
                    if distinctive:
                        secrets.append(
                            Secret(
                                where,
                                _number_pattern(distinctive),
                                needles=_number_needles(distinctive),
                            )
                        )
            elif isinstance(value, str) and len(value.strip()) >= 4:
                words = len(value.split())
                text = value.strip()
                secrets.append(Secret(where, _text_pattern(text), words >= 4, _needles(text)))
        # The whole answer as code would write it, and short values assigned to the variable.
        for form in _whole_forms(task):
            secrets.append(Secret(where, re.compile(re.escape(form)), needles=_needles(form)))
    return secrets


def _leaves(task: Task):
    answers = (
        task.answer if task.kind == "text" and isinstance(task.answer, list) else [task.answer]
    )
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
        forms |= {
            json.dumps(task.answer),
            repr(task.answer),
            json.dumps(task.answer, separators=(",", ":")),
        }
    if task.kind in ("choice", "text", "number"):
        for value in task.answer if isinstance(task.answer, list) else [task.answer]:
            forms |= {
                f"{task.variable} = {value!r}",
                f'{task.variable} = "{value}"',
                f"{task.variable}={value!r}",
            }
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
    """Solution code, hidden checks, rubric and model written answers: each line long enough to
    tell, and each sentence of a rubric or model answer (found across line breaks and case)."""
    nb = nbformat.read(answers_notebook, as_version=4)
    public = _public_lines(nb)
    public_words = " ".join(_words(line) for line in public)
    name = answers_notebook.stem
    secrets = []
    for number, cell in enumerate(nb.cells, start=1):
        tags = set(cell.metadata.get("tags", []))
        kind = (
            "rubric line"
            if "rubric" in tags
            else "hidden-check line"
            if "hidden" in tags
            else "model written response"
            if WRITTEN_TAG in tags
            else "solution line"
        )
        inside = bool(tags & HIDDEN_TAGS or WRITTEN_TAG in tags)
        for line in cell.source.splitlines():
            text = line.strip()
            if text in (BEGIN, END):
                inside = text == BEGIN
                continue
            prose = cell.cell_type == "markdown"
            telling = len(_words(text).split()) >= 4 if prose else len(re.findall(r"\w", text)) >= 6
            if inside and len(text) >= MIN_LINE and telling and text not in public:
                # The whole line (a longer expression that starts with it is other code).
                ending = "" if prose else r"(?![^\S\n]*[^\s#;\"'\\])"
                secrets.append(
                    Secret(
                        f"{kind} of {name} (cell {number})",
                        re.compile(re.escape(text) + ending),
                        needles=_needles(text),
                    )
                )
        if cell.cell_type == "markdown" and ("rubric" in tags or WRITTEN_TAG in tags):
            for sentence in _sentences(cell.source):
                words = _words(sentence).split()
                if len(words) >= MIN_SENTENCE_WORDS and " ".join(words) not in public_words:
                    pattern = r"\W+".join(re.escape(w) for w in words)
                    secrets.append(
                        Secret(
                            f"{kind} of {name} (cell {number}, a sentence)",
                            re.compile(rf"(?<!\w){pattern}(?!\w)", re.I),
                            needles=_needles(" " + " ".join(words) + " ", against="words"),
                        )
                    )
    return secrets


def _words(text: str) -> str:
    """Text as lower-case words only (Markdown emphasis, table bars and punctuation dropped)."""
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _sentences(text: str) -> list[str]:
    text = re.sub(r"\s+", " ", text)
    return [part for part in re.split(r"(?<=[.!?;:|])\s+", text) if part.strip()]


def image_hashes(answers_notebook: Path, student_notebook: Path | None = None) -> dict[str, str]:
    """SHA-256 of every image output of an answers notebook that a solution may have drawn (cells
    from the first solution on), with where it is. A figure the student edition draws too, from
    the exercise's own data before any answer is set, is not a secret."""
    nb = nbformat.read(answers_notebook, as_version=4)
    public = set()
    if student_notebook is not None and student_notebook.exists():
        public = set(_notebook_images(student_notebook))
    found, solved = {}, False
    for number, cell in enumerate(nb.cells, start=1):
        solved = (
            solved or BEGIN in cell.source or bool(set(cell.metadata.get("tags", [])) & HIDDEN_TAGS)
        )
        if not solved:
            continue
        for out in cell.get("outputs", []):
            for mime, data in out.get("data", {}).items():
                if mime.startswith("image/") and mime != "image/svg+xml":
                    digest = _image_hash(data)
                    if digest not in public or BEGIN in cell.source:
                        found[digest] = f"figure of {answers_notebook.stem} (cell {number})"
    return found


def _image_hash(data) -> str:
    text = "".join(data) if isinstance(data, list) else str(data)
    return hashlib.sha256(re.sub(r"\s+", "", text).encode()).hexdigest()


def public_baseline(root: Path, relative: str) -> str:
    """The public text a release file may repeat: its source in the instructor's repository, except
    that an exercise may repeat only the public parts of its answers notebook and its checks only
    their hints and titles (those sources are themselves generated, so they are not trusted)."""
    path = Path(relative)
    if path.parts[:1] == ("exercises",) and path.suffix == ".ipynb":
        answers = root / "answers" / path.name
        return (
            "\n".join(_public_lines(nbformat.read(answers, as_version=4), outputs=True))
            if answers.exists()
            else ""
        )
    if path.parts[:2] == ("exercises", "checks"):
        # exercises/checks/<name>.json, or a student's exercises/checks/<name>/<key>.json
        name = path.parts[2] if len(path.parts) == 4 else path.stem
        check = root / "answers" / "checks" / f"{name}.yml"
        if not check.exists():
            return ""
        checks = load_check_file(check)
        return "\n".join([checks.title, *(f"{t.hint} {t.variable} {t.id}" for t in checks.tasks)])
    source = root / relative
    return source.read_text(encoding="utf-8", errors="replace") if source.is_file() else ""


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(
            out.get("text", "") if isinstance(out.get("text", ""), str) else "".join(out["text"])
        )
        for mime, data in out.get("data", {}).items():
            if (
                not mime.startswith("image/") or mime == "image/svg+xml"
            ):  # base64 can spell anything
                parts.append(data if isinstance(data, str) else json.dumps(data))
        parts += [out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])]
    return "\n".join(parts)


def _searchable(path: Path) -> str:
    """What a reader can see in a file: a notebook's sources, metadata and text outputs (not its
    cell ids and counters), a public check file's text (not its bucket offsets and costs, which are
    public by design and may coincide with a small answer), any other file as it is."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        parts = [json.dumps(nb.get("metadata", {}))]
        for cell in nb.get("cells", []):
            source = cell.get("source", "")
            parts += [
                "".join(source) if isinstance(source, list) else source,
                json.dumps(cell.get("metadata", {})),
                _outputs_text(cell),
            ]
        return "\n".join(parts)
    if "checks" in path.parts[-3:-1] and path.suffix == ".json":
        spec = json.loads(text)
        spec.pop("values", None)  # the exercise's parameters: public in its notebook
        for entry in spec.get("tasks", {}).values():
            for key in ("form", "scrypt", "points"):
                entry.pop(key, None)
        return json.dumps(spec, indent=1)
    return text


def is_text_file(path: Path) -> bool:
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return False
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return b"\0" not in data


def _allowed(relative: str, allowed: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in allowed)


CODE_SUFFIXES = {".py", ".js", ".css", ".dtd", ".xsd"}


def _numbers_searched(relative: str) -> bool:
    """Answer numbers are searched for in prose and data, not in code or the tests' own data (a
    "107" in a comment about socket paths is not an answer); solution lines are searched
    everywhere."""
    return not relative.startswith("tests/") and Path(relative).suffix not in CODE_SUFFIXES


def _generated(relative: str) -> bool:
    """Files the release writes from answers/ (their baseline is answers/, not themselves)."""
    return relative.startswith("exercises/")


def _other_exercise(secret: Secret, relative: str) -> bool:
    """A short number (not distinctive) from another exercise's answers, in a generated exercise
    file: a course's drawn values (ex4b's 31) may meet one of them (ex2a's 31 days) by chance."""
    parts = relative.split("/")
    own = Path(parts[2] if parts[1:2] == ["checks"] and len(parts) > 3 else parts[-1]).stem
    return secret.what.startswith("answer of ") and not secret.what.startswith(f"answer of {own}/")


def scan(
    release: Path,
    root: Path,
    allowed: Iterable[str] = (),
    check_files: list[CheckFile] | None = None,
) -> list[Leak]:
    """Every leak of `root/answers` into `release`; an empty list when there is none.

    `allowed`: glob patterns of binary files (images, archives) the instructor has looked at and
    allows. `check_files`: the answers to search for (default: `answers/checks/*.yml`; a course with
    its own values passes its computed check files; an empty list searches no answer value, for a
    release of the stock exercises, whose answers are public in the upstream repository anyway)."""
    release, root, allowed = Path(release), Path(root), list(allowed)
    leaks = []
    files = []
    for path in sorted(release.rglob("*")):
        parts = path.relative_to(release).parts
        if SKIPPED_PARTS & set(parts):
            continue
        relative = "/".join(parts)
        if "answers" in parts:
            leaks.append(Leak(relative, "a file or folder from answers/", relative))
        elif path.is_file() and not is_text_file(path):
            if not _allowed(relative, allowed):
                leaks.append(
                    Leak(
                        relative,
                        "a binary file (an image, archive or PDF is not searched; "
                        "allow it under `coursebook: release_allow:` in _config.yml once "
                        "you have checked it)",
                        path.suffix or path.name,
                    )
                )
        elif path.is_file():
            files.append((relative, path))
    notebooks = sorted((root / "answers").glob("*.ipynb"))
    secrets = [s for nb in notebooks for s in solution_secrets(nb)]
    if check_files is None:
        check_files = [
            load_check_file(c) for c in sorted((root / "answers" / "checks").glob("*.yml"))
        ]
    secrets += [s for checks in check_files for s in answer_secrets(checks)]
    images = {
        h: what
        for nb in notebooks
        for h, what in image_hashes(nb, root / "exercises" / nb.name).items()
    }
    for relative, path in files:
        text = _searchable(path)
        if path.suffix in (".ipynb", ".md") and (BEGIN in text or END in text):
            leaks.append(Leak(relative, "solution markers", BEGIN))
        if path.suffix == ".ipynb":
            leaks += [
                Leak(relative, images[h], "an image output")
                for h in _notebook_images(path)
                if h in images
            ]
        generated = _generated(relative)
        baseline = public_baseline(root, relative) if generated else ""
        view = FileView(text)
        for secret in secrets:
            if not (generated or secret.distinctive):
                continue
            if generated and not secret.distinctive and _other_exercise(secret, relative):
                continue
            if secret.what.startswith("answer of ") and not (
                generated or _numbers_searched(relative)
            ):
                continue
            if not secret.needles.may_match(view):
                continue
            found = Counter(m.group(0) for m in secret.pattern.finditer(text))
            if not found:
                continue
            allowed_here = Counter(m.group(0) for m in secret.pattern.finditer(baseline))
            extra = found - allowed_here
            if extra:
                leaks.append(Leak(relative, secret.what, next(iter(extra))))
    return leaks


PUBLIC_TEXT = ("book", "exercises")


def public_text(root: Path) -> str:
    """What students read besides the exercises' answers: pages, chapters (with outputs), banks."""
    parts = []
    for folder in PUBLIC_TEXT:
        for path in sorted((Path(root) / folder).rglob("*")):
            if (
                path.is_file()
                and path.suffix in (".md", ".ipynb", ".yml", ".yaml")
                and is_text_file(path)
            ):
                parts.append(_searchable(path))
    return "\n".join(parts)


def printed_answers(text: str, checks: CheckFile) -> list[str]:
    """The tasks of `checks` whose answer `text` prints (a distinctive number, a long text, the
    answer as code): a course whose draw is printed in the book draws again."""
    return sorted(
        {
            secret.what
            for secret in answer_secrets(checks)
            if secret.distinctive and secret.pattern.search(text)
        }
    )


def _notebook_images(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            for mime, data in out.get("data", {}).items():
                if mime.startswith("image/") and mime != "image/svg+xml":
                    found.append(_image_hash(data))
        for attachment in (cell.get("attachments") or {}).values():
            found += [_image_hash(data) for data in attachment.values()]
    return found
