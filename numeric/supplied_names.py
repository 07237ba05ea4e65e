"""The names a supplied gradient may carry, resolved to canonical names of a case, with the
expected shape and layout of each; bad input answered with one clear line.

Canonical names (n hidden units, m inputs, T steps, S = n · number of state parts):

- parameters under the case's own names: a legacy ``Case`` W_hh (n, n), W_xh (n, m), b_h (n,)
  (PyTorch's weight_hh, weight_ih, bias_ih accepted; bias_hh is its own quantity, equal to
  ∂L/∂b_h, since b_h = b_ih + b_hh); a ``CellCase`` PyTorch's names (elman also W_hh, W_xh, b_h);
- row blocks of stacked gated parameters, "<param>_<gate>": weight_ih_f = the n rows of gate f
  of the LSTM (gates i, f, g, o), weight_hh_z of the GRU (r, z, n);
- grad_h0 (n,) = ∂L/∂h_0, grad_c0 (n,) = ∂L/∂c_0 (LSTM), loss () = L;
- jacobian_product (S, S) = ∂s_T/∂s_0, step_jacobians (T, S, S) = J_k, k = 1..T;
- delta (T, n): row k−1 is ∂L/∂h_k; delta_state (T, S) = [∂L/∂h_k; ∂L/∂c_k] for the LSTM
  (a supplied "delta" of shape (T, 2n) resolves to it).

Every parameter gradient and block also takes a ``grad_`` prefix (``rnngrad check --json``
prints grad_W_hh).
"""

import numpy as np

from numeric.case import Case

LEGACY = {"W_hh": "W_hh", "W_xh": "W_xh", "b_h": "b_h", "weight_hh": "W_hh",
          "weight_ih": "W_xh", "bias_ih": "b_h", "bias_hh": "bias_hh"}
ELMAN_OLD = {"W_hh": "weight_hh", "W_xh": "weight_ih", "b_h": "bias_ih"}
DTYPES = ("float64", "float32", "float16")
STATE_QUANTITIES = ("jacobian_product", "step_jacobians", "delta", "delta_state")
NOT_GRADIENTS = ("loss", *STATE_QUANTITIES)


def sizes(case):
    """(n, m, T, S) of a ``Case`` or ``CellCase``."""
    if isinstance(case, Case):
        n = case.W_hh.shape[0]
        return n, case.W_xh.shape[1], case.T, n
    n = case.hidden
    return n, case.x.shape[1], case.T, n * len(case.kind.state)


def expected(case):
    """canonical name → (shape, dims text, meaning) for every quantity the case accepts."""
    n, m, T, S = sizes(case)
    state = "in state order [h; c]" if S != n else "over the hidden state"
    out = {}
    if isinstance(case, Case):
        out.update({"W_hh": ((n, n), "(n, n)", "∂L/∂W_hh"), "W_xh": ((n, m), "(n, m)", "∂L/∂W_xh"),
                    "b_h": ((n,), "(n,)", "∂L/∂b_h"),
                    "bias_hh": ((n,), "(n,)", "PyTorch's bias_hh, whose gradient is ∂L/∂b_h")})
    else:
        for p in case.kind.parameters:
            rows, cols = p.shape(n, m)
            shape = (rows,) if p.columns == 1 else (rows, cols)
            out[p.name] = (shape, _dims(p, len(p.bases)), _layout(p))
            if len(p.bases) > 1:
                for gate in gates(p):
                    block = (n,) if p.columns == 1 else (n, cols)
                    out[f"{p.name}_{gate}"] = (block, _dims(p, 1),
                                               f"the rows of gate {gate} of {p.name}")
    out["grad_h0"] = ((n,), "(n,)", "∂L/∂h_0")
    if S != n:
        out["grad_c0"] = ((n,), "(n,)", "∂L/∂c_0")
    out["loss"] = ((), "a number", "the loss L")
    out["jacobian_product"] = ((S, S), "(S, S)", f"∂s_T/∂s_0 {state}")
    out["step_jacobians"] = ((T, S, S), "(T, S, S)",
                             f"J_k = ∂s_k/∂s_(k−1) {state}, k = 1..T")
    out["delta"] = ((T, n), "(T, n)", "row k−1 is ∂L/∂h_k, k = 1..T"
                    + (" (or (T, 2n) = (T, S), rows [∂L/∂h_k; ∂L/∂c_k])" if S != n else ""))
    if S != n:
        out["delta_state"] = ((T, S), "(T, 2n)", "row k−1 is [∂L/∂h_k; ∂L/∂c_k], k = 1..T")
    return out


def gates(parameter):
    """The gate letters of a stacked parameter's row blocks (the bases' last letters)."""
    return tuple(base[-1] for base in parameter.bases)


def block_rows(case, name):
    """(parameter, rows) of the block name "<param>_<g>" of a cell case: the rows
    i·n..(i + 1)·n of the parameter, i the position of gate g."""
    base, gate = name.rsplit("_", 1)
    n, index = sizes(case)[0], gates(case.kind.parameter(base)).index(gate)
    return base, slice(index * n, (index + 1) * n)


def _dims(parameter, blocks):
    rows = f"{blocks}n" if blocks > 1 else "n"
    cols = {"m": ", m", "n": ", n", 1: ","}[parameter.columns]
    return f"({rows}{cols})"


def _layout(parameter):
    if len(parameter.bases) > 1:
        return f"row blocks {', '.join(gates(parameter))} as in PyTorch"
    return f"PyTorch's {parameter.name}"


def aliases(case):
    """accepted key → canonical name (``grad_`` prefixes included)."""
    canonical = {name: name for name in expected(case)}
    if isinstance(case, Case):
        canonical.update(LEGACY)
    elif case.kind.name == "elman":
        canonical.update(ELMAN_OLD)
    out = dict(canonical)
    out.update({f"grad_{key}": value for key, value in canonical.items()
                if not key.startswith("grad_") and key not in NOT_GRADIENTS})
    return out


def resolve(case, supplied, dtype=None):
    """(dict canonical name → float64 array, dtype name) from the user's mapping; ValueError
    (one line) for an empty mapping, a case without y, unknown or repeated names, values that
    are not numbers, wrong shapes and NaN/inf entries.

    >>> import derive
    >>> case = Case(derive.activation("tanh"), np.eye(2), np.ones((2, 1)), np.zeros(2),
    ...             np.zeros(2), np.ones((3, 1)), np.zeros(2))
    >>> values, dtype = resolve(case, {"grad_weight_hh": np.zeros((2, 2), np.float32)})
    >>> list(values), dtype
    (['W_hh'], 'float32')
    """
    if not hasattr(supplied, "items"):
        raise ValueError(f"supplied gradients must be a mapping name → array, got "
                         f"{type(supplied).__name__}")
    if not supplied:
        raise ValueError("no supplied gradients: give at least one of "
                         + ", ".join(expected(case)))
    if case.y is None:
        raise ValueError("supplied gradients need the case's target y")
    names, shapes, out, found, keys = aliases(case), expected(case), {}, [], {}
    n, S = sizes(case)[0], sizes(case)[3]
    for key, raw in supplied.items():
        if key not in names:
            listed = [name for name in names if name in shapes or not name.startswith("grad_")]
            raise ValueError(f"unknown name {key!r} for this {_title(case)}; accepted names: "
                             + ", ".join(listed) + " (gradients also with a grad_ prefix)")
        value, kind = _array(key, raw)
        canonical = names[key]
        if canonical == "delta" and S != n and value.shape == shapes["delta_state"][0]:
            canonical = "delta_state"
        if canonical in out:
            raise ValueError(f"{keys[canonical]!r} and {key!r} both name {canonical} of this "
                             f"{_title(case)}; give it once")
        keys[canonical] = key
        shape, dims, meaning = shapes[canonical]
        if value.shape != shape:
            label = key if key in (canonical, f"grad_{canonical}") else f"{key} ({canonical})"
            raise ValueError(_shape_error(case, label, shape, dims, meaning, value.shape))
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{key} has NaN or infinite entries")
        out[canonical] = value.astype(np.float64)
        found.extend(kind)
    return out, _dtype(dtype, found)


def _title(case):
    return "case (no \"cell\" key)" if isinstance(case, Case) else f"{case.kind.name} case"


def _array(key, raw):
    """(float64-ready ndarray, [float dtype names of array inputs]); lists/numbers: float64."""
    if hasattr(raw, "detach"):  # a torch tensor
        raw = raw.detach().cpu()
    try:
        value = np.asarray(raw)
    except (TypeError, ValueError, RuntimeError):
        value = np.asarray(None)
    if value.dtype.kind not in "fiu":  # bools, strings, objects, complex: not gradients
        raise ValueError(f"{key} must be numbers (an array or nested lists of floats), got "
                         f"{type(raw).__name__}" + (f" of {value.dtype}" if value.ndim else ""))
    array_input = hasattr(raw, "dtype") and value.dtype.kind == "f"
    return value, [value.dtype.name] if array_input else []


def _dtype(dtype, found):
    """The precision to judge in: ``dtype`` if given, else the least precise floating dtype
    of the supplied arrays (lists, numbers and JSON count as float64)."""
    if dtype is not None:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = str(dtype)
        if name not in DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        return name
    present = [name for name in DTYPES if name in found]
    if set(found) - set(DTYPES):
        raise ValueError(f"supplied arrays of dtype {sorted(set(found) - set(DTYPES))[0]}: "
                         f"give float64, float32 or float16 arrays, or pass dtype=")
    return present[-1] if present else "float64"


def _shape_error(case, key, shape, dims, meaning, got):
    """"weight_hh must be (4n, n) = (8, 2): row blocks i, f, g, o as in PyTorch (n = 2,
    m = 3, T = 5), got (6, 2)"."""
    n, m, T, S = sizes(case)
    values = f"n = {n}, m = {m}, T = {T}" + (f", S = {S}" if S != n else "")
    if shape == ():
        return f"{key} must be a single number ({meaning}), got shape {tuple(got)}"
    return f"{key} must be {dims} = {shape}: {meaning} ({values}), got {tuple(got)}"
