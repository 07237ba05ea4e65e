"""``rnngrad check CASE.json``: the --rtol override and its exit statuses (1 when a check
fails, 2 for a bad value), checks not performed at kinks (n/a, never a pass), saturation,
overflow and underflow.
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
    REPO,
    assert_bad_input,
    check_json,
    run,
    write_case,
)

# --- 4. --rtol ---------------------------------------------------------------------------------

def test_check_rtol_tiny_fails_with_exit_1(capsys, tmp_path):
    status, data, err = check_json(capsys, tmp_path, EXAMPLE, "--rtol", "1e-30")
    assert status == 1 and data["passed"] is False
    assert all(c["tolerance"] == 1e-30 for c in data["checks"].values())
    checks = data["checks"]
    for name in ("central", "richardson"):  # nothing resolvable to 1e-30: n/a, never a pass
        assert checks[name]["passed"] is None, checks[name]
        assert checks[name]["note"].startswith("not performed: "), checks[name]
    for name in ("complex_step", "mpmath"):  # performed, and 1e-30 is beyond float64
        assert checks[name]["passed"] is False, checks[name]


def test_check_rtol_tiny_table_says_failed(capsys, tmp_path):
    status, out, _ = run(capsys, "check", str(write_case(tmp_path, EXAMPLE)), "--rtol", "1e-30")
    assert status == 1 and "all checks passed" not in out and out.count("FAIL") == 3
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    for name in ("central", "richardson"):
        assert " n/a  (not performed: " in rows[name] and "pass" not in rows[name]
    for name in ("complex_step", "mpmath"):
        assert " FAIL" in rows[name]


KINK_CASE = {"activation": "relu", "W_hh": [[1.2]], "W_xh": [[1.0]], "x": [[0.0], [0.0]],
             "y": [0.0]}


def test_check_relu_at_kink_with_zero_jacobians_is_not_performed(capsys, tmp_path):
    """Every a_k = 0 and every J_k, dL/dW_hh = 0 exactly: difference quotients resolve
    nothing, so they are null (n/a) with the reason, not a pass; mpmath ran and passed."""
    status, data, _ = check_json(capsys, tmp_path, KINK_CASE)
    assert status == 0 and data["passed"] is True
    checks = data["checks"]
    for name in ("central", "richardson", "complex_step"):
        assert checks[name]["passed"] is None and checks[name]["note"].startswith(
            "not performed: "), checks[name]
    assert checks["mpmath"]["passed"] is True
    status, out, _ = run(capsys, "check", str(write_case(tmp_path, KINK_CASE)))
    assert status == 0 and " pass" not in out.split("mpmath")[0].split("result")[1]
    assert out.rstrip().endswith(
        "every check performed passed; not performed (n/a): central, richardson, complex_step")


@pytest.mark.parametrize("rtol", ["0", "-1", "nan", "inf", "abc"])
def test_check_rtol_invalid_exits_2(rtol, capsys, tmp_path):
    path = write_case(tmp_path, EXAMPLE)
    status, out, err = run(capsys, "check", str(path), "--rtol", rtol)
    assert_bad_input(status, out, err)


# --- 5. relu: complex step not applicable; a kink exactly at a_1 = 0 ---------------------------

def test_check_relu_complex_step_not_applicable(capsys, tmp_path):
    status, data, _ = check_json(capsys, tmp_path, dict(EXAMPLE, activation="relu"))
    assert status == 0 and data["passed"] is True
    cs = data["checks"]["complex_step"]
    assert cs["applicable"] is False and cs["passed"] is None and "not analytic" in cs["note"]
    for name in ("central", "richardson", "mpmath"):
        assert data["checks"][name]["applicable"] is True


def test_check_relu_at_kink_exits_0_and_notes_kink(capsys, tmp_path):
    case = {"activation": "relu", "W_hh": [[1.0]], "W_xh": [[1.0]], "b_h": [0.0],
            "h0": [0.5], "x": [[-0.5]], "y": [0.3]}
    status, data, err = check_json(capsys, tmp_path, case)
    assert status == 0 and data["passed"] is True, err
    assert data["h"] == [[0.5], [0.0]]
    assert data["loss"] == pytest.approx(0.5 * 0.3**2, rel=1e-15)
    assert "kink" in data["checks"]["central"]["note"]
    assert data["checks"]["central"]["passed"] is None  # J_1 = 0 at the kink: nothing to resolve


# --- 6. saturated tanh: uninformative quotients, not false failures -----------------------------

def test_check_saturated_tanh_notes_uninformative(capsys, tmp_path):
    x = (10 * np.random.default_rng(0).standard_normal((100, 1))).tolist()
    case = {"activation": "tanh", "W_hh": [[3.0]], "W_xh": [[1.0]], "h0": [0.1], "y": [0.2],
            "x": x}
    status, data, err = check_json(capsys, tmp_path, case)
    assert status == 0 and data["passed"] is True, err
    assert data["T"] == 100
    central = data["checks"]["central"]
    assert central["passed"] is True and "uninformative" in central["note"]
    # the product underflows float64 (|dh_T/dh_0| ~ 1e-630) yet its log10 is reported
    assert data["log10_norm_product"] < -300


def test_check_overflowing_finite_case_gives_strict_json(tmp_path):
    """Finite entries whose products overflow float64: either refused (exit 2, one line) or
    reported with standard JSON only: non-representable values null, never Infinity/NaN."""
    case = {"activation": "tanh", "W_hh": [[1e300]], "W_xh": [[1e300]], "x": [[1e300]],
            "y": [1e300]}
    path = write_case(tmp_path, case)
    done = subprocess.run([sys.executable, "-m", "reports", "check", str(path), "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=60, env=ENV)
    assert "Traceback" not in done.stderr
    if done.returncode == 2:
        assert done.stdout == "" and done.stderr.count("\n") == 1
        return
    assert done.returncode == 1

    def refuse(token):
        raise AssertionError(f"non-standard JSON token {token} in --json output")

    json.loads(done.stdout, parse_constant=refuse)


def test_check_underflowing_jacobian_is_not_a_false_failure(capsys, tmp_path):
    """|a_1| = 400: sech^2(400) ~ 1.5e-347 underflows float64 to 0.  That 0 is the correctly
    rounded float64 value, so the verdict must not be a failure (underflow)."""
    case = {"activation": "tanh", "W_hh": [[1.0]], "W_xh": [[1.0]], "x": [[400.0]]}
    status, data, err = check_json(capsys, tmp_path, case)
    assert data["h"] == [[0.0], [1.0]]
    assert data["checks"]["mpmath"]["passed"] is True, data["checks"]["mpmath"]
    assert status == 0 and data["passed"] is True


def test_check_underflowing_product_reports_log10(capsys, tmp_path):
    """Report log10 values, never a silent 0 or inf; here log10|dh_1/dh_0| =
    log10 sech^2(400) = -346.8335..., representable although the product itself is not."""
    case = {"activation": "tanh", "W_hh": [[1.0]], "W_xh": [[1.0]], "x": [[400.0]]}
    _, data, _ = check_json(capsys, tmp_path, case)
    expected = math.log10(4.0) - 800.0 / math.log(10.0)  # sech^2(a) = 4 e^{-2a} (1 + e^{-2a})^-2
    assert data["log10_norm_product"] == pytest.approx(expected, abs=1e-9)
