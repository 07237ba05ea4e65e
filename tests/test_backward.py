"""numeric.backward without a mistake: the same numbers as numeric.bptt (legacy Elman, both
loss forms) and numeric.cells.bptt to 1e-13 normwise, and as torch autograd in float64 (the
parameters, ∂L/∂s_0 and every g_k = ∂L/∂s_k, read from retain_grad on the states)."""

import numpy as np
import pytest
import torch
from cell_cases import random_cell_case
from torch_reference import assert_close

import derive
import numeric
from numeric.backward import Mistake, backward

CELLS = ("elman", "lstm", "gru", "indrnn")


def legacy_case(per_step, seed=3, n=3, T=5, m=2):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((T, n) if per_step else n)
    return numeric.Case(derive.activation("tanh"), 0.8 * rng.standard_normal((n, n)),
                        rng.standard_normal((n, m)), rng.standard_normal(n),
                        rng.standard_normal(n), rng.standard_normal((T, m)), y)


def torch_legacy(case):
    """(grads, ∂L/∂h_0, L, g (T, n)) by torch autograd on a hand-written Elman loop."""
    W, U, b, h = (torch.tensor(v, requires_grad=True)
                  for v in (case.W_hh, case.W_xh, case.b_h, case.h0))
    x, y = torch.tensor(case.x), torch.tensor(case.y)
    states, state = [], h
    for x_k in x:
        state = torch.tanh(W @ state + U @ x_k + b)
        state.retain_grad()
        states.append(state)
    if y.ndim == 2:
        loss = sum(0.5 * ((s - y_k) ** 2).sum() for s, y_k in zip(states, y, strict=True))
    else:
        loss = 0.5 * ((states[-1] - y) ** 2).sum()
    loss.backward()
    grads = {"W_hh": W.grad.numpy(), "W_xh": U.grad.numpy(), "b_h": b.grad.numpy()}
    g = np.stack([s.grad.numpy() for s in states])
    return grads, h.grad.numpy(), float(loss.detach()), g


def torch_cell(case):
    """(grads by PyTorch names, ∂L/∂s_0, L, g (T, S)) by torch autograd on the cell's own
    hand-written step (PyTorch's equations), states retained."""
    P = {k: torch.tensor(v, requires_grad=True) for k, v in case.params.items()}
    s0 = torch.tensor(case.s0, requires_grad=True)
    n, name = case.hidden, case.kind.name
    h, c = s0[:n], s0[n:]
    retained = []
    for x_k in torch.tensor(case.x):
        if name == "elman":
            h = torch.tanh(P["weight_ih"] @ x_k + P["bias_ih"] + P["weight_hh"] @ h
                           + P["bias_hh"])
        elif name == "indrnn":
            h = torch.tanh(P["weight_ih"] @ x_k + P["bias"] + P["u"] * h)
        else:
            gi = P["weight_ih"] @ x_k + P["bias_ih"]
            gh = P["weight_hh"] @ h + P["bias_hh"]
            if name == "lstm":
                i, f, g, o = (gi + gh).split(n)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
            else:
                r, z, _ = torch.sigmoid(gi + gh).split(n)
                cand = torch.tanh(gi[2 * n:] + r * gh[2 * n:])
                h = (1 - z) * cand + z * h
        h, c = h * 1.0, c * 1.0  # s_k as its own node: c_k's grad then excludes c_k → h_k
        h.retain_grad()
        if name == "lstm":
            c.retain_grad()
        retained.append((h, c) if name == "lstm" else (h,))
    loss = 0.5 * ((h - torch.tensor(case.y)) ** 2).sum()
    loss.backward()

    def grad(t):
        return np.zeros(n) if t.grad is None else t.grad.numpy()

    g = np.stack([np.concatenate([grad(t) for t in step]) for step in retained])
    return {k: p.grad.numpy() for k, p in P.items()}, s0.grad.numpy(), float(loss.detach()), g


@pytest.mark.parametrize("per_step", [False, True])
def test_legacy_equals_numeric_bptt_and_torch(per_step):
    case = legacy_case(per_step)
    got = backward(case)
    ref = numeric.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x, case.y)
    for name in ("W_hh", "W_xh", "b_h"):
        assert_close(got.params[name], getattr(ref, name), rtol=1e-13)
    assert_close(got.state0, ref.h0, rtol=1e-13)
    assert got.loss == pytest.approx(ref.loss, rel=1e-13)
    grads, h0, loss, g = torch_legacy(case)
    for name, value in grads.items():
        assert_close(got.params[name], value, rtol=1e-12)
    assert_close(got.state0, h0, rtol=1e-12)
    assert_close(got.delta, g, rtol=1e-12)
    assert got.loss == pytest.approx(loss, rel=1e-13)
    assert set(got.params) == {"W_hh", "W_xh", "b_h"}


@pytest.mark.parametrize("name", CELLS)
def test_cell_equals_cells_bptt_and_torch(name):
    case = random_cell_case(name, 3, 5, seed=7)
    got = backward(case)
    ref = case.gradients()
    for key, value in ref.params.items():
        assert_close(got.params[key], value, rtol=1e-13)
    assert_close(got.state0, ref.state0, rtol=1e-13)
    grads, s0, loss, g = torch_cell(case)
    for key, value in grads.items():
        assert_close(got.params[key], value, rtol=1e-12)
    assert_close(got.state0, s0, rtol=1e-12)
    assert_close(got.delta, g, rtol=1e-12)
    assert got.loss == pytest.approx(loss, rel=1e-13)


@pytest.mark.parametrize("name", ["lstm", "gru", "indrnn", "legacy"])
def test_identity_perturbation_changes_nothing(name):
    case = legacy_case(True) if name == "legacy" else random_cell_case(name, 2, 4, seed=2)
    plain, same = backward(case), backward(case, perturb=lambda a: a + 0.0)
    for key in plain.params:
        np.testing.assert_array_equal(plain.params[key], same.params[key])
    np.testing.assert_array_equal(plain.delta, same.delta)
    np.testing.assert_array_equal(plain.state0, same.state0)


def test_perturbation_reaches_the_result():
    case = random_cell_case("gru", 2, 4, seed=2)
    plain = backward(case)
    rounded = backward(case, perturb=lambda a: np.asarray(a, np.float32).astype(float))
    error = np.max(np.abs(rounded.params["weight_hh"] - plain.params["weight_hh"]))
    assert 0 < error < 1e-5


def test_bad_input():
    case = random_cell_case("elman", 2, 3, seed=1, y=False)
    with pytest.raises(ValueError, match="target y"):
        backward(case)
    case = random_cell_case("indrnn", 2, 3, seed=1)
    with pytest.raises(ValueError, match="no recurrent matrix"):
        backward(case, mistake=Mistake("transposed"))
    with pytest.raises(ValueError, match="truncated needs K"):
        backward(case, mistake=Mistake("truncated", 0))
    with pytest.raises(ValueError, match="unknown mistake"):
        backward(case, mistake=Mistake("sign"))
