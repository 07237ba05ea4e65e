"""A cell case from a PyTorch module: its weights, in float64, with PyTorch's names and shapes.

nn.RNNCell → elman (its nonlinearity: tanh or relu), nn.LSTMCell → lstm, nn.GRUCell → gru,
and a single-layer, unidirectional nn.RNN, nn.LSTM or nn.GRU (its ``*_l0`` parameters; without
projection).  A module built with ``bias=False`` gets zero biases, which is the same map.
PyTorch is imported here only: rnngrad runs without it.
"""

import numpy as np

import derive
from numeric.cell_case import CellCase

CELL_TYPES = {"RNNCell": "elman", "LSTMCell": "lstm", "GRUCell": "gru"}
LAYER_TYPES = {"RNN": "elman", "LSTM": "lstm", "GRU": "gru"}


def case_from_torch(module, x, h0=None, c0=None, y=None):
    """A float64 ``CellCase`` of ``module`` run on inputs ``x`` (T, m) from s_0 = [h0; c0]
    (zeros where None; c0 for an LSTM only; shape (n,), or for nn.RNN/LSTM/GRU also (1, n) as
    they take for unbatched input), with target y (n,) for L = ½‖h_T − y‖²;
    arrays or tensors.  Refuses what is not one cell step: several layers, two directions,
    an LSTM projection.

    >>> import torch
    >>> case = case_from_torch(torch.nn.LSTMCell(1, 2), [[0.5], [1.0]])
    >>> case.kind.name, case.state_names, case.jacobian_product().mantissa.shape
    ('lstm', ('h', 'c'), (4, 4))
    """
    try:
        import torch
    except ImportError:
        raise ImportError("case_from_torch needs PyTorch: pip install torch") from None
    kind, suffix = _kind_of(module, torch)
    n, m = module.hidden_size, module.input_size
    params = {}
    for p in kind.parameters:
        value = getattr(module, p.name + suffix, None)
        rows, cols = p.shape(n, m)
        params[p.name] = (np.zeros((rows,) if p.columns == 1 else (rows, cols))
                          if value is None else _float64(value, torch))
    x = _float64(x, torch)
    if x.ndim != 2 or x.shape[1] != m:
        raise ValueError(f"x must be (T, m) with m = {m} (the module's input_size), got shape "
                         f"{x.shape}")
    if c0 is not None and kind.name != "lstm":
        raise ValueError(f"c0 is only for lstm: {kind.name} has no cell state")
    s0 = np.concatenate([_state(value, name, n, torch, layer=bool(suffix)) for name, value in
                         (("h0", h0), ("c0", c0))[:len(kind.state)]])
    act = derive.activation(module.nonlinearity) if kind.takes_activation else None
    return CellCase(kind, act, params, s0, x, None if y is None else _state(y, "y", n, torch))


def _kind_of(module, torch):
    """(CellKind, parameter name suffix): "" for a cell, "_l0" for a one-layer module."""
    name = type(module).__name__
    for types, suffix in ((CELL_TYPES, ""), (LAYER_TYPES, "_l0")):
        for type_name, cell in types.items():
            if isinstance(module, getattr(torch.nn, type_name)):
                if suffix:
                    _one_layer(module, name)
                return derive.cell_kind(cell), suffix
    raise TypeError(f"case_from_torch takes nn.RNNCell, nn.LSTMCell, nn.GRUCell or a "
                    f"single-layer nn.RNN, nn.LSTM, nn.GRU; got {name}")


def _one_layer(module, name):
    if module.num_layers != 1:
        raise ValueError(f"{name} has num_layers = {module.num_layers}: a case is one cell; "
                         f"pass a single-layer module (or one layer's cell)")
    if module.bidirectional:
        raise ValueError(f"{name} is bidirectional: a case runs one direction")
    if getattr(module, "proj_size", 0):
        raise ValueError(f"{name} has proj_size = {module.proj_size}: projected LSTMs are "
                         "not a cell rnngrad knows")


def _float64(value, torch):
    if isinstance(value, torch.Tensor):
        return value.detach().to(device="cpu", dtype=torch.float64).numpy().copy()
    return np.array(value, dtype=float)


def _state(value, name, n, torch, layer=False):
    """The state (n,); a layer module's h0/c0 may also be (num_layers, n) = (1, n)."""
    if value is None:
        return np.zeros(n)
    array = _float64(value, torch)
    if layer and array.shape == (1, n):
        return array[0]
    if array.shape != (n,):
        shapes = f"(n,) = ({n},) or (1, n) = (1, {n})" if layer else f"(n,) = ({n},)"
        raise ValueError(f"{name} must have shape {shapes}, got {array.shape}")
    return array
