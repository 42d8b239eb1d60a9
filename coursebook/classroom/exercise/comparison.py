"""The one comparison of a student's value with a task's answer, used by `check()` and the grader.

A value is first checked for its *type* (a wrong type gets a message that says so), then reduced to
a canonical text: text folded, set items sorted, mapping keys folded and sorted, and every number
replaced by the index of its bucket on a fixed grid: buckets `2 × tolerance` wide starting at zero,
`[k·w, (k+1)·w)`, the same for every answer. A task accepts the buckets that the interval
`[answer − tolerance, answer + tolerance)` touches: the answer's own bucket and, usually, the
neighbouring one on the side nearer the answer. So a value within the tolerance always gets credit,
and a value three tolerances away or more never does. A tolerance of 0 (or one below the float
resolution of the answer) means exact.

The grader credits a value when its canonical text is one of the accepted ones; the student's public
check file holds only slow salted hashes of the accepted canonical texts (see `fingerprints.py`),
and the student's `check()` hashes the value's canonical text the same way. Both decide "one of the
accepted canonical texts", so the answers `check()` calls correct are exactly the answers the
grader credits. Nothing in the public file is derived from the answer but those hashes: the grid
depends on the tolerance alone (no offsets that would pin the answer's digits).
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass

from ...quiz.answers import normalise_text

MAX_ITEMS = 10_000  # the grader's extraction keeps at most this many items per container
MAX_DEPTH = 6  # and this many levels of nesting
CONTAINER_KINDS = ("list", "set", "mapping")
MAX_ACCEPTED = (
    1024  # accepted canonical texts per task (two buckets per number: 2**n for n numbers)
)


@dataclass(frozen=True)
class Form:
    """What the canonical form of a task needs besides the value: the grid's bucket width."""

    width: float = 0.0  # 0: numbers compare exactly

    def as_json(self) -> dict:
        return {"width": self.width}

    @classmethod
    def from_json(cls, data: dict) -> Form:
        return cls(float(data["width"]))


# -- types ------------------------------------------------------------------------------------


def is_number(value) -> bool:
    """Exact `int` or `float` (not bool, not NumPy, not a subclass), finite and of float range."""
    if type(value) is int:
        return abs(value) < 2**1000
    return type(value) is float and math.isfinite(value)


def _describe(value) -> str:
    kind = type(value)
    module = kind.__module__.split(".")[0]
    if module == "numpy":
        return f"a NumPy {kind.__name__}"
    if module == "pandas":
        return f"a pandas {kind.__name__}"
    if kind is bool:
        return f"{value} (a truth value)"
    if kind is str:
        shown = value if len(value) <= 20 else value[:17] + "..."
        return f"text ({shown!r})"
    if kind in (int, float):
        if is_number(value):
            return f"the number {value!r}"
        return (
            f"{value!r} (not a finite number)" if kind is float else "a number too large to compare"
        )
    names = {
        list: "a list",
        tuple: "a tuple",
        set: "a set",
        frozenset: "a set",
        dict: "a dict",
        type(None): "None",
    }
    return names.get(kind, f"a {kind.__name__}")


def _convert_advice(value) -> str:
    module = type(value).__module__.split(".")[0]
    if module in ("numpy", "pandas"):
        return (
            " convert it with float(...), int(...) or .tolist() first."
            if hasattr(value, "tolist")
            else ""
        )
    if type(value) is str:
        try:
            float(value)
            return " remove the quotes so that it is a number."
        except ValueError:
            return ""
    return ""


def type_problem(kind: str, value, where: str = "") -> str | None:
    """Why `value` cannot be an answer to a task of this kind, in words; None if its type fits."""
    it = f"{where} is" if where else "Your answer is"
    if kind == "number":
        if is_number(value):
            return None
        advice = _convert_advice(value) or " set a number."
        return (
            f"{it} {_describe(value)}, but this task wants a plain number (like 12 or 0.5);{advice}"
        )
    if kind in ("text", "choice"):
        if type(value) is str:
            return None
        return f"{it} {_describe(value)}, but this task wants text in quotes."
    wanted = {"list": (list, tuple), "set": (list, tuple, set, frozenset), "mapping": (dict,)}[kind]
    if type(value) not in wanted:
        needs = {
            "list": "a list in order, like [a, b]",
            "set": "a collection of items, like {a, b} or [a, b]",
            "mapping": "a dict, like {'key': value}",
        }[kind]
        advice = _convert_advice(value) or ""
        return f"{it} {_describe(value)}, but this task wants {needs};{advice}".rstrip(";")
    return _items_problem(kind, value, 1)


def _items_problem(kind: str, value, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"Your answer is nested more than {MAX_DEPTH} levels deep."
    if len(value) > MAX_ITEMS:
        return f"Your answer has more than {MAX_ITEMS} items."
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"The key {key!r} is {_describe(key)}; every key must be text in quotes."
            problem = _item_problem(item, f"The value for {key!r}", depth)
            if problem:
                return problem
        return None
    for number, item in enumerate(value, start=1):
        if kind == "set" and depth == 1 and not (is_number(item) or type(item) is str):
            return (
                f"Item {number} is {_describe(item)}; the items of this answer must be numbers "
                "or text."
            )
        problem = _item_problem(item, f"Item {number}", depth)
        if problem:
            return problem
    return None


def _item_problem(item, where: str, depth: int) -> str | None:
    if is_number(item) or type(item) is str or item is None or type(item) is bool:
        return None
    if type(item) in (list, tuple, dict):
        return _items_problem("list", item, depth + 1)
    advice = _convert_advice(item)
    return (
        f"{where} is {_describe(item)}, which is not plain Python data (numbers, text, lists, "
        f"dicts);{advice or ''}"
    ).rstrip(";")


# -- canonical form ---------------------------------------------------------------------------


def bucket(x: float, width: float) -> int | None:
    """The index of `x`'s bucket on the fixed grid of this width (None: compare exactly)."""
    if width > 0:
        q = (float(x) + 0.0) / width
        if math.isfinite(q):
            return math.floor(q)
    return None


def _number(value, buckets, width: float):
    """A number's token: its bucket index (or, for the answer, the index `buckets` supplies), or
    the exact float when there is no tolerance."""
    x = float(value) + 0.0
    chosen = next(buckets, None) if buckets is not None else None
    if chosen is not None:
        return ["b", chosen]
    index = bucket(x, width)
    return ["b", index] if index is not None else ["x", x.hex()]


def _sort_key(item):
    return (0, float(item), "") if is_number(item) else (1, 0.0, normalise_text(item))


def _token(value, buckets, width: float, choice: bool = False):
    if is_number(value):
        return _number(value, buckets, width)
    if type(value) is str:
        return ["c", value.strip()] if choice else ["t", normalise_text(value)]
    if value is None or type(value) is bool:
        return ["k", value]
    if type(value) in (set, frozenset):
        # Set semantics: exact duplicates and texts that fold alike count once.
        unique: dict[object, object] = {}
        for item in sorted(value, key=_sort_key):
            unique.setdefault(
                _sort_key(item) if type(item) is str else (0, float(item), repr(float(item))), item
            )
        return ["S", [_token(item, buckets, width) for item in unique.values()]]
    if type(value) in (list, tuple):
        return ["L", [_token(item, buckets, width) for item in value]]
    if type(value) is dict:
        items = sorted(((normalise_text(k), v) for k, v in value.items()), key=lambda kv: kv[0])
        return ["M", [[k, _token(v, buckets, width)] for k, v in items]]
    return ["?", type(value).__name__]


def canonical(kind: str, value, form: Form, buckets: tuple[int, ...] | None = None) -> str:
    """The canonical text of a value whose type fits `kind` (check with `type_problem` first).
    `buckets`: the bucket index to write for each number, in order (for the answer's neighbours)."""
    if kind == "set":
        value = set(value) if all(is_number(i) or type(i) is str for i in value) else value
    chosen = iter(buckets) if buckets is not None else None
    return json.dumps(
        _token(value, chosen, form.width, choice=(kind == "choice")), separators=(",", ":")
    )


def numbers_in(kind: str, answer) -> list[float]:
    """The answer's numbers in the order `canonical` meets them (the order offsets are stored
    in)."""
    found = []

    def walk(value):
        if is_number(value):
            found.append(float(value))
        elif type(value) in (set, frozenset):
            seen = {}
            for item in sorted(value, key=_sort_key):
                seen.setdefault(
                    _sort_key(item) if type(item) is str else (0, float(item), repr(float(item))),
                    item,
                )
            for item in seen.values():
                walk(item)
        elif type(value) in (list, tuple):
            for item in value:
                walk(item)
        elif type(value) is dict:
            for _, item in sorted(
                ((normalise_text(k), v) for k, v in value.items()), key=lambda kv: kv[0]
            ):
                walk(item)

    if kind == "text":
        return []
    walk(set(answer) if kind == "set" else answer)
    return found


def form_for(kind: str, answer, tolerance: float) -> Form:
    """The grid for a task: buckets twice the tolerance wide (none: exact comparison)."""
    numbers = numbers_in(kind, answer)
    width = 2 * tolerance
    # Below about a thousand float steps of the largest answer a bucket cannot be told from its
    # neighbour: such a tolerance means "exact".
    if (
        not numbers
        or width <= 0
        or any(width < 1000 * math.ulp(abs(n) + tolerance) for n in numbers)
    ):
        return Form(0.0)
    return Form(width)


def accepted_buckets(number: float, tolerance: float, width: float) -> list[int]:
    """The buckets that `[number − tolerance, number + tolerance)` touches (one or two)."""
    low = bucket(number - tolerance, width)
    high = bucket(math.nextafter(number + tolerance, -math.inf), width)
    if low is None or high is None:
        raise ValueError(f"{number!r} ± {tolerance!r} has no bucket on a grid {width!r} wide")
    return list(range(low, high + 1))


def accepted_canonicals(kind: str, answer, form: Form, tolerance: float = 0.0) -> list[str]:
    """Every canonical text the task accepts: each answer (a text task may list several) with each
    of its numbers in any of the buckets its tolerance interval touches."""
    answers = answer if kind == "text" and isinstance(answer, list) else [answer]
    texts = set()
    for one in answers:
        numbers = numbers_in(kind, one)
        if not form.width or not numbers:
            texts.add(canonical(kind, one, form))
            continue
        choices = [accepted_buckets(n, tolerance or form.width / 2, form.width) for n in numbers]
        if math.prod(len(c) for c in choices) > MAX_ACCEPTED:
            raise ValueError(
                f"an answer with {len(numbers)} numbers accepts too many combinations of "
                "buckets; split the task or compare exactly"
            )
        for combination in itertools.product(*choices):
            texts.add(canonical(kind, one, form, combination))
    return sorted(texts)


@dataclass(frozen=True)
class Verdict:
    """The decision about one value: `credit` is what the grader gives; `problem` a type message."""

    credit: bool
    problem: str | None = None
