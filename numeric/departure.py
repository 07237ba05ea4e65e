"""Where a wrong supplied gradient departs from the derived one, in time.

With a supplied delta (row k − 1 = ∂L/∂h_k): the largest k at which some entry of the
supplied row is further from the derived one than allowed (the first departure going
backwards from T).  Without: one backward pass over the derived per-step contributions
C_k = ∂⁺L/∂θ at step k (δ_k h_{k−1}ᵀ for W_hh) of a failing parameter gradient G_s.  If G_s
is much closer (‖G_s − S_K‖ ≤ ½‖G_s − G‖) to a suffix sum S_K = Σ_{k > T−K} C_k than to the
whole sum G, the terms before step T − K + 1 are wrong or missing: the departure is put at
k = T − K.  Otherwise the step whose C_k is most aligned with the error E = G_s − G
(max |⟨E, C_k⟩| / ‖C_k‖) is named: an inference, said so in the sentence; when even that
step's cosine with E is below ``ALIGNED`` (an error in a few entries, say), the sentence says
that the sum alone cannot place it in time.
"""

import numpy as np

from numeric.backward import backward, problem

RECURRENT_FIRST = ("W_hh", "weight_hh", "u")
ALIGNED = 0.5  # the cosine between E and C_k from which a step is named


def from_delta(supplied, reference, allowed):
    """The largest k (1..T) with |supplied δ_k − derived δ_k| > allowed somewhere, or None."""
    with np.errstate(invalid="ignore"):
        bad = np.any(np.abs(np.asarray(supplied) - reference) > allowed, axis=1)
    rows = np.flatnonzero(bad)
    return None if rows.size == 0 else int(rows[-1]) + 1


def _failing(prob, supplied, reference, allowed):
    """The parameter gradient to read: a failing recurrent one first, then any failing."""
    params = [name for name in prob.names if name in supplied]
    failing = [name for name in params
               if np.any(np.abs(supplied[name] - reference[name]) > allowed[name])]
    first = [name for name in failing if name in RECURRENT_FIRST]
    return (first or failing or [None])[0]


def _norm(a):
    """‖a‖_F by an elementwise sum (BLAS dot on a vector this size is slower when threaded)."""
    return float(np.sqrt(np.sum(a * a)))


def from_contributions(case, supplied, reference, allowed):
    """(k, name, how) with how "suffix", "aligned" or "unexplained" (module docstring), or
    None."""
    prob = problem(case)
    name = _failing(prob, supplied, reference, allowed)
    if name is None:
        return None
    torch_name, T = prob.names[name], case.T
    G_s, G = np.asarray(supplied[name], float), np.asarray(reference[name], float)
    E = G_s - G
    whole = _norm(E)
    state = {"previous": np.zeros_like(G), "suffix": (whole, T), "aligned": (-1.0, T)}

    def on_step(k, grads):
        running = grads[torch_name]
        C = running - state["previous"]
        state["previous"] = running.copy()
        distance = _norm(G_s - running)
        if k > 1 and distance < state["suffix"][0]:
            state["suffix"] = (distance, k - 1)
        size = _norm(C)
        if size > 0:
            score = abs(float(np.sum(E * C))) / size
            if score > state["aligned"][0]:
                state["aligned"] = (score, k)

    backward(case, on_step=on_step)
    distance, k = state["suffix"]
    if distance <= 0.5 * whole and k < T:
        return k, name, "suffix"
    score, k = state["aligned"]
    return k, name, "aligned" if score >= ALIGNED * whole else "unexplained"
