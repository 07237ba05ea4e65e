"""Which well-known mistake produces a wrong supplied gradient, and where it goes wrong.

``diagnose`` tests the supplied quantities against every candidate of ``numeric.mistakes``:
a hypothesis is reported when the supplied values equal its candidate within ``allowed`` on
every supplied quantity it concerns (|supplied − candidate| ≤ allowed, entry by entry, times
max|candidate| / max|derived| where that is above 1; for ``scaled`` ≤ |c|·allowed) and the
candidate itself differs from the derived values somewhere (beyond ``allowed``), so the true
gradient yields no finding.  The transforms (sign, scaled, transposed, gate_order) are judged
quantity by quantity (``numeric.diagnose_transforms``): each supplied quantity is right or
transformed.  ``truncated`` (the loop over the last K steps only) concerns the parameter
gradients, ∂L/∂s_0 (0: the loop never reaches s_0) and delta (rows k > T − K exact, the others
0).  A per-step loss Σ_t L_t has two forms of ``truncated`` and ``missing_immediate_term``: the
literal one (the loop over time stops early / leaves out step T) and the one per loss term
(each L_t backpropagated K steps / without its own step t); ``detail["form"]`` says which.

Cost: the transforms are a few passes over the arrays; one backward pass gives every
truncation of the loop and the missing term of step T (delta and ∂L/∂s_0 judged row by row
from the derived ones, O(T·S)); small cases (T·n²·channels ≤ ``SMALL_WORK``) add one backward
pass per recursion mistake that concerns a supplied quantity (≤ ~20).  A per-step loss adds,
at any size, its per-loss-term missing term (one pass) and its per-loss-term truncations
(T(T+1)/2 steps, skipped above 4 × ``SMALL_WORK`` multiply-adds).
"""

from dataclasses import dataclass

import numpy as np

from numeric import diagnose_transforms as transforms
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
    """Where the supplied gradient departs: ``time_step`` k (1..T; None when no step applies:
    a gradient of zeros), ``quantity`` read for it and the ``sentence`` saying what was
    compared and what is inferred."""

    time_step: int | None
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

    def close_all(self, candidates):
        return all(self.close(k, v) for k, v in candidates.items())

    def matches(self, candidates, scale=None):
        """Every candidate quantity matches and at least one differs from the derived one."""
        return bool(candidates) and all(self.close(k, v, scale) for k, v in candidates.items()) \
            and any(self.departs(k, v) for k, v in candidates.items())


def _work(case):
    """n² × channels: the work of one step of a backward pass, in multiply-adds (roughly)."""
    prob = problem(case)
    n = len(prob.s0) // len(prob.kind.state)
    return n * n * len(prob.kind.channels)


def diagnose(case, supplied, reference, allowed, *, dtype=None):
    """Every matching ``Finding`` (see the module docstring), in the order of
    ``DIAGNOSIS_CODES``; supplied, reference, allowed: dict canonical name → float64 array;
    ``dtype`` the precision the supplied values were computed in (default: the arrays')."""
    dtype = _dtype(supplied) if dtype is None else dtype
    supplied, reference, allowed = (_state_delta(case, d) for d in (supplied, reference, allowed))
    judge = _Judge(supplied, reference, allowed)
    kind, T = problem(case).kind, case.T
    found = [Finding(code, sentence(code, detail, case, only=only), detail)
             for code, detail, only in transforms.findings(case, judge, kind, dtype)]
    found += _from_passes(case, judge, list(supplied), T)
    order = list(mistakes.DIAGNOSIS_CODES)
    return sorted(found, key=lambda f: order.index(f.code))


def _dtype(supplied):
    """The floating dtype of the supplied arrays (float64 when they are not all floating)."""
    kinds = [np.asarray(v).dtype for v in supplied.values()]
    if kinds and all(np.issubdtype(k, np.floating) for k in kinds):
        return np.result_type(*kinds)
    return np.dtype(np.float64)


def _state_delta(case, values):
    """``values`` with a (T, S) delta of a multi-part state (an LSTM's [∂L/∂h_k; ∂L/∂c_k])
    under the name delta_state, the name the mistaken passes give it by."""
    prob = problem(case)
    n = len(prob.s0) // len(prob.kind.state)
    delta = values.get("delta")
    if delta is None or np.ndim(delta) != 2 or np.shape(delta)[1] == n:
        return values
    out = {k: v for k, v in values.items() if k != "delta"}
    out["delta_state"] = delta
    return out


class _Truncated:
    """The state quantities of the loop over the last K steps, judged row by row once: the
    loop never reaches s_0 (grad_h0, grad_c0 = 0) and fills only the rows k > T − K of delta
    (exact there, 0 before)."""

    def __init__(self, judge, T):
        self.T = T
        zeros = [k for k in ("grad_h0", "grad_c0") if k in judge.supplied]
        self.zero_close = all(judge.close(k, 0 * judge.reference[k]) for k in zeros)
        self.zero_departs = any(judge.departs(k, 0 * judge.reference[k]) for k in zeros)
        name = next((k for k in ("delta", "delta_state") if k in judge.supplied), None)
        self.rows = None
        if name is not None:
            s, r, a = (np.reshape(d[name], (T, -1)) for d in
                       (judge.supplied, judge.reference, judge.allowed))
            with np.errstate(invalid="ignore"):
                exact = np.all(np.abs(s - r) <= a, axis=1)
                zero = np.all(np.abs(s) <= a, axis=1)
                lost = np.any(np.abs(r) > a, axis=1)
            # index j = T − K: rows < j are 0 in the candidate, rows ≥ j exact
            head = np.concatenate([[True], np.cumprod(zero).astype(bool)])
            tail = np.concatenate([np.cumprod(exact[::-1])[::-1].astype(bool), [True]])
            lost_head = np.concatenate([[False], np.cumsum(lost) > 0])
            self.rows = head & tail, lost_head

    def close(self, K):
        return self.zero_close and (self.rows is None or bool(self.rows[0][self.T - K]))

    def departs(self, K):
        return self.zero_departs or (self.rows is not None and bool(self.rows[1][self.T - K]))


def _from_passes(case, judge, names, T):
    """The findings of the mistakes that need a backward pass."""
    prob, work = problem(case), _work(case)
    out = _truncations(case, judge, names, T, prob, work)
    small = work * T <= SMALL_WORK
    for mistake in mistakes.backward_mistakes(case):
        immediate = mistake.code == "missing_immediate_term"
        if immediate and not prob.per_step:
            continue  # the same as the missing term of step T, judged in _truncations
        if not (small or immediate) or not mistakes.concerns(case, mistake, names):
            continue
        if judge.matches(mistakes.mistaken(case, mistake, names)):
            detail = _detail(mistake, prob)
            out.append(Finding(mistake.code, sentence(mistake.code, detail, case), detail))
    return out


def _truncations(case, judge, names, T, prob, work):
    """truncated (the loop over the last K steps; a per-step loss also each loss term K
    steps) and the missing term of step T, from the running sums of one backward pass."""
    out = []

    def note(code, **detail):
        out.append(Finding(code, sentence(code, detail, case), detail))

    state, loop, first = _Truncated(judge, T), [], {}

    def visit(K, cands):
        if K == 1:
            first.update(cands)
        if judge.close_all(cands) and state.close(K) \
                and (any(judge.departs(k, v) for k, v in cands.items()) or state.departs(K)):
            loop.append(K)

    if not mistakes.truncations(case, names, visit) and T >= 2 \
            and ("delta" in names or "delta_state" in names):
        for K in range(1, T):  # delta without parameter gradients: no pass needed
            visit(K, {})
    if loop:
        note("truncated", K=min(loop), per_step=prob.per_step, T=T, form="last K steps")
    if prob.per_step:
        each = []
        mistakes.loss_term_truncations(case, names, lambda K, c: judge.matches(c) and
                                       each.append(K), limit=max(1, 4 * SMALL_WORK // work))
        if each:
            note("truncated", K=min(each), per_step=True, T=T, form="each loss term")
    if first:
        cands = {k: judge.reference[k] - v for k, v in first.items()}
        others = [k for k in names if k not in cands and k not in mistakes.NOT_GRADIENTS]
        if judge.matches(cands) and all(judge.close(k, judge.reference[k]) for k in others):
            note("missing_immediate_term", per_step=prob.per_step, form="last step")
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
        return {"per_step": prob.per_step, "form": "each loss term"}
    return {}


def localise(case, supplied, reference, allowed):
    """The first time step, going backwards from T, where the supplied gradient departs: read
    from a supplied ``delta`` (exact) or inferred from a parameter gradient through the derived
    per-step contributions δ_k h_{k−1}ᵀ (``numeric.diagnose_text`` says how); None when
    nothing departs or nothing time-resolved can be read."""
    from numeric.departure import from_contributions, from_delta

    zeros = [name for name in supplied if not np.any(supplied[name])
             and np.any(np.abs(reference[name]) > allowed[name])]
    if zeros:
        return Localisation(None, zeros[0], f"{', '.join(zeros)}: every entry is 0 where the "
                            "true gradient is not: nothing was computed or stored there (an "
                            "answer template not filled in?)")
    if "delta" in supplied:
        k = from_delta(supplied["delta"], reference["delta"], allowed["delta"])
        if k is not None:
            return Localisation(k, "delta", localise_sentence("delta", k, case.T))
    found = from_contributions(case, supplied, reference, allowed)
    if found is None:
        return None
    k, name, how = found
    return Localisation(k, name, localise_sentence(how, k, case.T, name))
