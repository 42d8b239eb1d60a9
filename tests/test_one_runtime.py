"""The quiz has one runtime, the browser's JavaScript: no quiz grading, policy, model arithmetic or
spaced-practice scheduling (assets/quiz/practice.js) comes back in Python. (The instructor's exercise grader in `classroom/` is another engine, for
students' notebooks, and is not scanned.)"""

import ast
import re

from tests.conftest import ROOT

PACKAGE = ROOT / "coursebook"
SCANNED = ("quiz", "models", "views", "export", "book")
# Names the Python runtime had: graders, the policy's step, the number reader, the models.
FORBIDDEN = re.compile(r"^(grade(_\w+)?|step|replay|can_show_answer|new_state|parse_number|compute|"
                       r"coercion|chicken|revenue|threshold_svg|round_half_up|_near|_readings|_intended|"
                       # the Leitner scheduler's (the Practice page and practice() share the JS one)
                       r"status|after_attempt|build_session|interleave|chapter_summary|right_first_time|"
                       r"first_try|enroll|due|is_due|answered|next_box|schedule\w*|session)$")
# Its numbers: a box interval table or a day in milliseconds in Python means a second scheduler.
SCHEDULER_VALUES = re.compile(r"\(\s*1\s*,\s*2\s*,\s*4\s*,\s*8\s*,\s*16\s*\)|\[\s*1\s*,\s*2\s*,"
                              r"\s*4\s*,\s*8\s*,\s*16\s*\]|86_?400_?000|INTERVAL|DAY_MS")


def python_files():
    return [path for room in SCANNED for path in sorted((PACKAGE / room).rglob("*.py"))]


def test_no_quiz_rule_is_written_in_python():
    found = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and FORBIDDEN.match(node.name):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} def {node.name}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [getattr(node, "module", None) or ""] + [alias.name for alias in node.names]
                if any("scoring" in name for name in names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports scoring")
        if SCHEDULER_VALUES.search(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)} holds a scheduler's intervals")
    assert len(python_files()) > 20
    assert not found, "the quiz runtime is the JavaScript in views/assets/; found in Python: " + "; ".join(found)


def test_the_old_runtime_modules_are_gone():
    assert not (PACKAGE / "quiz" / "scoring.py").exists()
    policy = (PACKAGE / "quiz" / "policy.py").read_text(encoding="utf-8")
    assert [node.targets[0].id for node in ast.parse(policy).body if isinstance(node, ast.Assign)] == ["POLICY"]
    assert "def " not in policy  # the policy is data here; core.js applies it


def test_the_scan_would_see_a_grader(tmp_path):
    planted = "def grade_numeric(question, response):\n    return 1\n"
    tree = ast.parse(planted)
    assert any(isinstance(n, ast.FunctionDef) and FORBIDDEN.match(n.name) for n in ast.walk(tree))


def test_the_python_scheduler_is_gone_and_the_scan_would_see_one_come_back():
    assert not (PACKAGE / "quiz" / "practice.py").exists()
    planted = ("INTERVAL_DAYS = (1, 2, 4, 8, 16)\n"
               "def after_attempt(item, right, now):\n    return {}\n"
               "def build_session(items, now):\n    return []\n")
    names = [n.name for n in ast.walk(ast.parse(planted)) if isinstance(n, ast.FunctionDef)]
    assert names and all(FORBIDDEN.match(name) for name in names)
    assert SCHEDULER_VALUES.search(planted)
