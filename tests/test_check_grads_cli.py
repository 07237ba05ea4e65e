"""``rnngrad check CASE.json --grads G ...``: your gradients against the derivation, end to end.
The right gradients come from a hand-written NumPy BPTT here (never from rnngrad); the wrong one
is that BPTT with W_hh's gradient transposed.  Reading of the files: reports.grads_files."""

import json
import re

import numpy as np
import pytest

import numeric
from numeric import check_cost, supplied_compare
from tests.check_cases import assert_bad_input, run, write_case

RNG_SEED = 3


def elman_case():
    """A legacy tanh case (n = 3, m = 2, T = 4) with a target y, from a fixed seed."""
    rng = np.random.default_rng(RNG_SEED)
    n, m, T = 3, 2, 4
    return {"activation": "tanh", "W_hh": (0.6 * rng.standard_normal((n, n))).tolist(),
            "W_xh": rng.standard_normal((n, m)).tolist(),
            "b_h": (0.1 * rng.standard_normal(n)).tolist(),
            "h0": (0.2 * rng.standard_normal(n)).tolist(),
            "x": rng.standard_normal((T, m)).tolist(),
            "y": (0.5 * rng.standard_normal(n)).tolist()}


def hand_bptt(case, dtype=np.float64):
    """dL/dW_hh, dL/dW_xh, dL/db_h, dL/dh_0 and L = ½‖h_T − y‖² by a plain loop, in ``dtype``."""
    W, U, b, h0, x, y = (np.asarray(case[k], dtype) for k in ("W_hh", "W_xh", "b_h", "h0", "x",
                                                                "y"))
    hs = [h0]
    for x_t in x:
        hs.append(np.tanh(W @ hs[-1] + U @ x_t + b))
    g = hs[-1] - y
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    for k in range(len(x), 0, -1):
        delta = (1 - hs[k] ** 2) * g             # δ_k = diag φ'(a_k) g_k
        dW += np.outer(delta, hs[k - 1])
        dU += np.outer(delta, x[k - 1])
        db += delta
        g = W.T @ delta                          # g_{k−1} = W_hhᵀ δ_k
    loss = 0.5 * float((hs[-1] - y) @ (hs[-1] - y))
    return {"W_hh": dW, "W_xh": dU, "b_h": db, "grad_h0": g, "loss": np.asarray(loss, dtype)}


def write_grads(tmp_path, grads, name="grads.json"):
    path = tmp_path / name
    if name.endswith(".npz"):
        np.savez(path, **grads)
    else:
        path.write_text(grads if isinstance(grads, str) else
                        json.dumps({k: np.asarray(v).tolist() for k, v in grads.items()}),
                        encoding="utf-8")
    return str(path)


def transposed(grads):
    return {**grads, "W_hh": grads["W_hh"].T.copy()}


@pytest.fixture
def case_path(tmp_path):
    return str(write_case(tmp_path, elman_case()))


def test_check_grads_right_exit_0_with_a_table(capsys, tmp_path, case_path):
    grads = write_grads(tmp_path, hand_bptt(elman_case()))
    status, out, err = run(capsys, "check", case_path, "--grads", grads)
    assert status == 0 and err == "", err
    assert out.startswith("rnngrad check: elman (legacy case) cell, n = 3, T = 4")
    assert "dtype float64 (inferred from the arrays)" in out
    assert "not run with --grads" in out
    for name in ("W_hh", "W_xh", "b_h", "grad_h0", "loss"):
        assert any(line.split()[:2] == [name, "pass"] for line in out.splitlines()), name
    assert "Taylor test:" in out and out.endswith("supplied gradients: all right\n")
    assert "array(" not in out and "np.float" not in out


def test_check_grads_wrong_exit_1_names_worst_entry_and_code(capsys, tmp_path, case_path):
    right = hand_bptt(elman_case())
    grads = write_grads(tmp_path, transposed(right))
    status, out, err = run(capsys, "check", case_path, "--grads", grads)
    assert status == 1 and err == ""
    line = next(line for line in out.splitlines() if line.startswith("  W_hh "))
    assert line.split()[1] == "FAIL"
    # the worst entry: its index, then the supplied and the derived value printed there
    index, step, supplied, derived = re.search(r"\(([\d, ]+)\)\s+(\S+)\s+(\S+)\s+(\S+)$",
                                               line).groups()
    i, j = (int(k) for k in index.split(","))
    assert i != j and step == "-"
    assert float(supplied) == pytest.approx(right["W_hh"][j, i], rel=5e-3)
    assert float(derived) == pytest.approx(right["W_hh"][i, j], rel=5e-3)
    assert "diagnosis:" in out and "  transposed: " in out
    assert "supplied gradients: WRONG (W_hh)" in out


def test_check_grads_json_has_the_supplied_object(capsys, tmp_path, case_path):
    grads = write_grads(tmp_path, transposed(hand_bptt(elman_case())))
    status, out, _ = run(capsys, "check", case_path, "--grads", grads, "--json")
    data = json.loads(out)
    assert status == 1 and data["passed"] is False
    assert (data["T"], data["cell"], data["n"], data["state"]) == (4, "elman (legacy case)", 3,
                                                                    ["h"])
    supplied = data["supplied"]
    assert supplied["passed"] is False and "transposed" in supplied["diagnosis"]
    assert len(supplied["quantities"]) == 5


def test_check_grads_npz_float32_keeps_its_dtype(capsys, tmp_path, case_path):
    grads = hand_bptt(elman_case(), np.float32)
    path = write_grads(tmp_path, grads, "grads.npz")
    status, out, err = run(capsys, "check", case_path, "--grads", path)
    assert status == 0, out + err
    assert "dtype float32 (inferred from the arrays)" in out
    status, out, _ = run(capsys, "check", case_path, "--grads", path, "--dtype", "float64")
    assert "dtype float64 (given by --dtype)" in out


def test_check_grads_csv_one_row_per_file_exit_2_for_a_malformed_one(capsys, tmp_path,
                                                                     case_path):
    right = hand_bptt(elman_case())
    files = [write_grads(tmp_path, right, "a_right.json"),
             write_grads(tmp_path, transposed(right), "b_wrong.json"),
             write_grads(tmp_path, "{not json", "c_malformed.json")]
    status, out, err = run(capsys, "check", case_path, "--grads", *files, "--csv")
    assert status == 2 and err == ""
    lines = out.splitlines()
    assert lines[0] == ("file,verdict,diagnosis,worst_quantity,index,time_step,supplied,"
                        "derived,max_rel_error,finding")
    rows = [line.split(",") for line in lines[1:]]
    assert [r[:2] for r in rows] == [[files[0], "pass"], [files[1], "FAIL"],
                                     [files[2], "invalid"]]
    assert "transposed" in rows[1][2].split() and rows[1][3] == "W_hh"
    assert "not valid JSON" in lines[3]
    status, _, _ = run(capsys, "check", case_path, "--grads", *files[:2], "--csv")
    assert status == 1


@pytest.mark.parametrize("content, name, message", [
    (None, "missing.json", "missing.json: cannot read the gradients file"),
    ("[1, 2", "bad.json", "not valid JSON"),
    ({"W_hx": [[0.0]]}, "unknown.json", "W_hx"),
    ({"W_hh": [[0.0, 1.0]]}, "shape.json", "must be (n, n) = (3, 3)"),
    ('{"W_hh": NaN}', "nan.json", "NaN"),
    ({"b_h": np.array([np.nan, 0.0, 0.0])}, "nan.npz", "NaN"),
    ({"b_h": [0.0, 0.0, 0.0]}, "grads.txt", ".json"),
])
def test_check_grads_bad_input_exit_2_one_line(capsys, tmp_path, case_path, content, name,
                                               message):
    path = str(tmp_path / name) if content is None else write_grads(tmp_path, content, name)
    if name == "grads.txt":
        (tmp_path / name).write_text(json.dumps(content), encoding="utf-8")
    status, out, err = run(capsys, "check", case_path, "--grads", path)
    assert_bad_input(status, out, err)
    assert message in err


def test_check_grads_refuses_a_directory_and_options_without_grads(capsys, tmp_path,
                                                                   case_path):
    status, out, err = run(capsys, "check", case_path, "--grads", str(tmp_path))
    assert_bad_input(status, out, err)
    assert "not a regular file" in err
    for extra in (["--csv"], ["--dtype", "float32"], ["--probes", "4"], ["--seed", "1"]):
        status, out, err = run(capsys, "check", case_path, *extra)
        assert_bad_input(status, out, err)
        assert "applies with --grads" in err
    grads = write_grads(tmp_path, hand_bptt(elman_case()))
    status, out, err = run(capsys, "check", case_path, "--grads", grads, "--probes", "0")
    assert_bad_input(status, out, err)
    no_y = {k: v for k, v in elman_case().items() if k != "y"}
    status, out, err = run(capsys, "check", str(write_case(tmp_path, no_y, "no_y.json")),
                           "--grads", grads)
    assert_bad_input(status, out, err)
    assert "no target y" in err


def test_check_grads_output_is_byte_identical_on_two_runs(capsys, tmp_path, case_path):
    grads = write_grads(tmp_path, transposed(hand_bptt(elman_case())))
    for form in ([], ["--json"], ["--csv"]):
        first = run(capsys, "check", case_path, "--grads", grads, *form)
        assert run(capsys, "check", case_path, "--grads", grads, *form) == first


def test_check_help_lists_grads_names_and_every_diagnosis_code(capsys):
    status, out, _ = run(capsys, "check", "--help")
    assert status == 0
    for code in numeric.DIAGNOSIS_CODES:
        assert f"\n    {code}: " in out, code
    for name in ("grad_h0", "grad_c0", "delta", "jacobian_product", "step_jacobians",
                 "weight_hh_f", "--probes", "--dtype", "--csv"):
        assert name in out, name
    threshold = (f"above the threshold (an estimated {check_cost.MAX_SECONDS:g} s or "
                 f"{check_cost.MAX_BYTES // 2**30} GiB)")
    text = " ".join(out.split())
    assert threshold in text
    rule = [f"{x:.0e}".replace("e-0", "e-") for x in supplied_compare.A_PRIORI]
    floor = f"{supplied_compare.RTOL_FLOOR:.0e}".replace("e-0", "e-")
    assert f"allowed = {rule[0]} |derived| + {rule[1]} max|derived|" in text
    assert f"allowed = R (|derived| + {floor} max|derived|)" in text



def torch_lstm_float32(tmp_path):
    """An LSTM cell (n = 3, m = 2, T = 4) as a case file, and its gradients by torch autograd in
    float32 (PyTorch's names; grad_h0, grad_c0), as numpy float32 arrays."""
    import torch

    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(2, 3)
    x, y = torch.randn(4, 2), torch.randn(3)
    s0 = [torch.randn(3, requires_grad=True) for _ in range(2)]
    h, c = s0
    for x_k in x:
        h, c = cell(x_k, (h, c))
    (0.5 * ((h - y) ** 2).sum()).backward()
    case = {"cell": "lstm", **{k: v.detach().double().tolist() for k, v in
                               cell.named_parameters()},
            "h0": s0[0].detach().double().tolist(), "c0": s0[1].detach().double().tolist(),
            "x": x.double().tolist(), "y": y.double().tolist()}
    grads = {k: v.grad.numpy() for k, v in cell.named_parameters()}
    grads.update(grad_h0=s0[0].grad.numpy(), grad_c0=s0[1].grad.numpy())
    return str(write_case(tmp_path, case)), grads


def test_check_grads_torch_float32_lstm_passes_and_a_gate_swap_is_named(capsys, tmp_path):
    case_path, grads = torch_lstm_float32(tmp_path)
    assert grads["weight_hh"].dtype == np.float32
    right = write_grads(tmp_path, grads, "right.npz")
    status, out, err = run(capsys, "check", case_path, "--grads", right)
    assert status == 0, out + err
    assert out.startswith("rnngrad check: lstm cell, n = 3, T = 4, state h, c")
    assert "dtype float32 (inferred from the arrays)" in out
    keras = [3, 4, 5, 0, 1, 2, 6, 7, 8, 9, 10, 11]      # the blocks of gates i and f swapped
    wrong = write_grads(tmp_path, {k: v[keras] if k.startswith(("weight", "bias")) else v
                                   for k, v in grads.items()}, "wrong.npz")
    status, out, err = run(capsys, "check", case_path, "--grads", wrong, right, "--json")
    data = json.loads(out)
    assert status == 1 and data["passed"] is False and data["cell"] == "lstm"
    assert [f["file"] for f in data["files"]] == [wrong, right]
    first, second = (f["supplied"] for f in data["files"])
    assert "gate_order" in first["diagnosis"] and second["passed"] is True


def test_check_grads_several_files_table_marks_the_invalid_one(capsys, tmp_path, case_path):
    right = write_grads(tmp_path, hand_bptt(elman_case()))
    bad = write_grads(tmp_path, {"W_hh": [[1.0]]}, "bad.json")
    status, out, err = run(capsys, "check", case_path, "--grads", right, bad)
    assert status == 2 and err == ""
    assert "supplied gradients: all right\n" in out
    assert f"{bad}: invalid: W_hh must be (n, n) = (3, 3)" in " ".join(out.split())
    assert out.endswith("\n2 files: 1 right, 0 wrong, 1 invalid\n")
    status, out, _ = run(capsys, "check", case_path, "--grads", right, bad, "--json")
    data = json.loads(out)
    assert status == 2 and data["passed"] is False
    assert sorted(data["files"][1]) == ["error", "file"] and data["files"][1]["file"] == bad
    assert data["files"][1]["error"].startswith("W_hh must be (n, n) = (3, 3)")


def test_check_grads_probes_say_the_diagnosis_was_not_attempted(capsys, tmp_path, case_path):
    """With random projections no mistake is looked for: the output says so instead of
    "none of the known mistakes matches" (which would claim a search that did not happen)."""
    grads = write_grads(tmp_path, transposed(hand_bptt(elman_case())))
    status, out, _ = run(capsys, "check", case_path, "--grads", grads, "--probes", "4")
    assert status == 1
    assert "diagnosis: not attempted with random projections" in out
    assert "none of the known mistakes" not in out
    status, out, _ = run(capsys, "check", case_path, "--grads", grads, "--probes", "4", "--json")
    supplied = json.loads(out)["supplied"]
    assert supplied["mode"] == "probes" and supplied["diagnosis"] == []
    assert supplied["diagnosis_note"].startswith("not attempted")
