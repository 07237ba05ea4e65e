"""The mpmath check: h, every J_k, ∂h_T/∂h_0 and ∂L/∂W_hh against the oracle at 50 digits.

Complex step and mpmath allow for what float64 cannot know about φ'(a) (``numeric.conditioning``:
near a zero of φ', in gelu's tail): quantities it cannot resolve to the tolerance are not
judged; the oracle takes φ' on the float a_k's side of a kink.  The states h are judged to the
rounding of a_k = W_hh h_{k−1} + W_xh x_k + b_h (``numeric.componentwise``), the product of T
factors to its own rounding where that exceeds the tolerance (``numeric.error_model``: it grows
with T), compared relative in mpmath at any size, above or below float64's range.
"""

import mpmath as mp
import numpy as np

from numeric import componentwise as cw
from numeric import conditioning, rnn
from numeric import differences as fd
from numeric import error_model as em
from numeric.bridge import activation_functions
from numeric.check_horizon import widened
from numeric.check_progress import quiet
from numeric.diagnosis import diagnosis_text, phi_prime_diagnosis
from numeric.oracle import mp_reference
from numeric.verdicts import Verdict

TOLERANCE = 1e-12
TINY = fd.TINY
LOW = TINY / float(np.finfo(float).eps)  # φ' computed from a factor below TINY loses digits


def check_mpmath(case, rtol=None, dps=50, reference=None, horizon=None, tick=quiet):
    """h, every J_k, ∂h_T/∂h_0 and ∂L/∂W_hh against the mpmath oracle at ``dps`` digits
    (``reference``: that oracle, when the caller has computed it already; ``horizon``: the
    ``CaseHorizon`` whose separation widens every tolerance, the oracle following its own
    trajectory; ``tick``: progress, ``numeric.check_progress``).

    Quantities float64 cannot resolve to rtol (``numeric.conditioning``: built from a φ'(a)
    that rounding leaves uncertain beyond rtol; ∂L/∂W_hh also by BPTT's own rounding floor,
    ``numeric.componentwise.gradient_floor``, as where h_T − y cancels) are not judged unless
    their error exceeds that allowance too.  The states h are allowed B_h = max min(f_k, g_k):
    f_k the rounding of a_k = W_hh h_{k−1} + W_xh x_k + b_h carried through φ' and later steps
    (``numeric.componentwise.state_floor``; a ≈ 10⁵ is off by ε 10⁵ ≈ 2e-11, and so is h),
    g_k from the rounding of a_k that happened (``measured_state_floor``), said in the note
    where it decides.  Every entry is also compared componentwise
    (``numeric.componentwise``)."""
    tol = TOLERANCE if rtol is None else rtol
    path = case.trajectory()
    ref = mp_reference(case, dps, path.a) if reference is None else reference
    J = rnn.step_jacobians(case.activation, case.W_hh, path.a)
    product = rnn.jacobian_product(J)
    u = conditioning.uncertainty(case.activation, path.a, np.array(ref.shift))
    B_J, B_P, B_grad = conditioning.allowances(
        case, ref, u, conditioning.ill_conditioned(case.activation, path.a, u), path.h)
    with mp.workdps(dps):   # rows of J_k judged down to SUB (``cw.resolved``), or 0
        rows = cw.resolved(activation_functions(case.activation)[1](path.a), ref.D, u) | \
            np.array([[d == 0 for d in row] for row in ref.D]).reshape(path.a.shape)
    full = [bool(rows[k].all()) for k in range(case.T)]
    # h: the rounding of a_k = W_hh h_{k-1} + W_xh x_k + b_h carried through phi'
    dphi = activation_functions(case.activation)[1]
    floors = cw.state_floor(case, path, dphi)
    with mp.workdps(dps):   # the smaller of the model and of the rounding that happened
        B_h = float(np.max(np.minimum(floors, cw.measured_state_floor(case, path, ref.h, dphi))))
    quantities = [(path.h, mp.matrix([list(row) for row in ref.h]), B_h, LOW)]
    quantities += [(J[k], ref.J[k], B_J[k] + cw.UNIT, cw.SUB if full[k] else LOW)
                   for k in range(case.T)]
    if case.y is not None:
        grad = rnn.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                        case.y).W_hh
        # BPTT's own rounding (the residual h_T − y cancels where h_T ≈ y): its floor
        rounding = float(np.max(cw.gradient_floor(case, ref)))
        # built from resolved φ', normal h_k and W: what underflows in its sum is
        # an absolute 2^-1074 per term, far below rtol TINY
        quantities.append((grad, ref.grad_W_hh, B_grad + rounding,
                           TINY if all(full) else LOW))
        with mp.workdps(dps):
            rounded_off = rounding > tol * float(max(abs(e) for e in ref.grad_W_hh))
    verdict, (wide, note) = Verdict(tol), widened(horizon, tol)
    drift = em.phi_drift(case.activation, path.a, u)
    rounding_P = em.product_rounding(J, drift)
    notes = ["normwise per quantity; product compared in log-scaled form"]
    with mp.workdps(dps):
        underflow = _underflowed(J, ref.J, rows)
        for index, (value, exact, allowance, low) in enumerate(quantities):
            tick(index, len(quantities) + 1, f"quantity {index + 1:,} of {len(quantities):,}")
            if max(abs(e) for e in exact) >= low:  # else near float64's underflow
                error, scale = mp_normwise(mp.matrix(value.tolist()), exact)
                verdict.add(error, scale, allowance, wide)
                if index == 0 and max(error, allowance) > wide * scale:  # it decided
                    notes.append(em.state_rule(case.W_xh.shape, allowance))
        tick(len(quantities), len(quantities) + 1, "entry by entry")
        if not underflow:
            scaled = mp.matrix(product.mantissa.tolist()) * mp.ldexp(1, product.exponent)
            tol_P, floor_P = em.product_tolerance(wide, rtol is not None, rounding_P)
            args, absolute = em.mp_relative(scaled, ref.product, B_P, floor_P)
            verdict.add(*args, tol_P, **absolute)
        entries = cw.mpmath_entries(case, path, ref, J, product, u, (B_P, B_grad), tol,
                                    wide, rows, floors)
    diagnosis = diagnosis_text(phi_prime_diagnosis(
        activation_functions(case.activation)[1](path.a), ref.D))
    if diagnosis:
        notes.append(diagnosis + ("; quantities built from the entries below the underflow "
                                  "are not compared normwise" if underflow else ""))
    if case.y is not None and rounded_off:
        notes.append("dL/dW_hh is below BPTT's own rounding floor (the residual h_T - y "
                     "cancels): compared only against that floor")
    notes += [note] if note else []
    report = mpmath_report(verdict, notes, ref.same_side, ref.independent)
    if rtol is None and not underflow:
        report = em.with_product_tolerance(report, J, rounding_P, drift)
    return cw.with_componentwise(report, entries)


def mpmath_report(verdict, notes, same_side, independent):
    """The mpmath check's report, its notes completed: φ' taken at float arguments
    (``same_side`` of them), φ not from the oracle's own table (not ``independent``)."""
    if same_side:
        notes.append(f"{same_side} entries of phi' taken at the float a_k: a kink of phi' "
                     "lies within its rounding")
    if not independent:
        notes.append("custom activation: phi and phi' from SymPy's expressions (not independent)")
    return verdict.report("mpmath", None, notes, "near or below float64's underflow")


def _underflowed(J, exact_J, rows):
    """Entries of J_k whose exact value is nonzero but below LOW = TINY/ε, outside the
    ``rows`` float64 resolves (``numeric.componentwise.resolved``): the float one is 0,
    subnormal (gelu'(−38.5) w ≈ 2e-321), or built from a factor that was (gelu'(−37.7) ≈ 1e-307
    from exp(−711) ≈ 2e-309): no relative precision is left to compare."""
    return sum(int(exact_J[k][i, j] != 0 and abs(exact_J[k][i, j]) < LOW
                   and not (rows[k, i] and abs(exact_J[k][i, j]) >= cw.SUB))
               for k in range(len(J)) for i in range(J.shape[1]) for j in range(J.shape[2]))


def mp_normwise(value, exact):
    """(max |value − exact|, max |exact|) as floats."""
    return (float(max(abs(v - e) for v, e in zip(value, exact, strict=True))),
            float(max(abs(e) for e in exact)))
