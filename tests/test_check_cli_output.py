"""``rnngrad check CASE.json``, end to end: the README example's JSON recomputed
independently in plain NumPy, determinism, cases without y, the table, a custom formula,
the console path. Tolerances and hard cases: test_check_cli_tolerances.py.
Malformed case files: test_check_bad_input.py; the help text: test_check_help.py."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from tests.check_cases import (
    ENV,
    EXAMPLE,
    METHODS,
    REPO,
    check_json,
    run,
    write_case,
)

# --- independent reference (plain NumPy, tanh) -------------------------------------------------

def tanh_forward(W, U, b, h0, x):
    h, a = [np.asarray(h0, float)], []
    for x_t in np.asarray(x, float):
        a.append(W @ h[-1] + U @ x_t + b)
        h.append(np.tanh(a[-1]))
    return np.array(h), np.array(a)


def tanh_loss(W, case):
    h, _ = tanh_forward(W, np.array(case["W_xh"]), np.array(case["b_h"]), case["h0"], case["x"])
    r = h[-1] - np.array(case["y"])
    return 0.5 * float(r @ r)


def rel_close(actual, expected, rtol):
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float),
                               rtol=rtol, atol=0)


# --- 1. the README example ---------------------------------------------------------------------

def test_check_example_exit_0_and_shapes(capsys, tmp_path):
    status, data, err = check_json(capsys, tmp_path, EXAMPLE)
    assert status == 0 and err == ""
    T, n = 3, 2
    required = ("T", "activation", "h", "step_jacobians", "jacobian_product", "spectral_norm_W",
                "gamma", "bound", "log10_norm_product", "loss", "grad_W_hh", "grad_h0",
                "checks", "passed")
    assert set(required) <= set(data)
    assert data["T"] == T and data["activation"] == "tanh" and data["passed"] is True
    assert np.shape(data["h"]) == (T + 1, n)
    assert np.shape(data["step_jacobians"]) == (T, n, n)
    assert np.shape(data["jacobian_product"]) == (n, n)
    assert np.shape(data["grad_W_hh"]) == (n, n)
    assert np.shape(data["grad_h0"]) == (n,)
    assert isinstance(data["loss"], float)
    assert data["h"][0] == EXAMPLE["h0"]


def test_check_example_values_match_independent_numpy(capsys, tmp_path):
    _, data, _ = check_json(capsys, tmp_path, EXAMPLE)
    W, U, b = (np.array(EXAMPLE[k]) for k in ("W_hh", "W_xh", "b_h"))
    y = np.array(EXAMPLE["y"])
    h, a = tanh_forward(W, U, b, EXAMPLE["h0"], EXAMPLE["x"])
    rel_close(data["h"], h, 1e-12)
    J = [np.diag(1.0 / np.cosh(a_k) ** 2) @ W for a_k in a]
    rel_close(data["step_jacobians"], J, 1e-12)
    product = J[2] @ J[1] @ J[0]
    rel_close(data["jacobian_product"], product, 1e-12)
    loss = 0.5 * float((h[-1] - y) @ (h[-1] - y))
    rel_close(data["loss"], loss, 1e-12)
    # BPTT written out by hand
    delta, grad_W = h[-1] - y, np.zeros_like(W)
    for k in range(3, 0, -1):
        g = delta * (1.0 - h[k] ** 2)
        grad_W += np.outer(g, h[k - 1])
        delta = W.T @ g
    rel_close(data["grad_h0"], delta, 1e-12)
    rel_close(data["grad_h0"], product.T @ (h[-1] - y), 1e-12)
    rel_close(data["grad_W_hh"], grad_W, 1e-12)


def test_check_example_grad_W_hh_matches_own_central_differences(capsys, tmp_path):
    _, data, _ = check_json(capsys, tmp_path, EXAMPLE)
    W, s = np.array(EXAMPLE["W_hh"]), 1e-5
    fd = np.zeros_like(W)
    for i, j in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[i, j] = s
        fd[i, j] = (tanh_loss(W + E, EXAMPLE) - tanh_loss(W - E, EXAMPLE)) / (2 * s)
    rel_close(data["grad_W_hh"], fd, 1e-7)


def test_check_example_norms_and_bound(capsys, tmp_path):
    _, data, _ = check_json(capsys, tmp_path, EXAMPLE)
    sigma = np.linalg.norm(np.array(EXAMPLE["W_hh"]), 2)
    assert data["gamma"] == 1.0
    assert data["spectral_norm_W"] == pytest.approx(sigma, rel=1e-12)
    assert data["bound"] == pytest.approx((1.0 * sigma) ** 3, rel=1e-12)
    product = np.array(data["jacobian_product"])
    assert data["log10_norm_product"] == pytest.approx(
        math.log10(np.linalg.norm(product, 2)), rel=1e-12)
    # and the norm of an independently computed product
    W, U, b = (np.array(EXAMPLE[k]) for k in ("W_hh", "W_xh", "b_h"))
    _, a = tanh_forward(W, U, b, EXAMPLE["h0"], EXAMPLE["x"])
    J = [np.diag(1 - np.tanh(a_k) ** 2) @ W for a_k in a]
    assert data["log10_norm_product"] == pytest.approx(
        math.log10(np.linalg.norm(J[2] @ J[1] @ J[0], 2)), rel=1e-12)
    assert data["log10_norm_product"] < math.log10(data["bound"])


def test_check_example_all_four_methods_pass(capsys, tmp_path):
    _, data, _ = check_json(capsys, tmp_path, EXAMPLE)
    checks = data["checks"]
    assert set(checks) == set(METHODS)
    for name in METHODS:
        assert {"max_rel_error", "tolerance", "passed", "note"} <= set(checks[name]), name
        assert checks[name]["passed"] is True, name
        assert checks[name]["max_rel_error"] <= checks[name]["tolerance"], name
    assert checks["complex_step"]["max_rel_error"] <= 1e-13
    assert checks["mpmath"]["max_rel_error"] <= 1e-12


# --- 2. determinism ----------------------------------------------------------------------------

def test_check_json_is_deterministic(capsys, tmp_path):
    path = str(write_case(tmp_path, EXAMPLE))
    _, first, _ = run(capsys, "check", path, "--json")
    _, second, _ = run(capsys, "check", path, "--json")
    assert first and first == second


# --- 3. without y ------------------------------------------------------------------------------

def test_check_without_y_has_no_loss_keys(capsys, tmp_path):
    case = {k: v for k, v in EXAMPLE.items() if k != "y"}
    status, data, _ = check_json(capsys, tmp_path, case)
    assert status == 0 and data["passed"] is True
    assert not {"loss", "grad_W_hh", "grad_h0"} & set(data)
    assert np.shape(data["h"]) == (4, 2) and set(data["checks"]) == set(METHODS)


def test_check_defaults_b_h_and_h0_to_zero(capsys, tmp_path):
    case = {k: v for k, v in EXAMPLE.items() if k not in ("b_h", "h0")}
    status, data, _ = check_json(capsys, tmp_path, case)
    W, U = np.array(case["W_hh"]), np.array(case["W_xh"])
    h, _ = tanh_forward(W, U, np.zeros(2), np.zeros(2), case["x"])
    assert status == 0 and data["h"][0] == [0.0, 0.0]
    rel_close(data["h"][1:], h[1:], 1e-12)


# --- 8. the readable table ---------------------------------------------------------------------

def test_check_table_lists_methods_and_verdict(capsys, tmp_path):
    status, out, err = run(capsys, "check", str(write_case(tmp_path, EXAMPLE)))
    assert status == 0 and err == ""
    for name in METHODS:
        assert name in out
    assert "all checks passed" in out and "FAIL" not in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


# --- 9. custom formula activation --------------------------------------------------------------

def test_check_custom_formula_runs(capsys, tmp_path):
    formula = "x/(1+Abs(x))"
    status, data, err = check_json(capsys, tmp_path, dict(EXAMPLE, activation=formula))
    assert status == 0 and data["passed"] is True, err
    W, U, b = (np.array(EXAMPLE[k]) for k in ("W_hh", "W_xh", "b_h"))
    h = [np.array(EXAMPLE["h0"])]
    for x_t in np.array(EXAMPLE["x"]):
        a = W @ h[-1] + U @ x_t + b
        h.append(a / (1 + np.abs(a)))
    rel_close(data["h"], h, 1e-12)
    assert data["gamma"] == 1.0


# --- 10. the console path ----------------------------------------------------------------------

def test_check_subprocess_matches_in_process(capsys, tmp_path):
    path = write_case(tmp_path, EXAMPLE)
    done = subprocess.run([sys.executable, "-m", "reports", "check", str(path), "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=60, env=ENV)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert data["passed"] is True and data["T"] == 3
    _, out, _ = run(capsys, "check", str(path), "--json")
    assert done.stdout == out
