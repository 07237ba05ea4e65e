"""Cases and independent references shared by the tests of supplied-gradient checking
(numeric.backward, numeric.diagnose, numeric.check_gradients): seeded legacy Elman cases,
torch float64 autograd of hand-written steps (``torch_legacy``, ``torch_cell``) and of PyTorch's
own modules (``torch_gradients``), a hand-written NumPy BPTT (``hand_bptt``), and the tiny
student cases of tests/handwritten_rnn.py (``CASES``, ``submitted``)."""

import numpy as np
import torch

import derive
import numeric
from tests.cell_cases import random_cell_case
from tests.handwritten_rnn import cell_name, program

nn = torch.nn
T = 5


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


def hand_bptt(case):
    """A plain loop: h_k = tanh(W h + U x_k + b), g_k = ∂L/∂h_k, δ_k = (1 − h_k²) g_k."""
    W, U, b, x, y = case.W_hh, case.W_xh, case.b_h, case.x, case.y
    T = len(x)
    hs = [case.h0]
    for k in range(T):
        hs.append(np.tanh(W @ hs[-1] + U @ x[k] + b))
    targets = y if y.ndim == 2 else None
    loss = sum(0.5 * np.sum((hs[k + 1] - targets[k]) ** 2) for k in range(T)) \
        if targets is not None else 0.5 * np.sum((hs[-1] - y) ** 2)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    g = hs[-1] - (targets[-1] if targets is not None else y)
    gs, jacobians = np.zeros((T, len(b))), []
    for k in range(T, 0, -1):
        gs[k - 1] = g
        d = (1 - hs[k] ** 2) * g
        dW += np.outer(d, hs[k - 1])
        dU += np.outer(d, x[k - 1])
        db += d
        g = W.T @ d + (hs[k - 1] - targets[k - 2] if targets is not None and k > 1 else 0)
    for k in range(1, T + 1):
        jacobians.append((1 - hs[k] ** 2)[:, None] * W)
    product = np.eye(len(b))
    for J in jacobians:
        product = J @ product
    return {"W_hh": dW, "W_xh": dU, "b_h": db, "grad_h0": g, "loss": loss, "delta": gs,
            "step_jacobians": np.stack(jacobians), "jacobian_product": product}


def seeded_legacy_case(seed, per_step=False, n=3, m=2):
    """A seeded legacy Elman case (tanh); y (T, n) gives the per-step loss Σ_t ½‖h_t − y_t‖²."""
    rng = np.random.default_rng(seed)
    return numeric.Case(derive.activation("tanh"), rng.normal(0, 0.9 / np.sqrt(n), (n, n)),
                        rng.normal(0, 0.7, (n, m)), rng.normal(0, 0.2, n), rng.normal(0, 0.5, n),
                        rng.normal(0, 1, (T, m)),
                        rng.normal(0, 1, (T, n) if per_step else n))


CASES = {  # tiny (n = 3, T = 5), seeded; "saturated": |gate pre-activations| ~ 3 and more
    "legacy": lambda: seeded_legacy_case(0),
    "legacy_per_step": lambda: seeded_legacy_case(1, per_step=True),
    "elman": lambda: random_cell_case("elman", 3, T, 2),
    "elman_saturated": lambda: random_cell_case("elman", 3, T, 3, scale=4.0),
    "lstm": lambda: random_cell_case("lstm", 3, T, 4),
    "lstm_saturated": lambda: random_cell_case("lstm", 3, T, 5, bias=3.0),
    "gru": lambda: random_cell_case("gru", 3, T, 6),
    "gru_saturated": lambda: random_cell_case("gru", 3, T, 7, bias=-3.0),
}


def torch_module(case, dtype):
    """The torch cell of ``case`` in ``dtype`` (a legacy case: an RNNCell with bias_hh = 0)."""
    cell = cell_name(case)
    if cell == "legacy":
        params = {"weight_ih": case.W_xh, "weight_hh": case.W_hh, "bias_ih": case.b_h,
                  "bias_hh": np.zeros_like(case.b_h)}
    else:
        params = case.params
    n, m = params["weight_hh"].shape[1], params["weight_ih"].shape[1]
    kind = {"legacy": nn.RNNCell, "elman": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}
    module = kind[cell](m, n, dtype=dtype)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.as_tensor(params[name]))
    return module


def torch_gradients(case, dtype=torch.float64):
    """torch autograd's gradients of the case's loss, under the names of ``program``."""
    module, cell = torch_module(case, dtype), cell_name(case)
    s0 = torch.tensor(case.h0 if cell == "legacy" else case.s0, dtype=dtype, requires_grad=True)
    x, y = (torch.as_tensor(v, dtype=dtype) for v in (case.x, case.y))
    n = module.hidden_size
    h, c, hs = s0[:n], s0[n:], []
    for x_k in x:
        if cell == "lstm":
            h, c = module(x_k, (h, c))
        else:
            h = module(x_k, h)
        h.retain_grad()
        hs.append(h)
    residual = torch.stack(hs) - y if y.ndim == 2 else hs[-1] - y
    (0.5 * (residual * residual).sum()).backward()
    grads = {name: p.grad.numpy() for name, p in module.named_parameters()}
    if cell == "legacy":
        grads = {"W_hh": grads["weight_hh"], "W_xh": grads["weight_ih"], "b_h": grads["bias_ih"]}
    grads["grad_h0"] = s0.grad[:n].numpy()
    if cell == "lstm":
        grads["grad_c0"] = s0.grad[n:].numpy()
    grads["delta"] = torch.stack([h.grad for h in hs]).numpy()
    return grads


def submitted(case, dtype, mistake=None):
    """What a student hands in: the program's arrays in its own dtype (no dtype= given)."""
    return program(case, np.dtype(dtype), mistake)


def failures(result):
    """(name, max abs error, largest allowed, worst entry) of each failing quantity."""
    return [(q.name, q.max_abs_error, float(np.max(q.tolerance)), q.worst)
            for q in result.quantities if not q.passed]


def assert_passed(result):
    passed = result.passed
    assert passed, (result.diagnosis, failures(result))
