"""Cells: one file per cell type, registered here.

A cell is data plus a step map s_k = F(s_{k−1}, x_k) (``derive.cells.cell``); its Jacobian,
products and gradients are derived from F.  Parameters follow PyTorch's layout and gate order.

>>> cell("lstm", hidden=1).state_size
2
"""

from derive.cells import elman, gru, indrnn, lstm
from derive.cells.cell import Cell, make_cell, state_symbols, step_map, unit_map, unit_partials
from derive.cells.gates import explicit, gate, is_gate

CELLS = {module.KIND.name: module.KIND for module in (elman, lstm, gru, indrnn)}


def cell_names():
    """The registered cell types, in registration order."""
    return tuple(CELLS)


def cell_kind(name):
    """The CellKind registered as ``name``; ValueError naming the known ones otherwise."""
    if not isinstance(name, str) or name not in CELLS:
        raise ValueError(f"unknown cell {name!r}; expected one of: {', '.join(CELLS)}")
    return CELLS[name]


def cell(name, hidden, inputs=1, activation=None, state0=None, x=None, **parameters):
    """A cell of type ``name`` with n = ``hidden``, m = ``inputs``; parameters by PyTorch's
    names (None or absent: symbols), ``activation`` for elman and indrnn (default tanh),
    ``state0`` = s_0 in state order ([h_0; c_0] for the LSTM), ``x`` the T inputs."""
    return make_cell(cell_kind(name), hidden, inputs, activation, parameters, state0, x)


__all__ = ["CELLS", "Cell", "cell", "cell_kind", "cell_names", "explicit", "gate", "is_gate",
           "state_symbols", "step_map", "unit_map", "unit_partials"]
