"""The independent oracle of every cell: its step written from the cell's equations in mpmath.

Each cell's step s_k = F(s_{k−1}, x_k) is typed here once, from the equations PyTorch documents
(never from derive's SymPy unit map nor ``numeric.cell_bridge``; an oracle must not share the
code it checks):

    elman   h' = φ(W_ih x + b_ih + W_hh h + b_hh)
    lstm    i, f, o = σ(W_i· x + b_i· + W_h· h + b_h·), g = tanh(…)  (row blocks i, f, g, o)
            c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c'),  s = [h; c]
    gru     r, z = σ(…) (blocks r, z, n),  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
            h' = (1 − z) ⊙ n + z ⊙ h
    indrnn  h' = φ(W_ih x + bias + u ⊙ h)

over forward-mode dual numbers (value + sparse tangent), so that one evaluation of a step gives
∂s_k/∂s_{k−1} and ∂s_k/∂θ; the product ∂s_T/∂s_0 and ∂L/∂θ, ∂L/∂s_0 of L = ½‖h_T − y‖²
(backward through those local Jacobians) follow from the equations alone.  σ, tanh and their
derivatives are mpmath's; φ, φ' come from ``numeric.oracle.ORACLES``.  A registered cell without
an entry in ``CELL_ORACLES`` is an error (``MissingOracle``).
"""

from dataclasses import dataclass

import mpmath as mp

from numeric.cell_duals import Dual, Magnitude, dot, lift
from numeric.oracle import MissingOracle, mp_activation


def _sigmoid(z):
    return 1 / (1 + mp.exp(-z))


class Gates:
    """The gate functions on duals: σ, tanh and, per unit i, φ (``phi(i)``); ``rounded``:
    their values and slopes rounded to float64."""

    def __init__(self, phi=None, rounded=False):
        self.sigma = lift(_sigmoid, lambda z: _sigmoid(z) * _sigmoid(-z), rounded=rounded)
        self.tanh = lift(mp.tanh, lambda z: mp.sech(z) ** 2, rounded=rounded)
        self.phi = phi


def _gate(p, block, n, i, x, h):
    """W_ih[r] x + b_ih[r] + W_hh[r] h + b_hh[r] for row r = block · n + i."""
    r = block * n + i
    return dot(p["weight_ih"][r], x) + p["bias_ih"][r] + dot(p["weight_hh"][r], h) \
        + p["bias_hh"][r]


def elman(p, s, x, gates):
    return [gates.phi(i)(_gate(p, 0, len(s), i, x, s)) for i in range(len(s))]


def lstm(p, s, x, gates):
    n = len(s) // 2
    h, c, hs, cs = s[:n], s[n:], [], []
    for i in range(n):
        i_g, f_g = gates.sigma(_gate(p, 0, n, i, x, h)), gates.sigma(_gate(p, 1, n, i, x, h))
        g_g, o_g = gates.tanh(_gate(p, 2, n, i, x, h)), gates.sigma(_gate(p, 3, n, i, x, h))
        c_new = f_g * c[i] + i_g * g_g
        hs.append(o_g * gates.tanh(c_new))
        cs.append(c_new)
    return hs + cs


def gru(p, s, x, gates):
    n, out = len(s), []
    for i in range(n):
        r, z = gates.sigma(_gate(p, 0, n, i, x, s)), gates.sigma(_gate(p, 1, n, i, x, s))
        row = 2 * n + i
        inner = dot(p["weight_ih"][row], x) + p["bias_ih"][row] \
            + r * (dot(p["weight_hh"][row], s) + p["bias_hh"][row])
        out.append((1 - z) * gates.tanh(inner) + z * s[i])
    return out


def indrnn(p, s, x, gates):
    return [gates.phi(i)(dot(p["weight_ih"][i], x) + p["bias"][i] + p["u"][i] * s[i])
            for i in range(len(s))]


CELL_ORACLES = {"elman": elman, "lstm": lstm, "gru": gru, "indrnn": indrnn}


def cell_oracle(name):
    """The oracle step of the registered cell ``name``; MissingOracle if it has none."""
    if name not in CELL_ORACLES:
        raise MissingOracle(f"no independent mpmath oracle for the registered cell {name!r}: "
                            "add its step to numeric.cell_oracle.CELL_ORACLES")
    return CELL_ORACLES[name]


@dataclass(frozen=True)
class CellReference:
    """The exact states s_0..s_T (lists of mpf), J_1..J_T and P = J_T ⋯ J_1 (mp matrices),
    ∂L/∂θ (name → mp matrix, vectors as columns; None without y), ∂L/∂s_0 (mp column or
    None), ``independent`` (φ from the oracle's own table) and ``same_side`` (how many φ'
    were taken at the float argument, a kink lying within its rounding)."""

    states: list
    J: list
    product: object
    grads: dict | None
    grad_s0: object
    independent: bool = True
    same_side: int = 0


def cell_reference(case, dps=50, states=None, hints=None, rounded=False, magnitude=False):
    """The oracle of a ``numeric.CellCase`` at ``dps`` digits (floats converted exactly).

    ``states``: the float trajectory; when given, J_k and the local partials of step k are
    taken at the float s_{k−1} (and L's residual at the float h_T), so that rounding float64
    cannot avoid in the states is not charged to the derivatives: the states themselves are
    compared with the exact ones.  ``hints[k][i]``: (float argument, rounding bound) of unit
    i's φ at step k + 1 (elman, indrnn): where a kink of φ' lies between it and the exact
    argument, within the bound, φ' is taken at the float one (its side of the kink).
    ``rounded``: every gate value and slope of the derivative pass rounded to float64 (the
    states stay exact): how far the rounding of those values alone moves each quantity.
    ``magnitude``: the derivative pass in ``Magnitude`` arithmetic (and |h_T − y| for g_T):
    J_k, ∂L/∂θ, ∂L/∂s_0 with every term's absolute value summed (nonnegative)."""
    seed = Magnitude if magnitude else Dual
    step = cell_oracle(case.kind.name)
    phi, dphi, independent = (None, None, True) if case.activation is None \
        else mp_activation(case.activation)
    kinks = [] if case.activation is None else [mp.mpf(float(p)) for p in case.activation.kinks]
    with mp.workdps(dps):
        plain = {name: _mp_values(value) for name, value in case.params.items()}
        xs = [[mp.mpf(float(v)) for v in row] for row in case.x]
        exact = [[mp.mpf(float(v)) for v in case.s0]]
        for k, x_k in enumerate(xs):
            unit = Gates(_phi(phi, dphi, kinks, hints, k, [0]))
            exact.append([d.v for d in step(plain, [Dual(v) for v in exact[-1]], x_k, unit)])
        base = exact if states is None else [[mp.mpf(float(v)) for v in s] for s in states]
        J, local, same = [], [], [0]
        seeded = {name: _mp_values(value, name, seed) for name, value in case.params.items()}
        for k, x_k in enumerate(xs):
            s = [seed(v, {("s", j): mp.mpf(1)}) for j, v in enumerate(base[k])]
            out = step(seeded, s, x_k, Gates(_phi(phi, dphi, kinks, hints, k, same, rounded),
                                             rounded))
            J.append(mp.matrix([[o.d.get(("s", j), 0) for j in range(len(s))] for o in out]))
            local.append([{key: t for key, t in o.d.items() if key[0] != "s"} for o in out])
        product = mp.eye(len(case.s0))
        for J_k in J:
            product = J_k * product
        grads, grad_s0 = (None, None) if case.y is None else _backward(case, base, J, local,
                                                                   magnitude)
        return CellReference(exact, J, product, grads, grad_s0, independent, same[0])


def _mp_values(value, name=None, seed=Dual):
    """Nested lists of mpf (``name`` given: ``seed`` duals with key (name, *index))."""
    def convert(item, index):
        if isinstance(item, list):
            return [convert(v, (*index, i)) for i, v in enumerate(item)]
        v = mp.mpf(float(item))
        return v if name is None else seed(v, {(name, *index): mp.mpf(1)})
    return convert(value.tolist(), ())


def _phi(phi, dphi, kinks, hints, k, same, rounded=False):
    """unit i ↦ φ on duals at step k + 1, φ' on the float argument's side of a kink within
    its rounding bound (counted in ``same[0]``)."""
    def at_unit(i):
        if phi is None:
            return None
        hint = None if hints is None else hints[k][i]

        def apply(z):
            at = None
            if hint is not None:
                value, bound = mp.mpf(float(hint[0])), hint[1]
                if value != z.v and abs(value - z.v) <= bound and any(
                        (z.v - p) * (value - p) <= 0 for p in kinks):
                    at = value
                    same[0] += 1
            return lift(phi, dphi, at, rounded)(z)
        return apply
    return at_unit


def _backward(case, base, J, local,
                                                                   magnitude):
    """∂L/∂θ and ∂L/∂s_0 of L = ½‖h_T − y‖² from the local partials, last step first:
    ∂L/∂θ += g_kᵀ ∂s_k/∂θ, g_{k−1} = J_kᵀ g_k, g_T = [h_T − y; 0]."""
    n, S = len(case.y), len(case.s0)
    g = [base[-1][i] - mp.mpf(float(case.y[i])) for i in range(n)] + [mp.mpf(0)] * (S - n)
    g = [abs(v) for v in g] if magnitude else g
    sums = {}
    for k in range(len(J) - 1, -1, -1):
        for a, partials in enumerate(local[k]):
            for key, t in partials.items():
                sums[key] = sums.get(key, 0) + g[a] * t
        g = [sum((J[k][a, j] * g[a] for a in range(S)), mp.mpf(0)) for j in range(S)]
    grads = {}
    for name, value in case.params.items():
        rows, cols = value.shape[0], (value.shape[1] if value.ndim == 2 else 1)
        grads[name] = mp.matrix([[sums.get((name, r, c) if value.ndim == 2 else (name, r), 0)
                                  for c in range(cols)] for r in range(rows)])
    return grads, mp.matrix(g)
