"""``rnngrad check`` and the predictability horizon of the case's own trajectory: a stable case
(no horizon, every verdict as the checks give it alone), a chaotic one (tanh, n = 16,
W_hh = 3 W0, T = 200: its horizon equals the one of a twin loop written here, the comparisons
that recompute the whole forward pass are n/a, exit 0), the same as an elman cell, and a linear
case with |W| > 1 (always reliable)."""

import json

import numpy as np
import pytest

import derive
import numeric
from reports.checking import check_case, render_table
from tests.check_cases import chaotic_arrays, chaotic_case_file, check_json

REASON = ("beyond the predictability horizon (step {K} < T = 200): the reference recomputes the "
          "chaotic trajectory with other roundings, so it follows another sample")
RULE_START = "a value at length T is reliable when T is below the predictability horizon"


def hand_horizon(W, U, x, h0, threshold=1e-4):
    """The rule written out: twin from h0 + δ (signs from default_rng(0), 2^-50 max(1, |h0|)),
    restarted where it equals the trajectory, first k with ‖h − h̃‖∞ / max(1, ‖h‖∞) > 1e-4."""
    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=len(h0))

    def twin_of(h):
        return h + 2.0**-50 * max(1.0, float(np.max(np.abs(h)))) * signs

    h, twin = np.array(h0, float), twin_of(np.array(h0, float))
    for k in range(1, len(x) + 1):
        h, twin = np.tanh(h @ W.T + U @ x[k - 1]), np.tanh(twin @ W.T + U @ x[k - 1])
        if np.array_equal(h, twin):
            twin = twin_of(h)
        if np.max(np.abs(h - twin)) / max(1.0, float(np.max(np.abs(h)))) > threshold:
            return k
    return None


@pytest.fixture(scope="module")
def chaotic_horizon():
    W, U, x, _ = chaotic_arrays()
    K = hand_horizon(W, U, x, np.zeros(len(W)))
    assert K is not None and K < 200
    return K


# --- a stable case: nothing changes -----------------------------------------------------------

def test_stable_case_no_horizon_and_verdicts_unchanged():
    rng = np.random.default_rng(3)
    n, T = 3, 50
    data = {"activation": "tanh", "W_hh": (0.4 * rng.standard_normal((n, n))).tolist(),
            "W_xh": rng.standard_normal((n, 1)).tolist(), "x": rng.standard_normal((T, 1)).tolist(),
            "y": rng.standard_normal(n).tolist()}
    case = numeric.case_from_dict(data)
    result = check_case(case)
    assert result["horizon"] is None and result["reliable"] is True
    assert result["horizon_rule"].startswith(RULE_START)
    assert result["rate"] == pytest.approx(result["log10_norm_product"] / T, rel=1e-15)
    alone = {"central": numeric.check_differences(case, "central"),
             "richardson": numeric.check_differences(case, "richardson"),
             "complex_step": numeric.check_complex_step(case),
             "mpmath": numeric.check_mpmath(case)}
    assert result["checks"] == {name: json.loads(json.dumps(report.to_dict()))
                                for name, report in alone.items()}
    assert all(check["passed"] for check in result["checks"].values())
    assert "beyond" not in json.dumps(result["checks"])
    text = render_table(result)
    assert "  predictability horizon     none within the T steps; reliable\n" in text


def _estimate_or_progress_only(err):
    """stderr holds at most the cost estimate and progress lines (T = 200 is estimated past
    5 s; progress appears when the run passes a few seconds), nothing else."""
    return all(line.startswith("rnngrad check: ") for line in err.splitlines())


# --- the chaotic case -------------------------------------------------------------------------

def test_chaotic_case_flagged_and_recomputing_checks_na(capsys, tmp_path, chaotic_horizon):
    K = chaotic_horizon
    status, data, err = check_json(capsys, tmp_path, chaotic_case_file())
    assert status == 0 and _estimate_or_progress_only(err)
    assert data["horizon"] == K and data["reliable"] is False
    assert data["horizon_rule"].startswith(RULE_START)
    assert data["rate"] == pytest.approx(data["log10_norm_product"] / 200, rel=1e-15)
    reason = REASON.format(K=K)
    checks = data["checks"]
    assert checks["mpmath"]["passed"] is None
    assert checks["mpmath"]["note"] == f"not performed: {reason}"
    for name in ("central", "richardson", "complex_step"):   # the J_k, same rounded states
        assert checks[name]["passed"] is True, checks[name]
        assert checks[name]["note"].endswith(f"dL/dW_hh not compared: {reason}")
    assert data["passed"] is True
    text = render_table(data)
    assert (f"  predictability horizon     step {K}; T is beyond it: the forward pass depends "
            "on the order of roundings there\n") in text
    assert "  rate (1/T) log10 of it     " in text
    assert "not performed (n/a): mpmath" in text


def test_rate_is_the_log10_product_norm_per_step(chaotic_horizon):
    W, U, x, _ = chaotic_arrays()
    case = numeric.Case(derive.activation("tanh"), W, U, np.zeros(16), np.zeros(16), x)
    h, P = np.zeros(16), np.eye(16)
    log10_scale = 0.0
    for x_k in x:
        h = np.tanh(W @ h + U @ x_k)
        P = (1 - h**2)[:, None] * W @ P
        scale = np.max(np.abs(P))
        P, log10_scale = P / scale, log10_scale + np.log10(scale)
    expected = (log10_scale + np.log10(np.linalg.norm(P, 2))) / 200
    found = numeric.case_horizon(case, numeric.jacobian_product(
        numeric.step_jacobians(case.activation, W, case.trajectory().a)).log10_norm)
    assert found.horizon == chaotic_horizon and not found.reliable
    # past the horizon the value is a sample: another order of roundings could move it by a
    # few decades over T = 200 steps, so only 1e-3 decades per step are asked for
    assert found.rate == pytest.approx(expected, abs=1e-3)


def test_chaotic_elman_cell_via_cell_path(capsys, tmp_path, chaotic_horizon):
    W, U, x, y = chaotic_arrays()
    cell = {"cell": "elman", "weight_hh": W.tolist(), "weight_ih": U.tolist(), "x": x.tolist(),
            "y": y.tolist()}
    status, data, err = check_json(capsys, tmp_path, cell)
    assert status == 0 and _estimate_or_progress_only(err)
    assert data["cell"] == "elman"
    assert data["horizon"] == chaotic_horizon and data["reliable"] is False
    assert set(data) >= {"horizon", "reliable", "rate", "horizon_rule", "horizon_note"}
    reason = REASON.format(K=chaotic_horizon)
    assert data["checks"]["mpmath"] == {**data["checks"]["mpmath"], "passed": None,
                                        "note": f"not performed: {reason}"}
    for name in ("central", "richardson", "complex_step"):
        assert data["checks"][name]["passed"] is True
        assert data["checks"][name]["note"].endswith(f"the gradients not compared: {reason}")
    assert data["passed"] is True


# --- linear: always reliable ------------------------------------------------------------------

def test_identity_activation_with_growing_W_is_reliable():
    rng = np.random.default_rng(1)
    n, T = 4, 400
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    W = 1.2 * Q                         # every |eigenvalue| 1.2: ‖h_400‖ ~ 1.2^400 ~ 1e31
    assert np.min(np.abs(np.linalg.eigvals(W))) > 1.19
    case = numeric.Case(derive.activation("identity"), W, rng.standard_normal((n, 1)),
                        np.zeros(n), rng.standard_normal(n), rng.standard_normal((T, 1)))
    found = numeric.case_horizon(case, 12.0)
    assert found.reliable is True and found.horizon is None
    assert found.rate == 12.0 / T
    assert found.to_dict()["horizon_rule"].startswith(RULE_START)
    assert "linear" in found.to_dict()["horizon_note"]
    short = numeric.Case(case.activation, W[:2, :2] * 1.5, case.W_xh[:2], np.zeros(2),
                         case.h0[:2], case.x[:20])
    result = check_case(short)
    assert result["reliable"] is True and result["horizon"] is None and result["passed"]
    assert ("  predictability horizon     none within the T steps; reliable (linear: its "
            "derivative does not depend on the trajectory)\n") in render_table(result)
