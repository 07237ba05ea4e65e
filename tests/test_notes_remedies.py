"""The remedies section (reports/notes/remedies.py): clipping against a hand BPTT loop,
orthogonal and identity initialisation against hand products (and exact rotation powers by
trigonometry), the residual step's Jacobian and products against SymPy by hand and torch
float64 autograd, the forget-bias horizons by hand; prose in both languages; LaTeX without
overfull boxes."""

import math

import numpy as np
import pytest
import sympy as sp

import derive
from reports import doc, doc_walk
from reports.notes import Context, remedies
from tests.notes_checks import assert_both_languages, assert_languages, build_pdf, stray_markers


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("remedies")
    ctx = Context(folder / "figures")
    ctx.figure_dir.mkdir()
    section, results = remedies.build(ctx)
    return folder, ctx, section, results["remedies"]


def _orthogonal(rng, n):
    """A Haar orthogonal draw by hand: QR of a Gaussian, column signs from R's diagonal."""
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def _clip_case(gain):
    """(‖g‖, log10‖∂h_T/∂h_0‖₂) by a hand forward/backward loop: L = ½‖h_T − 1‖²."""
    rng = np.random.default_rng(3)
    n, T = 8, 60
    W = gain * _orthogonal(rng, n)
    W_xh, h0 = rng.standard_normal((n, 1)), 0.1 * rng.standard_normal(n)
    x = 0.1 * rng.standard_normal((T, 1))
    hs = [h0]
    for t in range(T):
        hs.append(np.tanh(W @ hs[-1] + W_xh @ x[t]))
    g, grad, P = hs[-1] - 1.0, np.zeros((n, n)), np.eye(n)
    terms = {}
    for t in range(T, 0, -1):
        delta = (1 - hs[t] ** 2) * g
        grad += np.outer(delta, hs[t - 1])
        terms[t] = np.linalg.norm(np.outer(delta, hs[t - 1]))
        g = W.T @ delta
        P = P @ ((1 - hs[t] ** 2)[:, None] * W)
    _clip_case.terms = terms
    return grad, math.log10(np.linalg.norm(P, 2))


def _angle(u, v):
    """∠(u, v) in degrees by hand: atan2 of the rejection of v from u against its projection
    (accurate near 0, unlike arccos of the cosine)."""
    u_hat = u.ravel() / np.linalg.norm(u)
    along = float(v.ravel() @ u_hat)
    return math.degrees(math.atan2(np.linalg.norm(v.ravel() - along * u_hat), along))


def test_clipping_direction_norm_kept_value_turned(built):
    """Issue 14 item 10: on the same g, norm clipping keeps the direction (angle < 1e-12
    degrees, cosine stored clamped to [−1, 1], not 1.0000000000000002) and value clipping
    (np.clip to [−1, 1]) turns it, by hand; the section prints both angles and settles the
    second article's claim; ``clipping_direction`` gives the audit the same numbers."""
    from reports.notes import remedies_numbers
    clip = built[3]["clipping"]
    for case in clip["cases"]:
        g, _ = _clip_case(case["gain"])
        size = np.linalg.norm(g)
        by_norm = g / size if size >= 1.0 else g
        by_value = np.clip(g, -1.0, 1.0)
        assert case["norm_clipped_angle_degrees"] == pytest.approx(_angle(g, by_norm),
                                                                   abs=1e-12)
        assert case["norm_clipped_angle_degrees"] < 1e-12
        assert case["value_clipped_angle_degrees"] == pytest.approx(_angle(g, by_value),
                                                                    rel=1e-9, abs=1e-12)
        cosine = np.sum(g * by_value) / (size * np.linalg.norm(by_value))
        assert case["value_clipped_cosine"] == pytest.approx(cosine, rel=1e-12)
        assert case["value_clipped_entries"] == int(np.sum(np.abs(g) > 1.0))
        for key in ("norm_clipped_cosine", "value_clipped_cosine"):
            assert -1.0 <= case[key] <= 1.0
    big, small = clip["cases"]
    assert big["value_clipped_angle_degrees"] > 30 and small["value_clipped_angle_degrees"] == 0
    para = next(b for b in built[2].blocks if isinstance(b, doc.Para) and any(
        isinstance(p, doc.Text) and "value clipping" in p.en for p in b.parts))
    numbers = [float(p.expr) for p in doc_walk.inline_parts(para.parts)
               if isinstance(p, doc.Math) and p.expr.is_number]
    assert any(math.isclose(n, big["value_clipped_angle_degrees"], rel_tol=1e-3) for n in numbers)
    assert any(math.isclose(n, big["norm_clipped_angle_degrees"], rel_tol=1e-2) for n in numbers)
    words = " ".join(p.en for p in doc_walk.inline_parts(para.parts) if isinstance(p, doc.Text))
    zh = "".join(p.zh for p in doc_walk.inline_parts(para.parts) if isinstance(p, doc.Text))
    assert "holds for value clipping, not for the norm clipping" in words
    assert "梯度的方向信息可能已经失真" in zh and doc.Cite("seed003") in para.parts
    assert remedies_numbers.clipping_direction()["value_clipped_angle_degrees"] == \
        big["value_clipped_angle_degrees"]


def test_clipping_keeps_direction_and_product(built):
    """Exploding case: ‖g‖ by hand, clipped to θ = 1; vanishing case: below θ, unchanged; the
    Jacobian product's log10 norm as printed, clipping or not."""
    clip = built[3]["clipping"]
    assert clip["threshold"] == 1.0
    for case in clip["cases"]:
        g, log10_product = _clip_case(case["gain"])
        size = np.linalg.norm(g)
        assert case["norm_before"] == pytest.approx(size, rel=1e-10)
        clipped = g / size if size >= 1.0 else g
        assert case["norm_after"] == pytest.approx(np.linalg.norm(clipped), rel=1e-12)
        assert case["log10_product_norm"] == pytest.approx(log10_product, abs=1e-9)
        terms, factor = _clip_case.terms, np.linalg.norm(clipped) / size   # referee item 29
        assert case["factor"] == pytest.approx(factor, rel=1e-12)
        for key, scale in (("first_to_last", 1.0), ("first_to_last_clipped", factor)):
            assert case[key] == pytest.approx(scale * terms[1] / (scale * terms[60]), rel=1e-9)
    big, small = clip["cases"]
    assert big["norm_before"] > 1.0 and big["norm_after"] == pytest.approx(1.0, rel=1e-14)
    assert small["norm_before"] < 1.0 and small["norm_after"] == small["norm_before"]
    assert small["log10_product_norm"] < -10


def test_rotation_powers_by_trigonometry(built):
    """Q = rotation by θ with cos θ = 3/5: Q^k is the rotation by kθ, so its norm is 1; the
    displayed Q^3 equals cos 3θ, sin 3θ; the exact check reports both properties."""
    orth = built[3]["orthogonal"]
    assert orth["rotation_powers_orthogonal"] and orth["rotation_powers_norm_one"]
    assert orth["rotation_powers_checked"] == 100
    theta = math.acos(3 / 5)
    display = next(b for b in built[2].blocks if isinstance(b, doc.Display)
                   and str(b.exprs[0].lhs) == "Q")
    cube = np.array(display.exprs[1].rhs.evalf(), dtype=float)
    expected = np.array([[math.cos(3 * theta), -math.sin(3 * theta)],
                         [math.sin(3 * theta), math.cos(3 * theta)]])
    assert np.allclose(cube, expected, atol=1e-15)
    Q = np.array(display.exprs[0].rhs.evalf(), dtype=float)   # the Q the section shows
    assert np.allclose(Q, [[math.cos(theta), -math.sin(theta)],
                           [math.sin(theta), math.cos(theta)]], atol=1e-15)
    power = np.eye(2)
    for _ in range(orth["rotation_powers_checked"]):   # the section's claim, by NumPy
        power = power @ Q
        assert np.allclose(power.T @ power, np.eye(2), atol=1e-12)
        assert np.linalg.svd(power, compute_uv=False) == pytest.approx([1, 1], abs=1e-12)
    k = sp.Symbol("k", integer=True, positive=True)
    claim = doc.Math(sp.Eq(derive.norm2(sp.Symbol("Q") ** k), 1))
    assert claim in list(doc_walk.section_parts(built[2]))   # the sentence the results allow


def _product(W, x, act, dact):
    """log10‖Π_k diag(φ'(a_k)) W‖₂ by a hand loop, h_0 = 0."""
    h, P = np.zeros(len(W)), np.eye(len(W))
    for x_k in x:
        a = W @ h + x_k
        h, P = act(a), (dact(a)[:, None] * W) @ P
    return math.log10(np.linalg.norm(P, 2)) if np.any(P) else -math.inf


def test_orthogonal_and_identity_products_by_hand(built):
    orth = built[3]["orthogonal"]
    rng = np.random.default_rng(0)
    Q = _orthogonal(rng, 32)
    x = 0.5 * rng.standard_normal((100, 32))
    linear = _product(Q, np.zeros((100, 32)), lambda a: a, lambda a: np.ones_like(a))
    driven = _product(Q, x, np.tanh, lambda a: 1 - np.tanh(a) ** 2)
    relu = _product(np.eye(32), np.abs(x), lambda a: np.maximum(a, 0), lambda a: 1.0 * (a > 0))
    assert abs(linear) < 1e-12 and abs(orth["log10_norm_linear"]) < 1e-12
    assert abs(orth["log10_norm_tanh_no_input"]) < 1e-12
    assert orth["log10_norm_tanh_driven"] == pytest.approx(driven, abs=1e-9)
    assert orth["log10_growth_per_step_tanh_driven"] == pytest.approx(driven / 100, abs=1e-11)
    assert orth["log10_growth_per_step_tanh_driven"] < 0
    assert relu == 0.0 and orth["log10_norm_irnn"] == 0.0


def test_residual_jacobian_shown_is_identity_plus_slope_times_w(built):
    """The displayed J_k equals I + diag(1 − tanh²(a_i)) W, built here by hand."""
    display = next(b for b in built[2].blocks if isinstance(b, doc.Display)
                   and str(b.exprs[0].lhs) == "J_k")
    J = display.exprs[0].rhs
    by_name = {s.name: s for s in J.free_symbols}
    W = sp.Matrix(2, 2, [by_name[f"w_{i}{j}"] for i in (1, 2) for j in (1, 2)])
    slopes = [1 - sp.tanh(by_name[f"a_{i}"]) ** 2 for i in (1, 2)]
    assert sp.simplify(J - (sp.eye(2) + sp.diag(*slopes) * W)) == sp.zeros(2, 2)


def test_residual_against_plain_by_torch_autograd(built):
    """∂h_T/∂h_0 for T = 100 by torch.func.jacrev (float64), plain and residual steps, with
    W drawn and scaled here; the residual stays inside (1 ∓ s)^T, the plain under s^T."""
    import torch

    res = built[3]["residual"]
    rng = np.random.default_rng(4)
    W = rng.standard_normal((32, 32))
    W *= 0.02 / np.linalg.norm(W, 2)
    x = torch.from_numpy(0.5 * rng.standard_normal((100, 32)))
    Wt = torch.from_numpy(W)

    def run(h0, residual):
        h = h0
        for x_k in x:
            step = torch.tanh(Wt @ h + x_k)
            h = h + step if residual else step
        return h

    zero = torch.zeros(32, dtype=torch.float64)
    for key, residual in (("log10_norm_plain", False), ("log10_norm_residual", True)):
        J = torch.func.jacrev(lambda h0, r=residual: run(h0, r))(zero)
        expected = math.log10(torch.linalg.matrix_norm(J, 2).item())
        assert res[key] == pytest.approx(expected, abs=1e-8), key
    lo, hi = res["log10_bounds_residual"]
    assert lo == pytest.approx(100 * math.log10(0.98))
    assert hi == pytest.approx(100 * math.log10(1.02))
    assert lo <= res["log10_norm_residual"] <= hi
    assert res["log10_bound_plain"] == pytest.approx(-100 * math.log10(50))
    assert res["log10_norm_plain"] <= res["log10_bound_plain"]


def test_forget_bias_horizons_by_hand(built):
    """σ(b)^T = 1/1000 solved by hand: T = ln 1000 / ln(1 + e^(−b))."""
    steps = built[3]["forget_bias_steps_to_one_thousandth"]
    for b in (0, 1, 3):
        assert steps[str(b)] == pytest.approx(math.log(1000) / math.log1p(math.exp(-b)),
                                              rel=1e-12)


def test_prose_in_both_languages_and_no_cjk_in_english(built):
    section = built[2]
    assert section.label == "sec:remedies"
    assert_languages(section)
    assert stray_markers(section) == []
    cited = {k for p in doc_walk.section_parts(section) if isinstance(p, doc.Cite) for k in p.keys}
    assert {"pascanu2013", "saxe2014", "le2015", "arjovsky2016", "he2016"} <= cited
    refs = {p.label for p in doc_walk.section_parts(section) if isinstance(p, doc.Ref)}
    assert "sec:gated" in refs


def test_tex_builds_without_overfull_boxes(built, tmp_path):
    folder, ctx, section, _ = built
    assert [w for w in build_pdf([section], tmp_path, ctx.figure_dir) if w > 1] == []


def test_comparison_figure_and_its_curves(built):
    """fig:remedies: at most 6.3 in wide, fonts ≥ 8 pt, a caption in both languages; its
    curves end at the printed values, and the residual curve at T = 10 matches a hand loop."""
    import matplotlib

    folder, ctx, section, results = built
    figure = next(b for b in section.blocks if isinstance(b, doc.Figure))
    assert figure.label == "fig:remedies"
    assert_both_languages(figure.caption, figure.label)
    pdf = (ctx.figure_dir / "remedies.pdf").read_bytes()
    box = [float(v) for v in pdf.split(b"/MediaBox")[1].split(b"]")[0].strip(b" [").split()]
    assert box[2] - box[0] <= 6.3 * 72 + 0.01
    res, orth = results["residual"], results["orthogonal"]
    assert res["curves"]["plain"][-1] == res["log10_norm_plain"]
    assert orth["curves"]["tanh_driven"][-1] == orth["log10_norm_tanh_driven"]
    rng = np.random.default_rng(4)
    W = rng.standard_normal((32, 32))
    W *= 0.02 / np.linalg.norm(W, 2)
    x = 0.5 * rng.standard_normal((100, 32))
    h, P = np.zeros(32), np.eye(32)
    for x_k in x[:10]:
        a = W @ h + x_k
        h, P = h + np.tanh(a), (np.eye(32) + (1 - np.tanh(a) ** 2)[:, None] * W) @ P
    assert res["curves"]["residual"][9] == pytest.approx(math.log10(np.linalg.norm(P, 2)),
                                                         abs=1e-12)
    fig, ax = matplotlib.pyplot.subplots(figsize=(6.3, 3.4))
    remedies.remedies_more.plot(ax, {**orth["curves"], **res["curves"]})
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    assert sizes and min(sizes) >= 8
    matplotlib.pyplot.close(fig)
