"""The models' arithmetic (the browser's `explorers.js`, run in Node), against values worked by hand."""

import pytest

from coursebook.models.explorers import EXPLORERS
from tests import js_runtime

NAMES = {"coercion": ("stake", "replaceable", "credibility", "compliance_cost"),
         "chicken": ("a_win", "a_backdown", "a_crash", "b_win", "b_backdown", "b_crash"),
         "revenue": ("customs_share", "pakistan_share", "lost", "rerouted")}


def _model(name):
    def compute(*args, **values):
        (out,) = js_runtime.run([["model", name, {**dict(zip(NAMES[name], args)), **values}]])
        return out
    return compute


coercion, chicken, revenue = _model("coercion"), _model("chicken"), _model("revenue")


def threshold_svg(outputs):
    (svg,) = js_runtime.run([["svg", outputs]])
    return svg


def test_every_explorer_has_a_model_and_its_sliders_are_its_inputs():
    for name, explorer in EXPLORERS.items():
        assert tuple(slider.name for slider in explorer.sliders) == NAMES[name]
        out = _model(name)(**explorer.defaults())
        keys = {row.key for row in explorer.rows + explorer.bars} | {"verdict"}
        assert keys <= set(out) and set(explorer.verdicts) >= {out["verdict"]}


def test_coercion_defaults():
    out = coercion(50, 20, 60, 20)  # 50 x 0.8 x 0.6 = 24 against 20
    assert out == {"defiance": 24.0, "compliance_cost": 20.0, "margin": 4.0, "gap": 4.0,
                   "verdict": "complies", "needed": 50.0, "exposed": 40.0, "credibility": 60.0}


def test_threshold_plot_marks_the_crossing():
    svg = threshold_svg(coercion(50, 20, 60, 20))
    assert 'aria-label="Expected cost of defiance rises with credibility and meets the cost of compliance at 50% credibility."' in svg
    assert '<line class="cb-threshold" x1="180" y1="36" x2="180" y2="176"/>' in svg
    assert '<circle class="cb-point" cx="208" cy="142.4" r="5"/>' in svg  # credibility 60, defiance 24
    unreachable = threshold_svg(coercion(40, 50, 30, 70))
    assert 'class="cb-threshold" x1="' not in unreachable.replace('x1="40" y1="24"', "")  # no crossing drawn
    assert "credibility needed > 100%" in unreachable


def test_threshold_plot_has_scales_and_a_legend_for_every_line():
    import re

    svg = threshold_svg(coercion(50, 20, 60, 20))
    labels = re.findall(r">([^<>]+)</text>", svg)
    assert labels.count("0") == 2 and labels.count("100") == 2 and "50" in labels  # both axes, 0 to 100
    assert {"credibility (%)", "cost to the target"} <= set(labels)
    # one legend sample per kind of mark drawn in the plot
    drawn = set(re.findall(r'<(?:line|circle) class="(cb-(?:defiance|compliance|threshold|point))"', svg))
    legend = {"expected cost of defiance", "cost of compliance", "credibility needed", "current setting"}
    assert drawn == {"cb-defiance", "cb-compliance", "cb-threshold", "cb-point"} and legend <= set(labels)
    for kind in drawn:
        assert svg.count(f'class="{kind}"') >= 2, f"{kind} drawn but has no legend sample"


def test_coercion_out_of_reach_and_defiance():
    out = coercion(40, 50, 30, 70)  # exposed 20 < 70: no credibility is enough
    assert out["verdict"] == "defies" and out["needed"] is None and out["gap"] == 64.0


def test_coercion_no_stake():
    assert coercion(0, 0, 100, 0)["verdict"] == "indifferent"


def test_chicken_symmetric():
    out = chicken(5, 2, 10, 5, 2, 10)
    assert out["equilibria"] == "FS SF"
    assert out["a_firm"] == pytest.approx(5 / 13, abs=1e-3) and out["verdict"] == "tie"
    assert out["crash_chance"] == round((5 / 13) ** 2, 3)


def test_chicken_reverse_leverage_preset():
    values = {k: v for k, v in EXPLORERS["chicken"].presets["donors-taliban"].items() if k.startswith(("a_", "b_"))}
    out = chicken(**values)
    assert out["b_dominant"] == "yes" and out["verdict"] == "a_swerves"  # the donors swerve
    assert out["equilibria"] == "SF" and out["a_firm"] is None


def test_chicken_side_fearing_crash_less_prevails():
    out = chicken(5, 2, 20, 5, 2, 8)  # A fears the crash more
    assert out["a_risk"] < out["b_risk"] and out["verdict"] == "a_swerves"


def test_revenue():
    assert revenue(60, 40, 100, 0)["exposure"] == 24.0
    assert revenue(60, 40, 50, 50)["fall"] == 6.0
    assert revenue(60, 40, 50, 0) | {} == {"exposure": 24.0, "fall": 12.0, "elsewhere": 36.0, "non_customs": 40.0, "verdict": "shock"}
