"""Issue 14, item 10 (a, b): the ReLU section says that a unit inactive at a step cuts the paths
through it at that step (not every path, not the gradient), and the gain paragraph calls
γ‖W_hh‖₂ < 1 *a* sufficient condition for vanishing (一个充分条件).  Each wording is
checked against a hand computation that shows why the old one was false."""

import math

import numpy as np
import pytest
import sympy as sp

from reports import doc, doc_walk
from reports.html_reasons_zh import REASONS_ZH
from reports.notes import Context, relu, vector_gain


def words(parts):
    texts = [p for p in doc_walk.inline_parts(parts) if isinstance(p, doc.Text)]
    return " ".join(t.en for t in texts), "".join(t.zh for t in texts)


@pytest.fixture(scope="module")
def relu_section(tmp_path_factory):
    ctx = Context(tmp_path_factory.mktemp("relu") / "figures")
    ctx.figure_dir.mkdir()
    return relu.build(ctx)[0]


def test_one_inactive_unit_cuts_only_its_paths_by_hand():
    """Two ReLU units, unit 2 inactive at step 2 only: the product Π_k D_k W is not 0 (so
    'dead units cut every path' / 'cut the gradient to 0' is false), and exactly the paths
    through unit 2 at step 2 are gone: the product equals the sum over paths that avoid it."""
    W = np.array([[0.9, 0.3], [0.3, 0.9]])
    x = [np.array([0.5, 0.5]), np.array([0.5, -5.0]), np.array([0.5, 0.5])]
    h, masks = np.array([1.0, 1.0]), []
    for x_k in x:
        a = W @ h + x_k
        masks.append((a > 0).astype(float))
        h = np.maximum(a, 0)
    assert [m.tolist() for m in masks] == [[1, 1], [1, 0], [1, 1]]
    product = np.eye(2)
    for m in masks:
        product = (m[:, None] * W) @ product
    assert np.all(product != 0)
    paths = np.zeros((2, 2))          # Σ over paths i_3 ← i_2 ← i_1 ← i_0 with i_2 = unit 1
    for i3 in range(2):
        for i1 in range(2):
            for i0 in range(2):
                paths[i3, i0] += (masks[2][i3] * W[i3, 0] * masks[1][0] * W[0, i1]
                                  * masks[0][i1] * W[i1, i0])
    np.testing.assert_allclose(product, paths, rtol=1e-15)


def test_relu_section_says_paths_at_that_step(relu_section):
    everything = [words(b.parts) for b in relu_section.blocks if isinstance(b, doc.Para)]
    everything += [words(relu_section.learn), words(relu_section.takeaway)]
    en = " ".join(e for e, _ in everything)
    zh = "".join(z for _, z in everything)
    for false in ("cuts the gradient to exactly 0", "dead units cut it", "when every unit on a "
                  "path is inactive", "exact zeros from dead units"):
        assert false not in en
    for false in ("未激活的单元把梯度精确地切断", "死亡单元把梯度精确地切断",
                  "一条路径上的单元都未激活"):
        assert false not in zh
    assert en.count("at that step") >= 2 and "every path through it at that step" in en
    assert "在该步经过它的" in zh and "当所有路径都被切断时" in zh


def test_sufficient_condition_is_a_sufficient_condition():
    """tanh, w = 1.5, x_t = 1 (γ|w| = 1.5 > 1): the gradient vanishes anyway (hand loop), so
    γ‖W‖ < 1 is not the condition for vanishing, only a sufficient one; the paragraph and the
    reasons' Chinese say so."""
    h, total = 0.0, 0.0
    for _ in range(100):
        a = 1.5 * h + 1.0
        total += math.log10(abs(1.5 * (1 - math.tanh(a) ** 2)))
        h = math.tanh(a)
    assert total < -10
    para = vector_gain.gelu_silu({"gelu": {"decimal": 1.1289}, "silu": {"decimal": 1.0998}},
                                 sp.MatrixSymbol("W_hh", 2, 2))
    en, zh = words(para.parts)
    assert "a sufficient condition for vanishing" in en and "the sufficient" not in en
    assert "一个充分条件" in zh
    assert "一个充分条件" in REASONS_ZH["sufficient for vanishing"]
