"""The student-safe public form of a check file: slow salted hashes of each answer's canonical text.

A public check file holds, per task, the bucket form (`comparison.Form`), a salt and the scrypt
digests of the accepted canonical texts; never an answer. The student's `check()` hashes the
canonical text of their value the same way and looks it up. scrypt (memory-hard, in the standard
library) is tuned so one check costs about a tenth of a second: harmless for a student, but every
guess in a brute-force search costs the same. This is formative protection, not secrecy: a
determined student with time can still recover an answer; `coursebook release` prints, per task,
how long the best search takes on one core (search_time.py), and flags the tasks that fall fast.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from .comparison import Form, accepted_canonicals, canonical, form_for, type_problem
from .private_cache import kept_text
from .task import Task

# scrypt cost: N=2**15, r=8 (32 MiB of memory per guess), about 100 ms on the course machine: one
# check() is still quick, and `coursebook release` prints what a search costs at this price.
COST = {"n": 2**15, "r": 8, "p": 1}
VERSION = 3
FORMAT = 3  # of the public check file: 3 has a fixed grid and no offsets


def digest(text: str, salt: str, cost: dict) -> str:
    return hashlib.scrypt(
        text.encode("utf-8"),
        salt=salt.encode("utf-8"),
        n=cost["n"],
        r=cost["r"],
        p=cost["p"],
        maxmem=2 * 128 * cost["r"] * cost["n"] + 2**20,
        dklen=16,
    ).hex()


def task_salt(exercise: str, task_id: str, variable: str, course_salt: str = "stock") -> str:
    # Per course, exercise and task, so no table computed for one task or course serves another.
    return f"coursebook-check-v{VERSION}|{course_salt}|{exercise}|{task_id}|{variable}"


def public_entry(
    exercise: str, task: Task, cost: dict | None = None, course_salt: str = "stock"
) -> dict:
    """The public form of one task (hidden tasks carry no comparison at all)."""
    # Cached: the grader writes the public file into every submission's folder, and each digest
    # costs a deliberate hundred milliseconds or so.
    return json.loads(
        _public_entry(
            exercise, task.model_dump_json(), json.dumps(cost or COST, sort_keys=True), course_salt
        )
    )


@lru_cache(maxsize=1024)
def _public_entry(exercise: str, task_json: str, cost_json: str, course_salt: str = "stock") -> str:
    # Kept on disk too: `exercises check`, every `coursebook release` and the grader's runs in other
    # processes would each pay the same seconds of scrypt for the same answer key.
    made_of = json.dumps([FORMAT, VERSION, exercise, task_json, cost_json, course_salt])
    return kept_text(
        "digests",
        hashlib.sha256(made_of.encode()).hexdigest()[:32],
        lambda: _make_public_entry(exercise, task_json, cost_json, course_salt),
        _is_entry,
    )


def _is_entry(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _make_public_entry(exercise: str, task_json: str, cost_json: str, course_salt: str) -> str:
    task, cost = Task.model_validate_json(task_json), json.loads(cost_json)
    entry = {
        "variable": task.variable,
        "kind": task.kind,
        "points": task.points,
        "hint": task.hint,
        "hidden": task.hidden,
    }
    if task.hidden:
        return json.dumps(entry)
    form = task.form
    salt = task_salt(exercise, task.id, task.variable, course_salt)
    texts = accepted_canonicals(task.kind, task.answer, form, task.absolute_tolerance)
    entry.update(
        form=form.as_json(),
        salt=salt,
        scrypt=cost,
        accept=sorted(digest(text, salt, cost) for text in texts),
    )
    return json.dumps(entry)


def public_credit(entry: dict, value) -> tuple[bool, str | None]:
    """(accepted?, type problem) for `value` against a public entry: the student's side."""
    problem = type_problem(entry["kind"], value)
    if problem:
        return False, problem
    text = canonical(entry["kind"], value, Form.from_json(entry["form"]))
    return digest(text, entry["salt"], entry["scrypt"]) in entry["accept"], None


__all__ = ["COST", "digest", "public_entry", "public_credit", "form_for"]
