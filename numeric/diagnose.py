"""Which well-known mistake produces a wrong supplied gradient, and where it goes wrong.

``diagnose`` tests the supplied quantities against every candidate of ``numeric.mistakes``:
a hypothesis is reported when the supplied values equal its candidate within ``allowed`` on
every supplied quantity it concerns (|supplied − candidate| ≤ allowed, entry by entry, times
max|candidate| / max|derived| where that is above 1; for ``scaled`` ≤ |c|·allowed) and the
candidate itself differs from the derived values somewhere (beyond ``allowed``), so the true
gradient yields no finding.  Cost: the transforms are free;
small cases (T·n²·channels ≤ ``SMALL_WORK``) add one backward pass per recursion mistake that
concerns a supplied quantity (≤ ~20; truncating a per-step loss: T(T+1)/2 steps, up to 4 ×
``SMALL_WORK``); larger ones only the truncation pass, from which the missing immediate term of
a final-step loss follows (a per-step loss: one pass more).
"""

from dataclasses import dataclass

import numpy as np

from numeric import mistakes
from numeric.backward import problem
from numeric.backward_parts import factor_places, gate_names
from numeric.diagnose_text import localise_sentence, sentence

SMALL_WORK = 2_000_000


@dataclass(frozen=True)
class Finding:
    """A matching mistake: ``code`` (``DIAGNOSIS_CODES``), one ``sentence`` for people and the
    ``detail`` ({"factor": 0.1, "meaning": "mean over time"}, {"K": 3}, ...)."""

    code: str
    sentence: str
    detail: dict


@dataclass(frozen=True)
class Localisation:
    """Where the supplied gradient departs: ``time_step`` k (1..T), ``quantity`` read for it
    and the ``sentence`` saying what was compared and what is inferred."""

    time_step: int
    quantity: str
    sentence: str


class _Judge:
    def __init__(self, supplied, reference, allowed):
        self.supplied, self.reference, self.allowed = supplied, reference, allowed

    def close(self, name, value, scale=None):
        """|supplied − value| ≤ scale · allowed entry by entry; scale (default) the ratio
        max|value| / max|derived| where above 1: a candidate larger than the true gradient
        carries proportionally larger rounding errors in the supplied dtype."""
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            if scale is None:
                top = float(np.max(np.abs(self.reference[name]), initial=0.0))
                size = float(np.max(np.abs(value), initial=0.0))
                scale = max(1.0, size / top) if top > 0 else 1.0
            return bool(np.all(np.abs(self.supplied[name] - value)
                               <= scale * self.allowed[name]))

    def departs(self, name, value):
        with np.errstate(invalid="ignore", over="ignore"):
            return bool(np.any(np.abs(value - self.reference[name]) > self.allowed[name]))

    def matches(self, candidates, scale=None):
        """Every candidate quantity matches and at least one differs from the derived one."""
        return bool(candidates) and all(self.close(k, v, scale) for k, v in candidates.items()) \
            and any(self.departs(k, v) for k, v in candidates.items())


def _work(case):
    """n² × channels: the work of one step of a backward pass, in multiply-adds (roughly)."""
    prob = problem(case)
    n = len(prob.s0) // len(prob.kind.state)
    return n * n * len(prob.kind.channels)


def diagnose(case, supplied, reference, allowed):
    """Every matching ``Finding`` (see the module docstring), in the order of
    ``DIAGNOSIS_CODES``; supplied, reference, allowed: dict canonical name → float64 array."""
    judge = _Judge(supplied, reference, allowed)
    kind, T = problem(case).kind, case.T
    grads = [k for k in supplied if k not in mistakes.NOT_GRADIENTS]
    found = []

    def add(code, **detail):
        found.append(Finding(code, sentence(code, detail, case), detail))

    if grads and judge.matches({k: -reference[k] for k in grads}):
        add("sign", factor=-1.0)
    found += _scaled(case, judge, grads)
    found += _transposed(case, judge, kind)
    for order in mistakes.other_orders(kind):
        cands = _reordered(judge, kind, order)
        if cands is not None and judge.matches(cands):
            add("gate_order", permutation=list(order), where="blocks")
    found += _from_passes(case, judge, list(supplied), T)
    order = list(mistakes.DIAGNOSIS_CODES)
    return sorted(found, key=lambda f: order.index(f.code))


def _scaled(case, judge, grads):
    ref = judge.reference
    num = sum(float(np.sum(judge.supplied[k] * ref[k])) for k in grads)
    den = sum(float(np.sum(ref[k] * ref[k])) for k in grads)
    if not grads or den == 0 or not np.isfinite(num):
        return []
    c = num / den
    if c == 0 or abs(c + 1) < 1e-9 or abs(c - 1) < 1e-9:
        return []
    for value, meaning in _recognised(c, case.T):
        cands = {k: value * ref[k] for k in grads}
        if judge.matches(cands, abs(value)):
            detail = {"factor": value, "meaning": meaning}
            return [Finding("scaled", sentence("scaled", detail, case), detail)]
    return []


def _recognised(c, T):
    """(value, meaning) to try for a fitted factor c: 1/T, 2, ½, an integer B or 1/B, then c
    itself (meaning None); each with c's sign."""
    sign, a = (1.0 if c > 0 else -1.0), abs(c)
    out = [(1 / T, "mean over time"), (2.0, "missing half"), (0.5, "extra half")]
    B = round(1 / a) if a < 1 else round(a)
    if B >= 2:
        out.append((1 / B if a < 1 else float(B), "batch"))
    tried = [(sign * v, m) for v, m in out if abs(v - a) <= 1e-3 * a]
    return tried + [(c, None)]


def _transposed(case, judge, kind):
    flagged, ok = [], True
    for name in judge.supplied:
        if name in ("loss", "step_jacobians"):
            continue
        ref = judge.reference[name]
        if judge.close(name, ref):
            continue
        t = mistakes.transposed(kind, name, ref)
        if t is None or not judge.close(name, t):
            ok = False
            break
        flagged.append(name)
    if not (ok and flagged):
        return []
    detail = {"quantities": flagged, "where": "matrix"}
    return [Finding("transposed", sentence("transposed", detail, case), detail)]


def _reordered(judge, kind, order):
    cands, any_stacked = {}, False
    for name in judge.supplied:
        if name in ("loss", "step_jacobians", "jacobian_product"):
            continue
        value = mistakes.reordered(kind, name, judge.reference[name], order)
        any_stacked = any_stacked or value is not None
        cands[name] = judge.reference[name] if value is None else value
    return cands if any_stacked else None


def _from_passes(case, judge, names, T):
    """The findings of the mistakes that need a backward pass."""
    out = []

    def note(code, **detail):
        out.append(Finding(code, sentence(code, detail, case), detail))

    prob = problem(case)
    truncated, first = [], {}

    def visit(K, cands):
        if K == 1:
            first.update(cands)
        if judge.matches(cands):
            truncated.append(K)

    work = _work(case)
    mistakes.truncations(case, names, visit, per_step_limit=max(1, 4 * SMALL_WORK // work))
    if truncated:
        note("truncated", K=min(truncated), per_step=prob.per_step, T=T)
    immediate_done = False
    if not prob.per_step and first:
        cands = {k: judge.reference[k] - v for k, v in first.items()}
        others = [k for k in names if k not in cands and k not in mistakes.NOT_GRADIENTS]
        if judge.matches(cands) and all(judge.close(k, judge.reference[k]) for k in others):
            note("missing_immediate_term", per_step=False)
        immediate_done = True
    small = work * T <= SMALL_WORK
    for mistake in mistakes.backward_mistakes(case):
        if mistake.code == "missing_immediate_term" and immediate_done:
            continue
        if not (small or mistake.code == "missing_immediate_term") \
                or not mistakes.concerns(case, mistake, names):
            continue
        cands = mistakes.mistaken(case, mistake, names)
        if judge.matches(cands):
            note(mistake.code, **_detail(mistake, prob))
    return out


def _detail(mistake, prob):
    code, detail = mistake.code, mistake.detail
    if code == "missing_activation_derivative":
        return {"factor": detail[0], "form": detail[1], "cell": prob.kind.name,
                "in": list(factor_places(prob.kind, prob.act, detail[0]))}
    if code == "time_shift":
        return {"shift": detail}
    if code == "transposed":
        return {"where": "recursion"}
    if code == "gate_order":
        return {"permutation": list(detail), "where": "forward pass",
                "gates": list(gate_names(prob.kind))}
    if code == "missing_immediate_term":
        return {"per_step": prob.per_step}
    return {}


def localise(case, supplied, reference, allowed):
    """The first time step, going backwards from T, where the supplied gradient departs: read
    from a supplied ``delta`` (exact) or inferred from a parameter gradient through the derived
    per-step contributions δ_k h_{k−1}ᵀ (``numeric.diagnose_text`` says how); None when
    nothing departs or nothing time-resolved can be read."""
    from numeric.departure import from_contributions, from_delta

    if "delta" in supplied:
        k = from_delta(supplied["delta"], reference["delta"], allowed["delta"])
        if k is not None:
            return Localisation(k, "delta", localise_sentence("delta", k, case.T))
    found = from_contributions(case, supplied, reference, allowed)
    if found is None:
        return None
    k, name, how = found
    return Localisation(k, name, localise_sentence(how, k, case.T, name))
