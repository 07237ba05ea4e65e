"""The first source article's program, corrected: per-time-step BPTT gradient norms.

The first source article's listing ("RNN梯度消失和梯度爆炸的原因", section 5) has these defects:

1. ``RNN.forward`` indexes ``x[:, t]`` but never defines ``t`` (NameError on the first step).
2. ``RNN.__init__`` builds ``seq_len`` separate ``RNNUnit``s, each with its *own* W_xh, W_hh,
   b_h: that is a deep feed-forward net, not a recurrent one; BPTT needs one shared weight set.
3. ``RNNUnit.backward`` applies ``tanh_deriv`` to ``self.h`` = tanh(a), computing
   1 − tanh²(tanh(a)) instead of tanh'(a) = 1 − tanh²(a) = 1 − h².
4. ``RNNUnit.backward`` passes ``grad_h`` back as ``grad_h W_hhᵀ``, skipping the activation
   derivative, so the recurrence g_{k-1} = W_hhᵀ D_k g_k loses D_k.
5. ``RNNUnit.backward`` takes ``grad_o`` and ``RNN.backward`` passes it to every step, but it
   is never used: a loss at every step never enters the gradient.
6. ``x`` has shape (1, seq_len, input_size), so ``x[:, t]`` would be (1, input_size) while
   ``h_prev`` is (hidden,): the row/column conventions do not match.
7. ``RNN.backward`` walks the steps backwards and appends as it goes, so entry t of the returned
   lists is time step seq_len − 1 − t, not t as the printing loop labels it.

``per_step_gradient_norms`` is the corrected computation on plain arrays; ``seed_program``
draws the weights the way the seed does (standard normal) from an explicit generator.
"""

import numpy as np

from numeric import rnn
from numeric.bridge import activation_functions

SEED_DEFECTS = (
    "RNN.forward indexes x[:, t] but never defines t (NameError on the first step).",
    "RNN.__init__ builds seq_len separate RNNUnits, each with its own W_xh, W_hh, b_h: a deep "
    "feed-forward net, not a recurrent one; BPTT needs one shared weight set.",
    "RNNUnit.backward applies tanh_deriv to self.h = tanh(a), computing 1 - tanh(tanh(a))^2 "
    "instead of tanh'(a) = 1 - h^2.",
    "RNNUnit.backward passes grad_h back as grad_h W_hh^T, skipping the activation derivative.",
    "RNNUnit.backward takes grad_o and RNN.backward passes it to every step, but it is never "
    "used: a loss at every step never enters the gradient.",
    "x has shape (1, seq_len, input_size) while h_prev is (hidden,): the row and column "
    "conventions do not match.",
    "RNN.backward walks the steps backwards and appends as it goes, so entry t of the returned "
    "lists is time step seq_len - 1 - t, not t as the printing loop labels it.",
)


def per_step_gradient_norms(activation, W_hh, W_xh, b_h, h0, x, grad_hT):
    """‖δ_k‖, ‖δ_k h_{k-1}ᵀ‖, ‖δ_k x_kᵀ‖ for k = 1..T with one shared weight set.

    g_T = ∂L/∂h_T = ``grad_hT``, δ_k = D_k g_k with D_k = diag(φ'(a_k)) (φ' of the
    pre-activation), g_{k-1} = W_hhᵀ δ_k.  Returns a dict of (T,) arrays: ``delta``,
    ``W_hh``, ``W_xh`` (Frobenius norms of the per-step contributions) and ``b_h`` (= delta).
    """
    path = rnn.forward(activation, W_hh, W_xh, b_h, h0, x)
    _, dphi = activation_functions(activation)
    T = len(x)
    norms = {key: np.empty(T) for key in ("delta", "W_hh", "W_xh")}
    g = np.asarray(grad_hT, float)
    for k in range(T, 0, -1):
        delta = dphi(path.a[k - 1]) * g
        size = np.linalg.norm(delta)
        norms["delta"][k - 1] = size
        norms["W_hh"][k - 1] = size * np.linalg.norm(path.h[k - 1])
        norms["W_xh"][k - 1] = size * np.linalg.norm(x[k - 1])
        g = W_hh.T @ delta
    norms["b_h"] = norms["delta"].copy()
    return norms


def seed_program(rng, activation, input_size=10, hidden_size=20, seq_len=100, w_scale=1.0):
    """The first article's experiment, corrected: W ~ N(0, 1) (W_hh scaled by ``w_scale``), zero
    bias and h_0, x ~ N(0, 1), ∂L/∂h_T = ones.  Returns (norms, W_hh)."""
    W_xh = rng.standard_normal((hidden_size, input_size))
    W_hh = w_scale * rng.standard_normal((hidden_size, hidden_size))
    x = rng.standard_normal((seq_len, input_size))
    zeros = np.zeros(hidden_size)
    norms = per_step_gradient_norms(activation, W_hh, W_xh, zeros, zeros, x,
                                    np.ones(hidden_size))
    return norms, W_hh
