"""Every sweep reports the predictability horizon, reliable flags and rates: a stable setting
(tanh, gain 0.5) has no horizon, a chaotic one (tanh, gain 2, n = 128) has one before T = 1000.
The horizons are checked against a twin loop written here from the rule's text (numeric.horizon's
docstring), one batch member at a time in plain NumPy."""

import argparse
import json

import numpy as np
import pytest

import derive
import numeric
from numeric import cell_sweep, cells
from reports import cell_sweeping, sweep_text, sweeping

T_LIST = [10, 100, 1000]


def hand_horizon(step, s0, steps):
    """The rule by hand: twin s0 + 2^-50 max(1, |s0|_inf) * signs (default_rng(0)), e_k =
    |s_k - twin_k|_inf / max(1, |s_k|_inf), twin re-started where it equals s_k exactly,
    horizon = first k with e_k > 1e-4 (-1: none)."""
    s = np.array(s0, dtype=float)
    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=s.shape[-1])

    def start(row):
        return row + 2.0**-50 * max(1.0, float(np.max(np.abs(row)))) * signs

    twin = np.array([start(row) for row in s])
    horizon = [-1] * len(s)
    for k in range(steps + 1):
        if k:
            s, twin = step(k, s), step(k, twin)
            for b in range(len(s)):
                if np.array_equal(s[b], twin[b]):
                    twin[b] = start(s[b])
        for b in range(len(s)):
            e = np.max(np.abs(s[b] - twin[b])) / max(1.0, float(np.max(np.abs(s[b]))))
            if e > 1e-4 and horizon[b] == -1:
                horizon[b] = k
    return horizon


def drive(n, seed=3):
    return 0.1 * np.random.default_rng(seed).standard_normal(n)


def w0(n, seed=0):
    return np.random.default_rng(seed).standard_normal((n, n)) / np.sqrt(n)


@pytest.fixture(scope="module")
def chaotic():
    n = 128
    W0, x = w0(n), drive(n)
    return W0, x, numeric.gain_sweep(W0, [0.5, 2.0], [10, 1000], inputs=x)


def test_stable_gain_sweep_is_reliable_everywhere():
    n = 64
    result = numeric.gain_sweep(w0(n), [0.5], T_LIST, inputs=drive(n))
    assert result.horizon.tolist() == [-1]
    assert result.reliable.shape == (1, 3) and result.reliable.all()
    assert np.allclose(result.rate, result.log10_norm / np.array(T_LIST), rtol=1e-15)
    assert result.to_dict()["horizon"] == [None]


def test_chaotic_gain_sweep_has_a_horizon_matching_a_hand_loop(chaotic):
    W0, x, result = chaotic
    gains = np.array([0.5, 2.0])

    def step(k, h):
        return np.tanh(gains[:, None] * (h @ W0.T) + x)

    expected = hand_horizon(step, np.zeros((2, len(x))), 1000)
    assert result.horizon.tolist() == expected
    assert expected[0] == -1 and 0 < expected[1] < 1000
    assert result.reliable.tolist() == [[True, True], [True, False]]


def test_chaotic_cell_sweep_has_a_horizon_matching_a_hand_loop():
    n, T = 128, [10, 1000]
    result = numeric.cell_gain_sweep("elman", [0.5, 2.0], T, hidden=n, seed=0)
    params = cell_sweep.gain_parameters(derive.cell_kind("elman"), [0.5, 2.0], n, 1, 0)
    x, _ = cell_sweep.sweep_inputs(1000, 1, 0)
    w_ih, b = params["weight_ih"][:, 0], params["bias_ih"] + params["bias_hh"]
    W = params["weight_hh"]

    def step(k, h):  # h' = tanh(W_ih x_k + b_ih + g W h + b_hh), written out here
        return np.tanh(w_ih * x[k - 1, 0] + b + np.einsum("gij,gj->gi", W, h))

    expected = hand_horizon(step, np.zeros((2, n)), 1000)
    assert expected[0] == -1 and 0 < expected[1] < 1000
    assert result.horizon[0] == -1
    # the sweep's own map (one step of numeric.cells.forward) under the hand rule: exact
    kind = derive.cell_kind("elman")
    act = derive.activation("tanh")

    def own(k, s):
        return cells.forward(kind, act, params, s, x[k - 1:k]).states[-1]

    assert result.horizon.tolist() == hand_horizon(own, np.zeros((2, n)), 1000)
    # a different order of roundings in the hand-written map: the same horizon within 10 %
    assert abs(int(result.horizon[1]) - expected[1]) <= 0.1 * expected[1]
    assert result.reliable.tolist() == [[True, True], [True, False]]


def test_twin_horizon_equals_the_stored_separations():
    W0, x = w0(16, seed=5), drive(16, seed=6)
    gains = np.array([0.5, 3.0])

    def step(k, h):
        return np.tanh(gains[:, None] * (h @ W0.T) + x)

    s0 = np.zeros((2, 16))
    stored = numeric.horizon.horizon_steps(numeric.horizon.twin_separation(step, s0, 400))
    assert numeric.horizon.twin_horizon(step, s0, 400).tolist() == stored.tolist()
    assert stored.tolist() == hand_horizon(step, s0, 400)


def test_scalar_sweep_stable_is_reliable_and_json_has_the_keys():
    result = numeric.scalar_sweep("tanh", [0.5, 0.9, -0.5], T_LIST, inputs=0.1)
    w = np.array([0.5, 0.9, -0.5])[:, None]
    assert result.horizon.tolist() == hand_horizon(lambda k, h: np.tanh(w * h + 0.1),
                                                   np.zeros((3, 1)), 1000) == [-1, -1, -1]
    data = result.to_dict()
    assert data["reliable"] == [[True] * 3] * 3 and data["horizon"] == [None] * 3
    assert np.allclose(data["rate"], result.log10_abs_grad / np.array(T_LIST), rtol=1e-15)
    assert data["horizon_note"] == numeric.horizon.HORIZON_NOTE
    assert data["reliable_rule"] == numeric.horizon.RULE_TEXT


@pytest.mark.parametrize("run", [
    lambda: numeric.scalar_sweep("identity", [0.5, 3.0], [10, 100]),
    lambda: numeric.gain_sweep(w0(8), [0.5, 3.0], [10, 100], activation="identity"),
    lambda: numeric.cell_gain_sweep("elman", [0.5, 1.5], [10, 100], hidden=8,
                                    activation="identity"),
])
def test_identity_activation_is_reliable_everywhere(run):
    result = run()
    assert result.horizon.tolist() == [-1, -1]
    assert result.reliable.all() and result.reliable.shape == (2, 2)


def test_json_is_deterministic_with_right_shapes():
    W0, x = w0(32, seed=1), drive(32)
    one, two = (json.dumps(numeric.gain_sweep(W0, [0.5, 3.0], [10, 1000], inputs=x).to_dict(),
                           sort_keys=True, allow_nan=False) for _ in range(2))
    assert one == two
    data = json.loads(one)
    assert data["reliable"] == [[True, True], [True, False]]
    assert data["horizon"][0] is None and isinstance(data["horizon"][1], int)
    assert np.shape(data["rate"]) == (2, 2)
    cell = numeric.forget_bias_sweep([0.0, 3.0], [1, 50], hidden=4, seed=0).to_dict()
    assert np.shape(cell["reliable"]) == np.shape(cell["rate"]) == (2, 2)
    assert cell["horizon"] == [None, None]


def cell_args(gain, T, **extra):
    base = dict(cell="elman", gain=gain, forget_bias=None, hidden=64, T=T, seed=0, noise=None,
                input=None, activation=None, w=None, h0=None, plot=None, json=False, csv=False,
                backend=None)
    return argparse.Namespace(**{**base, **extra})


def test_cli_table_marks_chaotic_values_only():
    chaotic = cell_sweeping.run(cell_args("2", "10,1000"))
    stable = cell_sweeping.run(cell_args("0.5", "10,1000"))
    assert "~ beyond the predictability horizon (step" in chaotic
    assert "only the rate is meaningful" in " ".join(chaotic.split())
    row = [line for line in chaotic.splitlines() if line.strip().startswith("2 ")][0]
    assert row.count("~") == 1   # T = 1000 only
    rows = [line for line in stable.splitlines() if line.split()[:1] == ["0.5"]]
    assert len(rows) == 1 and "~" not in rows[0]
    assert "predictability horizon" not in stable and "rate" in stable


def test_csv_has_rate_and_reliable_columns():
    csv = cell_sweeping.run(cell_args("0.5,2", "10,1000", csv=True)).splitlines()
    assert csv[0].endswith(",regime,rate,reliable")
    assert csv[-1].endswith(",false") and csv[1].endswith(",true")
    text, _ = sweeping.run("tanh", "0.5", "10,20", 0.0, 0.1, 0.0, 0, output="csv")
    lines = text.splitlines()
    assert lines[0] == sweep_text.CSV_HEADER and lines[0].endswith(",rate,reliable")
    rate = float(lines[1].split(",")[-2])
    assert rate == pytest.approx(float(lines[1].split(",")[3]) / 10, rel=1e-15)


def test_scalar_twin_horizon_equals_the_rule_on_a_chaotic_map():
    """The logistic map r s (1 - s) is chaotic for r near 4: the one-dimensional fast path
    gives the hand loop's horizons exactly, crossings and none alike."""
    r = np.linspace(2.5, 4.0, 7)[:, None]

    def step(k, s):
        return r * s * (1 - s)

    s0 = np.full((7, 1), 0.3)
    expected = hand_horizon(step, s0, 600)
    assert numeric.horizon.scalar_twin_horizon(step, s0, 600).tolist() == expected
    assert expected[0] == -1 and 0 < expected[-1] < 600


def test_scalar_sweep_horizon_at_an_unstable_fixed_point_matches_the_hand_loop():
    result = numeric.scalar_sweep("tanh", [0.5, 3.0], [10, 100])
    w = np.array([0.5, 3.0])[:, None]
    expected = hand_horizon(lambda k, h: np.tanh(w * h + 0.0), np.zeros((2, 1)), 100)
    assert result.horizon.tolist() == expected and expected[0] == -1 and 0 < expected[1] < 100


def test_notebook_table_marks_values_beyond_the_horizon():
    """The notebook display (``_repr_markdown_``): "~" after exactly the unreliable values, and
    the caption says what it means only when there is one."""
    chaotic = numeric.cell_gain_sweep("elman", [0.5, 2.0], [10, 1000], hidden=32)
    assert chaotic.reliable.tolist() == [[True, True], [True, False]]
    text = chaotic._repr_markdown_()
    assert text.count("~ (") == 1 and "| 2 | 2.04 (exploding) |" in text.replace("  ", " ")
    assert "beyond the predictability horizon" in text
    stable = numeric.cell_gain_sweep("elman", [0.5], [10, 1000], hidden=32)._repr_markdown_()
    assert "~ (" not in stable and "horizon" not in stable
