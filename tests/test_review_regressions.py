"""Regressions for defects a review found: each test fails on the old behaviour."""

import json

import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from reports.checking import check_case, render_table


def test_sweep_duplicate_T_fills_every_column():
    result = numeric.scalar_sweep("tanh", np.array([0.5, 1.0]), np.array([10, 10, 3, 10]))
    assert np.all(result.log10_abs_grad[:, 0] == result.log10_abs_grad[:, 1])
    assert np.all(result.log10_abs_grad[:, 0] == result.log10_abs_grad[:, 3])
    gain = numeric.gain_sweep(0.5 * np.eye(2), np.array([1.0]), np.array([3, 3]))
    assert gain.log10_norm[0, 0] == gain.log10_norm[0, 1] == pytest.approx(3 * np.log10(0.5))


def test_gamma_root_on_the_grid_is_found():
    """φ = tanh(x) + x e^{-x²/2}/5 is odd: φ''(0) = 0 exactly on the grid; γ = φ'(0) = 6/5."""
    act = derive.parse_activation("tanh(x)+x*exp(-x**2/2)/5")
    assert abs(float(act.gamma) - 1.2) < 1e-30


def test_gamma_critical_point_beyond_the_window():
    """silu shifted by 100: the maximum of φ' is at z ≈ 102.4, outside [-64, 64]."""
    shifted = derive.parse_activation("(x-100)/(1+exp(-(x-100)))")
    assert abs(float(shifted.gamma) - float(derive.activation("silu").gamma)) < 1e-30
    assert not shifted.gamma_exact


def test_parser_keeps_tiny_literals_exact_or_refuses():
    assert derive.parse_activation("0.001*x").gamma == sp.Rational(1, 1000)
    with pytest.raises(ValueError, match="too small"):
        derive.parse_activation("1e-400*x")


def test_piecewise_underflow_is_flagged_but_relu_zero_is_exact():
    elu = numeric.scalar_sweep("elu", np.array([1.0]), np.array([1]), h0=-800.0)
    assert elu.underflow[0] and np.isnan(elu.log10_abs_grad[0, 0])
    relu = numeric.scalar_sweep("relu", np.array([1.0]), np.array([1]), h0=-800.0)
    assert not relu.underflow[0] and np.isneginf(relu.log10_abs_grad[0, 0])


@pytest.mark.parametrize("call", [
    lambda: derive.activation("leaky_relu", alpha=1e20),
    lambda: numeric.gain_sweep(2.0, [1.0], [3]),
    lambda: numeric.gain_sweep(np.zeros((0, 0)), [1.0], [3]),
    lambda: numeric.scalar_sweep("tanh", [1.0], [3], h0=np.nan),
    lambda: numeric.scalar_sweep("tanh", [1.0], [3], inputs=np.inf),
])
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_check_table_with_overflowing_loss():
    case = numeric.case_from_dict({"activation": "tanh", "W_hh": [[0.5]], "W_xh": [[1]],
                                   "x": [[1]], "y": [1e200]})
    result = check_case(case)
    assert result["loss"] is None and "loss" in render_table(result)
    json.dumps(result, allow_nan=False)


def test_check_exact_zero_product_is_labelled_exact():
    case = numeric.case_from_dict({"activation": "tanh", "W_hh": [[0.0]], "W_xh": [[1]],
                                   "x": [[1], [2]]})
    result = check_case(case)
    assert result["log10_norm_product"] is None
    assert result["log10_norm_product_source"].startswith("exact")


def test_difference_check_with_large_weights_still_judges_entries():
    case = numeric.case_from_dict({"activation": "tanh", "W_hh": [[30.0]], "W_xh": [[1]],
                                   "x": [[0.001], [0.002]], "h0": [0.0001], "y": [0.5]})
    report = numeric.check_differences(case, "central")
    assert report.passed and report.max_rel_error is not None


def test_derivation_of_a_large_hidden_layer_stays_structured():
    d = derive.derivation(derive.RNN(100), 3)
    assert all(not isinstance(s.relation.rhs, sp.MatrixBase) for s in d.steps
               if isinstance(s.relation, sp.Eq))
