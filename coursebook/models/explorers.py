"""The book's interactive models: their inputs, presets and arithmetic. Pure Python, no views.

Each model's `compute` has a twin in `views/assets/coursebook.js` (`CourseBook.models`); the tests
run
both on the same grid of inputs. Outputs are flat dicts of numbers, strings and None, rounded
half-up to one decimal (probabilities and tolerances to three) so the two languages agree exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field


def round_half_up(value: float, places: int = 1) -> float:
    scale = 10**places
    return math.floor(value * scale + 0.5) / scale


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
    compute: Callable[..., dict]
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


def coercion(stake: float, replaceable: float, credibility: float, compliance_cost: float) -> dict:
    exposed = stake * (1 - replaceable / 100)
    defiance = exposed * credibility / 100
    margin = defiance - compliance_cost
    verdict = "complies" if margin > 1e-9 else "defies" if margin < -1e-9 else "indifferent"
    needed = compliance_cost / exposed * 100 if exposed > 0 else None
    return {
        "defiance": round_half_up(defiance),
        "compliance_cost": round_half_up(compliance_cost),
        "margin": round_half_up(margin),
        "gap": round_half_up(abs(margin)),
        "verdict": verdict,
        "needed": round_half_up(needed) if needed is not None and needed <= 100 else None,
        "exposed": round_half_up(exposed),
        "credibility": round_half_up(credibility),
    }


def chicken(
    a_win: float, a_backdown: float, a_crash: float, b_win: float, b_backdown: float, b_crash: float
) -> dict:
    # Payoffs (A, B); F = stand firm, S = swerve. Both swerving pays 0 to each.
    payoff = {
        "FF": (-a_crash, -b_crash),
        "FS": (a_win, -b_backdown),
        "SF": (-a_backdown, b_win),
        "SS": (0.0, 0.0),
    }
    flip = {"F": "S", "S": "F"}
    equilibria = [
        cell
        for cell in ("FS", "SF", "SS", "FF")
        if payoff[cell][0] >= payoff[flip[cell[0]] + cell[1]][0]
        and payoff[cell][1] >= payoff[cell[0] + flip[cell[1]]][1]
    ]
    a_dominant, b_dominant = a_crash <= a_backdown, b_crash <= b_backdown
    mixed = not a_dominant and not b_dominant and a_win > 0 and b_win > 0
    a_firm = b_win / (b_win + b_crash - b_backdown) if mixed else None
    b_firm = a_win / (a_win + a_crash - a_backdown) if mixed else None
    a_risk = (a_win + a_backdown) / (a_win + a_crash) if a_win + a_crash > 0 else 1.0
    b_risk = (b_win + b_backdown) / (b_win + b_crash) if b_win + b_crash > 0 else 1.0
    if a_dominant and b_dominant:
        verdict = "crash"
    elif a_dominant or b_dominant:
        verdict = "b_swerves" if a_dominant else "a_swerves"
    elif abs(a_risk - b_risk) < 1e-9:
        verdict = "tie"
    else:
        verdict = "a_swerves" if a_risk < b_risk else "b_swerves"
    return {
        "equilibria": " ".join(equilibria) or "none",
        "a_firm": round_half_up(a_firm, 3) if a_firm is not None else None,
        "b_firm": round_half_up(b_firm, 3) if b_firm is not None else None,
        "crash_chance": (
            round_half_up(a_firm * b_firm, 3)
            if mixed and a_firm is not None and b_firm is not None
            else None
        ),
        "a_risk": round_half_up(a_risk, 3),
        "b_risk": round_half_up(b_risk, 3),
        "a_dominant": "yes" if a_dominant else "no",
        "b_dominant": "yes" if b_dominant else "no",
        "verdict": verdict,
    }


def revenue(customs_share: float, pakistan_share: float, lost: float, rerouted: float) -> dict:
    exposure = customs_share * pakistan_share / 100
    fall = exposure * lost / 100 * (1 - rerouted / 100)
    return {
        "exposure": round_half_up(exposure),
        "fall": round_half_up(fall),
        "elsewhere": round_half_up(customs_share - exposure),
        "non_customs": round_half_up(100 - customs_share),
        "verdict": "shock" if fall > 1e-9 else "none",
    }


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
        compute=coercion,
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
        compute=chicken,
        rows=(
            Row(
                "Pure equilibria (F firm, S swerve; first letter: {side_a}; second letter: "
                "{side_b})",
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
        compute=revenue,
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


def threshold_svg(out: dict) -> str:
    """The coercion threshold plot; `views/assets/coursebook.js` draws the same SVG, character for
    character.

    Both axes run from 0 to 100 with ticks every 25; the legend names every line and the point."""
    x = lambda credibility: format_value(round_half_up(40 + credibility * 2.8))  # noqa: E731
    y = lambda cost: format_value(round_half_up(176 - min(cost, 100) * 1.4))  # noqa: E731
    needed = out["needed"]
    summary = (
        f"Expected cost of defiance rises with credibility and meets the cost of compliance at "
        f"{format_value(needed)}% credibility."
        if needed is not None
        else "Expected cost of defiance stays below the cost of compliance at any credibility."
    )
    parts = [f'<svg class="cb-chart" viewBox="0 0 360 214" role="img" aria-label="{summary}">']
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line class="cb-grid" x1="40" y1="{y(tick)}" x2="320" y2="{y(tick)}"/>'
            f'<text x="35" y="{y(tick)}" dy="4" text-anchor="end">{tick}</text>'
            f'<line class="cb-tick" x1="{x(tick)}" y1="176" x2="{x(tick)}" y2="180"/>'
            f'<text x="{x(tick)}" y="191" text-anchor="middle">{tick}</text>'
        )
    parts += [
        '<path class="cb-axis" d="M40 36V176H320"/>',
        f'<line class="cb-compliance" x1="40" y1="{y(out["compliance_cost"])}" x2="320" '
        f'y2="{y(out["compliance_cost"])}"/>',
        f'<line class="cb-defiance" x1="40" y1="176" x2="320" y2="{y(out["exposed"])}"/>',
    ]
    if needed is not None:
        parts.append(
            f'<line class="cb-threshold" x1="{x(needed)}" y1="36" x2="{x(needed)}" y2="176"/>'
        )
    parts += [
        f'<circle class="cb-point" cx="{x(out["credibility"])}" cy="{y(out["defiance"])}" r="5"/>',
        '<text x="180" y="208" text-anchor="middle">credibility (%)</text>',
        '<text x="9" y="106" transform="rotate(-90 9 106)" text-anchor="middle">cost to the '
        "target</text>",
        '<line class="cb-defiance" x1="40" y1="8" x2="60" y2="8"/><text x="64" y="12">expected '
        "cost of defiance</text>",
        '<line class="cb-compliance" x1="214" y1="8" x2="234" y2="8"/><text x="238" y="12">cost '
        "of compliance</text>",
        '<line class="cb-threshold" x1="40" y1="24" x2="60" y2="24"/><text x="64" y="28">'
        + ("credibility needed" if needed is not None else "credibility needed > 100%")
        + "</text>",
        '<circle class="cb-point" cx="224" cy="24" r="4"/><text x="238" y="28">current '
        "setting</text>",
        "</svg>",
    ]
    return "".join(parts)
