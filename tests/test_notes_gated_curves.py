"""The gated-cells section's numbers (reports/notes/gated.py, results.json "gated_cells"):
every curve against numeric.cell_jacobian_product and torch float64 autograd, the slopes by a
closed-form least-squares fit, the carousel rates from forget gates recomputed by hand, the
forget-bias order, and the strict-JSON notes for what a cell lacks."""

import math

import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from reports import doc, doc_walk

N, T_MAX = 32, 1000
KINDS = {"elman": derive.activation("tanh"), "lstm": None, "gru": None}


@pytest.fixture
def built(gated_notes):
    return gated_notes


def _inputs():
    return 0.1 * np.random.default_rng(1).standard_normal((T_MAX, 1))


def _parameters(name, forget_bias):
    params = numeric.default_parameters(derive.cell_kind(name), N, 1, 0)
    if forget_bias is not None:
        params["bias_ih"][N:2 * N] = forget_bias     # rows i, f, g, o: f is the second block
        params["bias_hh"][N:2 * N] = 0.0
    return params


def test_results_match_numeric_products(built):
    """log10‖∂h_T/∂h_0‖₂ at T = 1, 17, 200 from cell_jacobian_product (one T at a time, the
    whole ∂s_T/∂s_0) equals the results to 1e-11 (absolute, in log10)."""
    curves = built[3]["curves"]
    assert [c["label"] for c in curves] == ["Elman (tanh)", "LSTM, b_f = 0", "LSTM, b_f = 1",
                                            "LSTM, b_f = 3", "GRU"]
    for curve in curves:
        kind, act = derive.cell_kind(curve["cell"]), KINDS[curve["cell"]]
        params = _parameters(curve["cell"], curve["forget_bias"])
        assert curve["T"] == list(range(1, T_MAX + 1)) and len(curve["log10_norm"]) == T_MAX
        for T in (1, 17, 200):
            s0 = np.zeros(len(kind.state) * N)
            path = numeric.cell_forward(kind, act, params, s0, _inputs()[:T])
            P = numeric.cell_jacobian_product(kind, act, params, path)
            expected = math.log10(np.linalg.norm(P.mantissa[:N, :N], 2)) \
                + P.exponent * math.log10(2)
            assert curve["log10_norm"][T - 1] == pytest.approx(expected, abs=1e-11)


@pytest.mark.parametrize("index", range(5))
def test_results_match_torch_autograd(built, index):
    """∂h_T/∂h_0 (c_0 = 0 held fixed) by torch.func.jacrev in float64 at T = 1, 6, 25."""
    import torch

    curve = built[3]["curves"][index]
    module = {"elman": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell,
              "gru": torch.nn.GRUCell}[curve["cell"]](1, N, dtype=torch.float64)
    with torch.no_grad():
        for key, value in _parameters(curve["cell"], curve["forget_bias"]).items():
            getattr(module, key).copy_(torch.from_numpy(value))
    x = torch.from_numpy(_inputs())

    def h_T(h0, T):
        state = (h0, torch.zeros(N, dtype=torch.float64)) if curve["cell"] == "lstm" else h0
        for t in range(T):
            state = module(x[t], state)
        return state[0] if curve["cell"] == "lstm" else state

    for T in (1, 6, 25):
        J = torch.func.jacrev(lambda h0, T=T: h_T(h0, T))(torch.zeros(N, dtype=torch.float64))
        expected = math.log10(torch.linalg.matrix_norm(J, 2).item())
        assert curve["log10_norm"][T - 1] == pytest.approx(expected, abs=1e-12), T


def _math_values(parts):
    """The Float values of the Math parts among ``parts``."""
    return [float(p.expr) for p in doc_walk.inline_parts(parts)
            if isinstance(p, doc.Math) and isinstance(p.expr, sp.Float)]


def test_slopes_rates_and_order_are_as_the_paragraph_says(built):
    """Slopes are least squares over T = 501..1000 (closed form here), carousel rates are
    max_i mean_k log10 f_{k,i} of forget gates recomputed from the states, the LSTM curves
    increase with b_f from the T the results name on, and the findings print these numbers."""
    results, section = built[3], built[2]
    findings = next(b for b in section.blocks if isinstance(b, doc.Para)
                    and isinstance(b.parts[0], doc.Ref) and b.parts[0].label == "fig:gated-cells")
    printed = _math_values(findings.parts)
    T = np.arange(501, T_MAX + 1, dtype=float)
    for curve in results["curves"]:
        y = np.array(curve["log10_norm"][500:])
        slope = np.sum((T - T.mean()) * (y - y.mean())) / np.sum((T - T.mean()) ** 2)
        assert curve["slope"] == pytest.approx(slope, rel=1e-9)
        assert any(v == pytest.approx(slope, rel=1e-3) for v in printed), curve["label"]
        assert any(v == pytest.approx(curve["log10_norm"][-1], rel=1e-5) for v in printed)
    lstms = [c for c in results["curves"] if c["cell"] == "lstm"]
    assert [c["forget_bias"] for c in lstms] == [0, 1, 3]
    for curve in lstms:
        params = _parameters("lstm", curve["forget_bias"])
        path = numeric.cell_forward(derive.cell_kind("lstm"), None, params, np.zeros(2 * N),
                                    _inputs())
        h = np.array([s[:N] for s in path.states[:-1]])
        z_f = _inputs() @ params["weight_ih"][N:2 * N].T + params["bias_ih"][N:2 * N] \
            + h @ params["weight_hh"][N:2 * N].T + params["bias_hh"][N:2 * N]
        rate = np.max(np.mean(-np.log10(1 + np.exp(-z_f)), axis=0))
        assert curve["carousel_rate"] == pytest.approx(rate, rel=1e-10)
    start = results["lstm_ordered_by_forget_bias_from_T"]
    values = np.array([c["log10_norm"] for c in lstms])
    assert np.all(np.diff(values[:, start - 1:], axis=0) > 0)
    assert start == 1 or not np.all(np.diff(values[:, start - 2], axis=0) > 0)
    assert any(isinstance(p, doc.Text) and f"from {start} to {T_MAX}" in p.en
               for p in findings.parts)
    assert lstms[0]["slope"] < lstms[1]["slope"] < lstms[2]["slope"] < 0


def test_results_are_strict_with_notes_for_what_a_cell_lacks(built):
    curves = {c["cell"] + str(c["forget_bias"]): c for c in built[3]["curves"]}
    assert curves["elmanNone"]["forget_bias_note"] == "the elman cell has no forget gate"
    assert curves["elmanNone"]["carousel_rate"] is None and "carousel_rate_note" in \
        curves["elmanNone"]
    assert curves["gruNone"]["carousel_rate"] < 0 and "forget_bias_note" in curves["gruNone"]
    assert all(v is not None and math.isfinite(v) for c in curves.values()
               for v in c["log10_norm"])


def _hand_line_distance(values, start=501):
    """The largest |y_T − (a + b T)| over T = start..len(values), a + b T the least-squares
    line by the closed-form sums (no polyfit)."""
    T = list(range(start, len(values) + 1))
    y = values[start - 1:]
    n, sT, sy = len(T), sum(T), sum(y)
    sTT, sTy = sum(t * t for t in T), sum(t * v for t, v in zip(T, y, strict=True))
    b = (n * sTy - sT * sy) / (n * sTT - sT * sT)
    a = (sy - b * sT) / n
    return max(abs(v - (a + b * t)) for t, v in zip(T, y, strict=True)), b


def test_caption_reads_the_curves(built):
    """Issue 14 item 9 (captions from data): the caption's distance to a straight line is the
    largest over the curves by hand, the curve it names fastest has the smallest hand slope,
    and it says the LSTM falls slower with a larger forget bias only when the hand slopes are
    so ordered."""
    curves = built[3]["curves"]
    fits = {c["label"]: _hand_line_distance(c["log10_norm"]) for c in curves}
    figure = next(b for b in built[2].blocks
                  if isinstance(b, doc.Figure) and b.label == "fig:gated-cells")
    parts = list(doc_walk.inline_parts(figure.caption))
    shown = [float(p.expr) for p in parts if isinstance(p, doc.Math) and p.expr.is_number]
    assert any(math.isclose(n, max(d for d, _ in fits.values()), rel_tol=1e-3) for n in shown)
    en = "".join(p.en for p in parts if isinstance(p, doc.Text))
    fastest = min(fits, key=lambda label: fits[label][1])
    assert fastest == "Elman (tanh)" and "the tanh Elman cell falls fastest" in en
    lstm = sorted((c for c in curves if c["cell"] == "lstm"), key=lambda c: c["forget_bias"])
    slopes = [fits[c["label"]][1] for c in lstm]
    assert slopes == sorted(slopes) and "the LSTM falls the slower the larger its forget bias" \
        in en
