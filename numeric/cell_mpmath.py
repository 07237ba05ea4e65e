"""The mpmath check of a cell against its independent oracle (``numeric.cell_oracle``), normwise
per quantity: the states s_0..s_T, every J_k, the product ∂s_T/∂s_0 (mantissa · 2^e against the
exact product), every parameter's gradient and ∂L/∂s_0; every J_k also entry by entry
(``numeric.componentwise``: an entry that vanishes spuriously fails).

The oracle takes J_k and the local partials at the float states (so that the derivatives are
not charged with the rounding of the forward pass); the states are compared with the exact
trajectory, allowing for how rounding grows along it: B_k = ‖J_k‖_∞ B_{k−1} + (S + m + 4) ε R_k
(R_k: the rounding magnitude of step k).  The product allows for the rounding of its matrix
products, (2S + 8) T ε max(|J_T| ⋯ |J_1|) (``numeric.error_model``: its tolerance by
default, a floor under --rtol).  Elman and
IndRNN: on a kink of φ' within the rounding of its argument, φ' is taken on the float
argument's side; a step whose φ'(a) float64 cannot know to rtol (``numeric.conditioning``) is
not judged, nor are the product and gradients then.  Each derivative also allows for the
rounding of the gate values it is built from: twice its change when the oracle rounds every
gate value and slope to float64 (``cell_reference(..., rounded=True)``); a quantity that rounding
moves by more than rtol is not judged (``numeric.verdicts.Verdict``).
"""

import mpmath as mp
import numpy as np

from numeric import cell_probe as probe
from numeric import cells
from numeric import componentwise as cw
from numeric import differences as fd
from numeric import error_model as em
from numeric.cell_complex import ill_conditioned_steps
from numeric.cell_differences import _rounding
from numeric.cell_oracle import cell_reference
from numeric.check_horizon import widened
from numeric.mpmath_check import LOW, mp_normwise, mpmath_report
from numeric.verdicts import Verdict
from numeric.verify import TOLERANCES


def check_cell_mpmath(case, rtol=None, dps=50, horizon=None):
    """The ``CheckReport`` of the mpmath oracle for a ``CellCase`` (``horizon``: the
    ``CaseHorizon`` whose separation widens the states' tolerance: the oracle recomputes
    them; J_k and the gradients are taken at the float states)."""
    tol = TOLERANCES["mpmath"] if rtol is None else rtol
    path = case.trajectory()
    states = np.array(path.states)
    hints = _hints(case, path)
    ref = cell_reference(case, dps, states, hints)
    near = cell_reference(case, dps, states, hints, rounded=True)
    J = cells.step_jacobians(case.kind, case.activation, case.params, path)
    product = cells.jacobian_product(case.kind, case.activation, case.params, path)
    shaky = ill_conditioned_steps(case, path)
    whole = np.inf if shaky else 0.0
    verdict, rounding_P = Verdict(tol), em.product_rounding(J)
    notes = ["normwise per quantity; product compared in log-scaled form; J_k and gradients "
             "at the float states"]
    with mp.workdps(dps):
        quantities = [(states, mp.matrix([list(s) for s in ref.states]),
                       _state_allowance(case, path, ref))]
        quantities += [(J[k], ref.J[k], (np.inf if k in shaky else 0.0) + _spread(
            ref.J[k], near.J[k])) for k in range(case.T)]
        if case.y is not None:
            grads = cells.bptt(case.kind, case.activation, case.params, case.s0, case.x, case.y)
            quantities += [(grads.params[name].reshape(ref.grads[name].rows, -1),
                            ref.grads[name], whole + _spread(ref.grads[name], near.grads[name]))
                           for name in case.kind.parameter_names()]
            quantities.append((grads.state0, ref.grad_s0,
                               whole + _spread(ref.grad_s0, near.grad_s0)))
        skipped, (wide, note) = 0, widened(horizon, tol)
        for i, (value, exact, allowance) in enumerate(quantities):
            if max(abs(e) for e in exact) >= LOW:
                verdict.add(*mp_normwise(mp.matrix(np.atleast_1d(value).tolist()), exact),
                            allowance, wide if i == 0 else tol)
            else:
                skipped += 1
        scaled = mp.matrix(product.mantissa.tolist()) * mp.ldexp(1, product.exponent)
        if max(abs(e) for e in ref.product) > 0:
            tol_P, floor_P = em.product_tolerance(tol, rtol is not None, rounding_P)
            args, absolute = em.mp_relative(scaled, ref.product, whole + _spread(
                ref.product, near.product), floor_P)
            verdict.add(*args, tol_P, **absolute)
        entries = _componentwise_J(case, J, ref, near, shaky, tol)
    if skipped:
        notes.append(f"{skipped} quantities near or below float64's underflow not compared")
    if note:
        notes.append(f"the states: {note}")
    report = mpmath_report(verdict, notes, ref.same_side, ref.independent)
    if rtol is None:
        report = em.with_product_tolerance(report, J, rounding_P)
    return cw.with_componentwise(report, entries)


def _componentwise_J(case, J, ref, near, shaky, tol):
    """Every entry of every J_k against the oracle (``numeric.componentwise.Entries``), its
    floor 2 · GATE_ULPS |J − J̃| entry by entry (J̃: the oracle with gate values and slopes
    rounded) plus 4ε |J|; a step whose φ'(a) float64 cannot know (``shaky``) not judged."""
    entries = cw.Entries(tol)
    for k in range(case.T):
        exact, rounded = cw.mp_floats(ref.J[k]), cw.mp_floats(near.J[k])
        floor = 2 * GATE_ULPS * np.abs(exact - rounded) + 4 * fd.EPS * np.abs(exact)
        entries.add(J[k], exact, floor + (np.inf if k in shaky else 0.0))
    return entries


#: ulps of error in a gate value or slope as NumPy computes it: its stable forms compose a few
#: correctly rounded or ≤ 1-ulp operations (σ from exp and log1p, sech² from two exps), while
#: the rounded oracle below samples one correct rounding (½ ulp)
GATE_ULPS = 4


def _spread(exact, rounded):
    """2 · GATE_ULPS · max |Q − Q̃|: Q̃ from the oracle with its gate values and slopes rounded
    to float64 (½ ulp each); GRU's σ'(z)(h − n) with h and n both −1.0 in float64 is 0 there,
    not 10⁻⁵³."""
    return 2 * GATE_ULPS * float(max(abs(a - b) for a, b in zip(exact, rounded, strict=True)))


def _hints(case, path):
    """(float argument, rounding bound) of every unit's φ at every step, or None (gated
    cells).  The bound is (S + m + 4) ε times the argument evaluated on absolute values (the
    arguments of elman and indrnn are sums of products: channel + u h)."""
    gates = probe.kinked_gates(case.kind, case.activation)
    if not gates or not case.activation.kinks:
        return None
    size = len(case.s0) + case.x.shape[1] + 4
    absolute = {name: np.abs(value) for name, value in case.params.items()}
    hints = []
    for k in range(case.T):
        value = probe.gate_arguments(case, case.params, path.channels[k], path.states[k])[0]
        magnitude = probe.magnitudes(case, case.params, path, k + 1)
        inputs = cells._unit_inputs(case.kind, absolute, case.hidden, magnitude,
                                    np.abs(path.states[k]))
        bound = np.abs(gates[0][0](*inputs)) * size * fd.EPS
        hints.append([(float(a), mp.mpf(float(b))) for a, b in
                      zip(np.broadcast_to(value, (case.hidden,)),
                          np.broadcast_to(bound, (case.hidden,)), strict=True)])
    return hints


def _state_allowance(case, path, ref):
    """max_k B_k with B_k = ‖J_k‖_∞ B_{k−1} + (S + m + 4) ε max R_k (float)."""
    B, worst = 0.0, 0.0
    for k in range(1, case.T + 1):
        norm = float(mp.mnorm(ref.J[k - 1], "inf"))
        B = norm * B + fd.EPS * float(np.max(_rounding(case, path, k), initial=0.0)) \
            + 4 * fd.EPS * float(np.max(np.abs(path.states[k])))
        worst = max(worst, B)
    return worst
