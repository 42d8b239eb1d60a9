"""The package's rooms import downward only: quiz -> models -> views -> classroom/export/book -> cli.

Every module's imports are read with `ast` (nothing is executed), so a wrong import fails here by
name even when it sits inside a function.
"""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "coursebook"
# A room may import its own modules, `errors`, and any room with a lower rank.
RANK = {"errors": 0, "kernel_signals": 0, "quiz": 1, "models": 2, "views": 3, "classroom": 4, "export": 4, "book": 4, "cli": 5, "__main__": 6}
# Inside a room, its floors (subpackages) import downward too; modules directly in the room are "".
# classroom: the exercise as data (checks, limits, Assignment) < the student edition, leak scan and
# check() < the grader < the Gradescope autograder.
FLOORS = {"classroom": {"exercise": 0, "": 1, "grader": 2, "autograder": 3}}
# The pure rooms work without a notebook front end, a kernel client or Sphinx.
PURE_ROOMS = {"errors", "quiz", "models"}
FRONT_END = {"IPython", "ipywidgets", "ipykernel", "nbclient", "jupyter_client", "sphinx", "docutils", "myst_nb"}


def room_of(module: str) -> str | None:
    """`coursebook.quiz.bank` -> `quiz`; the package itself (its public façade) has no room."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def floor_of(module: str) -> str:
    """`coursebook.classroom.grader.run` -> `grader`; a module directly in its room -> ``."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[2] in FLOORS.get(parts[1], {}) else ""


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            if node.module is None:  # `from . import static` names modules
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def violations(package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts).removesuffix(".__init__")
        room = room_of(module)
        if room is None:
            continue
        for line, target in imports_of(path, module):
            where = f"{path.relative_to(package.parent)}:{line}"
            top = target.split(".")[0]
            if room in PURE_ROOMS and top in FRONT_END:
                problems.append(f"{where}: {module} (room {room!r}) imports {target}, a front end the pure core must not need")
            if top != "coursebook":
                continue
            target_room = room_of(target)
            if target_room is None:
                problems.append(f"{where}: {module} imports the package façade {target}; import the room instead")
            elif target_room != room and RANK[target_room] >= RANK[room]:
                problems.append(f"{where}: {module} (room {room!r}) imports {target} from room {target_room!r}, "
                                "which is not below it")
            elif target_room == room and room in FLOORS:
                floor, target_floor = floor_of(module), floor_of(target)
                if FLOORS[room][target_floor] > FLOORS[room][floor]:
                    problems.append(f"{where}: {module} (floor {floor or room!r}) imports {target} "
                                    f"from floor {target_floor or room!r} of {room}/, "
                                    "which is not below it")
    return problems


def test_every_module_has_a_known_room():
    rooms = {room_of(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"))
             for p in PACKAGE.rglob("*.py")}
    assert rooms - {None} <= set(RANK), f"modules outside the known rooms: {rooms - {None} - set(RANK)}"


def test_every_subpackage_has_a_known_floor():
    for room, floors in FLOORS.items():
        found = {p.name for p in (PACKAGE / room).iterdir() if (p / "__init__.py").exists()}
        assert found == set(floors) - {""}, f"{room}/ subpackages without a floor: {found}"


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the package's modules it imports (anywhere in the file, inside functions too)."""
    paths = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        paths[".".join(parts).removesuffix(".__init__")] = path
    graph = {}
    for module, path in paths.items():
        graph[module] = set()
        for _, target in imports_of(path, module):
            while target and target not in paths:  # `from .checks import Task` names checks.Task
                target = target.rpartition(".")[0]
            if target and target != module and target != package.name:
                graph[module].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle found by a depth-first walk (each reported once, where it closes)."""
    found, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_no_import_circle():
    """No two modules import each other, not even through an import hidden inside a function."""
    found = circles(import_graph())
    assert not found, "\n".join(" -> ".join(circle) for circle in found)


def test_the_circle_check_catches_a_hidden_circle(tmp_path):
    fake = tmp_path / "coursebook"
    (fake / "classroom").mkdir(parents=True)
    (fake / "classroom" / "checks.py").write_text("from .fingerprints import public_entry\n")
    (fake / "classroom" / "fingerprints.py").write_text("def f():\n    from .checks import Task\n")
    checks, fingerprints = "coursebook.classroom.checks", "coursebook.classroom.fingerprints"
    assert circles(import_graph(fake)) == [[checks, fingerprints, checks]]


def test_rooms_import_downward_only():
    problems = violations()
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_wrong_import(tmp_path):
    """A deliberately wrong import (the core reaching up into a view) is named by module and line."""
    fake = tmp_path / "coursebook"
    (fake / "quiz").mkdir(parents=True)
    (fake / "quiz" / "scoring.py").write_text("import math\nfrom ..views.widgets import QuestionWidget\nimport ipywidgets\n")
    found = violations(fake)
    assert any("coursebook/quiz/scoring.py:2" in p and "'views'" in p for p in found), found
    assert any("coursebook/quiz/scoring.py:3" in p and "ipywidgets" in p for p in found), found


def test_the_check_catches_a_floor_reaching_up(tmp_path):
    """The exercise's data reaching up into the grader is named, though both are in classroom/."""
    fake = tmp_path / "coursebook"
    (fake / "classroom" / "exercise").mkdir(parents=True)
    assignment = fake / "classroom" / "exercise" / "assignment.py"
    assignment.write_text("from ..grader.store import fingerprint\n")
    found = violations(fake)
    assert any("classroom/exercise/assignment.py:1" in p and "'grader'" in p for p in found), found


def test_every_package_folder_is_in_the_wheel():
    """pyproject.toml lists the packages by hand: a new room or floor left out of it would be absent
    from the wheel the Gradescope autograder installs (its import then fails in the container)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found == listed, (f"not in pyproject's packages: {sorted(found - listed)}; "
                             f"listed but gone: {sorted(listed - found)}")


# Run in a fresh interpreter: import every module of one room (or only the façade), print sys.modules.
IMPORT_ROOM = """
import importlib, json, pkgutil, sys
room = sys.argv[1]
names = ["coursebook"] + ([f"coursebook.{room}"] if room else [])
package = importlib.import_module(names[-1])
if room and hasattr(package, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(package.__path__, f"coursebook.{room}.")]
for name in names:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(room: str) -> list[str]:
    import json
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-c", IMPORT_ROOM, room], capture_output=True, text=True,
                               cwd=ROOT, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


def test_the_facade_imports_no_room():
    """`import coursebook` loads no room: `explore` and `Checker` load on first use."""
    assert [m for m in loaded_by("") if m.startswith("coursebook.")] == []


@pytest.mark.parametrize("room", sorted(set(RANK) - {"__main__"}))
def test_importing_a_room_loads_no_higher_room(room):
    """The rule at run time: importing every module of a room loads only that room and lower ones
    (and, for the pure rooms, no notebook front end)."""
    modules = loaded_by(room)
    rooms = {room_of(m) for m in modules if m.startswith("coursebook.")} - {None, room}
    higher = sorted(r for r in rooms if RANK[r] >= RANK[room])
    assert not higher, f"importing {room}/ loads {higher}: " + ", ".join(
        m for m in modules if room_of(m) in higher and m.startswith("coursebook."))[:500]
    if room in PURE_ROOMS:
        assert not {m.split(".")[0] for m in modules} & FRONT_END


def test_quiz_is_the_notebook_function_beside_the_subpackage():
    """`from coursebook import quiz` gives the function even after the subpackage is imported."""
    import coursebook
    import coursebook.quiz.model  # noqa: F401
    from coursebook import Checker, explore, quiz

    assert callable(quiz) and quiz.__module__ == "coursebook" and quiz is coursebook.quiz
    assert explore.__module__ == "coursebook.views.display" and Checker.__name__ == "Checker"
    from coursebook.quiz import bank

    assert bank.__name__ == "coursebook.quiz.bank"
