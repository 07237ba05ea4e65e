"""Numbers at the edges of float64 through the real CLI: subnormal weights, exact zeros beside
an overflowing g_k, a state on relu's kink (issue 16, items 3 and 4)."""

import json
import math

from tests.adversarial.hostile import assert_clean, rnngrad


def _case(tmp_path, name, **fields):
    path = tmp_path / name
    path.write_text(json.dumps(fields), encoding="utf-8")
    return path


def test_subnormal_recurrent_weight_prints_its_log10(tmp_path):
    # tanh, W_hh = [[5e-324]] (2^-1074), T = 3: ‖∂h_3/∂h_0‖ = Π 2^-1074 tanh'(a_t), a_t = 0.1
    # up to 1e-324, so log10 = 3 (−1074 log10 2 + log10 tanh'(0.1)) = −969.93 (an OverflowError
    # once; J_k = tanh'(0.1)·2^-1074 itself rounds to 2^-1074 in float64, losing tanh')
    case = _case(tmp_path, "sub.json", activation="tanh", W_hh=[[5e-324]], W_xh=[[1.0]],
                 b_h=[0.0], h0=[0.3], x=[[0.1]] * 3, y=[0.5])
    run = rnngrad("check", case, "--json", timeout=30)
    assert_clean(run, 0)     # every check passes on this correct case
    expected = 3 * (-1074 * math.log10(2) + math.log10(1 - math.tanh(0.1) ** 2))
    assert abs(json.loads(run.stdout)["log10_norm_product"] - expected) < 1e-9


def test_zero_state_gradient_is_zero_and_overflow_is_said(tmp_path):
    # identity, w = 10, T = 1000, h = 0 throughout: ∂L/∂W_hh = Σ δ_k h_{k-1}^T = 0 exactly
    # (before: null, inf·0), ∂L/∂h_0 = -0.5·10^1000 overflows: its log10 is given
    case = _case(tmp_path, "zero.json", activation="identity", W_hh=[[10.0]], W_xh=[[1.0]],
                 b_h=[0.0], h0=[0.0], x=[[0.0]] * 1000, y=[0.5])
    run = rnngrad("check", case, "--json", timeout=30)
    assert_clean(run, 0)
    result = json.loads(run.stdout)
    assert result["grad_W_hh"] == [[0.0]] and result["grad_W_xh"] == [[0.0]]
    assert abs(result["grad_overflow"]["grad_h0"] - (1000 + math.log10(0.5))) < 1e-9


def test_relu_sweep_on_the_kink_says_so():
    run = rnngrad("sweep", "--activation", "relu", "--w", "0.5,100", "--T", "1,5", timeout=30)
    assert_clean(run, 0)
    assert "kink" in run.stdout and "relu'(0) = 0" in run.stdout and "convention" in run.stdout
