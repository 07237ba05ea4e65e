"""The edge-of-chaos part of 'sec:dynamics': its exponents against a direct sweep and an
independent power-iteration loop, the bound above them, the figure, the citations, the
horizon numbers and both languages."""

import math

import numpy as np
import pytest
import sympy

import derive
import numeric
from reports import doc, doc_walk
from reports.notes import dynamics, dynamics_chaos
from tests.notes_checks import assert_both_languages, assert_languages

SOURCES = ("benettin1980", "engelken2020", "chen2018", "vogt2022")


@pytest.fixture(scope="module")
def built(report_run):
    """The dynamics section as the session's ``rnngrad report`` built it (computing it again
    would cost about 11 s): (section, results["edge_of_chaos"], ctx), its figures in
    ctx.figure_dir."""
    section, results, _ = report_run.sections[dynamics.__name__]
    return section, results["edge_of_chaos"], report_run.ctx


def curve(numbers, n, seed):
    return numbers["curves"][f"n={n},seed={seed}"]


def power_iteration(n, seed, g, T, burn_in):
    """λ_max by a hand loop: h_k = tanh(g W0 h_{k−1} + W_ih x_k + b), v ← J_k v / ‖J_k v‖,
    the mean of log ‖J_k v‖ over the steps after the burn-in; W0 = N(0, 1/n) drawn here from
    default_rng(seed), the drive 0.1 N(0, 1) from default_rng(seed + 1), v_0 a normal draw
    from default_rng(0) (the sweep's fixed start)."""
    W0 = np.random.default_rng(seed).standard_normal((n, n)) / math.sqrt(n)
    p = numeric.default_parameters(derive.cell_kind("elman"), n, 1, seed)
    x = 0.1 * np.random.default_rng(seed + 1).standard_normal((T, 1))
    v = np.random.default_rng(0).standard_normal(n)   # the sweep's start direction
    h, v, total = np.zeros(n), v / np.linalg.norm(v), 0.0
    for k in range(T):
        h = np.tanh(g * W0 @ h + p["weight_ih"] @ x[k] + p["bias_ih"] + p["bias_hh"])
        v = (1 - h * h) * (g * W0 @ v)
        size = np.linalg.norm(v)
        v /= size
        if k >= burn_in:
            total += math.log(size)
    return total / (T - burn_in)


def test_exponents_equal_a_direct_sweep(built):
    _, numbers, _ = built
    n = dynamics_chaos.SIZES[0]
    T, burn_in = dynamics_chaos.STEPS[n]
    assert numbers["gains"] == [k / 10 for k in range(2, 26)]
    for seed in dynamics_chaos.SEEDS.values():
        direct = numeric.lyapunov_gain_sweep("elman", np.array(numbers["gains"]), T, hidden=n,
                                             seed=seed, burn_in=burn_in)
        assert curve(numbers, n, seed)["lambda_max"] == direct.lambda_max.tolist()
        assert curve(numbers, n, seed)["sigma_max"] == direct.sigma_max.tolist()


@pytest.mark.parametrize("n", dynamics_chaos.SIZES)
def test_exponents_match_a_power_iteration(built, n):
    """Stable (g = 0.5): the same number to 1e-9; chaotic (g = 2): the trajectories part after
    a few hundred steps, so the estimates agree to their statistical spread only."""
    _, numbers, _ = built
    T, burn_in = dynamics_chaos.STEPS[n]
    for g, tolerance in ((0.5, 1e-9), (2.0, 0.03)):
        shown = curve(numbers, n, 0)["lambda_max"][numbers["gains"].index(g)]
        assert shown == pytest.approx(power_iteration(n, 0, g, T, burn_in), abs=tolerance)


def test_edge_of_chaos_signs_and_convergence(built):
    _, numbers, _ = built
    n = 256
    for seed in dynamics_chaos.SEEDS.values():
        lam = curve(numbers, n, seed)["lambda_max"]
        assert lam[numbers["gains"].index(0.5)] < 0 < lam[numbers["gains"].index(2.0)]
    for c in numbers["curves"].values():
        assert max(c["convergence"]) < 0.01


def test_bound_rate_lies_above_the_exponent(built):
    """log(γ σ_max(g W0)) ≥ λ_max at every point, σ_max by numpy.linalg.svd of g W0 drawn in
    the test, γ = max |tanh'| = 1."""
    _, numbers, _ = built
    assert numbers["gamma"] == 1.0
    for n in dynamics_chaos.SIZES:
        for seed in dynamics_chaos.SEEDS.values():
            W0 = np.random.default_rng(seed).standard_normal((n, n)) / math.sqrt(n)
            sigma = np.linalg.svd(W0, compute_uv=False)[0]
            rho = np.abs(np.linalg.eigvals(W0)).max()
            c = curve(numbers, n, seed)
            g = np.array(numbers["gains"])
            np.testing.assert_allclose(c["sigma_max"], g * sigma, rtol=1e-12)
            np.testing.assert_allclose(c["spectral_radius"], g * rho, rtol=1e-10)
            bound = np.log(g * sigma)
            np.testing.assert_allclose(c["bound_rate"], bound, rtol=1e-12, atol=1e-14)
            assert np.all(bound > np.array(c["lambda_max"]))
    gaps = [b - lam for c in numbers["curves"].values()
            for b, lam in zip(c["bound_rate"], c["lambda_max"], strict=True)]
    assert numbers["bound_gap_min"] == pytest.approx(min(gaps), rel=1e-12)
    assert numbers["bound_gap_max"] == pytest.approx(max(gaps), rel=1e-12)


def test_horizon_numbers(built):
    _, numbers, _ = built
    lam = curve(numbers, 256, 0)["lambda_max"][numbers["gains"].index(2.0)]
    assert numbers["horizon_lambda_max"] == lam
    assert numbers["horizon_eps"] == 2.0 ** -52
    assert numbers["horizon_steps"] == pytest.approx(52 * math.log(2) / lam, rel=1e-12)
    assert 100 < numbers["horizon_steps"] < 1000
    assert numbers["horizon_perturbation"] == 2.0 ** -50
    assert numbers["horizon_threshold"] == 1e-4


def test_figure_files_exist_and_fit(built):
    from PIL import Image

    _, _, ctx = built
    for suffix in (".pdf", ".png"):
        assert (ctx.figure_dir / f"edge_of_chaos{suffix}").stat().st_size > 1000
    with Image.open(ctx.figure_dir / "edge_of_chaos.png") as image:
        assert image.width <= 6.3 * 150 + 1   # savefig.dpi = 150


def _chaos_blocks(section):
    start = next(i for i, b in enumerate(section.blocks) if isinstance(b, doc.Para) and any(
        isinstance(p, doc.Text) and p.en.startswith("Lyapunov exponents.") for p in b.parts))
    return section.blocks[start:]


def test_paragraph_cites_the_sources_shows_the_formulas_and_both_languages(built):
    section, numbers, _ = built
    blocks = _chaos_blocks(section)
    parts = [p for b in blocks for p in doc_walk.block_parts(b)]
    cited = {key for p in parts if isinstance(p, doc.Cite) for key in p.keys}
    assert set(SOURCES) <= cited and "sompolinsky1988" in cited
    assert doc.Code("rnngrad lyapunov --cell elman --hidden 256 --gain 2 --T 1000") in parts
    displays = [e for b in blocks if isinstance(b, doc.Display) for e in b.exprs]
    eps, lam = sympy.Symbol("epsilon", positive=True), sympy.Symbol("lambda_max")
    assert sympy.Eq(sympy.Symbol("T^*"), sympy.log(1 / eps) / lam) in displays
    assert any("R_k" in str(e) and "log" in str(e) for e in displays)   # λ_i = (1/T) Σ log|R_ii|
    T_star = sympy.Eq(sympy.Symbol("T^*"), round(numbers["horizon_steps"]))
    assert doc.Math(T_star) in parts   # T* for g = 2 printed
    assert any(isinstance(b, doc.Figure) and b.label == "fig:edge-of-chaos" for b in blocks)
    assert any(isinstance(b, doc.Items) for b in blocks)
    for block in blocks:
        if isinstance(block, doc.Para):
            assert_both_languages(block.parts, "edge-of-chaos paragraph")
        if isinstance(block, doc.Items):
            for item in block.items:
                assert_both_languages(item, "horizon item")
    assert_languages(section)
    zh = "".join(p.zh for p in parts if isinstance(p, doc.Text))
    for term in ("李雅普诺夫指数", "混沌边缘", "谱半径", "最大奇异值", "可预测性时域"):
        assert term in zh, term
