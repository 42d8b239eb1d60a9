"""The book's interactive models as data: their sliders, presets, result rows and sentences.

The arithmetic lives in one place, the browser (`views/assets/explorers.js`, `CourseBook.models`),
on the site and in Jupyter alike; the tests run it in Node (`tests/models/test_explorers.py`).
Each model's outputs are a flat object whose keys the rows, bars and verdict sentences name.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slider:
    name: str
    label: str
    min: float
    max: float
    step: float
    value: float
    unit: str = ""


@dataclass(frozen=True)
class Row:
    """One line of the results table: `key` names an output; None shows `missing`."""

    label: str
    key: str
    unit: str = ""
    missing: str = "n/a"


@dataclass(frozen=True)
class Explorer:
    name: str
    title: str
    sliders: tuple[Slider, ...]
    rows: tuple[Row, ...]
    verdicts: dict[str, str]
    """Sentence per value of the output `verdict`, with {key} placeholders filled from the
    outputs."""
    bars: tuple[Row, ...] = ()
    notes: tuple[str, ...] = ()
    presets: dict[str, dict] = field(default_factory=dict)
    chart: str | None = None
    """'threshold': a plot of the cost of defiance against credibility (coercion outputs)."""

    def defaults(self, preset: str | None = None) -> dict:
        values = {slider.name: slider.value for slider in self.sliders}
        if preset is not None:
            if preset not in self.presets:
                raise KeyError(
                    f"explorer {self.name!r} has no preset {preset!r}; presets: "
                    f"{', '.join(self.presets)}"
                )
            values.update({k: v for k, v in self.presets[preset].items() if k in values})
        return values

    def labels(self, preset: str | None = None) -> dict:
        """Names of the sides, where a preset gives them (used in slider labels and sentences)."""
        names = {"side_a": "Side A", "side_b": "Side B"}
        if preset:
            names.update({k: v for k, v in self.presets[preset].items() if k in names})
        return names


def _percent(name, label, value):
    return Slider(name, label, 0, 100, 1, value, "%")


EXPLORERS = {
    "coercion": Explorer(
        name="coercion",
        title="Coercion explorer: does the target comply?",
        sliders=(
            Slider(
                "stake",
                "What is at stake for the target (value the coercer can withhold or impose)",
                0,
                100,
                1,
                50,
            ),
            _percent("replaceable", "Share the target could replace through alternatives", 20),
            _percent(
                "credibility",
                "Credibility: the chance, as the target judges it, that the threat or promise "
                "will be carried out",
                60,
            ),
            Slider(
                "compliance_cost",
                "Target's cost of complying (internal costs included)",
                0,
                100,
                1,
                20,
            ),
        ),
        rows=(
            Row("Expected cost of defiance", "defiance"),
            Row("Cost of compliance", "compliance_cost"),
            Row("Margin (defiance minus compliance)", "margin"),
            Row("Credibility needed for compliance", "needed", "%", "out of reach"),
        ),
        bars=(
            Row("Expected cost of defiance", "defiance"),
            Row("Cost of compliance", "compliance_cost"),
        ),
        verdicts={
            "complies": "The target complies: defying would cost it {gap} more than complying.",
            "defies": "The target defies: complying would cost it {gap} more than defying.",
            "indifferent": "The target is indifferent: the two costs are equal.",
        },
        notes=("Expected cost of defiance = stake x (1 - replaceable share) x credibility.",),
        chart="threshold",
        presets={
            "west-taliban": {
                "stake": 40,
                "replaceable": 50,
                "credibility": 30,
                "compliance_cost": 70,
                "note": "Western donors and the Taliban: illustrative values for teaching, not "
                "estimates.",
            },
            "pakistan-taliban": {
                "stake": 60,
                "replaceable": 30,
                "credibility": 70,
                "compliance_cost": 50,
                "note": "Pakistan and the Taliban: illustrative values for teaching, not "
                "estimates.",
            },
        },
    ),
    "chicken": Explorer(
        name="chicken",
        title="Chicken-game explorer: who swerves?",
        sliders=(
            Slider("a_win", "{side_a}: value of prevailing when the other swerves", 0, 10, 1, 5),
            Slider("a_backdown", "{side_a}: cost of swerving alone", 0, 10, 1, 2),
            Slider("a_crash", "{side_a}: cost of the crash (both stand firm)", 0, 20, 1, 10),
            Slider("b_win", "{side_b}: value of prevailing when the other swerves", 0, 10, 1, 5),
            Slider("b_backdown", "{side_b}: cost of swerving alone", 0, 10, 1, 2),
            Slider("b_crash", "{side_b}: cost of the crash (both stand firm)", 0, 20, 1, 10),
        ),
        rows=(
            Row(
                "Pure equilibria (F firm, S swerve; "
                "first letter: {side_a}; second letter: {side_b})",
                "equilibria",
            ),
            Row(
                "{side_a}: chance of standing firm in the mixed equilibrium",
                "a_firm",
                "",
                "no mixed equilibrium",
            ),
            Row(
                "{side_b}: chance of standing firm in the mixed equilibrium",
                "b_firm",
                "",
                "no mixed equilibrium",
            ),
            Row("Mixed equilibrium: chance of a crash", "crash_chance", "", "no mixed equilibrium"),
            Row("{side_a}: risk tolerance", "a_risk"),
            Row("{side_b}: risk tolerance", "b_risk"),
            Row("{side_a}: standing firm is dominant", "a_dominant"),
            Row("{side_b}: standing firm is dominant", "b_dominant"),
        ),
        verdicts={
            "a_swerves": "Prediction: {side_a} should be the side that swerves.",
            "b_swerves": "Prediction: {side_b} should be the side that swerves.",
            "crash": "Prediction: both stand firm, and the crash follows.",
            "tie": "Prediction: neither side is favoured; commitment and resolve decide.",
        },
        notes=(
            "Risk tolerance = (win + cost of backing down) / (win + cost of the crash): the "
            "largest "
            "chance of a crash a side would run rather than back down. Above 1, the side prefers "
            "the crash to backing down, so standing firm is dominant for it.",
        ),
        presets={
            "donors-taliban": {
                "side_a": "Western donors",
                "side_b": "The Taliban",
                "a_win": 4,
                "a_backdown": 3,
                "a_crash": 10,
                "b_win": 6,
                "b_backdown": 8,
                "b_crash": 5,
                "note": "Illustrative values for teaching, not estimates.",
            },
            "pakistan-ttp": {
                "side_a": "Pakistan",
                "side_b": "The Taliban",
                "a_win": 5,
                "a_backdown": 6,
                "a_crash": 8,
                "b_win": 5,
                "b_backdown": 6,
                "b_crash": 8,
                "note": "Illustrative, symmetric values for teaching, not estimates.",
            },
        },
    ),
    "revenue": Explorer(
        name="revenue",
        title="Revenue-exposure calculator",
        sliders=(
            _percent("customs_share", "Customs as a share of total revenue", 60),
            _percent("pakistan_share", "Share of customs collected at Pakistani crossings", 40),
            _percent("lost", "Fraction of that trade lost", 100),
            _percent("rerouted", "Fraction of the lost trade rerouted via Iran or Central Asia", 0),
        ),
        rows=(
            Row("Revenue exposed to Pakistani crossings", "exposure", "%"),
            Row("Fall in total revenue", "fall", "%"),
            Row("Customs collected elsewhere", "elsewhere", "%"),
            Row("Revenue other than customs", "non_customs", "%"),
        ),
        bars=(Row("Fall in total revenue", "fall", "%"), Row("Revenue exposed", "exposure", "%")),
        verdicts={
            "shock": "Total revenue falls by about {fall}%.",
            "none": "Total revenue does not fall under these settings.",
        },
        notes=(
            "Exposure is not loss: trade can be rerouted and some goods would still cross.",
            "The two shares may not cover the same period or definition of revenue; USIP gives no "
            "year.",
            "Indirect effects (taxes on businesses that depend on the trade) are left out.",
            "Off-budget humanitarian aid is outside the de facto government's revenue.",
        ),
    ),
}


def get_explorer(name: str) -> Explorer:
    if name not in EXPLORERS:
        raise KeyError(f"no explorer named {name!r}; explorers: {', '.join(EXPLORERS)}")
    return EXPLORERS[name]


def fill(template: str, values: dict) -> str:
    """Fill {key} placeholders; the JavaScript view does the same with the same templates."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", format_value(value))
    return template


def format_value(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
