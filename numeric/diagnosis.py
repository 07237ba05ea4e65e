"""Why float64's φ'(a_k) differs from the truth: underflow or cancellation, told apart
against the 50-digit oracle (``numeric.oracle``), for the mpmath check's note and for the
source of log10 ‖∂h_T/∂h_0‖₂ when the float64 product is 0.

Underflow: the true value lies below LOW = TINY/ε, at or below the edge of float64's normal
range, where no relative precision is left (gelu'(−40) ≈ −2e-346).  Cancellation: the true
value is a normal number but float64 lost its digits (1 − tanh²(20) is 0.0, the true value
1.7e-17, 290 decades above the smallest normal number).
"""

import mpmath as mp

from numeric.componentwise import LOW


def phi_prime_diagnosis(dphi, exact_D):
    """Why float64's φ'(a_k,i) (array ``dphi``, T × n) differs from the true values
    ``exact_D`` (T rows of mpf): (underflow, cancellation), each a count and an example
    (true value, float value) or None.  Underflow: the true value is below LOW = TINY/ε (at or
    near float64's smallest normal numbers, where no relative precision is left).
    Cancellation: the true value is a normal number but float64 lost more than half of its
    digits (1 − tanh²(20): 0.0 for 1.7e-17)."""
    under, cancel = [0, None], [0, None]
    for k, row in enumerate(exact_D):
        for i, e in enumerate(row):
            true, value = abs(float(e)), float(dphi[k][i])
            if e != 0 and true < LOW:
                under[0] += 1
                under[1] = under[1] or (float(e), value)
            elif true >= LOW and not abs(value - float(e)) <= 1e-8 * true:
                cancel[0] += 1
                cancel[1] = cancel[1] or (float(e), value)
    return tuple(under), tuple(cancel)


def diagnosis_text(diagnosis):
    """The sentences of ``phi_prime_diagnosis`` for a note ('' when both counts are 0)."""
    (n_under, under), (n_cancel, cancel) = diagnosis
    parts = []
    if n_under:
        parts.append(f"phi'(a_k) underflows float64 at {n_under} entries (true values below "
                     f"{LOW:.1e}, e.g. {under[0]:.3g}: below or at the edge of the normal "
                     "range, where no relative precision is left)")
    if n_cancel:
        parts.append(f"float64 lost the digits of phi'(a_k) at {n_cancel} entries whose true "
                     f"value is a normal number (cancellation, not underflow: e.g. true "
                     f"{cancel[0]:.3g}, float64 {cancel[1]:.3g})")
    return "; ".join(parts)


def zero_product_source(case):
    """(log10 ‖∂h_T/∂h_0‖₂ from the 50-digit oracle, or None when the product is exactly 0;
    the sentence saying where the value comes from and why float64 gave 0): underflow of
    φ'(a_k) (true values below LOW), cancellation (true values normal, float64 lost them),
    or neither (the product of the float J_k is 0 although no φ' entry is off)."""
    from numeric.bridge import activation_functions
    from numeric.oracle import mp_reference

    path = case.trajectory()
    with mp.workdps(50):
        ref = mp_reference(case, 50, path.a)
        P = ref.product
        norm = max(mp.svd_r(P, compute_uv=False)) if P.rows > 1 else abs(P[0])
        log10 = float(mp.log10(norm)) if norm else None
    if log10 is None:
        return None, "exact: the product is zero (log10 = -inf)"
    (n_under, _), (n_cancel, _) = diagnosis = phi_prime_diagnosis(
        activation_functions(case.activation)[1](path.a), ref.D)
    if n_under or n_cancel:
        return log10, f"mpmath ({diagnosis_text(diagnosis)})"
    return log10, "mpmath (the float64 product is 0: its entries left float64's range)"
