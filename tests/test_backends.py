"""Array backends for the sweeps' products (numeric.backends, numeric.backend_products): the
JAX and PyTorch backends, run on the CPU here, give the NumPy path's values to 1e-12 relative
on settings that are not chaotic; every product is also checked against a plain unrescaled
NumPy product written here."""

import json
import math

import numpy as np
import pytest

import numeric
from numeric import backends
from numeric.backend_products import product_log10_norms
from numeric.step_chunks import StepChunk
from reports.cli import BACKEND_NAMES, main

LN10 = math.log(10)
OTHERS = ("jax", "torch")


def rel(a, b):
    """Largest relative difference of the norms whose log10 are a and b (|Δ log10| · ln 10)."""
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) * LN10


def test_unknown_backend_is_a_one_line_value_error():
    with pytest.raises(ValueError, match=r"unknown backend 'nope'; choose one of: numpy, jax"):
        numeric.array_backend("nope")
    with pytest.raises(ValueError, match="unknown backend"):
        numeric.gain_sweep(np.eye(2), [0.5], [1], backend="nope")


@pytest.mark.parametrize("name", OTHERS)
def test_backend_not_installed_says_how_to_install(name, monkeypatch):
    monkeypatch.setattr(backends.importlib.util, "find_spec", lambda module: None)
    with pytest.raises(ValueError, match=rf"needs {name}, which is not installed.*pip install "
                       rf"{name}.*--backend numpy"):
        numeric.array_backend(name)


def test_describe_names_backend_and_device():
    assert numeric.array_backend().describe() == {"backend": "numpy", "device": "cpu"}
    assert numeric.array_backend("jax").describe()["device"] in ("cpu", "gpu:0")
    assert numeric.array_backend("torch").describe()["device"] in ("cpu", "cuda:0")
    assert BACKEND_NAMES == numeric.BACKENDS


def plain_gain_norms(W0, gains, T_values, x, dphi):
    """Unrescaled loop, one gain at a time: P ← diag(g φ'(a)) W0 P, h ← φ(a)."""
    out = np.empty((len(gains), len(T_values)))
    for i, g in enumerate(gains):
        h, P = np.zeros(len(W0)), np.eye(len(W0))
        for t in range(1, max(T_values) + 1):
            a = g * (W0 @ h) + x[t - 1]
            h = np.tanh(a)
            P = (g * dphi(a))[:, None] * (W0 @ P)
            if t in T_values:
                out[i, T_values.index(t)] = np.log10(np.linalg.norm(P, 2))
    return out


def test_gain_sweep_backends_agree_with_numpy_and_a_plain_loop():
    n, T = 32, [1, 10, 200]
    W0 = np.random.default_rng(0).standard_normal((n, n)) / math.sqrt(n)
    x = 0.1 * np.random.default_rng(1).standard_normal((max(T), n))
    gains = np.linspace(0.25, 0.9, 6)
    ours = numeric.gain_sweep(W0, gains, T, inputs=x)
    assert (ours.backend, ours.device) == ("numpy", "cpu")
    plain = plain_gain_norms(W0, gains, T, x, lambda a: 1 / np.cosh(a) ** 2)
    assert rel(ours.log10_norm, plain) < 1e-12
    for name in OTHERS:
        other = numeric.gain_sweep(W0, gains, T, inputs=x, backend=name)
        assert other.backend == name and other.device in ("cpu", "gpu:0", "cuda:0")
        assert rel(other.log10_norm, ours.log10_norm) < 1e-12
        np.testing.assert_array_equal(other.log10_bound, ours.log10_bound)
        assert other.to_dict()["backend"] == name
        assert other.to_dict()["device"] == other.device


@pytest.mark.parametrize("cell", ["elman", "lstm", "gru", "indrnn"])
def test_cell_gain_sweep_backends_agree_with_numpy(cell):
    ours = numeric.cell_gain_sweep(cell, [0.3, 0.6, 0.9], [1, 7, 40], hidden=4, seed=2)
    for name in OTHERS:
        other = numeric.cell_gain_sweep(cell, [0.3, 0.6, 0.9], [1, 7, 40], hidden=4, seed=2,
                                        backend=name)
        assert (other.backend, other.to_dict()["backend"]) == (name, name)
        assert rel(other.log10_norm, ours.log10_norm) < 1e-12
        assert rel(other.log10_norm_h, ours.log10_norm_h) < 1e-12
        assert other.regime.tolist() == ours.regime.tolist()


def test_forget_bias_sweep_backends_agree_with_numpy():
    ours = numeric.forget_bias_sweep([-2.0, 0.0, 3.0], [1, 20, 60], hidden=3, seed=1)
    for name in OTHERS:
        other = numeric.forget_bias_sweep([-2.0, 0.0, 3.0], [1, 20, 60], hidden=3, seed=1,
                                          backend=name)
        assert rel(other.log10_norm, ours.log10_norm) < 1e-12
        assert rel(other.log10_norm_h, ours.log10_norm_h) < 1e-12


def random_chunks(rng, T, batch, S, dense, length=4):
    """Chunks of random step Jacobians (length steps each) and the same Jacobians as a list."""
    W = rng.standard_normal((S, S)) / math.sqrt(S)
    chunks, steps = [], []
    for start in range(0, T, length):
        L = min(length, T - start)
        if dense:
            J = rng.standard_normal((L, *batch, S, S)) / math.sqrt(S)
            chunks.append(StepChunk(start, dense=J))
            steps.extend(J)
        else:
            scale = rng.uniform(0.2, 1.5, (L, *batch, S))
            chunks.append(StepChunk(start, scale=scale, W=W))
            steps.extend(scale[..., :, None] * W)
    return chunks, steps


@pytest.mark.parametrize("name", backends.BACKENDS)
@pytest.mark.parametrize("dense", [False, True])
def test_product_log10_norms_match_a_plain_product(name, dense):
    rng = np.random.default_rng(7)
    T_values, batch, S, block = [9, 1, 4, 9], (2, 3), 6, 2
    chunks, steps = random_chunks(rng, max(T_values), batch, S, dense)
    full, top = product_log10_norms(numeric.array_backend(name), iter(chunks), T_values,
                                    n_block=block)
    assert full.shape == top.shape == (len(T_values), *batch)
    P = np.broadcast_to(np.eye(S), (*batch, S, S))
    for t, J in enumerate(steps, start=1):
        P = J @ P
        for i in (i for i, T in enumerate(T_values) if T == t):
            assert rel(full[i], np.log10(np.linalg.norm(P, 2, axis=(-2, -1)))) < 1e-12
            assert rel(top[i], np.log10(np.linalg.norm(P[..., :block, :block], 2,
                                                       axis=(-2, -1)))) < 1e-12


def test_product_log10_norms_rejects_a_T_beyond_the_steps():
    chunks, _ = random_chunks(np.random.default_rng(0), 5, (1,), 2, False)
    with pytest.raises(ValueError, match="at most the number of steps 5, got 6"):
        product_log10_norms(numeric.array_backend(), chunks, [2, 6])
    with pytest.raises(ValueError, match="T must be >= 1"):
        product_log10_norms("numpy", chunks, [0])
    with pytest.raises(ValueError, match="unknown backend"):
        product_log10_norms("nope", chunks, [1])


@pytest.mark.parametrize("name", backends.BACKENDS)
def test_long_product_far_beyond_float64_is_finite_and_exact(name):
    """identity φ, W0 orthogonal, no drive: ∂h_T/∂h_0 = (g W0)^T, ‖·‖₂ = g^T; at g = 1.5 and
    T = 3000 that is 10^528.3, far beyond float64's 1.8·10^308."""
    W0 = np.linalg.qr(np.random.default_rng(3).standard_normal((8, 8)))[0]
    gains, T = np.array([0.5, 1.5]), [10, 3000]
    result = numeric.gain_sweep(W0, gains, T, activation="identity", backend=name)
    exact = np.array(T)[None, :] * np.log10(gains)[:, None]
    assert np.all(np.isfinite(result.log10_norm)) and result.log10_norm[1, 1] > 528
    assert np.max(np.abs(result.log10_norm - exact) / np.abs(exact)) < 1e-12


def test_cli_backend_in_the_json_and_refused_for_the_scalar_sweep(capsys):
    argv = ["sweep", "--cell", "elman", "--gain", "0.5,0.8", "--T", "1,5", "--hidden", "3"]
    assert main([*argv, "--json", "--backend", "torch"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backend"] == "torch" and data["device"] in ("cpu", "cuda:0")
    assert main([*argv, "--json"]) == 0
    numpy_data = json.loads(capsys.readouterr().out)
    assert (numpy_data["backend"], numpy_data["device"]) == ("numpy", "cpu")
    assert rel(data["log10_norm"], numpy_data["log10_norm"]) < 1e-12
    assert main(["sweep", "--w", "0.5", "--T", "1", "--backend", "jax"]) == 2
    assert "--backend applies to the cell sweeps" in capsys.readouterr().err


def test_rescale_steps_follow_the_growth_bounds():
    """Mild steps (|d| ≤ 1, ‖W‖_∞ = 1): one rescale, at the chunk's end; steps that may grow
    by 2^300 each: a rescale every third step (a fourth would pass 2^900); a zero scale (a dead
    unit: σ_min bound 0): every step."""
    from numeric.backend_products import rescale_steps
    from numeric.step_chunks import StepChunk

    W = np.eye(4)
    mild = StepChunk(0, scale=np.full((50, 2, 4), 0.9), W=W)
    assert rescale_steps(mild).tolist() == [False] * 49 + [True]
    steep = StepChunk(0, scale=np.full((6, 1, 4), 2.0**300), W=W)
    assert rescale_steps(steep).tolist() == [False, False, True] * 2
    dead = StepChunk(0, scale=np.zeros((3, 1, 4)), W=W)
    assert rescale_steps(dead).tolist() == [True] * 3
