"""numeric.probe_check (forward-mode probes of a supplied gradient) and numeric.estimate_cost.

The reference is PyTorch's own autograd of the same cell (nn.RNNCell, nn.LSTMCell, nn.GRUCell
through torch.func.functional_call, float64 unless a test says float32): its gradients are
supplied, so each probe compares ⟨∇L_torch, v⟩ with rnngrad's forward-mode dL/dθ·v.
"""

import numpy as np
import pytest
import torch

import derive
import numeric
from tests.cell_cases import random_cell_case

CELLS = {"elman": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}


def torch_run(case, dtype=torch.float64):
    """(loss, {param: grad}, ∂L/∂s_0, δ (T, S): ∂L/∂s_k, ∂s_T/∂s_0, the step Jacobians) by
    torch autograd, every input first rounded to ``dtype``."""
    n, m = case.hidden, case.x.shape[1]
    cell = CELLS[case.kind.name](m, n, dtype=dtype)
    params = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in case.params.items()}
    x = torch.tensor(case.x, dtype=dtype)

    def step(s, x_k):
        if case.kind.name == "lstm":
            h, c = torch.func.functional_call(cell, params, (x_k, (s[:n], s[n:])))
            return torch.cat([h, c])
        return torch.func.functional_call(cell, params, (x_k, s))

    def final(s):
        for x_k in x:
            s = step(s, x_k)
        return s

    s0 = torch.tensor(case.s0, dtype=dtype, requires_grad=True)
    s, states = s0, []
    for x_k in x:
        s = step(s, x_k)
        s.retain_grad()
        states.append(s)
    r = s[:n] - torch.tensor(case.y, dtype=dtype)
    loss = 0.5 * r @ r
    loss.backward()
    grads = {k: p.grad.double().numpy() for k, p in params.items()}
    delta = torch.stack([s.grad for s in states]).double().numpy()
    jac = torch.autograd.functional.jacobian
    with torch.no_grad():
        product = jac(final, s0.detach()).double().numpy()
        path = [s0.detach(), *[s.detach() for s in states[:-1]]]
        steps = np.stack([jac(lambda v, x_k=x_k: step(v, x_k), p).double().numpy()
                          for p, x_k in zip(path, x, strict=True)])
    return float(loss.detach()), grads, s0.grad.double().numpy(), delta, product, steps


def supplied_from_torch(case, dtype=torch.float64):
    loss, grads, ds0, delta, product, steps = torch_run(case, dtype)
    n = case.hidden
    out = {**grads, "loss": loss, "grad_h0": ds0[:n], "delta": delta,
           "jacobian_product": product, "step_jacobians": steps}
    if case.kind.name == "lstm":
        out["grad_c0"] = ds0[n:]
        out["weight_hh_f"] = grads["weight_hh"][n:2 * n]
    return out


@pytest.mark.parametrize("name", ["elman", "lstm", "gru"])
def test_probes_equal_torch_directional_derivatives(name):
    """Every quantity: ⟨torch's value, v⟩ equals the forward-mode one to 1e-10 relative."""
    case = random_cell_case(name, 3, 5, 1)
    checks = numeric.probe_check(case, supplied_from_torch(case), probes=4, seed=3)
    assert set(checks) >= {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "grad_h0", "delta",
                           "loss", "jacobian_product", "step_jacobians"}
    for check in checks.values():
        scale = np.max(np.abs(check.derived))
        np.testing.assert_allclose(check.supplied, check.derived, rtol=0, atol=1e-10 * scale)
        assert check.passed and check.supplied.shape == check.allowed.shape
        assert check.supplied.shape == ((1,) if check.name == "loss" else (4,))


@pytest.mark.parametrize("name, n, T, bias", [("lstm", 4, 8, 0.0), ("gru", 4, 8, 30.0),
                                               ("elman", 32, 60, 0.0), ("elman", 8, 20, 8.0)])
def test_probes_pass_torch_float32_gradients(name, n, T, bias):
    """torch autograd in float32 (inputs rounded to float32), checked as float32: passes,
    saturated gates (bias 30, tanh at 8: their float32 derivatives round to 0) included; the
    float32 allowance is what lets it pass (as float64 it fails), and a gradient 1% too
    large still fails."""
    case = random_cell_case(name, n, T, 2, bias=bias)
    supplied = supplied_from_torch(case, torch.float32)
    del supplied["step_jacobians"], supplied["jacobian_product"]
    checks = numeric.probe_check(case, supplied, dtype="float32")
    assert all(c.passed for c in checks.values())
    assert not numeric.probe_check(case, {"loss": supplied["loss"]})["loss"].passed
    scaled = numeric.probe_check(case, {"delta": 1.01 * supplied["delta"]}, dtype="float32")
    assert not scaled["delta"].passed


@pytest.mark.parametrize("name, bias", [("gru", 10.0), ("lstm", 5.0), ("elman", 9.0)])
def test_probes_pass_torch_float64_gradients_of_saturated_cells(name, bias):
    """torch forms σ' = σ(1 − σ) and tanh' = 1 − tanh²: near saturation an absolute error of
    u, so its float64 gradients are off by up to 1e-3 relative there; they pass."""
    case = random_cell_case(name, 6, 30, 3, bias=bias)
    supplied = supplied_from_torch(case)
    del supplied["step_jacobians"], supplied["jacobian_product"]
    checks = numeric.probe_check(case, supplied, seed=3)
    assert all(c.passed for c in checks.values())


def test_a_wrong_entry_is_caught_and_named():
    case = random_cell_case("lstm", 3, 6, 4)
    supplied = supplied_from_torch(case)
    supplied["weight_ih"] = supplied["weight_ih"].copy()
    supplied["weight_ih"][5, 1] += 1e-6 * np.linalg.norm(supplied["weight_ih"])
    supplied["jacobian_product"] = supplied["jacobian_product"].copy()
    supplied["jacobian_product"][0, 4] *= 1.0001
    checks = numeric.probe_check(case, supplied, probes=8)
    failed = sorted(name for name, c in checks.items() if not c.passed)
    assert failed == ["jacobian_product", "weight_ih"]
    worst = checks["weight_ih"]
    i = worst.worst
    assert abs(worst.supplied[i] - worst.derived[i]) > worst.allowed[i]


def test_legacy_case_per_step_loss_matches_torch():
    """The legacy Elman case (W_hh, W_xh, b_h) with a per-step target y (T, n)."""
    rng = np.random.default_rng(5)
    n, m, T = 3, 2, 6
    W, U, b, h0 = (rng.standard_normal(s) for s in ((n, n), (n, m), (n,), (n,)))
    x, y = rng.standard_normal((T, m)), rng.standard_normal((T, n))
    case = numeric.Case(derive.activation("tanh"), W, U, b, h0, x, y)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in
         (("W_hh", W), ("W_xh", U), ("b_h", b), ("h0", h0))}
    h, loss = t["h0"], 0.0
    for k in range(T):
        h = torch.tanh(t["W_hh"] @ h + t["W_xh"] @ torch.tensor(x[k]) + t["b_h"])
        loss = loss + 0.5 * torch.sum((h - torch.tensor(y[k])) ** 2)
    loss.backward()
    supplied = {k: t[k].grad.numpy() for k in ("W_hh", "W_xh", "b_h")}
    supplied["grad_h0"], supplied["loss"] = t["h0"].grad.numpy(), float(loss.detach())
    checks = numeric.probe_check(case, supplied)
    for check in checks.values():
        assert check.passed
        np.testing.assert_allclose(check.supplied, check.derived, rtol=1e-10, atol=1e-14)


def test_probes_detect_one_entry_of_a_512_gradient():
    """The done-when: Elman n = 512, T = 500, probes = 16 catches one entry of ∂L/∂W_hh off
    by 1e-3·‖∇L‖_F and passes the correct gradient."""
    rng = np.random.default_rng(0)
    n, m, T = 512, 4, 500
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    U, x, y = 0.5 * rng.standard_normal((n, m)), rng.standard_normal((T, m)), rng.standard_normal(n)
    case = numeric.Case(derive.activation("tanh"), W, U, np.zeros(n), np.zeros(n), x, y)
    H = np.zeros((T + 1, n))            # a hand-written NumPy BPTT, one GEMM for ∂L/∂W_hh
    for k in range(T):
        H[k + 1] = np.tanh(W @ H[k] + U @ x[k])
    g, deltas = H[T] - y, np.empty((T, n))
    for k in range(T, 0, -1):
        deltas[k - 1] = (1 - H[k] ** 2) * g
        g = W.T @ deltas[k - 1]
    good = deltas.T @ H[:T]
    bad = good.copy()
    bad[100, 200] += 1e-3 * np.linalg.norm(good)
    assert numeric.probe_check(case, {"W_hh": good}, probes=16)["W_hh"].passed
    wrong = numeric.probe_check(case, {"W_hh": bad}, probes=16)["W_hh"]
    assert not wrong.passed
    assert np.sum(np.abs(wrong.supplied - wrong.derived) > wrong.allowed) >= 12


def test_probes_are_seeded_per_name():
    case = random_cell_case("gru", 2, 3, 6)
    s = supplied_from_torch(case)
    one = numeric.probe_check(case, {"weight_hh": s["weight_hh"]}, probes=3, seed=1)
    two = numeric.probe_check(case, {"weight_hh": s["weight_hh"], "bias_ih": s["bias_ih"]},
                              probes=3, seed=1)
    np.testing.assert_array_equal(one["weight_hh"].supplied, two["weight_hh"].supplied)
    other = numeric.probe_check(case, {"weight_hh": s["weight_hh"]}, probes=3, seed=2)
    assert not np.array_equal(one["weight_hh"].supplied, other["weight_hh"].supplied)


@pytest.mark.parametrize("supplied, message", [
    ({"weight_xx": np.zeros(2)}, "unknown quantity 'weight_xx'"),
    ({"weight_hh": np.zeros((2, 2))}, "weight_hh must have shape (8, 2)"),
    ({"grad_c0": np.array([np.nan, 0.0])}, "grad_c0 has non-finite entries"),
])
def test_probe_check_bad_input(supplied, message):
    case = random_cell_case("lstm", 2, 3, 0)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        numeric.probe_check(case, supplied)


def test_probe_check_needs_probes_and_a_target():
    case = random_cell_case("elman", 2, 3, 0)
    with pytest.raises(ValueError, match="probes must be a whole number"):
        numeric.probe_check(case, {}, probes=0)
    with pytest.raises(ValueError, match="target y"):
        numeric.probe_check(random_cell_case("elman", 2, 3, 0, y=False), {})


def test_cost_estimate_is_monotone_and_switches_to_probes():
    small = random_cell_case("lstm", 4, 8, 0)
    cost = numeric.estimate_cost(small, ["weight_hh"])
    assert not cost.probes and cost.seconds > 0 and cost.bytes > 0
    assert cost.text.startswith("full check: about ") and "probes are used above 30 s" in cost.text
    more = [numeric.estimate_cost(random_cell_case("lstm", n, T, 0), ["weight_hh"])
            for n, T in ((4, 8), (4, 16), (8, 16))]
    assert more[0].seconds < more[1].seconds < more[2].seconds
    assert more[0].bytes < more[1].bytes < more[2].bytes
    asked = numeric.estimate_cost(small, ["weight_hh", "step_jacobians"])
    assert asked.seconds > cost.seconds and asked.bytes > cost.bytes
    delta = numeric.estimate_cost(small, ["delta"])      # no Taylor test without parameters
    assert numeric.estimate_cost(small, ["delta"], "float32").seconds > delta.seconds
    assert delta.seconds < cost.seconds
    params = {k: np.zeros((v.shape[0] * 64, *v.shape[1:])) if k.startswith("bias") else
              np.zeros((v.shape[0] * 64, v.shape[1] * (64 if k == "weight_hh" else 1)))
              for k, v in small.params.items()}
    big = numeric.CellCase(small.kind, None, params, np.zeros(512), np.zeros((2000, 2)))
    huge = numeric.estimate_cost(big, ["weight_hh", "step_jacobians"])
    assert huge.probes and huge.bytes > 2 * 2**30               # by memory
    longer = numeric.CellCase(small.kind, None, params, np.zeros(512), np.zeros((5000, 2)))
    slow = numeric.estimate_cost(longer, ["jacobian_product"])   # by time: O(T·S³) in full
    assert slow.probes and slow.bytes < 2**30 and slow.probe_seconds < 30 < slow.seconds
    with pytest.raises(ValueError, match="unknown quantity"):
        numeric.estimate_cost(small, ["W_hh"])
