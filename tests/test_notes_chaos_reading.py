"""The edge-of-chaos paragraph reads its curves (issue 14, item 9: sentences that describe a
figure come from its data): where λ_max is clearly negative, near zero and clearly positive,
and the right panel's ρ(g W0)/g and σ_max(g W0)/(2g), on hand-made curves whose answers are
known by construction and recomputed here by plain loops."""

import math

import pytest

from reports import doc, doc_walk
from reports.notes import dynamics_chaos as dc
from reports.notes.dynamics_chaos_reading import edge_reading
from reports.notes.dynamics_chaos_text import chaos_text
from tests.notes_checks import assert_both_languages

GAINS = [0.5, 0.8, 1.0, 1.1, 1.2, 1.3, 1.5, 2.0]
LAMBDAS = {  # two draws: clearly negative up to 1.0 / 0.8, clearly positive from 1.3 / 1.5
    "n=64,seed=0": [-0.3, -0.1, -0.02, 0.001, -0.004, 0.05, 0.1, 0.3],
    "n=64,seed=1": [-0.2, -0.05, 0.003, -0.007, 0.002, 0.009, 0.02, 0.2]}


def numbers():
    curves = {}
    for i, (key, lam) in enumerate(LAMBDAS.items()):
        curves[key] = {"lambda_max": lam,
                       "spectral_radius": [g * (1.01 + 0.02 * i) for g in GAINS],
                       "sigma_max": [2 * g * (0.95 + 0.04 * i) for g in GAINS]}
    return {"gains": GAINS, "curves": curves, "bound_gap_min": 0.5, "bound_gap_max": 1.4,
            "convergence_max": 0.004, "crossing_gain": {}}


def hand():
    """(last clearly negative gains, first clearly positive gains, max |λ| in between)."""
    negative, positive, between = [], [], []
    for lam in LAMBDAS.values():
        first = next(i for i, v in enumerate(lam) if v > 0.01)
        last = max(i for i in range(first) if lam[i] < -0.01)
        negative.append(GAINS[last])
        positive.append(GAINS[first])
        between += [abs(v) for v in lam[last + 1:first]]
    return negative, positive, max(between)


def test_reading_by_hand():
    negative, positive, between = hand()
    reading = edge_reading(numbers())
    assert reading["negative_up_to"] == [min(negative), max(negative)] == [0.8, 1.0]
    assert reading["positive_from"] == [min(positive), max(positive)] == [1.3, 1.5]
    assert reading["edge_abs_max"] == pytest.approx(between) and between == 0.009
    assert reading["rho_over_g"] == pytest.approx([1.01, 1.03])
    assert reading["sigma_over_2g"] == pytest.approx([0.95, 0.99])


def test_paragraph_prints_the_reading():
    blocks = chaos_text(numbers(), dc.SIZES, dc.SEEDS, dc.STEPS)
    para = next(b for b in blocks if isinstance(b, doc.Para) and any(
        isinstance(p, doc.Text) and "edge of chaos" in p.en for p in b.parts))
    parts = list(doc_walk.inline_parts(para.parts))
    shown = [float(p.expr) for p in parts if isinstance(p, doc.Math) and p.expr.is_number]
    negative, positive, between = hand()
    for value in (*negative, *positive, between, 1.01, 1.03, 0.95, 0.99):
        assert any(math.isclose(value, n, rel_tol=1e-3) for n in shown), value
    en = "".join(p.en for p in parts if isinstance(p, doc.Text))
    assert "just above g = 1" not in en and "close to 2g" not in en
    assert_both_languages(para.parts, "edge-of-chaos paragraph")


def test_no_positive_exponent_is_said():
    flat = {"gains": [0.5, 1.0], "curves": {"a": {"lambda_max": [-0.5, -0.2],
                                                  "spectral_radius": [0.5, 1.0],
                                                  "sigma_max": [1.0, 2.0]}}}
    reading = edge_reading(flat)
    assert reading["positive_from"] is None and reading["edge_abs_max"] is None
    assert reading["rho_over_g"] == [1.0, 1.0] and reading["sigma_over_2g"] == [1.0, 1.0]
