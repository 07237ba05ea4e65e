"""``numeric.check_gradients`` on hand-written submissions (tests/handwritten_rnn.py, checked
against torch in test_handwritten_rnn.py): the correct programs pass in float64 and float32;
each well-known mistake, made the way a student makes it, is diagnosed with its code (and K, c
or the permutation), and the Taylor test of float64 checks has slopes within 0.1 of 2 for the
correct programs and of 1 for the wrong ones."""

import numpy as np
import pytest

import numeric
from tests.handwritten_rnn import BATCH, GATE_ORDER, MISTAKES, K, applies, cell_name
from tests.supplied_cases import CASES, T, assert_passed, failures, submitted

EXPECTED = {  # the program's mistake → (the diagnosis code, the detail it must report or None)
    "sign": ("sign", None),
    "transposed": ("transposed", None),
    "transposed_result": ("transposed", None),
    "scaled_mean_time": ("scaled", ("factor", 1 / T)),
    "scaled_missing_half": ("scaled", ("factor", 2.0)),
    "scaled_batch": ("scaled", ("factor", 1 / BATCH)),
    "missing_activation_derivative": ("missing_activation_derivative", None),
    "missing_gate_derivative": ("missing_activation_derivative", None),
    "time_shift_h": ("time_shift", None),
    "time_shift_x": ("time_shift", None),
    "truncated": ("truncated", ("K", K)),
    "truncated_each": ("truncated", ("K", K)),
    "missing_immediate_term_each": ("missing_immediate_term", None),
    "missing_immediate_term": ("missing_immediate_term", None),
    "gate_order": ("gate_order", ("permutation", None)),
    "gru_bias_placement": ("gru_bias_placement", None),
}
# every mistake on these (the final-loss legacy case is the elman cell's model); on the
# saturated ones the mistakes whose effect saturation changes most (the file stays fast)
EVERY_MISTAKE = ("legacy_per_step", "elman", "lstm", "gru")
SATURATING = ("missing_activation_derivative", "truncated")
MATRIX = [(name, mistake, dtype) for name, case in ((name, CASES[name]()) for name in CASES)
          for mistake in MISTAKES if applies(case, mistake)
          and (name in EVERY_MISTAKE or name.endswith("_saturated") and mistake in SATURATING)
          for dtype in ("float64", "float32")]


def test_supplied_matrix_covers_every_mistake_of_every_cell():
    assert set(EXPECTED) == set(MISTAKES)
    made = {(cell_name(CASES[name]()), mistake) for name, mistake, _ in MATRIX}
    assert made == {(cell_name(CASES[name]()), mistake) for name in EVERY_MISTAKE
                    for mistake in MISTAKES if applies(CASES[name](), mistake)}
    assert {cell for cell, _ in made} == {"legacy", "elman", "lstm", "gru"}


def detail_matches(finding, key, value, cell):
    if key == "permutation":
        return list(finding.detail.get("permutation", ())) == list(GATE_ORDER[cell])
    if key == "factor":  # c, under whatever key the finding names it
        return any(isinstance(v, (int, float)) and np.isclose(v, value, rtol=1e-6)
                   for v in finding.detail.values())
    return finding.detail.get(key) == value


def assert_taylor(result, dtype, slope):
    """The third verdict, run by check_gradients on small float64 cases: every slope within
    0.1 of 2 (correct) or of 1 (wrong)."""
    if dtype != "float64":
        return
    taylor = result.taylor
    assert taylor is not None and taylor.passed == (slope == 2), result.taylor_note
    assert all(abs(s - slope) <= 0.1 for s in taylor.slopes), taylor.slopes


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_supplied_correct_program_passes(name, dtype):
    case = CASES[name]()
    result = numeric.check_gradients(case, submitted(case, dtype))
    assert result.dtype == dtype  # inferred from the arrays
    assert_passed(result)
    assert_taylor(result, dtype, 2)


@pytest.mark.parametrize("name, mistake, dtype", MATRIX)
def test_supplied_mistake_is_diagnosed(name, mistake, dtype):
    case = CASES[name]()
    result = numeric.check_gradients(case, submitted(case, dtype, mistake))
    code, detail = EXPECTED[mistake]
    assert_taylor(result, dtype, 1)
    passed, diagnosis = result.passed, result.diagnosis
    assert not passed
    assert code in diagnosis, (diagnosis, failures(result))
    if detail is not None:
        findings = [f for f in result.findings if f.code == code]
        assert any(detail_matches(f, *detail, cell_name(case)) for f in findings), \
            [f.detail for f in findings]
