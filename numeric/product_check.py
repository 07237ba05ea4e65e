"""∂h_T/∂h_0 by central differences of the forward map, and the norm bound against the
measured norm: the two comparisons the derivative checks of J_k and ∂L/∂W_hh do not make.

Product: column j of P = J_T ⋯ J_1 is compared entry by entry with
(h_T(h_0 + s e_j) − h_T(h_0 − s e_j)) / 2s, the whole forward pass recomputed, s the power of
two at or below ε^(1/3) max(1, |h_0,j|).  Its rounding floor holds, besides the floor of the
quotient (``numeric.differences.floor``), the rounding the forward pass carries into h_T
(``numeric.componentwise.state_floor``) divided by s, and twice the truncation estimate
(the quotient at s/2); an entry whose floor exceeds rtol |P_ij| is uninformative, an entry P
holds as 0 must be 0 to within its floor (``numeric.verdicts.Tally``).  A column whose ±2s
moves any pre-activation across a kink of φ' is not compared (noted).

Bound: the measured log10 ‖∂h_T/∂h_0‖₂ must not exceed log10 (γ ‖W_hh‖₂)^T plus the rounding
8 (n + 2) T ε / ln 10 of the float γ, ‖W_hh‖₂ and the product (``numeric.error_model``); a cell
whose step Jacobian is diag(φ'(a_k)) times a fixed matrix (Elman, IndRNN) likewise.
"""


import numpy as np

from numeric import componentwise as cw
from numeric import differences as fd
from numeric import error_model as em
from numeric import rnn
from numeric.bridge import activation_functions, kinks
from numeric.check_horizon import case_start
from numeric.verdicts import CheckReport, Tally

METHOD = "central"


def check_product_differences(case, tol, beyond=None):
    """The ``CheckReport`` ("product_central") of ∂h_T/∂h_0 against central differences of
    h_0 ↦ h_T; n/a (``passed`` None) beyond the predictability horizon (``beyond``: the
    reason) or where the product leaves float64's range."""
    if beyond is not None:
        return CheckReport("product_central", None, None, None, tol, None, True,
                           f"not performed: {beyond}")
    path = case.trajectory()
    product = rnn.jacobian_product(rnn.step_jacobians(case.activation, case.W_hh, path.a))
    P = product.value
    if P is None or not np.all(np.isfinite(P)):
        return CheckReport("product_central", None, None, None, tol, None, True,
                           "not performed: the product leaves float64's range")
    carried = cw.state_floor(case, path, activation_functions(case.activation)[1])[-1]
    points, n, tally, steps, crossed = kinks(case.activation), len(case.h0), Tally(), [], 0
    for j in range(n):
        s = float(fd.exact_step(fd.step_size(METHOD, case.h0[j])))
        e = np.eye(n)[j]
        if points and _crosses(case, path.a, 2 * s * e, points):
            crossed += 1
            continue
        steps.append(s)
        g = lambda t, e=e: _final_state(case, case.h0 + t * e)  # noqa: E731
        estimate, magnitude, truncation = fd.quotient(METHOD, g, s)
        floor = (fd.floor(METHOD, magnitude, s) + fd.FLOOR_FACTOR[METHOD] * carried / s
                 + fd.EPS * np.abs(P[:, j]) + 2 * truncation)
        tally.add(np.abs(estimate - P[:, j]), P[:, j], tol, floor)
    report = tally.report("product_central", max(steps, default=None), tol)
    note = "dh_T/dh_0 column by column against central differences of h_0 -> h_T"
    if crossed:
        note += (f"; {crossed} columns not compared: the step moves a pre-activation across "
                 "a kink of phi'")
    if not steps:
        return CheckReport("product_central", None, None, None, tol, None, True,
                           f"not performed: every column's step crosses a kink; {note}")
    return CheckReport(report.method, report.step, report.max_abs_error, report.max_rel_error,
                       tol, report.passed, True, f"{note}; {report.note}" if report.note
                       else note, report.componentwise_rel_error)


def _final_state(case, h0):
    return rnn.forward(case.activation, case.W_hh, case.W_xh, case.b_h, h0, case.x).h[-1]


def _crosses(case, a, shift, points):
    """Whether h_0 ± shift moves any pre-activation of the forward pass across a kink."""
    for sign in (-1, 1):
        other = rnn.forward(case.activation, case.W_hh, case.W_xh, case.b_h,
                            case.h0 + sign * shift, case.x).a
        for p in points:
            if np.any(np.sign(a - p) != np.sign(other - p)):
                return True
    return False


def bound_check(case, log10_measured, log10_bound, gamma=None, what="(gamma ||W_hh||_2)^T"):
    """The norm bound as a check: {"passed" (= "holds"), "log10_measured", "log10_bound",
    "excess", "tolerance" (= "slack"), "rule", "note"}.  Passes iff the measured log10
    ‖∂s_T/∂s_0‖₂ (None: the product is exactly 0) is at most log10 ``what`` (None: the bound
    is 0) plus the rounding allowance ``numeric.error_model.bound_slack``; ``excess``: measured
    minus bound in log10.  A violation means γ (``gamma``) or the bound is wrong: the true
    product never exceeds a true bound, on any trajectory."""
    n, T = len(case_start(case)), case.T
    slack, excess = em.bound_slack(n, T), None
    blame = "gamma" if gamma is None else f"gamma = {gamma:.6g}"
    if log10_measured is None:
        holds, note = True, "the product is exactly 0"
    elif log10_bound is None:
        holds = False
        note = f"the bound is 0 but the product is not: {blame} or the bound is wrong"
    else:
        excess = log10_measured - log10_bound
        holds = bool(excess <= slack)
        note = (f"measured log10 ||dh_T/dh_0||_2 = {log10_measured:.6g} "
                f"{'<=' if holds else '>'} log10 {what} = {log10_bound:.6g}")
        if not holds:
            note += (f": the printed bound is violated by {excess:.3g} in log10 (a factor "
                     f"{_factor(excess)}), beyond the rounding allowance {slack:.1e}; "
                     f"{blame} or the bound is wrong")
    rule = (f"rounding allowance 8 (n + 2) T eps / ln 10 = {slack:.1e} in log10 "
            f"(n = {n}, T = {T})")
    return {"passed": holds, "holds": holds, "log10_measured": log10_measured,
            "log10_bound": log10_bound, "excess": excess, "tolerance": slack, "slack": slack,
            "rule": rule, "note": note}


def _factor(excess):
    return f"10^{excess:.3g}" if excess > 300 else f"{10.0**excess:.3g}"


def cell_bound(case):
    """(γ, the recurrent weight's gain, its name) of a cell whose step Jacobian is
    diag(φ'(a_k)) times a fixed matrix: Elman (‖weight_hh‖₂) and IndRNN (max |u|, the
    Jacobian diag(φ'(a_k) u)); None for gated cells (no bound printed)."""
    if case.activation is None or case.kind.name not in ("elman", "indrnn"):
        return None
    gamma = float(case.activation.gamma)
    if case.kind.name == "elman":
        return gamma, float(np.linalg.norm(case.params["weight_hh"], 2)), \
            "(gamma ||W_hh||_2)^T"
    return gamma, float(np.max(np.abs(case.params["u"]))), "(gamma max|u|)^T"
