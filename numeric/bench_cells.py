"""Workload C of ``python -m numeric.bench``: the LSTM forget-bias sweep against torch.

C: LSTM, n = 32, 64 total forget biases b_f in [−2, 4] (bias_ih's f block = b_f, bias_hh's = 0),
   the other parameters PyTorch's default uniform(−1/√n, 1/√n) from seed 0, x_t = 0.1·N(0, 1)
   from default_rng(1), s_0 = 0, T = 1000: log10‖∂s_T/∂s_0‖₂ (s = [h; c]) for every b_f.
   Ours: ``numeric.forget_bias_sweep``.  Peers (torch float64, same parameters and inputs):
   each computes the 64 × T step Jacobians, then the product with an exact power-of-two
   rescaling after every step (the unrescaled product underflows: ‖∂s_T/∂s_0‖ reaches 1e-600):
   - torch_jacrev_lstmcell: ``torch.func.jacrev`` of nn.LSTMCell itself, all steps of a chunk
     and all biases as one batch (the per-sample Jacobians of a row-wise map are the jacrev of
     its sum over rows); the per-member bias enters as an input, [W_ih | I] [x_t; b_ih].
   - torch_vmap_jacrev_lstmcell: ``torch.func.vmap(vmap(jacrev(step)))`` over the biases and
     chunks of steps, with step = ``torch.func.functional_call(cell, {..., 'bias_ih': b},
     (x, (h, c)))`` of nn.LSTMCell on unbatched inputs (x of shape (m,), h and c of shape (n,));
     the states from nn.LSTMCell run per bias (vmap of the bare forward, outside jacrev, hits
     "Batching rule not implemented for aten::lstm_cell" in torch 2.13).
   - torch_vmap_jacrev: the same vmap(vmap(jacrev(step))) with step the LSTMCell equations
     written in torch ops; checked against nn.LSTMCell.
"""

import math

import numpy as np

from numeric.cell_sweep import forget_bias_parameters, forget_bias_sweep, sweep_inputs

CHUNK = 50  # steps whose Jacobians a peer forms at once


def workload_c(quick=False):
    """(biases, T, hidden): the sweep's definition; inputs and parameters from seed 0."""
    n, count, T = (8, 16, 100) if quick else (32, 64, 1000)
    return np.linspace(-2.0, 4.0, count), T, n


def ours_c(biases, T, n):
    return forget_bias_sweep(biases, [T], hidden=n, seed=0).log10_norm[:, 0]


def run_c(quick, timed, have_torch):
    """Workload C: ours, the torch peers when installed, ratios and agreement."""
    biases, T, n = workload_c(quick)
    repeat = 3 if quick else 1  # the same for ours and the peers
    t_ours, ours = timed(ours_c, biases, T, n, repeat=repeat)
    report = {"ours_s": t_ours}
    if not have_torch:
        report["torch"] = "absent"
        return report
    for name, peer in (("torch_jacrev_lstmcell", _peer_lstmcell),
                       ("torch_vmap_jacrev_lstmcell", _peer_vmap_lstmcell),
                       ("torch_vmap_jacrev", _peer_vmap)):
        try:
            t_peer, (values, note) = timed(peer, biases, T, n, repeat=repeat)
        except Exception as err:  # noqa: BLE001 - an optional peer that fails is a result
            report[name] = f"failed: {type(err).__name__}: {str(err).splitlines()[0][:120]}"
            continue
        report[f"{name}_s"] = t_peer
        report[f"ours_over_{name}"] = t_ours / t_peer
        report[f"{name}_max_abs_diff_log10"] = float(np.max(np.abs(values - ours)))
        report.update(note)
    return report


def _torch_setup(biases, T, n):
    import torch

    params = forget_bias_parameters(biases, n, 1, 0)
    x, _ = sweep_inputs(T, 1, 0)
    return torch, {k: torch.tensor(v) for k, v in params.items()}, torch.tensor(x)


def _product(torch, jacobians, S, B):
    """log10‖J_T ⋯ J_1‖₂ per batch member; ``jacobians`` yields (L, B, S, S) chunks."""
    f64 = torch.float64
    P, exponent = torch.eye(S, dtype=f64).repeat(B, 1, 1), torch.zeros(B, dtype=f64)
    for chunk in jacobians:
        for J in chunk:
            P = torch.bmm(J, P)
            _, e = torch.frexp(P.abs().amax(dim=(1, 2)))
            P = P * torch.ldexp(torch.ones(B, dtype=f64), -e)[:, None, None]
            exponent = exponent + e
    norms = torch.linalg.matrix_norm(P, 2)
    return (torch.log10(norms) + exponent * math.log10(2)).numpy()


def _peer_lstmcell(biases, T, n):
    torch, p, x = _torch_setup(biases, T, n)
    from torch.func import jacrev

    B, S = len(biases), 2 * n
    cell = torch.nn.LSTMCell(1 + 4 * n, n, dtype=torch.float64).requires_grad_(False)
    with torch.no_grad():
        identity = torch.eye(4 * n, dtype=torch.float64)
        cell.weight_ih.copy_(torch.cat([p["weight_ih"], identity], dim=1))
        cell.weight_hh.copy_(p["weight_hh"])
        cell.bias_ih.zero_()
        cell.bias_hh.copy_(p["bias_hh"])
    inputs = torch.cat([x[:, None, :].expand(T, B, 1), p["bias_ih"].expand(T, B, 4 * n)], 2)

    def step(s, u):
        h, c = cell(u, (s[:, :n], s[:, n:]))
        return torch.cat([h, c], dim=1)

    with torch.no_grad():
        states = [torch.zeros(B, S, dtype=torch.float64)]
        for k in range(T - 1):
            states.append(step(states[-1], inputs[k]))
    states = torch.stack(states)

    def chunks():
        for t in range(0, T, CHUNK):
            s, u = states[t:t + CHUNK].reshape(-1, S), inputs[t:t + CHUNK].reshape(-1, 1 + 4 * n)
            J = jacrev(lambda s_, u_=u: step(s_, u_).sum(0))(s)      # (S, L·B, S)
            yield J.permute(1, 0, 2).reshape(-1, B, S, S)

    return _product(torch, chunks(), S, B), {}


def _peer_vmap_lstmcell(biases, T, n):
    """vmap(vmap(jacrev(step))) of nn.LSTMCell over steps and biases, chunks of steps.  The
    states come from nn.LSTMCell run per bias (vmap of its bare forward hits the fused
    aten::lstm_cell, which has no batching rule in torch 2.13; under jacrev it decomposes)."""
    torch, p, x = _torch_setup(biases, T, n)
    from torch.func import functional_call

    B, S = len(biases), 2 * n
    cell = torch.nn.LSTMCell(1, n, dtype=torch.float64).requires_grad_(False)
    params = {k: p[k] for k in ("weight_ih", "weight_hh", "bias_hh")}

    def step(s, x_k, b_ih):
        h, c = functional_call(cell, {**params, "bias_ih": b_ih}, (x_k, (s[:n], s[n:])))
        return torch.cat([h, c])

    states = torch.zeros(T, B, S, dtype=torch.float64)
    with torch.no_grad():
        for name in params:
            getattr(cell, name).copy_(params[name])
        for j in range(B):
            cell.bias_ih.copy_(p["bias_ih"][j])
            h = c = torch.zeros(n, dtype=torch.float64)
            for k in range(T - 1):
                h, c = cell(x[k], (h, c))
                states[k + 1, j] = torch.cat([h, c])
    return _product(torch, _vmap_jacobians(torch, step, p, x, states), S, B), {}


def _vmap_jacobians(torch, step, p, x, states):
    """(L, B, S, S) chunks: vmap(vmap(jacrev(step))) over CHUNK steps and the biases."""
    from torch.func import jacrev, vmap

    jac = vmap(vmap(jacrev(step), in_dims=(0, None, 0)), in_dims=(0, 0, None))
    T = len(x)
    return (jac(states[t:t + CHUNK], x[t:t + CHUNK], p["bias_ih"]) for t in range(0, T, CHUNK))


def _vmap_product(torch, step, p, x, T, B, S):
    """States by vmap(step) over biases, then vmap(vmap(jacrev(step))) per chunk of steps."""
    from torch.func import vmap

    with torch.no_grad():
        forward = vmap(step, in_dims=(0, None, 0))
        states = [torch.zeros(B, S, dtype=torch.float64)]
        for k in range(T - 1):
            states.append(forward(states[-1], x[k], p["bias_ih"]))
    return _product(torch, _vmap_jacobians(torch, step, p, x, torch.stack(states)), S, B)


def _peer_vmap(biases, T, n):
    torch, p, x = _torch_setup(biases, T, n)
    B, S = len(biases), 2 * n

    def step(s, x_k, b_ih):
        z = p["weight_ih"] @ x_k + b_ih + p["weight_hh"] @ s[:n] + p["bias_hh"]
        i, f, g, o = z.chunk(4)
        c = torch.sigmoid(f) * s[n:] + torch.sigmoid(i) * torch.tanh(g)
        return torch.cat([torch.sigmoid(o) * torch.tanh(c), c])

    return _vmap_product(torch, step, p, x, T, B, S), {"torch_vmap_step_vs_nn_lstmcell_max_abs":
                                                       _check_step(torch, p, step, n)}


def _check_step(torch, p, step, n):
    """max |step − nn.LSTMCell| on one random state and input of bias member 0."""
    cell = torch.nn.LSTMCell(1, n, dtype=torch.float64).requires_grad_(False)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_hh"):
            getattr(cell, name).copy_(p[name])
        cell.bias_ih.copy_(p["bias_ih"][0])
        s = torch.tensor(np.random.default_rng(2).standard_normal(2 * n))
        h, c = cell(torch.tensor([[0.3]], dtype=torch.float64), (s[None, :n], s[None, n:]))
        mine = step(s, torch.tensor([0.3], dtype=torch.float64), p["bias_ih"][0])
    return float((mine - torch.cat([h[0], c[0]])).abs().max())

