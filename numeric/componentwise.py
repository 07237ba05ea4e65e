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

from dataclasses import dataclass

import mpmath as mp
import numpy as np

from numeric import differences as fd

EPS, TINY = fd.EPS, fd.TINY
LOW = TINY / EPS


@dataclass
class Entries:
    """Running worst componentwise relative error, and counts, over the entries judged."""

    tol: float
    rel: float = 0.0
    judged: int = 0
    failed: int = 0
    vanished: int = 0

    def add(self, value, exact, floor, tol=None):
        """Arrays of the same shape: float values, true values (floats; may be subnormal or
        0), absolute floors; ``tol``: this quantity's own tolerance (widened)."""
        tol = self.tol if tol is None else tol
        value, exact = np.asarray(value, dtype=float), np.asarray(exact, dtype=float)
        floor = np.broadcast_to(np.asarray(floor, dtype=float), exact.shape)
        floor = np.where(np.isnan(floor), np.inf, floor)   # no allowance known: not judged
        normal = np.isfinite(exact) & (np.abs(exact) >= LOW)
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


def jacobian_floor(exact_J, W, u):
    """Per entry of J_k: u_k,i |W_ij| + 2ε |e_ij| (u: the conditioning of φ'(a_k,i))."""
    return u[:, None] * np.abs(W) + 2 * EPS * np.abs(exact_J)


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


def complex_step_entries(case, tol):
    """Every entry of every J_k against its complex-step estimate Im F(h + i s e_j)/s (the
    step of ``numeric.complex_step.complex_steps``), an ``Entries``; entries with
    s |estimate| < TINY/ε (the imaginary part left the normal range) are not judged.  The
    floor is 2 u_k,i |W_ij| + 4ε |estimate| (u: the conditioning of φ'(a_k,i), which the
    float φ' and the complex step each carry).  None for a non-analytic φ."""
    from numeric import conditioning, rnn
    from numeric.bridge import complex_phi
    from numeric.complex_step import complex_steps

    if not case.activation.analytic:
        return None
    phi_c, path = complex_phi(case.activation), case.trajectory()
    J = rnn.step_jacobians(case.activation, case.W_hh, path.a)
    s = complex_steps(case, path, J)[0]
    entries = Entries(tol)
    if s == 0:
        return entries
    u = conditioning.uncertainty(case.activation, path.a)
    n = len(case.h0)
    for k in range(1, case.T + 1):
        H = path.h[k - 1] + 1j * s * np.eye(n)
        estimate = case.step_map(k, phi=phi_c)(H).imag.T / s
        resolved = np.abs(estimate) * s * EPS >= TINY
        floor = 2 * u[k - 1][:, None] * np.abs(case.W_hh) + 4 * EPS * np.abs(estimate)
        entries.add(J[k - 1], np.where(resolved, estimate, 0.0), floor)
    return entries


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
