"""The dynamical-systems section and the exercises: every number against an independent
computation (NumPy matrix powers, mpmath, hand loops), both languages present."""

import math

import mpmath
import numpy as np
import pytest
import sympy

import derive
from reports import doc, doc_walk
from reports.notes import dynamics
from tests.notes_checks import assert_languages, notes_section


@pytest.fixture(scope="module")
def built(notes_document):
    """The two sections of the session's notes, each as (section, results), and its ctx."""
    document, results, ctx = notes_document
    return {"ctx": ctx, **{name: (notes_section(document, label), results)
                           for name, label in (("dynamics", "sec:dynamics"),
                                               ("exercises", "sec:exercises"))}}


def test_gelfand_roots_approach_the_spectral_radius(built):
    _, results = built["dynamics"]
    A = np.array(dynamics.GELFAND_A, dtype=float)
    assert results["gelfand_rho"] == "10"
    assert max(abs(np.linalg.eigvals(A))) == pytest.approx(10, rel=1e-12)
    assert results["gelfand_sigma"] == pytest.approx(np.linalg.norm(A, 2), rel=1e-12)
    for k, root in results["gelfand_norm_root"].items():
        B = np.linalg.matrix_power(A / 10, int(k))   # ‖A^k‖^(1/k) = 10 ‖(A/10)^k‖^(1/k)
        assert root == pytest.approx(10 * np.linalg.norm(B, 2) ** (1 / int(k)), rel=1e-9)
    assert results["gelfand_norm_root"]["1000"] == pytest.approx(10, rel=1e-2)


def test_non_normal_matrix_grows_before_it_decays(built):
    """Referee item 4: the tabulated matrix really grows before it decays (mpmath, a hand
    loop of 2x2 products and mpmath's singular values)."""
    _, results = built["dynamics"]
    mpmath.mp.dps = 30
    W = mpmath.matrix([[mpmath.mpf(9) / 10, 5], [0, mpmath.mpf(9) / 10]])
    power, norms = mpmath.eye(2), []
    for _ in range(400):
        power = power * W
        norms.append(max(mpmath.svd_r(power, compute_uv=False)))
    assert results["transient_k"][:2] == [1, 2]
    expected = [float(norms[k - 1]) for k in results["transient_k"]]
    assert results["transient_norms"] == pytest.approx(expected, rel=1e-12)
    assert norms[1] > norms[0] > 1          # it grows from the first step on
    peak = max(range(400), key=lambda i: norms[i]) + 1
    assert results["transient_peak_k"] == peak
    assert results["transient_last_above_one"] == max(k for k in range(1, 401)
                                                       if norms[k - 1] > 1)
    assert peak > 5 and norms[-1] < 1e-10


def test_gain_sweep_numbers_match_an_independent_draw(built):
    numbers = built["dynamics"][1]["gain_sweep_numbers"]
    rng = np.random.default_rng(dynamics.SEEDS["gain sweep"])
    W0 = rng.standard_normal((32, 32)) / math.sqrt(32)   # entries N(0, 1/n)
    assert numbers["gaussian"]["rho_W0"] == pytest.approx(max(abs(np.linalg.eigvals(W0))),
                                                          rel=1e-12)
    assert numbers["orthogonal"]["rho_W0"] == pytest.approx(1.0, abs=1e-12)
    for kind in dynamics.KINDS:   # saturation: the measured growth crosses 0 right of g = 1
        assert 1.2 < numbers[kind]["crossing_gain"] < 2.5, kind
        # the crossing the text prints lies between values below their predictability horizon
        assert numbers[kind]["crossing_reliable"] is True, kind
        gains, flags = numbers[kind]["gains"], numbers[kind]["reliable"]
        assert all(flag == [True] for g, flag in zip(gains, flags, strict=True) if g <= 1.0)


def test_figures_print_at_most_6_3_inches_wide(built):
    from PIL import Image

    for stem in ("gain_sweep",):
        with Image.open(built["ctx"].figure_dir / f"{stem}.png") as image:
            assert image.width <= 6.3 * 150 + 1, stem   # savefig.dpi = 150


def test_exercise_powers_against_mpmath(built):
    _, results = built["exercises"]
    with mpmath.workdps(30):
        for base in (0.5, 1.5):
            exact = mpmath.log10(mpmath.mpf(base) ** 100)
            assert results[f"exercise_log10_pow_{base}"] == pytest.approx(float(exact),
                                                                          rel=1e-14)
            whole, mantissa = results[f"exercise_log10_pow_{base}_split"]   # referee item 28
            assert whole == int(mpmath.floor(exact))
            assert mantissa == pytest.approx(float(mpmath.mpf(base) ** 100 / mpmath.mpf(10)
                                                   ** whole), rel=1e-12)
            assert 1 <= mantissa < 10


def _sigmoid_slope(z):
    s = 1 / (1 + mpmath.exp(-z))
    return s * (1 - s)


def _sigmoid_slope_max():
    """max_z σ(z)(1 − σ(z)) by mpmath at 50 digits: the root of the slope's derivative (by
    numerical differentiation), started off the symmetric point, and the slope there."""
    with mpmath.workdps(50):
        top = mpmath.findroot(lambda z: mpmath.diff(_sigmoid_slope, z), mpmath.mpf("0.3"))
        assert abs(top) < mpmath.mpf(10) ** -20
        assert all(_sigmoid_slope(top + d) < _sigmoid_slope(top) for d in (-1, -0.01, 0.01, 1))
        return _sigmoid_slope(top)


def test_exercise_sigmoid_and_forget_gate(built):
    section, results = built["exercises"]
    gamma = sympy.Rational(results["exercise_sigmoid_gamma"])
    assert gamma == sympy.Rational(1, 4)
    assert doc.Math(gamma) in list(doc_walk.section_parts(section))   # the value printed
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(gamma.p) / gamma.q - _sigmoid_slope_max()) < mpmath.mpf(10) ** -40
    for bias, half_life in results["exercise_forget_half_life"].items():
        f = 1 / (1 + math.exp(-float(bias)))
        assert f ** half_life == pytest.approx(0.5, rel=1e-12)


def test_exercise_clipping_jordan_and_dead_relu(built):
    _, results = built["exercises"]
    assert results["exercise_clip_ratio"] == pytest.approx(0.9 ** 100, rel=1e-12)
    assert results["exercise_clip_ratio_clipped"] == pytest.approx(0.9 ** 100, rel=1e-12)
    lam = 0.9
    J = np.array([[lam, 1.0], [0.0, lam]])
    assert results["exercise_jordan_sigma"] == pytest.approx(np.linalg.norm(J, 2), rel=1e-12)
    with mpmath.workdps(50):   # referee item 14: k = 9 and k = 10 tie exactly (9·0.9^8 = 10·0.9^9)
        entries = [k * (mpmath.mpf(9) / 10) ** (k - 1) for k in range(1, 61)]
        top = max(entries)
        assert results["exercise_jordan_peak_k"] == [k for k, e in enumerate(entries, start=1)
                                                     if abs(e - top) < mpmath.mpf(10) ** -40]
    assert results["exercise_jordan_peak_k"] == [9, 10]
    closed = [np.linalg.norm([[lam ** k, k * lam ** (k - 1)], [0, lam ** k]], 2)
              for k in range(1, 200)]
    assert results["exercise_jordan_first_below_one"] == 1 + next(
        i for i, v in enumerate(closed) if v < 1)
    h, product = -1.0, 1.0
    for _ in range(200):   # h_k = max(0, 1.2 h_{k-1} - 1), derivative 1.2 [a_k > 0]
        a = 1.2 * h - 1.0
        product *= 1.2 * (a > 0)
        h = max(0.0, a)
    assert results["exercise_dead_relu_gradient"] == product == 0.0


def test_both_languages_and_ascii_english(built):
    for name in ("dynamics", "exercises"):
        assert_languages(built[name][0])
    titles = [b.title for b in built["exercises"][0].blocks if type(b).__name__ == "Heading"]
    assert 5 <= len(titles) <= 7


def test_exercise_sigmoid_step_bound_carries_the_weights(built):
    """Referee item 1: only the activation factor is at most 1/4; with W_hh = 5 I and the
    sigmoid at 0 one step has norm 5/4 > 1 (NumPy), and the solution says ‖W_hh‖/4."""
    section, results = built["exercises"]
    parts = list(doc_walk.section_parts(section))
    W = sympy.MatrixSymbol("W_hh", *[sympy.Symbol("n", integer=True, positive=True)] * 2)
    gamma = sympy.Rational(results["exercise_sigmoid_gamma"])
    assert doc.Math(gamma * derive.norm(W)) in parts and doc.Math(derive.norm(W) / 4) in parts
    assert doc.Math(1 / gamma) in parts   # the weight norm above which a step exceeds 1
    shown = float((gamma * derive.norm(W)).subs(derive.norm(W), 5))   # the bound, ‖W_hh‖ = 5
    slope = float(mpmath.diff(lambda z: 1 / (1 + mpmath.exp(-z)), 0))   # σ'(0), mpmath
    step = np.linalg.norm(np.diag(np.full(3, slope)) @ (5 * np.eye(3)), 2)   # W_hh = 5 I
    assert step == pytest.approx(shown, rel=1e-12) and step > 1 and 5 > 1 / gamma
    assert not any(isinstance(p, doc.Text) and "fourfold" in p.en for p in parts)
