"""Workload F of ``python -m numeric.bench``: checking supplied gradients.

F: an Elman cell (tanh, n = 256) and an LSTM cell (n = 128), m = 16 inputs, T = 1000 steps,
   PyTorch's default parameters (seed 0, ``numeric.default_parameters``), x ~ N(0, 1) and
   y ~ N(0, 1) from default_rng(1), s_0 = 0.  Supplied: every parameter's gradient and
   grad_h0 from torch autograd in float64 (nn.RNNCell / nn.LSTMCell stepped in a loop, the
   forward and ``backward`` of L = ½‖h_T − y‖²).  Ours: ``numeric.check_gradients`` with its
   default settings, as a ratio to torch's own forward + backward of the same cell measured in
   the same run (target: at most 3).
   Probes: Elman n = 512, m = 4, T = 500, W_hh = N(0, 1/n); ∂L/∂W_hh from torch, checked with
   ``probes=16`` beside the full check (``check_gradients`` without probes) of the same
   gradient, and one entry moved by 10⁻³·‖∇L‖_F must fail the probes; and ∂s_T/∂s_0 of its
   first 256 units (O(T·n³) in full, O(T·n²·K) by probes), full check beside 16 probes.
Both sides run on one BLAS thread (``numeric.threads``; torch.set_num_threads(1)), best of 2
(quick: 3).  Quick mode (tests): n = 16 and 8, T = 50; probes at n = 32, T = 50.
"""

import numpy as np

import derive
from numeric.cell_case import CellCase
from numeric.cell_init import default_parameters
from numeric.threads import one_blas_thread

SIZES = {"elman": (256, 1000), "lstm": (128, 1000)}
QUICK_SIZES = {"elman": (16, 50), "lstm": (8, 50)}
PROBES = (512, 500)
QUICK_PROBES = (32, 50)
M = 16


def workload_case(name, n, T, m=M):
    """The cell case of workload F (see the module docstring)."""
    kind = derive.cell_kind(name)
    act = derive.activation("tanh") if kind.takes_activation else None
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((T, m)), rng.standard_normal(n)
    return CellCase(kind, act, default_parameters(kind, n, m, 0), np.zeros(n * len(kind.state)),
                    x, y)


def torch_gradients(case):
    """{name: ∂L/∂θ, "grad_h0": ∂L/∂h_0} by torch autograd in float64 (forward + backward)."""
    import torch

    n, m = case.hidden, case.x.shape[1]
    cls = {"elman": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell}[case.kind.name]
    cell = cls(m, n, dtype=torch.float64)
    with torch.no_grad():
        for name, value in case.params.items():
            getattr(cell, name).copy_(torch.from_numpy(value))
    h = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    c = torch.zeros(n, dtype=torch.float64)
    state = h
    for x_k in torch.from_numpy(case.x):
        if case.kind.name == "lstm":
            state, c = cell(x_k, (state, c))
        else:
            state = cell(x_k, state)
    r = state - torch.from_numpy(case.y)
    (0.5 * r @ r).backward()
    grads = {name: p.grad.numpy() for name, p in cell.named_parameters()}
    grads["grad_h0"] = h.grad.numpy()
    return grads


def run_f(quick, timed, have_torch):
    """Workload F: ratios of check_gradients to torch's forward + backward, and probes."""
    if not have_torch:
        return {"torch": "absent"}
    import torch

    from numeric.supplied import check_gradients

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    repeat = 3 if quick else 2
    report = {}
    try:
        with one_blas_thread():
            for name, (n, T) in (QUICK_SIZES if quick else SIZES).items():
                case = workload_case(name, n, T)
                t_torch, supplied = timed(torch_gradients, case, repeat=repeat)
                t_check, result = timed(check_gradients, case, supplied, repeat=repeat)
                report.update({f"{name}_torch_s": t_torch, f"{name}_check_s": t_check,
                               f"{name}_check_over_torch": t_check / t_torch,
                               f"{name}_passed": result.passed, f"{name}_mode": result.mode})
            report.update(_probes(QUICK_PROBES if quick else PROBES, timed, repeat,
                                   check_gradients))
    finally:
        torch.set_num_threads(threads)
    return report


def _probes(size, timed, repeat, check_gradients):
    from numeric.case import Case
    from numeric.probes import probe_check

    n, T = size
    rng = np.random.default_rng(0)
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    U, x, y = 0.5 * rng.standard_normal((n, 4)), rng.standard_normal((T, 4)), \
        rng.standard_normal(n)
    case = Case(derive.activation("tanh"), W, U, np.zeros(n), np.zeros(n), x, y)
    cell = CellCase(derive.cell_kind("elman"), case.activation,
                    {"weight_ih": U, "weight_hh": W, "bias_ih": np.zeros(n),
                     "bias_hh": np.zeros(n)}, np.zeros(n), x, y)
    good = torch_gradients(cell)["weight_hh"]
    bad = good.copy()
    bad[n // 5, n // 3] += 1e-3 * np.linalg.norm(good)
    t_probe, probed = timed(probe_check, case, {"W_hh": good}, repeat=repeat)
    t_full, full = timed(check_gradients, case, {"W_hh": good}, repeat=repeat)
    caught = not probe_check(case, {"W_hh": bad})["W_hh"].passed
    product = _product_timing(cell, n // 2, timed, repeat, check_gradients, probe_check)
    return {**product, "probes_n": n, "probes_T": T, "probes_16_s": t_probe, "full_check_s": t_full,
            "probes_over_full": t_probe / t_full, "full_check_mode": full.mode,
            "probes_passed_correct": probed["W_hh"].passed,
            "probes_caught_wrong_entry": caught}


def _product_timing(cell, n, timed, repeat, check_gradients, probe_check):
    """∂s_T/∂s_0 of the first n units' sub-network (O(T·n³) in full, O(T·n²·K) by probes):
    the full check and 16 probes of it (the supplied product is rnngrad's own: timing only)."""
    params = {"weight_ih": cell.params["weight_ih"][:n], "bias_ih": np.zeros(n),
              "weight_hh": cell.params["weight_hh"][:n, :n], "bias_hh": np.zeros(n)}
    small = CellCase(cell.kind, cell.activation, params, np.zeros(n), cell.x, cell.y[:n])
    supplied = {"jacobian_product": small.jacobian_product().value}
    t_full, full = timed(check_gradients, small, supplied, repeat=repeat)
    t_probe, _ = timed(probe_check, small, supplied, repeat=repeat)
    return {"product_n": n, "product_full_check_s": t_full, "product_probes_16_s": t_probe,
            "product_probes_over_full": t_probe / t_full, "product_full_mode": full.mode}
