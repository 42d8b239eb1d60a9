"""The quiz policy as data (`policy.json`): what a check, a hint, Show answer and a reset do to a
question's state. The rules are applied in one place only, the browser's runtime
(`views/assets/quiz/core.js`, `step`); Python hands the table to the page (`views/static.py`) and
shows its statement under every quiz. A question's state is plain JSON, stored by the site in
localStorage and by the live view in a file beside the notebook (`views/progress.py`):

    response   the last readable answer (restores the controls), or None
    best       the best fraction of the points earned so far, 0 to 1 (the score that counts)
    attempts   how many readable answers were checked
    hint       whether the hint was opened
    explained  whether the explanation is shown
    closed     whether the question takes no more answers (right, or answer shown)
    revealed   whether the student chose Show answer
"""

from __future__ import annotations

import json
from pathlib import Path

POLICY = json.loads((Path(__file__).with_name("policy.json")).read_text(encoding="utf-8"))
