"""The complex-step check of a cell: Im F(s + i t e_j)/t against every column of J_k, and
Im L(θ + i t e_b)/t against every entry of ∂L/∂θ and ∂L/∂s_0 (complex G from
``numeric.cell_bridge.unit_functions(..., complex_values=True)``), normwise per quantity: each
J_k, each parameter's gradient, ∂L/∂s_0.  Not performed for a φ that is not analytic.

Steps are scaled as ``numeric.complex_step`` scales them: the imaginary part put into any
channel stays below COMPLEX_STEP (J: t = COMPLEX_STEP / max(1, largest weight on a state);
θ: t = COMPLEX_STEP · 2^−gain, gain = Σ_k log2 max(1, ‖J_k‖₂) + log2 max(1, |s|, |x|)), and
raised per quantity where t F' would leave float64's normal range
(``numeric.complex_scaling``: up to |Im| ≤ 1/16 in any channel, extrapolated in t²; one
batched pass per rung of the ladders).
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
from numeric import complex_scaling as scaling
from numeric import differences as fd
from numeric.cell_oracle import cell_reference
from numeric.check_horizon import widened
from numeric.complex_step import COMPLEX_STEP
from numeric.complex_step import TOLERANCE as COMPLEX_TOLERANCE
from numeric.verdicts import CheckReport, Verdict

TINY = fd.TINY


def check_cell_complex_step(case, rtol=None, beyond=None, horizon=None, tick=None):
    """The ``CheckReport`` of the complex step for a ``CellCase`` (``beyond``: the reason the
    gradients are not compared past the predictability horizon; ``horizon``: the
    ``CaseHorizon`` whose separation widens the gradients' tolerance; ``tick(done, units,
    text)``: progress, ``numeric.check_progress``)."""
    tol = COMPLEX_TOLERANCE if rtol is None else rtol
    if case.activation is not None and not case.activation.analytic:
        return CheckReport("complex_step", None, None, None, tol, None, False,
                           f"not performed: phi = {case.activation.name} is not analytic "
                           "(piecewise), complex step does not apply")
    path = case.trajectory()
    J = cells.step_jacobians(case.kind, case.activation, case.params, path)
    weight = max(0.0, *(float(np.max(np.abs(case.params[name])))
                        for name in _state_weights(case)))
    # s_{k−1} moves the channels by t W and enters G itself (LSTM's c): t ≤ IM_CAP / max(1, W)
    t_J, cap_J = COMPLEX_STEP / max(1.0, weight), scaling.IM_CAP / max(1.0, weight)
    S = len(case.s0)
    shaky = ill_conditioned_steps(case, path)
    size = _cancellation(case, path)
    gamma = (S + case.x.shape[1] + 4) * fd.EPS
    quantities = []   # (name, values at the ladder's steps, value compared, allowance)
    for k in range(1, case.T + 1):
        steps = scaling.ladder(t_J, float(np.max(np.abs(J[k - 1]))), cap_J,
                               lambda t, k=k: _column_quotient(case, k, path.states[k - 1], t)[0],
                               weight)
        values = [_column_quotient(case, k, path.states[k - 1], t) for t in steps]
        quantities.append((f"J_{k}", values, J[k - 1],
                           (np.inf if k - 1 in shaky else 0.0) + gamma * size[f"J_{k}"]))
        if tick is not None:
            tick(k, case.T + 1, f"J_k {k:,} of {case.T:,}")
    gradient = case.y is not None and beyond is None
    if gradient:
        quantities += [(*q[:3], q[3] + gamma * size[q[0]])
                       for q in _gradient_quantities(case, J, np.inf if shaky else 0.0)]
    verdict, (wide, note) = Verdict(tol), widened(horizon, tol)
    counts, raised = {"small": 0, "overflow": 0, "unsettled": 0}, []
    for name, values, exact, b in quantities:
        if not values:
            counts["small"] += 1
        elif not all(np.all(np.isfinite(v)) for v, _ in values):
            counts["overflow"] += 1
        else:
            estimate, spread = scaling.extrapolate([v for v, _ in values])
            raised += [values[0][1]] if len(values) > 1 else []
            q_tol = tol if name.startswith("J_") else wide
            counts["unsettled"] += not scaling.judge(verdict, estimate, exact, b, q_tol, spread)
    notes = ["normwise per J_k" + (", per parameter's gradient and for dL/ds_0"
                                   if gradient else "")]
    notes += scaling.scaling_notes(counts, raised, "Im of the channels")
    used = min([t_J] + ([_gradient_step(case, J)[0]] if gradient else []))
    if case.y is not None and beyond is not None:
        notes.append(f"the gradients not compared: {beyond}")
    if gradient and note:
        notes.append(f"the gradients: {note}")
    return verdict.report("complex_step", used, notes, "below the complex step's range")


def _column_quotient(case, k, state, t):
    """(Im F_k(s + i t e_j)/t for every column j, t)."""
    moved = state + 1j * t * np.eye(len(state))
    with np.errstate(all="ignore"):
        return probe.one_step(case, k, moved, complex_values=True).imag.T / t, t


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


def _gradient_step(case, J):
    """(base step, cap) for the parameters and s_0: a perturbation of θ_b moves the channels
    by t max(1, |s|, |x|) and is carried on through J_{k+1}, …: both divide by 2^gain."""
    path = case.trajectory()
    gain = sum(np.log2(max(1.0, float(np.linalg.norm(J_k, 2)))) for J_k in J)
    gain += np.log2(max(1.0, float(np.max(np.abs(path.states))), float(np.max(np.abs(case.x)))))
    if gain >= 900:
        return 0.0, 0.0
    t = COMPLEX_STEP * 2.0 ** -float(gain)
    return (t if t * fd.EPS > TINY else 0.0), scaling.IM_CAP * 2.0 ** -float(gain)


def _gradient_quantities(case, J, allowance):
    """(name, values at the ladder's steps, BPTT value, allowance) per parameter and for s_0;
    one batched forward pass per rung of the ladders, each row θ_b at its quantity's step."""
    theta, _ = probe.flat(case)
    base, cap = _gradient_step(case, J)
    grads = cells.bptt(case.kind, case.activation, case.params, case.s0, case.x, case.y)
    exact = [(f"dL/d{name}", grads.params[name]) for name in case.kind.parameter_names()]
    exact.append(("dL/ds0", grads.state0))
    sizes = [float(np.max(np.abs(value))) for _, value in exact]
    rows = [len(np.ravel(value)) for _, value in exact]
    seen = None
    if cap > 0 and any(base * size < scaling.FLOOR for size in sizes):   # probe at the cap
        seen = _rung(case, theta, [cap] * len(exact), rows)
    reach = _reaches(case, [name for name, _ in exact])
    ladders = [scaling.ladder(base, size, cap, lambda t, b=b: _group(seen, case, b), reach[b])
               for b, size in enumerate(sizes)]
    rungs = [_rung(case, theta, [ladder[min(r, len(ladder) - 1)] if ladder else COMPLEX_STEP
                                 for ladder in ladders], rows)
             for r in range(max(map(len, ladders), default=0))]
    quantities = []
    for b, ((name, value), ladder) in enumerate(zip(exact, ladders, strict=True)):
        values = [(_group(rungs[r], case, b), t) for r, t in enumerate(ladder)]
        quantities.append((name, values, value, allowance))
    return quantities


def _reaches(case, names):
    """Per quantity, the largest Im a unit step puts into a channel first: a weight on the
    state moves it by t |s_{k−1}|, weight_ih by t |x_k|, a bias, u's partner or s_0 by t."""
    states = float(np.max(np.abs(np.asarray(case.trajectory().states)[:-1])))
    weights = _state_weights(case)
    return [states if name[4:] in weights else
            float(np.max(np.abs(case.x))) if name == "dL/dweight_ih" else np.inf
            for name in names]


def _rung(case, theta, steps, rows):
    """(params, s0) of the quotients Im L(θ + i t_b e_b)/t_b, one batched forward pass, with
    the step steps[q] for every row of quantity q (``rows[q]`` rows each)."""
    steps = np.concatenate([np.full(n, t) for t, n in zip(steps, rows, strict=True)])
    moved = theta.astype(complex) + 1j * np.diag(steps)
    with np.errstate(all="ignore"):
        quotient = probe.losses(case, probe.batch_path(case, moved, True)[0]).imag / steps
    return probe.unflat(case, quotient)


def _group(rung, case, b):
    """Quantity b (a parameter in the kind's order, then s_0) of one rung's (params, s0)."""
    params, s0 = rung
    names = case.kind.parameter_names()
    return params[names[b]] if b < len(names) else s0
