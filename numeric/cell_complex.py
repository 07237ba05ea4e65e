"""The complex-step check of a cell: Im F(s + i t e_j)/t against every column of J_k, and
Im L(θ + i t e_b)/t against every entry of ∂L/∂θ and ∂L/∂s_0 (complex G from
``numeric.cell_bridge.unit_functions(..., complex_values=True)``), normwise per quantity: each
J_k, each parameter's gradient, ∂L/∂s_0.  Not performed for a φ that is not analytic.

Steps are scaled as ``numeric.complex_step`` scales them: the imaginary part put into any
channel stays below COMPLEX_STEP (J: t = COMPLEX_STEP / max(1, largest weight on a state);
θ: t = COMPLEX_STEP · 2^−gain, gain = Σ_k log2 max(1, ‖J_k‖₂) + log2 max(1, |s|, |x|)).
Quantities built from a φ'(a) that float64 cannot know to rtol (``numeric.conditioning``:
near a zero of φ', deep in a tail) are not judged unless their error exceeds any allowance.
Nor are quantities whose Im float64 forms by cancellation: a complex step sums the imaginary
parts of every term a perturbation passes through (GRU: Im σ(z) h + Im σ(−z) n, with h ≈ n
both near ±1), so each quantity Q is allowed γ |Q|_abs, γ = (S + m + 4) ε, |Q|_abs the same
derivative with every term's absolute value summed (``cell_reference(..., magnitude=True)``).
"""

import numpy as np

from numeric import cell_probe as probe
from numeric import cells, conditioning
from numeric import differences as fd
from numeric.cell_oracle import cell_reference
from numeric.check_horizon import widened
from numeric.complex_step import COMPLEX_STEP
from numeric.complex_step import TOLERANCE as COMPLEX_TOLERANCE
from numeric.verdicts import CheckReport, Verdict

TINY = fd.TINY


def check_cell_complex_step(case, rtol=None, beyond=None, horizon=None):
    """The ``CheckReport`` of the complex step for a ``CellCase`` (``beyond``: the reason the
    gradients are not compared past the predictability horizon; ``horizon``: the
    ``CaseHorizon`` whose separation widens the gradients' tolerance)."""
    tol = COMPLEX_TOLERANCE if rtol is None else rtol
    if case.activation is not None and not case.activation.analytic:
        return CheckReport("complex_step", None, None, None, tol, None, False,
                           f"not performed: phi = {case.activation.name} is not analytic "
                           "(piecewise), complex step does not apply")
    path = case.trajectory()
    J = cells.step_jacobians(case.kind, case.activation, case.params, path)
    weight = max(1.0, *(float(np.max(np.abs(case.params[name])))
                        for name in _state_weights(case)))
    t_J = COMPLEX_STEP / weight
    S = len(case.s0)
    shaky = ill_conditioned_steps(case, path)
    size = _cancellation(case, path)
    gamma = (S + case.x.shape[1] + 4) * fd.EPS
    pairs = []
    for k in range(1, case.T + 1):
        moved = path.states[k - 1] + 1j * t_J * np.eye(S)
        with np.errstate(all="ignore"):
            estimate = probe.one_step(case, k, moved, complex_values=True).imag.T / t_J
        pairs.append((f"J_{k}", estimate, J[k - 1], t_J,
                      (np.inf if k - 1 in shaky else 0.0) + gamma * size[f"J_{k}"]))
    gradient = case.y is not None and beyond is None
    if gradient:
        pairs += [(*pair[:4], pair[4] + gamma * size[pair[0]])
                  for pair in _gradient_pairs(case, path, J, np.inf if shaky else 0.0)]
    verdict, (wide, note) = Verdict(tol), widened(horizon, tol)
    compared = [(e, r, b, tol if name.startswith("J_") else wide) for name, e, r, t, b in pairs
                if t > 0 and np.max(np.abs(r)) >= TINY / (t * fd.EPS)]
    overflowed = [item for item in compared if not np.all(np.isfinite(item[0]))]
    compared = [item for item in compared if np.all(np.isfinite(item[0]))]
    for estimate, exact, b, q_tol in compared:
        verdict.add(float(np.max(np.abs(estimate - exact))), float(np.max(np.abs(exact))), b,
                    q_tol)
    notes = ["normwise per J_k" + (", per parameter's gradient and for dL/ds_0"
                                   if gradient else "")]
    if len(compared) < len(pairs):
        notes.append(f"{len(pairs) - len(compared)} quantities not compared: t F' would fall "
                     "below float64's normal range (or no step keeps Im of the channels small)")
    if overflowed:
        notes.append(f"{len(overflowed)} quantities not compared: the complex evaluation "
                     "overflowed (non-finite), its real counterpart did not")
    used = min(t for _, _, _, t, _ in pairs)
    if case.y is not None and beyond is not None:
        notes.append(f"the gradients not compared: {beyond}")
    if gradient and note:
        notes.append(f"the gradients: {note}")
    return verdict.report("complex_step", used, notes, "below the complex step's range")


def _cancellation(case, path):
    """max |Q|_abs per quantity name (J_k, dL/dθ, dL/ds0): the oracle's derivatives at the
    float states with every term's absolute value summed (20 digits suffice for a bound)."""
    ref = cell_reference(case, 20, np.array(path.states), magnitude=True)
    size = {f"J_{k + 1}": float(max(J_k)) for k, J_k in enumerate(ref.J)}
    if case.y is not None:
        size.update({f"dL/d{name}": float(max(value)) for name, value in ref.grads.items()})
        size["dL/ds0"] = float(max(ref.grad_s0))
    return size


def _state_weights(case):
    """Parameters that multiply the state in a channel or in G (weight_hh, u)."""
    names = {ch.recurrent[0] for ch in case.kind.channels if ch.recurrent}
    return sorted(names | set(case.kind.unit_parameters))


def ill_conditioned_steps(case, path):
    """Steps k (0-based) where some φ'(a) of a kinked or user φ is uncertain beyond
    ``conditioning.THETA`` relative (elman, indrnn; gated cells' σ', tanh' never are)."""
    if case.activation is None:
        return set()
    gates = probe.gate_arguments_all(case, path)
    steps = set()
    for k, arg in enumerate(gates):
        with np.errstate(invalid="ignore", over="ignore"):   # φ'' = inf · 0 far in a tail
            u = conditioning.uncertainty(case.activation, arg)
        u = np.where(np.isnan(u), np.inf, u)
        if conditioning.ill_conditioned(case.activation, arg, u):
            steps.add(k)
    return steps


def _gradient_pairs(case, path, J, allowance):
    """(name, estimate, BPTT value, step, allowance) per parameter and for s_0."""
    theta, names = probe.flat(case)
    gain = sum(np.log2(max(1.0, float(np.linalg.norm(J_k, 2)))) for J_k in J)
    gain += np.log2(max(1.0, float(np.max(np.abs(path.states))), float(np.max(np.abs(case.x)))))
    t = COMPLEX_STEP * 2.0 ** -float(gain) if gain < 900 else 0.0
    t = t if t * fd.EPS > TINY else 0.0
    estimate = np.zeros(len(theta))
    if t > 0:
        moved = theta.astype(complex) + 1j * t * np.eye(len(theta))
        with np.errstate(all="ignore"):
            estimate = probe.losses(case, probe.batch_path(case, moved, True)[0]).imag / t
    grads = cells.bptt(case.kind, case.activation, case.params, case.s0, case.x, case.y)
    params, s0 = probe.unflat(case, estimate)
    pairs = [(f"dL/d{name}", params[name], grads.params[name], t, allowance)
             for name in case.kind.parameter_names()]
    return pairs + [("dL/ds0", s0, grads.state0, t, allowance)]
