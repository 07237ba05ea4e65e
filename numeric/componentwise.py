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
    """Rounding floor of the float states h_0..h_T: h_0 is exact; then
    f_k = ε|h_k| + |φ'(a_k)| (|W_hh| f_{k−1} + (n + m + 2) ε (|W_hh||h_{k−1}| + |W_xh||x_k| +
    |b_h|))."""
    n, m = case.W_xh.shape
    floors = [np.zeros(n)]
    for k in range(1, case.T + 1):
        h = path.h[k - 1]
        spread = (np.abs(case.W_hh) @ np.abs(h) + np.abs(case.W_xh) @ np.abs(case.x[k - 1])
                  + np.abs(case.b_h))
        carried = np.abs(case.W_hh) @ floors[-1] + (n + m + 2) * EPS * spread
        floors.append(EPS * np.abs(path.h[k]) + np.abs(dphi[k - 1]) * carried)
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
        parts.append(f"phi'(a_k) at or below float64's underflow at {n_under} entries (true "
                     f"values below {LOW:.1e}, e.g. {under[0]:.3g}, where no relative "
                     "precision is left)")
    if n_cancel:
        parts.append(f"float64 lost the digits of phi'(a_k) at {n_cancel} entries whose true "
                     f"value is a normal number (cancellation, not underflow: e.g. true "
                     f"{cancel[0]:.3g}, float64 {cancel[1]:.3g})")
    return "; ".join(parts)
