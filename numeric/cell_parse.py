"""A cell case file: ``{"cell": "lstm", "weight_ih": ..., "x": ...}`` → ``numeric.CellCase``.

Keys (PyTorch's names and shapes; n hidden units, m inputs, T steps):
elman, lstm, gru: weight_ih (blocks·n, m), weight_hh (blocks·n, n), bias_ih, bias_hh
(blocks·n, default zeros), blocks = 1, 4 (i, f, g, o), 3 (r, z, n); elman also
``nonlinearity`` ("tanh" | "relu", as nn.RNNCell) or ``activation`` (+ ``alpha``), default tanh;
indrnn: weight_ih (n, m), bias (n, default zeros), u (n), ``activation`` (default tanh);
every cell: h0 (n, default zeros), c0 (lstm only, n, default zeros), x (T, m), y (n).
n is read from the recurrent parameter (weight_hh's columns, IndRNN's u), m from weight_ih's
columns, so a wrong shape is blamed on the key that has it.
"""

import numpy as np

from numeric.case_values import activation as parse_activation
from numeric.case_values import array
from numeric.cell_case import CellCase, shape_message

COMMON = ("cell", "x", "y")
OLD_NAMES = {"W_hh": "weight_hh", "W_xh": "weight_ih", "b_h": "bias_ih"}
STATE_TITLES = {"h": "hidden state", "c": "cell state"}
NONLINEARITIES = ("tanh", "relu")


def cell_case_keys(kind):
    """The keys a case of cell type ``kind`` accepts, in the order the help lists them."""
    act = ()
    if kind.takes_activation:
        act = ("nonlinearity", "activation", "alpha") if kind.name == "elman" else \
            ("activation", "alpha")
    return ("cell", *kind.parameter_names(), *act, *(f"{p}0" for p in kind.state), "x", "y")


def required_keys(kind):
    """Weights and unit parameters (IndRNN's u) are required; biases and states default to 0."""
    return ("cell", *(p.name for p in kind.parameters
                      if p.columns != 1 or p.name in kind.unit_parameters), "x")


def cell_key_hint(key):
    """For the format without "cell": a hint when ``key`` is a cell case's key, else ""."""
    import derive

    kinds = [derive.cell_kind(name) for name in derive.cell_names()]
    if any(key in cell_case_keys(kind) for kind in kinds):
        return (f" ({key} is a key of cell cases: add \"cell\": one of "
                f"{', '.join(derive.cell_names())})")
    return ""


def cell_case_from_dict(data):
    """A ``CellCase`` from a parsed cell case file; ValueError (one line) naming what is wrong."""
    import derive

    kind = derive.cell_kind(data["cell"])
    for key in data:
        if key not in cell_case_keys(kind):
            raise ValueError(_foreign_key(key, kind, derive))
    missing = [key for key in required_keys(kind) if key not in data]
    if missing:
        raise ValueError(f"missing key {missing[0]!r} for cell {kind.name} (required: "
                         f"{', '.join(required_keys(kind))})")
    act = _cell_activation(data, kind, derive)
    n, m = _sizes(data, kind)
    if data["x"] == []:
        raise ValueError("x must have at least one row (T >= 1)")
    x = array(data["x"], "x", 2)
    if x.shape[1] != m:
        raise ValueError(f"x must be (T, m) with m = {m} (weight_ih's columns), got shape "
                         f"{x.shape}")
    params = {p.name: _parameter(data, kind, p, n, m) for p in kind.parameters}
    s0 = np.concatenate([_vector(data, f"{part}0", n) for part in kind.state])
    y = None if data.get("y") is None else _vector(data, "y", n, "h_T's target")
    return CellCase(kind, act, params, s0, x, y)


def _sizes(data, kind):
    """(n, m): n from weight_hh's columns, or without one (IndRNN) from weight_ih's rows over
    its row blocks, so that a wrong-length u is blamed on u; m from weight_ih's columns."""
    recurrent = next((p for p in kind.parameters if p.columns == "n"), None)
    weight_ih = array(data["weight_ih"], "weight_ih", 2)
    if recurrent is not None:
        n = array(data[recurrent.name], recurrent.name, 2).shape[1]
    else:
        blocks = len(next(p for p in kind.parameters if p.name == "weight_ih").bases)
        n = weight_ih.shape[0] // blocks
    return n, weight_ih.shape[1]


def _parameter(data, kind, p, n, m):
    rows, cols = p.shape(n, m)
    expected = (rows,) if p.columns == 1 else (rows, cols)
    value = array(data[p.name], p.name, None) if p.name in data else np.zeros(expected)
    if value.shape != expected:
        raise ValueError(shape_message(kind, p, expected, n, value.shape))
    return value


def _vector(data, key, n, meaning=None):
    if key not in data:
        return np.zeros(n)
    value = array(data[key], key, None)
    if value.shape != (n,):
        what = meaning or STATE_TITLES.get(key[:-1], key)
        raise ValueError(f"{key} must be n = {n} numbers ({what}), got shape {value.shape}")
    return value


def _cell_activation(data, kind, derive):
    """φ of elman (``nonlinearity`` as nn.RNNCell, or ``activation``; default tanh) and indrnn
    (``activation``, default tanh); None for the gated cells."""
    if not kind.takes_activation:
        return None
    if "nonlinearity" in data and "activation" in data:
        raise ValueError("give nonlinearity or activation, not both")
    if "alpha" in data and "activation" not in data:
        raise ValueError("alpha goes with activation (leaky_relu or elu), not with "
                         "nonlinearity")
    if "nonlinearity" in data:
        name = data["nonlinearity"]
        if name not in NONLINEARITIES:
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu' (as nn.RNNCell), got "
                             f"{name!r}"[:200] + "; for another phi use activation")
        return derive.activation(name)
    if "activation" in data:
        return parse_activation(data, derive)
    return derive.activation("tanh")


def _foreign_key(key, kind, derive):
    """The message for a key that ``kind``'s cases do not take: whose key it is."""
    name = kind.name
    if key in OLD_NAMES:
        return (f"{key!r} is a key of the format without \"cell\"; cell {name} takes "
                f"{', '.join(kind.parameter_names())} (PyTorch's names)")
    owners = [other for other in derive.cell_names()
              if key in cell_case_keys(derive.cell_kind(other))]
    if key.endswith("0") and key[:-1] in STATE_TITLES and owners:
        title = STATE_TITLES[key[:-1]]
        return f"{key} is only for {_listing(owners)}: {name} has no {title}"
    if key in ("nonlinearity", "activation", "alpha") and owners:
        fixed = f"{name}'s gates are fixed (sigmoid, tanh)" if not kind.takes_activation \
            else f"{name} takes activation"
        return f"{key} is only for {_listing(owners, 'and')}: {fixed}"
    if owners:
        return (f"{key!r} is a parameter of {_listing(owners, 'and')}, not of {name} ({name} "
                f"takes {', '.join(kind.parameter_names())})")
    return (f"unknown key {key!r} for cell {name}; expected keys: "
            f"{', '.join(cell_case_keys(kind))}")


def _listing(names, last="or"):
    """"a", "a or b", "a, b or c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"
