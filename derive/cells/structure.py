"""The structured step Jacobian of a cell in index notation, derived from its unit map G:

    ∂s'_{a,i}/∂h_j = Σ_ch (∂G_a/∂L_ch)_i (W_h,ch)_{ij} + δ_ij (∂G_a/∂h)_i
    ∂s'_{a,i}/∂c_j = δ_ij (∂G_a/∂c)_i

for any n at once: the unit symbols (z_f, c, ...) stand for unit i's entries at step k.
Each block is a SymPy expression (KroneckerDelta, IndexedBase weights), so that the report
and the derivation print it from SymPy, never from typed TeX.

>>> from derive.cells import CELLS
>>> structured_jacobian(CELLS["lstm"], None)[("c", "c")]
KroneckerDelta(i, j)*sigmoid(z_f)
"""

from functools import lru_cache

import sympy as sp

from derive.cells.cell import unit_map, unit_partials

ROW, COL = sp.symbols("i j", integer=True, positive=True)


def weight_entry(parameter, base):
    """(W_{h·})_{ij}: an entry of the row block ``base`` of ``parameter`` (index notation)."""
    return sp.IndexedBase(base)[ROW, COL]


@lru_cache(maxsize=64)
def structured_jacobian(kind, act):
    """{(new part, old part): ∂s'_{a,i}/∂s_{b,j}} for every pair of state parts."""
    _, inputs = unit_map(kind, act)
    partials = unit_partials(kind, act)
    nch = len(kind.channels)
    blocks = {}
    for a, new in enumerate(kind.state):
        d = partials[a]
        for b, old in enumerate(kind.state):
            total = d[nch + b] * sp.KroneckerDelta(ROW, COL)
            if b == 0:
                for j, ch in enumerate(kind.channels):
                    if ch.recurrent:
                        name, block = ch.recurrent
                        base = kind.parameter(name).bases[block]
                        total = d[j] * weight_entry(name, base) + total
            blocks[(new, old)] = total
    return blocks

