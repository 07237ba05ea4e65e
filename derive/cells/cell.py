"""A concrete or symbolic cell: a cell type plus sizes, parameters, φ and inputs (frozen data),
and its step map s_k = F(s_{k−1}, x_k) built from the type's channels and unit map.

The step Jacobian ∂s_k/∂s_{k−1} is *derived* from F (``Matrix.jacobian``), never typed in.
Parameters are exact (0.1 → 1/10) or symbols named after PyTorch's documentation (W_if for the
forget gate's input weights, b_hf for its recurrent bias; entries W_if,12 when n, m > 1).
"""

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from derive.activations import Activation, activation
from derive.cells.gates import gate
from derive.cells.kind import unit_symbol
from derive.rnn import input_symbols


@dataclass(frozen=True)
class Cell:
    """A cell: ``kind`` (a CellKind), ``hidden`` n, ``inputs`` m, ``activation`` (an
    Activation, or None for gated cells), ``parameters`` ((name, ImmutableMatrix) pairs in the
    kind's order and PyTorch's shapes; vectors as columns), ``state0`` (s_0, (S, 1)) and ``x``
    (a tuple of T input columns, or None for symbolic inputs x_k of any length)."""

    kind: object
    hidden: int
    inputs: int
    activation: Activation | None
    parameters: tuple
    state0: sp.ImmutableMatrix
    x: tuple | None = None

    def parameter(self, name):
        """The parameter ``name`` as an ImmutableMatrix (PyTorch's shape; vectors (r, 1))."""
        for key, value in self.parameters:
            if key == name:
                return value
        raise KeyError(f"{self.kind.name} has no parameter {name!r}; it has "
                       f"{', '.join(self.kind.parameter_names())}")

    def block(self, name, index):
        """Row block ``index`` (n rows) of a stacked parameter: the gate's own matrix."""
        n = self.hidden
        return self.parameter(name)[index * n:(index + 1) * n, :]

    @property
    def state_size(self):
        return len(self.kind.state) * self.hidden

    @property
    def T(self):
        return None if self.x is None else len(self.x)

    def input_at(self, k):
        """x_k, (m, 1): the given values or symbols x_k / x_{k,j}."""
        if self.x is not None:
            if not 1 <= k <= len(self.x):
                raise ValueError(f"k = {k} is outside the given inputs 1..{len(self.x)}")
            return self.x[k - 1]
        return input_symbols(k, self.inputs)

    def __repr__(self):
        act = "" if self.activation is None else f", activation={self.activation.name!r}"
        return f"Cell({self.kind.name!r}, hidden={self.hidden}, inputs={self.inputs}{act})"


def state_symbols(cell, k):
    """s_k as a column of symbols in the state order, (S, 1): h_k, c_k (n = 1) or h_{k,i}."""
    n = cell.hidden
    names = [f"{part}_{k}" if n == 1 else f"{part}_{k},{i}"
             for part in cell.kind.state for i in range(1, n + 1)]
    return sp.ImmutableMatrix([[sp.Symbol(name, real=True)] for name in names])


@lru_cache(maxsize=64)
def unit_map(kind, act):
    """G for this kind and activation: (outputs, inputs) with ``outputs`` a tuple of SymPy
    expressions (the new state entries, in state order) and ``inputs`` the tuple of symbols
    they depend on: channels, then own state entries, then unit parameters."""
    names = ([c.symbol.name for c in kind.channels] + list(kind.state)
             + list(kind.unit_parameters))
    symbols = {name: unit_symbol(name) for name in names}
    phi = None if act is None else gate(act)
    new = kind.unit(symbols, phi)
    return tuple(new[part] for part in kind.state), tuple(symbols[name] for name in names)


@lru_cache(maxsize=64)
def unit_partials(kind, act):
    """∂G_a/∂v for every output a (state order) and every input v of ``unit_map``: a tuple of
    rows, derived by SymPy."""
    outputs, inputs = unit_map(kind, act)
    return tuple(tuple(sp.diff(out, v) for v in inputs) for out in outputs)


def channel_values(cell, h, x):
    """Every channel L_j as an (n, 1) column, for hidden state h and input x."""
    values = []
    for ch in cell.kind.channels:
        total = sp.zeros(cell.hidden, 1)
        for name, block, by in ch.terms:
            B = cell.block(name, block)
            total += B * (x if by == "x" else h) if by else B
        values.append(sp.ImmutableMatrix(total))
    return values


def step_map(cell, s, x):
    """F(s, x): the new state (S, 1) from state s (S, 1) and input x (m, 1)."""
    n = cell.hidden
    outputs, inputs = unit_map(cell.kind, cell.activation)
    parts = [s[p * n:(p + 1) * n, :] for p in range(len(cell.kind.state))]
    channels = channel_values(cell, parts[0], x)
    unit_params = [cell.parameter(name) for name in cell.kind.unit_parameters]
    rows = []
    for out in outputs:
        for i in range(n):
            values = ([L[i] for L in channels] + [part[i] for part in parts]
                      + [p[i] for p in unit_params])
            rows.append(out.xreplace(dict(zip(inputs, values, strict=True))))
    return sp.ImmutableMatrix(rows)


def make_cell(kind, hidden, inputs=1, act=None, parameters=None, state0=None, x=None):
    """Validate and build a ``Cell`` (parameters: dict name → nested lists or None)."""
    from derive.rnn import _inputs, _matrix, _positive_int

    n, m = _positive_int(hidden, "hidden"), _positive_int(inputs, "inputs")
    parameters = dict(parameters or {})
    unknown = sorted(set(parameters) - set(kind.parameter_names()))
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a parameter of the {kind.name} cell; it has "
                         f"{', '.join(kind.parameter_names())}")
    if kind.takes_activation:
        act = activation(act or "tanh") if not isinstance(act, Activation) else act
    elif act is not None:
        raise ValueError(f"the {kind.name} cell has fixed gates (σ, tanh); it takes no "
                         f"activation, got {act!r}")
    values = tuple((p.name, _matrix(parameters.get(p.name), p.name, *p.shape(n, m),
                                    _parameter_symbols(p, n, m)))
                   for p in kind.parameters)
    S = len(kind.state) * n
    bare = Cell(kind, n, m, act, values, sp.ImmutableMatrix.zeros(S, 1))
    s0 = _matrix(state0, "state0", S, 1, state_symbols(bare, 0))
    return Cell(kind, n, m, act, values, s0, None if x is None else _inputs(x, m))


def _parameter_symbols(parameter, n, m):
    """Symbols for a stacked parameter: per block, base (n = cols = 1) or base_{ij}."""
    rows, cols = parameter.shape(n, m)
    blocks = []
    for base in parameter.bases:
        def name(i, j, base=base):
            if n == 1 and cols == 1:
                return base
            return f"{base},{i + 1}" if cols == 1 else f"{base},{i + 1}{j + 1}"
        blocks.append(sp.Matrix(n, cols, lambda i, j, name=name: sp.Symbol(name(i, j), real=True)))
    return sp.ImmutableMatrix(sp.Matrix.vstack(*blocks))
