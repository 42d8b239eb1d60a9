"""The live view: ipywidgets for a running kernel. Grading is delegated to `grading.grade`."""

from __future__ import annotations

import ipywidgets as w

from ..errors import UnknownQuestionType
from ..quiz.answers import MESSAGES
from ..models.explorers import Explorer, fill, format_value, threshold_svg
from ..quiz.scoring import grade
from ..quiz.markup import to_html, to_inline_html
from .static import MATCHING_RULE, MULTIPLE_RULE, ORDERING_RULE, VERDICT_LABELS


class Scoreboard:
    """The running score of one bank in this kernel: the last valid result per question."""

    def __init__(self, bank):
        self.bank, self.scores, self.labels = bank, {}, []

    def record(self, question, result) -> None:
        if result.counts:
            self.scores[question.id] = result.score * question.points
        for label in self.labels:
            label.value = self.text()

    def text(self) -> str:
        earned = round(sum(self.scores.values()), 2)
        return f"{self.bank.title}: {earned:g} of {self.bank.total_points:g} points"


class QuestionWidget(w.VBox):
    """One question: its controls, a Check button, feedback and explanation."""

    def __init__(self, question, number: int, scoreboard: Scoreboard, seed: int = 0):
        self.question, self.scoreboard = question, scoreboard
        self.result = None
        title = w.HTML(f"<strong>Question {number}</strong> ({question.points:g} point{'s' if question.points != 1 else ''})")
        prompt = w.HTMLMath(to_html(question.prompt))
        self.controls, self._read, rule = self._build_controls(seed)
        self.check_button = w.Button(description="Check", tooltip="Check your answer")
        self.check_button.on_click(lambda _: self.check())
        self.feedback = w.HTMLMath()
        self.explanation = w.HTMLMath(layout=w.Layout(display="none"))
        actions = [self.check_button]
        self.hint = None
        if question.hint:
            self.hint = w.HTMLMath(to_html(question.hint), layout=w.Layout(display="none"))
            self.hint_button = w.Button(description="Show hint")
            self.hint_button.on_click(lambda _: self.toggle_hint())
            actions.append(self.hint_button)
        parts = [title, prompt] + ([w.HTML(f"<em>{rule}</em>")] if rule else []) + [self.controls, w.HBox(actions)]
        super().__init__(parts + ([self.hint] if self.hint else []) + [self.feedback, self.explanation])
        self.add_class("cb-live-question")

    def _build_controls(self, seed):
        q = self.question
        if q.type == "single":
            keys = q.option_order(seed)
            radio = w.RadioButtons(options=[(_plain(q.options[k]), k) for k in keys], value=None,
                                   description="Answer", layout=w.Layout(width="auto"))
            return radio, lambda: radio.value or "", ""
        if q.type == "multiple":
            boxes = {k: w.Checkbox(description=to_inline_html(q.options[k]), description_allow_html=True,
                                   indent=False, value=False) for k in q.option_order(seed)}
            return w.VBox(list(boxes.values())), lambda: [k for k, box in boxes.items() if box.value], MULTIPLE_RULE
        if q.type in ("numeric", "text"):
            units = f" ({q.units})" if getattr(q, "units", None) else ""
            box = w.Text(description="Answer", placeholder=f"Your answer{units}")
            rule = "Percentages may be written as 24, 24% or 0.24." if getattr(q, "percent", False) else ""
            return box, lambda: box.value, rule
        if q.type == "ordering":
            return self._ordering(seed)
        if q.type != "matching":
            raise UnknownQuestionType("widget (views/widgets.py _build_controls)", q.type)
        choices = q.choices
        options = [("Choose a match", None)] + [(choices[i], i) for i in q.choice_order(seed)]
        menus = [w.Dropdown(options=options, value=None, description=_plain(pair.left),
                            style={"description_width": "initial"}) for pair in q.pairs]
        return w.VBox(menus), lambda: [menu.value for menu in menus], MATCHING_RULE

    def _ordering(self, seed):
        q = self.question
        order = q.display_order(seed)
        box = w.VBox()

        def render():
            rows = []
            for position, item in enumerate(order):
                up = w.Button(description="Up", tooltip=f"Move up: {q.items[item]}", layout=w.Layout(width="4em"))
                down = w.Button(description="Down", tooltip=f"Move down: {q.items[item]}", layout=w.Layout(width="5em"))
                up.on_click(lambda _, p=position: move(p, -1))
                down.on_click(lambda _, p=position: move(p, +1))
                rows.append(w.HBox([w.HTML(f"{position + 1}. {to_inline_html(q.items[item])}"), up, down]))
            box.children = rows

        def move(position, step):
            target = position + step
            if 0 <= target < len(order):
                order[position], order[target] = order[target], order[position]
                render()

        render()
        self.move = move
        return box, lambda: list(order), ORDERING_RULE

    def toggle_hint(self):
        hidden = self.hint.layout.display == "none"
        self.hint.layout.display = None if hidden else "none"
        self.hint_button.description = "Hide hint" if hidden else "Show hint"

    def check(self):
        result = grade(self.question, self._read())
        self.result = result
        self.feedback.value = feedback_html(self.question, result)
        if result.counts:
            self.explanation.value = f"<p><strong>Explanation</strong></p>{to_html(self.question.explanation)}"
            self.explanation.layout.display = None
        self.scoreboard.record(self.question, result)
        return result


def feedback_html(question, result) -> str:
    """The same words the static view shows, from the same result."""
    if result.verdict == "invalid":
        return f"<p><strong>{VERDICT_LABELS['invalid']}</strong> {MESSAGES[result.feedback[0]]}</p>"
    earned = round(result.score * question.points, 2)
    parts = [f"<p><strong>{VERDICT_LABELS[result.verdict]}</strong> {result.detail} ({earned:g} of {question.points:g})</p>"]
    texts = getattr(question, "feedback", {}) or {}
    if question.type == "numeric":
        texts = {f"mistake-{i}": m.feedback for i, m in enumerate(question.mistakes)}
    parts += [to_html(texts[key]) for key in result.feedback if key in texts]
    return "".join(parts)


def _plain(text: str) -> str:
    """Option text for controls that cannot show HTML (radio labels, dropdown entries)."""
    return text.replace("*", "").replace("`", "")


def quiz_widget(bank, questions, scoreboard: Scoreboard, seed: int = 0) -> w.VBox:
    numbers = {q.id: i for i, q in enumerate(bank.questions, start=1)}
    score = w.HTML(scoreboard.text())
    scoreboard.labels.append(score)
    items = [QuestionWidget(q, numbers[q.id], scoreboard, seed) for q in questions]
    box = w.VBox(items + [score])
    box.questions = items
    box.score = score
    return box


def explorer_widget(explorer: Explorer, preset: str | None = None) -> w.VBox:
    values, names = explorer.defaults(preset), explorer.labels(preset)
    sliders = {}
    for s in explorer.sliders:
        sliders[s.name] = w.FloatSlider(value=values[s.name], min=s.min, max=s.max, step=s.step,
                                        description=fill(s.label, names), readout_format=".0f",
                                        style={"description_width": "initial"}, layout=w.Layout(width="95%"))
    results = w.HTMLMath()

    def update(_=None):
        outputs = explorer.compute(**{name: slider.value for name, slider in sliders.items()})
        results.value = results_html(explorer, outputs, names)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    note = (explorer.presets.get(preset) or {}).get("note") if preset else None
    notes = "".join(f"<li>{text}</li>" for text in ((note,) if note else ()) + explorer.notes)
    box = w.VBox([w.HTML(f"<strong>{explorer.title}</strong>"), *sliders.values(), results, w.HTML(f"<ul>{notes}</ul>")])
    box.sliders, box.results = sliders, results
    return box


def results_html(explorer: Explorer, outputs: dict, names: dict) -> str:
    rows = "".join(
        f"<tr><th>{fill(row.label, names)}</th><td>"
        f"{row.missing if outputs[row.key] is None else format_value(outputs[row.key]) + row.unit}</td></tr>"
        for row in explorer.rows
    )
    verdict = fill(fill(explorer.verdicts[outputs["verdict"]], names), outputs)
    chart = threshold_svg(outputs) if explorer.chart == "threshold" else ""
    return f"<p><strong>{verdict}</strong></p>{chart}<table>{rows}</table>"
