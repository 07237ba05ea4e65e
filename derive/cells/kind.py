"""What a cell type is: its state, its parameters in PyTorch's layout, its linear channels and
its unit map.

A cell's step s_k = F(s_{k−1}, x_k) is, for every cell here, linear channels followed by a map
applied unit by unit.  A channel is a sum of blocks of the stacked parameters,

    L_j = W_ih[block] x_k + W_hh[block] h_{k−1} + b_ih[block] + b_hh[block]   (any of the terms),

and the unit map G takes, for unit i, the channel values L_{j,i}, the unit's own state entries
(h_i; for the LSTM also c_i) and per-unit parameters (IndRNN's u_i) to its new state entries.
From G SymPy derives every partial derivative; nothing else about a cell is typed by hand.
"""

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Parameter:
    """A stacked parameter: ``name`` (PyTorch's), ``columns`` ("m", "n" or 1) and one symbol
    base per row block (``bases``: the rows are len(bases)·n, blocks in PyTorch's gate order).
    ``init``: the (low, high) of its uniform default draw, or None for PyTorch's
    uniform(−1/√n, 1/√n)."""

    name: str
    columns: object
    bases: tuple
    init: tuple | None = None

    def shape(self, n, m):
        cols = {"m": m, "n": n, 1: 1}[self.columns]
        return (len(self.bases) * n, cols)


@dataclass(frozen=True)
class Channel:
    """L = Σ (block ``block`` of parameter ``name``) · ``by`` over ``terms`` (name, block, by),
    ``by`` one of "x" (the input), "h" (the previous hidden state) or None (a bias)."""

    symbol: sp.Symbol
    terms: tuple

    @property
    def recurrent(self):
        """The (parameter, block) that multiplies h, or None."""
        return next(((name, block) for name, block, by in self.terms if by == "h"), None)


@dataclass(frozen=True)
class CellKind:
    """A cell type: ``name``, ``title`` (for people), ``state`` (names of the state parts,
    each n long, stacked in this order), ``parameters``, ``channels``, ``unit_parameters``
    (parameters that enter G directly, one entry per unit), ``takes_activation`` (whether φ
    is the user's choice) and ``unit`` (symbols, φ) ↦ {state name: new value}: the unit map G
    in SymPy, with ``symbols`` a dict from channel, state and unit-parameter names to scalar
    symbols and φ the gate function of the chosen activation (None for gated cells).
    ``equations``: the step as people write it, for help texts and reports.
    ``recurrent_parameter``: the parameter a gain sweep scales (the recurrent weights).
    ``lesson``: (cell, T) ↦ derivation steps particular to this type (the LSTM's carousel), or
    None."""

    name: str
    title: str
    state: tuple
    parameters: tuple
    channels: tuple
    unit: object
    unit_parameters: tuple = ()
    takes_activation: bool = False
    equations: str = ""
    recurrent_parameter: str = "weight_hh"
    lesson: object = None

    def parameter(self, name):
        return next(p for p in self.parameters if p.name == name)

    def parameter_names(self):
        return tuple(p.name for p in self.parameters)


def unit_symbol(name):
    """The scalar symbol of a channel, state entry or unit parameter in the unit map."""
    return sp.Symbol(name, real=True)


def channel(name, *terms):
    """A ``Channel`` named ``name`` (its symbol) from (parameter, block, by) terms."""
    return Channel(unit_symbol(name), tuple(terms))


def gated(block, *, x=True, h=True, biases=("bias_ih", "bias_hh")):
    """The terms of the standard gate channel of ``block``: W_ih x + b_ih + W_hh h + b_hh."""
    terms = [("weight_ih", block, "x")] if x else []
    terms += [(biases[0], block, None)] if x and biases else []
    terms += [("weight_hh", block, "h"), (biases[1], block, None)] if h else []
    return tuple(terms)


def stacked(prefix, gates):
    """The four PyTorch parameters of a gated cell whose row blocks are ``gates`` (e.g. "ifgo"):
    weight_ih, weight_hh, bias_ih, bias_hh with symbol bases W_ii, W_hi, b_ii, b_hi, ..."""
    return (Parameter("weight_ih", "m", tuple(f"W_i{g}" for g in gates)),
            Parameter("weight_hh", "n", tuple(f"W_h{g}" for g in gates)),
            Parameter("bias_ih", 1, tuple(f"b_i{g}" for g in gates)),
            Parameter("bias_hh", 1, tuple(f"b_h{g}" for g in gates)))
