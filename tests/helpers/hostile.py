"""A bank whose every text tries to run script or break out of its element (the static view's
tests and the browser's)."""

from pydantic import TypeAdapter

from coursebook.quiz.model import Bank

HOSTILE = TypeAdapter(Bank).validate_python({
    "bank": "hostile", "title": "Hostile <b>title</b>", "questions": [{
        "id": "h-1", "type": "single", "prompt": "Is <script>alert(1)</script> text? $x<y$",
        "options": {"a": "<img src=x onerror=alert(1)>", "b": "</script><script>alert(2)</script>"},
        "correct": "a", "feedback": {"b": "[link](javascript:alert(3))"}, "explanation": "<iframe src=x>"}]})
