"""The notes' sections 'sec:saturation' and 'sec:relu': every number they print checked
against a hand-written loop (tanh products in logarithms, ReLU's exact zero, the IRNN's
identity), the saturation figures at their printed size, and the ReLU question stated first.
Both languages, no CJK in English and the TeX build: tests/test_notes_vector.py."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

from reports import doc, doc_walk, figures
from reports.notes import saturation


@pytest.fixture
def built(vector_notes):
    return vector_notes


# ---- sec:saturation ---------------------------------------------------------------------

def hand_log10(w, x, T, h0=0.0):
    """log10|Π_t w tanh'(a_t)| for h_t = tanh(w h_{t−1} + x), summed in logarithms."""
    h, total = h0, 0.0
    for _ in range(T):
        a = w * h + x
        total += math.log10(abs(w * (1 - math.tanh(a) ** 2)))
        h = math.tanh(a)
    return total


def test_saturation_numbers_match_hand_loop(built):
    results = built[3]
    for x in (0, 1, 3):
        assert results["saturation_w09_T100"][str(x)] == pytest.approx(hand_log10(0.9, x, 100),
                                                                        rel=1e-9)
    w15 = results["saturation_w15_T100"]
    assert w15["0"] == pytest.approx(100 * math.log10(1.5), rel=1e-12)
    assert w15["0, h0 = 0.1"] == pytest.approx(hand_log10(1.5, 0.0, 100, h0=0.1), rel=1e-9)
    assert w15["0, h0 = 0.1"] < -1 and w15["1"] == pytest.approx(hand_log10(1.5, 1, 100),
                                                                 rel=1e-9)
    mapped = results["saturation_map"]
    assert mapped["T_end_w_plus_1"] == pytest.approx(hand_log10(1.0, 0.1, 200), rel=1e-9)
    assert mapped["T_end_w_minus_1"] == pytest.approx(hand_log10(-1.0, 0.1, 200), rel=1e-9)
    point = results["saturation_fixed_point"]
    assert math.tanh(1.5 * point["h"]) == pytest.approx(point["h"], abs=1e-14)
    assert point["factor"] == pytest.approx(1.5 * (1 - math.tanh(1.5 * point["h"]) ** 2))


@pytest.mark.parametrize("draw", [saturation.draw_map, saturation.draw_saturation])
def test_saturation_figures_print_size_and_fonts(built, draw):
    with plt.rc_context(figures.STYLE):   # the report's style, as Context.draw uses it
        fig, ax = plt.subplots(figsize=saturation.SIZE)
        draw(ax, None)
        fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(lambda o: hasattr(o, "get_fontsize"))]
    plt.close(fig)
    assert saturation.SIZE[0] <= 6.3 and min(sizes) >= 8
    assert {"saturation.pdf", "regime_map.pdf"} <= {p.name for p in built[0].glob("figures/*")}


# ---- sec:relu ---------------------------------------------------------------------------

def test_relu_explode_is_200_log10_1_2(built):
    assert built[3]["relu_explode_log10"] == pytest.approx(200 * math.log10(1.2), abs=1e-9)


def test_relu_dead_unit_gives_exact_zero(built):
    h, product = -1.0, 1.0
    for _ in range(200):
        a = 1.2 * h - 1.0
        product *= 1.2 * (1.0 if a > 0 else 0.0)
        h = max(0.0, a)
    assert product == 0.0
    assert built[3]["relu_dead_log10"] is None
    assert "minus infinity" in built[3]["relu_dead_log10_note"]


def test_relu_irnn_product_is_identity(built):
    product = sp.Matrix(built[3]["relu_irnn_product"])
    assert product == sp.eye(2)


def test_relu_states_the_question_first(built):
    first = built[2]["sec:relu"].blocks[:2]
    words = " ".join(p.zh for b in first for p in doc_walk.block_parts(b)
                     if isinstance(p, doc.Text))
    assert "思考" in words or "问题" in words
    assert "梯度消失和梯度爆炸问题会如何表现" in words


def test_saturation_quotes_only_plotted_drives():
    assert set(saturation.DRIVES) <= set(saturation.FIGURE_DRIVES)


def test_irnn_check_states_its_input_weights(built):
    """The IRNN check displays W_xh (and h_0); its product equals a hand loop's."""
    _, _, sections, _ = built
    shown = {str(e.lhs) for b in sections["sec:relu"].blocks if isinstance(b, doc.Display)
             for e in b.exprs if isinstance(e, sp.Eq)}
    assert {"W_xh", "h_0"} <= shown
    h, P = np.array([1.0, 1.0]), np.eye(2)
    for x in (1, 2, 1, 3):
        a = h + np.array([1.0, 1.0]) * x
        P = np.diag((a > 0).astype(float)) @ P
        h = np.maximum(a, 0)
    np.testing.assert_array_equal(P, np.eye(2))
    np.testing.assert_array_equal(np.array(built[3]["relu_irnn_product"], dtype=float), P)
