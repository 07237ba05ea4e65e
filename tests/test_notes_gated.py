"""The gated-cells section (reports/notes/gated.py): its derived blocks against SymPy's own
Jacobian, torch float64 autograd and finite differences, the figure at its printed size, the
forget-bias table, prose in both languages, determinism, and its LaTeX built without overfull
boxes.  The curves themselves: tests/test_notes_gated_curves.py."""

import math

import matplotlib
import numpy as np
import pytest
import sympy as sp

import derive
from reports import doc, doc_walk
from reports.notes import Context, gated
from reports.notes import gated_figure as gf
from tests.notes_checks import assert_both_languages, assert_languages, build_pdf, stray_markers

N, T_MAX = 32, 1000
SIGMA = derive.gate(derive.activation("sigmoid"))
KINDS = {"elman": derive.activation("tanh"), "lstm": None, "gru": None}
ROW_COL = sp.symbols("i j", integer=True, positive=True)


@pytest.fixture
def built(gated_notes):
    return gated_notes


def _jacobians(section):
    """The Aligned blocks whose rows are ∂s'/∂s blocks: Elman, LSTM, GRU in that order."""
    return [b for b in section.blocks if isinstance(b, doc.Aligned)
            and isinstance(b.rows[0][0], sp.Derivative)]


@pytest.mark.parametrize("index, name", list(enumerate(KINDS)))
def test_section_prints_every_derived_block(built, index, name):
    """Each printed block's terms sum to derive.readable_jacobian's block, and that form equals
    the structured one once the gate values are put back (random points, 30 digits)."""
    shown = dict(_jacobians(built[2])[index].rows)
    kind = derive.cell_kind(name)
    structured = derive.structured_jacobian(kind, KINDS[name])
    values = derive.gate_values(kind, KINDS[name])
    rng = np.random.default_rng(3)
    readable = derive.readable_jacobian(kind, KINDS[name])
    assert len(shown) == len(readable)
    for (new, old), block in readable.items():
        lhs = sp.Derivative(sp.Symbol(f"{new}'_i"), sp.Symbol(f"{old}_j"), evaluate=False)
        assert sp.expand(sp.Add(*shown[lhs]) - block) == 0, (new, old)
        back = block
        for symbol, value in reversed(values):
            back = back.xreplace({symbol: value})
        exact = derive.explicit(back - structured[(new, old)])
        point = {s: sp.Rational(int(rng.integers(-20, 20)), 7) for s in exact.free_symbols}
        assert abs(sp.N(exact.xreplace(point), 30)) < 1e-25, (new, old)


def _torch_cell(name, n, seed):
    import torch

    torch.manual_seed(seed)
    return {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[name](2, n, dtype=torch.float64)


def test_lstm_carousel_is_diag_f_by_torch_autograd(built):
    """∂c'/∂c by torch.func.jacrev is diag(σ(z_f)) with z_f by hand from the weights, and the
    section's (c, c) block is f δ_ij."""
    import torch

    n = 3
    cell = _torch_cell("lstm", n, 0)
    x, h, c = (torch.randn(size, dtype=torch.float64) for size in (2, n, n))
    J = torch.func.jacrev(lambda c: cell(x, (h, c))[1])(c)
    w_ih, w_hh = cell.weight_ih[n:2 * n], cell.weight_hh[n:2 * n]
    z_f = w_ih @ x + cell.bias_ih[n:2 * n] + w_hh @ h + cell.bias_hh[n:2 * n]
    assert torch.allclose(J, torch.diag(torch.sigmoid(z_f)), atol=1e-15, rtol=0)
    shown = dict(_jacobians(built[2])[1].rows)
    cc = sp.Derivative(sp.Symbol("c'_i"), sp.Symbol("c_j"), evaluate=False)
    term, = shown[cc]
    f, = [s for s in term.free_symbols if s.name == "f"]
    assert term.free_symbols == {f, *ROW_COL} and term / f == sp.KroneckerDelta(*ROW_COL)


def test_gru_update_gate_carousel_by_torch_autograd(built):
    """With weight_hh zero but for nothing, ∂h'/∂h is diag(z) + terms through W_hh: with
    W_hh = 0 torch gives exactly diag(σ(z_z)), which is the section's δ_ij term."""
    import torch

    n = 3
    cell = _torch_cell("gru", n, 1)
    with torch.no_grad():
        cell.weight_hh.zero_()
    x, h = torch.randn(2, dtype=torch.float64), torch.randn(n, dtype=torch.float64)
    J = torch.func.jacrev(lambda h: cell(x, h))(h)
    z = torch.sigmoid(cell.weight_ih[n:2 * n] @ x + cell.bias_ih[n:2 * n] + cell.bias_hh[n:2 * n])
    assert torch.allclose(J, torch.diag(z), atol=1e-15, rtol=0)
    hh = dict(_jacobians(built[2])[2].rows)[
        sp.Derivative(sp.Symbol("h'_i"), sp.Symbol("h_j"), evaluate=False)]
    term, = [t for t in hh if t.has(sp.KroneckerDelta)]
    z_value, = [s for s in term.free_symbols if s.name == "z"]
    assert term.free_symbols == {z_value, *ROW_COL}
    assert term / z_value == sp.KroneckerDelta(*ROW_COL)


def test_carousel_block_of_sympys_own_jacobian():
    """For an LSTM with n = 2, Matrix.jacobian of the step map: ∂c_k/∂c_{k−1} = diag(σ(z_f))."""
    lstm = derive.cell("lstm", hidden=2)
    s = derive.state_symbols(lstm, 0)
    x = lstm.input_at(1)
    J = derive.step_map(lstm, s, x).jacobian(s)
    W_if, b_if, b_hf = (lstm.block(p, 1) for p in ("weight_ih", "bias_ih", "bias_hh"))
    z_f = W_if * x + b_if + lstm.block("weight_hh", 1) * s[:2, :] + b_hf
    assert J[2:, 2:] == sp.diag(SIGMA(z_f[0]), SIGMA(z_f[1]))


def test_indrnn_block_is_diagonal_by_finite_differences(built):
    """The shown IndRNN block u (1 − h'²) δ_ij against central differences of
    h' = tanh(W_ih x + b + u ⊙ h) (n = 4, step 1e-6, to 1e-8)."""
    display = next(b for b in built[2].blocks if isinstance(b, doc.Display)
                   and str(b.exprs[0].lhs) == "J_{k,ij}")
    rhs = display.exprs[0].rhs
    rng = np.random.default_rng(5)
    W, b, u, h, x = (rng.standard_normal(size) for size in ((4, 1), 4, 4, 4, 1))
    step = lambda h: np.tanh(W @ x + b + u * h)  # noqa: E731
    J = np.column_stack([(step(h + 1e-6 * e) - step(h - 1e-6 * e)) / 2e-6 for e in np.eye(4)])
    new = step(h)
    by_symbol = {s.name: s for s in rhs.free_symbols}
    for i in range(4):
        for j in range(4):
            value = rhs.subs({by_symbol["u"]: u[i], by_symbol["h'"]: new[i],
                              ROW_COL[0]: i + 1, ROW_COL[1]: j + 1})
            assert float(value) == pytest.approx(J[i, j], abs=1e-8)


def test_forget_bias_table(built):
    """tab:forget-bias: one row per LSTM, σ(b_f) = 1/(1 + e^(−b_f)) and its log10 by hand, the
    slope and the value at T = 1000 as in the results; a caption that says what to see."""
    table = next(b for b in built[2].blocks if isinstance(b, doc.Table))
    assert table.label == "tab:forget-bias"
    assert_both_languages(table.caption, table.label)
    lstms = [c for c in built[3]["curves"] if c["cell"] == "lstm"]
    assert len(table.rows) == len(lstms) == 3
    for row, curve in zip(table.rows, lstms, strict=True):
        b = curve["forget_bias"]
        assert int(row[0].expr) == b
        sigma = 1 / (1 + math.exp(-b))
        assert float(row[1].expr) == pytest.approx(sigma, rel=1e-15)
        numbers = [float(cell.expr) for cell in row[2:]]
        expected = [sigma, math.log10(sigma), curve["carousel_rate"], curve["slope"],
                    curve["log10_norm"][-1]]
        assert numbers == pytest.approx(expected, rel=1e-3)


def test_figure_prints_at_its_size_with_fonts_of_8pt_or_more(built):
    """figures/gated_cells.pdf is at most 6.3 in wide (its MediaBox), the PNG decodes, and
    every text the figure holds is 8 pt or larger."""
    folder, ctx, section, results = built
    figure = next(b for b in section.blocks if isinstance(b, doc.Figure))
    assert figure.label == "fig:gated-cells"
    assert_both_languages(figure.caption, figure.label)
    pdf = (ctx.figure_dir / "gated_cells.pdf").read_bytes()
    box = [float(v) for v in pdf.split(b"/MediaBox")[1].split(b"]")[0].strip(b" [").split()]
    assert box[2] - box[0] <= 6.3 * 72 + 0.01
    assert (ctx.figure_dir / "gated_cells.png").read_bytes().startswith(b"\x89PNG")
    fig, ax = matplotlib.pyplot.subplots()
    from reports import cells_curves as cc
    gf.plot(ax, cc.gated_curves(T_max=5))
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    assert sizes and min(sizes) >= 8
    assert fig.get_size_inches()[0] <= 6.3
    matplotlib.pyplot.close(fig)


def test_prose_in_both_languages_and_no_cjk_in_english(built):
    section = built[2]
    assert section.label == "sec:gated"
    assert_languages(section)
    assert stray_markers(section) == []
    cited = {k for p in doc_walk.section_parts(section) if isinstance(p, doc.Cite) for k in p.keys}
    assert {"hochreiter1997", "gers2000", "cho2014", "li2018"} <= cited


def test_tex_builds_without_overfull_boxes(built, tmp_path):
    folder, ctx, section, _ = built
    assert [w for w in build_pdf([section], tmp_path, ctx.figure_dir) if w > 1] == []


def test_section_is_deterministic(built, tmp_path):
    """The section built twice: the same document, results and figure bytes."""
    import json

    folder, ctx, section, results = built
    again = Context(tmp_path)
    section2, results2 = gated.build(again)
    assert section2 == section
    assert json.dumps(results2["gated_cells"], sort_keys=True, allow_nan=False) == \
        json.dumps(results, sort_keys=True, allow_nan=False)
    for name in ("gated_cells.png", "gated_cells.pdf"):
        assert (tmp_path / name).read_bytes() == (ctx.figure_dir / name).read_bytes()
