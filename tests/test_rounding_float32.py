"""The float32 rounding model: correct float32 gradients (torch autograd in float32, and a
float32 NumPy BPTT written here) lie within the allowed errors on Elman, LSTM with saturated
gates and GRU cells; a relative error of 1e-3 in one entry exceeds them, saturated cells
included; float32 step Jacobians and their product with saturated units (a NumPy
(1 − h²) W_hh, torch's jacrev) lie within theirs; the sentence names the dtype; unit
roundoffs; bad input."""

import numpy as np
import pytest
import torch

from numeric import rounding_model, unit_roundoff
from numeric.supplied_reference import derived_quantities
from tests.cell_cases import random_cell_case

# (kind, n, T, weight scale, bias shift, float32 resolves the gradient to < 1e-4 relative)
CASES = [("elman", 8, 40, 1.0, 0.0, True), ("elman", 6, 30, 3.0, 0.0, True),
         ("lstm", 8, 30, 6.0, 0.0, True), ("lstm", 8, 30, 1.0, 6.0, False),
         ("gru", 16, 50, 1.0, 0.0, True), ("gru", 4, 8, 1.0, 5.0, False)]


def torch32(case):
    """Every gradient of L = ½‖h_T − y‖² by torch's own float32 cells and autograd."""
    n, m = case.hidden, case.x.shape[1]
    name = case.kind.name
    module = {"elman": lambda: torch.nn.RNNCell(m, n), "lstm": lambda: torch.nn.LSTMCell(m, n),
              "gru": lambda: torch.nn.GRUCell(m, n)}[name]()
    values = {k: torch.tensor(v, dtype=torch.float32, requires_grad=True)
              for k, v in case.params.items()}
    s0 = torch.tensor(case.s0, dtype=torch.float32, requires_grad=True)
    h, c = s0[:n][None], s0[n:][None]
    for x_k in torch.tensor(case.x, dtype=torch.float32):
        if name == "lstm":
            h, c = torch.func.functional_call(module, values, (x_k[None], (h, c)))
        else:
            h = torch.func.functional_call(module, values, (x_k[None], h))
    residual = h[0] - torch.tensor(case.y, dtype=torch.float32)
    grads = torch.autograd.grad(0.5 * residual @ residual, [*values.values(), s0])
    out = {k: g.double().numpy() for k, g in zip(values, grads, strict=False)}
    out["grad_h0"] = grads[-1][:n].double().numpy()
    if name == "lstm":
        out["grad_c0"] = grads[-1][n:].double().numpy()
    return out


def numpy32_elman(case):
    """A float32 NumPy BPTT for the tanh Elman cell, φ' = 1 − h² from the stored h."""
    p = {k: v.astype(np.float32) for k, v in case.params.items()}
    x, hs = case.x.astype(np.float32), [case.s0.astype(np.float32)]
    for x_k in x:
        hs.append(np.tanh(p["weight_ih"] @ x_k + p["bias_ih"] + p["weight_hh"] @ hs[-1]
                          + p["bias_hh"]))
    g = hs[-1] - case.y.astype(np.float32)
    out = {k: np.zeros_like(v) for k, v in p.items()}
    for k in range(len(x), 0, -1):
        delta = g * (np.float32(1) - hs[k] * hs[k])
        out["weight_ih"] += np.outer(delta, x[k - 1])
        out["weight_hh"] += np.outer(delta, hs[k - 1])
        out["bias_ih"] += delta
        out["bias_hh"] += delta
        g = p["weight_hh"].T @ delta
    out["grad_h0"] = g
    return {k: v.astype(np.float64) for k, v in out.items()}


def model(case, names):
    return rounding_model(case, names, "float32", seed=1)


@pytest.mark.parametrize("kind, n, T, scale, bias, resolved", CASES)
def test_rounding_torch_float32_within_allowed_and_a_1e3_error_caught(kind, n, T, scale, bias,
                                                                       resolved):
    """Saturated gates (a weight scale of 6: an eighth of the gate inputs beyond ±4; a bias of
    +6 or +5: every unit saturated, where float32 itself keeps few or no digits of the
    gradient) never fail; where float32 resolves the gradient, 1e-3 in its largest entry and in
    an entry of typical size (the one nearest the root mean square) does."""
    case = random_cell_case(kind, n, T, seed=n + T, scale=scale, bias=bias)
    supplied = torch32(case)
    result = model(case, tuple(supplied))
    derived = derived_quantities(case, tuple(supplied))
    for name, value in supplied.items():
        error = np.abs(value - derived[name])
        assert np.all(error <= result.allowed[name]), (name, np.max(error / result.allowed[name]))
    d = derived["weight_hh"]
    accuracy = np.max(np.abs(supplied["weight_hh"] - d)) / np.max(np.abs(d))
    assert (accuracy < 1e-4) == resolved, accuracy
    if resolved:
        typical = np.argmin(np.abs(np.abs(d) - np.sqrt(np.mean(d ** 2))))
        for flat in (np.argmax(np.abs(d)), typical):
            index = np.unravel_index(flat, d.shape)
            assert 1e-3 * abs(d[index]) > result.allowed["weight_hh"][index], index


# (kind, n, T, weight scale, bias shift, seed): most units saturated; float32 gets the largest
# entry of ∂L/∂W_hh to < 2e-5 relative, and a normwise floor for the partials missed 1e-3 there
SATURATED = [("elman", 4, 8, 2.0, 3.0, 8), ("elman", 4, 8, 6.0, 0.0, 1004),
             ("lstm", 4, 8, 1.0, -5.0, 76), ("lstm", 4, 8, 2.0, 3.0, 3074)]


@pytest.mark.parametrize("kind, n, T, scale, bias, seed", SATURATED)
def test_rounding_saturated_cells_pass_and_a_1e3_error_in_the_largest_entry_is_caught(
        kind, n, T, scale, bias, seed):
    case = random_cell_case(kind, n, T, seed=seed, scale=scale, bias=bias)
    supplied = torch32(case)
    allowed = model(case, tuple(supplied)).allowed
    derived = derived_quantities(case, tuple(supplied))
    for name, value in supplied.items():
        assert np.all(np.abs(value - derived[name]) <= allowed[name]), name
    d = derived["weight_hh"]
    index = np.unravel_index(np.argmax(np.abs(d)), d.shape)
    assert np.max(np.abs(supplied["weight_hh"] - d)) < 2e-5 * abs(d[index])
    assert 1e-3 * abs(d[index]) > allowed["weight_hh"][index]


def numpy32_elman_jacobians(case):
    """J_k = diag(1 − h_k²) W_hh in float32 (h_k stored), and J_T ⋯ J_1."""
    p = {k: v.astype(np.float32) for k, v in case.params.items()}
    h, product, steps = case.s0.astype(np.float32), np.eye(case.hidden, dtype=np.float32), []
    for x_k in case.x.astype(np.float32):
        h = np.tanh(p["weight_ih"] @ x_k + p["bias_ih"] + p["weight_hh"] @ h + p["bias_hh"])
        steps.append((np.float32(1) - h * h)[:, None] * p["weight_hh"])
        product = steps[-1] @ product
    return {"step_jacobians": np.stack(steps).astype(float),
            "jacobian_product": product.astype(float)}


def torch32_gru_jacobians(case):
    """J_k by torch.func.jacrev of a float32 GRUCell at the float32 states, J_T ⋯ J_1 by
    jacrev of the whole float32 unroll."""
    n, m = case.hidden, case.x.shape[1]
    module = torch.nn.GRUCell(m, n)
    values = {k: torch.tensor(v, dtype=torch.float32) for k, v in case.params.items()}

    def step(s, x_k):
        return torch.func.functional_call(module, values, (x_k[None], s[None]))[0]

    def unroll(s):
        for x_k in x:
            s = step(s, x_k)
        return s

    x, s, steps = torch.tensor(case.x, dtype=torch.float32), torch.tensor(
        case.s0, dtype=torch.float32), []
    for x_k in x:
        steps.append(torch.func.jacrev(step)(s, x_k).double().numpy())
        s = step(s, x_k).detach()
    product = torch.func.jacrev(unroll)(torch.tensor(case.s0, dtype=torch.float32))
    return {"step_jacobians": np.stack(steps), "jacobian_product": product.double().numpy()}


@pytest.mark.parametrize("kind, bias, resolved", [("elman", 5.0, False), ("elman", -5.0, False),
                                                  ("gru", 5.0, True)])
def test_rounding_float32_jacobians_of_saturated_cells_within_allowed(kind, bias, resolved):
    """Units saturated at ±5 (float32's 1 − h² off by ~u absolute, ~10⁴ times its relative
    rounding) never fail; where float32 resolves the product (the GRU: z → 1 keeps it near
    the identity; the Elman product is ~1e-64), 1e-3 in its largest entry is caught."""
    case = random_cell_case(kind, 4, 8, seed=6, bias=bias)
    supplied = (numpy32_elman_jacobians if kind == "elman" else torch32_gru_jacobians)(case)
    derived = derived_quantities(case, tuple(supplied))
    allowed = model(case, tuple(supplied)).allowed
    for name, value in supplied.items():
        assert np.all(np.abs(value - derived[name]) <= allowed[name]), name
    d = derived["jacobian_product"]
    index = np.unravel_index(np.argmax(np.abs(d)), d.shape)
    accuracy = np.max(np.abs(supplied["jacobian_product"] - d)) / abs(d[index])
    assert (accuracy < 1e-4) == resolved, accuracy
    if resolved:
        assert 1e-3 * abs(d[index]) > allowed["jacobian_product"][index]


def test_rounding_numpy_float32_bptt_within_allowed():
    case = random_cell_case("elman", 12, 50, seed=4, scale=2.0)
    supplied = numpy32_elman(case)
    derived = derived_quantities(case, tuple(supplied))
    allowed = model(case, tuple(supplied)).allowed
    for name, value in supplied.items():
        assert np.all(np.abs(value - derived[name]) <= allowed[name]), name


def test_rounding_source_names_dtype_and_is_seeded():
    case = random_cell_case("gru", 3, 5, seed=2)
    first = rounding_model(case, ("weight_hh", "loss"), "float32")
    again = rounding_model(case, ("weight_hh", "loss"), "float32")
    assert "float32" in first.source and "2^-24" in first.source
    assert np.array_equal(first.allowed["weight_hh"], again.allowed["weight_hh"])
    assert first.allowed["loss"].shape == ()
    half = rounding_model(case, ("weight_hh",), np.float16)
    assert "float16" in half.source and np.all(half.allowed["weight_hh"]
                                               > first.allowed["weight_hh"])


def test_unit_roundoff_values_and_bad_dtype():
    assert unit_roundoff("float64") == 2.0 ** -53
    assert unit_roundoff(np.float32) == 2.0 ** -24
    assert unit_roundoff("float16") == 2.0 ** -11
    with pytest.raises(ValueError, match="floating"):
        unit_roundoff("int32")
    with pytest.raises(ValueError, match="unknown dtype"):
        unit_roundoff("float33")
    with pytest.raises(ValueError, match="runs"):
        rounding_model(random_cell_case("elman", 2, 3, seed=1), ("weight_hh",), "float32",
                       runs=0)
