"""numeric.bridge: the hot-loop functions of a Piecewise φ' (the README's x/(1+Abs(x)): SymPy
gives φ'(z) = 1/(1+z)² − z/(1+z)² for z ≥ 0 and 1/(1−z)² + z/(1−z)² otherwise) run silently
where NumPy's ``select`` evaluates the unselected piece at its pole (z = ±1), and give the
same values as the hand formula φ'(z) = 1/(1+|z|)².  The test run turns every warning into
an error, so a stray RuntimeWarning fails here."""

import json
import math
import warnings

import numpy as np
import pytest

import derive
import numeric
from numeric.bridge import raw_activation_functions
from tests.check_cases import run

SOFTSIGN = "x/(1+Abs(x))"
POINTS = [-3.0, -1.0, -0.5, -0.0, 0.0, 1e-300, 0.5, 1.0, 2.0]  # ±1: the poles


def test_raw_functions_of_a_piecewise_formula_are_silent_and_right():
    phi, dphi = raw_activation_functions(derive.parse_activation(SOFTSIGN))
    z = np.array(POINTS)
    with warnings.catch_warnings(), np.errstate(over="ignore", under="ignore"):
        warnings.simplefilter("error")      # the errstate the hot loops set themselves
        values, slopes = phi(z), dphi(z)
    for point, value, slope in zip(POINTS, values, slopes, strict=True):
        assert value == pytest.approx(point / (1 + abs(point)), rel=4e-16, abs=0)
        assert slope == pytest.approx(1 / (1 + abs(point)) ** 2, rel=4e-15, abs=0)


def test_scalar_sweep_of_softsign_through_its_poles_matches_a_hand_loop():
    """h_0 = 0, x_t = 1: a_1 = 1 exactly (the pole of the unselected piece).
    ∂h_T/∂h_0 = Π_k w φ'(a_k), a_k = w h_{k−1} + 1, h_k = a_k/(1 + |a_k|)."""
    w_values, T_values = [0.5, 1.0, -1.0], [1, 2, 3]
    result = numeric.scalar_sweep(derive.parse_activation(SOFTSIGN), w_values, T_values,
                                  h0=0.0, inputs=1.0)
    for i, w in enumerate(w_values):
        h, product = 0.0, 1.0
        for t in range(1, max(T_values) + 1):
            a = w * h + 1.0
            product *= w / (1 + abs(a)) ** 2
            h = a / (1 + abs(a))
            if t in T_values:
                expected = math.log10(abs(product))
                got = result.log10_abs_grad[i, T_values.index(t)]
                assert got == pytest.approx(expected, abs=1e-13)


def test_readme_softsign_derivation_prints_nothing_on_stderr(capsys):
    """γ = sup 1/(1+|z|)² = 1, attained at 0 only (by hand); and not a word on stderr."""
    status, out, err = run(capsys, "derive", "--formula", SOFTSIGN, "--hidden", "1",
                           "--steps", "5", "--format", "json")
    assert status == 0 and err == ""
    result = json.loads(out)
    assert result["gamma"] == "1" and result["gamma_exact"] is True
    assert result["gamma_attained"]["set"] == "{0}"
