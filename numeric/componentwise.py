"""Componentwise comparisons of the Elman checks: every entry against its own true value.

A normwise comparison max|Q − Q*| ≤ rtol max|Q*| lets a small entry vanish unnoticed: J_k's
row of a unit at a = 20 is 1.7e-17 W, and 0.0 passes beside a row of size 1.  Here an entry
is judged where its true value e is a normal number float64 can resolve (|e| ≥ LOW = TINY/ε)
and where float64 could compute it to rtol:

    |Q_ij − e_ij| ≤ rtol |e_ij| + floor_ij            (pass)

``floor`` is what rounding alone may leave in that entry: for J_k = diag(φ'(a_k)) W_hh the
conditioning of φ'(a_k,i) (``numeric.conditioning``: u_k,i |W_ij|, plus 2ε |e_ij|); for the
product P = J_T ⋯ J_1 the error bound of a matrix product, 4 (n + 2) T ε (|J_T| ⋯ |J_1|)_ij,
plus the conditioning allowance B_P; for the states h_k the rounding of the forward pass
carried through |φ'| |W_hh| (``state_floor``); for ∂L/∂W_hh the BPTT sum with every term in
absolute value, times 4 (n + T + 2) ε, plus B_grad.  An entry whose floor exceeds rtol |e|
is uninformative (not judged) unless its error exceeds even rtol |e| + floor: a failure,
as for the normwise comparisons.  An entry float64 returns as 0 while |e| is normal has
error |e| and fails wherever float64 could have resolved it.
"""

from dataclasses import dataclass, replace

import mpmath as mp
import numpy as np

from numeric import differences as fd
from numeric import rnn
from numeric.bridge import activation_functions

EPS, TINY = fd.EPS, fd.TINY
LOW = TINY / EPS
UNIT = 2.0**-1074                # the subnormal spacing: rounding below TINY is absolute
SUB = UNIT * 2.0**44             # half a UNIT is then 2^-45 ≈ 3e-14 relative, below rtol


@dataclass
class Entries:
    """Running worst componentwise relative error, and counts, over the entries judged."""

    tol: float
    rel: float = 0.0
    judged: int = 0
    failed: int = 0
    vanished: int = 0

    def add(self, value, exact, floor, tol=None, low=LOW):
        """Arrays of the same shape: float values, true values (floats; may be subnormal or
        0), absolute floors; ``tol``: this quantity's own tolerance (widened); ``low``: the
        smallest |true value| judged, per entry or one for all (LOW; SUB where
        ``resolved`` shows float64 computes the entry to the tolerance)."""
        tol = self.tol if tol is None else tol
        value, exact = np.asarray(value, dtype=float), np.asarray(exact, dtype=float)
        floor = np.broadcast_to(np.asarray(floor, dtype=float), exact.shape)
        floor = np.where(np.isnan(floor), np.inf, floor)   # no allowance known: not judged
        normal = np.isfinite(exact) & (np.abs(exact) >= low) & (np.abs(exact) >= SUB)
        with np.errstate(invalid="ignore", over="ignore"):
            error = np.where(normal, np.abs(value - np.where(normal, exact, 0.0)), 0.0)
        bound = tol * np.abs(exact) + floor
        judged = normal & (floor <= tol * np.abs(exact))
        self.failed += int(np.sum(normal & ~(error <= bound)))
        self.vanished += int(np.sum(normal & (value == 0) & ~(error <= bound)))
        self.judged += int(np.sum(judged))
        if judged.any():
            self.rel = max(self.rel, float(np.max(error[judged] / np.abs(exact[judged]))))

    def note(self):
        """The sentence for the check's note."""
        if not self.judged and not self.failed:
            return "componentwise: no entry with a normal true value could be resolved"
        text = (f"componentwise: worst relative error {self.rel:.2g} over {self.judged} "
                "entries whose true value is a normal number")
        if self.failed:
            text += f"; {self.failed} entries FAIL"
        if self.vanished:
            text += f" ({self.vanished} of them 0 in float64 while the true value is normal)"
        return text

    def value(self):
        return self.rel if self.judged else None


def mp_floats(matrix):
    """An mpmath matrix as a float64 array (entries beyond float64 become 0 or ±inf)."""
    return np.array([[float(matrix[i, j]) for j in range(matrix.cols)]
                     for i in range(matrix.rows)])


def resolved(dphi, exact_D, u):
    """(T, n) mask of the φ'(a_k,i) that float64 computes to the tolerance: the float value
    and the true one (``exact_D``, at 50 digits) are at least SUB = 2^-1030 and agree to
    within the conditioning u plus 4ε relative plus one subnormal UNIT.  LOW = TINY/ε guards
    quantities built from factors that underflowed (gelu'(−37.7) ≈ −3.5e-308 from exp(−711),
    7e-4 off in float64), whose float value need not keep any digits; a φ' that float64 did
    compute to its digits (elu'(−700) = e^−700 ≈ 1e-304; gelu'(−37.5) ≈ −6.5e-305, 1.2e-16
    off) is judged down to SUB.  The float φ' (not the J_k under test) decides, so a wrong J_k there
    still fails."""
    exact = np.array([[float(d) for d in row] for row in exact_D]).reshape(np.shape(dphi))
    with np.errstate(invalid="ignore", over="ignore"):
        agree = np.abs(dphi - exact) <= np.asarray(u) + 4 * EPS * np.abs(exact) + UNIT
    return (np.abs(exact) >= SUB) & (np.abs(dphi) >= SUB) & agree


def jacobian_floor(exact_J, W, u):
    """Per entry of J_k: u_k,i |W_ij| + 2ε |e_ij| + UNIT (u: the conditioning of φ'(a_k,i);
    UNIT: the product's rounding where it is subnormal)."""
    return u[:, None] * np.abs(W) + 2 * EPS * np.abs(exact_J) + UNIT


def product_floor(exact_J, allowance=0.0):
    """4 (n + 2) T ε (|J_T| ⋯ |J_1|)_ij + B_P, from the true J_k (mp matrices)."""
    n, T = exact_J[0].rows, len(exact_J)
    P = mp.eye(n)
    for J in exact_J:
        P = J.apply(abs) * P
    return 4 * (n + 2) * T * EPS * mp_floats(P) + allowance


def state_floor(case, path, dphi):
    """Rounding floor of the float states h_0..h_T: h_0 is exact; then, with r_k the
    uncertainty of a_k, r_k = |W_hh| f_{k−1} + (n + m + 2) ε (|W_hh||h_{k−1}| + |W_xh||x_k|
    + |b_h|), f_k = ε|h_k| + L_k r_k, where L_k = max |φ'| over a_k − r_k, a_k, a_k + r_k
    (``dphi``: the float φ' function; across a kink of φ the larger side's slope counts:
    relu(5.6e-18) is 0.0 when the float a_k is 0)."""
    n, m = case.W_xh.shape
    floors = [np.zeros(n)]
    for k in range(1, case.T + 1):
        h, a = path.h[k - 1], path.a[k - 1]
        spread = (np.abs(case.W_hh) @ np.abs(h) + np.abs(case.W_xh) @ np.abs(case.x[k - 1])
                  + np.abs(case.b_h))
        r = np.abs(case.W_hh) @ floors[-1] + (n + m + 2) * EPS * spread
        slope = np.max(np.abs([dphi(a - r), dphi(a), dphi(a + r)]), axis=0)
        floors.append(EPS * np.abs(path.h[k]) + slope * r)
    return np.array(floors)


def measured_state_floor(case, path, exact_h, dphi):
    """The states' rounding as measured against the oracle: g_0 = 0, g_k = 2 L_k |Δa_k| + 4ε|h_k|
    with Δa_k = float a_k − (W_hh h*_{k−1} + W_xh x_k + b_h) from the exact states h*
    (``exact_h``, mpmath) and L_k = max |φ'| over a_k − |Δa_k|, a_k, a_k + |Δa_k|: how far φ
    moves h_k from the rounding of a_k that actually happened (a = 100000.125 is exact in
    float64, and h = atan(a − 10⁵) then to an ulp), plus φ's own rounding; twice, for φ'
    varying between the three points it is sampled at."""
    W, U = mp.matrix(case.W_hh.tolist()), mp.matrix(case.W_xh.tolist())
    b = mp.matrix(case.b_h.tolist())
    floors = [np.zeros(len(case.h0))]
    for k in range(1, case.T + 1):
        exact_a = W * exact_h[k - 1] + U * mp.matrix(case.x[k - 1].tolist()) + b
        a = path.a[k - 1]
        shift = np.array([abs(float(mp.mpf(float(v)) - e)) for v, e in zip(a, exact_a,
                                                                            strict=True)])
        slope = np.max(np.abs([dphi(a - shift), dphi(a), dphi(a + shift)]), axis=0)
        floors.append(2 * slope * shift + 4 * EPS * np.abs(path.h[k]))
    return np.array(floors)


def loss_rounding(case):
    """The rounding of the float loss, in units of ε (the quotient's floor multiplies by ε):
    |ΔL| ≤ Σ_k |h_k − y_k| f_k + ε L, f_k the floor of the float state h_k
    (``state_floor``: the rounding of each a_k = W_hh h_{k−1} + drive
    carried through φ').  With a_k near 700 its rounding ε|a_k| ≈ 1e-13, times |φ'|, moves L
    by far more than ε L: sin(x) at a = −700 has quotients of ∂L/∂W_hh off by 1e-7."""
    path = case.trajectory()
    f = state_floor(case, path, activation_functions(case.activation)[1])
    residual = path.h[1:] - case.y if case.y.ndim == 2 else (path.h[-1] - case.y)[None]
    spread = f[1:] if case.y.ndim == 2 else f[-1:]
    loss = 0.5 * float(np.sum(residual * residual))
    return (float(np.sum(np.abs(residual) * spread)) + EPS * loss) / EPS


def gradient_floor(case, ref, allowance=0.0):
    """4 (n + T + 2) ε times ∂L/∂W_hh's BPTT sum taken in absolute values (from the true D,
    h and |y|), plus B_grad."""
    n, T = case.W_hh.shape[0], case.T
    W = mp.matrix(np.abs(case.W_hh).tolist())
    y = np.abs(case.y)
    per_step = y.ndim == 2
    hs = [row.apply(abs) for row in ref.h]
    g = hs[T] + mp.matrix((y[-1] if per_step else y).tolist())
    total = mp.zeros(n, n)
    for k in range(T, 0, -1):
        delta = mp.matrix([abs(ref.D[k - 1][i]) * g[i] for i in range(n)])
        total += delta * hs[k - 1].T
        g = W.T * delta
        if per_step and k > 1:
            g += hs[k - 1] + mp.matrix(y[k - 2].tolist())
    return 4 * (n + T + 2) * EPS * mp_floats(total) + allowance


def with_componentwise(report, entries):
    """``report`` with the componentwise comparisons (``numeric.componentwise.Entries``):
    their worst relative error, their note, and FAIL when an entry failed."""
    passed = report.passed
    parts = report.note.split("; ") if report.note else []
    if entries.failed:
        passed = False
    elif passed is None and entries.judged:   # the entries were compared after all
        passed = True
    if passed is not None:
        parts = [part for part in parts if not part.startswith("not performed")]
    at = next((i for i, part in enumerate(parts) if part.startswith("dL/dW_hh")), len(parts))
    note = "; ".join([*parts[:at], entries.note(), *parts[at:]])   # before the horizon's note
    return replace(report, passed=passed, componentwise_rel_error=entries.value(), note=note)


def mpmath_entries(case, path, ref, J, product, u, allowances, tol, wide, rows=None,
                   floors=None):
    """Every entry of h, J_k, P and ∂L/∂W_hh against the oracle (``numeric.componentwise``);
    ``rows``: the ``resolved`` mask (or φ' = 0), whose rows of J_k are judged down to SUB,
    and ∂L/∂W_hh down to TINY where every row is; ``floors``: ``state_floor`` where the
    caller has it already."""
    B_P, B_grad = allowances
    rows = np.zeros(np.shape(u), dtype=bool) if rows is None else rows
    entries = Entries(tol)
    exact_h = np.array([[float(v) for v in row] for row in ref.h])
    if floors is None:
        floors = state_floor(case, path, activation_functions(case.activation)[1])
    # h_1..h_T: h_0 is the case's own input, and judging it would pass a check on nothing
    entries.add(path.h[1:], exact_h[1:], floors[1:], wide)
    for k in range(case.T):
        exact = mp_floats(ref.J[k])
        entries.add(J[k], exact, jacobian_floor(exact, case.W_hh, u[k]),
                    low=np.where(rows[k][:, None], SUB, LOW))
    with np.errstate(over="ignore", under="ignore"):
        value = np.ldexp(product.mantissa, product.exponent)
    entries.add(value, mp_floats(ref.product), product_floor(ref.J, B_P), wide)
    if case.y is not None:
        grad = rnn.bptt(case.activation, case.W_hh, case.W_xh, case.b_h, case.h0, case.x,
                        case.y).W_hh
        entries.add(grad, mp_floats(ref.grad_W_hh),
                    gradient_floor(case, ref, B_grad or 0.0), wide,
                    low=TINY if rows.all() else LOW)
    return entries
