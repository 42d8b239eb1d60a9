"""Test modules share helpers through tests/helpers/ or a conftest, never by importing one another:
a test module imported by another runs its module-level set-up twice and ties the two together."""

import ast

from tests.conftest import ROOT


def imported_test_modules(path) -> list[tuple[int, str]]:
    """(line, module) of every import in `path` that names a test module (a test_*.py)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base] + [f"{base}.{alias.name}".lstrip(".") for alias in node.names]
            ours = node.level > 0 or base.split(".")[0] == "tests"
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
            ours = any(name.split(".")[0] == "tests" for name in names)
        else:
            continue
        test_modules = [name for name in names if name.rsplit(".", 1)[-1].startswith("test_")]
        if ours and test_modules:
            found.append((node.lineno, test_modules[0]))
    return found


def test_no_test_module_imports_another():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if "fixtures" not in path.parts
        for line, name in imported_test_modules(path)
    ]
    assert offenders == [], "move the shared names to tests/helpers/ or a conftest:\n" + "\n".join(
        offenders
    )


def test_the_check_finds_an_import_of_a_test_module(tmp_path):
    planted = tmp_path / "test_planted.py"
    planted.write_text(
        "from tests.quiz.test_banks import BAD\nimport tests.views.test_static\n"
        "from . import test_other\nfrom tests.helpers import grading\n"
    )
    assert [line for line, _ in imported_test_modules(planted)] == [1, 2, 3]
