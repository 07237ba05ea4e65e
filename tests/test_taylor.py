"""The Taylor test: slope 2 for correct gradients and 1 for wrong ones, on a NumPy quadratic, a
tanh RNN written as a loop here (its BPTT by hand), a torch model (torch.autograd.grad) and a
JAX function (jax.grad, x64); dict parameters; bad input."""

import numpy as np
import pytest

from numeric import taylor_test

A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
THETA = np.array([0.3, -1.2, 2.0])


def quadratic(p):
    return 0.5 * p @ A @ p + np.sin(p).sum()


def quadratic_grad(p):
    return A @ p + np.cos(p)


def rnn_data(n=4, T=8, m=2, seed=3):
    rng = np.random.default_rng(seed)
    params = {"W": 0.8 * rng.standard_normal((n, n)), "U": rng.standard_normal((n, m)),
              "b": 0.1 * rng.standard_normal(n), "h0": rng.standard_normal(n)}
    return params, rng.standard_normal((T, m)), rng.standard_normal(n)


def rnn_loss(p, x, y):
    """L = ½‖h_T − y‖², h_k = tanh(W h_{k−1} + U x_k + b)."""
    h = p["h0"]
    for x_k in x:
        h = np.tanh(p["W"] @ h + p["U"] @ x_k + p["b"])
    return 0.5 * np.sum((h - y) ** 2)


def rnn_grad(p, x, y, drop_derivative=False):
    """Hand-written BPTT; ``drop_derivative`` leaves out diag φ'(a_k) (a classic mistake)."""
    hs = [p["h0"]]
    for x_k in x:
        hs.append(np.tanh(p["W"] @ hs[-1] + p["U"] @ x_k + p["b"]))
    g, grads = hs[-1] - y, {key: np.zeros_like(value) for key, value in p.items()}
    for k in range(len(x), 0, -1):
        delta = g if drop_derivative else g * (1 - hs[k] ** 2)
        grads["W"] += np.outer(delta, hs[k - 1])
        grads["U"] += np.outer(delta, x[k - 1])
        grads["b"] += delta
        g = p["W"].T @ delta
    grads["h0"] = g
    return grads


def assert_slopes(result, target):
    assert len(result.slopes) == 4
    assert all(abs(s - target) < 0.1 for s in result.slopes), result.slopes
    assert result.passed == (target == 2)


def test_taylor_quadratic_slopes():
    assert_slopes(taylor_test(quadratic, quadratic_grad, THETA), 2)
    assert_slopes(taylor_test(quadratic, lambda p: quadratic_grad(p) * 1.1, THETA), 1)


def test_taylor_rnn_dict_params_slopes():
    params, x, y = rnn_data()
    assert_slopes(taylor_test(lambda p: rnn_loss(p, x, y), lambda p: rnn_grad(p, x, y),
                              params), 2)
    assert_slopes(taylor_test(lambda p: rnn_loss(p, x, y),
                              lambda p: rnn_grad(p, x, y, drop_derivative=True), params), 1)


def test_taylor_torch_model_slopes():
    import torch

    params, x, y = rnn_data(seed=5)
    tensors = {key: torch.tensor(value) for key, value in params.items()}
    xt, yt = torch.tensor(x), torch.tensor(y)

    def loss(p):
        h = p["h0"]
        for x_k in xt:
            h = torch.tanh(p["W"] @ h + p["U"] @ x_k + p["b"])
        return 0.5 * ((h - yt) ** 2).sum()

    def grad(p, factor=1.0):
        leaves = {key: value.detach().clone().requires_grad_(True) for key, value in p.items()}
        grads = torch.autograd.grad(loss(leaves), list(leaves.values()))
        return {key: factor * g for key, g in zip(leaves, grads, strict=True)}

    assert_slopes(taylor_test(loss, grad, tensors), 2)
    assert_slopes(taylor_test(loss, lambda p: grad(p, 0.9), tensors), 1)


def test_taylor_jax_function_slopes():
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def loss(p):
        return jnp.sum(jnp.tanh(p) ** 2) + 0.25 * jnp.sum(p ** 4)

    grad = jax.jit(jax.grad(loss))
    loss = jax.jit(loss)
    theta = jnp.asarray(THETA)
    assert_slopes(taylor_test(loss, grad, theta), 2)
    assert_slopes(taylor_test(loss, lambda p: grad(p).at[0].add(0.3), theta), 1)


def test_taylor_linear_function_counts_as_passed_with_note():
    result = taylor_test(lambda p: 3.0 * p.sum(), lambda p: np.full_like(p, 3.0), THETA,
                         directions=2)
    assert result.passed and all(np.isnan(result.slopes))
    assert len(result.notes) == 2 and "linear" in result.notes[0]
    assert result.to_dict()["slopes"] == [None, None]
    wrong = taylor_test(lambda p: 3.0 * p.sum(), lambda p: np.full_like(p, 3.1), THETA)
    assert_slopes(wrong, 1)


def test_taylor_seeded_and_json_ready():
    first = taylor_test(quadratic, quadratic_grad, THETA, seed=7).to_dict()
    assert first == taylor_test(quadratic, quadratic_grad, THETA, seed=7).to_dict()
    assert first["passed"] is True and "1.5" in first["rule"]
    assert len(first["epsilons"][0]) == len(first["remainders"][0]) >= 5


@pytest.mark.parametrize("call, message", [
    (lambda: taylor_test(quadratic, quadratic_grad, THETA, directions=0), "directions"),
    (lambda: taylor_test(quadratic, lambda p: p[:2], THETA), r"shape \(3,\)"),
    (lambda: taylor_test(lambda p: p, quadratic_grad, THETA), "scalar"),
    (lambda: taylor_test(quadratic, quadratic_grad, {}), "empty"),
    (lambda: taylor_test(lambda p: 0.0, lambda p: {"b": p["a"]}, {"a": THETA}), "keys"),
    (lambda: taylor_test(quadratic, lambda p: p * np.nan, THETA), "non-finite"),
    (lambda: taylor_test(lambda p: np.inf, quadratic_grad, THETA), "not finite"),
    (lambda: taylor_test(quadratic, None, THETA), "callables"),
])
def test_taylor_bad_input_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_taylor_float32_gets_a_note():
    theta = THETA.astype(np.float32)
    result = taylor_test(lambda p: np.float32(0.5) * p @ p, lambda p: p, theta, directions=1)
    assert any("float64" in note for note in result.notes)
