"""What a probe compares: the case as a cell, each supplied name's quantity and shape, and the
random directions it is probed along (seeded per name, so a wrong quantity is named).

Names are canonical (``numeric.supplied_names`` resolves a user's keys): the case's own
parameter names (a legacy ``Case``: W_hh, W_xh, b_h; a ``CellCase``: PyTorch's), row blocks
"<param>_<gate>" (weight_ih_f: the f rows of weight_ih), grad_h0, grad_c0, loss, delta ((T, n),
or (T, S) for [∂L/∂h_k; ∂L/∂c_k]), jacobian_product ((S, S): ∂s_T/∂s_0) and step_jacobians
((T, S, S)).
"""

import zlib
from dataclasses import dataclass, field

import numpy as np

import derive
from numeric.backward import LEGACY, elman_params
from numeric.rounding import unit_roundoff as numpy_unit_roundoff


@dataclass(frozen=True)
class CellView:
    """A case seen as a cell: kind, activation, params (PyTorch names), s0, x, y ((n,) or
    (T, n)) and ``own``: the case's parameter names → the cell's."""

    kind: object
    act: object
    params: dict = field(hash=False)
    s0: np.ndarray = field(hash=False)
    x: np.ndarray = field(hash=False)
    y: np.ndarray = field(hash=False)
    own: dict = field(hash=False)

    @property
    def n(self):
        return len(self.s0) // len(self.kind.state)

    @property
    def S(self):
        return len(self.s0)

    @property
    def T(self):
        return len(self.x)

    @property
    def width(self):
        """The longest inner product of one step: a channel row over x and h (m + n), or a row
        of the stacked W_hhᵀ in the reverse pass (blocks·n)."""
        blocks = max(len(p.bases) for p in self.kind.parameters)
        return self.x.shape[1] + blocks * self.n


def as_cell(case, need_target=True):
    """A ``CellView`` of a ``numeric.Case`` (the Elman cell with bias_hh = 0) or a
    ``numeric.CellCase``; ValueError without a target y (when ``need_target``)."""
    if case.y is None and need_target:
        raise ValueError("checking a gradient needs the case's target y (the loss is "
                         "½‖h_T − y‖²): add \"y\" to the case")
    if hasattr(case, "kind"):
        own = {name: name for name in case.kind.parameter_names()}
        return CellView(case.kind, case.activation, case.params, case.s0, case.x, case.y, own)
    return CellView(derive.cell_kind("elman"), case.activation, elman_params(case), case.h0,
                    case.x, case.y, dict(LEGACY))


@dataclass(frozen=True)
class Target:
    """One supplied name: ``what`` ("param", "state0", "loss", "delta", "jacobian_product",
    "step_jacobians"), the cell parameter and its rows (param), the state part (state0) and
    the expected shape."""

    name: str
    what: str
    shape: tuple
    param: str | None = None
    rows: slice | None = None
    part: int | None = None


def targets(view):
    """Every accepted name → its ``Target``."""
    n, S, T = view.n, view.S, view.T
    out = {}
    for own, cell in view.own.items():
        p = view.kind.parameter(cell)
        shape = view.params[cell].shape
        out[own] = Target(own, "param", shape, cell, slice(None))
        if len(p.bases) > 1:
            for i, base in enumerate(p.bases):
                out[f"{own}_{base[-1]}"] = Target(f"{own}_{base[-1]}", "param",
                                                  (n, *shape[1:]), cell,
                                                  slice(i * n, (i + 1) * n))
    for i, part in enumerate(view.kind.state):
        out[f"grad_{part}0"] = Target(f"grad_{part}0", "state0", (n,), part=i)
    out["loss"] = Target("loss", "loss", ())
    out["delta"] = Target("delta", "delta", (T, n))
    out["jacobian_product"] = Target("jacobian_product", "jacobian_product", (S, S))
    out["step_jacobians"] = Target("step_jacobians", "step_jacobians", (T, S, S))
    return out


def resolve(view, supplied):
    """[(Target, float64 array)] for the supplied names; ValueError for an unknown name, a
    wrong shape or a non-finite entry."""
    known = targets(view)
    out = []
    for name in sorted(supplied):
        if name not in known:
            raise ValueError(f"unknown quantity {name!r}; this case takes: "
                             f"{', '.join(known)}")
        target, value = known[name], np.asarray(supplied[name], dtype=float)
        shape = target.shape
        if name == "delta" and value.shape == (view.T, view.S):
            shape = value.shape
        if name == "loss" and value.size == 1:
            value = value.reshape(())
        if value.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} has non-finite entries")
        out.append((Target(name, target.what, shape, target.param, target.rows, target.part),
                    value))
    return out


def generator(name, seed):
    """The directions of one name: its own stream, whatever else is supplied."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def unit_roundoff(dtype):
    """u of the dtype the supplied values were computed in: ``numeric.rounding.unit_roundoff``
    (float64 2^-53, float32 2^-24, float16 2^-11), and bfloat16 2^-8, which NumPy has no
    dtype for."""
    return 2.0**-8 if str(dtype) == "bfloat16" else numpy_unit_roundoff(dtype)
