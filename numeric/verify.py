"""Derivative checks of the bridge's results: central, Richardson, complex step, mpmath.

Each check compares every step Jacobian J_k = D_k W_hh and, when the case has a target y, every
entry of ∂L/∂W_hh from BPTT, against an independent computation, and returns a ``CheckReport``.
Difference quotients are judged entry by entry against the quantity differenced (J_k, not the
whole product), with a rounding floor: entries a quotient cannot resolve are counted as
uninformative, not failed; on a kink of φ' one-sided quotients of the method's order are
compared instead.  Complex step and mpmath allow for what float64 cannot know about φ'(a)
(``numeric.conditioning``: near a zero of φ', in gelu's tail): quantities it cannot resolve
to the tolerance are not judged; the oracle takes φ' on the float a_k's side of a kink.
The mpmath check itself is ``numeric.mpmath_check``.

A check that resolves nothing (no entry a quotient resolves to the tolerance, complex step for
a non-analytic φ) is not performed: ``passed`` is None ("n/a") and the note says why.  Never a
pass for a check not performed; a check that ran fails when any comparison it made fails.
"""

import numpy as np

from numeric import componentwise as cw
from numeric import differences as fd
from numeric import error_model as em
from numeric import rnn
from numeric.bridge import activation_functions, kinks
from numeric.cell_case import CellCase
from numeric.check_horizon import case_horizon, not_compared, not_performed
from numeric.check_progress import Stages, quiet
from numeric.complex_step import TOLERANCE as COMPLEX_TOLERANCE
from numeric.complex_step import check_complex_step
from numeric.mpmath_check import TOLERANCE as MPMATH_TOLERANCE
from numeric.mpmath_check import check_mpmath
from numeric.oracle import mp_reference
from numeric.run_cost import stage_weights
from numeric.verdicts import Tally

TOLERANCES = {"central": 1e-7, "richardson": 1e-9, "complex_step": COMPLEX_TOLERANCE,
              "mpmath": MPMATH_TOLERANCE}
TINY = fd.TINY


def check_differences(case, method, rtol=None, beyond=None, tick=quiet):
    """Central or Richardson differences of every J_k column and every ∂L/∂W_hh entry
    (``beyond``: the reason the loss's quotients are not compared past the predictability
    horizon, ``numeric.check_horizon``; the J_k columns still are; ``tick(done, units, text)``:
    progress, ``numeric.check_progress``).

    Each entry of a column gets the largest step 2^-m s (m ≤ 20) at which ±2 · step moves its
    a_k,i across no kink of φ' (one entry next to a kink does not shrink its neighbours'
    steps); steps are powers of two, so h + t e is exact.  The rounding floor counts the
    rounding of a_k,i = Σ_j W_ij h_j + drive_i, which φ' carries into the quotient."""
    tol = TOLERANCES[method] if rtol is None else rtol
    path, tally, steps = case.trajectory(), Tally(), []
    J = rnn.step_jacobians(case.activation, case.W_hh, path.a)
    dphi = np.abs(activation_functions(case.activation)[1](path.a))
    points, n = kinks(case.activation), len(case.h0)
    units = case.T + (n * n if case.y is not None and beyond is None else 0)
    for k in range(1, case.T + 1):
        f, h, a = case.step_map(k), path.h[k - 1], path.a[k - 1]
        drive = case.W_xh @ case.x[k - 1] + case.b_h
        rounding = (n + 2) * dphi[k - 1] * (np.abs(case.W_hh) @ np.abs(h) + np.abs(drive))
        for j in range(n):
            column_weights = case.W_hh[:, j]
            scale = max(1.0, float(np.max(np.abs(column_weights))))  # a moves by W_ij · s
            s, near, s_kink = _kink_free_step(
                fd.exact_step(fd.step_size(method, h[j]) / scale),
                lambda t, a=a, w=column_weights: fd.near_kink(a, 2 * t * w, points))
            steps.append(float(np.max(s)))
            direction = np.eye(n)[j]
            column = lambda t, d=direction, f=f, h=h: f(h + t * d)  # noqa: E731
            _compare(tally, method, column, (s, s_kink), J[k - 1][:, j], near, tol,
                     rounding=rounding)
        tick(k, units, f"J_k {k:,} of {case.T:,}")
    if case.y is not None and beyond is None:
        _check_gradient(case, method, tol, tally, points, steps, lambda i: tick(
            case.T + i, units, f"dL/dW_hh entry {i + 1:,} of {n * n:,}"))
    report = tally.report(method, max(steps), tol)
    return report if case.y is None else not_compared(report, "dL/dW_hh", beyond)


def _check_gradient(case, method, tol, tally, points, steps, tick=None):
    grad = rnn.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                    case.y).W_hh
    loss, base = case.loss_of_weights(), case.W_hh
    a = case.pre_activations_of_weights(base)
    jumps = _jumps(case.activation, points)
    rounding = cw.loss_rounding(case)
    for (i, j), reference in np.ndenumerate(grad):
        if tick is not None:
            tick(i * grad.shape[1] + j)
        E = np.zeros_like(base)
        E[i, j] = 1.0

        def crossing(t, E=E):
            """Entries a_k,i that ±2t moves across a kink: a mask per kink of ``points``."""
            shifted = [case.pre_activations_of_weights(base + u * E) for u in (-2 * t, 2 * t)]
            return [np.any([np.sign(a - p) != np.sign(other - p) for other in shifted], axis=0)
                    for p in points]

        s, near, s_kink = _kink_free_step(fd.exact_step(fd.step_size(method, base[i, j])),
                                          lambda t, f=crossing: np.array([_any(f(t))]))
        steps.append(float(s[0]))
        ambiguous = near[0] and sum(int(np.sum(mask)) for mask, p in
                                    zip(crossing(s[0]), points, strict=True) if p in jumps) > 1
        tally.ambiguous += int(ambiguous)
        _compare(tally, method, lambda t, E=E: np.atleast_1d(loss(base + t * E)), (s, s_kink),
                 np.atleast_1d(reference), np.atleast_1d(near), tol, ambiguous, rounding)


def _any(masks):
    return any(bool(np.any(mask)) for mask in masks)


def _jumps(activation, points):
    """The kinks where φ' jumps (its one-sided limits differ); φ' is continuous at the others
    (softsign, elu with α = 1: only φ'' jumps), so one-sided quotients agree there."""
    _, dphi = activation_functions(activation)
    return {p for p in points
            if dphi(np.nextafter([p], np.inf))[0] != dphi(np.nextafter([p], -np.inf))[0]}


def _kink_free_step(s, crosses, halvings=20):
    """Per entry, halve the step until ±2 · step crosses no kink of φ' (``crosses(t)``: a mask
    over entries); what still crosses after ``halvings`` halvings sits on a kink and is
    compared by one-sided differences, at the first step (each side then lies clear of the
    kink; a step 2^20 times smaller would let the rounding of the argument swamp the
    quotient).  Returns (steps per entry, mask on a kink, one-sided step)."""
    near = np.asarray(crosses(s))
    steps = np.full(near.shape, s)
    for m in range(1, halvings + 1):
        if not near.any():
            break
        steps = np.where(near, s / 2**m, steps)
        near = near & np.asarray(crosses(s / 2**m))
    return steps, near, s


def _compare(tally, method, g, steps, reference, near, tol, ambiguous=False, rounding=0.0):
    """Compare the quotient at steps[0] (a step per entry; one-sided at steps[1] where
    ``near``) with reference.  ``rounding``: rounding of g's argument times |φ'|, per entry.

    ``ambiguous``: two or more pre-activations on kinks where φ' jumps move with the step, so
    neither one-sided quotient need equal the value at the kinks' convention: not judged."""
    s, s_kink = steps
    error, floor = np.zeros_like(reference), np.zeros_like(reference)
    for step in np.unique(s[~near]):
        estimate, magnitude, truncation = fd.quotient(method, g, step)
        at = (s == step) & ~near
        error = np.where(at, np.abs(estimate - reference), error)
        floor = np.where(at, fd.floor(method, magnitude + rounding, step)
                         + fd.EPS * np.abs(reference) + 2 * truncation, floor)
    if near.any():
        side_error, side_floor = _one_sided(method, g, s_kink, reference, rounding)
        error, floor = np.where(near, side_error, error), np.where(near, side_floor, floor)
        tally.kink += int(np.sum(near))
    if ambiguous:
        return
    tally.add(error, reference, tol, floor)


def _one_sided(method, g, s, reference, rounding=0.0):
    """Error and floor of the one-sided quotient (of the method's order) on the side that
    agrees better with ``reference``: on a kink either one-sided derivative is a derivative.
    The floor holds that side's rounding and twice its truncation estimate, so a quotient
    that cannot reach the tolerance there is uninformative, not failed."""
    forward, backward, big = fd.one_sided(method, g, s)
    floor = fd.floor(f"one_sided_{method}", big + rounding, s) + fd.EPS * np.abs(reference)
    (e_f, t_f), (e_b, t_b) = forward, backward
    errors = np.abs(e_f - reference), np.abs(e_b - reference)
    use_forward = errors[0] <= errors[1]
    return np.where(use_forward, *errors), floor + 2 * np.where(use_forward, t_f, t_b)


def run_checks(case, rtol=None, horizon=None, progress=None):
    """All four checks, keyed by method name; a report's ``passed`` is None when that check
    was not performed.  A ``numeric.CellCase`` goes to ``numeric.cell_checks``.  ``horizon``:
    the case's ``CaseHorizon`` (computed when None); beyond it the comparisons that recompute
    the whole forward pass are not judged, before it their tolerance is widened by the
    trajectory's separation (``numeric.check_horizon``).  ``rtol``: None (each method's
    default) or a finite number > 0; anything else is a ValueError naming rtol.
    ``progress``: None or ``progress(done, total, what)``, called between the checks and
    inside their loops over the steps (``numeric.check_progress``)."""
    rtol = em.checked_rtol(rtol)
    if isinstance(case, CellCase):
        from numeric.cell_checks import run_cell_checks

        return run_cell_checks(case, rtol, horizon, progress)
    horizon = horizon or case_horizon(case)
    beyond = horizon.beyond()
    if beyond is not None:
        stages = Stages(progress, ["central differences", "Richardson differences",
                                   "complex step"], stage_weights(len(case.h0), case.T))
        checks = {"central": check_differences(case, "central", rtol, beyond,
                                               stages.stage("central differences")),
                  "richardson": check_differences(case, "richardson", rtol, beyond,
                                                  stages.stage("Richardson differences")),
                  "complex_step": check_complex_step(case, rtol, beyond=beyond,
                                                     tick=stages.stage("complex step")),
                  "mpmath": not_performed("mpmath", TOLERANCES["mpmath"] if rtol is None
                                          else rtol, beyond)}
        stages.finish()
        return checks
    stages = Stages(progress, ["mpmath oracle", "central differences",
                               "Richardson differences", "complex step", "mpmath"],
                    stage_weights(len(case.h0), case.T))
    reference = mp_reference(case, 50, case.trajectory().a,   # shared by the last two
                             tick=stages.stage("mpmath oracle"))
    checks = {"central": check_differences(case, "central", rtol,
                                           tick=stages.stage("central differences")),
              "richardson": check_differences(case, "richardson", rtol,
                                              tick=stages.stage("Richardson differences")),
              "complex_step": check_complex_step(case, rtol, reference, horizon=horizon,
                                                 tick=stages.stage("complex step")),
              "mpmath": check_mpmath(case, rtol, reference=reference, horizon=horizon,
                                     tick=stages.stage("mpmath"))}
    stages.finish()
    return checks
