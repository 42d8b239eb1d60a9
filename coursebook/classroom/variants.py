"""Course variants: each course draws its own exercise values from a secret kept in `answers/`.

An exercise declares its parameters twice: in its answers notebook, as assignments in one code cell
tagged `parameters` (papermill's convention; the stock values), and in its check file, under
`parameters:`, with what a course may draw (`choices: [...]`, or `range: [low, high]` with a
`step`, or `shuffle: [...]`: an order of those items, which the notebook uses to label its options
or claims, so that a course's codes for them are its own). The course secret
(`answers/course.yml`, `secret:`; or the environment variable COURSEBOOK_COURSE_SECRET) and the
exercise name pick one value per parameter, by HMAC-SHA256, so the same secret always gives the
same values and nothing else does. `coursebook release` then writes the exercise with those values
and computes every expected answer by running the instructor's solution notebook with them: no
answer is typed per variant. A draw whose solution notebook fails its own hidden checks (an
`assert` in a cell tagged `hidden`) is drawn again.

The same functions serve the grader: `course_checks` returns the course's computed check file
(cached under `_build/variants/`), so `grade`, the Gradescope runner and the shards compare with the
course's answers, not the stock ones.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import hashlib
import hmac
import json
import os
import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any

import nbformat
import yaml
from filelock import FileLock

from ..kernel_signals import kept_stop_signals

PARAMETERS_TAG = "parameters"
COURSE_FILE = "course.yml"
SECRET_ENV = "COURSEBOOK_COURSE_SECRET"
CACHE_ENV = (
    "COURSEBOOK_VARIANT_CACHE"  # where computed course answers are kept (default _build/variants)
)
MAX_DRAWS = 20


class VariantError(ValueError):
    """A parameters cell or declaration that cannot be used (the message names the file)."""


# -- the secret --------------------------------------------------------------------------------


def course_secret(answers_dir: Path) -> str | None:
    """The course secret: the environment variable, else `answers/course.yml`; None if unset."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = Path(answers_dir) / COURSE_FILE
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise VariantError(f"{path}: not valid YAML ({exc})") from None
    secret = data.get("secret") if isinstance(data, dict) else None
    if not isinstance(secret, str) or len(secret) < 16:
        raise VariantError(
            f"{path}: `secret:` must be text of at least 16 characters "
            "(`coursebook course init` writes a random one)"
        )
    return secret


def new_course_file(answers_dir: Path) -> Path:
    """Write `answers/course.yml` with a fresh random secret (refuses to overwrite one)."""
    path = Path(answers_dir) / COURSE_FILE
    if path.exists():
        raise VariantError(f"{path} exists: a course keeps its secret (delete it to start over)")
    path.write_text(
        "# This course's secret: it draws the course's exercise values and salts its public\n"
        "# checks. Keep it only in the instructor's (private) repository.\n"
        f"secret: {secrets.token_hex(24)}\n",
        encoding="utf-8",
    )
    return path


def course_salt(secret: str | None) -> str:
    """A per-course salt for the public check files (public; derived so it reveals nothing)."""
    if not secret:
        return "stock"
    return hmac.new(secret.encode(), b"coursebook-salt", hashlib.sha256).hexdigest()[:16]


# -- declarations and draws ------------------------------------------------------------------


def _number(text: Any) -> Decimal:
    return Decimal(repr(text)) if isinstance(text, float) else Decimal(text)


def candidates(name: str, spec: Any, where: str) -> list:
    """Every value a parameter may take, in order."""
    if not isinstance(spec, dict):
        raise VariantError(f"{where}: parameter {name!r} needs `choices:` or `range:` and `step:`")
    if "choices" in spec:
        choices = spec["choices"]
        if not isinstance(choices, list) or len(choices) < 2:
            raise VariantError(
                f"{where}: parameter {name!r}: `choices:` must list two or more values"
            )
        return list(choices)
    if "range" in spec and "step" in spec:
        low, high = (_number(v) for v in spec["range"])
        step = _number(spec["step"])
        if step <= 0 or high <= low:
            raise VariantError(
                f"{where}: parameter {name!r}: `range: [low, high]` with low < high "
                "and a positive `step`"
            )
        count = int((high - low) / step) + 1
        as_int = all(float(v) == int(v) for v in (low, step))
        return [int(low + k * step) if as_int else float(low + k * step) for k in range(count)]
    raise VariantError(f"{where}: parameter {name!r} needs `choices:` or `range:` and `step:`")


def _shuffle_items(name: str, spec: dict, where: str) -> list:
    items = spec["shuffle"]
    if not isinstance(items, list) or len(items) < 2 or len(set(map(repr, items))) < len(items):
        raise VariantError(
            f"{where}: parameter {name!r}: `shuffle:` must list two or more different items"
        )
    return list(items)


def allowed(name: str, spec: Any, value: Any, where: str) -> bool:
    """May a course draw `value` for this parameter (a stock value must be drawable)?"""
    if isinstance(spec, dict) and "shuffle" in spec:
        items = _shuffle_items(name, spec, where)
        return isinstance(value, list) and sorted(map(repr, value)) == sorted(map(repr, items))
    return value in candidates(name, spec, where)


def _pick(secret: str, message: str) -> int:
    return int.from_bytes(
        hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()[:8], "big"
    )


def draw(secret: str, exercise: str, declared: dict, attempt: int = 0, login: str = "") -> dict:
    """One value per declared parameter, picked by HMAC(secret, exercise, name, attempt, login);
    a `shuffle:` parameter's items are put in the order of their own HMACs (every order alike)."""
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        where = f"check file of {exercise}"
        message = f"{exercise}|{name}|{attempt}|{login.strip().lower()}"
        if isinstance(spec, dict) and "shuffle" in spec:
            items = _shuffle_items(name, spec, where)
            values[name] = sorted(items, key=lambda item: _pick(secret, f"{message}|{item!r}"))
            continue
        options = candidates(name, spec, where)
        values[name] = options[_pick(secret, message) % len(options)]
    return values


# -- the parameters cell ---------------------------------------------------------------------


def parameters_cell(nb, where: str):
    cells = [c for c in nb.cells if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if len(cells) != 1 or cells[0].cell_type != "code":
        raise VariantError(
            f"{where}: tag exactly one code cell `{PARAMETERS_TAG}` (found {len(cells)})"
        )
    return cells[0]


def stock_values(nb, where: str) -> dict:
    """The values the parameters cell assigns (literals only)."""
    values = {}
    for node in ast.parse(parameters_cell(nb, where).source).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                raise VariantError(
                    f"{where}: parameter {node.targets[0].id!r} is not a literal"
                ) from None
    return values


def with_values(nb, values: dict, where: str):
    """A copy of the notebook whose parameters cell assigns `values` (comments and order kept)."""
    nb = copy.deepcopy(nb)
    cell = parameters_cell(nb, where)
    lines = cell.source.splitlines()
    assigned = set()
    for node in reversed(ast.parse(cell.source).body):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in values
            and node.lineno == node.end_lineno
        ):
            row = node.lineno - 1
            line = lines[row]
            start = len(line.encode()[: node.value.col_offset].decode())
            end = len(line.encode()[: node.value.end_col_offset].decode())
            lines[row] = line[:start] + repr(values[node.targets[0].id]) + line[end:]
            assigned.add(node.targets[0].id)
    missing = sorted(set(values) - assigned)
    if missing:
        raise VariantError(
            f"{where}: the parameters cell assigns no one-line value to {', '.join(missing)}"
        )
    cell.source = "\n".join(lines)
    return nb


# -- running the solution --------------------------------------------------------------------

_COLLECT = """
import json as __json
def __plain(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, tuple):
        return list(value)
    return float(value) if hasattr(value, "item") else str(value)
print("__coursebook_answers__" + __json.dumps({name: globals().get(name) for name in %r},
                                              default=__plain))
"""


def solve(answers_nb, variables: list[str], folder: Path, timeout: int = 120) -> dict:
    """Run the solution notebook (hidden checks included) and return its task variables' values.
    Raises AssertionError when one of its own checks fails (an unusable draw)."""
    import nbclient
    from nbclient.exceptions import CellExecutionError

    nb = copy.deepcopy(answers_nb)
    nb.cells.append(nbformat.v4.new_code_cell(_COLLECT % (variables,)))
    client = nbclient.NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    try:
        with kept_stop_signals():
            client.execute()
    except CellExecutionError as exc:
        raise AssertionError(
            f"{exc.ename}: {exc.evalue}" if exc.ename else "a cell failed"
        ) from None
    text = "".join(
        o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream"
    )
    return json.loads(text.split("__coursebook_answers__", 1)[1])


_FRESH = """
get_ipython().run_line_magic("reset", "-f")
try:
    import matplotlib as __matplotlib
    __matplotlib.use("agg")
    if hasattr(__matplotlib, "pyplot"):
        __matplotlib.pyplot.close("all")
    del __matplotlib
except ImportError:
    pass
"""


class Solver:
    """One kernel that solves many variants of one solution notebook (`with Solver(...) as s:
    s.solve(notebooks)`): the namespace is reset and figures closed between them, and matplotlib
    draws nothing (its figures are not kept), so a variant costs its cells' time, not a kernel's
    start-up and imports."""

    def __init__(self, variables: list[str], folder: Path, timeout: int = 120):
        import nbclient

        self.variables = variables
        self.client = nbclient.NotebookClient(
            nbformat.v4.new_notebook(),
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        )
        self._open = contextlib.ExitStack()

    def __enter__(self) -> Solver:
        with contextlib.ExitStack() as stack:  # the signals given back even if the kernel fails
            stack.enter_context(kept_stop_signals())
            stack.enter_context(self.client.setup_kernel())
            self._open = stack.pop_all()
        return self

    def __exit__(self, *exc) -> None:
        self._open.__exit__(*exc)

    def solve(self, notebooks: list) -> list:
        """Each notebook's task variables' values, or an AssertionError when one of its own
        checks (or any cell) failed: an unusable draw."""
        from nbclient.exceptions import CellExecutionError

        solved: list = []
        for answers_nb in notebooks:
            nb = copy.deepcopy(answers_nb)
            nb.cells.insert(0, nbformat.v4.new_code_cell(_FRESH))
            nb.cells.append(nbformat.v4.new_code_cell(_COLLECT % (self.variables,)))
            self.client.nb = nb
            try:
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type == "code":
                        self.client.execute_cell(cell, index)
            except CellExecutionError as exc:
                solved.append(
                    AssertionError(f"{exc.ename}: {exc.evalue}" if exc.ename else "a cell failed")
                )
                continue
            text = "".join(
                o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream"
            )
            solved.append(json.loads(text.split("__coursebook_answers__", 1)[1]))
        return solved


def solve_many(notebooks: list, variables: list[str], folder: Path, timeout: int = 120) -> list:
    """`solve` for many variants of one solution notebook, in one kernel (`Solver`). Each item is
    the task variables' values, or an AssertionError when the variant's own checks failed."""
    with Solver(variables, folder, timeout) as solver:
        return solver.solve(notebooks)


def _round(value: Any, tolerance: float | None):
    """Answers rounded below their tolerance, so the check files read like typed ones."""
    if isinstance(value, float) and tolerance:
        digits = max(0, 3 - int(Decimal(repr(tolerance)).adjusted()))
        return round(value, digits)
    if isinstance(value, list):
        return [_round(v, tolerance) for v in value]
    if isinstance(value, dict):
        return {k: _round(v, tolerance) for k, v in value.items()}
    return value


def solved_check_data(answers_dir: Path, name: str, values: dict) -> dict:
    """The check file's data with every (not hidden) answer computed by running the solution
    notebook with `values` in its parameters cell. Raises AssertionError when the notebook's own
    checks reject those values."""
    answers_dir = Path(answers_dir)
    data = yaml.safe_load((answers_dir / "checks" / f"{name}.yml").read_text(encoding="utf-8"))
    where = str(answers_dir / f"{name}.ipynb")
    nb = nbformat.read(answers_dir / f"{name}.ipynb", as_version=4)
    solved = solve(
        with_values(nb, values, where), [task["variable"] for task in data["tasks"]], answers_dir
    )
    return _solved_data(data, solved)


def _other_spelling(task: dict, value: Any) -> bool:
    """A text task whose list of accepted spellings already holds the solution's value keeps the
    whole list (a course's draw must not drop "rally-round-the-flag effect" for "rally effect")."""
    from .exercise.checks import Task, judge

    if task.get("kind") != "text" or not isinstance(task.get("answer"), list):
        return False
    return judge(Task.model_validate(task), value).credit


def _solved_data(data: dict, solved: dict) -> dict:
    data = copy.deepcopy(data)
    for task in data["tasks"]:
        if not task.get("hidden") and not _other_spelling(task, solved[task["variable"]]):
            task["answer"] = _round(solved[task["variable"]], task.get("tolerance"))
    return data


def _keep_usable(solved: list, pending: list, values: list, state: tuple) -> list:
    """Record the usable draws among `solved` in `done`; the logins to draw again."""
    from .exercise.checks import CheckFile
    from .leaks import printed_answers

    data, stock_key, printed_text, problems, done = state
    still = []
    for login, drawn, outcome in zip(pending, values, solved, strict=True):
        if isinstance(outcome, AssertionError):
            problems[login].append(str(outcome))
            still.append(login)
            continue
        computed = _solved_data(data, outcome)
        checks = CheckFile.model_validate(computed)
        printed = printed_answers(printed_text, checks)
        if printed:
            problems[login].append("the book prints the " + ", ".join(printed))
            still.append(login)
            continue
        given = answered_by_stock(stock_key, checks)
        if given:  # the stock answers are public in the upstream repository
            problems[login].append("the stock answers answer " + ", ".join(given))
            still.append(login)
            continue
        done[login] = (drawn, computed)
    return still


def course_check_data_many(
    answers_dir: Path, name: str, secret: str, logins: list[str]
) -> dict[str, tuple[dict, dict]]:
    """{login: (values, check-file data)} of one exercise for each login ('' is the course's
    own): the declared parameters drawn from the secret and the login, every answer computed by
    the solution notebook (all logins in one kernel, `solve_many`). A login's draw is made again
    when the notebook's own hidden checks reject it, when the book happens to print one of its
    answers (the chapters' worked examples, a quiz's numbers), or when a stock answer (public in
    the upstream repository) would earn credit on one of its tasks (`answered_by_stock`)."""
    from .exercise.checks import CheckFile
    from .leaks import public_text

    answers_dir = Path(answers_dir)
    check_path = answers_dir / "checks" / f"{name}.yml"
    data = yaml.safe_load(check_path.read_text(encoding="utf-8"))
    declared = data.get("parameters") or {}
    if not declared:
        return {login: ({}, data) for login in logins}
    where = str(answers_dir / f"{name}.ipynb")
    nb = nbformat.read(answers_dir / f"{name}.ipynb", as_version=4)
    stock = stock_values(nb, where)
    unknown = sorted(set(declared) - set(stock))
    if unknown:
        raise VariantError(
            f"{check_path}: parameters {', '.join(unknown)} are not assigned in the "
            f"parameters cell of {where}"
        )
    variables = [task["variable"] for task in data["tasks"]]
    stock_key = CheckFile.model_validate(data)  # public upstream: no course's key may match it
    printed_text = public_text(answers_dir.resolve().parent)
    problems: dict[str, list[str]] = {login: [] for login in logins}
    done: dict[str, tuple[dict, dict]] = {}
    pending = list(dict.fromkeys(logins))
    with Solver(variables, answers_dir) as solver:  # one kernel for every login and redraw
        for attempt in range(MAX_DRAWS):
            if not pending:
                break
            values = [draw(secret, name, declared, attempt, login) for login in pending]
            pending = _keep_usable(
                solver.solve([with_values(nb, v, where) for v in values]),
                pending,
                values,
                (data, stock_key, printed_text, problems, done),
            )
    if pending:
        last = problems[pending[0]]
        raise VariantError(
            f"{check_path}: none of {MAX_DRAWS} draws is usable (last: "
            f"{last[-1] if last else '?'}); widen the parameters"
        )
    return done


def course_check_data(
    answers_dir: Path, name: str, secret: str, login: str = ""
) -> tuple[dict, dict]:
    """(values, check-file data) of one exercise for this course (or student): see
    `course_check_data_many`."""
    return course_check_data_many(answers_dir, name, secret, [login])[login]


def shuffles(checks) -> bool:
    """Does the exercise draw an order of its options or claims (a `shuffle:` parameter)? Then its
    choice, set and mapping answers are written in the course's own codes."""
    return any(isinstance(spec, dict) and "shuffle" in spec for spec in checks.parameters.values())


def answered_by_stock(stock, checks) -> list[str]:
    """The tasks of a course's key that the stock answer earns credit on (the stock answers are
    public in the upstream repository): number and list tasks, and, in an exercise that shuffles
    its codes (`shuffles`), choice, set and mapping tasks too. Text tasks are left out (a term is a
    term), and so are tasks the check file marks `same_in_every_course` (an order of sourced
    events, say)."""
    from .exercise.checks import judge

    kinds = (
        ("number", "list", "choice", "set", "mapping") if shuffles(stock) else ("number", "list")
    )
    return [
        f"{checks.exercise}/{task.id}"
        for task in checks.tasks
        if task.kind in kinds
        and not task.hidden
        and not task.same_in_every_course
        and judge(task, stock.task(task.id).answer).credit
    ]


def cache_key(answers_dir: Path, name: str, secret: str, login: str = "") -> str:
    digest = hashlib.sha256()
    for path in (Path(answers_dir) / f"{name}.ipynb", Path(answers_dir) / "checks" / f"{name}.yml"):
        digest.update(path.read_bytes())
    digest.update(hmac.new(secret.encode(), login.encode(), hashlib.sha256).digest())
    return digest.hexdigest()[:32]


def _cache_folder(answers_dir: Path, cache: Path | None) -> Path:
    return cache or Path(
        os.environ.get(CACHE_ENV) or Path(answers_dir).resolve().parent / "_build" / "variants"
    )


def cached_course_check_data(
    answers_dir: Path, name: str, secret: str, login: str = "", cache: Path | None = None
) -> tuple[dict, dict]:
    """`course_check_data`, remembered under `cache` (default `_build/variants/` beside
    answers/)."""
    return cached_check_data_many(answers_dir, name, secret, [login], cache)[login]


def cached_check_data_many(
    answers_dir: Path, name: str, secret: str, logins: list[str], cache: Path | None = None
) -> dict[str, tuple[dict, dict]]:
    """`course_check_data_many`, remembered per login under `cache` (default `_build/variants/`
    beside answers/): only the logins not computed before run the solution, all in one kernel."""
    cache = _cache_folder(answers_dir, cache)
    found: dict[str, tuple[dict, dict]] = {}
    paths = {
        login: cache / f"{name}-{cache_key(answers_dir, name, secret, login)}.json"
        for login in logins
    }

    def read_kept() -> list[str]:
        for login, path in paths.items():
            if login not in found and path.exists():
                stored = json.loads(path.read_text(encoding="utf-8"))
                found[login] = (stored["values"], stored["checks"])
        return [login for login in dict.fromkeys(logins) if login not in found]

    if not read_kept():
        return found
    cache.mkdir(parents=True, exist_ok=True)
    # One process at a time computes an exercise's answers: another that wants the same ones
    # (a second grading shard, a second test process) waits and reads them instead.
    with FileLock(cache / f".{name}.lock"):
        missing = read_kept()
        if not missing:
            return found
        computed = course_check_data_many(answers_dir, name, secret, missing)
        for login in missing:
            values, data = computed[login]
            partial = paths[login].with_name(f".{paths[login].name}.{os.getpid()}.partial")
            partial.write_text(json.dumps({"values": values, "checks": data}), encoding="utf-8")
            partial.replace(paths[login])
            found[login] = (values, data)
    return found


# -- the course's exercises in a release -----------------------------------------------------


def run_notebook(path: Path, timeout: int = 300) -> None:
    """Run a written exercise in its folder and store its outputs (as `coursebook execute` does)."""
    import nbclient

    nb = nbformat.read(path, as_version=4)
    with kept_stop_signals():
        nbclient.NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    nbformat.write(nb, path)


def write_course_exercises(
    answers_dir: Path, exercises: Path, secret: str, cache: Path | None = None
) -> dict:
    """Rewrite, in a release's `exercises` folder, every exercise that declares parameters: the
    student edition of its solution notebook with the course's values, its public check file made
    from the answers the solution computes with them, its outputs stored by running it. Returns
    {name: (values, CheckFile)}: what the course drew (the leak scan searches those answers)."""
    from .exercise.checks import CheckFile, public_spec
    from .student_edition import student_notebook

    drawn = {}
    for notebook in sorted(Path(answers_dir).glob("*.ipynb")):
        name = notebook.stem
        values, data = cached_course_check_data(answers_dir, name, secret, cache=cache)
        if not values:
            continue
        checks = CheckFile.model_validate(data)
        answers = nbformat.read(notebook, as_version=4)
        nbformat.write(
            student_notebook(with_values(answers, values, str(notebook)), name),
            exercises / notebook.name,
        )
        spec = public_spec(checks, course_salt=course_salt(secret))
        (exercises / "checks" / f"{name}.json").write_text(
            json.dumps(spec, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        run_notebook(exercises / notebook.name)
        drawn[name] = (values, checks)
    return drawn


def write_course_solutions(
    answers_dir: Path, dest: Path, secret: str, cache: Path | None = None
) -> list[Path]:
    """The instructor's copy of every solution notebook with this course's values, run in `dest`
    beside the course's check files (`dest/checks/<name>.yml`), so that its outputs, its checks and
    its model answers' worked numbers (cells that compute them) are the course's. Instructor-only:
    `dest` holds the answers and must never be published."""
    answers_dir = Path(answers_dir)
    (dest / "checks").mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in sorted(answers_dir.glob("*.ipynb")):
        name = notebook.stem
        values, data = cached_course_check_data(answers_dir, name, secret, cache=cache)
        answers = nbformat.read(notebook, as_version=4)
        if values:
            answers = with_values(answers, values, str(notebook))
        (dest / "checks" / f"{name}.yml").write_text(
            "# This course's key, computed by the solution notebook (instructor-only).\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        nbformat.write(answers, dest / notebook.name)
        run_notebook(dest / notebook.name)
        written.append(dest / notebook.name)
    return written


# -- per-student values ----------------------------------------------------------------------

LOGIN_TAG = "login"
LOGIN_CELL = (
    "# Your login on the course's learning platform, exactly as on the class list: your\n"
    "# exercise's numbers are drawn for you, and the grader checks that this is your login.\n"
    'login = ""'
)


def read_roster(path: Path, column: str = "") -> list[str]:
    """Logins from an LMS export (CSV): the named column, else the first of the usual names
    (roster.LOGIN_COLUMNS)."""
    from .roster import Roster, RosterError

    try:
        return Roster.read(path, column).logins
    except RosterError as exc:
        raise VariantError(str(exc)) from None


class _Call:
    """Stands for `check.value('name')` where a parameter's value goes (its repr is the code)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"check.value({self.name!r})"


def per_student_notebook(nb, name: str, where: str):
    """The course's student notebook made per-student: a first cell asking for the login, the
    checker told it, the parameters read from that student's check file."""
    nb = copy.deepcopy(nb)
    checker = next((i for i, c in enumerate(nb.cells) if f'Checker("{name}")' in c.source), None)
    cell = parameters_cell(nb, where)
    if checker is None or nb.cells.index(cell) < checker:
        raise VariantError(
            f'{where}: a per-student exercise needs `Checker("{name}")` before its parameters cell'
        )
    nb.cells[checker].source = nb.cells[checker].source.replace(
        f'Checker("{name}")', f'Checker("{name}", login=login)'
    )
    values = {key: _Call(key) for key in stock_values(nb, where)}
    nb = with_values(nb, values, where)
    login = nbformat.v4.new_code_cell(LOGIN_CELL)
    login.metadata["tags"] = [LOGIN_TAG]
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first_code, login)
    return nb


def write_student_exercises(
    answers_dir: Path, exercises: Path, secret: str, logins: list[str], cache: Path | None = None
) -> dict:
    """Per-student variants: for every exercise with parameters, one check file per student
    (`checks/<name>/<hash of login>.json`, holding that student's values and digests only) and a
    notebook that asks for the login first. Returns {name: {login: CheckFile}}."""
    from .exercise.checks import CheckFile, public_spec
    from .exercises import student_key

    salt = course_salt(secret)
    students: dict = {}
    for notebook in sorted(Path(answers_dir).glob("*.ipynb")):
        name = notebook.stem
        course_values, course_data = cached_course_check_data(
            answers_dir, name, secret, cache=cache
        )
        if not course_values:
            continue
        course_file = exercises / "checks" / f"{name}.json"
        spec = json.loads(course_file.read_text(encoding="utf-8"))
        spec["values"] = course_values
        course_file.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        folder = exercises / "checks" / name
        folder.mkdir(parents=True, exist_ok=True)
        keys = cached_check_data_many(answers_dir, name, secret, logins, cache=cache)
        for login in logins:
            values, data = keys[login]
            checks = CheckFile.model_validate(data)
            mine = dict(public_spec(checks, course_salt=salt), values=values)
            (folder / f"{student_key(spec, login)}.json").write_text(
                json.dumps(mine, indent=1, sort_keys=True) + "\n", encoding="utf-8"
            )
            students.setdefault(name, {})[login] = checks
        path = exercises / notebook.name
        nbformat.write(
            per_student_notebook(nbformat.read(path, as_version=4), name, str(path)), path
        )
        run_notebook(path)
    return students


def login_problem(notebook_login: object, identity: str) -> str | None:
    """Why a submission's `login` does not match the LMS identity of its file (None: it does)."""
    if not isinstance(notebook_login, str) or not notebook_login.strip():
        return "the notebook's `login` is not set"
    if notebook_login.strip().lower() != identity.strip().lower():
        return (
            f"the notebook's login {notebook_login.strip()!r} is not the file's owner {identity!r}"
        )
    return None


# -- the grader's key --------------------------------------------------------------------------


def course_checks(answers_dir: Path, name: str, stock):
    """The check file the grader compares with: the course's computed answers when the course has a
    secret and the exercise declares parameters (the same draw as the release), else `stock`."""
    from .exercise.checks import CheckFile

    secret = course_secret(answers_dir)
    if not secret or not getattr(stock, "parameters", None):
        return stock
    _, data = cached_course_check_data(answers_dir, name, secret)
    return CheckFile.model_validate(data)


def course_assignment(assignment):
    """An exercise Assignment (exercise/assignment.py) graded against the course's own answers."""
    checks = course_checks(assignment.answers_dir, assignment.name, assignment.checks)
    return assignment if checks is assignment.checks else assignment.with_checks(checks)
