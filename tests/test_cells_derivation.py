"""The derivation of a cell: the LSTM's carousel and forget-bias horizons (checked against
mpmath and a float loop), the GRU's update-gate carousel, IndRNN's regime, the readable
Jacobian (exact: substituted back it equals the structured one), deterministic LaTeX."""

import os
import random
import re
import subprocess
import sys

import mpmath
import pytest
import sympy as sp

import derive
from derive.cells.carousel import horizon_table
from derive.cells.readable import gate_values
from derive.cells.structure import COL, ROW
from derive.notation import diag, vector


def steps_with(derivation, text):
    return [s for s in derivation.steps if text in s.reason]


@pytest.fixture(scope="module")
def lstm_derivation():
    return derive.derivation(derive.cell("lstm", 2), 3)


def test_lstm_carousel_steps(lstm_derivation):
    carousel, = steps_with(lstm_derivation, "constant error carousel")
    assert carousel.relation.rhs == diag(vector("f_k", 2))
    through_h, = steps_with(lstm_derivation, "terms that pass through h")
    terms = sp.Add.make_args(through_h.relation.rhs)
    F = [sp.MatrixSymbol(f"F_{j}", 2, 2) for j in (1, 2, 3)]
    assert F[2] * F[1] * F[0] in terms and len(terms) == 4
    assert all(t == F[2] * F[1] * F[0] or any(a.name.startswith("R_") for a in t.args)
               for t in terms)
    alone, = steps_with(lstm_derivation, "only the carousel is left")
    assert alone.relation.rhs == F[2] * F[1] * F[0]


def test_forget_bias_horizons_against_mpmath_and_a_float_loop():
    table = horizon_table()
    assert set(table) == {(b, r) for b in (0, 1, 3) for r in (sp.Rational(1, 2),
                                                                sp.Rational(1, 1000))}
    assert table[(0, sp.Rational(1, 2))] == 1
    with mpmath.workdps(40):
        for (b, r), T in table.items():
            sigma = 1 / (1 + mpmath.exp(-b))
            T_mp = mpmath.mpf(str(sp.N(T, 45)))
            assert abs(sigma ** T_mp - mpmath.mpf(r.p) / r.q) < mpmath.mpf(10) ** -35
    for (b, r), T in table.items():          # the first whole T with σ(b)^T ≤ r, in floats
        p, steps, s = 1.0, 0, 1 / (1 + 2.718281828459045 ** -b)
        while p > float(r) * (1 + 1e-12):
            p, steps = p * s, steps + 1
        assert steps == int(sp.ceiling(T)), (b, r, steps, T)
    assert float(table[(3, sp.Rational(1, 2))]) == pytest.approx(14.266000, abs=1e-5)


def test_forget_bias_steps_state_the_numbers(lstm_derivation):
    shown = steps_with(lstm_derivation, "T(r, b_f): steps until")
    assert len(shown) == 6
    for step in shown:
        r, b = step.relation.lhs.args
        assert step.relation.rhs == derive.forget_bias_horizon(r, b)
        assert step.reason.endswith(f"{float(step.relation.rhs):.6g}")
    limit, = steps_with(lstm_derivation, "lengthens the memory exponentially")
    with mpmath.workdps(30):   # T_r e^{-b} → log(1/r): at b = 40 already to 1e-17
        b, r = 40, mpmath.mpf("0.5")
        value = mpmath.log(1 / r) / mpmath.log1p(mpmath.exp(-b)) * mpmath.exp(-b)
        assert abs(value - mpmath.log(2)) < 1e-15
    assert limit.relation.rhs == -sp.log(sp.Symbol("r", positive=True))


def test_gru_update_gate_carousel_and_indrnn_regime():
    gru = derive.derivation(derive.cell("gru", 2), 2)
    step, = steps_with(gru, "update-gate carousel")
    assert step.relation.rhs == diag(vector("z_k", 2))
    ind = derive.derivation(derive.cell("indrnn", 1, activation="sigmoid"), 2)
    regime, = steps_with(ind, "vanishes, unit by unit")
    u = sp.Symbol("u_i", real=True)
    assert regime.relation.args[0] == sp.Lt(sp.Abs(u) / 4, 1)
    diagonal, = steps_with(ind, "diagonal")
    assert diagonal.relation.rhs.has(sp.KroneckerDelta(ROW, COL))


def test_elman_cell_derivation_has_the_rnn_bound():
    d = derive.derivation(derive.cell("elman", 1, weight_hh=[[0.5]]), 2)
    assert steps_with(d, "submultiplicativity") and steps_with(d, "sufficient for vanishing")


@pytest.mark.parametrize("name", ["lstm", "gru"])
def test_readable_jacobian_is_exact(name):
    """Substituting the gate values back gives the structured Jacobian, at random points."""
    kind = derive.cell_kind(name)
    structured = derive.structured_jacobian(kind, None)
    back = list(reversed(gate_values(kind, None)))
    rng = random.Random(3)
    for key, block in derive.readable_jacobian(kind, None).items():
        for symbol, value in back:
            block = block.subs(symbol, value)
        difference = derive.explicit(block - structured[key])
        symbols = sorted(difference.free_symbols, key=str)
        for _ in range(3):
            at = {s: sp.Rational(rng.randint(-9, 9), 7) for s in symbols}
            indexed = {w: sp.Rational(rng.randint(-9, 9), 5)
                       for w in difference.atoms(sp.Indexed)}
            value = difference.xreplace(indexed).subs(at).subs({ROW: 1, COL: 1}).evalf(40)
            assert abs(value) < 1e-35, (key, value)


def test_readable_lstm_blocks():
    R = derive.readable_jacobian(derive.cell_kind("lstm"), None)
    f, o = sp.Symbol("f", real=True), sp.Symbol("o", real=True)
    c_new = sp.Symbol("c'", real=True)
    assert R[("c", "c")] == f * sp.KroneckerDelta(ROW, COL)
    tanh = derive.gate(derive.activation("tanh"))     # the gate function, printed as tanh
    assert sp.expand(R[("h", "c")] - f * o * (1 - tanh(c_new) ** 2)
                     * sp.KroneckerDelta(ROW, COL)) == 0


def test_cell_latex_is_deterministic_across_processes():
    code = ("import derive; d = derive.derivation(derive.cell('lstm', 2), 3); "
            "print(d.document())")
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed,
                                   "PYTHONPATH": os.getcwd()}, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and "\\begin{align*}" in outputs[0]


TAG = re.compile(r"\\tag\*\{\\small (.*)\} ?(?:\\\\)?$")


@pytest.mark.parametrize("name", derive.cell_names())
def test_reasons_print_their_math_with_sympy(name):
    """No ASCII pseudo-math escaped into a reason's text (b\\_f, x\\textasciicircum{}T): every
    formula in a reason is a SymPy object in math mode."""
    tex = derive.derivation(derive.cell(name, 2), 3).to_latex()
    tags = [m.group(1) for line in tex.splitlines() if (m := TAG.search(line))]
    assert len(tags) >= 5
    for tag in tags:
        text = re.sub(r"\$[^$]*\$", "", tag)     # the reason's words, its math removed
        assert "\\_" not in text and "\\textasciicircum" not in text, tag


def test_forget_bias_limit_says_what_it_is_a_limit_of():
    steps = derive.derivation(derive.cell("lstm", 1), 2).steps
    limit = next(s for s in steps if "lengthens the memory" in s.reason)
    assert "$T_{r} e^{- b_{f}}$" in limit.reason_tex
    channel = derive.derivation(derive.cell("indrnn", 1), 2).steps[0]
    assert "PyTorch" not in channel.reason and channel.reason.startswith("channel")


CASE = {"weight_ih": [[0.1], [0.2], [0.3], [0.4], [-0.1], [0.5], [0.2], [0.1]],
        "weight_hh": [[0.5, 0.1], [-0.5, 0.2], [0.25, 0.0], [1.0, -0.3],
                      [0.1, 0.4], [0.0, -0.2], [0.3, 0.1], [-0.4, 0.2]],
        "bias_ih": [0.1, 0.0, 1.5, 0.75, 1.0, 0.0, 0.0, -0.5],
        "bias_hh": [0.0, 0.2, 0.5, -2.0, 0.0, 0.0, 0.1, 0.0],
        "state0": [0.5, -0.25, 0.0, 0.125], "x": [[1.0], [2.0]]}


def concrete_lstm():
    from fractions import Fraction
    exact = {k: [[Fraction(str(v)) for v in r] if isinstance(r, list) else Fraction(str(r))
                 for r in value] for k, value in CASE.items()}
    return derive.cell("lstm", 2, **exact)


def test_concrete_lstm_derivation_shows_its_own_product_and_horizons():
    import numpy as np

    import numeric

    cell = concrete_lstm()
    d = derive.derivation(cell, 2, expanded=True)
    exact, = steps_with(d, "this case's product, exact")
    assert not exact.relation.rhs.free_symbols
    kind, params = cell.kind, {k: np.array(v, dtype=float) for k, v in CASE.items()
                               if k.startswith(("weight", "bias"))}
    case = numeric.CellCase(kind, None, params, np.array(CASE["state0"]), np.array(CASE["x"]))
    path = numeric.cell_forward(kind, None, case.params, case.s0, case.x)
    P = numeric.cell_jacobian_product(kind, None, case.params, path).value
    with mpmath.workdps(30):
        derived = np.array([float(sp.N(v, 30)) for v in exact.relation.rhs]).reshape(4, 4)
    np.testing.assert_allclose(derived, P, rtol=1e-12, atol=1e-12)
    digits, = steps_with(d, "significant digits")
    np.testing.assert_allclose(np.array(digits.relation.rhs, dtype=float), P, rtol=1e-5,
                               atol=1e-9)
    biases = [s.relation.rhs for s in steps_with(d, "this case's forget-gate bias")]
    assert biases == [sp.Rational(2), sp.Rational(-5, 4)]     # b_if + b_hf, rows 2 and 3
    horizons = [s.relation.rhs for s in steps_with(d, "carousel falls to half")]
    for b, T in zip((2.0, -1.25), horizons, strict=True):
        independent = np.log(0.5) / np.log(1 / (1 + np.exp(-b)))
        assert float(T) == pytest.approx(independent, rel=1e-14)
        assert f"about {independent:.6g}" in steps_with(d, "carousel falls to half")[
            horizons.index(T)].reason
    symbolic = derive.derivation(derive.cell("lstm", 2), 2)
    assert not steps_with(symbolic, "this case") and not steps_with(symbolic, "falls to half")


def test_concrete_product_past_the_guard_says_so_and_points_to_check():
    from derive.cells.concrete import concrete_steps

    note, = concrete_steps(concrete_lstm(), 2, max_operations=100)
    assert "too large" in note.reason and "rnngrad check" in note.reason
