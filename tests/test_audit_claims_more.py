"""The ten claims of the two source articles that the audit had missed: each is quoted verbatim
from its article (the source lines, embedded in tests/test_notes_quotes.py, hold every Chinese
fragment and every formula), sits in the audit in the order of its article, and its numbers
agree with an independent computation written here (NumPy loops, mpmath, closed forms)."""


import mpmath
import numpy as np
import pytest
import sympy

from reports import doc
from reports.notes import Context, audit
from reports.notes.audit import plain
from reports.notes.audit_claims import claims
from tests.corrected_run import corrected_run
from tests.test_notes_quotes import FIRST, SECOND, _fragments, _place, _quoted, _text
from tests.test_notes_remedies import _angle, _clip_case

ADDED = {  # a piece of each added claim's Chinese quote that only that claim holds
    "seed000": ("在BPTT中", "可以进一步展开为", "我们可以假设存在一个常数", "当序列长度"),
    "seed003": ("在数学上是同构的", "长距离的梯度传播项为", "特别是", "方向信息可能已经失真",
                "压缩映射", "粗略地说"),
}
SOURCES = {"seed000": FIRST, "seed003": SECOND}


def _zh(claim):
    return "".join(p("zh") for p in claim.quote if isinstance(p, doc.Text))


def added(piece):
    found = [c for c in claims() if piece in _zh(c)]
    assert len(found) == 1, piece
    return found[0]


def floats(parts):
    """The numbers shown in ``parts`` (Math parts holding a Float, or an Eq ending in one)."""
    out = []
    for part in parts:
        if isinstance(part, doc.Math):
            expr = part.expr.rhs if isinstance(part.expr, sympy.Eq) else part.expr
            if isinstance(expr, sympy.Float | sympy.Integer | sympy.Rational):
                out.append(float(expr))
    return out


@pytest.mark.parametrize("article", ["seed000", "seed003"])
def test_quotes_are_verbatim_and_in_the_order_of_the_article(article):
    sources = SOURCES[article]
    text = "".join(_text(s) for s in sources)
    mine = [added(piece) for piece in ADDED[article]]
    for claim in mine:
        assert claim.article == article
        assert all(f in text for f in _fragments(_quoted(claim.quote)))
        _place(claim.quote, sources)     # every fragment and formula on one run of lines
        assert plain(claim.quote, "zh") != plain(claim.quote, "en")
        for lang in ("en", "zh"):
            assert plain(claim.reason, lang).strip() and plain(claim.verdict, lang).strip()
    ordered = [c for c in claims() if c.article == article]
    places = [_place(c.quote, sources) for c in ordered]
    assert places == sorted(places)


def test_the_audit_section_holds_every_claim(tmp_path):
    ctx = Context(tmp_path / "figures")
    ctx.figure_dir.mkdir()
    _, results = audit.build(ctx)
    assert len(results["audit"]) == len(claims()) >= 24
    assert sum(1 for e in results["audit"] if e["value"] is not None) >= 20


def test_eigenvalues_of_the_factors_do_not_decide_the_product():
    A, B = np.array([[0.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [2.0, 0.0]])
    assert np.all(np.linalg.eigvals(A) == 0) and np.all(np.linalg.eigvals(B) == 0)
    assert max(abs(np.linalg.eigvals(A @ B))) == 4.0
    claim = added("在BPTT中")
    assert claim.value == 4.0 and plain(claim.verdict) == "wrong"


def test_the_bptt_sum_of_section_3_1_against_a_forward_mode_loop():
    """h_k = tanh(w h_{k−1} + 1), h_0 = 0, w = 1/2, t = 3 in mpmath (30 digits): the true
    dh_3/dw by forward mode; the article's sum Σ_{k=0}^{2} (∂h_3/∂h_k)(dh_k/dw); the right sum
    Σ_{k=1}^{3} (∂h_3/∂h_k)(1 − h_k²) h_{k−1}."""
    with mpmath.workdps(30):
        w, h, dh = mpmath.mpf(1) / 2, [mpmath.mpf(0)], [mpmath.mpf(0)]
        for _ in range(3):
            h.append(mpmath.tanh(w * h[-1] + 1))
            dh.append((1 - h[-1] ** 2) * (h[-2] + w * dh[-1]))

        def back(k):   # ∂h_3/∂h_k
            return mpmath.fprod(w * (1 - h[m] ** 2) for m in range(k + 1, 4))

        article = mpmath.fsum(back(k) * dh[k] for k in range(3))
        right = mpmath.fsum(back(k) * (1 - h[k] ** 2) * h[k - 1] for k in range(1, 4))
        assert abs(right - dh[3]) < mpmath.mpf(10) ** -25
    claim = added("可以进一步展开为")
    assert claim.value == pytest.approx(float(dh[3]), rel=1e-14)
    assert floats(claim.recomputed) == [pytest.approx(float(article), rel=1e-3),
                                        pytest.approx(float(dh[3]), rel=1e-3)]
    assert float(article) < 0.1 * float(dh[3])


def test_the_recent_contribution_stays_while_the_distant_ones_vanish():
    _, h, x, deltas, _ = corrected_run()
    recent = np.linalg.norm(np.outer(deltas[100], h[99]))
    claim = added("当序列长度")
    assert claim.value == pytest.approx(recent, rel=1e-12) and f"{recent:.2f}" == "5.44"
    assert floats(claim.reason) == [pytest.approx(recent, rel=1e-2),
                                    pytest.approx(np.linalg.norm(np.outer(deltas[50], h[49])),
                                                  rel=1e-2)]
    assert plain(claim.verdict) == "wrong"


def test_w_xh_fades_as_fast_as_w_hh():
    _, h, x, deltas, _ = corrected_run()
    hh = np.linalg.norm(np.outer(deltas[80], h[79])) / np.linalg.norm(np.outer(deltas[100], h[99]))
    xh = np.linalg.norm(np.outer(deltas[80], x[79])) / np.linalg.norm(np.outer(deltas[100], x[99]))
    claim = added("特别是")
    assert claim.value == pytest.approx(xh, rel=1e-10)
    assert floats(claim.recomputed) == [pytest.approx(hh, rel=1e-2), pytest.approx(xh, rel=1e-2)]
    assert 0.1 < xh / hh < 10 and max(hh, xh) < 1e-12


def test_the_tanh_step_exceeds_one_for_large_weights():
    step = 2 * (1 - mpmath.tanh(0) ** 2)
    claim = added("我们可以假设存在一个常数")
    assert claim.value == float(step) == 2.0 and plain(claim.verdict) == "wrong"


def test_time_varying_backprop_grows_where_one_factor_dies():
    A, B = np.array([[0.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [2.0, 0.0]])
    product = np.eye(2)
    for k in range(1, 11):
        product = product @ (A if k % 2 else B).T
    assert not (A @ A).any()
    claim = added("在数学上是同构的")
    assert claim.value == np.linalg.norm(product, 2) == 1024.0


def test_the_product_needs_its_order():
    W = np.array([[1.0, 1.0], [0.0, 1.0]])
    J1, J2 = np.diag([1.0, 0.5]) @ W, np.diag([0.5, 1.0]) @ W
    gap = np.linalg.norm(J2 @ J1 - J1 @ J2, 2)
    claim = added("长距离的梯度传播项为")
    assert gap > 0 and claim.value == pytest.approx(gap, rel=1e-14)


def test_norm_clipping_keeps_the_direction_and_value_clipping_turns_it():
    """On the gradient of the exploding case of sec:remedies, by a hand BPTT loop
    (tests/test_notes_remedies.py): norm clipping leaves the angle 0 (up to rounding), value
    clipping to [−1, 1] turns g; the audit shows the same numbers as that section."""
    g, _ = _clip_case(1.3)
    turned = _angle(g, np.clip(g, -1.0, 1.0))
    kept = _angle(g, g / np.linalg.norm(g))        # the norm-clipped g (its norm exceeds 1)
    assert np.linalg.norm(g) > 1 and kept < 1e-12 and turned > 10
    claim = added("方向信息可能已经失真")
    assert claim.value == pytest.approx(turned, rel=1e-9)
    assert floats(claim.recomputed) == [0.0, pytest.approx(turned, abs=0.01)]
    changed = int(np.sum(np.abs(g) > 1.0))
    assert f"changes {changed} of its {g.size} entries" in plain(claim.reason)


def test_spectral_radius_below_one_is_no_contraction_in_the_2_norm():
    J = np.array([[0.5, 5.0], [0.0, 0.5]])
    assert max(abs(np.linalg.eigvals(J))) == 0.5
    sigma = np.linalg.norm(J, 2)
    assert np.linalg.norm(J @ np.array([0.0, 1.0])) > 1
    claim = added("压缩映射")
    assert claim.value == pytest.approx(sigma, rel=1e-14) and sigma > 5


def test_a_norm_above_one_does_not_make_the_gradient_explode():
    """J^k = [[2^-k, 5k 2^(1-k)], [0, 2^-k]] (induction); its 2-norm at k = 100 in mpmath."""
    with mpmath.workdps(50):
        k = 100
        Jk = mpmath.matrix([[mpmath.mpf(2) ** -k, 5 * k * mpmath.mpf(2) ** (1 - k)],
                            [0, mpmath.mpf(2) ** -k]])
        far = max(mpmath.svd_r(Jk, compute_uv=False))
    claim = added("粗略地说")
    assert claim.value == pytest.approx(float(far), rel=1e-12) and claim.value < 1e-26
    assert np.linalg.norm(np.array([[0.5, 5.0], [0.0, 0.5]]), 2) > 5


@pytest.mark.parametrize("article", ["seed000", "seed003"])
def test_no_two_claims_quote_the_same_words(article):
    """A sentence is judged once: no quoted piece of one claim lies inside a quoted piece of
    another claim of the same article (so one sentence cannot be called both imprecise and
    wrong); pieces of a few characters ("。", "令 ") are words, not sentences."""
    mine = [[f for f in _fragments(_quoted(c.quote)) if len(f) >= 6]
            for c in claims() if c.article == article]
    for i, pieces in enumerate(mine):
        others = [f for j, other in enumerate(mine) if j != i for f in other]
        assert not [p for p in pieces if any(p in o or o in p for o in others)], pieces
