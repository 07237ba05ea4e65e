"""numeric.cells against torch float64: the product ∂s_T/∂s_0 (torch.func.jacrev of the unrolled
torch cell) and every gradient and ∂L/∂s_0 (autograd) agree to 1e-10 relative, normwise per
quantity, for nn.RNNCell (tanh, relu), nn.LSTMCell, nn.GRUCell and IndRNN written out in torch;
and the Elman fast path numeric.rnn equals the bridged numeric.cells path."""

import numpy as np
import pytest
import torch

import numeric
from tests.cell_cases import random_cell_case

RTOL = 1e-10
CASES = [(1, 1, 1.0, 0.0), (2, 9, 1.0, 0.0), (3, 25, 3.0, 0.0), (4, 50, 1.0, 0.0),
         (3, 12, 6.0, 0.0)]
SATURATED = [(2, 8, 1.0, 30.0), (2, 8, 1.0, -30.0), (3, 6, 1.0, 30.0)]
CELLS = [("elman", "tanh"), ("elman", "relu"), ("lstm", None), ("gru", None),
         ("indrnn", "tanh"), ("indrnn", "relu")]


def _tensor(value, grad=False):
    return torch.tensor(value, dtype=torch.float64, requires_grad=grad)


def _torch_step(case, params):
    """s ↦ F(s, x) in torch for the case's cell, with ``params`` (name → tensor)."""
    name, n = case.kind.name, case.hidden
    if name == "indrnn":
        act = torch.tanh if case.activation.name == "tanh" else torch.relu
        return lambda s, x: act(params["weight_ih"] @ x + params["bias"] + params["u"] * s)
    module = {"elman": lambda: torch.nn.RNNCell(len(case.x[0]), n,
                                                nonlinearity=case.activation.name),
              "lstm": lambda: torch.nn.LSTMCell(len(case.x[0]), n),
              "gru": lambda: torch.nn.GRUCell(len(case.x[0]), n)}[name]().double()

    def step(s, x):
        values = {key: params[key] for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        if name == "lstm":
            h, c = torch.func.functional_call(module, values, (x[None], (s[None, :n],
                                                                          s[None, n:])))
            return torch.cat([h[0], c[0]])
        return torch.func.functional_call(module, values, (x[None], s[None]))[0]
    return step


def _unrolled(case, params):
    step, xs = _torch_step(case, params), _tensor(case.x)

    def run(s0):
        s = s0
        for x in xs:
            s = step(s, x)
        return s
    return run


def _close(value, reference):
    reference = np.asarray(reference)
    scale = np.max(np.abs(reference))
    if scale == 0:
        return np.max(np.abs(value)) == 0
    return np.max(np.abs(value - reference)) <= RTOL * scale


def _torch_results(case):
    """(product, {name: gradient}, ∂L/∂s_0, L) from torch float64."""
    params = {key: _tensor(value, grad=True) for key, value in case.params.items()}
    run = _unrolled(case, params)
    with torch.no_grad():
        product = torch.func.jacrev(run)(_tensor(case.s0)).numpy()
    s0 = _tensor(case.s0, grad=True)
    loss = 0.5 * torch.sum((run(s0)[:case.hidden] - _tensor(case.y)) ** 2)
    loss.backward()
    return (product, {key: t.grad.numpy() for key, t in params.items()}, s0.grad.numpy(),
            loss.item())


def _ours(case):
    P, grads = case.jacobian_product(), case.gradients()
    return P.mantissa * 2.0 ** P.exponent, grads.params, grads.state0, grads.loss


@pytest.mark.parametrize(("name", "act"), CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_product_and_gradients_agree_with_torch(name, act):
    """Small and large weights (scale 1, 3, 6): every quantity to 1e-10 relative."""
    for n, T, scale, bias in CASES:
        case = random_cell_case(name, n, T, 10 * n + T, act or "tanh", scale, bias)
        label = (name, n, T, scale, bias)
        P, grads, grad_s0, loss = _ours(case)
        P_t, grads_t, grad_s0_t, loss_t = _torch_results(case)
        assert _close(P, P_t), label
        assert abs(loss - loss_t) <= 1e-13 * max(1.0, loss_t), label
        for key, value in grads_t.items():
            assert _close(grads[key], value), (label, key)
        assert _close(grad_s0, grad_s0_t), label


@pytest.mark.parametrize(("name", "act"), CELLS, ids=[f"{c}-{a}" for c, a in CELLS])
def test_saturated_gates_agree_with_torch_where_torch_resolves_them(name, act):
    """Biases ±30: torch's autograd differentiates tanh and σ as 1 − y² and y(1 − y), which
    are 0.0 in float64 once |z| ≳ 19 (tanh) or 37 (σ); numeric.cells uses sech²(z) and
    σ(z)σ(−z).  Every quantity torch resolves (nonzero) agrees to 1e-10 relative; one that
    torch flushes to 0 is checked against the mpmath oracle instead (which must pass).
    Gradients are compared per gate block (rows of one gate)."""
    for n, T, scale, bias in SATURATED:
        case = random_cell_case(name, n, T, 10 * n + T, act or "tanh", scale, bias)
        label = (name, n, T, bias)
        ours, theirs = _ours(case), _torch_results(case)
        pairs = [(ours[0], theirs[0]), (ours[2], theirs[2])]
        for key, value in theirs[1].items():      # per gate block: torch flushes whole gates
            for b in range(len(case.kind.parameter(key).bases)):
                pairs.append((ours[1][key][b * n:(b + 1) * n], value[b * n:(b + 1) * n]))
        flushed = [np.any(mine) and not np.any(torch_value) for mine, torch_value in pairs]
        for (mine, torch_value), lost in zip(pairs, flushed, strict=True):
            assert lost or _close(mine, torch_value), label
        if any(flushed):
            assert numeric.run_cell_checks(case)["mpmath"].passed is True, label


def test_torch_reference_catches_a_wrong_product():
    """The comparison can fail: a product off by 1e-9 relative does not pass."""
    case = random_cell_case("lstm", 2, 5, 1)
    params = {key: _tensor(value) for key, value in case.params.items()}
    expected = torch.func.jacrev(_unrolled(case, params))(_tensor(case.s0)).numpy()
    P = case.jacobian_product()
    assert _close(P.mantissa * 2.0 ** P.exponent, expected)
    assert not _close(P.mantissa * 2.0 ** P.exponent * (1 + 1e-9), expected)


FAST = 1e-12   # the fast path adds b_ih + b_hh first: ulps apart, carried through T = 50 steps
FAST_PRODUCT = 1e-11   # ulps in each J_k, amplified by a non-normal product over T = 50


@pytest.mark.parametrize("act", ["tanh", "relu", "softplus"])
def test_elman_fast_path_equals_the_bridged_cell(act):
    """numeric.rnn with W_hh = weight_hh, W_xh = weight_ih, b_h = bias_ih + bias_hh gives the
    states, every J_k and every gradient of numeric.cells to 1e-12 relative, the product to
    1e-11."""
    for n, T, scale in [(1, 1, 1.0), (3, 20, 1.0), (4, 50, 3.0)]:
        case = random_cell_case("elman", n, T, 7 * n + T, act, scale)
        p = case.params
        b_h = p["bias_ih"] + p["bias_hh"]
        fast = numeric.forward(case.activation, p["weight_hh"], p["weight_ih"], b_h, case.s0,
                               case.x)
        path = case.trajectory()
        np.testing.assert_allclose(fast.h, np.array(path.states), rtol=FAST, atol=1e-300)
        J = numeric.step_jacobians(case.activation, p["weight_hh"], fast.a)
        J_cell = case.step_jacobians()
        assert all(_within(a, b) for a, b in zip(J, J_cell, strict=True))
        P, P_cell = numeric.jacobian_product(J), case.jacobian_product()
        assert _within(P.mantissa * 2.0 ** (P.exponent - P_cell.exponent), P_cell.mantissa,
                       FAST_PRODUCT)
        g = numeric.bptt(case.activation, p["weight_hh"], p["weight_ih"], b_h, case.s0, case.x,
                         case.y)
        c = case.gradients()
        pairs = [(g.W_hh, c.params["weight_hh"]), (g.W_xh, c.params["weight_ih"]),
                 (g.b_h, c.params["bias_ih"]), (g.b_h, c.params["bias_hh"]), (g.h0, c.state0)]
        assert all(_within(a, b) for a, b in pairs), (act, n, T)
        assert abs(g.loss - c.loss) <= FAST * max(1.0, c.loss)


def _within(value, reference, rtol=FAST):
    scale = np.max(np.abs(reference))
    return np.max(np.abs(value - reference)) <= rtol * scale if scale else not np.any(value)
