"""Lyapunov spectra of an RNN's Jacobian products by the QR method (Benettin et al. 1980).

For step Jacobians J_k = ∂s_k/∂s_{k−1} and an orthonormal start Q_0 (S × k):

    J_k Q_{k−1} = Q_k R_k  (QR, every ``reorth_every`` steps, products in between),
    λ_i = (1/(T − burn_in)) Σ_{k > burn_in} log |(R_k)_ii|,

natural log per step, largest first.  λ_max > 0: perturbations of the trajectory (and the
gradient ‖∂s_T/∂s_0‖) grow like e^{λ_max T}; λ_max < 0: they shrink.  Q_0 is the first k columns
of the identity when k = S, otherwise k orthonormal columns from ``default_rng(0)`` (a fixed
generic start: an identity column can miss a unit, e.g. IndRNN's diagonal Jacobian).

``reorth_every`` r > 1 multiplies r Jacobians between QRs: the same R-diagonal products in exact
arithmetic, but |R_ii| of an r-step product keeps only a relative accuracy of about
ε·e^{r(λ_1 − λ_i)} (ε = 2^-52), so the trailing exponents of a wide spectrum need r = 1 (for
λ_1 − λ_i = 3.6 per step, r = 7 already leaves them about 1e-3 off).  A product that leaves
the float64 range (overflow, or underflow of a multi-step product) is refused with a
ValueError.

``convergence``: the spread (max − min) of the running estimate of λ_max, (Σ log |R_jj|)/steps
for the column j with the largest total (j = 1 unless the Jacobians never mix the columns),
over the last half of the steps after the burn-in; small means the T steps sufficed.
"""

from dataclasses import dataclass

import numpy as np

from numeric import display
from numeric.backends import backend as get_backend
from numeric.step_chunks import apply_step, cell_chunks, elman_chunks, on_backend

OVERFLOW_TEXT = ("the product of {r} step Jacobians between re-orthonormalisations left the "
                 "float64 range ({what}); use a smaller reorth_every")
LOG_TINY = float(np.log(np.finfo(float).tiny))   # below: a product of several steps underflowed


@dataclass(frozen=True)
class LyapunovSpectrum(display.Displayed):
    """``exponents`` (…, k) largest first, natural log per step; ``lambda_max`` (…),
    ``convergence`` (…); ``running`` (…, number of QR steps after the burn-in): the running
    λ_max at ``running_steps``; ``backend``/``device``: where the products ran."""

    exponents: np.ndarray
    lambda_max: np.ndarray
    convergence: np.ndarray
    running: np.ndarray
    running_steps: np.ndarray
    T: int
    burn_in: int
    reorth_every: int
    backend: str
    device: str

    def _display_parts(self):
        return display.lyapunov_parts(self)


def check_options(T, S, k, burn_in, reorth_every):
    """The validated k (None: S); ValueError naming the option."""
    k = S if k is None else k
    for name, value, low in (("T", T, 1), ("k", k, 1), ("burn_in", burn_in, 0),
                             ("reorth_every", reorth_every, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if k > S:
        raise ValueError(f"k must be at most the state size {S}, got {k}")
    if burn_in >= T:
        raise ValueError(f"burn_in must be below the number of steps T = {T}, got {burn_in}")
    return int(k)


def qr_steps(T, burn_in, reorth_every):
    """The steps after which a QR is taken: every ``reorth_every`` steps, at the end of the
    burn-in and at T."""
    steps = set(range(reorth_every, T + 1, reorth_every)) | {T}
    if burn_in:
        steps.add(burn_in)
    return np.array(sorted(steps))


def start_frame(S, k, batch):
    """Q_0: identity columns when k = S, else k orthonormal columns from default_rng(0)."""
    if k == S:
        Q = np.eye(S)
    else:
        Q = np.linalg.qr(np.random.default_rng(0).standard_normal((S, k)))[0]
    return np.broadcast_to(Q, (*batch, S, k)).copy()


def qr_log_diagonals(bk, chunks, Q0, steps):
    """log |diag R| at every QR step (len(steps), *batch, k), the Jacobians from ``chunks``."""
    Q, wanted, out, since = bk.asarray(Q0), set(int(s) for s in steps), [], 0
    for chunk in chunks:
        arrays = on_backend(bk, chunk)
        for i in range(len(chunk)):
            Q = apply_step(bk, chunk, arrays, i, Q)
            since += 1
            if chunk.start + i + 1 in wanted:
                Q, R = bk.qr(Q)
                logs = bk.to_numpy(bk.log_abs_diagonal(R))
                if np.isposinf(logs).any() or np.isnan(logs).any():
                    raise ValueError(OVERFLOW_TEXT.format(r=since, what="overflow"))
                if since > 1 and (logs < LOG_TINY).any():
                    # one step's R may be tiny or 0 (a dead unit: λ = −inf); several steps'
                    # product below the normal range has lost digits or underflowed to 0
                    raise ValueError(OVERFLOW_TEXT.format(r=since, what="underflow"))
                out.append(logs)
                since = 0
    return np.stack(out)


def spectrum_from_logs(logs, steps, T, burn_in, reorth_every, bk):
    """Exponents, λ_max, the running λ_max and its convergence from the QR log-diagonals."""
    after = steps > burn_in
    counted = np.cumsum(logs[after], axis=0)
    elapsed = (steps[after] - burn_in).astype(float)
    # the running estimate follows the column whose total is largest: column 0 generically,
    # but not when the Jacobians never mix the start's columns (IndRNN's diagonal J_k)
    top = np.argmax(counted[-1], axis=-1)[None, ..., None]
    leading = np.take_along_axis(counted, np.broadcast_to(top, counted.shape[:-1] + (1,)),
                                 axis=-1)[..., 0]
    with np.errstate(invalid="ignore"):
        exponents = -np.sort(-(counted[-1] / (T - burn_in)), axis=-1)
        running = np.moveaxis(leading / elapsed.reshape((-1,) + (1,) * (counted.ndim - 2)),
                              0, -1)
        late = running[..., elapsed >= (T - burn_in) / 2]
        spread = late.max(axis=-1) - late.min(axis=-1)
    return LyapunovSpectrum(exponents, exponents[..., 0], spread, running, steps[after], T,
                            burn_in, reorth_every, bk.name, bk.device)


def spectrum_of_chunks(chunks, S, batch, T, k=None, burn_in=0, reorth_every=1, backend=None):
    """The spectrum of the Jacobians that ``chunks`` yields (T steps, state size S)."""
    k = check_options(T, S, k, burn_in, reorth_every)
    bk = get_backend(backend)
    steps = qr_steps(T, burn_in, reorth_every)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        logs = qr_log_diagonals(bk, chunks, start_frame(S, k, batch), steps)
    return spectrum_from_logs(logs, steps, T, burn_in, reorth_every, bk)


def lyapunov_spectrum(case, k=None, *, burn_in=0, reorth_every=1, backend=None):
    """The k largest Lyapunov exponents (all by default) of ``case`` over its T steps: a
    ``numeric.Case`` (J_k = diag(φ'(a_k)) W_hh) or a ``numeric.CellCase`` (a cell's ∂s_k/∂s_{k−1},
    s = [h; c] for the LSTM), the state trajectory from its s_0 driven by its x."""
    if hasattr(case, "kind"):
        path = case.trajectory()
        S = path.states[0].shape[-1]
        chunks = cell_chunks(case.kind, case.activation, case.params, path)
    else:
        S = case.W_hh.shape[0]
        chunks = elman_chunks(case.activation, case.W_hh, case.trajectory().a)
    return spectrum_of_chunks(chunks, S, (), case.T, k, burn_in, reorth_every, backend)
