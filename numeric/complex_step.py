"""The complex-step check: Im F(x + i s e)/s is F'(x) e to rounding, with no cancellation,
for analytic φ; compared normwise with every J_k and with ∂L/∂W_hh from BPTT.

The step s is scaled (``complex_steps``) so that the imaginary part it puts into any
pre-activation stays below COMPLEX_STEP; where s F' (or the first imaginary part s puts into
a_k) would then leave float64's normal range, the step is raised for that quantity, up to
|Im a_k| ≤ 1/16, and extrapolated in s² (``numeric.complex_scaling``); quantities float64
cannot resolve to the tolerance (``numeric.conditioning``) are not judged, and a check that
compares nothing is n/a.
"""

import numpy as np

from numeric import complex_scaling as scaling
from numeric import componentwise as cw
from numeric import conditioning, rnn
from numeric import differences as fd
from numeric.bridge import complex_phi
from numeric.check_horizon import widened
from numeric.check_progress import quiet
from numeric.oracle import mp_reference
from numeric.verdicts import CheckReport, Verdict

TOLERANCE = 1e-13
COMPLEX_STEP = 1e-30
TINY = fd.TINY


def check_complex_step(case, rtol=None, reference=None, beyond=None, horizon=None,
                       tick=quiet):
    """Complex step Im F(x + i s e)/s: exact to rounding, for analytic φ only.  ``reference``:
    the 50-digit oracle of the case when the caller has it already (``run_checks``);
    ``beyond``: the reason ∂L/∂W_hh is not compared past the predictability horizon;
    ``horizon``: the ``CaseHorizon`` whose separation widens ∂L/∂W_hh's tolerance (its
    reference recomputes the forward pass; each J_k's starts from the stored h_{k−1}).

    The step s is scaled (``complex_steps``) so that the imaginary part it puts into every
    pre-activation stays below COMPLEX_STEP, however large W_hh or the trajectory's gain: with
    s = 1e-30 and W_hh = 1e30, Im a would be 1 and the quotient meaningless.  A quantity Q
    for which s · max|Q| would fall below float64's normal range (where it keeps no relative
    precision: ∂L/∂W_hh ≈ 1e-301, sigmoid'(−700) ≈ 1e-304) gets a raised step instead
    (``numeric.complex_scaling.ladder``: Im F ≥ 2^10 TINY, |Im a_k| ≤ 1/16, Richardson in
    s², its error estimate added to the allowance); it is not compared when no step works
    (Q zero or subnormal) or when the complex evaluation overflows."""
    tol = TOLERANCE if rtol is None else rtol
    if not case.activation.analytic:
        return CheckReport("complex_step", None, None, None, tol, None, False,
                           "not performed: phi is not analytic (piecewise), complex step does "
                           "not apply")
    phi_c, path = complex_phi(case.activation), case.trajectory()
    J = rnn.step_jacobians(case.activation, case.W_hh, path.a)
    (s_J, cap_J), (s_W, cap_W) = complex_steps(case, path, J)
    quantities = []   # (quotient t ↦ Q(t), value compared, base step, cap, reach)
    for k in range(1, case.T + 1):
        f, h = case.step_map(k, phi=phi_c), path.h[k - 1]
        quantities.append((lambda t, f=f, h=h: f(h + 1j * t * np.eye(len(h))).imag.T / t,
                           J[k - 1], s_J, cap_J, float(np.max(np.abs(case.W_hh)))))
    gradient = case.y is not None and beyond is None
    if gradient:
        quotient, grad = _complex_gradient(case, phi_c)
        quantities.append((quotient, grad, s_W, cap_W, float(np.max(np.abs(path.h[:-1])))))
    allowance, u = _complex_allowance(case, path, reference)
    allowance = allowance[:len(quantities)]
    entries = cw.Entries(tol)   # every entry of every J_k against its own estimate
    verdict, (wide, note) = Verdict(tol), widened(horizon, tol)
    tols = [tol] * case.T + [wide] * (len(quantities) - case.T)
    notes = ["normwise per J_k" + (" and for dL/dW_hh" if gradient else "")]
    counts = {"small": 0, "overflow": 0, "unsettled": 0}
    raised = []
    for k, ((quotient, exact, base, cap, reach), b, t) in enumerate(
            zip(quantities, allowance, tols, strict=True), start=1):
        tick(k - 1, len(quantities), f"quantity {k:,} of {len(quantities):,}")
        steps = scaling.ladder(base, float(np.max(np.abs(exact))), cap, quotient, reach)
        if not steps:
            counts["small"] += 1
            continue
        with np.errstate(all="ignore"):
            values = [quotient(step) for step in steps]
        if not all(np.all(np.isfinite(v)) for v in values):
            counts["overflow"] += 1
            continue
        estimate, spread = scaling.extrapolate(values)
        raised += [steps[0]] if len(steps) > 1 else []
        if k <= case.T:
            entries.add(exact, *_entry_reference(estimate, steps[-1], spread, u[k - 1],
                                                 case.W_hh))
        counts["unsettled"] += not scaling.judge(verdict, estimate, exact, b, t, spread)
    used = min(s_J, s_W) if gradient else s_J
    if used < COMPLEX_STEP:
        notes.append(f"step scaled down to {used:.0e} so that Im a_k stays below "
                     f"{COMPLEX_STEP:.0e}")
    notes += scaling.scaling_notes(counts, raised)
    if case.y is not None and beyond is not None:
        notes.append(f"dL/dW_hh not compared: {beyond}")
    if gradient and note:
        notes.append(f"dL/dW_hh: {note}")
    report = verdict.report("complex_step", used, notes, "below the complex step's range")
    return cw.with_componentwise(report, entries)


def _entry_reference(estimate, step, spread, u, W):
    """(reference, floor) for the entries of one J_k = diag(φ'(a_k)) W_hh: the estimate where
    step |estimate| stayed a normal number (0 elsewhere: not judged), and the floor
    2 u_i |W_ij| + 4ε |estimate_ij| + 2 · spread (u: the conditioning of φ'(a_k,i), which the
    float φ' and the complex step each carry; spread: the extrapolation's error estimate)."""
    resolved = np.isfinite(estimate) & (np.abs(estimate) * step * fd.EPS >= TINY)
    reference = np.where(resolved, estimate, 0.0)
    return reference, 2 * u[:, None] * np.abs(W) + 4 * fd.EPS * np.abs(reference) + 2 * spread


def complex_steps(case, path, J):
    """((s_J, cap_J), (s_W, cap_W)): the base steps for the J_k columns and for the ∂L/∂W_hh
    entries, the largest ≤ COMPLEX_STEP that keep |Im a_k| ≤ COMPLEX_STEP, and the caps
    that keep |Im a_k| ≤ IM_CAP when a step is raised (``numeric.complex_scaling``).
    Perturbing h_{k-1} moves a_k by s W_hh e_j, so s_J = COMPLEX_STEP / max(1, max|W_hh|)
    and cap_J = IM_CAP / max|W_hh|; perturbing (W_hh)_ij moves a_k by s (h_{k-1})_j and
    carries it on through J_{k+1}, …, so s_W divides by max(1, max|h|) · Π_k max(1, ‖J_k‖₂)
    (in log2, no overflow), and so does cap_W.  s_W is 0 where no normal float is small
    enough.

    >>> import derive, numeric
    >>> case = numeric.case_from_dict({"activation": "tanh", "W_hh": [[1e30]],
    ...                                "W_xh": [[1.0]], "x": [[1.0]]})
    >>> path = case.trajectory()
    >>> (s_J, _), (s_W, _) = complex_steps(case, path, numeric.rnn.step_jacobians(
    ...     case.activation, case.W_hh, path.a))
    >>> f"{s_J:.3g}, {s_W:.3g}"      # 1e-30 / |W_hh|;  1e-30 / ‖J_1‖ = 1e-30 / (1e30 tanh'(1))
    '1e-60, 2.38e-60'
    """
    weight = float(np.max(np.abs(case.W_hh)))
    s_J = COMPLEX_STEP / max(1.0, weight)
    cap_J = scaling.IM_CAP / max(weight, TINY)
    gain = sum(np.log2(max(1.0, float(np.linalg.norm(J_k, 2)))) for J_k in J)
    gain += np.log2(max(1.0, float(np.max(np.abs(path.h)))))
    s_W = COMPLEX_STEP * 2.0 ** -float(gain) if gain < 900 else 0.0
    cap_W = scaling.IM_CAP * 2.0 ** -float(gain) if gain < 900 else 0.0
    return (s_J, cap_J), (s_W if s_W * fd.EPS > TINY else 0.0, cap_W)


def _complex_allowance(case, path, reference=None):
    """(twice the conditioning allowance of each J_k, and of ∂L/∂W_hh when the case has y; u):
    the float φ'(a) and the complex step's Im φ(a + is)/s both carry the uncertainty u of
    ``conditioning``.  Its φ'' can be inf · 0 or inf/inf far in a tail (sigmoid, silu beyond
    |a| ≈ 355): u is then nan, which ``ill_conditioned`` does not flag, and no warning."""
    with np.errstate(invalid="ignore", over="ignore"):
        u = conditioning.uncertainty(case.activation, path.a)
    entries = conditioning.ill_conditioned(case.activation, path.a, u)
    if not entries:
        return [0.0] * (case.T + (case.y is not None)), u
    reference = mp_reference(case, 50, path.a) if reference is None else reference
    B_J, _, B_grad = conditioning.allowances(case, reference, u, entries)
    return [2 * b for b in B_J] + ([] if B_grad is None else [2 * B_grad]), u


def _complex_gradient(case, phi_c):
    """(t ↦ complex-step quotient of ∂L/∂W_hh at step t, entry by entry; BPTT value)."""
    loss = case.loss_of_weights(phi=phi_c)
    grad = rnn.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                    case.y).W_hh

    def quotient(step):
        estimate = np.zeros_like(grad)
        for (i, j), _ in np.ndenumerate(grad):
            W = case.W_hh.astype(complex)
            W[i, j] += 1j * step
            estimate[i, j] = loss(W).imag / step
        return estimate

    return quotient, grad
