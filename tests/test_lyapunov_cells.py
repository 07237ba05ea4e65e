"""numeric.lyapunov_spectrum on every cell and numeric.lyapunov_gain_sweep: against a sequential
QR loop written here (Jacobians checked by central differences), the Jacobian product's growth
rate, the per-gain single cases, numpy.linalg's norms, and the edge of chaos at n = 256."""

import math

import numpy as np
import pytest

import derive
import numeric
from numeric.cell_sweep import gain_parameters, sweep_inputs

GAINS = {"elman": 2.0, "lstm": 3.0, "gru": 3.0, "indrnn": 1.2}


def _one_gain(name, gain, n, T, seed=0, s0=None):
    """A CellCase with the recurrent parameter gain × its sweep draw (tanh), drive as the sweep."""
    kind = derive.cell_kind(name)
    params = {key: value[0] if key == kind.recurrent_parameter else value
              for key, value in gain_parameters(kind, [gain], n, 1, seed).items()}
    x, _ = sweep_inputs(T, 1, seed)
    act = derive.activation("tanh") if kind.takes_activation else None
    S = n * len(kind.state)
    s0 = np.zeros(S) if s0 is None else s0
    return numeric.CellCase(kind, act, params, s0, x)


def _qr_loop(J, k):
    """log |diag R_k| of the sequential QR method from the documented start frame, (T, k)."""
    S = J.shape[-1]
    Q = np.eye(S) if k == S else np.linalg.qr(np.random.default_rng(0).standard_normal((S, k)))[0]
    logs = []
    for J_k in J:
        Q, R = np.linalg.qr(J_k @ Q)
        logs.append(np.log(np.abs(np.diag(R))))
    return np.array(logs)


def _central_difference_jacobian(case, step, h=1e-6):
    """∂s_k/∂s_{k−1} at step k by central differences of one forward step."""
    path = case.trajectory()
    s, S = path.states[step - 1], len(case.s0)
    x = case.x[step - 1:step]
    columns = []
    for j in range(S):
        e = np.zeros(S)
        e[j] = h
        plus = numeric.cell_forward(case.kind, case.activation, case.params, s + e, x)
        minus = numeric.cell_forward(case.kind, case.activation, case.params, s - e, x)
        columns.append((plus.states[-1] - minus.states[-1]) / (2 * h))
    return np.array(columns).T


@pytest.mark.parametrize("name", list(GAINS))
def test_every_cell_matches_sequential_qr_loop(name):
    n, T = 4, 80
    S = n * len(derive.cell_kind(name).state)
    case = _one_gain(name, GAINS[name], n, T, seed=1,
                     s0=0.5 * np.random.default_rng(2).standard_normal(S))
    J = case.step_jacobians()
    for step in (1, T // 2, T):
        np.testing.assert_allclose(J[step - 1], _central_difference_jacobian(case, step),
                                   rtol=0, atol=1e-8)
    for k in (S, 3):
        logs = _qr_loop(J, k)
        got = numeric.lyapunov_spectrum(case, k)
        np.testing.assert_allclose(got.exponents, np.sort(logs.sum(0) / T)[::-1],
                                   rtol=0, atol=1e-10)
        # the running λ_max follows the leading column: not column 0 for IndRNN (diagonal J_k,
        # identity start: the columns never mix)
        top = np.argmax(logs.sum(0))
        np.testing.assert_allclose(got.running, np.cumsum(logs[:, top]) / np.arange(1, T + 1),
                                   rtol=0, atol=1e-10)
        assert abs(got.running[-1] - got.lambda_max) < 1e-15
        late = got.running[T // 2 - 1:]
        assert got.convergence == late.max() - late.min()


@pytest.mark.parametrize("name", list(GAINS))
def test_every_cell_lambda_max_is_the_growth_rate(name):
    # |λ_max − (1/T) log ‖∂s_T/∂s_0‖₂| and |λ_max(k = 1, random start) − λ_max(all)| are O(1/T)
    # (start-up transients); measured at T = 300: at most 3.7/T over these cells; bound 6/T
    n, T = 4, 300
    case = _one_gain(name, GAINS[name], n, T, seed=1)
    P = numeric.cell_jacobian_product(case.kind, case.activation, case.params,
                                      case.trajectory())
    rate = P.log10_norm * math.log(10) / T
    full = numeric.lyapunov_spectrum(case)
    one = numeric.lyapunov_spectrum(case, 1)
    assert abs(full.lambda_max - rate) < 6 / T, (full.lambda_max, rate)
    assert abs(one.lambda_max - full.lambda_max) < 6 / T, (one.lambda_max, full.lambda_max)


@pytest.mark.parametrize("name", list(GAINS))
def test_gain_sweep_equals_single_gain_cases(name):
    # the sweep's batched pass against one unbatched CellCase per gain; gains off chaos, where
    # the Elman sweep's g (W0 h) and the case's (g W0) h round alike to 1e-10
    n, T, gains = 4, 60, [0.3, 0.8]
    result = numeric.lyapunov_gain_sweep(name, gains, T, hidden=n, seed=2, k=None, burn_in=10)
    S = n * len(derive.cell_kind(name).state)
    assert result.exponents.shape == (2, S) and result.k == S
    for i, g in enumerate(gains):
        one = numeric.lyapunov_spectrum(_one_gain(name, g, n, T, seed=2), burn_in=10)
        np.testing.assert_allclose(result.exponents[i], one.exponents, rtol=0, atol=1e-10)
        assert abs(result.convergence[i] - one.convergence) < 1e-10


def test_edge_of_chaos_at_n_256():
    # the acceptance: tanh Elman, n = 256, T = 1000, burn-in 200
    n, T, b = 256, 1000, 200
    result = numeric.lyapunov_gain_sweep("elman", [0.5, 2.0], T, hidden=n, burn_in=b)
    assert result.lambda_max[0] < 0 < result.lambda_max[1]
    assert (result.convergence < 0.01).all()
    W0 = np.random.default_rng(0).standard_normal((n, n)) / math.sqrt(n)
    for i, g in enumerate([0.5, 2.0]):
        rho = np.abs(np.linalg.eigvals(g * W0)).max()
        sigma = np.linalg.svd(g * W0, compute_uv=False)[0]
        assert abs(result.spectral_radius[i] - rho) < 1e-12 * rho
        assert abs(result.sigma_max[i] - sigma) < 1e-12 * sigma
        assert abs(rho / g - 1) < 0.1 and abs(sigma / (2 * g) - 1) < 0.1   # random-matrix limits
    # the single-gain cases: (g W0) h rounds differently from the sweep's g (W0 h); at g = 0.5
    # (contracting) the difference stays a rounding, at g = 2 (chaotic) the trajectories part
    # and λ_max agrees only to the estimates' own convergence
    for i, g in enumerate([0.5, 2.0]):
        one = numeric.lyapunov_spectrum(_one_gain("elman", g, n, T), 1, burn_in=b)
        tolerance = 1e-10 if g < 1 else result.convergence[i] + one.convergence
        assert abs(one.lambda_max - result.lambda_max[i]) < tolerance, (g, one.lambda_max)


@pytest.mark.parametrize("name", list(GAINS))
def test_gain_sweep_recurrent_norms(name):
    # ρ and σ_max of g × the recurrent draw, by numpy.linalg on the matrices built here
    n, gains = 5, [0.5, -1.5, 2.0]
    kind = derive.cell_kind(name)
    result = numeric.lyapunov_gain_sweep(name, gains, 3, hidden=n, seed=3)
    base = numeric.recurrent_base(kind, n, 1, 3)[0][kind.recurrent_parameter]
    for i, g in enumerate(gains):
        if name == "indrnn":
            rho = sigma = np.abs(g * base).max()
        else:
            blocks = [g * base[j:j + n] for j in range(0, len(base), n)]
            rho = max(np.abs(np.linalg.eigvals(B)).max() for B in blocks)
            sigma = np.linalg.svd(g * base, compute_uv=False)[0]
        assert abs(result.spectral_radius[i] - rho) < 1e-12 * rho
        assert abs(result.sigma_max[i] - sigma) < 1e-12 * sigma


@pytest.mark.parametrize("options, message", [
    ({"hidden": 0}, "hidden must be an integer >= 1, got 0"),
    ({"hidden": 2.5}, "hidden must be an integer >= 1, got 2.5"),
    ({"inputs": 0}, "inputs must be an integer >= 1, got 0"),
    ({"seed": -1}, "seed must be an integer >= 0, got -1"),
    ({"T": 0}, "T must be an integer >= 1, got 0"),
    ({"k": 4}, "k must be at most the state size 3, got 4"),
    ({"burn_in": 5}, "burn_in must be below the number of steps T = 5, got 5"),
    ({"reorth_every": 0}, "reorth_every must be an integer >= 1, got 0"),
    ({"gains": []}, "gains must be a non-empty"),
    ({"cell": "lstm", "activation": "relu"}, "--activation does not apply to lstm"),
])
def test_gain_sweep_bad_input(options, message):
    args = {"cell": "elman", "gains": [1.0], "T": 5, "hidden": 3, **options}
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        numeric.lyapunov_gain_sweep(args.pop("cell"), args.pop("gains"), args.pop("T"), **args)
