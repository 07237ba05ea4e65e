"""numeric.lyapunov_spectrum: the identity cell against 50-digit mpmath and the Schur/QR limit,
the tanh Elman RNN against a sequential QR loop written here, the options and their errors, and
the jax / torch backends against numpy."""

import math

import mpmath
import numpy as np
import pytest
import torch

import derive
import numeric


def _case(activation, W, T, seed=0, drive=0.5):
    """An Elman Case (y None) with input size 1, random drive and start."""
    rng = np.random.default_rng(seed)
    n = len(W)
    return numeric.Case(derive.activation(activation), np.array(W, dtype=float),
                        drive * rng.standard_normal((n, 1)), 0.1 * rng.standard_normal(n),
                        0.3 * rng.standard_normal(n), rng.standard_normal((T, 1)))


def _elman_jacobians(case):
    """J_k = diag(1 − tanh(a_k)²) W_hh along a forward pass written here (tanh only)."""
    h, J = case.h0, []
    for x_k in case.x:
        a = case.W_hh @ h + case.W_xh @ x_k + case.b_h
        h = np.tanh(a)
        J.append((1 - h * h)[:, None] * case.W_hh)
    return np.array(J)


def _start(S, k):
    """The documented start frame: identity columns for k = S, else the Q of a
    default_rng(0) standard-normal (S, k) draw."""
    if k == S:
        return np.eye(S)
    return np.linalg.qr(np.random.default_rng(0).standard_normal((S, k)))[0]


def _qr_loop(J, k):
    """log |diag R_k| for every step of the plain sequential QR method, (T, k)."""
    Q, logs = _start(J.shape[-1], k), []
    for J_k in J:
        Q, R = np.linalg.qr(J_k @ Q)
        logs.append(np.log(np.abs(np.diag(R))))
    return np.array(logs)


def _mp_qr_log_diagonal(W, T, dps=50):
    """log |diag R| of the QR of W^T, both by mpmath at ``dps`` digits (modified
    Gram–Schmidt: R_jj is the norm of column j after removing the earlier directions)."""
    with mpmath.workdps(dps):
        P = mpmath.matrix(W.tolist()) ** T
        n = P.rows
        cols = [[P[i, j] for i in range(n)] for j in range(n)]
        logs = []
        for j in range(n):
            v = cols[j]
            norm = mpmath.sqrt(mpmath.fsum(t * t for t in v))
            logs.append(float(mpmath.log(norm)))
            q = [t / norm for t in v]
            for later in cols[j + 1:]:
                dot = mpmath.fsum(a * b for a, b in zip(q, later, strict=True))
                later[:] = [b - dot * a for a, b in zip(q, later, strict=True)]
    return np.array(logs)


# --- identity activation: J_k = W_hh every step -------------------------------------------------

def test_identity_exponents_are_the_qr_of_the_matrix_power_exactly():
    # with Q_0 = I: Q_T R_T ⋯ R_1 = W^T, so T·λ_i are the log |diag R| of QR(W^T) for every T
    rng = np.random.default_rng(3)
    W = 1.3 * rng.standard_normal((4, 4)) / 2
    for T in (1, 7, 30):
        got = numeric.lyapunov_spectrum(_case("identity", W, T))
        want = np.sort(_mp_qr_log_diagonal(W, T))[::-1]
        np.testing.assert_allclose(got.exponents * T, want, rtol=1e-10, atol=1e-10)


def _schur_matrix():
    """W = V B V⁻¹: eigenvalues 1.5, −0.9, 0.5 ± 0.4i (modulus √0.41), 0.2."""
    B = np.zeros((5, 5))
    B[0, 0], B[1, 1], B[4, 4] = 1.5, -0.9, 0.2
    B[2:4, 2:4] = [[0.5, -0.4], [0.4, 0.5]]
    V = np.eye(5) + 0.3 * np.random.default_rng(5).standard_normal((5, 5))
    return V @ B @ np.linalg.inv(V)


def test_identity_exponents_tend_to_log_abs_eigenvalues():
    # the Schur/QR limit: after a burn-in the frame is the Schur basis and |R_ii| → |λ_i|;
    # the complex pair shares one modulus, so only its sum is a limit (a 2-d rotation inside)
    W = _schur_matrix()
    moduli = np.sort(np.abs(np.linalg.eigvals(W)))[::-1]
    assert np.allclose(moduli, [1.5, 0.9, math.sqrt(0.41), math.sqrt(0.41), 0.2])
    got = numeric.lyapunov_spectrum(_case("identity", W, 700), burn_in=400).exponents
    want = np.log(moduli)
    for i in (0, 1, 4):
        assert abs(got[i] - want[i]) < 1e-10
    assert abs(got[2] + got[3] - 2 * want[2]) < 1e-10
    assert got[2] - got[3] < 0.05      # the pair's split is a 1/T rotation average
    # the same from a k = 3 random frame: the three leading directions
    top = numeric.lyapunov_spectrum(_case("identity", W, 700), 3, burn_in=400).exponents
    assert abs(top[0] - want[0]) < 1e-10 and abs(top[1] - want[1]) < 1e-10


def test_identity_triangular_matrix_is_exact_every_step():
    # W upper triangular, Q_0 = I: J Q = W is already triangular, R_k = W (up to signs) each step
    W = np.triu(np.random.default_rng(2).standard_normal((4, 4)))
    np.fill_diagonal(W, [0.3, -2.0, 1.1, 0.7])
    got = numeric.lyapunov_spectrum(_case("identity", W, 25))
    np.testing.assert_allclose(got.exponents, np.sort(np.log([0.3, 2.0, 1.1, 0.7]))[::-1],
                               rtol=0, atol=1e-15)
    # the columns never mix: the running λ_max follows the column of |W_22| = 2, not column 1
    np.testing.assert_allclose(got.running, math.log(2.0), rtol=0, atol=1e-15)
    assert got.convergence < 1e-15


# --- tanh Elman against the sequential QR loop -------------------------------------------------

@pytest.mark.parametrize("gain", [0.5, 3.0])
def test_tanh_elman_matches_sequential_qr_loop(gain):
    n, T = 6, 120
    W = gain * np.random.default_rng(11).standard_normal((n, n)) / math.sqrt(n)
    case = _case("tanh", W, T, seed=1)
    J = _elman_jacobians(case)
    for k in (n, 3):
        logs = _qr_loop(J, k)
        got = numeric.lyapunov_spectrum(case, k)
        np.testing.assert_allclose(got.exponents, np.sort(logs.sum(0) / T)[::-1],
                                   rtol=0, atol=1e-10)
        running = np.cumsum(logs[:, np.argmax(logs.sum(0))]) / np.arange(1, T + 1)
        np.testing.assert_allclose(got.running, running, rtol=0, atol=1e-10)
        late = running[np.arange(1, T + 1) >= T / 2]
        assert abs(got.convergence - (late.max() - late.min())) < 1e-10
        assert got.lambda_max == got.exponents[0]


@pytest.mark.parametrize("gain", [0.5, 3.0])
def test_tanh_elman_burn_in_and_reorth_every(gain):
    # burn-in: only the log |R| after step b count, divided by T − b; reorth_every r: the
    # product of r Jacobians between QRs has the same R-diagonal product in exact arithmetic.
    # In floating point R_ii of an r-step product keeps ~ ε e^{r(λ_1 − λ_i)} relative error:
    # at gain 3 (λ_1 − λ_6 ≈ 3.6) r = 7 leaves the last two exponents ~1e-3 off (measured), so
    # there only λ_1 (and r = 2 for all) is asserted.
    n, T, b = 6, 120, 30
    W = gain * np.random.default_rng(11).standard_normal((n, n)) / math.sqrt(n)
    case = _case("tanh", W, T, seed=1)
    logs = _qr_loop(_elman_jacobians(case), n)
    want = np.sort(logs[b:].sum(0) / (T - b))[::-1]
    for r in (1, 2, 5, 7):
        got = numeric.lyapunov_spectrum(case, burn_in=b, reorth_every=r)
        top = n if gain < 1 or r <= 2 else 1
        np.testing.assert_allclose(got.exponents[:top], want[:top], rtol=0, atol=1e-10)
        steps = sorted(set(range(r, T + 1, r)) | {b, T})
        assert list(got.running_steps) == [s for s in steps if s > b]
        running = np.cumsum(logs[b:, np.argmax(logs[b:].sum(0))])[got.running_steps - b - 1]
        np.testing.assert_allclose(got.running, running / (got.running_steps - b), atol=1e-10)
        late = got.running[got.running_steps - b >= (T - b) / 2]
        assert got.convergence == late.max() - late.min()


def test_lambda_max_is_the_growth_rate_of_the_jacobian_product():
    # (1/T) log ‖∂h_T/∂h_0‖₂ − λ_max = O(1/T): log of the start's overlap with the leading
    # Lyapunov direction and of the leading Lyapunov vector's conditioning; |diff|·T tends to a
    # constant (measured at T = 100, 400, 1600: 0.85–0.90 for the norm, 2.7–3.2 for the k = 1
    # random start).  The bound 5/T leaves room without hiding an O(1) error.
    n = 8
    for gain, T in ((0.6, 400), (3.0, 400)):
        W = gain * np.random.default_rng(4).standard_normal((n, n)) / math.sqrt(n)
        case = _case("tanh", W, T, seed=2)
        P = numeric.jacobian_product(_elman_jacobians(case))
        rate = P.log10_norm * math.log(10) / T
        got = numeric.lyapunov_spectrum(case)
        assert abs(got.lambda_max - rate) < 5 / T, (gain, got.lambda_max, rate)
        one = numeric.lyapunov_spectrum(case, 1)      # random start, one column
        assert abs(one.lambda_max - got.lambda_max) < 5 / T


# --- options -----------------------------------------------------------------------------------

@pytest.mark.parametrize("options, message", [
    ({"k": 0}, "k must be an integer >= 1, got 0"),
    ({"k": 5}, "k must be at most the state size 4, got 5"),
    ({"k": 2.0}, "k must be an integer >= 1, got 2.0"),
    ({"k": True}, "k must be an integer >= 1, got True"),
    ({"burn_in": -1}, "burn_in must be an integer >= 0, got -1"),
    ({"burn_in": 10}, "burn_in must be below the number of steps T = 10, got 10"),
    ({"reorth_every": 0}, "reorth_every must be an integer >= 1, got 0"),
    ({"backend": "cupy"}, "unknown backend 'cupy'"),
])
def test_bad_options(options, message):
    case = _case("tanh", np.eye(4), 10)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        numeric.lyapunov_spectrum(case, **options)


@pytest.mark.parametrize("scale, what", [(1e10, "overflow"), (1e-10, "underflow")])
def test_absurd_reorth_every_is_refused(scale, what):
    # (1e±10)^40 = 1e±400 is outside float64: the product of 40 steps cannot be formed
    # (h_0 = 0 and no drive: the trajectory stays at 0, only the Jacobians are extreme)
    case = numeric.Case(derive.activation("identity"), scale * np.eye(4), np.zeros((4, 1)),
                        np.zeros(4), np.zeros(4), np.zeros((80, 1)))
    with pytest.raises(ValueError, match=rf"40 step Jacobians.*\({what}\).*reorth_every"):
        numeric.lyapunov_spectrum(case, reorth_every=40)
    got = numeric.lyapunov_spectrum(case, reorth_every=20)     # 1e±200: fine
    np.testing.assert_allclose(got.exponents, math.log(scale), rtol=1e-14)


def test_dead_unit_gives_minus_infinity_at_reorth_every_one():
    # relu with unit 2 always below 0 (a_2 = 0.5 h_2 − 1, h_2 = 0): J_k's second row is exactly
    # 0, so λ_2 = −inf is the true value; unit 1 (a_1 = 0.5 h_1 > 0) gives λ_1 = log 0.5
    case = numeric.Case(derive.activation("relu"), np.diag([0.5, 0.5]), np.zeros((2, 1)),
                        np.array([0.0, -1.0]), np.array([1.0, 0.0]), np.zeros((6, 1)))
    got = numeric.lyapunov_spectrum(case)
    assert got.T == 6 and got.exponents[1] == -math.inf
    assert abs(got.exponents[0] - math.log(0.5)) < 1e-15


# --- backends ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["jax", "torch"])
def test_backends_agree_with_numpy_off_chaos(name):
    n, T = 8, 60
    case = _case("tanh", 0.5 * np.random.default_rng(6).standard_normal((n, n)) / math.sqrt(n),
                 T, seed=3)
    want = numeric.lyapunov_spectrum(case, burn_in=20)
    for k in (n, 2):
        got = numeric.lyapunov_spectrum(case, k, burn_in=20, backend=name)
        np.testing.assert_allclose(got.exponents, want.exponents[:k] if k == n else
                                   numeric.lyapunov_spectrum(case, k, burn_in=20).exponents,
                                   rtol=1e-12, atol=0)
        assert got.backend == name and got.device in ("cpu", "cuda:0", "gpu:0")


def test_case_from_torch_cells():
    torch.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((40, 2))
    for module in (torch.nn.RNN(2, 3), torch.nn.LSTMCell(2, 3), torch.nn.GRU(2, 3)):
        case = numeric.case_from_torch(module, x)
        J = case.step_jacobians()
        logs = _qr_loop(J, J.shape[-1])
        got = numeric.lyapunov_spectrum(case)
        np.testing.assert_allclose(got.exponents, np.sort(logs.sum(0) / 40)[::-1], atol=1e-10)


def test_chunking_does_not_change_the_result(monkeypatch):
    # one step per chunk (QR steps, the burn-in and reorth_every crossing chunk boundaries)
    # multiplies the same Jacobians in the same order as one chunk for all steps
    import numeric.step_chunks

    n, T = 5, 40
    elman = _case("tanh", 2.0 * np.random.default_rng(8).standard_normal((n, n)) / math.sqrt(n),
                  T, seed=4)
    kind = derive.cell_kind("lstm")
    lstm = numeric.CellCase(kind, None, numeric.default_parameters(kind, 3, 1, 0),
                            np.zeros(6), np.random.default_rng(1).standard_normal((T, 1)))
    options = {"burn_in": 7, "reorth_every": 3}
    want = [numeric.lyapunov_spectrum(c, **options) for c in (elman, lstm)]
    monkeypatch.setattr(numeric.step_chunks, "CHUNK_ENTRIES", 1)
    got = [numeric.lyapunov_spectrum(c, **options) for c in (elman, lstm)]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g.exponents, w.exponents)
        np.testing.assert_array_equal(g.running, w.running)


def test_spectrum_of_chunks_needs_steps():
    from numeric.lyapunov import spectrum_of_chunks

    with pytest.raises(ValueError, match="T must be an integer >= 1, got 0"):
        spectrum_of_chunks(iter(()), 3, (), 0)


def test_notebook_tables_show_the_exponents():
    """``_repr_markdown_`` of a spectrum and of a gain sweep: the numbers of the result, in
    rows, with the units in the caption."""
    n, T = 4, 60
    lam = np.array([0.9, 0.5, -0.4, 0.2])
    case = numeric.Case(derive.activation("identity"), np.diag(lam), np.zeros((n, 1)),
                        np.zeros(n), np.zeros(n), np.zeros((T, 1)))
    text = numeric.lyapunov_spectrum(case)._repr_markdown_()
    values = [float(line.split("|")[2]) for line in text.splitlines()[4:]]
    assert values == pytest.approx(np.sort(np.log(np.abs(lam)))[::-1], rel=1e-5)  # 6 digits
    assert "natural log per step" in text
    sweep = numeric.lyapunov_gain_sweep("elman", [0.5, 2.0], 100, hidden=8)
    rows = [line.split("|") for line in sweep._repr_markdown_().splitlines()[4:]]
    assert [float(r[2]) for r in rows] == pytest.approx(sweep.lambda_max.tolist(), rel=1e-5)
