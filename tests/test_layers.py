"""The package's rooms import downward only: quiz -> models -> views -> classroom/export/book -> cli.

Every module's imports are read with `ast` (nothing is executed), so a wrong import fails here by
name even when it sits inside a function.
"""

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "coursebook"
# A room may import its own modules, `errors`, and any room with a lower rank.
RANK = {"errors": 0, "quiz": 1, "models": 2, "views": 3, "classroom": 4, "export": 4, "book": 4, "cli": 5, "__main__": 6}
# The pure rooms work without a notebook front end, a kernel client or Sphinx.
PURE_ROOMS = {"errors", "quiz", "models"}
FRONT_END = {"IPython", "ipywidgets", "ipykernel", "nbclient", "jupyter_client", "sphinx", "docutils", "myst_nb"}


def room_of(module: str) -> str | None:
    """`coursebook.quiz.bank` -> `quiz`; the package itself (its public façade) has no room."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


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
    return problems


def test_every_module_has_a_known_room():
    rooms = {room_of(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"))
             for p in PACKAGE.rglob("*.py")}
    assert rooms - {None} <= set(RANK), f"modules outside the known rooms: {rooms - {None} - set(RANK)}"


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
