"""The symbolic RNN spec: a_k = W_hh h_{k-1} + W_xh x_k + b_h,  h_k = φ(a_k),  k = 1..T.

Any argument left None becomes real symbols (w_ij, u_ij, b_i, h_{0,i}, x_{k,j}; for a scalar
RNN w, u, b, h_0, x_k).  Given values become exact: ints and Fractions as they are, floats as
the Rational of their decimal repr (0.5 -> 1/2).  Shapes are validated on construction.

>>> RNN(hidden=1, activation="identity", W_hh=[[0.5]]).W_hh
Matrix([[1/2]])
"""

import sympy as sp

from derive._exact import exact_number
from derive.activations import Activation, activation


class RNN:
    """An immutable RNN spec: hidden size n, input size m, activation φ and parameters.

    A value: specs with equal fields are equal and hash alike (the unrolled expressions of
    ``derive.unrolled`` are cached by it); nothing is stored in a spec after construction.
    Attributes: ``hidden`` (n), ``inputs`` (m), ``activation`` (an Activation), ``W_hh`` (n, n),
    ``W_xh`` (n, m), ``b_h`` (n, 1), ``h0`` (n, 1): ImmutableMatrix; ``x``: a tuple of T input
    columns (m, 1), or None for symbolic inputs of any length; ``T``: len(x) or None.
    """

    __slots__ = ("hidden", "inputs", "activation", "W_hh", "W_xh", "b_h", "h0", "x", "T",
                 "_hash")

    def __init__(self, hidden, inputs=1, activation="tanh", W_hh=None, W_xh=None, b_h=None,
                 h0=None, x=None):
        n = _positive_int(hidden, "hidden")
        m = _positive_int(inputs, "inputs")
        set_ = object.__setattr__
        set_(self, "hidden", n)
        set_(self, "inputs", m)
        set_(self, "activation", _activation(activation))
        set_(self, "W_hh", _matrix(W_hh, "W_hh", n, n, _symbols("w", n, n)))
        set_(self, "W_xh", _matrix(W_xh, "W_xh", n, m, _symbols("u", n, m)))
        set_(self, "b_h", _matrix(b_h, "b_h", n, 1, _symbols("b", n, 1)))
        set_(self, "h0", _matrix(h0, "h0", n, 1, state_symbols(0, n)))
        set_(self, "x", None if x is None else _inputs(x, m))
        set_(self, "T", None if x is None else len(self.x))
        set_(self, "_hash", hash(self._fields()))  # of the fields above; part of the value

    def __setattr__(self, name, value):
        raise AttributeError(f"RNN is immutable; build a new one instead of setting {name}")

    def __delattr__(self, name):
        raise AttributeError(f"RNN is immutable; cannot delete {name}")

    def _fields(self):
        return (self.hidden, self.inputs, self.activation, self.W_hh, self.W_xh, self.b_h,
                self.h0, self.x)

    def __eq__(self, other):
        if not isinstance(other, RNN):
            return NotImplemented
        return self is other or (self._hash == other._hash
                                 and self._fields() == other._fields())

    def __hash__(self):
        return self._hash

    def __repr__(self):
        T = "" if self.T is None else f", T={self.T}"
        return (f"RNN(hidden={self.hidden}, inputs={self.inputs}, "
                f"activation={self.activation.name!r}{T})")

    def input_at(self, k):
        """x_k, (m, 1): the given values, or symbols x_k (m = 1) / x_{k,j}."""
        check_step(self, k, "k", lowest=1)
        if self.x is not None:
            return self.x[k - 1]
        return input_symbols(k, self.inputs)

    def parameters(self):
        """All free symbols of the spec (weights, bias, h_0, given inputs), sorted by name."""
        mats = [self.W_hh, self.W_xh, self.b_h, self.h0, *(self.x or ())]
        return sorted(set().union(*(m.free_symbols for m in mats)), key=lambda s: s.name)


def input_symbols(k, m):
    """x_k as a column of real symbols, (m, 1): x_k (m = 1) or x_{k,j}."""
    if m == 1:
        return sp.ImmutableMatrix([[sp.Symbol(f"x_{k}", real=True)]])
    return sp.ImmutableMatrix([[sp.Symbol(f"x_{k},{j}", real=True)] for j in range(1, m + 1)])


def state_symbols(k, n):
    """h_k as a column of real symbols, (n, 1): h_k (n = 1) or h_{k,i}."""
    if n == 1:
        return sp.ImmutableMatrix([[sp.Symbol(f"h_{k}", real=True)]])
    return sp.ImmutableMatrix([[sp.Symbol(f"h_{k},{i}", real=True)] for i in range(1, n + 1)])


def check_step(rnn, k, name, lowest=0):
    """Validate a time index: an int with lowest <= k (<= T when the inputs are given)."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"{name} must be an int, got {type(k).__name__} {k!r}")
    if k < lowest:
        raise ValueError(f"{name} must be >= {lowest}, got {k}")
    if rnn.T is not None and k > rnn.T:
        raise ValueError(f"{name} = {k} is past the last step T = {rnn.T} of the given inputs x")
    return k


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a positive int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def _activation(value):
    if isinstance(value, Activation):
        return value
    if isinstance(value, str):
        return activation(value)
    raise ValueError(f"activation must be a name or an Activation, got {type(value).__name__}")


def _symbols(base, rows, cols):
    if rows == 1 and cols == 1:
        return sp.ImmutableMatrix([[sp.Symbol(base, real=True)]])
    sep = "" if max(rows, cols) < 10 else ","

    def name(i, j):
        if cols == 1:
            return f"{base}_{i}"
        return f"{base}_{i}{sep}{j}"

    return sp.ImmutableMatrix(rows, cols, lambda i, j: sp.Symbol(name(i + 1, j + 1), real=True))


def _matrix(value, name, rows, cols, default):
    """``value`` as an exact (rows, cols) ImmutableMatrix; a flat list is a column vector and a
    bare number a 1×1 matrix."""
    if value is None:
        return default
    entries = _nested(value, name)
    if not isinstance(entries, list):
        if (rows, cols) != (1, 1):
            raise ValueError(f"{name} must have shape ({rows}, {cols}){_context(name, rows, cols)}"
                             f", got a scalar")
        entries = [[entries]]
    if cols == 1 and entries and all(not isinstance(e, list) for e in entries):
        entries = [[e] for e in entries]
    shape = _shape(entries)
    if shape != (rows, cols):
        raise ValueError(f"{name} must have shape ({rows}, {cols}){_context(name, rows, cols)}"
                         f", got {shape}")
    return sp.ImmutableMatrix([[exact_number(v, f"{name}[{i}][{j}]") for j, v in enumerate(row)]
                               for i, row in enumerate(entries)])


def _context(name, rows, cols):
    if name == "W_hh":
        return f" (square, hidden={rows})"
    if name == "W_xh":
        return f" (hidden={rows}, inputs={cols})"
    return f" (hidden={rows})"


def _inputs(value, m):
    entries = _nested(value, "x")
    if not isinstance(entries, list) or not entries:
        raise ValueError("x must be a non-empty list of T rows of m input values")
    rows = [row if isinstance(row, list) else [row] for row in entries]
    shape = _shape(rows)
    if shape is None or shape[1] != m:
        raise ValueError(f"x must be T rows of {m} value(s) (inputs={m}), got shape {shape}")
    return tuple(sp.ImmutableMatrix([[exact_number(v, f"x[{k}][{j}]")] for j, v in enumerate(r)])
                 for k, r in enumerate(rows))


def _nested(value, name):
    """Nested lists from lists, tuples, SymPy or NumPy matrices; scalars pass through."""
    if isinstance(value, sp.MatrixBase) or hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_nested(v, name) for v in value]
    return value


def _shape(entries):
    """(rows, cols) of a rectangular list of lists, or a description of what is wrong."""
    if not isinstance(entries, list):
        return "a scalar"
    if not entries:
        return (0,)
    if not all(isinstance(row, list) for row in entries):
        return (len(entries),)
    widths = {len(row) for row in entries}
    if len(widths) != 1 or any(isinstance(v, list) for row in entries for v in row):
        return f"ragged ({len(entries)} rows of lengths {sorted(widths)})"
    return (len(entries), widths.pop())
