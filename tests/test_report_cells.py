"""The report's gated-cells section: formulas printed from derive's SymPy blocks, the carousel
claims checked on SymPy's own Jacobian, the figure with its caption, and results.json's
curves against independent recomputations (numeric.cell_jacobian_product and torch float64
autograd), with the paragraph's claims (slopes, order by forget bias) as computed."""

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import derive
import numeric
from derive.notation import latex
from reports import report
from reports import section_cells as cells
from reports.sections import number
from tests.conftest import section

N, T_MAX = 32, 1000
SIGMA = derive.gate(derive.activation("sigmoid"))
TANH = derive.gate(derive.activation("tanh"))
KINDS = {"elman": derive.activation("tanh"), "lstm": None, "gru": None}
ROW_COL = sp.symbols("i j", integer=True, positive=True)


def _unit(name):
    return sp.Symbol(name, real=True)


def _block_terms(tex, lhs):
    """The printed terms of the block whose left-hand side is ``lhs``."""
    start = tex.index(latex(lhs) + " &= ") + len(latex(lhs) + " &= ")
    ends = [tex.find(stop, start) for stop in (" \\\\\n", "\n\\end{align*}")]
    text = tex[start:min(e for e in ends if e > 0)]
    return [re.sub(r"^- ", "-", t) for t in re.split(r" \\\\\*\n&\\quad (?:\+ )?", text)]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_section_prints_every_derived_block(built, name):
    """Each block's printed terms are latex of derive.readable_jacobian's terms (the derived
    structured blocks in gate values), and that form equals the structured one once the gate
    values are put back (checked at random points, 30 digits)."""
    tex = section((built / "report.tex").read_text(), cells.TITLE)
    lstm_at, gru_at = tex.index("\\paragraph{LSTM.}"), tex.index("\\paragraph{GRU.}")
    tex = {"elman": tex[:lstm_at], "lstm": tex[lstm_at:gru_at], "gru": tex[gru_at:]}[name]
    kind = derive.cell_kind(name)
    structured = derive.structured_jacobian(kind, KINDS[name])
    values = derive.gate_values(kind, KINDS[name])
    rng = np.random.default_rng(3)
    for (new, old), block in derive.readable_jacobian(kind, KINDS[name]).items():
        lhs = sp.Derivative(sp.Symbol(f"{new}'_i"), sp.Symbol(f"{old}_j"), evaluate=False)
        printed = _block_terms(tex, lhs)
        assert sorted(printed) == sorted(latex(t) for t in sp.Add.make_args(block)), (new, old)
        back = block
        for symbol, value in reversed(values):
            back = back.xreplace({symbol: value})
        exact = derive.explicit(back - structured[(new, old)])
        point = {s: sp.Rational(int(rng.integers(-20, 20)), 7) for s in exact.free_symbols}
        assert abs(sp.N(exact.xreplace(point), 30)) < 1e-25, (new, old)
    if name == "lstm":
        assert "\\tanh\\left(c'\\right)^{2}" in tex


def test_carousel_blocks_are_those_of_sympys_own_jacobian():
    """For an LSTM and a GRU with n = 2, Matrix.jacobian of the step map: ∂c_k/∂c_{k−1} is
    diag(σ(z_f)) exactly, and GRU's diagonal holds σ(z_z) (the printed δ_ij terms)."""
    lstm = derive.cell("lstm", hidden=2)
    s = derive.state_symbols(lstm, 0)
    x = lstm.input_at(1)
    J = derive.step_map(lstm, s, x).jacobian(s)
    W_if, b_if, b_hf = (lstm.block(p, 1) for p in ("weight_ih", "bias_ih", "bias_hh"))
    z_f = W_if * x + b_if + lstm.block("weight_hh", 1) * s[:2, :] + b_hf
    assert J[2:, 2:] == sp.diag(SIGMA(z_f[0]), SIGMA(z_f[1]))
    blocks = derive.structured_jacobian(derive.cell_kind("lstm"), None)
    assert blocks[("c", "c")] == sp.KroneckerDelta(*ROW_COL) * SIGMA(_unit("z_f"))
    gru = derive.structured_jacobian(derive.cell_kind("gru"), None)[("h", "h")]
    assert sp.KroneckerDelta(*ROW_COL) * SIGMA(_unit("z_z")) in sp.Add.make_args(gru)


def test_section_has_the_figure_with_a_caption(built):
    tex = section((built / "report.tex").read_text(), cells.TITLE)
    figure = tex[tex.index("\\begin{figure}"):tex.index("\\end{figure}")]
    assert "\\includegraphics[width=0.85\\textwidth]{figures/gated_cells.pdf}" in figure
    assert "\\caption{" in figure and "Elman cell (tanh)" in figure and "GRU" in figure
    assert (built / "figures/gated_cells.pdf").read_bytes().startswith(b"%PDF")
    assert (built / "figures/gated_cells.png").read_bytes().startswith(b"\x89PNG")
    text = subprocess.run([shutil.which("pdftotext"), str(built / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert cells.TITLE in text and re.search(r"Figure \d+: log10", text)


def _inputs():
    return 0.1 * np.random.default_rng(1).standard_normal((T_MAX, 1))


def _parameters(name, forget_bias):
    params = numeric.default_parameters(derive.cell_kind(name), N, 1, 0)
    if forget_bias is not None:
        params["bias_ih"][N:2 * N] = forget_bias     # rows i, f, g, o: f is the second block
        params["bias_hh"][N:2 * N] = 0.0
    return params


def _curves(built):
    return json.loads((built / "results.json").read_text())["gated_cells"]["curves"]


def test_results_match_numeric_products(built):
    """log10‖∂h_T/∂h_0‖₂ at T = 1, 17, 200 from cell_jacobian_product (one T at a time,
    unbatched, the whole ∂s_T/∂s_0) equals results.json to 1e-11 (absolute, in log10)."""
    curves = _curves(built)
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
            assert curve["log10_norm"][T - 1] == pytest.approx(expected, abs=1e-11), \
                (curve["label"], T)


def _torch_cell(name, params):
    import torch

    module = {"elman": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell,
              "gru": torch.nn.GRUCell}[name](1, N, dtype=torch.float64)
    with torch.no_grad():
        for key, value in params.items():
            getattr(module, key).copy_(torch.from_numpy(value))
    return module


@pytest.mark.parametrize("label_index", range(5))
def test_results_match_torch_autograd(built, label_index):
    """∂h_T/∂h_0 (c_0 = 0 held fixed) by torch.func.jacrev in float64 at T = 1, 6, 25."""
    import torch

    curve = _curves(built)[label_index]
    module = _torch_cell(curve["cell"], _parameters(curve["cell"], curve["forget_bias"]))
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


def test_slopes_rates_and_order_are_as_the_paragraph_says(built):
    """Slopes are least squares over T = 501..1000 (closed form here), carousel rates are
    max_i mean_k log10 f_{k,i} of forget gates recomputed from the states, the LSTM curves
    increase with b_f from the T the text names on, and the text prints these numbers."""
    results = json.loads((built / "results.json").read_text())["gated_cells"]
    tex = section((built / "report.tex").read_text(), cells.TITLE)
    T = np.arange(501, T_MAX + 1, dtype=float)
    for curve in results["curves"]:
        y = np.array(curve["log10_norm"][500:])
        slope = np.sum((T - T.mean()) * (y - y.mean())) / np.sum((T - T.mean()) ** 2)
        assert curve["slope"] == pytest.approx(slope, rel=1e-9)
        assert f"slope ${number(curve['slope'], 4)}$" in tex
        assert f"${number(curve['log10_norm'][-1], 6)}$ at $T = 1000$" in tex
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
    assert f"curves at every $T$ from ${start}$ to ${T_MAX}$" in tex
    assert lstms[0]["slope"] < lstms[1]["slope"] < lstms[2]["slope"] < 0


def test_results_are_strict_with_notes_for_what_a_cell_lacks(built):
    curves = {c["cell"] + str(c["forget_bias"]): c for c in _curves(built)}
    assert curves["elmanNone"]["forget_bias_note"] == "the elman cell has no forget gate"
    assert curves["elmanNone"]["carousel_rate"] is None and "carousel_rate_note" in \
        curves["elmanNone"]
    assert curves["gruNone"]["carousel_rate"] < 0 and "forget_bias_note" in curves["gruNone"]
    assert all(v is not None and math.isfinite(v) for c in curves.values()
               for v in c["log10_norm"])


def test_section_is_deterministic(tmp_path):
    """The section twice: the same LaTeX, results and figure bytes."""
    runs = []
    for folder in ("a", "b"):
        written = []
        entry = dict(report.section_list(tmp_path / folder, written))[cells.TITLE]
        text, numbers = entry()
        figures = {path.name: path.read_bytes() for path in map(Path, written)}
        runs.append((text, json.dumps(numbers, sort_keys=True, allow_nan=False), figures))
    assert runs[0] == runs[1] and set(runs[0][2]) == {"gated_cells.png", "gated_cells.pdf"}
