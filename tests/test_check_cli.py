"""``rnngrad check CASE.json``, end to end: values recomputed independently in plain
NumPy, exit codes, one-line errors on malformed or hostile case files, nothing written."""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reports.cli import main

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
METHODS = ("central", "richardson", "complex_step", "mpmath")

EXAMPLE = {"activation": "tanh",
           "W_hh": [[0.5, -0.3], [0.2, 0.9]], "W_xh": [[1.0], [0.5]], "b_h": [0.1, -0.2],
           "h0": [0.3, -0.1], "x": [[0.2], [0.7], [-0.4]],
           "y": [0.0, 0.5]}


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write_case(tmp_path, case, name="case.json"):
    path = tmp_path / name
    path.write_text(case if isinstance(case, str) else json.dumps(case), encoding="utf-8")
    return path


def check_json(capsys, tmp_path, case, *extra):
    status, out, err = run(capsys, "check", str(write_case(tmp_path, case)), "--json", *extra)
    return status, (json.loads(out) if out else None), err


def assert_bad_input(status, out, err):
    assert status == 2, (status, err)
    assert out == ""
    assert err.startswith("rnngrad: error: ") and err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err


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


# --- 7. malformed and hostile case files -------------------------------------------------------

def _case(**changes):
    case = dict(EXAMPLE)
    for key, value in changes.items():
        if value is _DROP:
            del case[key]
        else:
            case[key] = value
    return json.dumps(case)


_DROP = object()
HOSTILE = "__import__('os').system('touch PWNED')"

BAD_CASES = [
    ("not json", "activation: tanh"),
    ("empty file", ""),
    ("json array", json.dumps([EXAMPLE])),
    ("json string", json.dumps("tanh")),
    ("missing activation", _case(activation=_DROP)),
    ("missing W_hh", _case(W_hh=_DROP)),
    ("missing W_xh", _case(W_xh=_DROP)),
    ("missing x", _case(x=_DROP)),
    ("unknown key W_hx", _case(W_hx=[[1.0], [0.5]])),
    ("W_hh not square", _case(W_hh=[[0.5, -0.3, 0.1], [0.2, 0.9, 0.0]])),
    ("W_hh ragged", _case(W_hh=[[0.5, -0.3], [0.2]])),
    ("W_hh 3-d", _case(W_hh=[[[0.5, -0.3], [0.2, 0.9]]])),
    ("W_hh scalar", _case(W_hh=0.5)),
    ("W_xh wrong width", _case(W_xh=[[1.0, 2.0], [0.5, 1.0]])),
    ("W_xh wrong height", _case(W_xh=[[1.0]])),
    ("b_h wrong length", _case(b_h=[0.1, -0.2, 0.3])),
    ("h0 wrong length", _case(h0=[0.3])),
    ("y wrong length", _case(y=[0.0, 0.5, 1.0])),
    ("y empty", _case(y=[])),
    ("string entry", _case(W_hh=[[0.5, "0.5"], [0.2, 0.9]])),
    ("boolean entry", _case(x=[[0.2], [True], [-0.4]])),
    ("null entry", _case(h0=[0.3, None])),
    ("object entry", _case(b_h=[0.1, {"v": 1}])),
    ("NaN token", _case(W_hh=[[0.5, -0.3], [0.2, 0.9]]).replace("0.9", "NaN")),
    ("Infinity token", _case(W_xh=[[1.0], [0.5]]).replace("0.5]]", "Infinity]]", 1)),
    ("-Infinity token", _case().replace("-0.4", "-Infinity")),
    ("1e999 overflows", _case().replace("-0.4", "1e999")),
    ("integer overflows float", _case().replace("-0.4", "1" + "0" * 400)),
    ("integer beyond int digit limit", _case().replace("-0.4", "1" * 5000)),
    ("empty x", _case(x=[])),
    ("x rows empty", _case(x=[[]])),
    ("unknown name not formula", _case(activation="tahn(x")),
    ("unknown function relu6", _case(activation="relu6(x)")),
    ("misspelled registered name", _case(activation="tahn")),
    ("bare variable is not an activation name", _case(activation="x")),
    ("empty activation", _case(activation="")),
    ("hostile import", _case(activation=HOSTILE)),
    ("hostile dunder", _case(activation="x.__class__")),
    ("hostile lambda", _case(activation="(lambda: 0)()")),
    ("activation number", _case(activation=1.5)),
    ("activation list", _case(activation=["tanh"])),
    ("alpha on tanh", _case(alpha=0.1)),
    ("alpha string", _case(activation="leaky_relu", alpha="0.1")),
    ("alpha on formula", _case(activation="x/(1+Abs(x))", alpha=0.1)),
    ("deeply nested", "[" * 100000),
    ("deeply nested object", '{"x": ' + "[" * 100000),
    ("not utf-8", None),
]


@pytest.mark.parametrize("text", [t for _, t in BAD_CASES], ids=[name for name, _ in BAD_CASES])
def test_check_bad_case_exits_2_with_one_line(text, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "case.json"
    if text is None:
        path.write_bytes(b'{"activation": "tanh\xff\xfe"}')
    else:
        path.write_text(text, encoding="utf-8")
    status, out, err = run(capsys, "check", str(path), "--json")
    assert_bad_input(status, out, err)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["case.json"]
    assert not (Path.cwd() / "PWNED").exists()


def test_check_bad_case_without_json_flag_exits_2(capsys, tmp_path):
    path = write_case(tmp_path, _case(W_hh=[[0.5, -0.3], [0.2]]))
    assert_bad_input(*run(capsys, "check", str(path)))


def test_check_nonexistent_path_exits_2(capsys, tmp_path):
    assert_bad_input(*run(capsys, "check", str(tmp_path / "missing.json"), "--json"))
    assert list(tmp_path.iterdir()) == []


def test_check_directory_path_exits_2(capsys, tmp_path):
    assert_bad_input(*run(capsys, "check", str(tmp_path), "--json"))
    assert list(tmp_path.iterdir()) == []


def test_check_missing_case_argument_exits_2(capsys):
    assert_bad_input(*run(capsys, "check", "--json"))


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


def test_check_subprocess_bad_input_no_traceback(tmp_path):
    path = write_case(tmp_path, _case(activation=HOSTILE))
    done = subprocess.run([sys.executable, "-m", "reports", "check", str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env=ENV)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("rnngrad: error: ") and done.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


# --- the help text documents the case file completely ------------------------------------------

CASE_KEYS = ("activation", "alpha", "W_hh", "W_xh", "b_h", "h0", "x", "y")


def check_help(capsys):
    status, out, err = run(capsys, "check", "--help")
    assert status == 0 and err == ""
    return out


def help_example(text):
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("{"))
    stop = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("}"))
    return json.loads("\n".join(lines[start:stop + 1]))


def help_table(text):
    """{key: 'yes' | 'no'} from the key table of the help (the 'required' column)."""
    rows = re.findall(r"^  (\w+) {2,}(.+?) {2,}(yes|no) {2,}", text, flags=re.MULTILINE)
    return {key: required for key, _, required in rows}


def test_check_help_example_is_a_passing_case(capsys, tmp_path):
    example = help_example(check_help(capsys))
    assert example == EXAMPLE
    status, data, _ = check_json(capsys, tmp_path, example)
    assert status == 0 and data["passed"] is True


def test_check_help_lists_every_key_and_which_are_required(capsys, tmp_path):
    """The help's 'required' column agrees with what the parser does when a key is left out."""
    table = help_table(check_help(capsys))
    assert tuple(table) == CASE_KEYS
    for key in CASE_KEYS:
        case = {k: v for k, v in {**EXAMPLE, "activation": "elu", "alpha": 0.5}.items()
                if k != key}
        status, _, err = check_json(capsys, tmp_path, case)
        assert (status == 2) == (table[key] == "yes"), (key, err)


def test_check_help_states_loss_shapes_and_exit_codes(capsys):
    text = check_help(capsys)
    assert "h_t = phi(W_hh h_(t-1) + W_xh x_t + b_h) for t = 1..T" in text
    assert "L = 1/2 ||h_T - y||^2 (shape n)" in text
    assert "L = 1/2 sum_t ||h_t - y_t||^2 (shape T x n)" in text
    for key, shape in (("W_hh", "n x n"), ("W_xh", "n x m"), ("b_h", "n"), ("h0", "n"),
                       ("x", "T x m"), ("y", "n, or T x n")):
        assert re.search(rf"^  {key} +{re.escape(shape)}  ", text, flags=re.MULTILINE), key
    assert "exit status: 0 every check passed, 1 a check failed, 2 bad input" in text
    assert "design" not in text.lower()
