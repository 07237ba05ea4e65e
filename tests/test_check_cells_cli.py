"""``rnngrad check CASE.json`` for cell cases: the JSON fields and shapes, their values against
PyTorch's float64 autograd (tests/torch_reference.py) to 1e-10, byte-identical reruns, the
table, the one-line errors of bad input (exit 2), and the format without a cell unchanged."""

import json

import numpy as np
import pytest
import torch

from tests.check_cases import EXAMPLE, assert_bad_input, check_json, run, write_case
from tests.torch_reference import assert_close, reference

nn = torch.nn
OLD_KEYS = {"T", "activation", "h", "step_jacobians", "jacobian_product", "spectral_norm_W",
            "gamma", "gamma_exact", "gamma_method", "bound", "log10_bound", "log10_norm_product",
            "log10_norm_product_source", "loss", "grad_W_hh", "grad_h0", "grad_W_xh",
            "grad_b_h", "checks", "passed",
            "horizon", "reliable", "rate", "horizon_rule", "horizon_note",
            "trajectory_separation",  # horizon
            "product_by_differences", "bound_check"}  # what no derivative check compared


def help_cell_example(capsys):
    """The LSTM case file that ``rnngrad check --help`` shows."""
    status, out, _ = run(capsys, "check", "--help")
    assert status == 0
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('  {"cell"'))
    stop = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("}"))
    return json.loads("\n".join(lines[start:stop + 1]))


def module_case(module, x, h0, c0=None, y=None):
    """The case file of a torch cell module (its weights in PyTorch's names), and the module."""
    case = {"cell": {nn.RNNCell: "elman", nn.LSTMCell: "lstm", nn.GRUCell: "gru"}[type(module)],
            **{name: p.detach().double().tolist() for name, p in module.named_parameters()},
            "h0": h0, "x": x}
    if isinstance(module, nn.RNNCell):
        case["nonlinearity"] = module.nonlinearity
    if c0 is not None:
        case["c0"] = c0
    if y is not None:
        case["y"] = y
    return case


def lstm_module(case):
    module = nn.LSTMCell(len(case["x"][0]), len(case["h0"])).double()
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.tensor(case.get(name, np.zeros(p.shape).tolist()), dtype=torch.float64))
    return module


def assert_matches_reference(data, module, case):
    s0 = case["h0"] + case.get("c0", [])
    product, grads, grad_s0, loss = reference(module, case["x"], s0, case["y"])
    assert_close(data["jacobian_product"], product)
    assert data["loss"] == pytest.approx(loss, rel=1e-12)
    assert set(data["grads"]) == set(grads)
    for name, grad in grads.items():
        assert np.shape(data["grads"][name]) == grad.shape   # PyTorch's shapes
        assert_close(data["grads"][name], grad)
    n = len(case["h0"])
    assert_close(data["grad_h0"], grad_s0[:n])
    if "c0" in case:
        assert_close(data["grad_c0"], grad_s0[n:])


def test_check_cells_help_example_json_fields_and_values(capsys, tmp_path):
    case = help_cell_example(capsys)
    status, data, err = check_json(capsys, tmp_path, case)
    assert status == 0 and err == ""
    T, n = 3, 2
    assert data["cell"] == "lstm" and data["state"] == ["h", "c"] and data["T"] == T
    assert data["n"] == n and data["m"] == 1 and data["activation"] is None
    assert np.shape(data["h"]) == np.shape(data["c"]) == (T + 1, n)
    assert data["h"][0] == case["h0"] and data["c"][0] == case["c0"]
    assert np.shape(data["step_jacobians"]) == (T, 2 * n, 2 * n)
    assert np.shape(data["jacobian_product"]) == (2 * n, 2 * n)
    assert set(data["checks"]) == {"central", "richardson", "complex_step", "mpmath"}
    module = lstm_module(case)
    assert_matches_reference(data, module, case)
    # the step Jacobians multiply to the product, and each is PyTorch's one-step Jacobian
    P = np.eye(2 * n)
    for k, J in enumerate(data["step_jacobians"]):
        s_prev = data["h"][k] + data["c"][k]
        J_ref, *_ = reference(module, [case["x"][k]], s_prev)
        assert_close(J, J_ref)
        P = np.array(J) @ P
    assert_close(data["jacobian_product"], P, 1e-13)
    norm = np.linalg.norm(np.array(data["jacobian_product"]), 2)
    assert data["log10_norm_product"] == pytest.approx(np.log10(norm), abs=1e-12)


@pytest.mark.parametrize("make, c0", [
    (lambda: nn.RNNCell(2, 3), False), (lambda: nn.RNNCell(2, 3, nonlinearity="relu"), False),
    (lambda: nn.GRUCell(2, 3), False), (lambda: nn.LSTMCell(2, 3), True)])
def test_check_cells_values_match_autograd(capsys, tmp_path, make, c0):
    torch.manual_seed(4)
    module = make()
    x, h0, c, y = (torch.randn(*shape).double().tolist() for shape in ((6, 2), (3,), (3,), (3,)))
    case = module_case(module, x, h0, c if c0 else None, y)
    status, data, err = check_json(capsys, tmp_path, case)
    assert status == 0 and err == ""
    assert data["state"] == (["h", "c"] if c0 else ["h"])
    assert_matches_reference(data, module.double(), case)
    if case["cell"] == "elman":
        assert data["grad_W_hh"] == data["grads"]["weight_hh"]
        assert data["activation"] == module.nonlinearity
    else:
        assert "grad_W_hh" not in data


def test_check_cells_indrnn_against_its_equations_in_torch(capsys, tmp_path):
    """IndRNN (no PyTorch module): h' = tanh(W_ih x + b + u ⊙ h) written out in torch."""
    case = {"cell": "indrnn", "weight_ih": [[0.5, -0.2], [0.3, 0.8]], "bias": [0.1, -0.1],
            "u": [0.9, -1.2], "h0": [0.2, 0.4], "x": [[0.1, 0.2], [0.5, -0.3], [1.0, 0.0]],
            "y": [0.3, -0.2], "activation": "tanh"}
    W, b, u, x, y = (torch.tensor(case[k], dtype=torch.float64)
                     for k in ("weight_ih", "bias", "u", "x", "y"))
    W.requires_grad_(True), b.requires_grad_(True), u.requires_grad_(True)
    h0 = torch.tensor(case["h0"], dtype=torch.float64, requires_grad=True)

    def final(h):
        for x_k in x:
            h = torch.tanh(W @ x_k + b + u * h)
        return h

    product = torch.autograd.functional.jacobian(final, h0.detach())
    residual = final(h0) - y
    (0.5 * residual @ residual).backward()
    status, data, _ = check_json(capsys, tmp_path, case)
    assert status == 0 and data["state"] == ["h"] and data["activation"] == "tanh"
    assert_close(data["jacobian_product"], product.numpy())
    for name, tensor in (("weight_ih", W), ("bias", b), ("u", u)):
        assert_close(data["grads"][name], tensor.grad.numpy())
    assert_close(data["grad_h0"], h0.grad.numpy())


def test_check_cells_reruns_are_byte_identical(capsys, tmp_path):
    path = str(write_case(tmp_path, help_cell_example(capsys)))
    for form in ((), ("--json",)):
        first, second = run(capsys, "check", path, *form), run(capsys, "check", path, *form)
        assert first == second and first[1]


def test_check_cells_table_names_cell_state_order_and_product(capsys, tmp_path):
    case = help_cell_example(capsys)
    _, data, _ = check_json(capsys, tmp_path, case)
    status, out, err = run(capsys, "check", str(write_case(tmp_path, case)))
    lines = out.splitlines()
    assert lines[0] == "rnngrad check: cell lstm, n = 2, m = 1, T = 3"
    assert lines[1] == "  state s = [h; c] (state order h, c; S = 4)"
    assert "  ds_T/ds_0, rows and columns in state order:" in lines
    start = lines.index("  ds_T/ds_0, rows and columns in state order:") + 1
    shown = [[float(v) for v in line.strip(" []").split()] for line in lines[start:start + 4]]
    np.testing.assert_allclose(shown, data["jacobian_product"], rtol=1e-6)
    assert any(line.startswith("  dL/dc_0") for line in lines)
    assert lines[-1].startswith(("all checks passed", "every check performed passed",
                                 "a check FAILED"))


def test_check_cells_product_beyond_float64_is_null_beside_its_log10(capsys, tmp_path):
    """h' = tanh(10^-3 h), h_0 = 0: every step Jacobian is 10^-3 exactly, so ∂h_T/∂h_0 =
    10^-600 at T = 200: not a float64; its log10 is."""
    case = {"cell": "elman", "weight_ih": [[0.0]], "weight_hh": [[1e-3]], "x": [[0.0]] * 200}
    _, data, _ = check_json(capsys, tmp_path, case)
    assert data["jacobian_product"] is None
    assert data["log10_norm_product"] == pytest.approx(-600.0, abs=1e-9)
    assert data["log10_norm_product_source"] == "float64"
    status, out, _ = run(capsys, "check", str(write_case(tmp_path, case)))
    assert "    not representable in float64 (its log10 norm is above)" in out


def test_check_cells_old_format_output_unchanged(capsys, tmp_path):
    status, data, _ = check_json(capsys, tmp_path, EXAMPLE)
    assert status == 0 and set(data) == OLD_KEYS
    _, out, _ = run(capsys, "check", str(write_case(tmp_path, EXAMPLE)))
    assert out.startswith("rnngrad check: tanh, n = 2, T = 3\n  ||W_hh||_2")


BAD = [
    ({"weight_hh": [[0.1, 0.2]] * 6}, "weight_hh must be (4n, n) = (8, 2) for lstm with n = 2 "
     "(row blocks i, f, g, o), got (6, 2)"),
    ({"cell": "transformer"}, "unknown cell 'transformer'; expected one of: elman, lstm, gru, "
     "indrnn"),
    ({"cell": "gru", "c0": [0.0]}, "c0 is only for lstm: gru has no cell state"),
    ({"W_hh": [[1.0]]}, "'W_hh' is a key of the format without \"cell\"; cell lstm takes "
     "weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's names)"),
    ({"u": [1.0, 1.0]}, "'u' is a parameter of indrnn, not of lstm (lstm takes weight_ih, "
     "weight_hh, bias_ih, bias_hh)"),
    ({"x": []}, "x must have at least one row (T >= 1)"),
    ({"weight_ih": ...}, "missing key 'weight_ih' for cell lstm (required: cell, weight_ih, "
     "weight_hh, x)"),
]


@pytest.mark.parametrize("changes, message", BAD)
def test_check_cells_bad_input_exit_2_one_line(capsys, tmp_path, changes, message):
    case = {**help_cell_example(capsys), **changes}
    case = {k: v for k, v in case.items() if v is not ...}
    if case["cell"] == "gru":
        case = {"cell": "gru", "weight_ih": [[0.1]] * 3, "weight_hh": [[0.2]] * 3,
                "x": [[1.0]], "c0": [0.0]}
    status, out, err = run(capsys, "check", str(write_case(tmp_path, case)))
    assert_bad_input(status, out, err)
    assert err == f"rnngrad: error: {message}\n"


def test_check_cells_nan_token_exit_2(capsys, tmp_path):
    text = json.dumps(help_cell_example(capsys)).replace('"c0": [0.5', '"c0": [NaN')
    status, out, err = run(capsys, "check", str(write_case(tmp_path, text)))
    assert_bad_input(status, out, err)
    assert "NaN" in err


def test_check_cells_help_example_passes_every_check(capsys, tmp_path):
    """Holds once the real cell checks replace the placeholder (numeric/cell_checks.py):
    FAILS until then, because the placeholder performs no check."""
    status, data, _ = check_json(capsys, tmp_path, help_cell_example(capsys))
    assert status == 0 and data["passed"] is True
    assert all(check["passed"] is True for check in data["checks"].values()), data["checks"]
    status, _, _ = check_json(capsys, tmp_path, help_cell_example(capsys), "--rtol", "1e-30")
    assert status == 1


def test_check_cells_readme_case_is_the_help_example(capsys):
    from tests.readme_blocks import blocks

    cells = [json.loads(b.text) for b in blocks() if b.info == "json" and '"cell"' in b.text]
    assert cells == [help_cell_example(capsys)]


def test_check_cells_nothing_performed_is_not_a_pass(capsys, tmp_path):
    """relu IndRNN at its kink with x = 0, h0 = 0: every quantity is an exact zero, no check
    can resolve anything; the run must say so (passed null, exit 1), never report a pass."""
    case = {"cell": "indrnn", "weight_ih": [[0.5]], "u": [0.5], "activation": "relu",
            "x": [[0.0]], "h0": [0.0]}
    status, data, _ = check_json(capsys, tmp_path, case)
    assert [c["passed"] for c in data["checks"].values()] == [None] * 4
    assert data["passed"] is None and status == 1
    status, out, _ = run(capsys, "check", str(write_case(tmp_path, case, "t.json")))
    assert status == 1
    assert out.rstrip().endswith("no check could be performed (n/a: see each note); nothing "
                                 "was verified, exit status 1")
