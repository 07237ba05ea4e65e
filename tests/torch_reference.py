"""PyTorch's own float64 autograd as the reference for cell cases: the final state of a module
run step by step, ∂s_T/∂s_0 by ``torch.autograd.functional.jacobian`` and every gradient of
L = ½‖h_T − y‖² by ``backward`` (parameters by PyTorch's names, ``_l0`` dropped)."""

import copy

import numpy as np
import torch

nn = torch.nn
STATEFUL = (nn.LSTMCell, nn.LSTM)


def double(module):
    """A float64 copy of ``module`` (the original keeps its dtype)."""
    return copy.deepcopy(module).double()


def final_state(module, x, s0):
    """s_T from s_0 ([h_0; c_0] for an LSTM) by PyTorch's own forward, unbatched."""
    n = module.hidden_size
    h, c = s0[:n], s0[n:]
    if isinstance(module, nn.LSTMCell):
        for x_k in x:
            h, c = module(x_k, (h, c))
    elif isinstance(module, (nn.RNNCell, nn.GRUCell)):
        for x_k in x:
            h = module(x_k, h)
    elif isinstance(module, nn.LSTM):
        _, (h, c) = module(x, (h[None], c[None]))
        h, c = h[0], c[0]
    else:
        _, h = module(x, h[None])
        h = h[0]
    return torch.cat([h, c]) if isinstance(module, STATEFUL) else h


def reference(module, x, s0, y=None):
    """(∂s_T/∂s_0, {name: ∂L/∂θ}, ∂L/∂s_0, L) of a float64 copy of ``module`` (NumPy arrays;
    the last three None without y)."""
    module = double(module)
    x, s0 = (torch.as_tensor(np.asarray(v), dtype=torch.float64) for v in (x, s0))
    product = torch.autograd.functional.jacobian(lambda s: final_state(module, x, s), s0)
    if y is None:
        return product.numpy(), None, None, None
    s0 = s0.clone().requires_grad_(True)
    h_T = final_state(module, x, s0)[:module.hidden_size]
    residual = h_T - torch.as_tensor(np.asarray(y), dtype=torch.float64)
    loss = 0.5 * residual @ residual
    loss.backward()
    grads = {name.removesuffix("_l0"): p.grad.numpy() for name, p in module.named_parameters()}
    return product.numpy(), grads, s0.grad.numpy(), float(loss.detach())


def assert_close(actual, expected, rtol=1e-10):
    """Normwise: max |actual − expected| ≤ rtol · max |expected| (shapes equal)."""
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    scale = float(np.max(np.abs(expected), initial=0.0))
    assert float(np.max(np.abs(actual - expected), initial=0.0)) <= rtol * scale, \
        (actual, expected)
