"""Sweeps of a cell's log10‖∂s_T/∂s_0‖₂ over one parameter and the length T.

Forget-bias sweep (LSTM): PyTorch's default initialisation from the seed (``numeric.
default_parameters``), then the f block of bias_ih set to b_f and the f block of bias_hh to 0,
so the total forget bias is b_f.  Gain sweep (every cell): the recurrent parameter of
``numeric.recurrent_base`` (weight_hh; IndRNN's u) multiplied by g.  The input drive is
x_t = constant + noise · N(0, I_m) drawn from ``default_rng(seed + 1)`` (default 0.1·N(0, 1),
m = 1), s_0 = 0.  All parameter values run through one forward pass and one product
(``numeric.cell_products``), batched over the values.

Reported: log10‖∂s_T/∂s_0‖₂ (s = [h; c] for the LSTM) and log10‖∂h_T/∂h_0‖₂ (the hidden
block, comparable across cells; equal to the first for one-part states), shape
(len(values), len(T)), with the regime of the first by ``numeric.regime_labels``.

Horizon (``numeric.horizon``): the cell's forward map run again from a twin s_0 a few
roundings away, batched over the values; ``horizon`` per value (-1: none), ``reliable`` per
(value, T) and ``rate`` = log10‖∂s_T/∂s_0‖₂ / T.  An Elman or IndRNN cell with the identity
activation is linear: its product does not depend on the trajectory, so every value is
reliable and the horizon is null.

>>> r = forget_bias_sweep([0.0, 3.0], [1, 50], hidden=2, seed=0)
>>> bool(r.log10_norm[1, 1] > r.log10_norm[0, 1])
True
"""

from dataclasses import dataclass

import numpy as np

import derive
from numeric import display
from numeric.backend_products import product_log10_norms
from numeric.backends import backend as get_backend
from numeric.cell_init import INIT_TEXT, default_parameters, recurrent_base
from numeric.cell_products import product_norms
from numeric.cells import forward
from numeric.grids import grid, lengths
from numeric.horizon import NO_HORIZON, HorizonFlags, twin_horizon
from numeric.step_chunks import cell_chunks
from numeric.sweep import regime_labels

NULL_NOTE = ("null where the value is not a finite number: -inf is the log10 of an exact "
             "zero product (a gain of 0, or a unit whose derivative is exactly 0 at some "
             "step), NaN a value that is not representable")
FORGET_TEXT = ("forget bias b_f: the f block of bias_ih set to b_f and the f block of bias_hh "
               "to 0 (total forget bias b_f)")


@dataclass(frozen=True)
class CellSweep(display.Displayed, HorizonFlags):
    """A cell sweep: ``parameter`` ("forget_bias" or "gain") over ``values`` and ``T``;
    ``log10_norm`` = log10‖∂s_T/∂s_0‖₂, ``log10_norm_h`` = log10‖∂h_T/∂h_0‖₂ and ``regime``
    (of the first), each (len(values), len(T)); ``init`` and ``drive`` say what was run."""

    cell: str
    activation: str | None
    hidden: int
    inputs: int
    seed: int
    parameter: str
    values: np.ndarray
    T: np.ndarray
    log10_norm: np.ndarray
    log10_norm_h: np.ndarray
    regime: np.ndarray
    init: str
    drive: str
    horizon: np.ndarray | None = None
    backend: str = "numpy"
    device: str = "cpu"

    def _display_parts(self):
        return display.cell_sweep_parts(self)

    def to_dict(self):
        out = {"cell": self.cell, "activation": self.activation, "hidden": self.hidden,
               "inputs": self.inputs, "seed": self.seed, "parameter": self.parameter,
               "T": self.T.tolist(), "regime": self.regime.tolist(), "init": self.init,
               "input_drive": self.drive, "state": list(derive.cell_kind(self.cell).state),
               "backend": self.backend, "device": self.device}
        for key, value in (("values", self.values), ("log10_norm", self.log10_norm),
                           ("log10_norm_h", self.log10_norm_h)):
            out.update(json_floats(key, value))
        out.update(self.horizon_dict())
        return out


def json_floats(key, array):
    """{key: nested lists} with every value that is not finite as null, plus ``key_note``."""
    values = np.asarray(array, dtype=float)
    out = {key: np.where(np.isfinite(values), values, None).tolist()}
    if not np.isfinite(values).all():
        out[f"{key}_note"] = NULL_NOTE
    return out


def sweep_inputs(T_max, m, seed, noise=0.1, constant=0.0):
    """The input drive x_1..x_T: constant + noise · N(0, I_m) from ``default_rng(seed + 1)``,
    shape (T_max, m), and its description."""
    x = constant + noise * np.random.default_rng(seed + 1).standard_normal((T_max, m))
    if not np.all(np.isfinite(x)):
        raise ValueError("the input drive must be finite")
    drive = f"{constant:g} + {noise:g}*N(0, I_m)" if constant else f"{noise:g}*N(0, I_m)"
    text = f"x_t = {drive}, m = {m}, drawn with numpy default_rng({seed + 1}) (seed + 1)"
    return x, text + ", s_0 = 0"


def forget_bias_parameters(biases, hidden, inputs=1, seed=0):
    """LSTM parameters batched over the forget biases b_f: bias_ih (len(b_f), 4n) with its f
    block (PyTorch's rows n..2n) = b_f, bias_hh's f block = 0, the rest PyTorch's default draw."""
    kind = derive.cell_kind("lstm")
    params = default_parameters(kind, hidden, inputs, seed)
    b = grid(biases, "forget biases")
    f = kind.parameter("bias_ih").bases.index("b_if")      # the forget gate's row block
    rows = slice(f * hidden, (f + 1) * hidden)
    bias_ih = np.tile(params["bias_ih"], (len(b), 1))
    bias_ih[:, rows] = b[:, None]
    params["bias_hh"][rows] = 0.0
    return {**params, "bias_ih": bias_ih}


def gain_parameters(kind, gains, hidden, inputs=1, seed=0):
    """Parameters batched over the gains: the recurrent parameter of ``recurrent_base``
    (weight_hh, IndRNN's u) times g, shape (len(g), ...); the others shared."""
    params, name = recurrent_base(kind, hidden, inputs, seed)
    g = grid(gains, "gains")
    params[name] = g.reshape((-1,) + (1,) * params[name].ndim) * params[name]
    return params


def forget_bias_sweep(biases, T, *, hidden=32, inputs=1, seed=0, noise=0.1, constant=0.0,
                      backend=None):
    """log10‖∂s_T/∂s_0‖₂ and log10‖∂h_T/∂h_0‖₂ of the LSTM over forget biases and T;
    ``backend`` as in ``cell_gain_sweep``."""
    _check_sizes(hidden, inputs)
    params = forget_bias_parameters(biases, hidden, inputs, seed)
    init = f"{INIT_TEXT['uniform']} (seed {seed}); {FORGET_TEXT}"
    return _run(derive.cell_kind("lstm"), None, "forget_bias", params, biases, T, hidden,
                inputs, seed, noise, constant, init, backend)


def cell_gain_sweep(cell, gains, T, *, hidden=32, activation=None, inputs=1, seed=0,
                    noise=0.1, constant=0.0, backend=None):
    """log10‖∂s_T/∂s_0‖₂ and log10‖∂h_T/∂h_0‖₂ of ``cell`` over gains g and T, the recurrent
    parameter g times its seeded draw (``numeric.recurrent_base``).  ``backend``: None or
    "numpy" (``numeric.cell_products``), "jax" or "torch" (the products on that library, on
    its GPU when present: ``numeric.backend_products``)."""
    kind = derive.cell_kind(cell)
    _check_sizes(hidden, inputs)
    if activation is not None and not kind.takes_activation:
        free = [c for c in derive.cell_names() if derive.cell_kind(c).takes_activation]
        raise ValueError(f"--activation applies to {' and '.join(free)} only; {cell} has "
                         "fixed gates (sigmoid, tanh)")
    act = derive.activation(activation or "tanh") if kind.takes_activation else None
    params = gain_parameters(kind, gains, hidden, inputs, seed)
    draw = INIT_TEXT["gain"].get(kind.name, INIT_TEXT["gain"]["gated"])
    init = (f"{draw}; every other parameter: {INIT_TEXT['uniform']} "
            f"(seed {seed}); the gain g multiplies {kind.recurrent_parameter}")
    return _run(kind, act, "gain", params, gains, T, hidden, inputs, seed, noise, constant, init,
                backend)


def _check_sizes(hidden, inputs):
    for name, value in (("hidden", hidden), ("inputs", inputs)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")


def _run(kind, act, parameter, params, values, T, hidden, inputs, seed, noise, constant, init,
         backend=None):
    bk = get_backend(backend)
    values = grid(values, parameter)
    T = lengths(T)
    x, drive = sweep_inputs(int(T.max()), inputs, seed, noise, constant)
    s0 = np.zeros((len(values), len(kind.state) * hidden))
    path = forward(kind, act, params, s0, x)
    blocks = ("s", "h") if len(kind.state) > 1 else ("s",)
    with np.errstate(over="ignore", under="ignore"):
        if bk.name == "numpy":
            norms = product_norms(kind, act, params, path, T, blocks)
        else:
            s, h = product_log10_norms(bk, cell_chunks(kind, act, params, path), T,
                                       hidden if "h" in blocks else None)
            norms = {"s": s} if h is None else {"s": s, "h": h}
    s = norms["s"].T
    h = norms["h"].T if "h" in norms else s.copy()
    linear = act is not None and (act.name == "identity" or not act.dphi.has(act.variable))
    horizon = (np.full(len(values), NO_HORIZON) if linear
               else cell_horizon(kind, act, params, s0, x, int(T.max())))
    return CellSweep(kind.name, None if act is None else act.name, hidden, inputs, seed,
                     parameter, values, T, s, h, regime_labels(s), init, drive,
                     np.asarray(horizon, dtype=np.int64),
                     backend=bk.name, device=bk.device)


def cell_horizon(kind, act, params, s0, x, steps):
    """The predictability horizon (``numeric.horizon``) of the cell's forward pass (one step of
    ``numeric.cells.forward``, batched over the parameters' leading dims) from s0, -1 where
    there is none."""
    def step(k, s):
        return forward(kind, act, params, s, x[k - 1:k]).states[-1]

    with np.errstate(over="ignore", under="ignore"):
        return twin_horizon(step, s0, steps)
